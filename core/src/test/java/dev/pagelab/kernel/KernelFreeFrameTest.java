package dev.pagelab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.AddressSpaces;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocatorException;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel's freeFrame refuses a frame the paging structures still use, and the invariant
 * checks catch one that was freed or mapped behind the kernel's back.
 */
class KernelFreeFrameTest {
    private static final long VADDR = 0x0040_0000L;

    static Stream<Arguments> kernels() {
        List<Arguments> out = new ArrayList<>();
        for (String allocator : List.of("bitmap", "free-list", "buddy", "bump")) {
            for (TableAccessStrategy strategy : TableAccessStrategy.values()) {
                for (boolean large : new boolean[] {false, true}) {
                    out.add(Arguments.of(allocator, strategy, large));
                }
            }
        }
        return out.stream();
    }

    private static Kernel kernel(String allocator, TableAccessStrategy strategy, boolean large) {
        return Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withAllocator(allocator).withTableAccess(strategy)
                .withLargePages(large));
    }

    /** What freeing could change: counts, owners, the allocator's own view. */
    private record State(long free, Map<FrameOwner, Long> owners, List<String> allocator) {
        static State of(Kernel k) {
            return new State(k.allocator().freeFrames(), k.accounting().counts(), k.allocator().describe());
        }
    }

    private static void assertRefused(Kernel k, long pfn, String... message) {
        State before = State.of(k);
        assertThatThrownBy(() -> k.freeFrame(pfn)).isInstanceOf(FrameAllocatorException.class)
                .hasMessageContainingAll(message);
        assertThat(State.of(k)).isEqualTo(before);
        k.checkInvariants();
    }

    @ParameterizedTest(name = "{0}, {1}, large pages {2}")
    @MethodSource("kernels")
    void freeFrame_liveDirectory_isRefusedAndChangesNothing(String allocator, TableAccessStrategy strategy,
                                                            boolean large) {
        Kernel k = kernel(allocator, strategy, large);
        long directory = Addresses.paddrToPfn(k.mmu().cr3());

        assertRefused(k, directory, "freeFrame: frame " + Addresses.hex(directory) + " is the live page directory",
                "CR3=" + Addresses.hex(k.mmu().cr3()));
        assertThat(k.allocator().allocate()).as("the next allocation is not the directory").isNotEqualTo(directory);
    }

    @ParameterizedTest(name = "{0}, {1}, large pages {2}")
    @MethodSource("kernels")
    void freeFrame_framesOfAnotherAddressSpace_areRefused(String allocator, TableAccessStrategy strategy, boolean large) {
        Kernel k = kernel(allocator, strategy, large);
        AddressSpace other = ((AddressSpaces.CreateResult.Created) k.spaces().create()).space();
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);
        assertThat(other.mapPage(VADDR, pfn, Pte.WRITABLE | Pte.USER).mapped()).isTrue();
        long table = Pde.tablePfn(k.memory().read32(other.directoryPaddr() + 4L * Addresses.directoryIndex(VADDR)));
        String whose = "in the address space of directory " + Addresses.hex(other.directoryPaddr());

        assertRefused(k, other.directoryPfn(), "freeFrame: frame " + Addresses.hex(other.directoryPfn())
                + " is the page directory of a live address space");
        assertRefused(k, pfn, "is still mapped at 0x00400000 " + whose);
        assertRefused(k, table, "is the page table of PDE 1 (0x00400000-0x007FFFFF) " + whose);
        assertThat(k.space().mappingOf(pfn)).as("the kernel's own space does not map it").isEqualTo(AddressSpace.NOT_MAPPED);
    }

    @ParameterizedTest(name = "{0}, {1}, large pages {2}")
    @MethodSource("kernels")
    void freeFrame_pageTableOrStillMappedFrame_isRefused_thenFreedOnceUnmapped(String allocator,
                                                                             TableAccessStrategy strategy,
                                                                             boolean large) {
        Kernel k = kernel(allocator, strategy, large);
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);
        assertThat(k.space().mapPage(VADDR, pfn, Pte.WRITABLE).mapped()).isTrue();
        long table = Pde.tablePfn(k.memory().read32(k.space().directoryPaddr() + 4L * Addresses.directoryIndex(VADDR)));

        assertRefused(k, pfn, "freeFrame: frame " + Addresses.hex(pfn) + " is still mapped at 0x00400000",
                "unmapPage it first");
        assertRefused(k, table, "is the page table of PDE 1 (0x00400000-0x007FFFFF)");

        k.space().unmapPage(VADDR);
        assertThat(k.freeFrame(pfn)).isEqualTo(k.allocator().canFree());
        assertThat(k.accounting().ownerOf(pfn)).isEqualTo(k.allocator().canFree() ? FrameOwner.FREE
                : FrameOwner.ALLOCATED);
        k.checkInvariants();
    }

    @Test
    void freeFrame_frameSeenOnlyThroughTheDirectMap_isFreed() {
        Kernel k = kernel("bitmap", TableAccessStrategy.DIRECT_MAP, false);
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);
        assertThat(pfn).as("inside the 16 MiB the direct map covers").isLessThan(0x1000);

        assertThat(k.freeFrame(pfn)).isTrue();
        k.checkInvariants();
    }

    @Test
    void checkInvariants_pteMappingAFreeFrame_fails() {
        Kernel k = kernel("bitmap", TableAccessStrategy.TEMPORARY_MAPPING, false);
        long pfn = k.frames().allocate(FrameOwner.ALLOCATED);
        k.space().mapPage(VADDR, pfn, Pte.WRITABLE);

        k.frames().free(pfn); // behind freeFrame's back: the page still maps it

        assertThatThrownBy(k::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContainingAll("PTE 0 of PDE 1 maps 0x00400000 to frame " + Addresses.hex(pfn),
                        "accounted as free", "must be held");
    }

    @Test
    void checkInvariants_directoryFreedBehindTheKernelsBack_fails() {
        Kernel k = kernel("buddy", TableAccessStrategy.RECURSIVE, true);
        long directory = Addresses.paddrToPfn(k.mmu().cr3());

        k.frames().free(directory);

        assertThatThrownBy(k::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContainingAll("the page directory (CR3)", "accounted as free", "not allocated");
    }

    @Test
    void checkInvariants_cr3NotTheKernelsDirectory_fails() {
        Kernel k = kernel("bitmap", TableAccessStrategy.RECURSIVE, false);
        long other = k.frames().allocate(FrameOwner.PAGE_TABLE);

        k.mmu().setCr3(Addresses.pfnToPaddr(other));

        assertThatThrownBy(k::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContaining("but the kernel's page directory is at " + Addresses.hex(k.space().directoryPaddr()));
    }

    @Test
    void checkInvariants_tableAccountedAsSomethingElse_fails() {
        Kernel k = kernel("bitmap", TableAccessStrategy.TEMPORARY_MAPPING, false);
        long table = Pde.tablePfn(k.memory().read32(k.space().directoryPaddr() + 4L * KernelLayout.KERNEL_PDE));

        k.accounting().record(table, 1, FrameOwner.HEAP);

        assertThatThrownBy(k::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContainingAll("page table frame " + Addresses.hex(table) + " of PDE 768", "accounted as heap");
    }
}
