package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The entry-level operations replacement needs — A and D, swap entries, the walk over present
 * pages — on a process's space, loaded and not, under each strategy.
 */
class PageEntriesTest {
    private static final long USER = 0x0040_0000L;
    private static final int SWAP = 0x0001_2340; // slot 0x1234 << 4, P clear

    /** A kernel with one more space, loaded, holding one user page that was read once (A set, cached). */
    private record Setup(PagingFixture f, AddressSpace b, long pfn, List<KernelEvent> events) {
        static Setup of(TableAccessStrategy strategy) {
            PagingFixture f = PagingFixture.boot(strategy);
            AddressSpace b = f.newSpace();
            f.spaces().switchTo(b);
            long pfn = f.frame();
            b.mapPage(USER, pfn, Pte.USER | Pte.WRITABLE);
            userRead(f.mmu(), USER);
            List<KernelEvent> events = new ArrayList<>();
            f.space().events().listen(events::add);
            return new Setup(f, b, pfn, events);
        }

        List<KernelEvent.Invlpg> invlpgs() {
            return events.stream().filter(e -> e instanceof KernelEvent.Invlpg).map(e -> (KernelEvent.Invlpg) e).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void testAndClearAccessed_withInvlpg_nextAccessSetsItAgain(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        assertThat(s.b.entries().pte(USER) & Pte.ACCESSED).isNotZero();

        assertThat(s.b.entries().testAndClearAccessed(USER)).isTrue();

        assertThat(s.b.entries().pte(USER) & Pte.ACCESSED).isZero();
        assertThat(s.invlpgs()).containsExactly(new KernelEvent.Invlpg(USER, KernelEvent.Invlpg.Why.ACCESSED_CLEARED));
        assertThat(s.events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(KernelEvent.EntryWritten.class,
                w -> assertThat(w.before() & ~w.after()).isEqualTo(Pte.ACCESSED)));
        assertThat(s.b.entries().testAndClearAccessed(USER)).as("nothing touched it since").isFalse();
        userRead(s.f.mmu(), USER);
        assertThat(s.b.entries().testAndClearAccessed(USER)).as("the access walked and set A").isTrue();
    }

    /** The lesson: without INVLPG the cached translation keeps serving accesses, and A stays clear. */
    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void testAndClearAccessed_invlpgSkipped_cachedEntryKeepsPageLookingUnused(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        s.b.setSkipInvlpg(true);

        assertThat(s.b.entries().testAndClearAccessed(USER)).isTrue();
        userRead(s.f.mmu(), USER);
        userRead(s.f.mmu(), USER);

        assertThat(s.invlpgs()).containsExactly(new KernelEvent.Invlpg(USER, KernelEvent.Invlpg.Why.SKIPPED));
        assertThat(s.b.entries().pte(USER) & Pte.ACCESSED).as("hit in the TLB: no walk, no A").isZero();
        assertThat(s.b.entries().testAndClearAccessed(USER)).as("a hot page that looks unused").isFalse();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void testAndClearAccessed_directoryNotLoaded_noInvlpgAndItsNextRunSetsItAgain(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        s.f.spaces().switchTo(s.f.space());
        s.events.clear();

        assertThat(s.b.entries().testAndClearAccessed(USER)).isTrue();

        assertThat(s.invlpgs()).as("b's translations went with the CR3 load").isEmpty();
        assertThat(s.b.entries().pte(USER) & Pte.ACCESSED).isZero();
        s.f.spaces().switchTo(s.b);
        userRead(s.f.mmu(), USER);
        assertThat(s.b.entries().pte(USER) & Pte.ACCESSED).isNotZero();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void testAndClearAccessed_globalPageOfUnloadedDirectory_stillInvalidated(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        s.f.mmu().setCr4(s.f.mmu().cr4() | Mmu.CR4_PGE);
        s.b.mapPage(USER + 0x1000, s.f.frame(), Pte.USER | Pte.GLOBAL);
        userRead(s.f.mmu(), USER + 0x1000);
        s.f.spaces().switchTo(s.f.space());
        s.events.clear();

        assertThat(s.b.entries().testAndClearAccessed(USER + 0x1000)).isTrue();

        assertThat(s.invlpgs()).as("a global entry survived the CR3 load")
                .containsExactly(new KernelEvent.Invlpg(USER + 0x1000, KernelEvent.Invlpg.Why.ACCESSED_CLEARED));
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void clearDirty_afterWriteBack_nextWriteSetsItAgainUnlessInvlpgSkipped(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        userWrite(s.f.mmu(), USER);
        assertThat(s.b.entries().pte(USER) & Pte.DIRTY).isNotZero();

        assertThat(s.b.entries().clearDirty(USER)).isTrue();
        assertThat(s.b.entries().clearDirty(USER)).isFalse();
        userWrite(s.f.mmu(), USER);
        assertThat(s.b.entries().pte(USER) & Pte.DIRTY).as("the write walked again").isNotZero();

        s.b.setSkipInvlpg(true);
        assertThat(s.b.entries().clearDirty(USER)).isTrue();
        userWrite(s.f.mmu(), USER);
        assertThat(s.b.entries().pte(USER) & Pte.DIRTY).as("cached dirty: the write is lost to the kernel").isZero();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void storeSwapEntry_roundTrips_andIsNeverWalkedAsPresent(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        long page = USER + 0x5000;

        assertThat(s.b.entries().storeSwapEntry(page, SWAP)).isTrue();

        assertThat(s.b.entries().pte(page)).isEqualTo(SWAP);
        assertThat(PageEntries.isSwapEntry(s.b.entries().pte(page))).isTrue();
        assertThat(s.b.getFrameAddr(page)).isEqualTo(AddressSpace.NOT_MAPPED);
        assertThat(s.b.swapEntries()).isEqualTo(1);
        s.f.mmu().setCpl(3);
        assertThat(s.f.mmu().translate(page, false)).isEqualTo(Mmu.FAULT);
        assertThat(s.f.mmu().lastFault().errorCode() & PageFault.ERR_PRESENT).as("a not-present fault").isZero();
        s.f.mmu().setCpl(0);
        List<Long> visited = new ArrayList<>();
        s.b.entries().forEachPresentUserPage((vaddr, pte) -> visited.add(vaddr));
        assertThat(visited).containsExactly(USER);
        assertThat(s.f.space().entries().pte(page)).as("the other directory has nothing there").isZero();
        assertThat(s.b.unmapPage(page)).isEqualTo(new UnmapResult.SwapEntryCleared(page, SWAP, -1));
        assertThat(s.b.entries().pte(page)).isZero();
        assertThat(s.b.unmapPage(page)).isEqualTo(new NotMapped(page));
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void swapOut_presentPage_keepsTableHandsBackFrameAndSwapInMapsOverIt(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        long table = s.f.frames().held(FrameOwner.PAGE_TABLE);

        assertThat(s.b.entries().swapOut(USER, SWAP)).isEqualTo(new UnmapResult.Unmapped(USER, s.pfn, -1));

        assertThat(s.invlpgs()).containsExactly(new KernelEvent.Invlpg(USER, KernelEvent.Invlpg.Why.ENTRY_CHANGED));
        assertThat(s.f.frames().held(FrameOwner.PAGE_TABLE)).as("a swap entry keeps its table").isEqualTo(table);
        assertThat(faultsNotPresent(s.f.mmu(), USER)).as("the cached translation is gone").isTrue();
        assertThat(s.b.entries().pte(USER)).isEqualTo(SWAP);
        assertThat(s.b.entries().swapOut(USER, SWAP)).isEqualTo(new NotMapped(USER));

        long back = s.f.frame();
        assertThat(s.b.mapPage(USER, back, Pte.USER).mapped()).as("swap-in").isTrue();
        assertThat(s.b.swapEntries()).isZero();
        assertThat(s.b.unmapPage(USER)).isInstanceOfSatisfying(UnmapResult.Unmapped.class,
                u -> assertThat(u.freedTablePfn()).as("empty now").isNotNegative());
        assertThat(s.f.frames().held(FrameOwner.PAGE_TABLE)).isEqualTo(table - 1);
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void unmapPage_lastPresentEntryBesideSwapEntry_keepsTableUntilSwapEntryCleared(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        s.b.entries().storeSwapEntry(USER + 0x1000, SWAP);

        assertThat(s.b.unmapPage(USER)).isEqualTo(new UnmapResult.Unmapped(USER, s.pfn, -1));
        UnmapResult last = s.b.unmapPage(USER + 0x1000);

        assertThat(last).isInstanceOfSatisfying(UnmapResult.SwapEntryCleared.class,
                r -> assertThat(r.freedTablePfn()).isNotNegative());
        assertThat(s.b.entries().pte(USER)).isZero();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void storeSwapEntry_noTableYet_takesOneAndOutOfFramesChangesNothing(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        long far = 0x1000_0000L;
        assertThat(s.b.entries().storeSwapEntry(far, SWAP)).isTrue();
        assertThat(s.b.pageTables() - s.f.space().pageTables()).isEqualTo(2);
        while (s.f.frames().allocate(FrameOwner.ALLOCATED) >= 0) {
            // take every frame
        }
        assertThat(s.b.entries().storeSwapEntry(far + Addresses.LARGE_PAGE_BYTES, SWAP)).isFalse();
        assertThat(s.b.entries().pte(far + Addresses.LARGE_PAGE_BYTES)).isZero();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void forEachPresentUserPage_visitorClearsAccessed_everyPageOnceInOrder(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        long[] pages = {USER + 0x3000, 0x0800_0000L, 0xBFFF_F000L};
        for (long page : pages) {
            s.b.mapPage(page, s.f.frame(), Pte.USER);
            userRead(s.f.mmu(), page);
        }
        s.f.space().mapPage(0x0900_0000L, s.f.frame(), Pte.USER); // the kernel's user half: not b's
        List<Long> visited = new ArrayList<>();

        s.b.entries().forEachPresentUserPage((vaddr, pte) -> {
            visited.add(vaddr);
            assertThat(pte & Pte.ACCESSED).isNotZero();
            assertThat(s.b.entries().testAndClearAccessed(vaddr)).isTrue();
        });

        assertThat(visited).containsExactly(USER, USER + 0x3000, 0x0800_0000L, 0xBFFF_F000L);
        s.b.entries().forEachPresentUserPage((vaddr, pte) -> assertThat(pte & Pte.ACCESSED).isZero());
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void misuse_eachRejectedNamingValues(TableAccessStrategy strategy) {
        Setup s = Setup.of(strategy);
        assertThatThrownBy(() -> s.b.entries().storeSwapEntry(USER, SWAP)).hasMessageContaining("is mapped to frame");
        assertThatThrownBy(() -> s.b.entries().storeSwapEntry(USER + 0x1000, SWAP | 1)).hasMessageContaining("has P (bit 0) set");
        assertThatThrownBy(() -> s.b.entries().storeSwapEntry(USER + 0x1000, 0)).hasMessageContaining("is 0");
        assertThatThrownBy(() -> s.b.entries().storeSwapEntry(KernelLayout.KERNEL_HEAP_START, SWAP))
                .hasMessageContaining("kernel half");
        assertThatThrownBy(() -> s.b.entries().testAndClearAccessed(USER + 0x1000))
                .hasMessageContaining("testAndClearAccessed: no page is present at 0x00401000");
        assertThatThrownBy(() -> s.b.entries().clearDirty(0x2000_0000L)).hasMessageContaining("no page is present");
        assertThat(s.b.entries().pte(USER + 0x1000)).isZero();
        assertThat(s.b.swapEntries()).isZero();
    }

    private static void userRead(Mmu mmu, long vaddr) {
        mmu.setCpl(3);
        try {
            mmu.read32(vaddr);
        } finally {
            mmu.setCpl(0);
        }
    }

    private static void userWrite(Mmu mmu, long vaddr) {
        mmu.setCpl(3);
        try {
            mmu.write32(vaddr, 7);
        } finally {
            mmu.setCpl(0);
        }
    }

    private static boolean faultsNotPresent(Mmu mmu, long vaddr) {
        return AddressSpacesTest.faultsNotPresent(mmu, vaddr);
    }
}
