package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.vmm.KernelMemory;
import org.junit.jupiter.api.Test;

class HeapBenchTest {
    @Test
    void measure_fillThatRunsOutOfMemory_countsItsNullsApartFromTheTimedSteps() {
        HeapBench.Settings settings = new HeapBench.Settings("qemu-pc-16M", "bitmap", 256, 2_000, 0);
        HeapWorkload workload = new HeapWorkload(settings.machine(), settings.allocator(), settings.slots());
        // Take nearly every frame, so that the fill's kmallocs soon find no memory.
        KernelMemory vm = workload.kernel().vm();
        while (vm.kmmap(64 << 10) != KernelMemory.FAILED) {
            // holding 16 pages a call
        }
        while (vm.kmmap(4 << 10) != KernelMemory.FAILED) {
            // and the last single pages but a few
        }

        HeapBench.Result r = HeapBench.measure(settings, workload, line -> { });

        assertThat(r.fillFailed()).as("the untimed fill's NULLs").isPositive();
        assertThat(r.mallocs() + r.frees() + r.failed()).as("every timed step is one kmalloc, kfree or NULL")
                .isEqualTo(2_000);
    }

    @Test
    void run_roomyHeap_hasNoNulls() {
        HeapBench.Result r = HeapBench.run(new HeapBench.Settings(HeapWorkload.DEFAULT_MACHINE, "bitmap", 256, 1_000, 0),
                line -> { });

        assertThat(r.fillFailed()).isZero();
        assertThat(r.failed()).isZero();
        assertThat(r.mallocs() + r.frees()).isEqualTo(1_000);
    }
}
