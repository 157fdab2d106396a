package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.replay.Scope;
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
 * three table-access strategies and several allocators, with and without 4 MiB pages; and the
 * same for processes (their own directories, swap entries, kills, exits) under local and global
 * replacement, with the invariant checks after every step.
 */
class ChangesOracleTest {
    private static final List<String> ALLOCATORS = List.of("bitmap", "buddy", "free-list", "bump");
    /** Invariant checks after every step (the processes' too), and a failed step must have changed nothing. */
    private static final ScenarioRunner.Options CHECKED = new ScenarioRunner.Options(true, false);

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

    /** Every process step, each way it can fail, and a kill of every kind but protection; {@code %s} is the scope. */
    private static final String PROCESS_SAMPLE = """
            on-error: continue
            processes: {policy: clock, scope: %s, frames: 6, min-frames: 2, swap-slots: 3}
            steps:
              - spawn: {name: a, regions: {code: 1, data: 5}}
              - spawn: {name: b, priority: 2, regions: {data: 3, stack: 1}}
              - write: {process: a, vaddr: 0x2000, value: 1}
              - write: {process: a, vaddr: 0x3000, value: 2}
              - write: {process: a, vaddr: 0x4000, value: 3}
              - write: {process: a, vaddr: 0x5000, value: 4}
              - read: {process: a, vaddr: 0x2000}
              - access: {process: b, vaddr: 0x1000, write: true}
              - access: {process: b, vaddr: 0x2000, write: true}
              - switch: a
              - access: {process: b, vaddr: 0x3000}
              - explain: {process: b, vaddr: 0x1000}
              - explain: {process: a, vaddr: 0x3000}
              - tick
              - ps
              - spawn: {name: c, regions: {data: 2}}
              - spawn: {name: x, regions: {data: 2}}
              - write: {process: c, vaddr: 0x1000, value: 9}
              - exit: c
              - write: {process: a, vaddr: 0x6000, value: 5}
              - write: {process: a, vaddr: 0x2000, value: 6}
              - write: {process: a, vaddr: 0x3000, value: 7}
              - write: {process: a, vaddr: 0x4000, value: 8}
              - write: {process: a, vaddr: 0x5000, value: 9}
              - write: {process: a, vaddr: 0x1000, value: 5}
              - read: {process: a, vaddr: 0x2000}
              - access: {process: b, vaddr: 0x9000}
              - spawn: {name: d, regions: {data: 2}}
              - access: {process: d, vaddr: 0x10}
              - spawn: {name: e}
              - access: {process: e, vaddr: 0xC0100000}
              - spawn: {name: f}
              - ps: f
              - exit: f
              - exit: f
              - kmalloc: 100
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

    static Stream<Arguments> processConfigs() {
        return configs().flatMap(a -> Stream.of(Scope.LOCAL, Scope.GLOBAL).map(scope -> Arguments.of(a.get()[0], scope)));
    }

    @ParameterizedTest
    @MethodSource("processConfigs")
    void changes_processSample_equalTheSnapshotDiff(KernelConfig config, Scope scope) {
        Scenario scenario = ScenarioReaderTest.parse(PROCESS_SAMPLE.formatted(scope.cliName())).withConfig(config);
        Set<Failure.Kind> failures = EnumSet.noneOf(Failure.Kind.class);
        Set<String> kills = new java.util.TreeSet<>();

        assertInvariantsHold(scenario, config + " " + scope);
        List<StepEvent> events = runAgainstOracle(scenario, config + " " + scope, e -> {
            if (e.failure() != null) {
                failures.add(e.failure().kind());
            }
            if (e.fields().get(Field.KILLED.key()) instanceof String kill) {
                kills.add(kill);
            }
        });

        assertThat(events).as("every step ran").hasSize(scenario.steps().size());
        assertThat(failures).as("the ways the sample's steps failed").doesNotContain(Failure.Kind.INVARIANT)
                .contains(Failure.Kind.KILLED, Failure.Kind.MISUSE);
        assertThat(kills).containsExactly("kernel-page", "no-memory", "no-region", "null-pointer");
        assertThat(events).filteredOn(e -> e.changes().processPages().stream()
                .anyMatch(c -> c.after().swapped())).as("pages went to swap").isNotEmpty();
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
        return runAgainstOracle(scenario, label, ScenarioRunner.Options.DEFAULT, more);
    }

    /**
     * Runs {@code scenario} with the invariant checks after every step (the processes' too): none
     * may break, and a failed step but a kill must have changed nothing. A run apart from the
     * oracle's: the processes' check reads other directories' tables through the kernel's windows,
     * and under the recursive strategy leaves the loaded directory's alternate entry (PDE 1022)
     * pointing at the last one, after the step's changes were recorded.
     */
    private static void assertInvariantsHold(Scenario scenario, String label) {
        RunResult result = ScenarioRunner.boot(scenario, CHECKED).run(e -> { });
        List<String> broken = result.events().stream().filter(e -> e.failure() != null
                && e.failure().kind() == Failure.Kind.INVARIANT).map(e -> "step " + e.step() + " (" + e.text() + "): "
                + e.failure().message()).toList();
        assertThat(broken).as(label).isEmpty();
    }

    private static List<StepEvent> runAgainstOracle(Scenario scenario, String label, ScenarioRunner.Options options,
                                                    Consumer<StepEvent> more) {
        ScenarioRunner runner = ScenarioRunner.boot(scenario, options);
        Kernel kernel = runner.kernel();
        KernelState[] last = {KernelState.of(kernel, runner.processes())};
        RunResult result = runner.run(e -> {
            KernelState now = KernelState.of(kernel, runner.processes());
            Changes expected = now.since(last[0]);
            last[0] = now;
            String where = label + ", step " + e.step() + " (" + e.text() + "): " + e.result();
            assertThat(e.changes()).as(where).isEqualTo(expected);
            if (e.failure() != null && e.failure().kind() != Failure.Kind.KILLED && kernel.allocator().canFree()) {
                assertThat(e.changes().unchanged()).as(where + " changed " + e.changes().summary()).isTrue();
            }
            more.accept(e);
        });
        return result.events();
    }

    @Test
    void changes_randomProcessSteps_equalTheSnapshotDiff() {
        List<KernelConfig> configs = configs().map(a -> (KernelConfig) a.get()[0]).toList();
        Seeded.cases("ChangeRecorder.randomProcessSteps", 24)
                .requireAtLeast("zero-filled", 50)
                .requireAtLeast("page to swap", 20)
                .requireAtLeast("page from swap", 10)
                .requireAtLeast("dropped clean with a copy", 5)
                .requireAtLeast("another process's page evicted", 5)
                .requireAtLeast("page of a process not running changed", 5)
                .requireAtLeast("killed", 5)
                .requireAtLeast("exit", 10)
                .requireAtLeast("over quota at a spawn", 3)
                .requireAtLeast("spawn refused", 2)
                .requireAtLeast("kernel pages changed too", 10)
                .run(c -> {
                    KernelConfig config = configs.get(c.between(0, configs.size() - 1));
                    String yaml = randomProcessSteps(c, 70);
                    c.given(config + "\n" + yaml);
                    Scenario scenario = ScenarioReaderTest.parse(yaml).withConfig(config);
                    assertInvariantsHold(scenario, "seed " + c.seed());
                    runAgainstOracle(scenario, "seed " + c.seed(), e -> {
                        c.step(e.step(), e.text());
                        Changes ch = e.changes();
                        Object victim = e.fields().get(Field.VICTIM.key());
                        String running = e.text().contains(" in ") ? e.text().substring(e.text().lastIndexOf(' ') + 1)
                                : null;
                        c.cover("zero-filled", Boolean.TRUE.equals(e.fields().get(Field.ZERO_FILLED.key())));
                        c.cover("page to swap", ch.processPages().stream().anyMatch(p -> p.after().swapped()));
                        c.cover("page from swap", e.fields().containsKey(Field.FROM_SLOT.key()));
                        c.cover("dropped clean with a copy", Boolean.FALSE.equals(e.fields().get(Field.WRITTEN_BACK.key()))
                                && e.fields().containsKey(Field.TO_SLOT.key()));
                        c.cover("another process's page evicted", victim instanceof String v && running != null
                                && !v.equals(ProcessSteps.NO_VICTIM) && !v.startsWith(running + " "));
                        c.cover("page of a process not running changed", running != null && ch.processPages().stream()
                                .map(Changes.ProcessPageChange::pid).distinct().count() > 1);
                        c.cover("killed", e.failure() != null && e.failure().kind() == Failure.Kind.KILLED);
                        c.cover("exit", e.text().startsWith("exit ") && e.failure() == null);
                        c.cover("over quota at a spawn", e.text().startsWith("spawn ") && ch.processPages().stream()
                                .anyMatch(Changes.ProcessPageChange::evicted));
                        c.cover("spawn refused", e.text().startsWith("spawn ") && e.failure() != null);
                        c.cover("kernel pages changed too", !ch.pages().isEmpty() && !ch.processPages().isEmpty());
                    });
                });
    }

    /**
     * A {@code processes:} block of a random policy, scope and size, and {@code steps} random steps:
     * spawns and exits of a few processes, their reads, writes and references over their regions
     * and just past them, switches, ticks, looks, and some of the kernel's own steps between.
     */
    private static String randomProcessSteps(Seeded.Case c, int steps) {
        String policy = c.pick("clock", "fifo", "lru", "nru", "aging", "esc", "wsclock", "sieve", "random", "ws", "pff",
                "arc", "2q");
        StringBuilder y = new StringBuilder("on-error: continue\nprocesses: {policy: " + policy + ", scope: "
                + c.pick("local", "global") + ", allocation: " + c.pick("equal", "proportional", "priority")
                + ", frames: " + c.between(3, 8) + ", min-frames: 1, swap-slots: " + c.between(2, 16)
                + ", tick: " + c.between(3, 20) + ", window: " + c.between(3, 20) + ", pff-tau: " + c.between(3, 20)
                + "}\nsteps:\n");
        List<String> names = new ArrayList<>();
        List<Integer> dataPages = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int which = names.isEmpty() ? -1 : c.between(0, names.size() - 1);
            String p = which < 0 ? null : names.get(which);
            // Mostly its data pages (0x2000 up), sometimes its read-only code page or the page past its regions.
            long page = which < 0 ? 2 : switch (c.weighted(18, 1, 1)) {
                case 0 -> c.between(2, 1 + dataPages.get(which));
                case 1 -> 1;
                default -> 2 + dataPages.get(which);
            };
            String vaddr = "0x" + Long.toHexString(page * 0x1000L + c.between(0, 3) * 0x10L);
            int kind = p == null || names.size() < 2 && c.between(0, 5) == 0 ? 0
                    : c.weighted(names.size() < 4 ? 2 : 0, 1, 1, 8, 8, 8, 1, 1, 1, 1, 1);
            switch (kind) {
                case 0 -> {
                    String name = "p" + i;
                    int data = c.between(1, 6);
                    y.append("  - spawn: {name: ").append(name).append(", priority: ").append(c.between(1, 3))
                            .append(", regions: {code: 1, data: ").append(data).append("}}\n");
                    names.add(name);
                    dataPages.add(data);
                }
                case 1 -> {
                    y.append("  - exit: ").append(p).append('\n');
                    names.remove(which);
                    dataPages.remove(which);
                }
                case 2 -> y.append("  - switch: ").append(p).append('\n');
                case 3 -> y.append("  - access: {process: ").append(p).append(", vaddr: ").append(vaddr)
                        .append(", write: ").append(c.coin()).append("}\n");
                case 4 -> y.append("  - read: {process: ").append(p).append(", vaddr: ").append(vaddr).append("}\n");
                case 5 -> y.append("  - write: {process: ").append(p).append(", vaddr: ").append(vaddr)
                        .append(", value: ").append(c.between(0, 255)).append("}\n");
                case 6 -> y.append("  - tick\n");
                case 7 -> y.append("  - ").append(c.coin() ? "ps: " + p : "explain: {process: " + p + ", vaddr: "
                        + vaddr + "}").append('\n');
                case 8 -> y.append("  - kmalloc: ").append(c.pick("100", "5000", "20000")).append('\n');
                case 9 -> y.append("  - mapPage: {vaddr: 0x400000, frame: 0x300, user: true}\n  - unmapPage: 0x400000\n");
                default -> y.append("  - check\n");
            }
        }
        return y.toString();
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
