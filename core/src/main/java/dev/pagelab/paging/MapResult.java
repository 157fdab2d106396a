package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;

/** What {@link AddressSpace#mapPage} and {@link AddressSpace#mapLargePage} did: the expected outcomes. */
public sealed interface MapResult {
    /** The virtual address asked for. */
    long vaddr();

    /** Whether the mapping was made. */
    default boolean mapped() {
        return this instanceof Mapped;
    }

    /**
     * Mapped.
     *
     * @param newTablePfn the page table allocated for it, or -1 when the directory entry already had one
     */
    record Mapped(long vaddr, long pfn, long newTablePfn) implements MapResult {
        @Override
        public String toString() {
            return "mapped " + Addresses.hex(vaddr) + " -> frame " + Addresses.hex(pfn)
                    + (newTablePfn >= 0 ? " (new page table in frame " + Addresses.hex(newTablePfn) + ")" : "");
        }
    }

    /**
     * Nothing changed: the page is mapped already.
     *
     * @param pfn the frame it maps, or -1 when the page itself is free but a 4 MiB mapping was
     *            asked for and a page table covers part of the range
     */
    record AlreadyMapped(long vaddr, long pfn) implements MapResult {
        @Override
        public String toString() {
            return Addresses.hex(vaddr) + " is already mapped" + (pfn >= 0 ? " to frame " + Addresses.hex(pfn)
                    : " in part (a page table covers its 4 MiB)");
        }
    }

    /** Nothing changed: a page table was needed and no frame was left for it. */
    record OutOfFrames(long vaddr) implements MapResult {
        @Override
        public String toString() {
            return "no frame left for the page table of " + Addresses.hex(vaddr);
        }
    }
}
