package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one step as its runner works it out: the fields that {@code expect:} and the
 * JSON log read, the line for people, longer details, and why it failed, if it did.
 */
final class StepResult {
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final List<String> details = new ArrayList<>();
    private String text = "";
    private Failure failure;

    /** The step's number: the one {@code as:} names. */
    void value(long value, String text) {
        fields.put(Field.VALUE.key(), value);
        this.text = text;
    }

    /** The physical address, and its frame. */
    void paddr(long paddr) {
        put(Field.PADDR, paddr);
        put(Field.FRAME, Addresses.paddrToPfn(paddr));
    }

    void put(Field field, Object value) {
        fields.put(field.key(), value);
    }

    /** The call failed as the kernel documents it; the line for people says so. */
    void fail(Failure.Kind kind, String message) {
        failure = new Failure(kind, message);
        text = kind.key() + ": " + message;
    }

    void text(String text) {
        this.text = text;
    }

    void appendText(String more) {
        this.text += more;
    }

    String text() {
        return text;
    }

    Failure failure() {
        return failure;
    }

    Map<String, Object> fields() {
        return fields;
    }

    /** Longer output, one line each: a walk explained, a snapshot. */
    List<String> details() {
        return details;
    }
}
