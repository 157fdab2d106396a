package dev.pagelab.cli;

import dev.pagelab.scenario.OnError;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioRunner;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How to run a scenario, and what to change in it: shared by {@code run} and {@code demo}. */
final class ScenarioOptions {
    @Option(names = "--json", description = "Print the event log and the final report as JSON.")
    boolean json;

    @Option(names = "--check", description = "Run the kernel's invariant checks after every step, and check that a"
            + " failed step changed nothing.")
    boolean check;

    @Option(names = "--on-error", paramLabel = "WHAT",
            description = "After a step fails unexpectedly: stop or continue (default: the scenario's on-error, else stop).")
    String onError;

    @Option(names = "--trace", description = "Show every entry the kernel writes in every step, as if each had trace: true.")
    boolean trace;

    @Mixin
    ScenarioChanges changes;

    /** {@code scenario} with the machine and kernel options given on the command line. */
    Scenario apply(Scenario scenario) {
        Scenario out = changes.apply(scenario);
        return onError == null ? out : out.withOnError(OnError.byKey(onError));
    }

    ScenarioRunner.Options runOptions() {
        return new ScenarioRunner.Options(check, trace);
    }
}
