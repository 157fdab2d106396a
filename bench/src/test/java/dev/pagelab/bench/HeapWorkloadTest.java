package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heap workload does what its comment says; speed is never asserted. */
class HeapWorkloadTest {
    @Test
    void size_logUniform_everyOctaveFromEightBytesToFourKiB() {
        HeapWorkload w = new HeapWorkload("qemu-pc-16M", "bitmap", 16);
        Map<Integer, Integer> octaves = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            int size = w.size();
            assertThat(size).isBetween(HeapWorkload.MIN_BYTES, HeapWorkload.MAX_BYTES - 1);
            octaves.merge(31 - Integer.numberOfLeadingZeros(size), 1, Integer::sum);
        }
        // Octaves [8, 16) .. [2048, 4096): floor(log2) 3..11, each about a ninth of 100,000.
        assertThat(octaves.keySet()).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8, 9, 10, 11);
        for (int octave = 3; octave <= 11; octave++) {
            assertThat(octaves.get(octave)).as("octave %d", octave).isBetween(10_300, 11_900);
        }
    }

    @Test
    void run_stepsKeepAboutHalfLiveAndGiveEverythingBack() {
        HeapWorkload w = new HeapWorkload("qemu-pc-16M", "bitmap", 512);
        long freeAtBoot = w.kernel().allocator().freeFrames();
        assertThat(w.fill()).isEqualTo(256);
        w.run(20_000);
        assertThat(w.liveBlocks()).isBetween(200L, 312L);
        assertThat(w.failed()).isZero();
        assertThat(w.mallocs() + w.frees()).isEqualTo(20_000 + 256);
        w.kernel().checkInvariants();
        w.freeAll();
        assertThat(w.stats().liveBlocks()).isZero();
        // The heap keeps its first chunk (4 frames) and the heap area's page table.
        assertThat(freeAtBoot - w.kernel().allocator().freeFrames()).isLessThanOrEqualTo(5);
    }

    @Test
    void heapBench_smallRun_reportsAConsistentResult() {
        HeapBench.Result r = HeapBench.run(new HeapBench.Settings("qemu-pc-16M", "buddy", 64, 1000, 100), line -> { });
        assertThat(r.mallocs() + r.frees()).isEqualTo(1000);
        assertThat(r.nanos()).isPositive();
        assertThat(r.end().liveBlocks()).isEqualTo(r.live());
        assertThat(r.end().fragmentation()).isBetween(0.0, 1.0);
        assertThat(r.checksOn()).isTrue(); // the test build runs with checks on
    }
}
