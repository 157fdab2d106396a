package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the macro benchmark on small machines: checks what it reports, never how fast. */
class FramesBenchTest {
    private static final long SMALL = 4L << 20;

    @Test
    void run_naive_reportsEveryPhaseWithProgress() {
        List<String> progress = new ArrayList<>();
        FramesBench.Settings settings = new FramesBench.Settings(NaiveFrameAllocator.NAME, SMALL, 2_000, 500, 300);

        FramesBench.Result r = FramesBench.run(settings, NaiveFrameAllocator.REGISTRY, progress::add);

        assertThat(r.canFree()).isTrue();
        assertThat(r.poolFrames()).isEqualTo(768);
        assertThat(r.metadataFrames()).isZero();
        assertThat(r.freeFramesAtStart()).isEqualTo(768);
        assertThat(r.fill().operations()).isEqualTo(384);
        assertThat(r.fill().nanos()).isPositive();
        assertThat(r.churn().operations()).isEqualTo(2_000);
        assertThat(r.churn().nsPerOperation()).isPositive();
        FramesWorkload replay = new FramesWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NAME, SMALL);
        replay.fill();
        replay.churn(2_000);
        assertThat(r.checksum()).isEqualTo(replay.checksum());
        assertThat(r.contiguous().phase().operations()).isEqualTo(500);
        assertThat(r.contiguous().requests()).isBetween(250L, 500L);
        assertThat(r.contiguous().failureShare()).isBetween(0.0, 1.0);
        assertThat(r.checksOn()).isTrue();
        assertThat(progress).hasSize(4);
        assertThat(progress.get(0)).startsWith("test-naive: warm-up");
        assertThat(progress.get(1)).isEqualTo("test-naive: fill: 384 allocations");
        assertThat(progress.get(2)).isEqualTo("test-naive: churn: 2,000 steps");
        assertThat(progress.get(3)).isEqualTo("test-naive: contiguous: 500 operations");
    }

    @Test
    void run_allocatorThatCannotFree_fillOnly() {
        FramesBench.Result r = FramesBench.run(new FramesBench.Settings(NaiveFrameAllocator.NO_FREE_NAME, SMALL, 1_000,
                100, 100), NaiveFrameAllocator.REGISTRY, line -> { });

        assertThat(r.canFree()).isFalse();
        assertThat(r.fill().operations()).isEqualTo(384);
        assertThat(r.churn()).isNull();
        assertThat(r.contiguous()).isNull();
        assertThat(r.checksum()).isEqualTo(384L * 256 + 383L * 384 / 2);
    }

    @Test
    void run_noContiguousNoWarmup_skipsThem() {
        List<String> progress = new ArrayList<>();

        FramesBench.Result r = FramesBench.run(new FramesBench.Settings(NaiveFrameAllocator.NAME, SMALL, 10, 0, 0),
                NaiveFrameAllocator.REGISTRY, progress::add);

        assertThat(r.contiguous()).isNull();
        assertThat(progress).hasSize(2);
    }

    @Test
    void settings_badValues_namedInTheMessage() {
        assertThatThrownBy(() -> new FramesBench.Settings("bitmap", SMALL, 0, 0, 0)).hasMessageContaining("churn steps 0");
        assertThatThrownBy(() -> new FramesBench.Settings("bitmap", SMALL, 1, -1, 0)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new FramesBench.Settings("bitmap", SMALL, 1, 0, -5)).hasMessageContaining("-5");
        assertThatThrownBy(() -> new FramesBench.Settings("bitmap", 123, 1, 0, 0)).hasMessageContaining("123 bytes");
    }

    @Test
    void defaults_areTheIssuesWorkload() {
        FramesBench.Settings s = FramesBench.Settings.defaults("buddy");

        assertThat(s.memoryBytes()).isEqualTo(4L << 30);
        assertThat(s.churnSteps()).isEqualTo(10_000_000);
        assertThat(s.contiguousOps()).isEqualTo(1_000_000);
    }
}
