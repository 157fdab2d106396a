package dev.pagelab.heap;

import dev.pagelab.hw.Addresses;

/**
 * One block of the heap, as a walk of its chunks finds it.
 *
 * @param vaddr     the address a caller uses: just after the 8-byte header
 * @param bytes     room for data (the block's size less its header)
 * @param free      whether it is on the free list
 * @param requested the bytes asked for, for a live block; 0 for a free one
 */
public record HeapBlock(long vaddr, long bytes, boolean free, long requested) {
    @Override
    public String toString() {
        return (free ? "free " : "live ") + Addresses.hex(vaddr) + " " + bytes + " bytes"
                + (free ? "" : " (" + requested + " asked)");
    }
}
