package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.Tlb;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many directories: create, switch, destroy; what is private to one and what all share; under each strategy. */
class AddressSpacesTest {
    private static final long HEAP = KernelLayout.KERNEL_HEAP_START;
    private static final long USER = 0x0040_0000L;
    private static final int HEAP_PDE = Addresses.directoryIndex(HEAP);

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void create_newDirectory_copiesKernelHalfAndOwnPrivateEntries(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        AddressSpace kernel = f.space();

        AddressSpace b = f.newSpace();

        assertThat(b.directoryPfn()).isNotEqualTo(kernel.directoryPfn());
        assertThat(f.frames().accounting().ownerOf(b.directoryPfn())).isEqualTo(FrameOwner.PAGE_TABLE);
        assertThat(f.spaces().all()).containsExactly(kernel, b);
        for (int pdi = 0; pdi < KernelLayout.KERNEL_PDE; pdi++) {
            assertThat(f.pde(b, pdi)).as("user PDE %d", pdi).isZero();
        }
        for (int pdi = KernelLayout.KERNEL_PDE; pdi < 1024; pdi++) {
            int expected = f.pde(kernel, pdi);
            if (strategy == TableAccessStrategy.RECURSIVE && pdi == KernelLayout.RECURSIVE_PDE) {
                expected = Pde.table(b.directoryPfn(), Pde.PRESENT | Pde.WRITABLE);
            }
            if (strategy == TableAccessStrategy.RECURSIVE && pdi == KernelLayout.ALTERNATE_PDE) {
                // The kernel's alternate entry reached b to write it; b's own is empty.
                assertThat(Pde.tablePfn(f.pde(kernel, pdi))).isEqualTo(b.directoryPfn());
                expected = 0;
            }
            assertThat(f.pde(b, pdi) & ~Pde.ACCESSED).as("kernel PDE %d", pdi).isEqualTo(expected & ~Pde.ACCESSED);
        }
        assertThat(b.mappedPages()).as("the kernel's pages, shared").isEqualTo(kernel.mappedPages());
        f.spaces().checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_userPageInOneSpace_invisibleInTheOther(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        long pfnB = s.f.frame();
        long pfnK = s.f.frame();

        assertThat(s.b.mapPage(USER, pfnB, Pte.USER | Pte.WRITABLE).mapped()).isTrue();
        assertThat(s.kernel.mapPage(USER + 0x1000, pfnK, Pte.USER | Pte.WRITABLE).mapped()).isTrue();

        assertThat(s.b.getFrameAddr(USER)).isEqualTo(Addresses.pfnToPaddr(pfnB));
        assertThat(s.kernel.getFrameAddr(USER)).isEqualTo(AddressSpace.NOT_MAPPED);
        assertThat(s.b.getFrameAddr(USER + 0x1000)).isEqualTo(AddressSpace.NOT_MAPPED);
        s.f.mmu().setCpl(3);
        assertThat(s.f.mmu().translate(USER, false)).as("kernel loaded").isEqualTo(Mmu.FAULT);
        s.f.mmu().setCpl(0);
        s.f.spaces().switchTo(s.b);
        s.f.mmu().setCpl(3);
        assertThat(s.f.mmu().translate(USER, true)).isEqualTo(Addresses.pfnToPaddr(pfnB));
        assertThat(s.f.mmu().translate(USER + 0x1000, false)).as("b loaded").isEqualTo(Mmu.FAULT);
        s.f.mmu().setCpl(0);
        s.f.spaces().checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_kernelPageThroughEitherSpaceAfterCreate_visibleInBoth(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        s.f.spaces().switchTo(s.b);
        long viaKernel = s.f.frame();
        long viaB = s.f.frame();
        long otherHeapTable = HEAP + Addresses.LARGE_PAGE_BYTES;

        // Both need a new kernel table: the directory entry must reach every directory.
        MapResult k = s.kernel.mapPage(HEAP, viaKernel, Pte.WRITABLE);
        MapResult m = s.b.mapPage(otherHeapTable, viaB, Pte.WRITABLE);

        assertThat(((MapResult.Mapped) k).newTablePfn()).isNotNegative();
        assertThat(((MapResult.Mapped) m).newTablePfn()).isNotNegative();
        s.f.mmu().write32(HEAP, 0x1111); // b loaded: through b's directory
        s.f.mmu().write32(otherHeapTable, 0x2222);
        AddressSpace c = s.f.newSpace(); // made after both: copies them
        for (AddressSpace space : List.of(s.kernel, s.b, c)) {
            s.f.spaces().switchTo(space);
            assertThat(s.f.mmu().read32(HEAP)).as("%s", space).isEqualTo(0x1111);
            assertThat(s.f.mmu().read32(otherHeapTable)).as("%s", space).isEqualTo(0x2222);
            assertThat(space.getFrameAddr(HEAP)).isEqualTo(Addresses.pfnToPaddr(viaKernel));
            assertThat(space.getFrameAddr(otherHeapTable)).isEqualTo(Addresses.pfnToPaddr(viaB));
        }
        assertThat(s.f.spaces().kernelPageTables()).as("each kernel table counted once")
                .isEqualTo(s.kernel.pageTables());
        s.f.spaces().checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void unmapPage_lastKernelPageThroughOtherSpace_clearsEveryDirectoryBeforeFreeingTable(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        long pfn = s.f.frame();
        long table = ((MapResult.Mapped) s.kernel.mapPage(HEAP, pfn, Pte.WRITABLE)).newTablePfn();
        s.f.mmu().read32(HEAP); // cached in the TLB
        List<KernelEvent> events = new ArrayList<>();
        s.f.space().events().listen(events::add);

        UnmapResult r = s.b.unmapPage(HEAP);

        assertThat(r).isEqualTo(new UnmapResult.Unmapped(HEAP, pfn, table));
        assertThat(s.f.pde(s.kernel, HEAP_PDE)).isZero();
        assertThat(s.f.pde(s.b, HEAP_PDE)).isZero();
        assertThat(s.f.frames().accounting().ownerOf(table)).isEqualTo(FrameOwner.FREE);
        assertThat(s.f.mmu().translate(HEAP, false)).as("INVLPG although b is not loaded: a kernel page").isEqualTo(Mmu.FAULT);
        int freedAt = indexOf(events, e -> e instanceof KernelEvent.TableFreed);
        assertThat(events.subList(0, freedAt)).filteredOn(e -> e instanceof KernelEvent.EntryWritten w
                && w.isDirectoryEntry() && w.pdi() == HEAP_PDE && w.after() == 0)
                .extracting(e -> ((KernelEvent.EntryWritten) e).directoryPfn())
                .as("both directory entries cleared before the table is freed")
                .containsExactlyInAnyOrder(s.kernel.directoryPfn(), s.b.directoryPfn());
        s.f.spaces().checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void switchTo_otherSpace_dropsNonGlobalTlbEntriesKeepsGlobalOnes(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        s.f.mmu().setCr4(s.f.mmu().cr4() | Mmu.CR4_PGE);
        s.kernel.mapPage(HEAP, s.f.frame(), Pte.WRITABLE | Pte.GLOBAL);
        s.kernel.mapPage(HEAP + 0x1000, s.f.frame(), Pte.WRITABLE);
        s.kernel.mapPage(USER, s.f.frame(), Pte.USER | Pte.WRITABLE | Pte.GLOBAL);
        s.kernel.mapPage(USER + 0x1000, s.f.frame(), Pte.USER | Pte.WRITABLE);
        for (long vaddr : new long[] {HEAP, HEAP + 0x1000, USER, USER + 0x1000}) {
            s.f.mmu().read32(vaddr);
        }
        List<KernelEvent> events = new ArrayList<>();
        s.f.space().events().listen(events::add);

        s.f.spaces().switchTo(s.b);

        assertThat(events).containsExactly(new KernelEvent.Cr3Loaded(s.b.directoryPaddr()));
        assertThat(s.f.spaces().loaded()).isSameAs(s.b);
        assertThat(s.f.mmu().tlb().entries()).extracting(Tlb.Entry::vaddr).as("global entries survive the CR3 load")
                .contains(HEAP, USER).doesNotContain(HEAP + 0x1000, USER + 0x1000);
        s.f.mmu().setCr4(s.f.mmu().cr4() & ~Mmu.CR4_PGE); // PGE off: flushes everything
        s.f.mmu().read32(HEAP);
        s.f.spaces().switchTo(s.kernel);
        assertThat(s.f.mmu().tlb().entries()).extracting(Tlb.Entry::vaddr).as("without PGE, G means nothing")
                .doesNotContain(HEAP);
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void destroy_emptySpace_freesUserTablesAndDirectoryNeverKernelTables(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        AddressSpace kernel = f.space();
        long freeAtStart = f.frames().allocator().freeFrames();
        AddressSpace b = f.newSpace();
        long heapFrame = f.frame();
        long kernelTable = ((MapResult.Mapped) b.mapPage(HEAP, heapFrame, Pte.WRITABLE)).newTablePfn();
        long userFrame = f.frame();
        b.mapPage(USER, userFrame, Pte.USER);
        assertThatThrownBy(() -> f.spaces().destroy(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still maps 1 pages of 4 KiB");
        b.unmapPage(USER);
        f.spaces().switchTo(b);
        assertThatThrownBy(() -> f.spaces().destroy(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is loaded");
        f.spaces().switchTo(kernel);

        f.spaces().destroy(b);

        assertThat(b.isDestroyed()).isTrue();
        assertThat(f.spaces().all()).containsExactly(kernel);
        assertThat(f.frames().accounting().ownerOf(b.directoryPfn())).isEqualTo(FrameOwner.FREE);
        assertThat(f.frames().accounting().ownerOf(kernelTable)).as("the kernel table stays").isEqualTo(FrameOwner.PAGE_TABLE);
        assertThat(f.mmu().read32(HEAP)).isZero();
        kernel.unmapPage(HEAP);
        f.frames().free(heapFrame);
        f.frames().free(userFrame);
        assertThat(f.frames().allocator().freeFrames()).as("every frame back").isEqualTo(freeAtStart);
        assertThatThrownBy(() -> b.mapPage(USER, f.frame(), 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> f.spaces().destroy(kernel)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.spaces().destroy(b)).isInstanceOf(IllegalArgumentException.class);
        f.spaces().checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void destroy_directoryReachedThroughTheStrategy_leavesNoWindowOntoItsFrame(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        AddressSpace b = f.newSpace();
        b.mapPage(USER, f.frame(), Pte.USER); // reached while the kernel is loaded
        b.unmapPage(USER);

        f.spaces().destroy(b);

        for (int pdi = KernelLayout.KERNEL_PDE; pdi < 1024; pdi++) {
            int pde = f.pde(f.space(), pdi);
            assertThat(Pde.isPresent(pde) && Pde.tablePfn(pde) == b.directoryPfn()).as("PDE %d", pdi).isFalse();
        }
        if (strategy == TableAccessStrategy.TEMPORARY_MAPPING) {
            assertThat(f.entryAt(Pde.tablePaddr(f.pde(f.space(), KernelLayout.KERNEL_PDE)) + 4L * 1023))
                    .as("the temporary slot is empty").isZero();
        }
        f.spaces().checkInvariants();
    }

    /** The numbers behind the choice in {@link AddressSpaces}' class comment: propagate, do not pre-allocate. */
    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void kernelHalf_preallocation_costsFrames(TableAccessStrategy strategy) {
        Kernel k = Kernel.boot("qemu-pc-128M", KernelConfig.DEFAULT.withTableAccess(strategy));
        AddressSpace kernel = k.space();
        int tables = 0;
        int missing = 0;
        for (int pdi = KernelLayout.KERNEL_PDE; pdi < 1024; pdi++) {
            if (kernel.access().isPrivateEntry(pdi)) {
                continue;
            }
            if (Pde.isPresent(k.memory().read32(kernel.directoryPaddr() + 4L * pdi))) {
                tables++;
            } else {
                missing++;
            }
        }
        assertThat(k.report().freeFrameRanges().stream().mapToLong(FrameRange::frames).sum()).as("the pool")
                .isEqualTo(32_224);
        assertThat(kernel.pageTables()).isEqualTo(tables);
        int[] expected = switch (strategy) {
            case TEMPORARY_MAPPING -> new int[] {2, 254};
            case RECURSIVE -> new int[] {2, 252};
            case DIRECT_MAP -> new int[] {5, 251};
        };
        assertThat(new int[] {tables, missing}).as("kernel tables after start-up, tables pre-allocation would add")
                .isEqualTo(expected);
    }

    /** A booted kernel and one more address space, the kernel's loaded. */
    private record Setup(PagingFixture f, AddressSpace kernel, AddressSpace b) {
        static Setup of(TableAccessStrategy strategy) {
            PagingFixture f = PagingFixture.boot(strategy);
            return new Setup(f, f.space(), f.newSpace());
        }
    }

    private static int indexOf(List<KernelEvent> events, java.util.function.Predicate<KernelEvent> p) {
        for (int i = 0; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such event in " + events);
    }

    static boolean faultsNotPresent(Mmu mmu, long vaddr) {
        mmu.setCpl(3);
        try {
            return mmu.translate(vaddr, false) == Mmu.FAULT
                    && (mmu.lastFault().errorCode() & PageFault.ERR_PRESENT) == 0;
        } finally {
            mmu.setCpl(0);
        }
    }
}
