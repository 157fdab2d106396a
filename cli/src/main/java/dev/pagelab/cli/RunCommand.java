package dev.pagelab.cli;

import dev.pagelab.scenario.RunResult;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioReader;
import dev.pagelab.scenario.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pagelab run FILE}: a scenario, step by step, with what each step changed. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Run a scenario file: boot, then each step, with what it changed.",
        description = {
            "Read a scenario (YAML: the machine, the kernel's configuration and a list of steps"
                    + " such as allocFrame, mapPage, kmmap, kmalloc, read, write, explain, invlpg, snapshot;"
                    + " with a processes: block, processes too: spawn, access, read and write in a process, exit,"
                    + " ps; see examples/README.md), check all of it, then boot the machine and run the steps."
                    + " Each step prints one line: what it did, its result, and what changed (frames by"
                    + " owner, pages mapped, page tables, heap blocks); then its trace and details. A final"
                    + " report gives frames by owner, the heap and the MMU's counters.",
            "",
            "Exit status: 0 when every step did what the scenario expected (a failure its"
                    + " expect: asked for included), 1 when a step failed or missed an expectation, 2 when"
                    + " the file is broken (reported with its line before anything runs)."},
        footer = {"", "Examples:", "  pagelab run examples/seeds-walkthrough.yaml",
            "  pagelab run examples/seeds-walkthrough.yaml --no-tlb   (every access walks)",
            "  pagelab run examples/heap-fragmentation.yaml --json --check",
            "  pagelab run examples/stale-tlb.yaml --table-access recursive --trace",
            "  pagelab run examples/demand-paging.yaml   (faults, A and D bits, swap)",
            "  pagelab run my.yaml --on-error continue --trace"})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The scenario file.")
    Path file;

    @Mixin
    ScenarioOptions options;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), "run", options.apply(ScenarioReader.read(file)), options);
    }

    /** Runs {@code scenario} and prints it as text or JSON; the exit status: 0 as expected, 1 not. */
    static int run(PrintWriter out, String command, Scenario scenario, ScenarioOptions options) {
        ScenarioRunner runner = ScenarioRunner.boot(scenario, options.runOptions());
        RunResult result;
        if (options.json) {
            result = runner.run(event -> { });
            out.println(ScenarioPrinter.json(result));
        } else {
            ScenarioPrinter.header(out, command, scenario, runner.kernel().view());
            result = runner.run(event -> {
                ScenarioPrinter.event(out, event);
                out.flush();
            });
            ScenarioPrinter.report(out, command, result);
        }
        out.flush();
        return result.succeeded() ? 0 : 1;
    }
}
