package dev.pagelab.paging;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pte;

/**
 * How kernel code reaches the page directory and page-table frames: which virtual address to
 * read and write an entry at. The kernel only ever touches a table through the MMU at an
 * address this gives; none of these classes reads physical memory itself.
 *
 * <p>Used by {@link AddressSpace} in strict pairs: {@code open}, reads and writes, {@code close}.
 * At most one table is open at a time.
 */
abstract sealed class TableAccess {
    final Mmu mmu;
    /** Where to tell what the access does: the address space's sink. */
    EventSink events = new EventSink();

    TableAccess(Mmu mmu) {
        this.mmu = mmu;
    }

    /** The strategy, or null before paging is on. */
    abstract TableAccessStrategy strategy();

    /** Where the directory's entry 0 is. */
    abstract long directoryVaddr();

    /**
     * Makes the table that directory entry {@code pdi} points at (frame {@code tablePaddr})
     * reachable and returns the virtual address of its entry 0.
     */
    abstract long open(int pdi, long tablePaddr);

    /** Ends the use of a table {@link #open} returned. */
    void close(long tableVaddr) {
    }

    /** Whether a table frame can be opened before its directory entry exists (so it is zeroed first). */
    boolean reachesUninstalledTables() {
        return true;
    }

    /** Directory entry {@code pdi} no longer points at a table. */
    void tableRemoved(int pdi) {
    }

    /** Whether the virtual page holding {@code vaddr} belongs to this strategy and may not be mapped by callers. */
    boolean isReserved(long vaddr) {
        return false;
    }

    /** The frame below which page-table frames must lie for this strategy to reach them. */
    long tableLimitPaddr() {
        return Long.MAX_VALUE;
    }

    /** Before paging: the linear address is the physical address, so a frame is used where it is. */
    static final class Physical extends TableAccess {
        private final long directoryPaddr;

        Physical(Mmu mmu, long directoryPaddr) {
            super(mmu);
            this.directoryPaddr = directoryPaddr;
        }

        @Override
        TableAccessStrategy strategy() {
            return null;
        }

        @Override
        long directoryVaddr() {
            return directoryPaddr;
        }

        @Override
        long open(int pdi, long tablePaddr) {
            return tablePaddr;
        }
    }

    /**
     * The seeds' temporary slot. The kernel's first page table (the one behind PDE 768) maps
     * itself at {@link KernelLayout#KERNEL_TABLE_WINDOW} and the directory at
     * {@link KernelLayout#DIRECTORY_WINDOW}; every other table is mapped into its last entry,
     * {@link KernelLayout#TEMPORARY_SLOT}, for as long as it is open:
     * <ol>
     *   <li>write PTE 1023 = frame | P | R/W through the first table's window;</li>
     *   <li>INVLPG 0xC03FF000, since the slot may still be cached with the frame before;</li>
     *   <li>use the table at 0xC03FF000;</li>
     *   <li>write PTE 1023 = 0 and INVLPG again.</li>
     * </ol>
     */
    static final class Temporary extends TableAccess {
        private static final long SLOT_ENTRY = KernelLayout.KERNEL_TABLE_WINDOW + 4L * KernelLayout.TEMPORARY_SLOT_PTE;

        private final long directoryPaddr;
        private final long kernelTablePaddr;
        private long inSlot = -1;
        private long slotMappings;

        Temporary(Mmu mmu, long directoryPaddr, long kernelTablePaddr) {
            super(mmu);
            this.directoryPaddr = directoryPaddr;
            this.kernelTablePaddr = kernelTablePaddr;
        }

        @Override
        TableAccessStrategy strategy() {
            return TableAccessStrategy.TEMPORARY_MAPPING;
        }

        @Override
        long directoryVaddr() {
            return KernelLayout.DIRECTORY_WINDOW;
        }

        @Override
        long open(int pdi, long tablePaddr) {
            if (tablePaddr == kernelTablePaddr) {
                return KernelLayout.KERNEL_TABLE_WINDOW;
            }
            if (tablePaddr == directoryPaddr) {
                return KernelLayout.DIRECTORY_WINDOW;
            }
            if (inSlot >= 0) {
                throw new IllegalStateException("temporary slot " + Addresses.hex(KernelLayout.TEMPORARY_SLOT)
                        + " still holds frame " + Addresses.hex(inSlot) + "; cannot open " + Addresses.hex(tablePaddr));
            }
            mmu.write32(SLOT_ENTRY, Pte.make(Addresses.paddrToPfn(tablePaddr), Pte.PRESENT | Pte.WRITABLE));
            mmu.invlpg(KernelLayout.TEMPORARY_SLOT);
            inSlot = tablePaddr;
            slotMappings++;
            if (events.enabled()) {
                events.emit(new KernelEvent.SlotLoaded(KernelLayout.TEMPORARY_SLOT, KernelLayout.TEMPORARY_SLOT_PTE,
                        Addresses.paddrToPfn(tablePaddr), pdi));
            }
            return KernelLayout.TEMPORARY_SLOT;
        }

        @Override
        void close(long tableVaddr) {
            if (tableVaddr == KernelLayout.TEMPORARY_SLOT) {
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

        long slotMappings() {
            return slotMappings;
        }
    }

    /**
     * Directory entry 1023 points at the directory, so the walk for
     * {@code 0xFFC00000 | pdi << 12} uses the directory as a page table and lands on the table
     * that entry {@code pdi} points at; {@code 0xFFFFF000} lands on the directory itself. A
     * table only appears once its directory entry exists, and when the entry goes, the window
     * page's translation may still be cached: INVLPG it.
     */
    static final class Recursive extends TableAccess {
        Recursive(Mmu mmu) {
            super(mmu);
        }

        @Override
        TableAccessStrategy strategy() {
            return TableAccessStrategy.RECURSIVE;
        }

        @Override
        long directoryVaddr() {
            return KernelLayout.RECURSIVE_DIRECTORY;
        }

        @Override
        long open(int pdi, long tablePaddr) {
            return KernelLayout.RECURSIVE_TABLES + ((long) pdi << Addresses.PAGE_SHIFT);
        }

        @Override
        boolean reachesUninstalledTables() {
            return false;
        }

        @Override
        void tableRemoved(int pdi) {
            long window = KernelLayout.RECURSIVE_TABLES + ((long) pdi << Addresses.PAGE_SHIFT);
            mmu.invlpg(window);
            if (events.enabled()) {
                events.emit(new KernelEvent.Invlpg(window, KernelEvent.Invlpg.Why.RECURSIVE_WINDOW));
            }
        }

        @Override
        boolean isReserved(long vaddr) {
            return vaddr >= KernelLayout.RECURSIVE_TABLES;
        }
    }

    /** Low memory at {@code 0xC0000000 + paddr}: a table frame is simply there. */
    static final class DirectMap extends TableAccess {
        private final long directoryPaddr;
        private final long limitPaddr;

        DirectMap(Mmu mmu, long directoryPaddr, long limitPaddr) {
            super(mmu);
            this.directoryPaddr = directoryPaddr;
            this.limitPaddr = limitPaddr;
        }

        @Override
        TableAccessStrategy strategy() {
            return TableAccessStrategy.DIRECT_MAP;
        }

        @Override
        long directoryVaddr() {
            return KernelLayout.KERNEL_BASE + directoryPaddr;
        }

        @Override
        long open(int pdi, long tablePaddr) {
            if (tablePaddr >= limitPaddr) {
                throw new AssertionError("direct map: table frame " + Addresses.hex(tablePaddr)
                        + " is above the direct map's end " + Addresses.hex(limitPaddr));
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
