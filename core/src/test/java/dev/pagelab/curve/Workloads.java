package dev.pagelab.curve;

import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Random traces with locality for the curve tests, and the replay engine as their oracle. */
final class Workloads {
    static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();

    private Workloads() {
    }

    /**
     * A process's pages: a drifting hot set of five pages, runs on one page, jumps anywhere, and
     * now and then a sweep; page numbers are spread far apart ({@code base} + k · 4099) so that
     * interning is exercised.
     */
    static long[] pages(RandomGenerator random, int length, int distinct, long base) {
        long[] pages = new long[length];
        int hot = random.nextInt(distinct);
        int sweep = -1;
        for (int i = 0; i < length; i++) {
            int k;
            if (sweep >= 0) {
                k = sweep++ % distinct;
                if (random.nextInt(40) == 0) {
                    sweep = -1;
                }
            } else {
                if (random.nextInt(64) == 0) {
                    hot = random.nextInt(distinct);
                }
                int r = random.nextInt(10);
                if (r == 0) {
                    k = random.nextInt(distinct);
                } else if (r < 4 && i > 0) {
                    pages[i] = pages[i - 1];
                    continue;
                } else if (r == 4 && random.nextInt(8) == 0) {
                    sweep = random.nextInt(distinct);
                    k = sweep;
                } else {
                    k = (hot + random.nextInt(5)) % distinct;
                }
            }
            pages[i] = base + k * 4099L;
        }
        return pages;
    }

    /** Each reference a write with probability {@code share}. */
    static boolean[] writes(RandomGenerator random, int length, double share) {
        boolean[] writes = new boolean[length];
        for (int i = 0; i < length; i++) {
            writes[i] = random.nextDouble() < share;
        }
        return writes;
    }

    /** Fresh readers over the same references. */
    static List<TraceReader> again(List<ArrayTraceReader> traces) {
        List<TraceReader> readers = new ArrayList<>();
        for (ArrayTraceReader trace : traces) {
            readers.add(trace.again());
        }
        return readers;
    }

    /** One replay of {@code policy}: each process's faults and write-backs, in a {@link CurveCounts}. */
    static CurveCounts replay(List<ArrayTraceReader> traces, String policy, ReplayConfig config) throws IOException {
        PolicyResult result = Replay.run(again(traces), List.of(policy), config, REGISTRY, null).policy(policy);
        int n = result.processes().size();
        long[] faults = new long[n];
        long[] writebacks = new long[n];
        int[] quotas = new int[n];
        for (int pid = 0; pid < n; pid++) {
            faults[pid] = result.process(pid).faults();
            writebacks[pid] = result.process(pid).writebacks();
            quotas[pid] = result.process(pid).quota();
        }
        return new CurveCounts(config.frames(), quotas[0] < 0 ? null : quotas, faults, writebacks);
    }

    /** {@code counts} without its write-backs (to compare with a curve that has none). */
    static CurveCounts faultsOnly(CurveCounts counts) {
        return new CurveCounts(counts.frames(), counts.quotas(), counts.faults(), null);
    }
}
