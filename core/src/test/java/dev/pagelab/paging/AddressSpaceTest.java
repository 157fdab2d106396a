package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** mapPage, unmapPage, getFrameAddr, flags and 4 MiB pages on a booted kernel, under each strategy. */
class AddressSpaceTest {
    private static final long HEAP = KernelLayout.KERNEL_HEAP_START;

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapPage_newDirectoryEntry_allocatesZeroedTableAndTranslates(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        long pfn = f.frame();
        long tablesBefore = f.frames().held(FrameOwner.PAGE_TABLE);

        MapResult r = f.space().mapPage(HEAP, pfn, Pte.WRITABLE);

        assertThat(r).isInstanceOf(MapResult.Mapped.class);
        long table = ((MapResult.Mapped) r).newTablePfn();
        assertThat(table).isNotNegative();
        assertThat(f.frames().accounting().ownerOf(table)).isEqualTo(FrameOwner.PAGE_TABLE);
        assertThat(f.frames().held(FrameOwner.PAGE_TABLE)).isEqualTo(tablesBefore + 1);
        int pde = f.entryAt(f.space().directoryPaddr() + 4L * Addresses.directoryIndex(HEAP));
        assertThat(Pde.tablePfn(pde)).isEqualTo(table);
        assertThat(pde & (Pde.PRESENT | Pde.WRITABLE | Pde.USER)).isEqualTo(Pde.PRESENT | Pde.WRITABLE);
        int present = 0;
        for (int i = 0; i < 1024; i++) {
            present += Pte.isPresent(f.entryAt(Addresses.pfnToPaddr(table) + 4L * i)) ? 1 : 0;
        }
        assertThat(present).as("one entry in a zeroed table").isEqualTo(1);
        assertThat(f.space().getFrameAddr(HEAP + 0x123)).isEqualTo(Addresses.pfnToPaddr(pfn) + 0x123);
        assertThat(f.mmu().translate(HEAP + 0x123, true)).isEqualTo(Addresses.pfnToPaddr(pfn) + 0x123);
        f.space().checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void unmapPage_lastEntry_freesTableAndHandsBackFrame(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        long freeBefore = f.frames().allocator().freeFrames();
        long pfn = f.frame();
        long table = ((MapResult.Mapped) f.space().mapPage(HEAP, pfn, Pte.WRITABLE)).newTablePfn();
        f.mmu().write32(HEAP, 42); // cached in the TLB now

        UnmapResult r = f.space().unmapPage(HEAP);

        assertThat(r).isEqualTo(new UnmapResult.Unmapped(HEAP, pfn, table));
        assertThat(f.space().getFrameAddr(HEAP)).isEqualTo(AddressSpace.NOT_MAPPED);
        assertThat(f.mmu().translate(HEAP, false)).as("INVLPG dropped the cached entry").isEqualTo(Mmu.FAULT);
        assertThat(f.frames().accounting().ownerOf(table)).isEqualTo(FrameOwner.FREE);
        assertThat(f.entryAt(f.space().directoryPaddr() + 4L * Addresses.directoryIndex(HEAP))).isZero();
        f.frames().free(pfn);
        assertThat(f.frames().allocator().freeFrames()).isEqualTo(freeBefore);
    }

    @Test
    void mapPage_alreadyMapped_resultWithFrameAndNothingChanged() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.TEMPORARY_MAPPING);
        long a = f.frame();
        long b = f.frame();
        f.space().mapPage(HEAP, a, Pte.WRITABLE);

        assertThat(f.space().mapPage(HEAP, b, 0)).isEqualTo(new MapResult.AlreadyMapped(HEAP, a));
        assertThat(f.space().getFrameAddr(HEAP)).isEqualTo(Addresses.pfnToPaddr(a));
        // The kernel image: mapped by the boot.
        assertThat(f.space().mapPage(0xC010_0000L, b, 0)).isEqualTo(new MapResult.AlreadyMapped(0xC010_0000L, 0x100));
    }

    @Test
    void unmapPage_notMapped_result() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        assertThat(f.space().unmapPage(HEAP)).isEqualTo(new NotMapped(HEAP));
        f.space().mapPage(HEAP, f.frame(), 0);
        assertThat(f.space().unmapPage(HEAP + 0x1000)).isEqualTo(new NotMapped(HEAP + 0x1000));
    }

    @Test
    void mapPage_outOfFrames_resultAndNothingChanged() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.TEMPORARY_MAPPING);
        long pfn = f.frame();
        while (f.frames().allocate(FrameOwner.ALLOCATED) != FrameAllocator.NO_FRAME) {
            // take every frame
        }
        long mapped = f.space().mappedPages();

        assertThat(f.space().mapPage(HEAP, pfn, 0)).isEqualTo(new MapResult.OutOfFrames(HEAP));
        assertThat(f.space().mappedPages()).isEqualTo(mapped);
        assertThat(f.entryAt(f.space().directoryPaddr() + 4L * Addresses.directoryIndex(HEAP))).isZero();
        // A table that exists needs no frame.
        assertThat(f.space().mapPage(0xC030_0000L, pfn, 0).mapped()).isTrue();
    }

    @Test
    void misuse_eachRejectedNamingValuesAndNothingChanged() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.TEMPORARY_MAPPING);
        long pfn = f.frame();
        long freePfn = f.frames().allocator().allocate();
        f.frames().allocator().free(freePfn); // in the pool, free
        byte[] directory = f.boot().memory().readBytes(f.space().directoryPaddr(), 4096);

        assertThatThrownBy(() -> f.space().mapPage(HEAP + 1, pfn, 0))
                .hasMessage("mapPage: 0xC1000001 is not page aligned");
        assertThatThrownBy(() -> f.space().mapPage(HEAP, freePfn, 0))
                .hasMessageContaining("mapPage: frame " + Addresses.hex(freePfn)).hasMessageContaining("owner=free")
                .hasMessageContaining("is not allocated");
        assertThatThrownBy(() -> f.space().mapPage(KernelLayout.TEMPORARY_SLOT, pfn, 0))
                .hasMessageContaining("0xC03FF000 is reserved for the kernel's temporary-mapping windows");
        assertThatThrownBy(() -> f.space().mapPage(HEAP, pfn, 0x1000))
                .hasMessageContaining("flags 0x00001000");
        assertThatThrownBy(() -> f.space().mapPage(1L << 32, pfn, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.space().unmapPage(HEAP + 8)).hasMessageContaining("not page aligned");

        assertThat(f.boot().memory().readBytes(f.space().directoryPaddr(), 4096)).isEqualTo(directory);
        assertThat(f.frames().accounting().ownerOf(freePfn)).isEqualTo(FrameOwner.FREE);
        f.space().checkInvariants();
    }

    @Test
    void temporaryMapping_eachTableAccessLoadsTheSlotAndLeavesItEmpty() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.TEMPORARY_MAPPING);
        long before = f.space().temporarySlotMappings();
        long table = Pde.tablePaddr(f.entryAt(f.space().directoryPaddr() + 4 * 768));

        f.space().mapPage(HEAP, f.frame(), 0); // zero the new table, then write its entry: two uses

        assertThat(f.space().temporarySlotMappings() - before).isEqualTo(2);
        assertThat(f.entryAt(table + 4 * 1023)).isZero();
        assertThat(f.mmu().translate(KernelLayout.TEMPORARY_SLOT, false)).isEqualTo(Mmu.FAULT);
        // The first kernel table is reached through its own window, not the slot.
        f.space().mapPage(0xC030_0000L, f.frame(), 0);
        assertThat(f.space().temporarySlotMappings() - before).isEqualTo(2);
    }

    @Test
    void skipInvlpg_remapWithoutInvalidation_readsTheOldFrameUntilInvlpg() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.TEMPORARY_MAPPING);
        long a = f.frame();
        long b = f.frame();
        f.boot().memory().write32(Addresses.pfnToPaddr(a), 0xAAAA_AAAA);
        f.boot().memory().write32(Addresses.pfnToPaddr(b), 0xBBBB_BBBB);
        f.space().mapPage(HEAP, a, Pte.WRITABLE);
        f.space().mapPage(HEAP + 0x1000, f.frame(), 0); // keep the table alive
        assertThat(f.mmu().read32(HEAP)).isEqualTo(0xAAAA_AAAA); // now in the TLB

        f.space().setSkipInvlpg(true);
        f.space().unmapPage(HEAP);
        f.space().mapPage(HEAP, b, Pte.WRITABLE);

        assertThat(f.mmu().read32(HEAP)).as("stale TLB entry").isEqualTo(0xAAAA_AAAA);
        assertThat(f.space().getFrameAddr(HEAP)).as("the tables say b").isEqualTo(Addresses.pfnToPaddr(b));
        f.mmu().invlpg(HEAP);
        assertThat(f.mmu().read32(HEAP)).isEqualTo(0xBBBB_BBBB);
    }

    @Test
    void withInvlpg_remap_readsTheNewFrameAtOnce() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        long a = f.frame();
        long b = f.frame();
        f.boot().memory().write32(Addresses.pfnToPaddr(a), 1);
        f.boot().memory().write32(Addresses.pfnToPaddr(b), 2);
        f.space().mapPage(HEAP, a, 0);
        assertThat(f.mmu().read32(HEAP)).isEqualTo(1);
        f.space().unmapPage(HEAP);
        f.space().mapPage(HEAP, b, 0);
        assertThat(f.mmu().read32(HEAP)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void updateFlags_presentEntry_changesRightsAndInvalidates(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        f.space().mapPage(HEAP, f.frame(), Pte.WRITABLE);
        f.mmu().write32(HEAP, 7); // a writable translation in the TLB

        FlagsResult r = f.space().updateFlags(HEAP, 0);

        assertThat(r).isInstanceOf(FlagsResult.Updated.class);
        assertThat(((FlagsResult.Updated) r).after() & Pte.WRITABLE).isZero();
        assertThat(f.mmu().translate(HEAP, true)).as("read-only now, WP=1").isEqualTo(Mmu.FAULT);
        assertThat(f.space().updateFlags(HEAP + 0x1000, 0)).isEqualTo(new NotMapped(HEAP + 0x1000));
    }

    @ParameterizedTest
    @EnumSource(value = TableAccessStrategy.class, names = {"RECURSIVE", "DIRECT_MAP"})
    void mapLargePage_alignedRun_oneDirectoryEntryThenUnmapped(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot("qemu-pc-128M", strategy, true, "buddy");
        long run = f.frames().allocator().allocateRun(1024, 1024);
        f.frames().accounting().record(run, 1024, FrameOwner.ALLOCATED);
        long vaddr = 0xD000_0000L;

        MapResult r = f.space().mapLargePage(vaddr, Addresses.pfnToPaddr(run), Pde.WRITABLE);

        assertThat(r).isEqualTo(new MapResult.Mapped(vaddr, run, -1));
        assertThat(f.space().getFrameAddr(vaddr + 0x12_3456)).isEqualTo(Addresses.pfnToPaddr(run) + 0x12_3456);
        assertThat(f.space().mapPage(vaddr + 0x5000, run, 0)).isEqualTo(new MapResult.AlreadyMapped(vaddr + 0x5000, run + 5));
        assertThatThrownBy(() -> f.space().unmapPage(vaddr)).hasMessageContaining("use unmapLargePage");
        f.mmu().read32(vaddr);
        assertThat(f.space().unmapLargePage(vaddr)).isEqualTo(new UnmapResult.Unmapped(vaddr, run, -1));
        assertThat(f.mmu().translate(vaddr, false)).isEqualTo(Mmu.FAULT);
    }

    /** Found by the QEMU conformance suite's random sequences: bit 12 of a 4 MiB entry is its PAT bit. */
    @Test
    void updateFlags_largePage_setsAndClearsItsPatBit() {
        PagingFixture f = PagingFixture.boot("qemu-pc-128M", TableAccessStrategy.RECURSIVE, true, "buddy");
        long run = f.frames().allocator().allocateRun(1024, 1024);
        f.frames().accounting().record(run, 1024, FrameOwner.ALLOCATED);
        long vaddr = 0xD000_0000L;
        f.space().mapLargePage(vaddr, Addresses.pfnToPaddr(run), Pde.WRITABLE);

        FlagsResult on = f.space().updateFlags(vaddr, Pde.LARGE_PAT | Pde.WRITABLE);
        FlagsResult off = f.space().updateFlags(vaddr, Pde.WRITABLE);

        assertThat(((FlagsResult.Updated) on).after()).isEqualTo((int) Addresses.pfnToPaddr(run) | Pde.LARGE_PAT
                | Pde.PAGE_SIZE | Pde.WRITABLE | Pde.PRESENT);
        assertThat(((FlagsResult.Updated) off).after() & Pde.LARGE_PAT).isZero();
        assertThat(f.space().getFrameAddr(vaddr + 0x1234)).isEqualTo(Addresses.pfnToPaddr(run) + 0x1234);
    }

    @Test
    void updateFlags_smallPageWithBit12_refusedAndNothingChanged() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        f.space().mapPage(HEAP, f.frame(), Pte.WRITABLE);
        long before = f.space().getFrameAddr(HEAP);

        assertThatThrownBy(() -> f.space().updateFlags(HEAP, Pde.LARGE_PAT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("updateFlags: flags 0x00001000 for " + Addresses.hex(HEAP) + " have bits outside 0x00000FFF");
        assertThat(f.space().getFrameAddr(HEAP)).isEqualTo(before);
    }

    @Test
    void mapLargePage_withoutPse_refused() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        assertThatThrownBy(() -> f.space().mapLargePage(0xD000_0000L, 0x40_0000L, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CR4.PSE is off");
    }

    @Test
    void mapPage_userHalf_directoryEntryAllowsUserAndPteDecides() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.DIRECT_MAP);
        f.space().mapPage(0x0804_8000L, f.frame(), Pte.USER);
        f.space().mapPage(0x0804_9000L, f.frame(), Pte.WRITABLE);

        assertThat(f.mmu().probe(0x0804_8000L, false, 3).translates()).isTrue();
        assertThat(f.mmu().probe(0x0804_8000L, true, 3).translates()).isFalse();
        assertThat(f.mmu().probe(0x0804_9000L, false, 3).translates()).as("supervisor page").isFalse();
    }
}
