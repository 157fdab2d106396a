package dev.pagelab.heap;

import dev.pagelab.hw.Addresses;
import java.util.Arrays;

/**
 * The heap's chunks, the runs of pages kmmap gave it: their start addresses in increasing order
 * and their lengths in pages, in two parallel {@code long} arrays. The question the heap asks on
 * every kmalloc and kfree, "which chunk holds this address", is a binary search; adding and
 * removing a chunk shift the arrays (a heap has tens of chunks, and morecore is rare). No boxing.
 * Not thread-safe.
 */
final class ChunkTable {
    /** What {@link #indexOf} returns when no chunk holds the address. */
    static final int NONE = -1;

    private long[] startVaddrs = new long[8];
    private long[] pages = new long[8];
    private int size;

    /** The number of chunks. */
    int size() {
        return size;
    }

    /** The start of chunk {@code i}, in address order. */
    long start(int i) {
        return startVaddrs[i];
    }

    /** The pages of chunk {@code i}. */
    long pages(int i) {
        return pages[i];
    }

    /** The address after chunk {@code i}. */
    long end(int i) {
        return startVaddrs[i] + pages[i] * Addresses.PAGE_BYTES;
    }

    /** Pages of all chunks together. */
    long totalPages() {
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += pages[i];
        }
        return total;
    }

    /** The chunk that holds {@code vaddr}, or {@link #NONE}. */
    int indexOf(long vaddr) {
        int i = floor(vaddr);
        return i >= 0 && vaddr < end(i) ? i : NONE;
    }

    /** Whether {@code a} and {@code b} lie in one chunk (the one that holds {@code a}). */
    boolean sameChunk(long a, long b) {
        int i = indexOf(a);
        return i != NONE && b >= startVaddrs[i] && b < end(i);
    }

    /** Adds the chunk of {@code chunkPages} pages at {@code startVaddr}, which overlaps no other. */
    void add(long startVaddr, long chunkPages) {
        int at = floor(startVaddr) + 1;
        if (size == startVaddrs.length) {
            startVaddrs = Arrays.copyOf(startVaddrs, 2 * size);
            pages = Arrays.copyOf(pages, 2 * size);
        }
        System.arraycopy(startVaddrs, at, startVaddrs, at + 1, size - at);
        System.arraycopy(pages, at, pages, at + 1, size - at);
        startVaddrs[at] = startVaddr;
        pages[at] = chunkPages;
        size++;
    }

    /** Removes chunk {@code i}. */
    void remove(int i) {
        System.arraycopy(startVaddrs, i + 1, startVaddrs, i, size - i - 1);
        System.arraycopy(pages, i + 1, pages, i, size - i - 1);
        size--;
    }

    /** {@code [0xC1000000, 0xC1004000) [...]}, or {@code none yet}. */
    @Override
    public String toString() {
        if (size == 0) {
            return "none yet";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < size; i++) {
            out.append(i == 0 ? "" : " ").append('[').append(Addresses.hex(startVaddrs[i])).append(", ")
                    .append(Addresses.hex(end(i))).append(')');
        }
        return out.toString();
    }

    /** The last chunk starting at or below {@code vaddr}, or -1. */
    private int floor(long vaddr) {
        int i = Arrays.binarySearch(startVaddrs, 0, size, vaddr);
        return i >= 0 ? i : -i - 2;
    }
}
