package dev.pagelab.scenario;

import dev.pagelab.kernel.Kernel;
import java.util.List;

/**
 * A finished run.
 *
 * @param scenario what ran (with the command line's overrides applied)
 * @param kernel   the kernel as the run left it
 * @param events   one a step that ran, in order
 * @param report   the final state and the counts
 */
public record RunResult(Scenario scenario, Kernel kernel, List<StepEvent> events, RunReport report) {
    public RunResult {
        events = List.copyOf(events);
    }

    /** Whether every step that ran met its expectations (a run stops only after a step that did not). */
    public boolean succeeded() {
        return report.failed() == 0;
    }
}
