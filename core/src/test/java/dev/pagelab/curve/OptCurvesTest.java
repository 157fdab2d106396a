package dev.pagelab.curve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void opt_writebacksAsked_saysTheCurveHasNone() throws Exception {
        ArrayTraceReader trace = ArrayTraceReader.of("t", new long[] {1, 2, 3, 1}, new boolean[] {true, false, false, false});
        ExactCurve curve = Curves.opt(java.util.List.of(trace), CurveOptions.of(Scope.GLOBAL), null);
        assertThat(curve.faultsAt(2)).isEqualTo(3);
        assertThatThrownBy(() -> curve.writebacksAt(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no write-backs");
    }
}
