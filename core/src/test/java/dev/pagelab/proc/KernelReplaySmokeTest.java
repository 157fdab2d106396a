package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The kernel path against the fast replay on small random traces of processes of different sizes. */
class KernelReplaySmokeTest {
    static List<TraceReader> traces(long seed, int processes, int refs, int pages) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TraceReader> traces = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            long[] pg = new long[refs];
            boolean[] w = new boolean[refs];
            int span = pages * (p + 1);
            int hot = 1 + random.nextInt(span);
            for (int i = 0; i < refs; i++) {
                pg[i] = 1000L * p + (random.nextInt(4) == 0 ? random.nextInt(span) : random.nextInt(hot));
                w[i] = random.nextInt(3) == 0;
            }
            traces.add(new ArrayTrace("t" + p, pg, w));
        }
        return traces;
    }

    @Test
    void kernel_countsTheFastReplaysFaults() throws Exception {
        PolicyRegistry registry = PolicyRegistry.builtIn();
        List<String> policies = List.of("fifo", "lru", "opt", "clock");
        for (Scope scope : Scope.values()) {
            for (AllocationMode mode : List.of(AllocationMode.EQUAL, AllocationMode.PROPORTIONAL)) {
                ReplayConfig config = ReplayConfig.of(48, scope).withAllocation(mode, null, null).withQuantum(50);
                ReplayResult fast = Replay.run(ReferenceStream.load(traces(7, 3, 3000, 30), 50), policies, config,
                        registry, null);
                KernelReplay.Result slow = KernelReplay.run(ReferenceStream.load(traces(7, 3, 3000, 30), 50), policies,
                        config, registry, KernelReplay.Options.DEFAULT, null);
                for (String policy : policies) {
                    PolicyResult a = fast.policy(policy);
                    PolicyResult b = slow.replay().policy(policy);
                    assertThat(b.processes()).as("%s %s %s", policy, scope, mode).isEqualTo(a.processes());
                }
            }
        }
    }
}
