package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.testing.Seeded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The change of every step, as the runner works it out from the kernel's events
 * ({@link ChangeRecorder}), against the old snapshot diff of the whole kernel ({@link KernelState})
 * as the oracle: a sample of steps of every kind (failed ones too) and random sequences, on all
 * three table-access strategies and several allocators, with and without 4 MiB pages.
 */
class ChangesOracleTest {
    private static final List<String> ALLOCATORS = List.of("bitmap", "buddy", "free-list", "bump");

    /** Every kind of step, and each way it can fail. */
    private static final String SAMPLE = """
            on-error: continue
            steps:
              - allocFrame:
                as: f1
              - allocFrame: {owner: kernel-data}
                as: f2
              - mapPage: {vaddr: 0x00400000, frame: $f1, user: true}
              - mapPage: {vaddr: 0x00400000, frame: $f2}
              - mapPage: {vaddr: 0x00401000, frame: $f2, writable: false}
              - updateFlags: {vaddr: 0x00401000, writable: true, user: true}
              - updateFlags: 0x00800000
              - getFrameAddr: 0x00400010
              - getFrameAddr: 0x00800000
              - write: {vaddr: 0x00400000, value: 0x1234}
              - read: 0x00400000
              - read: {vaddr: 0x00400000, user: true}
              - write: {vaddr: 0xC0100000, value: 1, user: true}
              - read: 0x00800000
              - explain: 0x00400000
              - invlpg: 0x00400000
              - skipInvlpg: true
              - unmapPage: 0x00401000
              - skipInvlpg: false
              - unmapPage: 0x00401000
              - freeFrame: $f1
              - unmapPage: 0x00400000
              - freeFrame: $f1
              - freeFrame: $f1
              - freeFrame: $f2
              - mapPage: {vaddr: 0xC0F00000, frame: $f2}
              - kmmap: 20000
                as: m1
              - kmmap: 14M
              - kunmap: $m1
              - kunmap: $m1
              - kmalloc: 100
                as: b1
              - kcalloc: {count: 10, size: 30}
                as: b2
              - krealloc: {vaddr: $b1, bytes: 50}
                as: b3
              - krealloc: {vaddr: $b3, bytes: 5000}
                as: b4
              - kmallocAligned: {bytes: 100, alignment: 4096}
                as: b5
              - kmalloc: 40000
                as: b6
              - kfree: $b6
              - kmalloc: 20000
                as: b7
              - kmalloc: 100
                as: b8
              - kfree: $b7
              - kmalloc: 20000
                as: b9
              - krealloc: {vaddr: $b8, bytes: 100}
              - kfree: $b8
              - kfree: $b8
              - kmalloc: 0x1FFFFFFF
              - kmalloc: 12M
              - kmalloc: 0
              - krealloc: {vaddr: $b4, bytes: 0}
              - kfree: 0x12345678
              - snapshot
              - check
            """;

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (TableAccessStrategy strategy : TableAccessStrategy.values()) {
            for (String allocator : ALLOCATORS) {
                out.add(Arguments.of(KernelConfig.DEFAULT.withTableAccess(strategy).withAllocator(allocator)));
            }
            out.add(Arguments.of(KernelConfig.DEFAULT.withTableAccess(strategy).withLargePages(true)));
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void changes_sampleOfEveryStepKind_equalTheSnapshotDiff(KernelConfig config) {
        Scenario scenario = ScenarioReaderTest.parse(SAMPLE).withConfig(config);
        Set<Failure.Kind> failures = EnumSet.noneOf(Failure.Kind.class);

        List<StepEvent> events = runAgainstOracle(scenario, config.toString(), e -> {
            if (e.failure() != null) {
                failures.add(e.failure().kind());
            }
        });

        assertThat(events).as("every step ran").hasSize(scenario.steps().size());
        assertThat(failures).as("the ways the sample's steps failed").contains(Failure.Kind.NOT_MAPPED,
                Failure.Kind.ALREADY_MAPPED, Failure.Kind.PAGE_FAULT, Failure.Kind.OUT_OF_MEMORY, Failure.Kind.MISUSE);
    }

    @Test
    void changes_everyStepOfTheExamples_equalTheSnapshotDiff() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("..", "examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (TableAccessStrategy strategy : TableAccessStrategy.values()) {
                    Scenario scenario = ScenarioReader.read(file).withOnError(OnError.CONTINUE);
                    scenario = scenario.withConfig(scenario.config().withTableAccess(strategy));
                    runAgainstOracle(scenario, file.getFileName() + " " + strategy, e -> { });
                }
            }
        }
    }

    @Test
    void changes_randomSteps_equalTheSnapshotDiff() {
        List<KernelConfig> configs = configs().map(a -> (KernelConfig) a.get()[0]).toList();
        Seeded.cases("ChangeRecorder.randomSteps", 20)
                .requireAtLeast("pages mapped", 30)
                .requireAtLeast("pages unmapped", 30)
                .requireAtLeast("rights changed", 5)
                .requireAtLeast("tables made", 10)
                .requireAtLeast("tables freed", 5)
                .requireAtLeast("frames taken", 50)
                .requireAtLeast("frames freed", 30)
                .requireAtLeast("heap block handed out", 30)
                .requireAtLeast("heap block given back", 20)
                .requireAtLeast("failed step", 30)
                .requireAtLeast("failed step with events", 5)
                .run(c -> {
                    KernelConfig config = configs.get(c.between(0, configs.size() - 1));
                    String yaml = randomSteps(c, 60);
                    c.given(config + "\n" + yaml);
                    runAgainstOracle(ScenarioReaderTest.parse(yaml).withConfig(config), "seed " + c.seed(), e -> {
                        c.step(e.step(), e.text());
                        Changes ch = e.changes();
                        c.cover("pages mapped", ch.pagesMapped() > 0);
                        c.cover("pages unmapped", ch.pagesUnmapped() > 0);
                        c.cover("rights changed", ch.pages().stream().anyMatch(p -> !p.mapped() && !p.unmapped()));
                        c.cover("tables made", ch.tablesMade() > 0);
                        c.cover("tables freed", ch.tablesFreed() > 0);
                        c.cover("frames taken", ch.framesTaken() > 0);
                        c.cover("frames freed", ch.framesFreed() > 0);
                        c.cover("heap block handed out", !ch.heapAllocated().isEmpty());
                        c.cover("heap block given back", !ch.heapFreed().isEmpty());
                        c.cover("failed step", e.failure() != null);
                        c.cover("failed step with events", e.failure() != null && (ch.tablesMade() > 0
                                || !ch.unchanged()));
                    });
                });
    }

    /**
     * Runs {@code scenario} and checks each step's change against the snapshot diff; a failed
     * step on an allocator that can free must have changed nothing and say so.
     */
    private static List<StepEvent> runAgainstOracle(Scenario scenario, String label, Consumer<StepEvent> more) {
        ScenarioRunner runner = ScenarioRunner.boot(scenario, ScenarioRunner.Options.DEFAULT);
        Kernel kernel = runner.kernel();
        KernelState[] last = {KernelState.of(kernel)};
        RunResult result = runner.run(e -> {
            KernelState now = KernelState.of(kernel);
            Changes expected = now.since(last[0]);
            last[0] = now;
            String where = label + ", step " + e.step() + " (" + e.text() + "): " + e.result();
            assertThat(e.changes()).as(where).isEqualTo(expected);
            if (e.failure() != null && kernel.allocator().canFree()) {
                assertThat(e.changes().summary()).as(where).isEqualTo("nothing changed");
            }
            more.accept(e);
        });
        return result.events();
    }

    /** {@code steps} random steps over a few addresses, frames, kmmap blocks and heap blocks, named as they come. */
    private static String randomSteps(Seeded.Case c, int steps) {
        StringBuilder y = new StringBuilder("on-error: continue\nsteps:\n");
        List<String> frames = new ArrayList<>();
        List<String> regions = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        // Not in the kernel heap area: a page mapped there by hand would be handed out by kmmap again.
        long[] pages = {0x0040_0000L, 0x0040_1000L, 0x0040_2000L, 0x0080_0000L, 0xBFFF_F000L, 0xC0F0_0000L,
            0xC0F0_1000L, 0xC0E0_0000L};
        for (int i = 0; i < steps; i++) {
            String page = "0x" + Long.toHexString(pages[c.between(0, pages.length - 1)]);
            switch (c.weighted(6, 3, 6, 4, 2, 2, 2, 1, 2, 2, 6, 4, 2, 2, 1, 1)) {
                case 0 -> {
                    y.append("  - allocFrame:").append(c.coin() ? "\n" : " {owner: kernel-data}\n");
                    name(y, frames, "f", i);
                }
                case 1 -> y.append("  - freeFrame: ").append(ref(c, frames, "0x300")).append('\n');
                case 2 -> y.append("  - mapPage: {vaddr: ").append(page).append(", frame: ").append(ref(c, frames, "0x300"))
                        .append(", writable: ").append(c.coin()).append(", user: ").append(c.coin()).append("}\n");
                case 3 -> y.append("  - unmapPage: ").append(page).append('\n');
                case 4 -> y.append("  - updateFlags: {vaddr: ").append(page).append(", writable: ").append(c.coin())
                        .append(", user: ").append(c.coin()).append("}\n");
                // Writes only to the user pages: through the kernel's linear map they could land in free frames,
                // where the free-list allocator keeps its links.
                case 5 -> y.append(c.coin() ? "  - read: {vaddr: " + page : "  - write: {value: 7, vaddr: 0x"
                        + Long.toHexString(pages[c.between(0, 3)])).append(", user: ").append(c.coin()).append("}\n");
                case 6 -> y.append("  - ").append(c.pick("getFrameAddr", "explain", "invlpg")).append(": ").append(page)
                        .append('\n');
                case 7 -> y.append("  - skipInvlpg: ").append(c.coin()).append('\n');
                case 8 -> {
                    y.append("  - kmmap: ").append(c.pick("1", "4096", "20000", "100K", "14M")).append('\n');
                    name(y, regions, "m", i);
                }
                case 9 -> y.append("  - kunmap: ").append(ref(c, regions, "0xC1000000")).append('\n');
                case 10 -> {
                    y.append("  - kmalloc: ").append(c.pick("1", "100", "1000", "5000", "20000", "70000", "13M")).append('\n');
                    name(y, blocks, "b", i);
                }
                case 11 -> y.append("  - kfree: ").append(ref(c, blocks, "0xC1000010")).append('\n');
                case 12 -> {
                    y.append("  - krealloc: {vaddr: ").append(ref(c, blocks, "0")).append(", bytes: ")
                            .append(c.pick("0", "10", "300", "6000", "30000")).append("}\n");
                    name(y, blocks, "b", i);
                }
                case 13 -> {
                    y.append("  - kmallocAligned: {bytes: ").append(c.pick("8", "200", "5000")).append(", alignment: ")
                            .append(c.pick("16", "256", "4096", "65536")).append("}\n");
                    name(y, blocks, "b", i);
                }
                case 14 -> {
                    y.append("  - kcalloc: {count: ").append(c.pick("3", "100")).append(", size: ")
                            .append(c.pick("10", "50")).append("}\n");
                    name(y, blocks, "b", i);
                }
                default -> y.append("  - check\n");
            }
        }
        return y.toString();
    }

    private static void name(StringBuilder y, List<String> names, String prefix, int step) {
        String name = prefix + step;
        y.append("    as: ").append(name).append('\n');
        names.add(name);
    }

    private static String ref(Seeded.Case c, List<String> names, String otherwise) {
        return names.isEmpty() || c.between(0, 7) == 0 ? otherwise : "$" + names.get(c.between(0, names.size() - 1));
    }
}
