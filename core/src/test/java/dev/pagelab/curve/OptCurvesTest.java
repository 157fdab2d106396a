package dev.pagelab.curve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.testing.Seeded;
import org.junit.jupiter.api.Test;

/** The one-pass OPT curve against the replay engine's OPT, one replay a frame count. */
class OptCurvesTest {
    @Test
    void opt_randomTraces_faultsEqualReplayAtEveryFrameCount() {
        Seeded.cases("opt curve equals replays", 60)
                .requireShare("several processes", 0.4)
                .requireShare("local scope", 0.3)
                .requireShare("global scope", 0.3)
                .requireShare("opt beats lru somewhere", 0.5)
                .run(c -> {
                    LruCurvesTest.Scenario s = LruCurvesTest.scenario(c);
                    c.given(s);
                    CurveOptions options = CurveOptions.of(s.scope()).withQuantum(s.quantum());
                    ExactCurve curve = Curves.opt(Workloads.again(s.traces()), options, null);
                    ExactCurve lru = Curves.lru(Workloads.again(s.traces()), options, null);
                    int processes = curve.processes().size();
                    c.cover("several processes", processes > 1);
                    c.cover("local scope", s.scope() == Scope.LOCAL);
                    c.cover("global scope", s.scope() == Scope.GLOBAL);
                    assertThat(curve.hasWritebacks()).isFalse();
                    boolean better = false;
                    int most = curve.processes().stream().mapToInt(ProcessCurve::pages).max().orElse(0);
                    int last = s.scope() == Scope.GLOBAL ? curve.pages() + 2 : processes * (most + 2);
                    for (int frames = processes; frames <= last; frames++) {
                        c.step(frames, "frames");
                        ReplayConfig config = ReplayConfig.of(frames, s.scope()).withQuantum(s.quantum())
                                .withMinimumFrames(1);
                        CurveCounts expected = Workloads.faultsOnly(Workloads.replay(s.traces(), "opt", config));
                        CurveCounts actual = curve.countsAt(config);
                        assertThat(actual).as("%d frames", frames).isEqualTo(expected);
                        better |= actual.totalFaults() < lru.countsAt(config).totalFaults();
                    }
                    c.cover("opt beats lru somewhere", better);
                });
    }

    @Test
    void optWithWritebacks_randomTraces_faultsAndWritebacksEqualReplayAtEveryFrameCount() {
        Seeded.cases("opt curve with write-backs equals replays", 60)
                .requireShare("several processes", 0.4)
                .requireShare("local scope", 0.3)
                .requireShare("global scope", 0.3)
                .requireShare("the tie rule changes the write-backs", 0.5)
                .run(c -> {
                    LruCurvesTest.Scenario s = LruCurvesTest.scenario(c);
                    c.given(s);
                    CurveOptions options = CurveOptions.of(s.scope()).withQuantum(s.quantum());
                    ReferenceStream stream = ReferenceStream.load(Workloads.again(s.traces()), s.quantum());
                    OptCurve curve = Curves.optWithWritebacks(stream, options);
                    ExactCurve faults = curve.curve();
                    int processes = faults.processes().size();
                    c.cover("several processes", processes > 1);
                    c.cover("local scope", s.scope() == Scope.LOCAL);
                    c.cover("global scope", s.scope() == Scope.GLOBAL);
                    boolean tieMatters = false;
                    int most = faults.processes().stream().mapToInt(ProcessCurve::pages).max().orElse(0);
                    int last = s.scope() == Scope.GLOBAL ? faults.pages() + 2 : processes * (most + 2);
                    for (int frames = processes; frames <= last; frames++) {
                        c.step(frames, "frames");
                        ReplayConfig config = ReplayConfig.of(frames, s.scope()).withQuantum(s.quantum())
                                .withMinimumFrames(1);
                        CurveCounts expected = Workloads.replay(s.traces(), "opt", config);
                        CurveCounts actual = curve.countsAt(config);
                        assertThat(actual).as("%d frames", frames).isEqualTo(expected);
                        if (s.scope() == Scope.GLOBAL) {
                            // An independent oracle, and proof that the tie rule was exercised.
                            assertThat(naiveOptWritebacks(stream, frames, true)).as("naive, %d frames", frames)
                                    .isEqualTo(actual.totalWritebacks());
                            tieMatters |= naiveOptWritebacks(stream, frames, false) != actual.totalWritebacks();
                        }
                    }
                    if (s.scope() == Scope.GLOBAL) {
                        // Recorded for global cases only: the share is of the cases the naive oracle ran on.
                        c.cover("the tie rule changes the write-backs", tieMatters);
                    }
                });
    }

    @Test
    void optWithWritebacks_deadPagesTie_theEarliestLoadedGoesFirst() throws Exception {
        // a and b written, then c and d read once each: every page is dead after its reference.
        ArrayTraceReader trace = ArrayTraceReader.of("t", new long[] {1, 2, 3, 4}, new boolean[] {true, true, false, false});
        OptCurve curve = Curves.optWithWritebacks(java.util.List.of(trace), CurveOptions.of(Scope.GLOBAL), null);
        // 2 frames: c evicts a (loaded first, dirty), d evicts b (dirty): 2. Latest first would give 1 (b, then clean c).
        assertThat(curve.countsAt(2)).isEqualTo(new CurveCounts(2, null, new long[] {4}, new long[] {2}));
        // 3 frames: d evicts a: 1. 1 frame: a, b, c go in turn: 2. 4 frames: nothing is evicted.
        assertThat(curve.countsAt(3).totalWritebacks()).isEqualTo(1);
        assertThat(curve.countsAt(1).totalWritebacks()).isEqualTo(2);
        assertThat(curve.countsAt(4).totalWritebacks()).isZero();
        assertThat(curve.countsAt(100).totalWritebacks()).isZero();
        assertThatThrownBy(() -> curve.countsAt(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void opt_writebacksAsked_saysTheCurveHasNone() throws Exception {
        ArrayTraceReader trace = ArrayTraceReader.of("t", new long[] {1, 2, 3, 1}, new boolean[] {true, false, false, false});
        ExactCurve curve = Curves.opt(java.util.List.of(trace), CurveOptions.of(Scope.GLOBAL), null);
        assertThat(curve.faultsAt(2)).isEqualTo(3);
        assertThatThrownBy(() -> curve.writebacksAt(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no write-backs");
    }

    /**
     * OPT with {@code frames} frames over the whole stream, by definition: the victim is the
     * resident page used again farthest ahead (found by looking ahead), and among pages never used
     * again the one loaded earliest ({@code earliest}) or latest; its write-backs.
     */
    static long naiveOptWritebacks(ReferenceStream stream, int frames, boolean earliest) {
        java.util.List<int[]> resident = new java.util.ArrayList<>(); // {page, load time, dirty}
        long writebacks = 0;
        for (int i = 0; i < stream.length(); i++) {
            int page = stream.pageAt(i);
            int[] entry = null;
            for (int[] e : resident) {
                if (e[0] == page) {
                    entry = e;
                }
            }
            if (entry == null) {
                if (resident.size() == frames) {
                    int[] victim = null;
                    long victimNext = -1;
                    for (int[] e : resident) {
                        long next = Long.MAX_VALUE;
                        for (int j = i + 1; j < stream.length(); j++) {
                            if (stream.pageAt(j) == e[0]) {
                                next = j;
                                break;
                            }
                        }
                        boolean later = next > victimNext || next == victimNext
                                && (earliest ? e[1] < victim[1] : e[1] > victim[1]);
                        if (victim == null || later) {
                            victim = e;
                            victimNext = next;
                        }
                    }
                    resident.remove(victim);
                    writebacks += victim[2];
                }
                entry = new int[] {page, i, 0};
                resident.add(entry);
            }
            if (stream.isWrite(i)) {
                entry[2] = 1;
            }
        }
        return writebacks;
    }
}
