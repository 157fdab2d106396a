package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameRange;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The workload's definition, on small machines (checks are on in tests: every step is verified). */
class FramesWorkloadTest {
    private static final long SMALL = 4L << 20;
    private static final long MEDIUM = 16L << 20;

    /** Every registered allocator, the test one included. */
    static Stream<String> allocators() {
        return NaiveFrameAllocator.REGISTRY.names().stream();
    }

    /** The registered allocators that can free. */
    static Stream<String> freeingAllocators() {
        return allocators().filter(name -> NaiveFrameAllocator.REGISTRY.info(name).canFree());
    }

    @Test
    void pool_fourGiB_isEverythingAboveTheFirstMiB() {
        assertThat(FramesWorkload.pool(4L << 30)).containsExactly(new FrameRange(256, 1 << 20));
    }

    @Test
    void checkMemoryBytes_badSizes_refused() {
        assertThatThrownBy(() -> FramesWorkload.checkMemoryBytes(1L << 20)).hasMessageContaining("2 MiB to 4 GiB");
        assertThatThrownBy(() -> FramesWorkload.checkMemoryBytes((8L << 30))).hasMessageContaining("4 GiB");
        assertThatThrownBy(() -> FramesWorkload.checkMemoryBytes((4L << 20) + 1)).hasMessageContaining("4 KiB");
    }

    @ParameterizedTest
    @MethodSource("allocators")
    void fill_anyAllocator_allocatesExactlyHalfOfTheFreeFrames(String name) {
        FramesWorkload w = new FramesWorkload(NaiveFrameAllocator.REGISTRY, name, SMALL);
        long free = w.allocator().freeFrames();

        int allocations = w.fill();

        assertThat(free).isEqualTo(768 - w.metadataFrames());
        assertThat(allocations).isEqualTo(w.liveFrames()).isEqualTo((int) (free / 2));
        assertThat(w.allocator().freeFrames()).isEqualTo(free - free / 2);
        Set<Long> frames = new HashSet<>();
        for (int i = 0; i < w.liveFrames(); i++) {
            assertThat(w.allocator().isAllocated(w.live(i))).as("frame %d", w.live(i)).isTrue();
            frames.add(w.live(i));
        }
        assertThat(frames).hasSize(w.liveFrames());
    }

    @Test
    void fill_naiveNextFit_handsOutThePoolInOrder() {
        FramesWorkload w = new FramesWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NAME, SMALL);

        w.fill();

        assertThat(w.liveFrames()).isEqualTo(384);
        for (int i = 0; i < 384; i++) {
            assertThat(w.live(i)).isEqualTo(256 + i);
        }
        assertThat(w.checksum()).isEqualTo(384L * 256 + 383L * 384 / 2);
    }

    @ParameterizedTest
    @MethodSource("freeingAllocators")
    void churn_twoRuns_sameChecksum(String name) {
        long first = churned(name, SMALL, 5_000).checksum();
        long second = churned(name, SMALL, 5_000).checksum();

        assertThat(first).isEqualTo(second).isPositive();
    }

    @ParameterizedTest
    @MethodSource("freeingAllocators")
    void churn_anyAllocator_keepsHalfAllocatedAndLiveDistinct(String name) {
        FramesWorkload w = churned(name, SMALL, 5_000);

        long free = w.freeFramesAtStart();
        assertThat(w.allocator().freeFrames()).isEqualTo(free - free / 2);
        Set<Long> frames = new HashSet<>();
        for (int i = 0; i < w.liveFrames(); i++) {
            assertThat(w.allocator().isAllocated(w.live(i))).isTrue();
            frames.add(w.live(i));
        }
        assertThat(frames).hasSize(w.liveFrames());
        assertThat(w.churnSteps()).isEqualTo(5_000);
        w.allocator().checkInvariants();
    }

    @Test
    void churn_inPieces_sameAsInOneGo() {
        FramesWorkload whole = churned(NaiveFrameAllocator.NAME, SMALL, 3_000);
        FramesWorkload pieces = new FramesWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NAME, SMALL);
        pieces.fill();
        pieces.churn(1_000);
        pieces.churn(1);
        pieces.churn(1_999);

        assertThat(pieces.checksum()).isEqualTo(whole.checksum());
    }

    @Test
    void churn_naive_matchesAStraightReplayOfTheDefinition() {
        FramesWorkload w = churned(NaiveFrameAllocator.NAME, SMALL, 10_000);

        long[] model = nextFitModel(256, 1024, List.of(), 10_000);

        assertThat(model).hasSize(w.liveFrames());
        for (int i = 0; i < model.length; i++) {
            assertThat(w.live(i)).as("live[%d]", i).isEqualTo(model[i]);
        }
    }

    /**
     * The bitmap allocator's documented rule (next = the frame after the last one handed out,
     * frees do not move it, wrap once) against a plain model: the C reference implements the
     * model, so this is what makes the checksums of Java and C agree.
     */
    @Test
    void churn_bitmap_followsTheNextFitModelOfTheCReference() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NaiveFrameAllocator.REGISTRY.names().contains("bitmap"),
                "the bitmap allocator is not registered yet");
        FramesWorkload w = churned("bitmap", MEDIUM, 50_000);

        long[] model = nextFitModel(256, 4096, w.allocator().metadataFrames(), 50_000);

        assertThat(w.metadataFrames()).isEqualTo(1);
        assertThat(w.allocator().metadataFrames()).containsExactly(new FrameRange(256, 257));
        assertThat(model).hasSize(w.liveFrames());
        for (int i = 0; i < model.length; i++) {
            assertThat(w.live(i)).as("live[%d]", i).isEqualTo(model[i]);
        }
    }

    @Test
    void churn_allocatorThatCannotFree_refused() {
        FramesWorkload w = new FramesWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NO_FREE_NAME, SMALL);
        w.fill();

        assertThatThrownBy(() -> w.churn(1)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot free");
    }

    @Test
    void churn_beforeFill_refused() {
        FramesWorkload w = new FramesWorkload(NaiveFrameAllocator.REGISTRY, NaiveFrameAllocator.NAME, SMALL);

        assertThatThrownBy(() -> w.churn(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("fill first");
    }

    @Test
    void constructor_unknownAllocator_namesTheKnownOnes() {
        assertThatThrownBy(() -> new FramesWorkload(NaiveFrameAllocator.REGISTRY, "slab", SMALL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'slab'").hasMessageContaining(NaiveFrameAllocator.NAME);
    }

    private static FramesWorkload churned(String name, long memoryBytes, long steps) {
        FramesWorkload w = new FramesWorkload(NaiveFrameAllocator.REGISTRY, name, memoryBytes);
        w.fill();
        w.churn(steps);
        return w;
    }

    /**
     * The workload on a next-fit model written from the definition alone: a boolean a frame,
     * search from the frame after the last one handed out, wrap once; frees do not move it.
     */
    static long[] nextFitModel(long startPfn, long endPfn, List<FrameRange> metadata, long steps) {
        boolean[] taken = new boolean[(int) endPfn];
        for (int pfn = 0; pfn < startPfn; pfn++) {
            taken[pfn] = true;
        }
        long free = endPfn - startPfn;
        for (FrameRange r : metadata) {
            for (long pfn = r.startPfn(); pfn < r.endPfn(); pfn++) {
                taken[(int) pfn] = true;
                free--;
            }
        }
        long[] next = {0};
        java.util.function.LongSupplier allocate = () -> {
            for (long i = 0; i < endPfn; i++) {
                int pfn = (int) ((next[0] + i) % endPfn);
                if (!taken[pfn]) {
                    taken[pfn] = true;
                    next[0] = (pfn + 1) % endPfn;
                    return pfn;
                }
            }
            return FrameAllocator.NO_FRAME;
        };
        long[] live = new long[(int) (free / 2)];
        for (int i = 0; i < live.length; i++) {
            live[i] = allocate.getAsLong();
        }
        Xorshift64Star rng = new Xorshift64Star(FramesWorkload.SEED);
        for (long s = 0; s < steps; s++) {
            int r = rng.nextBelow(live.length);
            taken[(int) live[r]] = false;
            live[r] = allocate.getAsLong();
        }
        return live;
    }
}
