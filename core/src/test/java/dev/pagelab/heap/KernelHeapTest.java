package dev.pagelab.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** K&R's malloc and free on the booted kernel, checked against the book's rules and the bytes in memory. */
class KernelHeapTest {
    private static final long CHUNK = KernelLayout.KERNEL_HEAP_START;

    private Kernel kernel;
    private KernelHeap heap;

    @BeforeEach
    void boot() {
        kernel = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT);
        heap = kernel.heap();
    }

    private int word(long vaddr) {
        return kernel.mmu().read32(vaddr);
    }

    @Test
    void kmalloc_first_morecoreOfFourPagesBaseFirstAndTheTailHandedOut() {
        long free = kernel.allocator().freeFrames();

        long p = heap.kmalloc(100);

        // 100 bytes = 13 units of data + 1 of header = 14 units; the chunk is 4 pages = 2048 units,
        // base takes the first, the free block the other 2047 and gives away its last 14.
        assertThat(p).isEqualTo(CHUNK + 4 * 4096 - 14 * 8 + 8);
        assertThat(word(CHUNK)).as("base.next").isEqualTo((int) (CHUNK + 8));
        assertThat(word(CHUNK + 4)).as("base.size").isZero();
        assertThat(word(CHUNK + 8)).as("free.next = base").isEqualTo((int) CHUNK);
        assertThat(word(CHUNK + 12)).as("free.size").isEqualTo(2047 - 14);
        assertThat(word(p - 8)).as("allocated tag: 100 << 3 | 7").isEqualTo(100 << 3 | 7);
        assertThat(word(p - 4)).isEqualTo(14);
        assertThat(kernel.accounting().ownerOf(kernel.space().getFrameAddr(p) >>> 12)).isEqualTo(FrameOwner.HEAP);
        assertThat(free - kernel.allocator().freeFrames()).as("4 pages and a page table").isEqualTo(5);
        HeapStats s = heap.stats();
        assertThat(s.requestedBytes()).isEqualTo(100);
        assertThat(s.allocatedBytes()).isEqualTo(112);
        assertThat(s.headerBytes()).isEqualTo(8);
        assertThat(s.freeBytes()).isEqualTo((2047 - 14) * 8L);
        assertThat(s.framesHeld()).isEqualTo(4);
        assertThat(s.chunks()).isEqualTo(1);
    }

    @Test
    void kmalloc_sizes_roundedToWholeUnitsAndEightAligned() {
        for (long bytes : new long[] {1, 7, 8, 9, 15, 16, 17, 4096}) {
            long p = heap.kmalloc(bytes);
            assertThat(p % 8).isZero();
            assertThat(word(p - 4)).as("%d bytes", bytes).isEqualTo((int) ((bytes + 7) / 8 + 1));
        }
        assertThat(heap.kmalloc(0)).isEqualTo(KernelHeap.NULL);
        assertThatThrownBy(() -> heap.kmalloc(-1)).hasMessageContaining("-1 bytes is negative");
    }

    @Test
    void kfree_middleOfThree_thenNeighbours_coalescesBothWays() {
        long a = heap.kmalloc(64);
        long b = heap.kmalloc(64);
        long c = heap.kmalloc(64);
        // Handed out from the tail: c < b < a, 9 units each.
        assertThat(b).isEqualTo(a - 72);
        assertThat(c).isEqualTo(b - 72);
        long freeBlocksBefore = heap.stats().freeBlocks();

        heap.kfree(b);
        assertThat(heap.stats().freeBlocks()).isEqualTo(freeBlocksBefore + 1);
        heap.kfree(a); // merges into b's block
        assertThat(heap.stats().freeBlocks()).isEqualTo(freeBlocksBefore + 1);
        assertThat(word(b - 4)).isEqualTo(18);
        heap.kfree(c); // c touches the big free block before it and b after it: all one block
        assertThat(heap.stats().freeBlocks()).isEqualTo(1);
        assertThat(heap.stats().freeBytes()).isEqualTo(2047 * 8L);
        heap.checkInvariants();
    }

    @Test
    void kfree_everything_keepsOnlyTheFirstChunksFramesAndGivesOtherChunksBack() {
        long free = kernel.allocator().freeFrames();
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            blocks.add(heap.kmalloc(1000)); // 200 x 1 KiB: several chunks
        }
        long firstChunkFrames = 4;
        assertThat(heap.stats().chunks()).isGreaterThan(1);
        for (long p : blocks) {
            heap.kfree(p);
        }
        HeapStats s = heap.stats();
        assertThat(s.chunks()).isEqualTo(1);
        assertThat(s.framesHeld()).isLessThanOrEqualTo(firstChunkFrames);
        assertThat(s.liveBlocks()).isZero();
        assertThat(s.requestedBytes()).isZero();
        // The heap area's page table stays (the first chunk is in it): 4 frames + 1 table in all.
        assertThat(free - kernel.allocator().freeFrames()).isEqualTo(s.framesHeld() + 1);
        kernel.checkInvariants();
    }

    @Test
    void kfree_largeBlock_interiorPagesUnmappedAndMappedAgainOnReuse() {
        heap.kmalloc(16); // the first chunk, which holds base
        long big = heap.kmalloc(10 * 4096); // a chunk of 11 pages of its own, handed out from its tail
        heap.kmalloc(16); // from the rest of that chunk, just below big: the chunk never becomes all free
        long chunks = heap.stats().chunks();
        long frames = heap.stats().framesHeld();

        heap.kfree(big);

        assertThat(heap.stats().chunks()).as("the chunk stays: only pages inside the block go").isEqualTo(chunks);
        long released = frames - heap.stats().framesHeld();
        assertThat(released).isGreaterThanOrEqualTo(9);
        assertThat(kernel.space().getFrameAddr(Addresses.alignUp(big) + 4096)).isEqualTo(AddressSpace.NOT_MAPPED);
        long again = heap.kmalloc(10 * 4096);
        assertThat(again).isNotEqualTo(KernelHeap.NULL);
        kernel.mmu().write32(again + 5 * 4096, 42);
        assertThat(kernel.mmu().read32(again + 5 * 4096)).isEqualTo(42);
        heap.checkInvariants();
    }

    @Test
    void kfree_misuse_eachRefusedNamingThePointerAndNothingChanges() {
        long a = heap.kmalloc(100);
        long b = heap.kmalloc(200);
        long c = heap.kmalloc(300);
        long d = heap.kmalloc(400);
        heap.kfree(b); // between two live blocks (a above, c below): stays a block of its own
        heap.kfree(d); // merges with the free space below it
        String blocks = heap.blocks().toString();
        HeapStats stats = heap.stats();
        byte[] chunk = new byte[4 * 4096];
        kernel.mmu().readBytes(CHUNK, chunk, 0, chunk.length);

        assertThatThrownBy(() -> heap.kfree(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kfree: " + Addresses.hex(b) + " is not a live block: it is free");
        assertThatThrownBy(() -> heap.kfree(d)).hasMessageContaining("is not the start of a block")
                .hasMessageContaining("inside the free block").hasMessageContaining("freed already, and merged?");
        assertThatThrownBy(() -> heap.kfree(a + 16)).hasMessageContaining("is not the start of a block")
                .hasMessageContaining("inside the live block whose header is at " + Addresses.hex(a - 8));
        assertThatThrownBy(() -> heap.kfree(a + 3)).hasMessageContaining("not 8-aligned");
        assertThatThrownBy(() -> heap.kfree(0xC010_0000L)).hasMessageContaining("is not in the heap");
        assertThatThrownBy(() -> heap.krealloc(b, 10)).hasMessageContaining("krealloc: ");

        assertThat(heap.blocks()).hasToString(blocks);
        assertThat(heap.stats()).isEqualTo(stats);
        byte[] after = new byte[chunk.length];
        kernel.mmu().readBytes(CHUNK, after, 0, after.length);
        assertThat(after).isEqualTo(chunk);
        heap.kfree(KernelHeap.NULL); // C's free(NULL)
        heap.kfree(a);
        heap.kfree(c);
        heap.checkInvariants();
    }

    @Test
    void kmalloc_outOfFrames_nullAndNothingChanged() {
        long small = heap.kmalloc(16);
        while (kernel.frames().allocate(FrameOwner.ALLOCATED) >= 0) {
            // take every frame left
        }
        HeapStats stats = heap.stats();

        assertThat(heap.kmalloc(100 * 4096)).isEqualTo(KernelHeap.NULL);

        HeapStats after = heap.stats();
        assertThat(after.failedMallocs()).isEqualTo(stats.failedMallocs() + 1);
        assertThat(after.freeBytes()).isEqualTo(stats.freeBytes());
        assertThat(after.framesHeld()).isEqualTo(stats.framesHeld());
        assertThat(heap.kmalloc(16)).as("what the chunk still has").isNotEqualTo(KernelHeap.NULL);
        heap.kfree(small);
        heap.checkInvariants();
    }

    @Test
    void kcalloc_zeroesAndRefusesOverflow() {
        long p = heap.kmalloc(64);
        kernel.mmu().write32(p, -1);
        heap.kfree(p);
        long q = heap.kcalloc(16, 4);
        assertThat(q).isEqualTo(p);
        for (int i = 0; i < 64; i += 4) {
            assertThat(word(q + i)).isZero();
        }
        assertThat(heap.kcalloc(Long.MAX_VALUE, 2)).isEqualTo(KernelHeap.NULL);
    }

    @Test
    void krealloc_growShrinkMove_keepsTheContents() {
        long a = heap.kmalloc(64);
        long b = heap.kmalloc(64); // b is just below a
        kernel.mmu().writeBytes(b, "0123456789".getBytes(), 0, 10);
        heap.kfree(a);

        long grown = heap.krealloc(b, 120); // a's block is free right after b: in place
        assertThat(grown).isEqualTo(b);
        long shrunk = heap.krealloc(grown, 8);
        assertThat(shrunk).isEqualTo(b);
        assertThat(word(b - 4)).isEqualTo(2);
        long moved = heap.krealloc(shrunk, 3000);
        assertThat(moved).isNotEqualTo(b);
        byte[] seen = new byte[8];
        kernel.mmu().readBytes(moved, seen, 0, 8);
        assertThat(new String(seen)).isEqualTo("01234567");
        assertThat(heap.krealloc(moved, 0)).isEqualTo(KernelHeap.NULL);
        assertThat(heap.stats().liveBlocks()).isZero();
        heap.checkInvariants();
    }

    @Test
    void kmallocAligned_powersOfTwo_alignedAndFreeable() {
        for (long align : new long[] {16, 64, 256, 4096}) {
            long p = heap.kmallocAligned(100, align);
            assertThat(p % align).as("align %d", align).isZero();
            kernel.mmu().write32(p + 96, 7);
            heap.checkInvariants();
        }
        assertThatThrownBy(() -> heap.kmallocAligned(10, 12)).hasMessageContaining("not a power of two");
        for (var block : heap.blocks()) {
            if (!block.free()) {
                heap.kfree(block.vaddr());
            }
        }
        assertThat(heap.stats().liveBlocks()).isZero();
    }

    @Test
    void heapEvents_text_isTheTraceLineOfEachStep() {
        assertThat(List.of(
                new KernelEvent.HeapMorecore(0xC100_0000L, 4, true),
                new KernelEvent.HeapMorecore(0xC100_4000L, 5, false),
                new KernelEvent.HeapMorecoreFailed(4, "no free frame left"),
                new KernelEvent.HeapSplit(0xC100_0008L, 2033, 14),
                new KernelEvent.HeapMerged(0xC100_3F98L, 0xC100_0008L, true),
                new KernelEvent.HeapMerged(0xC100_0008L, 0xC100_0100L, false),
                new KernelEvent.HeapChunkReleased(0xC100_4000L, 5, 4),
                new KernelEvent.HeapPagesReleased(0xC100_4000L, 20480, 3),
                new KernelEvent.HeapPagesMappedAgain(0xC100_5000L, 2),
                new KernelEvent.HeapMapAgainFailed(0xC100_5000L),
                new KernelEvent.HeapResizedInPlace(0xC100_0010L, 64, 120),
                new KernelEvent.HeapMoved(0xC100_0010L, 0xC100_2000L, 8),
                new KernelEvent.HeapAligned(0xC100_1000L, 4096, 3))
                .stream().map(KernelEvent::text).toList()).containsExactly(
                "morecore: kmmap(4 pages) = 0xC1000000, the first chunk; base (the list head) at 0xC1000000",
                "morecore: kmmap(5 pages) = 0xC1004000",
                "morecore: kmmap(4 pages) failed: no free frame left",
                "split the free block at 0xC1000008: 2033 units stay free, the last 14 are handed out",
                "merged 0xC1003F98 into the free block before it at 0xC1000008",
                "merged 0xC1000008 with the free block after it at 0xC1000100",
                "chunk 0xC1004000 (5 pages) is all free: kunmap, 4 frame(s) back to the allocator",
                "free block 0xC1004000 spans 20480 bytes: 3 whole page(s) inside it unmapped, frames back to the allocator",
                "mapped 2 page(s) again from 0xC1005000",
                "no frame to map 0xC1005000 again: kmalloc fails",
                "krealloc 0xC1000010: 64 -> 120 bytes in place",
                "krealloc 0xC1000010: moved to 0xC1002000, 8 bytes copied",
                "kmallocAligned: 0xC1001000 aligned to 4096, 3 units in front given back");
    }

    @Test
    void heapEvents_kmallocKreallocKfree_reportEveryBlockAndStepInOrder() {
        List<KernelEvent> seen = new ArrayList<>();
        kernel.events().listen(seen::add);

        long p = heap.kmalloc(100);
        long q = heap.kmalloc(100);
        long moved = heap.krealloc(q, 3000);
        heap.kfree(p);

        List<KernelEvent> heapEvents = seen.stream().filter(e -> e instanceof KernelEvent.HeapEvent).toList();
        assertThat(heapEvents).containsExactly(
                new KernelEvent.HeapMorecore(CHUNK, 4, true),
                new KernelEvent.HeapSplit(CHUNK + 8, 2047 - 14, 14),
                new KernelEvent.HeapBlockAllocated(p, 100),
                new KernelEvent.HeapSplit(CHUNK + 8, 2047 - 28, 14),
                new KernelEvent.HeapBlockAllocated(q, 100),
                // 3000 bytes: 375 units and a header, cut from the end of the free block, right below q.
                new KernelEvent.HeapSplit(CHUNK + 8, 2047 - 28 - 376, 376),
                // q's block is free again and touches neither free neighbour (p is live, the new block is below).
                new KernelEvent.HeapMoved(q, moved, 100),
                new KernelEvent.HeapBlockFreed(q, 100),
                new KernelEvent.HeapBlockAllocated(moved, 3000),
                // p's block, just above q's, merges into it.
                new KernelEvent.HeapMerged(p - 8, q - 8, true),
                new KernelEvent.HeapBlockFreed(p, 100));
        assertThat(moved).isEqualTo(q - 8 - 376 * 8 + 8);
        assertThat(seen).as("the heap's frames come through the kernel's events too")
                .anyMatch(e -> e instanceof KernelEvent.FrameTaken t && t.owner() == FrameOwner.HEAP);
        heap.checkInvariants();
    }
}
