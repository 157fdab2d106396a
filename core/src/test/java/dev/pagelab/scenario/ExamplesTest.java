package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario in {@code examples/} reads, runs with invariant checks after every step, and meets its expectations. */
class ExamplesTest {
    /** The project's examples folder (tests run in the module's folder). */
    static final Path EXAMPLES = Path.of("..", "examples");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void examples_includeTheOnesTheIssuesAskFor() throws IOException {
        assertThat(examples()).extracting(p -> p.getFileName().toString())
                .contains("seeds-walkthrough.yaml", "heap-fragmentation.yaml", "stale-tlb.yaml", "demand-paging.yaml",
                        "two-processes-local.yaml", "two-processes-global.yaml");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void example_runsChecked_everyExpectationMet(Path file) {
        Scenario scenario = ScenarioReader.read(file);

        RunResult r = ScenarioRunner.boot(scenario, new ScenarioRunner.Options(true, false)).run(e -> { });

        assertThat(r.events()).filteredOn(e -> e.outcome() == StepEvent.Outcome.FAILED)
                .as("failed steps of %s", file).isEmpty();
        assertThat(r.report().notRun()).isZero();
        assertThat(scenario.title()).as("title of %s", file).isNotBlank();
        assertThat(scenario.description()).as("description of %s", file).isNotBlank();
    }

    /** What {@code pagelab demo} offers to change: the walk-through must hold under each. */
    static Stream<KernelConfig> demoConfigs() {
        Stream.Builder<KernelConfig> out = Stream.builder();
        for (String allocator : List.of("bitmap", "free-list", "buddy")) {
            for (TableAccessStrategy strategy : TableAccessStrategy.values()) {
                for (boolean large : new boolean[] {false, true}) {
                    out.add(new KernelConfig(allocator, strategy, large, large ? TlbConfig.OFF : TlbConfig.DEFAULT));
                }
            }
        }
        return out.build();
    }

    @ParameterizedTest
    @MethodSource("demoConfigs")
    void walkthrough_otherKernels_everyExpectationMet(KernelConfig config) {
        Scenario scenario = ScenarioReader.read(EXAMPLES.resolve("seeds-walkthrough.yaml")).withConfig(config);

        RunResult r = ScenarioRunner.boot(scenario, new ScenarioRunner.Options(true, false)).run(e -> { });

        assertThat(r.events()).filteredOn(e -> e.outcome() == StepEvent.Outcome.FAILED).as(config.toString()).isEmpty();
    }
}
