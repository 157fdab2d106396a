package dev.pagelab.paging;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;

/**
 * One directory as the kernel reaches it: the entry-level mechanism under {@link AddressSpace}
 * and {@link PageEntries}, which decide what to write. Each method runs at the caller's CPL (the
 * callers run at CPL 0) and goes through the MMU at the address the kernel's {@link TableAccess}
 * gives for this directory, loaded or not.
 *
 * <ul>
 *   <li>Directory entries: read; written here and, for a shared kernel-half entry, in every
 *       live directory ({@link AddressSpaces}' propagation), one
 *       {@link KernelEvent.EntryWritten} each.</li>
 *   <li>Tables: opened and closed through the strategy, entries written with their event.</li>
 *   <li>A table's life: allocated and zeroed (and installed in every directory, for the kernel
 *       half); freed when it holds neither present nor swap entries, after its entry is cleared
 *       in every directory that has it and each strategy's window onto it is invalidated.</li>
 *   <li>The TLB rule: INVLPG a changed present entry when the TLB may hold it (see
 *       {@link #invalidate}).</li>
 * </ul>
 * Not thread-safe.
 */
final class DirectoryAccess {
    private static final byte[] ZERO_PAGE = new byte[Addresses.PAGE_BYTES];

    private final AddressSpace space;
    private final AddressSpaces shared;
    private final Mmu mmu;
    private final AccountedFrames frames;

    DirectoryAccess(AddressSpace space, AddressSpaces shared) {
        this.space = space;
        this.shared = shared;
        this.mmu = shared.mmu;
        this.frames = shared.frames;
    }

    /** A zeroed table behind directory entry {@code pdi} (in every directory, for the kernel half), or -1 when no frame is left. */
    long allocateTable(int pdi, long vaddr) {
        long pfn = shared.allocateTableFrame();
        if (pfn == FrameAllocator.NO_FRAME) {
            return -1;
        }
        if (shared.events.enabled()) {
            shared.events.emit(new KernelEvent.TableAllocated(space.directoryPfn(), pdi, pfn));
        }
        long paddr = Addresses.pfnToPaddr(pfn);
        int pde = Pde.table(pfn, Pde.PRESENT | Pde.WRITABLE | (KernelLayout.isKernel(vaddr) ? 0 : Pde.USER));
        if (access().reachesUninstalledTables()) {
            zeroTable(pdi, paddr);
            writePde(pdi, pde);
        } else {
            writePde(pdi, pde);
            zeroTable(pdi, paddr);
        }
        TableCounts t = tables(pdi);
        t.tablePfns[pdi] = pfn;
        t.presentEntries[pdi] = 0;
        t.swapEntries[pdi] = 0;
        t.tablesAllocated++;
        return pfn;
    }

    /**
     * Frees the table behind {@code pdi} when it holds nothing: its entry is cleared in every
     * directory that has it first (every live one, for the kernel half), each strategy's window
     * onto it invalidated, and only then the frame given back. Returns the freed frame or -1.
     */
    long releaseTableIfUnused(int pdi) {
        TableCounts t = tables(pdi);
        // An allocator that cannot free (bump) would only leak the table: keep it, as Linux keeps kernel tables.
        if (!t.unused(pdi) || t.tablePfns[pdi] < 0 || !frames.allocator().canFree()) {
            return -1;
        }
        long freed = t.tablePfns[pdi];
        writePde(pdi, 0);
        if (isShared(pdi)) {
            for (AddressSpace other : shared.all()) {
                access().tableRemoved(other.directoryPfn(), pdi);
            }
        } else {
            access().tableRemoved(space.directoryPfn(), pdi);
        }
        t.tablePfns[pdi] = -1;
        frames.free(freed);
        t.tablesFreed++;
        if (shared.events.enabled()) {
            shared.events.emit(new KernelEvent.TableFreed(space.directoryPfn(), pdi, freed));
        }
        return freed;
    }

    private void zeroTable(int pdi, long paddr) {
        long table = access().open(space.directoryPfn(), pdi, paddr);
        try {
            mmu.writeBytes(table, ZERO_PAGE, 0, ZERO_PAGE.length);
        } finally {
            access().close(table);
        }
    }

    // ---------------------------------------------------------------- entries

    TableAccess access() {
        return shared.access;
    }

    /** The bookkeeping of directory entry {@code pdi}: this space's for the user half, the shared one for the kernel half. */
    TableCounts tables(int pdi) {
        return pdi < KernelLayout.KERNEL_PDE ? space.user : shared.kernelTables;
    }

    /** Whether directory entry {@code pdi} is the same in every directory. */
    boolean isShared(int pdi) {
        return pdi >= KernelLayout.KERNEL_PDE && !access().isPrivateEntry(pdi);
    }

    int readPde(int pdi) {
        long dir = access().openDirectory(space.directoryPfn());
        try {
            return mmu.read32(dir + 4L * pdi);
        } finally {
            access().close(dir);
        }
    }

    /** Writes directory entry {@code pdi} here and, for a shared kernel-half entry, in every other live directory. */
    void writePde(int pdi, int entry) {
        writeOwnPde(pdi, entry);
        if (isShared(pdi)) {
            for (AddressSpace other : shared.all()) {
                if (other != space) {
                    other.directory().writeOwnPde(pdi, entry);
                }
            }
        }
    }

    void writeOwnPde(int pdi, int entry) {
        // The old value for the event is read from RAM directly: watching must not change the MMU's counters.
        int before = shared.events.enabled() ? mmu.memory().read32(space.directoryPaddr() + 4L * pdi) : 0;
        long dir = access().openDirectory(space.directoryPfn());
        try {
            mmu.write32(dir + 4L * pdi, entry);
            if (shared.events.enabled()) {
                shared.events.emit(new KernelEvent.EntryWritten(space.directoryPfn(), pdi, KernelEvent.EntryWritten.DIRECTORY_ENTRY,
                        before, entry));
            }
        } finally {
            access().close(dir);
        }
    }

    long openTable(int pdi, int pde) {
        return access().open(space.directoryPfn(), pdi, Pde.tablePaddr(pde));
    }

    void closeTable(long table) {
        access().close(table);
    }

    /** Writes entry {@code pti} of an open table and reports it. */
    void writePte(long table, int pdi, int pti, int before, int after) {
        mmu.write32(table + 4L * pti, after);
        if (shared.events.enabled()) {
            shared.events.emit(new KernelEvent.EntryWritten(space.directoryPfn(), pdi, pti, before, after));
        }
    }

    int readPte(int pdi, int pde, int pti) {
        long table = openTable(pdi, pde);
        try {
            return mmu.read32(table + 4L * pti);
        } finally {
            closeTable(table);
        }
    }

    boolean isLarge(int pde) {
        // PS means a 4 MiB page only under CR4.PSE; before paging the boot sets PSE first.
        return Pde.isLarge(pde) && (mmu.cr4() & Mmu.CR4_PSE) != 0;
    }

    /**
     * INVLPG of {@code vaddr}, whose present entry was {@code oldEntry}, when the TLB may hold
     * it: this directory is loaded, or the page is in the shared kernel half, or the entry is
     * global under CR4.PGE (it survived the CR3 load that unloaded this directory).
     */
    void invalidate(long vaddr, int oldEntry, KernelEvent.Invlpg.Why why) {
        invalidate(vaddr, oldEntry, why, false);
    }

    /** {@link #invalidate(long, int, KernelEvent.Invlpg.Why)}, skipped also when {@code skipThis}. */
    void invalidate(long vaddr, int oldEntry, KernelEvent.Invlpg.Why why, boolean skipThis) {
        boolean global = (oldEntry & Pte.GLOBAL) != 0 && (mmu.cr4() & Mmu.CR4_PGE) != 0;
        if (!space.isLoaded() && !KernelLayout.isKernel(vaddr) && !global) {
            return;
        }
        boolean skip = skipThis || space.skipsInvlpg();
        if (!skip) {
            mmu.invlpg(vaddr);
        }
        if (shared.events.enabled()) {
            shared.events.emit(new KernelEvent.Invlpg(vaddr, skip ? KernelEvent.Invlpg.Why.SKIPPED : why));
        }
    }
}
