package dev.pagelab.scenario;

import dev.pagelab.kernel.KernelConfig;
import java.util.List;

/**
 * A scenario file, read and checked: the machine, the kernel's configuration, and the steps.
 * {@link ScenarioReader} makes them; {@link ScenarioRunner} runs them.
 *
 * @param source      the file, as messages name it
 * @param title       a one-line title, or null
 * @param description a paragraph for the reader of the output, or null
 * @param machine     where the machine comes from
 * @param config      how the kernel is built
 * @param processes   the process subsystem to install on it, or null when the file has no {@code processes:}
 * @param onError     what a run does after a step fails unexpectedly
 * @param trace       whether every step records the entries the kernel writes
 * @param steps       in order
 */
public record Scenario(String source, String title, String description, MachineSource machine, KernelConfig config,
                       ProcessSetup processes, OnError onError, boolean trace, List<Step> steps) {
    public Scenario {
        steps = List.copyOf(steps);
    }

    /** This scenario on another machine. */
    public Scenario withMachine(MachineSource other) {
        return new Scenario(source, title, description, other, config, processes, onError, trace, steps);
    }

    /** This scenario with another kernel configuration. */
    public Scenario withConfig(KernelConfig other) {
        return new Scenario(source, title, description, machine, other, processes, onError, trace, steps);
    }

    /** This scenario with another failure policy. */
    public Scenario withOnError(OnError other) {
        return new Scenario(source, title, description, machine, config, processes, other, trace, steps);
    }
}
