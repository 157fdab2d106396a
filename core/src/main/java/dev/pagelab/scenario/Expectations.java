package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A step's {@code expect:} against its result: one sentence for each expectation the result does not meet. */
final class Expectations {
    private Expectations() {
    }

    /** What {@code step}'s result {@code fields} miss of its expectations, each {@code "line N: ..."}. */
    static List<String> mismatches(Step step, Map<String, Object> fields, StepContext c) {
        List<String> out = new ArrayList<>();
        for (Expectation e : step.expect()) {
            Object actual = fields.get(e.field().key());
            String problem = switch (e.field()) {
                case FAILS -> failsMismatch(e.expected(), actual);
                case FAULT -> faultMismatch(e.expected(), actual, c);
                default -> valueMismatch(e, actual, c);
            };
            if (problem != null) {
                out.add("line " + e.line() + ": " + problem);
            }
        }
        return out;
    }

    private static String failsMismatch(Object expected, Object actual) {
        boolean failed = !Boolean.FALSE.equals(actual);
        if (Boolean.FALSE.equals(expected)) {
            return failed ? "expected it to succeed, it failed (" + actual + ")" : null;
        }
        if (!failed) {
            return "expected it to fail" + (expected instanceof Failure.Kind k ? " (" + k.key() + ")" : "")
                    + ", it succeeded";
        }
        return expected instanceof Failure.Kind k && !k.key().equals(actual)
                ? "expected it to fail with " + k.key() + ", it failed with " + actual : null;
    }

    private static String faultMismatch(Object expected, Object actual, StepContext c) {
        if (Boolean.FALSE.equals(expected)) {
            return actual == null ? null : "expected no page fault, got error code " + hexOf(actual);
        }
        if (actual == null) {
            return "expected a page fault" + (expected instanceof Value v ? " with error code " + v : "")
                    + ", there was none";
        }
        if (expected instanceof Value v) {
            long code = c.resolveOrMinusOne(v);
            return code == (Long) actual ? null : "expected page-fault error code " + v + ", got " + hexOf(actual);
        }
        return null;
    }

    private static String valueMismatch(Expectation e, Object actual, StepContext c) {
        Object expected = e.expected();
        boolean hex = e.field() == Field.VALUE || e.field() == Field.PADDR;
        if (expected instanceof Value v) {
            long want = c.resolveOrMinusOne(v);
            if (want < 0 && v.isReference()) {
                return "expected " + e.field().key() + " " + v + ", but $" + v.name() + " has no value";
            }
            if (actual instanceof Long got && got == want) {
                return null;
            }
            String wanted = hex ? Addresses.hex(want) : Long.toString(want);
            return "expected " + e.field().key() + " " + wanted + (v.isReference() ? " (" + v + ")" : "") + ", got "
                    + (actual == null ? "none" : hex ? hexOf(actual) : actual);
        }
        return expected.equals(actual) ? null : "expected " + e.field().key() + " " + quoted(expected) + ", got "
                + (actual == null ? "none" : quoted(actual));
    }

    private static String hexOf(Object number) {
        return Addresses.hex((Long) number);
    }

    private static String quoted(Object o) {
        return o instanceof String s ? "\"" + CpuSteps.printable(s) + "\"" : String.valueOf(o);
    }
}
