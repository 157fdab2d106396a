package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplayOracle;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against independent truths, for every registered policy: the plain single-pool
 * driver of the replace tests, the same process alone, and the interleaved stream replayed as one
 * process. Seeds are fixed; every failure names the seed.
 */
class ReplayPropertyTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final int CASES = 30;

    static List<String> policies() {
        return REGISTRY.names();
    }

    static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** A process's string: a drifting hot set with jumps, and writes. */
    static int[] string(RandomGenerator random, int length, int distinct) {
        int[] pages = new int[length];
        int base = random.nextInt(distinct);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(64) == 0) {
                base = random.nextInt(distinct);
            }
            int r = random.nextInt(8);
            pages[i] = r == 0 ? random.nextInt(distinct) : r < 4 && i > 0 ? pages[i - 1] : (base + random.nextInt(5)) % distinct;
        }
        return pages;
    }

    static boolean[] writes(RandomGenerator random, int length) {
        boolean[] writes = new boolean[length];
        for (int i = 0; i < length; i++) {
            writes[i] = random.nextInt(4) == 0;
        }
        return writes;
    }

    @ParameterizedTest
    @MethodSource("policies")
    void oneProcess_equalsThePlainDriver(String policy) throws IOException {
        int replaced = 0;
        for (int seed = 0; seed < CASES; seed++) {
            RandomGenerator random = random(seed);
            int length = 1 + random.nextInt(3_000);
            int distinct = 1 + random.nextInt(60);
            int frames = 1 + random.nextInt(20);
            int[] pages = string(random, length, distinct);
            boolean[] writes = writes(random, length);
            ReplayOracle.Counts expected = ReplayOracle.run(REGISTRY, policy, PolicyConfig.DEFAULTS, frames, pages, writes);
            PolicyResult actual = Replay.run(List.of(ArrayTraceReader.of("t", pages, writes)), List.of(policy),
                    ReplayConfig.of(frames, Scope.LOCAL), REGISTRY, null).policy(policy);
            assertThat(new long[] {actual.faults(), actual.writebacks(), actual.framesHeld()})
                    .as("%s seed %d: faults, write-backs, frames held", policy, seed)
                    .containsExactly(expected.faults(), expected.writebacks(), expected.resident());
            if (Arrays.stream(pages).distinct().count() > frames) {
                replaced++;
            }
        }
        assertThat(replaced).as("cases that had to replace").isGreaterThan(CASES / 2);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void localEqual_eachProcessFaultsAsItDoesAloneWithItsShare(String policy) throws IOException {
        for (int seed = 0; seed < CASES; seed++) {
            RandomGenerator random = random(1000 + seed);
            int n = 2 + random.nextInt(4);
            int frames = n + random.nextInt(40);
            int quantum = 1 + random.nextInt(300);
            List<int[]> strings = new ArrayList<>();
            List<boolean[]> writes = new ArrayList<>();
            List<TraceReader> traces = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                int length = random.nextInt(2_000);
                strings.add(string(random, length, 1 + random.nextInt(50)));
                writes.add(writes(random, length));
                traces.add(ArrayTraceReader.of("p" + p, strings.get(p), writes.get(p)));
            }
            ReplayConfig config = ReplayConfig.of(frames, Scope.LOCAL).withQuantum(quantum).withMinimumFrames(1);
            PolicyResult together = Replay.run(traces, List.of(policy), config, REGISTRY, null).policy(policy);
            for (int p = 0; p < n; p++) {
                PolicyResult alone = Replay.run(List.of(ArrayTraceReader.of("alone", strings.get(p), writes.get(p))),
                        List.of(policy), ReplayConfig.of(frames / n, Scope.LOCAL), REGISTRY, null).policy(policy);
                assertThat(new long[] {together.process(p).faults(), together.process(p).writebacks()})
                        .as("%s seed %d process %d of %d, %d frames, quantum %d", policy, 1000 + seed, p, n, frames, quantum)
                        .containsExactly(alone.faults(), alone.writebacks());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("policies")
    void global_equalsOneProcessOverTheInterleavedNamespacedStream(String policy) throws IOException {
        for (int seed = 0; seed < CASES; seed++) {
            RandomGenerator random = random(2000 + seed);
            int n = 1 + random.nextInt(4);
            int frames = 1 + random.nextInt(30);
            int quantum = 1 + random.nextInt(200);
            List<int[]> strings = new ArrayList<>();
            List<boolean[]> writes = new ArrayList<>();
            List<TraceReader> traces = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                int length = random.nextInt(1_500);
                strings.add(string(random, length, 1 + random.nextInt(40)));
                writes.add(writes(random, length));
                traces.add(ArrayTraceReader.of("p" + p, strings.get(p), writes.get(p)));
            }
            // The interleaving written out by hand: turns of `quantum`, exhausted processes skipped;
            // process p's page x becomes page x * n + p, so that processes never share a page.
            int total = strings.stream().mapToInt(s -> s.length).sum();
            int[] merged = new int[total];
            boolean[] mergedWrites = new boolean[total];
            int[] position = new int[n];
            int k = 0;
            while (k < total) {
                for (int p = 0; p < n; p++) {
                    for (int q = 0; q < quantum && position[p] < strings.get(p).length; q++, position[p]++, k++) {
                        merged[k] = strings.get(p)[position[p]] * n + p;
                        mergedWrites[k] = writes.get(p)[position[p]];
                    }
                }
            }
            ReplayConfig config = ReplayConfig.of(frames, Scope.GLOBAL).withQuantum(quantum);
            PolicyResult global = Replay.run(traces, List.of(policy), config, REGISTRY, null).policy(policy);
            ReplayOracle.Counts single = ReplayOracle.run(REGISTRY, policy, PolicyConfig.DEFAULTS, frames, merged, mergedWrites);
            assertThat(new long[] {global.faults(), global.writebacks(), global.framesHeld()})
                    .as("%s seed %d: %d processes, %d frames, quantum %d", policy, 2000 + seed, n, frames, quantum)
                    .containsExactly(single.faults(), single.writebacks(), single.resident());
        }
    }

    @ParameterizedTest
    @MethodSource("policies")
    void streamingAndInMemory_giveTheSameCounts(String policy) throws IOException {
        for (int seed = 0; seed < 10; seed++) {
            RandomGenerator random = random(3000 + seed);
            int n = 1 + random.nextInt(3);
            int[][] strings = new int[n][];
            boolean[][] writes = new boolean[n][];
            for (int p = 0; p < n; p++) {
                strings[p] = string(random, random.nextInt(2_000), 1 + random.nextInt(40));
                writes[p] = writes(random, strings[p].length);
            }
            Scope scope = random.nextBoolean() ? Scope.LOCAL : Scope.GLOBAL;
            ReplayConfig config = ReplayConfig.of(6 * n + random.nextInt(20), scope).withQuantum(1 + random.nextInt(100));
            List<TraceReader> traces = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                traces.add(ArrayTraceReader.of("p" + p, strings[p], writes[p]));
            }
            ReplayResult streamed = Replay.run(traces, List.of(policy), config, REGISTRY, null);
            traces.clear();
            for (int p = 0; p < n; p++) {
                traces.add(ArrayTraceReader.of("p" + p, strings[p], writes[p]));
            }
            ReferenceStream stream = ReferenceStream.load(RefSource.of(traces, config.quantum()));
            ReplayResult inMemory = Replay.run(stream, List.of(policy), config, REGISTRY, null);
            assertThat(inMemory.policies()).as("%s seed %d %s", policy, 3000 + seed, scope)
                    .isEqualTo(streamed.policies());
        }
    }
}
