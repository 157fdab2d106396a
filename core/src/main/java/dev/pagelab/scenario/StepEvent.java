package dev.pagelab.scenario;

import dev.pagelab.hw.MmuStats;
import java.util.List;
import java.util.Map;

/**
 * One entry of a run's event log: what a step did and what it changed.
 *
 * @param step       the step's number, from 1
 * @param line       the line of the scenario file where it starts
 * @param text       the step as one line: {@code mapPage 0x00400000 frame $page writable user}
 * @param outcome    whether it did what the scenario expected
 * @param failure    why the operation failed, or null when it succeeded
 * @param result     the result for people: {@code 0xC1000010 (paddr 0x00245010)}
 * @param fields     the result for machines and for {@code expect:}, by {@link Field#key()}: Long, Boolean or String values
 * @param changes    what the step changed
 * @param mmu        what the MMU did during the step
 * @param trace      when the step traced, the text of every kernel event but the frame and heap-block ones
 *                   (which {@code changes} sums up): each entry written, INVLPG, use of the temporary
 *                   slot, step of the heap
 * @param details    longer output: a walk explained, a snapshot
 * @param mismatches the expectations the result did not meet, one sentence each
 * @param note       the scenario's sentence for this step, or null
 */
public record StepEvent(int step, int line, String text, Outcome outcome, Failure failure, String result,
                        Map<String, Object> fields, Changes changes, MmuStats.Snapshot mmu, List<String> trace,
                        List<String> details, List<String> mismatches, String note) {
    /** How a step ended. */
    public enum Outcome {
        /** It succeeded and met every expectation. */
        OK,
        /** It failed, as its {@code expect:} said it would, and met every other expectation. */
        EXPECTED_FAILURE,
        /** It failed unexpectedly, or missed an expectation. */
        FAILED
    }

    public StepEvent {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        trace = List.copyOf(trace);
        details = List.copyOf(details);
        mismatches = List.copyOf(mismatches);
    }
}
