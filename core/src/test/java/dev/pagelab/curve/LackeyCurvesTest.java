package dev.pagelab.curve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.testing.LackeyTraces;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The one-pass curves on real programs' traces (sort and gzip recorded by valgrind's lackey,
 * {@link LackeyTraces}) against one replay a frame count: frame counts 1 to 16 and 64 more spread
 * evenly on a log scale up to past the distinct pages.
 */
class LackeyCurvesTest {
    /** 1 … 16, then 64 frame counts log-spaced up to {@code pages} + 1. */
    static List<Integer> frameCounts(int pages) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (int f = 1; f <= 16; f++) {
            counts.add(f);
        }
        double low = Math.log(17);
        double high = Math.log(pages + 1.0);
        for (int i = 0; i < 64; i++) {
            counts.add((int) Math.round(Math.exp(low + (high - low) * i / 63)));
        }
        return List.copyOf(counts);
    }

    static List<ArrayTraceReader> traces(List<LackeyTraces.Recorded> programs) {
        List<ArrayTraceReader> traces = new ArrayList<>();
        for (LackeyTraces.Recorded program : programs) {
            traces.add(ArrayTraceReader.of(program.name(), program.pages(), program.writes()));
        }
        return traces;
    }

    @Test
    void lru_eachProgramAlone_equalsReplays() throws IOException {
        for (LackeyTraces.Recorded program : LackeyTraces.programs()) {
            List<ArrayTraceReader> traces = traces(List.of(program));
            ExactCurve curve = Curves.lru(Workloads.again(traces), CurveOptions.of(Scope.GLOBAL), null);
            assertThat(curve.pages()).as("%s's pages", program.name()).isEqualTo(program.distinctPages());
            long writebacks = 0;
            for (int frames : frameCounts(curve.pages())) {
                ReplayConfig config = ReplayConfig.of(frames, Scope.GLOBAL);
                CurveCounts expected = Workloads.replay(traces, "lru", config);
                assertThat(curve.countsAt(config)).as("%s, %d frames", program.name(), frames).isEqualTo(expected);
                writebacks += expected.totalWritebacks();
            }
            assertThat(writebacks).as("%s: write-backs over the frame counts", program.name()).isPositive();
        }
    }

    @Test
    void lru_bothProgramsInterleaved_equalsReplaysGlobalAndLocal() throws IOException {
        List<ArrayTraceReader> traces = traces(LackeyTraces.programs());
        long quantum = 500;
        for (Scope scope : Scope.values()) {
            CurveOptions options = CurveOptions.of(scope).withQuantum(quantum);
            ExactCurve curve = Curves.lru(Workloads.again(traces), options, null);
            int pages = scope == Scope.GLOBAL ? curve.pages()
                    : 2 * Math.max(curve.process(0).pages(), curve.process(1).pages());
            for (int frames : frameCounts(pages)) {
                if (scope == Scope.LOCAL && frames < 2) {
                    continue;
                }
                ReplayConfig config = ReplayConfig.of(frames, scope).withQuantum(quantum).withMinimumFrames(1);
                CurveCounts expected = Workloads.replay(traces, "lru", config);
                assertThat(curve.countsAt(config)).as("%s, %d frames", scope.cliName(), frames).isEqualTo(expected);
            }
        }
    }

    @Test
    void opt_aloneAndInterleaved_faultsAndWritebacksEqualReplays() throws IOException {
        List<LackeyTraces.Recorded> programs = LackeyTraces.programs();
        for (List<LackeyTraces.Recorded> set : List.of(List.of(programs.get(0)), List.of(programs.get(1)), programs)) {
            List<ArrayTraceReader> traces = traces(set);
            for (Scope scope : Scope.values()) {
                CurveOptions options = CurveOptions.of(scope).withQuantum(700);
                ExactCurve curve = Curves.opt(Workloads.again(traces), options, null);
                OptCurve withWritebacks = Curves.optWithWritebacks(Workloads.again(traces), options, null);
                int n = traces.size();
                for (int frames : frameCounts(n * curve.pages())) {
                    if (frames < n) {
                        continue;
                    }
                    ReplayConfig config = ReplayConfig.of(frames, scope).withQuantum(700).withMinimumFrames(1);
                    CurveCounts expected = Workloads.replay(traces, "opt", config);
                    String what = set.stream().map(LackeyTraces.Recorded::name).toList() + ", " + scope.cliName()
                            + ", " + frames + " frames";
                    assertThat(curve.countsAt(config)).as(what).isEqualTo(Workloads.faultsOnly(expected));
                    assertThat(withWritebacks.countsAt(config)).as(what).isEqualTo(expected);
                }
            }
        }
    }
}
