package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.SteppedProcesses.Sample;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several processes recorded step by step, against {@code Replay.run} with the same configuration
 * (local and global scope, every allocation mode, every policy), and the samples against the
 * steps. Seeds are fixed; every failure names the policy and the seed.
 */
class SteppedProcessesTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final int CASES = 12;

    static List<String> policies() {
        return REGISTRY.names();
    }

    private record Case(List<SteppedString> strings, ReplayConfig config) {
    }

    private static Case randomCase(long seed) {
        RandomGenerator random = ReplayPropertyTest.random(seed);
        int processes = 1 + random.nextInt(5);
        List<SteppedString> strings = new ArrayList<>();
        for (int pid = 0; pid < processes; pid++) {
            int length = 1 + random.nextInt(seed % 4 == 0 ? 1_500 : 300);
            strings.add(new SteppedString(ReplayPropertyTest.string(random, length, 1 + random.nextInt(25)),
                    ReplayPropertyTest.writes(random, length)));
        }
        int minimum = 1 + random.nextInt(3);
        AllocationMode mode = AllocationMode.values()[(int) (seed % 3)];
        long[] sizes = random.nextBoolean() ? null : random.longs(processes, 1, 50).toArray();
        long[] priorities = mode == AllocationMode.PRIORITY ? random.longs(processes, 1, 4).toArray() : null;
        int frames = processes * minimum * 3 + random.nextInt(20);
        ReplayConfig config = ReplayConfig.of(frames, seed % 2 == 0 ? Scope.LOCAL : Scope.GLOBAL)
                .withAllocation(mode, sizes, priorities).withMinimumFrames(minimum)
                .withQuantum(1 + random.nextInt(60)).withPolicy(SteppedReplacementPropertyTest.config(random, seed));
        return new Case(strings, config);
    }

    private static ReplayResult replay(Case c, String policy) throws IOException {
        List<TraceReader> traces = new ArrayList<>();
        for (int pid = 0; pid < c.strings().size(); pid++) {
            traces.add(ArrayTraceReader.of("process " + pid, c.strings().get(pid).pages(),
                    c.strings().get(pid).writes()));
        }
        return Replay.run(traces, List.of(policy), c.config(), REGISTRY, null);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void results_randomProcesses_equalReplayRun(String policy) throws IOException {
        long evictedByOthers = 0;
        long victims = 0;
        int local = 0;
        for (int seed = 0; seed < CASES; seed++) {
            Case c = randomCase(seed);
            ReplayResult expected = replay(c, policy);
            SteppedProcesses recorded = SteppedProcesses.record(c.strings(), policy, c.config(), REGISTRY);
            assertThat(recorded.results()).as("%s seed %d (%s, %s)", policy, seed, c.config().scope(),
                    c.config().allocation()).isEqualTo(expected.policy(policy).processes());
            assertThat(recorded.allocation()).as("%s seed %d: allocation", policy, seed).isEqualTo(expected.allocation());
            local += recorded.scope() == Scope.LOCAL ? 1 : 0;
            for (int k = 0; k < recorded.length(); k++) {
                SteppedProcesses.Step step = recorded.step(k);
                victims += step.victimPid() >= 0 ? 1 : 0;
                evictedByOthers += step.victimPid() >= 0 && step.victimPid() != step.pid() ? 1 : 0;
            }
        }
        assertThat(local).as("local cases").isBetween(1, CASES - 1);
        assertThat(victims).as("%s: victims", policy).isGreaterThan(300);
        if (!REGISTRY.info(policy).variableAllocation()) {
            // The working set and PFF mostly release pages instead; MRU mostly evicts the faulting process's own.
            assertThat(evictedByOthers).as("%s: pages taken from another process (global)", policy).isPositive();
        }
    }

    @Test
    void samples_randomProcesses_agreeWithTheStepsAndTheQuotas() {
        int checked = 0;
        for (int seed = 0; seed < CASES; seed++) {
            Case c = randomCase(100 + seed);
            String policy = REGISTRY.names().get(seed % REGISTRY.names().size());
            SteppedProcesses recorded = SteppedProcesses.record(c.strings(), policy, c.config(), REGISTRY);
            List<Sample> samples = recorded.samples();
            int every = recorded.sampleEvery();
            assertThat(samples).as("seed %d: samples", seed)
                    .hasSize((recorded.length() + every - 1) / every).hasSizeLessThanOrEqualTo(SteppedProcesses.MAX_SAMPLES);
            assertThat(samples.getLast().step()).isEqualTo(recorded.length() - 1);
            long[] lastFaults = recorded.results().stream().mapToLong(ProcessResult::faults).toArray();
            assertThat(samples.getLast().faults()).as("seed %d: faults at the end", seed).containsExactly(lastFaults);
            int[] firstFrame = recorded.firstFrame();
            long[] previousFaults = new long[recorded.processes()];
            for (Sample sample : samples) {
                String where = policy + " seed " + seed + " sample at step " + sample.step();
                assertThat(sample.owners()).as(where).containsExactly(recorded.step(sample.step()).owners());
                for (int pid = 0; pid < recorded.processes(); pid++) {
                    int p = pid;
                    assertThat(Arrays.stream(sample.owners()).filter(owner -> owner == p).count())
                            .as("%s: frames of process %d", where, pid).isEqualTo(sample.resident()[pid]);
                    assertThat(sample.faults()[pid]).as("%s: faults of %d never fall", where, pid)
                            .isGreaterThanOrEqualTo(previousFaults[pid]);
                }
                previousFaults = sample.faults();
                if (recorded.scope() == Scope.LOCAL) {
                    for (int frame = 0; frame < recorded.frames(); frame++) {
                        int owner = sample.owners()[frame];
                        if (owner >= 0) {
                            assertThat(frame).as("%s: frame %d is in its owner's pool", where, frame)
                                    .isBetween(firstFrame[owner], firstFrame[owner] + recorded.allocation().quota(owner) - 1);
                        }
                    }
                }
                checked++;
            }
        }
        assertThat(checked).as("samples checked").isGreaterThan(1_000);
    }

    @Test
    void step_everyStep_holdsItsPageInAFrameOfItsProcess() {
        Case c = randomCase(7);
        SteppedProcesses recorded = SteppedProcesses.record(c.strings(), "clock", c.config(), REGISTRY);
        int[] position = new int[recorded.processes()];
        for (int k = 0; k < recorded.length(); k++) {
            SteppedProcesses.Step step = recorded.step(k);
            SteppedString string = c.strings().get(step.pid());
            assertThat(step.page()).as("step %d: the process's next page", k).isEqualTo(string.page(position[step.pid()]));
            assertThat(step.write()).isEqualTo(string.isWrite(position[step.pid()]));
            position[step.pid()]++;
            boolean found = false;
            for (int frame = 0; frame < recorded.frames(); frame++) {
                found |= step.owners()[frame] == step.pid() && step.pages()[frame] == step.page();
            }
            assertThat(found).as("step %d: page %d of process %d is resident", k, step.page(), step.pid()).isTrue();
        }
    }

    @Test
    void sampleEvery_longRunWithManyFrames_boundsTheSamples() {
        List<SteppedString> strings = List.of(SteppedString.random(60_000, 3_000, 0.2, 1, 0.5),
                SteppedString.random(40_000, 3_000, 0.2, 2, 0.5));
        SteppedProcesses recorded = SteppedProcesses.record(strings, "lru", ReplayConfig.of(1024, Scope.GLOBAL),
                REGISTRY);
        assertThat(recorded.sampleEvery()).isEqualTo(391);
        assertThat(recorded.samples()).hasSize(256);
        assertThat((long) recorded.samples().size() * recorded.frames()).isLessThanOrEqualTo(SteppedProcesses.MAX_SAMPLE_CELLS);
        SteppedProcesses shortRun = SteppedProcesses.record(List.of(SteppedString.of(1, 2, 3), SteppedString.of(1, 2)),
                "fifo", ReplayConfig.of(12, Scope.LOCAL), REGISTRY);
        assertThat(shortRun.sampleEvery()).isEqualTo(1);
        assertThat(shortRun.samples()).extracting(Sample::step).containsExactly(0, 1, 2, 3, 4);
        assertThat(shortRun.firstFrame()).containsExactly(0, 6);
    }

    @Test
    void record_badArguments_refused() {
        SteppedString one = SteppedString.of(1, 2, 3);
        ReplayConfig config = ReplayConfig.of(12, Scope.LOCAL);
        assertThatThrownBy(() -> SteppedProcesses.record(List.of(), "lru", config, REGISTRY))
                .hasMessageContaining("0 processes; a stepped recording takes 1 … 16");
        assertThatThrownBy(() -> SteppedProcesses.record(java.util.Collections.nCopies(17, one), "lru", config, REGISTRY))
                .hasMessageContaining("17 processes");
        SteppedString big = SteppedString.random(60_000, 10, 0, 1, 0);
        assertThatThrownBy(() -> SteppedProcesses.record(List.of(big, big), "lru", config, REGISTRY))
                .hasMessageContaining("120000 references in all, more than the 100000");
        assertThatThrownBy(() -> SteppedProcesses.record(List.of(one), "lru", ReplayConfig.of(2048, Scope.GLOBAL),
                REGISTRY)).hasMessageContaining("frames 2048 must be 1 … 1024");
        assertThatThrownBy(() -> SteppedProcesses.record(List.of(one, one, one), "lru", config, REGISTRY))
                .hasMessageContaining("below the minimum of 6 per process");
        assertThatThrownBy(() -> SteppedProcesses.record(List.of(one), "nope", config, REGISTRY))
                .hasMessageContaining("unknown replacement policy 'nope'");
        SteppedProcesses recorded = SteppedProcesses.record(List.of(one), "lru", config, REGISTRY);
        assertThatThrownBy(() -> recorded.step(3)).hasMessageContaining("step 3 is outside the references 0 … 2");
    }

    @Test
    void record_globalScope_aProcessTakesAnothersFrame() {
        // Process 0 fills 2 of 3 frames, then process 1 faults twice with quantum 2: the second fault
        // takes LRU's victim from process 0.
        List<SteppedString> strings = List.of(SteppedString.of(1, 2), SteppedString.of(1, 2));
        ReplayConfig config = ReplayConfig.of(3, Scope.GLOBAL).withQuantum(2).withPolicy(PolicyConfig.DEFAULTS);
        SteppedProcesses recorded = SteppedProcesses.record(strings, "lru", config, REGISTRY);
        SteppedProcesses.Step last = recorded.step(3);
        assertThat(last.pid()).isEqualTo(1);
        assertThat(last.victimPid()).isZero();
        assertThat(last.victimPage()).isEqualTo(1);
        assertThat(last.owners()).containsExactly(1, 0, 1);
        assertThat(last.pages()).containsExactly(2, 2, 1);
        assertThat(recorded.firstFrame()).isEmpty();
        assertThat(recorded.allocation()).isNull();
    }
}
