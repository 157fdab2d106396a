package dev.pagelab.paging;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;

/**
 * How kernel code reaches a page directory and its page-table frames, for any directory, loaded
 * in CR3 or not: which virtual address to read and write an entry at. The kernel only ever
 * touches a table through the MMU at an address this gives; none of these classes reads
 * physical memory itself (except for the old value of an entry in an event, which must not
 * count as an access).
 *
 * <p>One instance serves every directory of a kernel. Used by {@link AddressSpace} in strict
 * pairs: {@code openDirectory} or {@code open}, reads and writes, {@code close}. At most one
 * directory or table is open at a time, so an operation reads what it needs of the directory,
 * closes it, then opens the table.
 *
 * <h2>Reaching a directory that is not loaded</h2>
 * <table>
 *   <caption>how each strategy reaches directory D and its tables</caption>
 *   <tr><th>strategy</th><th>D is the kernel's / loaded</th><th>D is another directory</th></tr>
 *   <tr><td>temporary slot</td><td>the kernel's directory at its window 0xC03FE000</td>
 *       <td>D's frame in the slot 0xC03FF000 (open, read or write, close), then each table in
 *       the slot in turn</td></tr>
 *   <tr><td>recursive</td><td>PDE 1023: tables at 0xFFC00000, directory at 0xFFFFF000</td>
 *       <td>the alternate entry: the loaded directory's PDE 1022 points at D, so D's tables
 *       appear at 0xFF800000 + pdi * 4096 and D itself at 0xFFFFE000</td></tr>
 *   <tr><td>direct map</td><td colspan="2">0xC0000000 + physical address: every directory and
 *       table frame is taken below the direct map's end</td></tr>
 * </table>
 *
 * <p><b>Temporary slot: the slot holds the foreign directory.</b> The slot lives in the
 * kernel's first page table, which every directory shares (PDE 768), so it is reachable
 * whichever directory is loaded. The directory window at 0xC03FE000 lives in that shared table
 * too, so in every directory it shows the kernel's directory, the master copy of the kernel
 * half; any other directory goes through the slot. A second window would save the slot loads
 * of directory reads (two INVLPGs each) but move the windows and the kernel's size limit, which
 * the boot's output shows; the slot alone changes nothing for the kernel's own directory.
 *
 * <p><b>Recursive: an alternate recursive entry, as 4.4BSD's APTD/APTmap.</b> The loaded
 * directory's PDE 1023 reaches only its own tables. Pointing its PDE 1022 at directory D makes
 * the walk for {@code 0xFF800000 | pdi << 12} use D as a page table and land on D's table
 * {@code pdi}, and the loaded directory's own recursive window shows D itself at 0xFFFFE000
 * (entry 1022 of the loaded directory, seen as a page) even before D's own PDE 1023 exists,
 * which is how a new directory is zeroed. When PDE 1022 changes, every alternate page the TLB
 * may hold is stale: 4.4BSD flushed the whole TLB; this class INVLPGs 0xFFFFE000 and the
 * alternate table pages used since the last change (a 1024-bit set). Reaching many tables of
 * the same foreign directory, as a replacement scan does, then costs no INVLPG at all. The
 * price is the 4 MiB at 0xFF800000, reserved like the recursive window. Falling back to a
 * temporary slot instead would reserve a slot page and pay two INVLPGs per table.
 * PDE 1022 and 1023 are each directory's own: never copied into a new directory, never
 * propagated ({@link #isPrivateEntry}).
 */
abstract sealed class TableAccess {
    final Mmu mmu;
    /** Where to tell what the access does: the kernel's sink. */
    EventSink events = new EventSink();

    TableAccess(Mmu mmu) {
        this.mmu = mmu;
    }

    /** The strategy, or null before paging is on. */
    abstract TableAccessStrategy strategy();

    /** Makes directory {@code directoryPfn} reachable and returns the virtual address of its entry 0. */
    abstract long openDirectory(long directoryPfn);

    /**
     * Makes the table that entry {@code pdi} of directory {@code directoryPfn} points at (frame
     * {@code tablePaddr}) reachable and returns the virtual address of its entry 0.
     */
    abstract long open(long directoryPfn, int pdi, long tablePaddr);

    /** Ends the use of a directory or table {@link #open} or {@link #openDirectory} returned. */
    void close(long vaddr) {
    }

    /** Whether a table frame can be opened before its directory entry exists (so it is zeroed first). */
    boolean reachesUninstalledTables() {
        return true;
    }

    /** Entry {@code pdi} of directory {@code directoryPfn} no longer points at a table. */
    void tableRemoved(long directoryPfn, int pdi) {
    }

    /** Directory {@code directoryPfn} is about to be freed: forget every way of reaching it. */
    void directoryDestroyed(long directoryPfn, long[] liveDirectoryPfns) {
    }

    /** Whether the virtual page holding {@code vaddr} belongs to this strategy and may not be mapped by callers. */
    boolean isReserved(long vaddr) {
        return false;
    }

    /** Whether kernel-half directory entry {@code pdi} is each directory's own (not shared, not propagated). */
    boolean isPrivateEntry(int pdi) {
        return false;
    }

    /** The value of private entry {@code pdi} in a new directory in frame {@code directoryPfn}. */
    int privateEntry(long directoryPfn, int pdi) {
        throw new AssertionError(strategy() + ": PDE " + pdi + " is not private");
    }

    /** The frame below which page-table frames must lie for this strategy to reach them. */
    long tableLimitPaddr() {
        return Long.MAX_VALUE;
    }

    /**
     * What puts the strategy's window onto directories that are not loaded back as it is now, for
     * an observer that reaches them and must leave no trace: run it after the look. Only the
     * recursive strategy keeps such a window open between operations (the loaded directory's
     * PDE 1022); the temporary slot is closed after each operation, the direct map never moves.
     */
    Runnable windowRestorer() {
        return () -> { };
    }

    /** How often the temporary slot was loaded with a frame (0 for the other strategies). */
    long slotMappings() {
        return 0;
    }

    /** The directory CR3 holds. */
    final long loadedDirectoryPfn() {
        return Addresses.paddrToPfn(mmu.cr3() & ~Addresses.PAGE_OFFSET_MASK);
    }

    /** Before paging: the linear address is the physical address, so a frame is used where it is. */
    static final class Physical extends TableAccess {
        Physical(Mmu mmu) {
            super(mmu);
        }

        @Override
        TableAccessStrategy strategy() {
            return null;
        }

        @Override
        long openDirectory(long directoryPfn) {
            return Addresses.pfnToPaddr(directoryPfn);
        }

        @Override
        long open(long directoryPfn, int pdi, long tablePaddr) {
            return tablePaddr;
        }
    }

    /**
     * The seeds' temporary slot. The kernel's first page table (the one behind PDE 768) maps
     * itself at {@link KernelLayout#KERNEL_TABLE_WINDOW} and the kernel's directory at
     * {@link KernelLayout#DIRECTORY_WINDOW}; every other table, and every other directory, is
     * mapped into its last entry, {@link KernelLayout#TEMPORARY_SLOT}, for as long as it is open:
     * <ol>
     *   <li>write PTE 1023 = frame | P | R/W through the first table's window;</li>
     *   <li>INVLPG 0xC03FF000, since the slot may still be cached with the frame before;</li>
     *   <li>use the table at 0xC03FF000;</li>
     *   <li>write PTE 1023 = 0 and INVLPG again.</li>
     * </ol>
     */
    static final class Temporary extends TableAccess {
        private static final long SLOT_ENTRY = KernelLayout.KERNEL_TABLE_WINDOW + 4L * KernelLayout.TEMPORARY_SLOT_PTE;

        private final long kernelDirectoryPaddr;
        private final long kernelTablePaddr;
        private long inSlot = -1;
        private long slotMappings;

        Temporary(Mmu mmu, long kernelDirectoryPaddr, long kernelTablePaddr) {
            super(mmu);
            this.kernelDirectoryPaddr = kernelDirectoryPaddr;
            this.kernelTablePaddr = kernelTablePaddr;
        }

        @Override
        TableAccessStrategy strategy() {
            return TableAccessStrategy.TEMPORARY_MAPPING;
        }

        @Override
        long openDirectory(long directoryPfn) {
            long paddr = Addresses.pfnToPaddr(directoryPfn);
            return paddr == kernelDirectoryPaddr ? KernelLayout.DIRECTORY_WINDOW
                    : load(paddr, KernelEvent.SlotLoaded.DIRECTORY);
        }

        @Override
        long open(long directoryPfn, int pdi, long tablePaddr) {
            if (tablePaddr == kernelTablePaddr) {
                return KernelLayout.KERNEL_TABLE_WINDOW;
            }
            if (tablePaddr == kernelDirectoryPaddr) {
                return KernelLayout.DIRECTORY_WINDOW;
            }
            return load(tablePaddr, pdi);
        }

        private long load(long paddr, int pdi) {
            if (inSlot >= 0) {
                throw new IllegalStateException("temporary slot " + Addresses.hex(KernelLayout.TEMPORARY_SLOT)
                        + " still holds frame " + Addresses.hex(inSlot) + "; cannot open " + Addresses.hex(paddr));
            }
            mmu.write32(SLOT_ENTRY, Pte.make(Addresses.paddrToPfn(paddr), Pte.PRESENT | Pte.WRITABLE));
            mmu.invlpg(KernelLayout.TEMPORARY_SLOT);
            inSlot = paddr;
            slotMappings++;
            if (events.enabled()) {
                events.emit(new KernelEvent.SlotLoaded(KernelLayout.TEMPORARY_SLOT, KernelLayout.TEMPORARY_SLOT_PTE,
                        Addresses.paddrToPfn(paddr), pdi));
            }
            return KernelLayout.TEMPORARY_SLOT;
        }

        @Override
        void close(long vaddr) {
            if (vaddr == KernelLayout.TEMPORARY_SLOT) {
                mmu.write32(SLOT_ENTRY, 0);
                mmu.invlpg(KernelLayout.TEMPORARY_SLOT);
                inSlot = -1;
                if (events.enabled()) {
                    events.emit(new KernelEvent.SlotUnloaded(KernelLayout.TEMPORARY_SLOT, KernelLayout.TEMPORARY_SLOT_PTE));
                }
            }
        }

        @Override
        boolean isReserved(long vaddr) {
            return vaddr >= KernelLayout.KERNEL_TABLE_WINDOW && vaddr < KernelLayout.TEMPORARY_SLOT + Addresses.PAGE_BYTES;
        }

        @Override
        long slotMappings() {
            return slotMappings;
        }
    }

    /**
     * Directory entry 1023 points at the directory, so the walk for
     * {@code 0xFFC00000 | pdi << 12} uses the directory as a page table and lands on the table
     * that entry {@code pdi} points at; {@code 0xFFFFF000} lands on the directory itself. A
     * table only appears once its directory entry exists, and when the entry goes, the window
     * page's translation may still be cached: INVLPG it. Another directory is reached through
     * the alternate entry, PDE 1022 (see the class comment of {@link TableAccess}).
     */
    static final class Recursive extends TableAccess {
        private static final long ALTERNATE_ENTRY = KernelLayout.RECURSIVE_DIRECTORY + 4L * KernelLayout.ALTERNATE_PDE;

        /** Alternate table pages used since PDE 1022 last changed: the ones the TLB may cache. */
        private final long[] alternateUsed = new long[Addresses.ENTRIES_PER_TABLE / Long.SIZE];

        Recursive(Mmu mmu) {
            super(mmu);
        }

        @Override
        TableAccessStrategy strategy() {
            return TableAccessStrategy.RECURSIVE;
        }

        @Override
        long openDirectory(long directoryPfn) {
            if (directoryPfn == loadedDirectoryPfn()) {
                return KernelLayout.RECURSIVE_DIRECTORY;
            }
            pointAlternateAt(directoryPfn);
            return KernelLayout.ALTERNATE_DIRECTORY;
        }

        @Override
        long open(long directoryPfn, int pdi, long tablePaddr) {
            if (directoryPfn == loadedDirectoryPfn()) {
                return KernelLayout.RECURSIVE_TABLES + ((long) pdi << Addresses.PAGE_SHIFT);
            }
            pointAlternateAt(directoryPfn);
            alternateUsed[pdi >>> 6] |= 1L << pdi;
            return KernelLayout.ALTERNATE_TABLES + ((long) pdi << Addresses.PAGE_SHIFT);
        }

        /** Points the loaded directory's PDE 1022 at {@code directoryPfn}, unless it does already. */
        private void pointAlternateAt(long directoryPfn) {
            int now = mmu.read32(ALTERNATE_ENTRY);
            if (Pde.isPresent(now) && Pde.tablePfn(now) == directoryPfn) {
                return;
            }
            writeAlternate(Pde.table(directoryPfn, Pde.PRESENT | Pde.WRITABLE));
        }

        /** Writes the loaded directory's PDE 1022 and drops every alternate page the TLB may hold. */
        private void writeAlternate(int entry) {
            long loaded = loadedDirectoryPfn();
            // The old value for the event is read from RAM directly: watching must not change the MMU's counters.
            int before = events.enabled() ? mmu.memory().read32(Addresses.pfnToPaddr(loaded)
                    + 4L * KernelLayout.ALTERNATE_PDE) : 0;
            mmu.write32(ALTERNATE_ENTRY, entry);
            if (events.enabled()) {
                events.emit(new KernelEvent.EntryWritten(loaded, KernelLayout.ALTERNATE_PDE,
                        KernelEvent.EntryWritten.DIRECTORY_ENTRY, before, entry));
            }
            invalidate(KernelLayout.ALTERNATE_DIRECTORY);
            for (int word = 0; word < alternateUsed.length; word++) {
                for (long bits = alternateUsed[word]; bits != 0; bits &= bits - 1) {
                    invalidate(KernelLayout.ALTERNATE_TABLES
                            + ((long) (word * Long.SIZE + Long.numberOfTrailingZeros(bits)) << Addresses.PAGE_SHIFT));
                }
                alternateUsed[word] = 0;
            }
        }

        /**
         * Puts back PDE 1022 of the directory loaded now and the set of alternate pages the TLB may
         * cache: a look that pointed the window elsewhere points it back (the INVLPGs of the pages
         * it used included), and the next change of the window invalidates what it would have.
         */
        @Override
        Runnable windowRestorer() {
            long loaded = loadedDirectoryPfn();
            int entry = mmu.read32(ALTERNATE_ENTRY);
            long[] used = alternateUsed.clone();
            return () -> {
                if (loadedDirectoryPfn() != loaded) {
                    throw new IllegalStateException("the look loaded CR3=" + Addresses.hex(mmu.cr3()) + " (it was "
                            + Addresses.hex(Addresses.pfnToPaddr(loaded)) + "): an observer does not switch directories");
                }
                if (mmu.read32(ALTERNATE_ENTRY) != entry) {
                    writeAlternate(entry);
                }
                System.arraycopy(used, 0, alternateUsed, 0, used.length);
            };
        }

        private void invalidate(long window) {
            mmu.invlpg(window);
            if (events.enabled()) {
                events.emit(new KernelEvent.Invlpg(window, KernelEvent.Invlpg.Why.RECURSIVE_WINDOW));
            }
        }

        @Override
        boolean reachesUninstalledTables() {
            return false;
        }

        @Override
        void tableRemoved(long directoryPfn, int pdi) {
            if (directoryPfn == loadedDirectoryPfn()) {
                invalidate(KernelLayout.RECURSIVE_TABLES + ((long) pdi << Addresses.PAGE_SHIFT));
            } else if ((alternateUsed[pdi >>> 6] & 1L << pdi) != 0) {
                // Cached while PDE 1022 pointed at this directory or an earlier one: either way no longer valid.
                invalidate(KernelLayout.ALTERNATE_TABLES + ((long) pdi << Addresses.PAGE_SHIFT));
                alternateUsed[pdi >>> 6] &= ~(1L << pdi);
            }
        }

        /**
         * Clears every live directory's PDE 1022 that points at {@code directoryPfn}: the frame
         * is about to be freed, and an alternate entry left pointing at it would show whatever
         * the frame holds next as a page table.
         */
        @Override
        void directoryDestroyed(long directoryPfn, long[] liveDirectoryPfns) {
            for (long live : liveDirectoryPfns) {
                long dir = openDirectory(live);
                int entry = mmu.read32(dir + 4L * KernelLayout.ALTERNATE_PDE);
                if (Pde.isPresent(entry) && Pde.tablePfn(entry) == directoryPfn) {
                    if (live == loadedDirectoryPfn()) {
                        writeAlternate(0);
                    } else {
                        int before = events.enabled() ? mmu.memory().read32(Addresses.pfnToPaddr(live)
                                + 4L * KernelLayout.ALTERNATE_PDE) : 0;
                        // Not loaded: nothing of it is in the TLB.
                        mmu.write32(dir + 4L * KernelLayout.ALTERNATE_PDE, 0);
                        if (events.enabled()) {
                            events.emit(new KernelEvent.EntryWritten(live, KernelLayout.ALTERNATE_PDE,
                                    KernelEvent.EntryWritten.DIRECTORY_ENTRY, before, 0));
                        }
                    }
                }
            }
        }

        @Override
        boolean isReserved(long vaddr) {
            return vaddr >= KernelLayout.ALTERNATE_TABLES;
        }

        @Override
        boolean isPrivateEntry(int pdi) {
            return pdi == KernelLayout.RECURSIVE_PDE || pdi == KernelLayout.ALTERNATE_PDE;
        }

        @Override
        int privateEntry(long directoryPfn, int pdi) {
            return pdi == KernelLayout.RECURSIVE_PDE ? Pde.table(directoryPfn, Pde.PRESENT | Pde.WRITABLE) : 0;
        }
    }

    /** Low memory at {@code 0xC0000000 + paddr}: a directory or table frame is simply there. */
    static final class DirectMap extends TableAccess {
        private final long limitPaddr;

        DirectMap(Mmu mmu, long limitPaddr) {
            super(mmu);
            this.limitPaddr = limitPaddr;
        }

        @Override
        TableAccessStrategy strategy() {
            return TableAccessStrategy.DIRECT_MAP;
        }

        @Override
        long openDirectory(long directoryPfn) {
            return open(directoryPfn, KernelEvent.SlotLoaded.DIRECTORY, Addresses.pfnToPaddr(directoryPfn));
        }

        @Override
        long open(long directoryPfn, int pdi, long tablePaddr) {
            if (tablePaddr >= limitPaddr) {
                throw new AssertionError("direct map: " + (pdi < 0 ? "directory" : "table") + " frame "
                        + Addresses.hex(tablePaddr) + " is above the direct map's end " + Addresses.hex(limitPaddr));
            }
            return KernelLayout.KERNEL_BASE + tablePaddr;
        }

        @Override
        boolean isReserved(long vaddr) {
            return vaddr >= KernelLayout.KERNEL_BASE && vaddr < KernelLayout.KERNEL_BASE + limitPaddr;
        }

        @Override
        long tableLimitPaddr() {
            return limitPaddr;
        }
    }
}
