package dev.pagelab.scenario;

import java.util.Map;

/**
 * A number a step is given: a literal ({@code 4096}, {@code 4K}, {@code 0xC1000000}), or a
 * name an earlier step's {@code as:} bound ({@code $buf}), plus an offset ({@code $buf+0x10}).
 *
 * @param text   as the file wrote it, for messages and step texts
 * @param name   the name referred to, without {@code $}; null for a literal
 * @param number the literal, or the offset added to the name's value
 */
public record Value(String text, String name, long number) {
    /** Whether this refers to a name. */
    public boolean isReference() {
        return name != null;
    }

    /**
     * The number, with a name looked up in {@code names}.
     *
     * @throws UnboundNameException when the name has no value (the step that binds it failed)
     */
    public long resolve(Map<String, Long> names) {
        if (name == null) {
            return number;
        }
        Long bound = names.get(name);
        if (bound == null) {
            throw new UnboundNameException(name);
        }
        return bound + number;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A name that an earlier step should have bound, and did not because it failed. */
    static final class UnboundNameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnboundNameException(String name) {
            super("$" + name + " has no value: the step that names it did not succeed");
        }
    }
}
