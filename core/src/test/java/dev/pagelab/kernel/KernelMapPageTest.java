package dev.pagelab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.vmm.KernelMemory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernel's mapPage leaves the kernel heap area to its page-range allocator: a page the pages
 * bitmap shows free is refused (a later kmmap would find it mapped), a page of a kmmapped block
 * is its owner's to map, and every other page maps as before.
 */
class KernelMapPageTest {
    private static final long AREA = KernelLayout.KERNEL_HEAP_START;

    private static Kernel kernel(TableAccessStrategy strategy) {
        return Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy));
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_freePageOfTheKernelHeapArea_isRefusedAndTheNextKmmapMapsIt(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);
        long free = k.allocator().freeFrames();

        assertThatThrownBy(() -> k.mapPage(AREA, pfn, Pte.WRITABLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("mapPage: 0xC1000000 is in the kernel heap area [0xC1000000, 0xF8000000)",
                        "the bitmap shows this page free (00)");

        assertThat(k.space().getFrameAddr(AREA)).isEqualTo(AddressSpace.NOT_MAPPED);
        assertThat(k.allocator().freeFrames()).as("no page table was made").isEqualTo(free);
        long vaddr = k.vm().kmmap(Addresses.PAGE_BYTES);
        assertThat(vaddr).isEqualTo(AREA);
        assertThat(k.space().getFrameAddr(vaddr)).isNotEqualTo(Addresses.pfnToPaddr(pfn));
        k.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_pageAfterTheLastBlock_isRefused(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long block = k.vm().kmmap(2 * Addresses.PAGE_BYTES);
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);

        assertThatThrownBy(() -> k.mapPage(block + 2 * Addresses.PAGE_BYTES, pfn, Pte.WRITABLE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("mapPage: 0xC1002000 is in the"
                        + " kernel heap area");
        assertThatThrownBy(() -> k.mapPage(KernelLayout.KERNEL_DATA_START - Addresses.PAGE_BYTES, pfn, Pte.WRITABLE))
                .as("the area's last page").isInstanceOf(IllegalArgumentException.class);
        assertThat(k.vm().kmmap(Addresses.PAGE_BYTES)).isEqualTo(block + 2 * Addresses.PAGE_BYTES);
        k.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_unmappedPageOfAKmmappedBlock_isMappedAndKunmapFreesItsFrame(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long block = k.vm().kmmap(2 * Addresses.PAGE_BYTES);
        long second = block + Addresses.PAGE_BYTES;
        long old = ((UnmapResult.Unmapped) k.space().unmapPage(second)).pfn();
        k.freeFrame(old);
        long pfn = k.frames().allocate(FrameOwner.KERNEL_DATA);

        MapResult result = k.mapPage(second, pfn, Pte.WRITABLE);

        assertThat(result.mapped()).isTrue();
        assertThat(k.space().getFrameAddr(second)).isEqualTo(Addresses.pfnToPaddr(pfn));
        assertThat(k.vm().kunmap(block)).isEqualTo(2);
        assertThat(k.allocator().isAllocated(pfn)).as("kunmap freed the frame mapped by hand").isFalse();
        k.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_outsideTheKernelHeapArea_mapsAsTheAddressSpaceDoes(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);

        assertThat(k.mapPage(0x0040_0000L, pfn, Pte.WRITABLE | Pte.USER).mapped()).isTrue();
        assertThat(k.mapPage(0x0040_0000L, pfn, Pte.WRITABLE)).isInstanceOf(MapResult.AlreadyMapped.class);
        assertThat(k.vm().kmmap(Addresses.PAGE_BYTES)).isNotEqualTo(KernelMemory.FAILED);
        k.checkInvariants();
    }
}
