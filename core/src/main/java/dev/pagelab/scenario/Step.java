package dev.pagelab.scenario;

import java.util.List;

/**
 * One step of a scenario.
 *
 * @param number 1-based, in file order
 * @param line   the 1-based line where the step starts
 * @param op     what it does
 * @param as     the name its result is bound to, or null
 * @param expect what its result must be (empty: it must succeed)
 * @param trace  whether to record every entry the kernel writes during it
 * @param note   a sentence for the reader of the output, or null
 */
public record Step(int number, int line, Op op, String as, List<Expectation> expect, boolean trace, String note) {
    public Step {
        expect = List.copyOf(expect);
    }

    /** The step as one line: {@code kmalloc 100 as a}. */
    public String text() {
        return op.describe() + (as == null ? "" : " as " + as);
    }

    /** Whether an expectation asks for the step to fail. */
    public boolean expectsFailure() {
        return expect.stream().anyMatch(Expectation::wantsFailure);
    }
}
