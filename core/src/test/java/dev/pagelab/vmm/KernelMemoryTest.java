package dev.pagelab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** kmmap and kunmap on a booted kernel. */
class KernelMemoryTest {

    private static Kernel kernel(TableAccessStrategy strategy) {
        return Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy));
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void kmmap_threePagesAndABit_fourPagesMappedWritableAtHeapStart(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long free = k.allocator().freeFrames();

        long vaddr = k.vm().kmmap(3 * 4096 + 1);

        assertThat(vaddr).isEqualTo(KernelLayout.KERNEL_HEAP_START);
        assertThat(k.vm().kernelPages().blocks()).containsExactly(new PageRangeAllocator.Block(vaddr, 4));
        for (int i = 0; i < 4; i++) {
            long page = vaddr + i * 4096L;
            long paddr = k.space().getFrameAddr(page);
            assertThat(paddr).isNotEqualTo(AddressSpace.NOT_MAPPED);
            assertThat(k.accounting().ownerOf(Addresses.paddrToPfn(paddr))).isEqualTo(FrameOwner.KERNEL_DATA);
            k.mmu().write32(page + 4092, i);
            assertThat(k.memory().read32(paddr + 4092)).isEqualTo(i);
            assertThat(k.mmu().probe(page, false, 3).translates()).as("supervisor only").isFalse();
        }
        // Four data frames and one page table for PDE 772.
        assertThat(free - k.allocator().freeFrames()).isEqualTo(5);
        k.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void kunmap_afterKmmap_everythingBackAndPagesFault(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long free = k.allocator().freeFrames();
        long vaddr = k.vm().kmmap(10_000);
        k.mmu().read32(vaddr); // cached

        assertThat(k.vm().kunmap(vaddr)).isEqualTo(3);

        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        assertThat(k.vm().kernelPages().usedPageCount()).isZero();
        assertThat(k.mmu().translate(vaddr, false)).isEqualTo(Mmu.FAULT);
        assertThat(k.frames().held(FrameOwner.KERNEL_DATA)).as("only the bitmaps' frames").isEqualTo(
                (PageRangeAllocator.bitmapBytes(k.vm().kernelPages().pages()) + 4095) / 4096
                        + (PageRangeAllocator.bitmapBytes(k.vm().userPages().pages()) + 4095) / 4096);
        k.checkInvariants();
    }

    @Test
    void kmmap_outOfFramesHalfWay_undoneCompletely() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        long first = k.vm().kmmap(4096); // the heap area's page table exists from now on
        List<Long> taken = new ArrayList<>();
        while (k.allocator().freeFrames() > 5) {
            taken.add(k.frames().allocate(FrameOwner.ALLOCATED));
        }
        long free = k.allocator().freeFrames();
        byte[] directory = k.memory().readBytes(k.space().directoryPaddr(), 4096);
        String bitmap = k.vm().kernelPages().render(KernelLayout.KERNEL_HEAP_START, 16);

        assertThat(k.vm().kmmap(8 * 4096)).isEqualTo(KernelMemory.FAILED);

        assertThat(k.vm().lastFailure()).isEqualTo(KernelMemory.Failure.OUT_OF_FRAMES);
        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        assertThat(k.memory().readBytes(k.space().directoryPaddr(), 4096)).isEqualTo(directory);
        assertThat(k.vm().kernelPages().render(KernelLayout.KERNEL_HEAP_START, 16)).isEqualTo(bitmap);
        assertThat(k.space().getFrameAddr(first + 4096)).isEqualTo(AddressSpace.NOT_MAPPED);
        k.checkInvariants();
        // Exactly five pages still fit.
        assertThat(k.vm().kmmap(5 * 4096)).isEqualTo(first + 4096);
    }

    @Test
    void kmmap_outOfFramesForANewPageTable_undone() {
        Kernel k = kernel(TableAccessStrategy.RECURSIVE);
        // Fill the first 4 MiB of the heap area so that the next kmmap needs a new page table.
        long vaddr = k.vm().kernelPages().allocPages(1024);
        assertThat(vaddr).isEqualTo(KernelLayout.KERNEL_HEAP_START);
        while (k.allocator().freeFrames() > 1) {
            k.frames().allocate(FrameOwner.ALLOCATED);
        }
        long tables = k.space().pageTables();

        assertThat(k.vm().kmmap(4096)).isEqualTo(KernelMemory.FAILED);

        assertThat(k.allocator().freeFrames()).isEqualTo(1);
        assertThat(k.space().pageTables()).isEqualTo(tables);
        k.checkInvariants();
    }

    @Test
    void kmmap_noRunOfVirtualPages_failsWithReason() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        long pages = k.vm().kernelPages().pages();
        assertThat(k.vm().kernelPages().allocPages(pages - 1)).isNotEqualTo(PageRangeAllocator.NO_PAGES);

        assertThat(k.vm().kmmap(2 * 4096)).isEqualTo(KernelMemory.FAILED);
        assertThat(k.vm().lastFailure()).isEqualTo(KernelMemory.Failure.OUT_OF_VIRTUAL_PAGES);
    }

    @Test
    void kunmap_notTheStartOfABlock_rejectedAndNothingChanged() {
        Kernel k = kernel(TableAccessStrategy.DIRECT_MAP);
        long vaddr = k.vm().kmmap(3 * 4096);
        long free = k.allocator().freeFrames();

        assertThatThrownBy(() -> k.vm().kunmap(vaddr + 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Addresses.hex(vaddr + 4096));
        assertThatThrownBy(() -> k.vm().kunmap(0x1000)).hasMessageContaining("outside the kernel heap area");
        assertThat(k.vm().kunmap(vaddr)).isEqualTo(3);
        assertThatThrownBy(() -> k.vm().kunmap(vaddr)).as("twice").isInstanceOf(IllegalArgumentException.class);
        assertThat(k.allocator().freeFrames()).isEqualTo(free + 4);
    }

    @Test
    void kmmap_bumpAllocator_framesNeverComeBackButNothingBreaks() {
        Kernel k = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withAllocator("bump"));
        long vaddr = k.vm().kmmap(2 * 4096);
        long free = k.allocator().freeFrames();

        assertThat(k.vm().kunmap(vaddr)).isEqualTo(2);

        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        assertThat(k.mmu().translate(vaddr, false)).isEqualTo(Mmu.FAULT);
        assertThat(k.vm().kmmap(4096)).isNotEqualTo(FrameAllocator.NO_FRAME);
        k.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void release_pagesOfABlock_framesBackVirtualPagesKeptAndRepopulateMapsThemAgain(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long vaddr = k.vm().kmmap(4 * 4096);
        long free = k.allocator().freeFrames();

        assertThat(k.vm().release(vaddr + 4096, 2)).isEqualTo(2);
        assertThat(k.vm().release(vaddr + 4096, 3)).as("released already: only the last page").isEqualTo(1);

        assertThat(k.allocator().freeFrames()).isEqualTo(free + 3);
        assertThat(k.vm().mappedPages(vaddr, 4)).isEqualTo(1);
        assertThat(k.vm().isMapped(vaddr)).isTrue();
        assertThat(k.vm().isMapped(vaddr + 4096)).isFalse();
        assertThat(k.vm().kernelPages().blocks()).as("the block stays").containsExactly(
                new PageRangeAllocator.Block(vaddr, 4));

        KernelMemory.Repopulated again = k.vm().repopulate(vaddr, 4, FrameOwner.HEAP);

        assertThat(again).isEqualTo(new KernelMemory.Repopulated.Done(vaddr + 4096, 3));
        assertThat(k.vm().mappedPages(vaddr, 4)).isEqualTo(4);
        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        long paddr = k.space().getFrameAddr(vaddr + 2 * 4096);
        assertThat(k.accounting().ownerOf(Addresses.paddrToPfn(paddr))).isEqualTo(FrameOwner.HEAP);
        assertThat(k.vm().repopulate(vaddr, 4, FrameOwner.HEAP)).as("nothing to do")
                .isEqualTo(new KernelMemory.Repopulated.Done(-1, 0));
        assertThat(k.vm().kunmap(vaddr)).isEqualTo(4);
        k.checkInvariants();
    }

    @Test
    void repopulate_outOfFrames_theFailingPageNamedAndNothingChanged() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        long vaddr = k.vm().kmmap(4 * 4096);
        k.vm().release(vaddr, 4);
        k.vm().repopulate(vaddr + 4096, 1, FrameOwner.HEAP); // page 1 mapped, 0, 2 and 3 not
        while (k.allocator().freeFrames() > 2) {
            k.frames().allocate(FrameOwner.ALLOCATED);
        }
        long free = k.allocator().freeFrames();

        KernelMemory.Repopulated result = k.vm().repopulate(vaddr, 4, FrameOwner.HEAP);

        assertThat(result).isEqualTo(new KernelMemory.Repopulated.OutOfFrames(vaddr + 3 * 4096));
        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        assertThat(k.vm().isMapped(vaddr)).isFalse();
        assertThat(k.vm().isMapped(vaddr + 4096)).as("mapped before the call, so kept").isTrue();
        assertThat(k.vm().isMapped(vaddr + 2 * 4096)).isFalse();
        k.checkInvariants();
    }

    @Test
    void releaseAndRepopulate_outsideTheKernelHeapArea_refusedAndNothingChanged() {
        Kernel k = kernel(TableAccessStrategy.RECURSIVE);
        long vaddr = k.vm().kmmap(4096);
        long free = k.allocator().freeFrames();

        assertThatThrownBy(() -> k.vm().release(0x0040_0000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("release: 1 pages from 0x00400000 are not page-aligned pages of the kernel heap area"
                        + " [0xC1000000, 0xF8000000)");
        assertThatThrownBy(() -> k.vm().repopulate(vaddr + 1, 1, FrameOwner.HEAP))
                .hasMessageStartingWith("repopulate: 1 pages from 0xC1000001 are not page-aligned");
        assertThatThrownBy(() -> k.vm().release(KernelLayout.KERNEL_DATA_START - 4096, 2))
                .hasMessageContaining("not page-aligned pages of the kernel heap area");
        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        assertThat(k.vm().isMapped(vaddr)).isTrue();
    }

    @Test
    void kunmap_aBlockKmmappedForTheHeap_refusedUnlessTheHeapAsks() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        long vaddr = k.vm().kmmap(2 * 4096, FrameOwner.HEAP);
        long free = k.allocator().freeFrames();

        assertThatThrownBy(() -> k.vm().kunmap(vaddr)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kunmap: the block at 0xC1000000 was kmmapped for the heap, not as kernel data: only its"
                        + " owner gives it back (a stale address, used after its block was freed?)");
        assertThat(k.allocator().freeFrames()).isEqualTo(free);
        assertThat(k.vm().kunmap(vaddr, FrameOwner.HEAP)).isEqualTo(2);
        assertThatThrownBy(() -> k.vm().kunmap(vaddr, FrameOwner.HEAP)).as("twice")
                .hasMessageContaining("is not allocated");
        k.checkInvariants();
    }
}
