package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Addresses;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The invariant checks (a {@code check} step, {@code --check} after every step) look without
 * doing: whatever they read of the processes' directories, the steps around them report the same
 * as without them, trace included, and a check step changes nothing.
 */
class CheckObserverTest {
    private static int alternateEntry(Kernel k) {
        return k.memory().read32((k.mmu().cr3() & ~Addresses.PAGE_OFFSET_MASK) + 4L * KernelLayout.ALTERNATE_PDE);
    }

    @Test
    void check_recursiveWithTwoProcesses_leavesTheLoadedDirectorysAlternateEntryAsItWas() {
        Scenario scenario = ScenarioReaderTest.parse("""
                kernel: {table-access: recursive}
                processes: {frames: 4, min-frames: 2}
                steps:
                  - spawn: {name: a, regions: {data: 4}}
                  - spawn: {name: b, regions: {data: 4}}
                  - write: {process: a, vaddr: 0x1000, value: 0xA1}
                  - check
                  - write: {process: b, vaddr: 0x1000, value: 0xB1}
                  - check
                """);
        ScenarioRunner runner = ScenarioRunner.boot(scenario, ScenarioRunner.Options.DEFAULT);
        List<StepEvent> checks = new ArrayList<>();
        while (runner.hasNextStep()) {
            int before = alternateEntry(runner.kernel());
            StepEvent e = runner.nextStep();
            if (e.text().equals("check")) {
                checks.add(e);
                assertThat(alternateEntry(runner.kernel())).as("PDE 1022 after step %d", e.step()).isEqualTo(before);
            }
        }

        assertThat(checks).hasSize(2).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(StepEvent.Outcome.OK);
            assertThat(e.changes().summary()).isEqualTo("nothing changed");
        });
    }

    private static final int SEEDS = 25;

    /**
     * Random process scenarios, run twice: with {@code check} steps sprinkled in and
     * {@code --check}, and without either; both traced. Every other step must report exactly the
     * same: result, fields, what changed, what the MMU did, the trace.
     */
    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void randomProcessScenarios_withAndWithoutChecks_reportTheSameSteps(TableAccessStrategy strategy) {
        int checksWithOthersToReach = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            List<String> steps = new ArrayList<>();
            List<Boolean> isCheck = new ArrayList<>();
            int live = randomSteps(random, steps, isCheck);
            String head = "kernel: {table-access: " + strategy.label() + "}\n"
                    + "processes: {policy: " + (random.nextBoolean() ? "clock" : "lru") + ", scope: "
                    + (random.nextBoolean() ? "local" : "global") + ", frames: 6, min-frames: 1, swap-slots: 64}\n"
                    + "on-error: continue\nsteps:\n";
            StringBuilder with = new StringBuilder(head);
            StringBuilder without = new StringBuilder(head);
            for (int i = 0; i < steps.size(); i++) {
                with.append(steps.get(i));
                if (!isCheck.get(i)) {
                    without.append(steps.get(i));
                }
            }
            RunResult checked = ScenarioRunnerTest.run(with.toString(), new ScenarioRunner.Options(true, true));
            RunResult plain = ScenarioRunnerTest.run(without.toString(), new ScenarioRunner.Options(false, true));

            List<StepEvent> others = new ArrayList<>();
            for (StepEvent e : checked.events()) {
                if (e.text().equals("check")) {
                    assertThat(e.changes().summary()).as("seed %d step %d", seed, e.step()).isEqualTo("nothing changed");
                    assertThat(e.outcome()).as("seed %d step %d: %s", seed, e.step(), e.result())
                            .isEqualTo(StepEvent.Outcome.OK);
                } else {
                    others.add(e);
                }
            }
            assertThat(others).hasSameSizeAs(plain.events());
            for (int i = 0; i < others.size(); i++) {
                StepEvent a = others.get(i);
                StepEvent b = plain.events().get(i);
                String where = "seed " + seed + " step " + a.step() + " (" + a.text() + ")";
                assertThat(a.failure()).as(where).isEqualTo(b.failure());
                assertThat(a.result()).as(where).isEqualTo(b.result());
                assertThat(a.fields()).as(where).isEqualTo(b.fields());
                assertThat(a.changes().summary()).as(where).isEqualTo(b.changes().summary());
                assertThat(a.mmu()).as(where).isEqualTo(b.mmu());
                assertThat(a.trace()).as(where).isEqualTo(b.trace());
                assertThat(a.details()).as(where).isEqualTo(b.details());
            }
            assertThat(checked.report().mmu()).as("seed %d: the MMU's counts", seed).isEqualTo(plain.report().mmu());
            checksWithOthersToReach += live;
        }
        assertThat(checksWithOthersToReach).as("check steps run while two processes or more were alive")
                .isGreaterThan(SEEDS * 3);
    }

    /**
     * Appends random process steps, each followed by a {@code check} now and then, and returns how
     * many of those checks ran while two processes or more were alive (whose directories a check
     * must reach without loading them).
     */
    private static int randomSteps(RandomGenerator random, List<String> steps, List<Boolean> isCheck) {
        List<String> alive = new ArrayList<>();
        int next = 0;
        int interesting = 0;
        for (int i = 0; i < 30; i++) {
            int what = random.nextInt(10);
            String step;
            if (alive.size() < 2 || what == 0 && alive.size() < 4) {
                String name = "p" + next++;
                alive.add(name);
                step = "  - spawn: {name: " + name + ", regions: {data: " + (2 + random.nextInt(5)) + "}}\n";
            } else if (what == 1 && alive.size() > 2) {
                step = "  - exit: " + alive.remove(random.nextInt(alive.size())) + "\n";
            } else {
                String p = alive.get(random.nextInt(alive.size()));
                long vaddr = 0x1000L * (1 + random.nextInt(2));
                step = switch (random.nextInt(5)) {
                    case 0 -> "  - write: {process: " + p + ", vaddr: " + vaddr + ", value: " + random.nextInt(256) + "}\n";
                    case 1 -> "  - read: {process: " + p + ", vaddr: " + vaddr + "}\n";
                    case 2 -> "  - explain: {process: " + p + ", vaddr: " + vaddr + "}\n";
                    case 3 -> "  - switch: " + p + "\n";
                    default -> "  - access: {process: " + p + ", vaddr: " + vaddr + "}\n";
                };
            }
            steps.add(step);
            isCheck.add(false);
            if (random.nextInt(3) == 0) {
                steps.add("  - check\n");
                isCheck.add(true);
                if (alive.size() >= 2) {
                    interesting++;
                }
            }
        }
        return interesting;
    }
}
