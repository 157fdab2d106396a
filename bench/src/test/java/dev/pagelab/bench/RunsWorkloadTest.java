package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RunsWorkloadTest {
    private static final long MEDIUM = 16L << 20;

    static Stream<String> freeingAllocators() {
        return FramesWorkloadTest.freeingAllocators();
    }

    @ParameterizedTest
    @MethodSource("freeingAllocators")
    void run_anyAllocator_heldRunsAreAlignedAllocatedAndCounted(String name) {
        RunsWorkload w = new RunsWorkload(NaiveFrameAllocator.REGISTRY, name, MEDIUM);

        w.run(3_000);

        assertThat(w.operations()).isEqualTo(3_000);
        assertThat(w.requests() + w.frees()).isEqualTo(3_000);
        assertThat(w.failed()).isBetween(0L, w.requests());
        long held = 0;
        for (int i = 0; i < w.runsHeld(); i++) {
            long pfn = w.runPfn(i);
            long frames = w.runFrames(i);
            assertThat(pfn % frames).as("run at %d of %d frames is aligned", pfn, frames).isZero();
            assertThat(w.allocator().isAllocated(pfn)).isTrue();
            assertThat(w.allocator().isAllocated(pfn + frames - 1)).isTrue();
            held += frames;
        }
        assertThat(held).isEqualTo(w.allocatedFrames());
        assertThat(w.allocator().freeFrames()).isEqualTo(w.freeFramesAtStart() - held);
        // Half occupancy: below the target only by what failed requests left, above by less than a run.
        assertThat(w.allocatedFrames()).isLessThan(w.targetFrames() + 512);
        w.allocator().checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("freeingAllocators")
    void run_twice_sameChecksumAndFailures(String name) {
        RunsWorkload a = new RunsWorkload(NaiveFrameAllocator.REGISTRY, name, MEDIUM);
        RunsWorkload b = new RunsWorkload(NaiveFrameAllocator.REGISTRY, name, MEDIUM);

        a.run(3_000);
        b.run(3_000);

        assertThat(a.checksum()).isEqualTo(b.checksum());
        assertThat(a.failed()).isEqualTo(b.failed());
        assertThat(a.requests()).isEqualTo(b.requests());
    }

    @Test
    void run_naive_firstRequestsFollowTheStream() {
        RunsWorkload w = new RunsWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NAME, MEDIUM);
        Xorshift64Star rng = new Xorshift64Star(FramesWorkload.SEED);

        w.run(5);

        // Below the target every operation is a request of 2^(next() % 10) frames; seed 42 gives 1, 256, 64, 32, 256 frames.
        assertThat(w.requests()).isEqualTo(5);
        assertThat(w.runsHeld()).isEqualTo(5);
        long[] sizes = {1, 256, 64, 32, 256};
        long checksum = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(w.runFrames(i)).isEqualTo(1L << rng.nextBelow(10)).isEqualTo(sizes[i]);
            checksum += w.runPfn(i);
        }
        assertThat(w.checksum()).isEqualTo(checksum);
    }

    @Test
    void run_naive_reachesTheTargetThenFrees() {
        RunsWorkload w = new RunsWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NAME, MEDIUM);

        w.run(20_000);

        assertThat(w.targetFrames()).isEqualTo((4096 - 256) / 2);
        assertThat(w.frees()).isPositive();
        assertThat(w.requests()).isGreaterThan(w.frees());
    }

    @Test
    void constructor_allocatorThatCannotFree_refused() {

        assertThatThrownBy(() -> new RunsWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NO_FREE_NAME,
                MEDIUM))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cannot free");
    }
}
