package dev.pagelab.curve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a curve: the textbook string, frame counts past the pages, cut curves, and misuse. */
class ExactCurveTest {
    /** Silberschatz's reference string (§10.4): LRU faults 12 with 3 frames, OPT 9. */
    static final long[] TEXTBOOK = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

    static ArrayTraceReader textbook(boolean[] writes) {
        return ArrayTraceReader.of("textbook", TEXTBOOK, writes);
    }

    @Test
    void lruAndOpt_textbookString_countTheTextbookFaults() throws IOException {
        ExactCurve lru = Curves.lru(List.of(textbook(new boolean[20])), CurveOptions.of(Scope.GLOBAL), null);
        ExactCurve opt = Curves.opt(List.of(textbook(new boolean[20])), CurveOptions.of(Scope.GLOBAL), null);
        assertThat(lru.faultsAt(3)).isEqualTo(12);
        assertThat(opt.faultsAt(3)).isEqualTo(9);
        assertThat(lru.pages()).isEqualTo(6);
        assertThat(lru.faultsAt(6)).as("only cold faults with a frame a page").isEqualTo(6);
        assertThat(lru.faultsAt(1_000)).as("flat beyond the pages").isEqualTo(6);
        assertThat(lru.missRatioAt(3)).isEqualTo(12 / 20.0);
        assertThat(lru.writebacksAt(3)).as("no writes, no write-backs").isZero();
    }

    @Test
    void lru_everyReferenceAWrite_writesBackEveryEvictionAndNotTheResidentPages() throws IOException {
        boolean[] writes = new boolean[20];
        java.util.Arrays.fill(writes, true);
        ExactCurve lru = Curves.lru(List.of(textbook(writes)), CurveOptions.of(Scope.GLOBAL), null);
        // 12 faults with 3 frames: the first 3 fill the frames, the other 9 each evict a dirty page.
        assertThat(lru.writebacksAt(3)).isEqualTo(9);
        assertThat(lru.writebacksAt(6)).isZero();
    }

    @Test
    void lru_maxFramesCut_answersUpToItAndRefusesBeyond() throws IOException {
        ExactCurve cut = Curves.lru(List.of(textbook(new boolean[20])), CurveOptions.of(Scope.GLOBAL).withMaxFrames(4),
                null);
        assertThat(cut.frames()).isEqualTo(4);
        assertThat(cut.complete()).isFalse();
        assertThat(cut.faultsAt(3)).isEqualTo(12);
        assertThatThrownBy(() -> cut.faultsAt(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counts 1 to 4 frames, not 5");
        assertThatThrownBy(() -> cut.faultsAt(0)).hasMessageContaining("frames 0 must be at least 1");
    }

    @Test
    void lru_emptyTrace_countsNothing() throws IOException {
        ExactCurve empty = Curves.lru(List.of(ArrayTraceReader.of("empty", new long[0], new boolean[0])),
                CurveOptions.of(Scope.LOCAL), null);
        assertThat(empty.references()).isZero();
        assertThat(empty.faultsAt(4)).isZero();
        assertThat(empty.writebacksAt(4)).isZero();
        assertThat(empty.missRatioAt(4)).isZero();
    }

    @Test
    void countsAt_localCurveOfSeveralProcesses_needsTheFramesDivided() throws IOException {
        List<ArrayTraceReader> traces = List.of(textbook(new boolean[20]), textbook(new boolean[20]));
        ExactCurve local = Curves.lru(new ArrayList<>(traces), CurveOptions.of(Scope.LOCAL).withQuantum(3), null);
        assertThatThrownBy(() -> local.faultsAt(6)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("until the frames are divided");
        CurveCounts equal = local.countsAt(ReplayConfig.of(7, Scope.LOCAL).withQuantum(3).withMinimumFrames(1));
        assertThat(equal.quotas()).containsExactly(3, 3);
        assertThat(equal.faults()).containsExactly(12, 12);
        CurveCounts divided = local.countsAt(FrameAllocation.divide(AllocationMode.EQUAL, 8, new long[] {1, 1}, null, 1));
        assertThat(divided.quotas()).containsExactly(4, 4);
        assertThat(divided.faults()).as("LRU with 4 frames on the textbook string").containsExactly(8, 8);
        assertThat(divided.totalFaults()).isEqualTo(16);
        assertThatThrownBy(() -> local.countsAt(ReplayConfig.of(7, Scope.LOCAL).withQuantum(4)))
                .hasMessageContaining("quantum 3, the replay with 4");
        assertThatThrownBy(() -> local.countsAt(ReplayConfig.of(7, Scope.GLOBAL).withQuantum(3)))
                .hasMessageContaining("local scope, the replay of global");
        assertThatThrownBy(() -> local.countsAt(ReplayConfig.of(7, Scope.LOCAL).withQuantum(3)))
                .as("the default minimum of 6 frames a process").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("below the minimum of 6");
    }

    @Test
    void lru_progress_isToldTheReferencesRead() throws IOException {
        List<Long> told = new ArrayList<>();
        Curves.lru(List.of(textbook(new boolean[20])), CurveOptions.of(Scope.GLOBAL), told::add);
        assertThat(told).last().isEqualTo(20L);
    }

    @Test
    void curves_pidTraceAmongOthers_refusedNamingThem() {
        ArrayTraceReader pids = ArrayTraceReader.withPids("with-pids", new long[] {1}, new boolean[1], new int[] {4});
        assertThatThrownBy(() -> Curves.lru(List.of(pids, textbook(new boolean[20])), CurveOptions.of(Scope.GLOBAL), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[with-pids, textbook]");
    }
}
