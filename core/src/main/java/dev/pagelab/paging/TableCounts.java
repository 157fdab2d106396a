package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;
import java.util.Arrays;

/**
 * The kernel's bookkeeping of the page tables behind one run of directory entries: which frame
 * each table is in and how many entries it uses, so that an empty table is freed without
 * reading it. Each {@link AddressSpace} has one for its user half (PDE 0-767); the kernel half
 * (PDE 768-1023) has one, shared by every directory ({@link AddressSpaces}). Both are indexed
 * by the directory entry, 0-1023; each uses only its half.
 */
final class TableCounts {
    /** Page-table frame of each directory entry the kernel made, or -1 (large pages, empty, the windows' entries). */
    final long[] tablePfns = new long[Addresses.ENTRIES_PER_TABLE];
    /** Present entries of each of those tables. */
    final int[] presentEntries = new int[Addresses.ENTRIES_PER_TABLE];
    /** Not-present entries holding a swap value: a table is freed when present and swap entries are both 0. */
    final int[] swapEntries = new int[Addresses.ENTRIES_PER_TABLE];
    long mappedPages;
    long largePages;
    long tablesAllocated;
    long tablesFreed;

    TableCounts() {
        Arrays.fill(tablePfns, -1);
    }

    /** Whether the table behind {@code pdi} holds nothing the kernel must keep. */
    boolean unused(int pdi) {
        return presentEntries[pdi] == 0 && swapEntries[pdi] == 0;
    }
}
