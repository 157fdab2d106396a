package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.testing.Seeded;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelReplay#run(List, List, ReplayConfig, PolicyRegistry, KernelReplay.Options,
 * java.util.function.LongConsumer)}: traces streamed through the kernels count what the same
 * stream held in memory counts, the stream is held exactly when the class comment's rule says,
 * and a streamed run reads no further ahead than a block.
 */
class KernelReplayStreamTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final KernelReplay.Options NAMED = KernelReplay.Options.DEFAULT.withMachine(KernelLedger.MACHINE);
    /** The references a reader's block and the source's buffer hold: a streamed run reads at most this far ahead a trace, and one buffer more. */
    private static final int BLOCK = 1 << 14;

    record Scenario(List<ArrayTraceReader> traces, List<String> policies, ReplayConfig config,
                    KernelReplay.Options options) {
        List<TraceReader> readers() {
            return new ArrayList<>(traces.stream().map(ArrayTraceReader::again).toList());
        }

        boolean pids() {
            return traces.getFirst().pids() != null;
        }
    }

    /** A process's pages: a drifting hot set, repeats and jumps, 64-bit page numbers far apart; a quarter writes. */
    private static ArrayTraceReader trace(Seeded.Case c, String name, int length, int[] pids) {
        RandomGenerator random = c.random();
        int distinct = c.between(4, 60);
        long base = 0x7f00_0000_0L + ((long) c.between(0, 255) << 24);
        long[] pages = new long[length];
        boolean[] writes = new boolean[length];
        int hot = 0;
        for (int i = 0; i < length; i++) {
            if (random.nextInt(100) == 0) {
                hot = random.nextInt(distinct);
            }
            int r = random.nextInt(8);
            pages[i] = r == 0 ? base + 17L * random.nextInt(distinct) : r < 3 && i > 0 ? pages[i - 1]
                    : base + 17L * ((hot + random.nextInt(5)) % distinct);
            writes[i] = random.nextInt(4) == 0;
        }
        return new ArrayTraceReader(name, pages, writes, pids, c.pick(ArrayTraceReader.DEFAULT_BLOCK, c.between(1, 5_000)),
                new int[1]);
    }

    static Scenario scenario(Seeded.Case c) {
        List<ArrayTraceReader> traces = new ArrayList<>();
        if (c.random().nextInt(6) == 0) {
            int length = c.between(200, 3_000);
            int[] pids = new int[length];
            int pid = 0;
            for (int i = 0; i < length; i++) {
                if (c.random().nextInt(200) == 0) {
                    pid = c.between(0, 2);
                }
                pids[i] = 100 + pid;
            }
            traces.add(trace(c, "vm", length, pids));
        } else {
            int processes = c.between(1, 5);
            for (int p = 0; p < processes; p++) {
                traces.add(trace(c, "p" + p, c.between(200, 3_000), null));
            }
        }
        List<String> policies = c.pick(List.of("fifo", "lru", "clock"), List.of("clock"), List.of("lru", "fifo"),
                List.of("fifo", "opt"));
        Scope scope = c.coin() ? Scope.LOCAL : Scope.GLOBAL;
        boolean pids = traces.getFirst().hasPids();
        AllocationMode mode = !pids && c.random().nextInt(3) == 0 ? AllocationMode.PROPORTIONAL : AllocationMode.EQUAL;
        int n = traces.size();
        long[] sizes = null;
        if (mode == AllocationMode.PROPORTIONAL && c.coin()) {
            sizes = new long[n];
            for (int p = 0; p < n; p++) {
                sizes[p] = c.between(1, 40);
            }
        }
        int frames = pids ? c.between(3, 80) : c.between(2, 12 * n + 40);
        if (scope == Scope.LOCAL && !pids) {
            frames = feasible(mode, frames, sizes == null ? distinctPages(traces) : sizes);
        }
        ReplayConfig config = ReplayConfig.of(frames, scope).withMinimumFrames(1).withQuantum(c.between(1, 400))
                .withAllocation(mode, sizes, null);
        return new Scenario(traces, policies, config, c.coin() ? NAMED : KernelReplay.Options.DEFAULT);
    }

    private static long[] distinctPages(List<ArrayTraceReader> traces) {
        return traces.stream().mapToLong(t -> Arrays.stream(t.pages()).distinct().count()).toArray();
    }

    private static int feasible(AllocationMode mode, int frames, long[] sizes) {
        for (int m = frames; ; m++) {
            try {
                FrameAllocation.divide(mode, m, sizes, null, 1);
                return m;
            } catch (IllegalArgumentException e) {
                // one frame more
            }
        }
    }

    @Test
    void run_tracesStreamedOrHeld_countAsTheStreamHeldInMemoryAndTheFastReplay() {
        Seeded.cases("kernel replay from traces equals the stream held", 40)
                .requireAtLeast("streamed, local scope", 4)
                .requireAtLeast("streamed, global scope", 4)
                .requireAtLeast("streamed, several processes", 6)
                .requireAtLeast("held: the replay's rule", 4)
                .requireAtLeast("held: a trace with pids", 2)
                .requireAtLeast("held: the named machine holds no worst case", 1)
                .requireAtLeast("write-backs", 20)
                .run(c -> {
                    Scenario s = scenario(c);
                    c.given(s);
                    ReplayConfig config = s.config();
                    List<Long> told = new ArrayList<>();
                    KernelReplay.Result fromTraces = KernelReplay.run(s.readers(), s.policies(), config, REGISTRY,
                            s.options(), told::add);
                    KernelReplay.Result held = KernelReplay.run(ReferenceStream.load(s.readers(), config.quantum()),
                            s.policies(), config, REGISTRY, s.options(), null);
                    ReplayResult fast = Replay.run(s.readers(), s.policies(), config, REGISTRY, null);

                    // When the stream must be held, written out here: the replay's rule, a pid trace, no machine.
                    boolean replayHolds = s.policies().contains("opt") || (config.scope() == Scope.LOCAL
                            && (s.pids() || config.allocation() != AllocationMode.EQUAL && config.sizes() == null));
                    long[] worst = new long[s.traces().size()];
                    Arrays.fill(worst, Process.USER_AREA_PAGES);
                    boolean noMachine = s.options() == NAMED && !replayHolds && !s.pids()
                            && config.frames() + KernelReplay.kernelFrames(worst) > held.freeFrames();
                    boolean expectHeld = replayHolds || s.pids() || noMachine;
                    c.step(0, expectHeld ? "held" : "streamed");
                    assertThat(fromTraces.replay().inMemory()).as("held in memory").isEqualTo(expectHeld);

                    assertThat(fromTraces.replay().policies()).as("counts against the stream held")
                            .isEqualTo(held.replay().policies()).isEqualTo(fast.policies());
                    FrameAllocation allocation = fromTraces.replay().allocation();
                    assertThat(allocation == null ? null : allocation.quotas()).as("quotas")
                            .isEqualTo(fast.allocation() == null ? null : fast.allocation().quotas());
                    for (int i = 0; i < s.policies().size(); i++) {
                        KernelReplay.KernelStats a = fromTraces.kernel().get(i);
                        KernelReplay.KernelStats b = held.kernel().get(i);
                        String policy = s.policies().get(i);
                        assertThat(new long[] {a.references(), a.faults(), a.pageIns(), a.pageOuts(), a.writesAvoided(),
                                a.processSwitches(), a.swapNanos(), a.kernelFrames()})
                                .as("%s: references, faults, page-ins, page-outs, writes avoided, switches, swap time,"
                                        + " kernel frames held", policy)
                                .containsExactly(b.references(), b.faults(), b.pageIns(), b.pageOuts(), b.writesAvoided(),
                                        b.processSwitches(), b.swapNanos(), b.kernelFrames());
                        assertThat(a.processes()).as("%s: per process", policy).isEqualTo(b.processes());
                        assertThat(a.mmu()).as("%s: the MMU's counts", policy).isEqualTo(b.mmu());
                        c.cover("write-backs", a.pageOuts() > 0);
                    }
                    long references = s.traces().stream().mapToLong(t -> t.pages().length).sum();
                    assertThat(told).as("progress").isSorted().last().isEqualTo(references * s.policies().size());
                    if (expectHeld) {
                        assertThat(fromTraces.swapSlots()).isEqualTo(held.swapSlots());
                        assertThat(fromTraces.machine()).isEqualTo(held.machine());
                    } else {
                        assertThat(fromTraces.swapSlots()).as("swap slots streamed").isEqualTo(SwapDevice.MAX_SLOTS);
                        assertThat(fromTraces.kernelFrames()).as("kernel frames for the worst case")
                                .isEqualTo(KernelReplay.kernelFrames(worst));
                    }
                    c.cover("streamed, local scope", !expectHeld && config.scope() == Scope.LOCAL);
                    c.cover("streamed, global scope", !expectHeld && config.scope() == Scope.GLOBAL);
                    c.cover("streamed, several processes", !expectHeld && s.traces().size() > 1);
                    c.cover("held: the replay's rule", replayHolds);
                    c.cover("held: a trace with pids", s.pids() && !replayHolds);
                    c.cover("held: the named machine holds no worst case", noMachine);
                });
    }

    /** How far reading ran ahead of replaying, at every progress report. */
    private static final class Lookahead {
        final List<ArrayTraceReader> traces = new ArrayList<>();
        final int policies;
        long most;
        long firstReport = -1;
        int reports;

        /** {@code processes} traces of {@code referencesEach} references: a drifting hot set over 400 pages, a quarter writes. */
        Lookahead(int processes, int referencesEach, int policies) {
            for (int p = 0; p < processes; p++) {
                RandomGenerator random = Seeded.random(p + 1);
                long[] pages = new long[referencesEach];
                boolean[] writes = new boolean[referencesEach];
                int hot = 0;
                for (int i = 0; i < referencesEach; i++) {
                    if (random.nextInt(1_000) == 0) {
                        hot = random.nextInt(400);
                    }
                    pages[i] = random.nextInt(8) == 0 ? random.nextInt(400) : (hot + random.nextInt(16)) % 400;
                    writes[i] = random.nextInt(4) == 0;
                }
                traces.add(new ArrayTraceReader("long" + p, pages, writes, null, 4_096, new int[1]));
            }
            this.policies = policies;
        }

        void told(long done) {
            long read = traces.stream().mapToLong(t -> t.position()[0]).sum();
            if (firstReport < 0) {
                firstReport = read;
            }
            most = Math.max(most, read - done / policies);
            reports++;
        }

        List<TraceReader> readers() {
            return new ArrayList<>(traces);
        }
    }

    @Test
    void run_longTraces_readNoFurtherAheadThanABlockATrace() throws IOException {
        int each = 500_000;
        List<String> policies = List.of("fifo", "clock");
        Lookahead streamed = new Lookahead(2, each, policies.size());
        KernelReplay.Result result = KernelReplay.run(streamed.readers(), policies, ReplayConfig.of(600, Scope.GLOBAL),
                REGISTRY, KernelReplay.Options.DEFAULT, streamed::told);
        assertThat(result.replay().inMemory()).isFalse();
        assertThat(result.kernel().getFirst().references()).isEqualTo(2 * each);
        assertThat(streamed.reports).as("reports").isGreaterThan((int) (2 * each / BLOCK));
        // Every reader's block and the source's buffer: what a run may hold that it has not replayed.
        assertThat(streamed.most).as("references read and not yet replayed, at most").isLessThanOrEqualTo(3L * BLOCK);

        // The measure tells the two apart: OPT holds the stream, read to its end before the first reference.
        Lookahead held = new Lookahead(2, 50_000, 2);
        KernelReplay.Result opt = KernelReplay.run(held.readers(), List.of("fifo", "opt"),
                ReplayConfig.of(600, Scope.GLOBAL), REGISTRY, KernelReplay.Options.DEFAULT, held::told);
        assertThat(opt.replay().inMemory()).isTrue();
        assertThat(held.firstReport).as("read before the first reference replayed").isEqualTo(100_000);
    }

    @Test
    void run_streamedProcessOutgrowsTheUserArea_refusedBeforeItsPageIsTouched() {
        TraceReader big = ArrayTraceReader.of("big", LongStream.rangeClosed(0, Process.USER_AREA_PAGES).toArray());
        assertThatThrownBy(() -> KernelReplay.run(List.of(big), List.of("fifo"), ReplayConfig.of(8, Scope.GLOBAL),
                REGISTRY, KernelReplay.Options.DEFAULT, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trace big has at least 786,432 distinct pages, more than the 786,431 pages of a 32-bit"
                        + " process's user area (0x00001000-0xBFFFFFFF)");
    }
}
