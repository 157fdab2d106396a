package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The kernel path beyond the four exact policies: the INVLPG lesson and variable allocation. */
class KernelReplayTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final KernelReplay.Options OPTIONS = KernelReplay.Options.DEFAULT.withMachine(KernelLedger.MACHINE);

    /** Six hot pages take 90 % of the references; the rest walk round 40 cold ones. */
    static ArrayTraceReader hotSet(RandomGenerator random, int length) {
        long[] pages = new long[length];
        boolean[] writes = new boolean[length];
        int cold = 0;
        for (int i = 0; i < length; i++) {
            pages[i] = random.nextInt(10) < 9 ? random.nextInt(6) : 100 + cold++ % 40;
            writes[i] = random.nextInt(5) == 0;
        }
        return ArrayTraceReader.of("hot set", pages, writes);
    }

    @Test
    void run_skipInvlpgOnAHotSet_clockFaultsAsMuchAsFifo() throws IOException {
        ArrayTraceReader trace = hotSet(KernelReplayExactnessTest.random(1), 20_000);
        ReplayConfig config = ReplayConfig.of(16, Scope.LOCAL);
        List<String> policies = List.of("clock", "fifo");
        ReplayResult fast = Replay.run(List.of(trace.again()), policies, config, REGISTRY, null);
        ReplayResult kernel = KernelReplay.run(ReferenceStream.load(List.of(trace.again()), 1), policies, config,
                REGISTRY, OPTIONS, null).replay();
        ReplayResult lesson = KernelReplay.run(ReferenceStream.load(List.of(trace.again()), 1), policies, config,
                REGISTRY, OPTIONS.withSkipInvlpg(true), null).replay();
        long clock = kernel.policy("clock").faults();
        long fifo = kernel.policy("fifo").faults();
        long skipped = lesson.policy("clock").faults();

        assertThat(kernel.policies()).as("with the INVLPG, the fast replay's counts").isEqualTo(fast.policies());
        // Without it the TLB keeps a hot page's translation after its A is cleared, hits set no A
        // again, and the hand evicts hot pages as if they were cold: Clock degrades to FIFO.
        assertThat(skipped).as("Clock's faults without the INVLPG (%d with it, FIFO %d, of 20,000 references)", clock, fifo)
                .isGreaterThan(clock * 13 / 10).isGreaterThanOrEqualTo(fifo * 95 / 100);
        assertThat(lesson.policy("fifo").faults()).as("FIFO never clears A: the lesson changes nothing").isEqualTo(fifo);
    }

    @Test
    void run_clockLoadBitZero_isRefusedBecauseTheRetriedAccessSetsA() throws IOException {
        ArrayTraceReader trace = hotSet(KernelReplayExactnessTest.random(2), 5_000);
        PolicyConfig d = PolicyConfig.DEFAULTS;
        PolicyConfig zero = new PolicyConfig(d.seed(), 0, d.tickInterval(), d.agingBits(), d.tau(), d.window(), d.pffTau(),
                d.twoQKin(), d.twoQKout(), d.lirsHirFraction(), d.s3fifoSmallFraction());
        ReplayConfig one = ReplayConfig.of(16, Scope.LOCAL);
        ReplayConfig cleared = one.withPolicy(zero);
        long fastOne = Replay.run(List.of(trace.again()), List.of("clock"), one, REGISTRY, null).policy("clock").faults();
        long fastZero = Replay.run(List.of(trace.again()), List.of("clock"), cleared, REGISTRY, null).policy("clock")
                .faults();
        assertThat(fastZero).as("load bit 0 in the fast replay differs from load bit 1").isNotEqualTo(fastOne);
        // Clock clears the bit in loaded(), which the handler calls before the access is retried; the
        // retried access then sets A, as it does on an i386: the kernel would count load bit 1's
        // faults under load bit 0's name, so it refuses.
        ReferenceStream stream = ReferenceStream.load(List.of(trace.again()), 1);
        assertThatThrownBy(() -> KernelReplay.run(stream, List.of("fifo", "clock"), cleared, REGISTRY, OPTIONS, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock with load bit 0 cannot run");
        assertThat(KernelReplay.run(stream, List.of("fifo"), cleared, REGISTRY, OPTIONS, null).replay().policy("fifo")
                .faults()).as("a policy that ignores the load bit still runs").isPositive();
    }

    @Test
    void run_variableAllocationPolicies_countTheFastReplaysFaultsAndWritebacks() throws IOException {
        PolicyConfig small = PolicyConfig.DEFAULTS;
        List<String> policies = List.of("ws", "pff");
        int compared = 0;
        long released = 0;
        for (int seed = 0; seed < 8; seed++) {
            RandomGenerator random = KernelReplayExactnessTest.random(500 + seed);
            int n = 1 + random.nextInt(3);
            List<ArrayTraceReader> traces = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                traces.add(KernelReplayExactnessTest.synthetic(random, "p" + p, 1_000 + random.nextInt(2_000),
                        8 + random.nextInt(30), 1000L * p));
            }
            Scope scope = seed % 2 == 0 ? Scope.LOCAL : Scope.GLOBAL;
            ReplayConfig config = ReplayConfig.of(8 * n + random.nextInt(20), scope).withMinimumFrames(1)
                    .withQuantum(1 + random.nextInt(100)).withAllocation(AllocationMode.EQUAL, null, null)
                    .withPolicy(new PolicyConfig(small.seed(), small.clockLoadBit(), 50 + random.nextInt(200),
                            small.agingBits(), 20 + random.nextInt(200), 20 + random.nextInt(200),
                            20 + random.nextInt(200), small.twoQKin(), small.twoQKout(), small.lirsHirFraction(),
                            small.s3fifoSmallFraction()));
            ReplayResult fast = Replay.run(KernelReplayExactnessTest.copies(traces), policies, config, REGISTRY, null);
            KernelReplay.Result kernel = KernelReplay.run(ReferenceStream.load(KernelReplayExactnessTest.copies(traces), config.quantum()), policies,
                    config, REGISTRY, OPTIONS, null);
            for (String policy : policies) {
                assertThat(kernel.replay().policy(policy).processes()).as("seed %d, %s, %s", 500 + seed, scope, policy)
                        .isEqualTo(fast.policy(policy).processes());
                compared++;
                PolicyResult r = fast.policy(policy);
                if (scope == Scope.GLOBAL) {
                    long pages = r.processes().stream().mapToLong(ProcessResult::pages).sum();
                    released += r.framesHeld() < Math.min(config.frames(), pages) ? 1 : 0;
                } else {
                    released += r.processes().stream().filter(p -> p.framesHeld() < Math.min(p.quota(), p.pages())).count();
                }
            }
        }
        assertThat(compared).isEqualTo(16);
        assertThat(released).as("runs (or processes) that ended holding fewer frames than they could: pages were"
                + " released").isGreaterThanOrEqualTo(4);
    }

}
