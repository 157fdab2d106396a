package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;

/** What {@link AddressSpace#unmapPage} and {@link AddressSpace#unmapLargePage} did. */
public sealed interface UnmapResult permits UnmapResult.Unmapped, UnmapResult.SwapEntryCleared, NotMapped {
    /** The virtual address asked for. */
    long vaddr();

    /**
     * Unmapped; the frame is the caller's to free.
     *
     * @param pfn            the frame the page mapped (the first of 1024 for a 4 MiB page)
     * @param freedTablePfn  the page table freed because it became empty, or -1
     */
    record Unmapped(long vaddr, long pfn, long freedTablePfn) implements UnmapResult {
        @Override
        public String toString() {
            return "unmapped " + Addresses.hex(vaddr) + " (frame " + Addresses.hex(pfn) + ")"
                    + (freedTablePfn >= 0 ? ", freed its empty page table, frame " + Addresses.hex(freedTablePfn) : "");
        }
    }

    /**
     * Nothing was mapped, but the not-present entry held a swap entry: it is cleared, and the
     * swap slot it names is the caller's to free.
     *
     * @param swapEntry     the entry's value (bit 0 clear)
     * @param freedTablePfn the page table freed because it became empty, or -1
     */
    record SwapEntryCleared(long vaddr, int swapEntry, long freedTablePfn) implements UnmapResult {
        @Override
        public String toString() {
            return "cleared the swap entry " + Addresses.hex(swapEntry & 0xFFFF_FFFFL) + " of " + Addresses.hex(vaddr)
                    + (freedTablePfn >= 0 ? ", freed its empty page table, frame " + Addresses.hex(freedTablePfn) : "");
        }
    }
}
