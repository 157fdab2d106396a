package dev.pagelab.paging;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The entry-level operations page replacement needs, on one {@link AddressSpace}
 * ({@link AddressSpace#entries()}): read a PTE, test-and-clear A, clear D, store swap entries and
 * swap a page out, visit the present user pages. Like the rest of the space, every entry is read and written through the
 * MMU at CPL 0, at the strategy's address for this directory's table, and every write is an
 * {@link KernelEvent.EntryWritten}. None of them boxes or allocates per page.
 *
 * <h2>Why clearing A needs an INVLPG</h2>
 * The MMU sets A only when it walks the tables, and it walks only on a TLB miss. Clear A in the
 * PTE and leave the translation cached, and the next accesses hit the TLB: A stays 0 and the
 * page looks unused however hot it is; a Clock hand evicts it. So test-and-clear ends with an
 * INVLPG of the page (event {@link KernelEvent.Invlpg.Why#ACCESSED_CLEARED}), and the next
 * access walks and sets A again. Clearing D after a write-back is worse without it: a
 * translation cached dirty lets a later write through without setting D, and the page is then
 * dropped unsaved; so D's clear is followed by an INVLPG too. The space's lesson switch
 * ({@link AddressSpace#setSkipInvlpg}) leaves both out, to show exactly that.
 *
 * <h2>A directory that is not loaded</h2>
 * Its user pages cannot be in the TLB: the CR3 load that replaced it dropped every non-global
 * translation (SDM 4.10.4.1), and nothing walks a directory CR3 does not hold. So clearing a bit
 * there needs no INVLPG, and none is issued: an INVLPG would only drop the loaded directory's
 * translation of the same address, which is still right. The exceptions are kept: a kernel-half
 * page (its table is shared, every directory translates it alike) and a global page under
 * CR4.PGE (it survived the CR3 load) are invalidated whichever directory is loaded.
 *
 * <h2>Swap entries</h2>
 * A not-present PTE (bit 0 clear) is never read by the MMU beyond P: the walk faults. The kernel
 * keeps its own 31 bits there, as Linux keeps a swap type and offset. Only the user half holds
 * them. A table holding swap entries is not empty: it is freed only when it has neither present
 * nor swap entries. {@link AddressSpace#unmapPage} clears one and says so
 * ({@link UnmapResult.SwapEntryCleared}); {@link AddressSpace#mapPage} over one is the swap-in.
 */
public final class PageEntries {
    private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final AddressSpace space;
    private final DirectoryAccess dir;

    PageEntries(AddressSpace space) {
        this.space = space;
        this.dir = space.directory();
    }

    /** Whether {@code entry} is a swap entry: not present and not 0. */
    public static boolean isSwapEntry(int entry) {
        return entry != 0 && !Pte.isPresent(entry);
    }

    /** What {@link #forEachPresentUserPage} calls: no boxing, one call a page. */
    @FunctionalInterface
    public interface PageVisitor {
        /** The page at {@code vaddr} is present with entry {@code pte}. */
        void page(long vaddr, int pte);
    }

    /**
     * The page-table entry of the 4 KiB page at {@code vaddr}, read through the MMU at CPL 0:
     * 0 when nothing is there (no table, or an empty entry), a swap entry
     * ({@link #isSwapEntry}), or a present entry with its A and D bits as the MMU left them.
     *
     * @throws IllegalArgumentException on misuse, or when a 4 MiB page covers {@code vaddr}
     */
    public int pte(long vaddr) {
        space.checkPage("pte", vaddr);
        space.checkLive("pte");
        int cpl = enterKernel();
        try {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = dir.readPde(pdi);
            if (!Pde.isPresent(pde)) {
                return 0;
            }
            checkSmall("pte", vaddr, pdi, pde);
            long table = dir.openTable(pdi, pde);
            try {
                return mmu().read32(table + 4L * Addresses.tableIndex(vaddr));
            } finally {
                dir.closeTable(table);
            }
        } finally {
            mmu().setCpl(cpl);
        }
    }

    /**
     * Test-and-clear of the Accessed bit of the present page at {@code vaddr} (Linux's
     * {@code ptep_test_and_clear_young}), with the INVLPG that makes the next access walk the
     * tables and set A again, unless the TLB cannot hold the page (see the class comment).
     *
     * @return whether A was set
     * @throws IllegalArgumentException when no present 4 KiB page is at {@code vaddr}
     */
    public boolean testAndClearAccessed(long vaddr) {
        return testAndClearAccessed(vaddr, true);
    }

    /**
     * {@link #testAndClearAccessed(long)}, or, with {@code invlpg} false, without its INVLPG (an
     * {@link KernelEvent.Invlpg} marked skipped instead): the replacement lesson in which the TLB
     * keeps the page "recent" and Clock degrades. Only this INVLPG is left out; every other one of
     * the space stays (see {@link AddressSpace#setSkipInvlpg} for leaving out all of them).
     */
    public boolean testAndClearAccessed(long vaddr, boolean invlpg) {
        return clearBit(vaddr, Pte.ACCESSED, "testAndClearAccessed", KernelEvent.Invlpg.Why.ACCESSED_CLEARED, !invlpg);
    }

    /**
     * Clears the Dirty bit of the present page at {@code vaddr} after its contents were written
     * back, with the INVLPG without which a cached dirty translation would let the next write
     * pass without setting D again (and the page would be dropped unsaved).
     *
     * @return whether D was set
     * @throws IllegalArgumentException when no present 4 KiB page is at {@code vaddr}
     */
    public boolean clearDirty(long vaddr) {
        return clearBit(vaddr, Pte.DIRTY, "clearDirty", KernelEvent.Invlpg.Why.ENTRY_CHANGED, false);
    }

    /**
     * Clears {@code bit} (A or D) in the present PTE of {@code vaddr}; INVLPG as the class comment
     * says, unless {@code skipInvlpg}.
     */
    private boolean clearBit(long vaddr, int bit, String operation, KernelEvent.Invlpg.Why why, boolean skipInvlpg) {
        space.checkPage(operation, vaddr);
        space.checkLive(operation);
        int cpl = enterKernel();
        try {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = dir.readPde(pdi);
            if (!Pde.isPresent(pde)) {
                throw notPresent(operation, vaddr, pde, 0);
            }
            checkSmall(operation, vaddr, pdi, pde);
            int pti = Addresses.tableIndex(vaddr);
            long table = dir.openTable(pdi, pde);
            try {
                int pte = mmu().read32(table + 4L * pti);
                if (!Pte.isPresent(pte)) {
                    throw notPresent(operation, vaddr, pde, pte);
                }
                if ((pte & bit) == 0) {
                    return false;
                }
                dir.writePte(table, pdi, pti, pte, pte & ~bit);
                dir.invalidate(vaddr, pte, why, skipInvlpg);
                return true;
            } finally {
                dir.closeTable(table);
            }
        } finally {
            mmu().setCpl(cpl);
        }
    }

    /**
     * Stores {@code swapEntry} in the not-present PTE of the user page at {@code vaddr}, taking
     * a page table if none covers it. The MMU never uses the value: P = 0 faults.
     *
     * @param swapEntry bit 0 clear (not present), not 0 (which means "nothing"); the other 31
     *                  bits are the kernel's own
     * @return false when a page table was needed and no frame was left (nothing changed)
     * @throws IllegalArgumentException on misuse: a kernel-half page, a present page (use
     *                                  {@link #swapOut}), a value with P set or 0
     */
    public boolean storeSwapEntry(long vaddr, int swapEntry) {
        checkSwap("storeSwapEntry", vaddr, swapEntry);
        int cpl = enterKernel();
        try {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = dir.readPde(pdi);
            if (!Pde.isPresent(pde)) {
                if (dir.allocateTable(pdi, vaddr) < 0) {
                    return false;
                }
                pde = dir.readPde(pdi);
            }
            checkSmall("storeSwapEntry", vaddr, pdi, pde);
            int pti = Addresses.tableIndex(vaddr);
            long table = dir.openTable(pdi, pde);
            try {
                int pte = mmu().read32(table + 4L * pti);
                if (Pte.isPresent(pte)) {
                    throw new IllegalArgumentException("storeSwapEntry: " + Addresses.hex(vaddr) + " is mapped to frame "
                            + Addresses.hex(Pte.pfn(pte)) + " (PTE " + Addresses.hex(pte & 0xFFFF_FFFFL)
                            + "); swapOut replaces a present entry and hands back its frame");
                }
                dir.writePte(table, pdi, pti, pte, swapEntry);
                if (pte == 0) {
                    space.user.swapEntries[pdi]++;
                }
            } finally {
                dir.closeTable(table);
            }
        } finally {
            mmu().setCpl(cpl);
        }
        checkIfOn();
        return true;
    }

    /**
     * Evicts the present user page at {@code vaddr}: its PTE becomes {@code swapEntry} in one
     * write (the table is kept), INVLPG follows when the TLB may hold it, and its frame is
     * handed back.
     *
     * @return {@link UnmapResult.Unmapped} with the frame, or {@link NotMapped} when no page is
     *         present there (nothing changed)
     * @throws IllegalArgumentException as {@link #storeSwapEntry}
     */
    public UnmapResult swapOut(long vaddr, int swapEntry) {
        checkSwap("swapOut", vaddr, swapEntry);
        int cpl = enterKernel();
        UnmapResult result;
        try {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = dir.readPde(pdi);
            if (!Pde.isPresent(pde)) {
                return new NotMapped(vaddr);
            }
            checkSmall("swapOut", vaddr, pdi, pde);
            int pti = Addresses.tableIndex(vaddr);
            long table = dir.openTable(pdi, pde);
            try {
                int pte = mmu().read32(table + 4L * pti);
                if (!Pte.isPresent(pte)) {
                    return new NotMapped(vaddr);
                }
                dir.writePte(table, pdi, pti, pte, swapEntry);
                dir.invalidate(vaddr, pte, KernelEvent.Invlpg.Why.ENTRY_CHANGED);
                result = new UnmapResult.Unmapped(vaddr, Pte.pfn(pte), -1);
            } finally {
                dir.closeTable(table);
            }
            TableCounts t = space.user;
            t.presentEntries[pdi]--;
            t.mappedPages--;
            t.swapEntries[pdi]++;
        } finally {
            mmu().setCpl(cpl);
        }
        checkIfOn();
        return result;
    }

    /**
     * Calls {@code visitor} for every present 4 KiB page of the user half, in address order,
     * with its PTE; 4 MiB pages are not visited. Each table is read through the MMU (one access
     * a table) and copied before its pages are visited, at the caller's privilege level, so the
     * visitor may change the entry of the page it is given (clear A, swap the page out); a
     * later page it changes is still visited with the copied entry.
     */
    public void forEachPresentUserPage(PageVisitor visitor) {
        space.checkLive("forEachPresentUserPage");
        byte[] copy = new byte[Addresses.PAGE_BYTES];
        TableCounts t = space.user;
        for (int pdi = 0; pdi < KernelLayout.KERNEL_PDE; pdi++) {
            if (t.tablePfns[pdi] < 0 || t.presentEntries[pdi] == 0) {
                continue;
            }
            int cpl = enterKernel();
            try {
                long table = dir.access().open(space.directoryPfn(), pdi, Addresses.pfnToPaddr(t.tablePfns[pdi]));
                try {
                    mmu().readBytes(table, copy, 0, copy.length);
                } finally {
                    dir.closeTable(table);
                }
            } finally {
                mmu().setCpl(cpl);
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = (int) LITTLE_ENDIAN_INT.get(copy, 4 * pti);
                if (Pte.isPresent(pte)) {
                    visitor.page(Addresses.linear(pdi, pti, 0), pte);
                }
            }
        }
    }

    private void checkSwap(String operation, long vaddr, int swapEntry) {
        space.checkPage(operation, vaddr);
        space.checkLive(operation);
        if (KernelLayout.isKernel(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is in the kernel half ("
                    + Addresses.hex(KernelLayout.KERNEL_BASE) + " and above), whose pages are never swapped");
        }
        if (swapEntry == 0 || Pte.isPresent(swapEntry)) {
            throw new IllegalArgumentException(operation + ": swap entry " + Addresses.hex(swapEntry & 0xFFFF_FFFFL)
                    + " for " + Addresses.hex(vaddr) + (swapEntry == 0 ? " is 0, which means \"nothing\""
                    : " has P (bit 0) set; the MMU would use it as a mapping"));
        }
    }

    private void checkSmall(String operation, long vaddr, int pdi, int pde) {
        if (dir.isLarge(pde)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is inside the 4 MiB page of PDE "
                    + pdi + " (" + Addresses.hex(pde & 0xFFFF_FFFFL) + "), which has no page-table entry");
        }
    }

    private static IllegalArgumentException notPresent(String operation, long vaddr, int pde, int pte) {
        return new IllegalArgumentException(operation + ": no page is present at " + Addresses.hex(vaddr) + " (PDE "
                + Addresses.hex(pde & 0xFFFF_FFFFL) + (Pde.isPresent(pde) ? ", PTE " + Addresses.hex(pte & 0xFFFF_FFFFL)
                : "") + ")");
    }

    private Mmu mmu() {
        return space.mmu;
    }

    private int enterKernel() {
        int cpl = mmu().cpl();
        mmu().setCpl(0);
        return cpl;
    }

    private void checkIfOn() {
        if (Checks.ENABLED) {
            space.checkInvariants();
        }
    }
}
