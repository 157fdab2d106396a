package dev.pagelab.cli;

import dev.pagelab.scenario.OnError;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pagelab demo}: runs the seeds' walk-through, {@code examples/seeds-walkthrough.yaml},
 * bundled in the jar so that it works from any folder.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "The seeds' kernel step by step: frames, the temporary slot, kmmap and the heap.",
        description = {
            "Run examples/seeds-walkthrough.yaml (as 'pagelab run' does) on a 16 MiB PC booted"
                    + " the way the seeds' kernel boots: allocate a frame and map it through the temporary"
                    + " slot at 0xC03FF000 while every entry the kernel writes is shown, write and read it"
                    + " at CPL 0 and 3 (TLB, A and D bits, a page fault with its error code), explain a walk"
                    + " flag by flag, kmmap a few pages, kmalloc and kfree on the heap, and give it all back.",
            "",
            "The machine and kernel options change the walk-through's own; the run goes on after"
                    + " a step that misses an expectation (--on-error stop to stop there)."},
        footer = {"", "Then: pagelab run examples/stale-tlb.yaml,",
            "      pagelab run examples/heap-fragmentation.yaml,",
            "      pagelab boot, pagelab explain 0xC03FF000"})
final class DemoCommand implements Callable<Integer> {
    /** The example the demo runs, a resource under {@code examples/}. */
    static final String EXAMPLE = "seeds-walkthrough.yaml";

    @Mixin
    ScenarioOptions options;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Scenario scenario = bundled(EXAMPLE);
        if (options.onError == null) {
            scenario = scenario.withOnError(OnError.CONTINUE);
        }
        PrintWriter out = spec.commandLine().getOut();
        int status = RunCommand.run(out, "demo", options.apply(scenario), options);
        if (!options.json) {
            out.println();
            out.println("Next: pagelab run examples/stale-tlb.yaml            (a forgotten INVLPG, on purpose)");
            out.println("      pagelab run examples/heap-fragmentation.yaml   (holes a larger kmalloc cannot use)");
            out.println("      pagelab run FILE                               (your own; see examples/README.md)");
            out.flush();
        }
        return status;
    }

    /** The example scenario {@code name}, read from the jar. */
    static Scenario bundled(String name) {
        String resource = "/examples/" + name;
        try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("demo: " + resource + " is not in this build (the cli module bundles"
                        + " ../examples/*.yaml; build with Maven)");
            }
            return ScenarioReader.parse("examples/" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException("demo: cannot read " + resource, e);
        }
    }
}
