package dev.pagelab.heap;

import dev.pagelab.hw.Mmu;

/**
 * The heap's block headers in kernel virtual memory (the layout is in {@link KernelHeap}'s class
 * comment): two little-endian 32-bit words a block, read and written through the MMU at the
 * privilege level the caller set (the heap runs at CPL 0). Sizes count 8-byte units.
 */
final class BlockHeaders {
    /** The low bits of an allocated block's first word: never those of an 8-aligned free-list link. */
    static final int ALLOCATED_TAG = 0b111;

    private final Mmu mmu;

    BlockHeaders(Mmu mmu) {
        this.mmu = mmu;
    }

    /** A free block's link: the header of the next free block. */
    long next(long header) {
        return mmu.read32(header) & 0xFFFF_FFFFL;
    }

    void setNext(long header, long next) {
        mmu.write32(header, (int) next);
    }

    /** The block's size in units, header included. */
    int sizeOf(long header) {
        return mmu.read32(header + 4);
    }

    void setSize(long header, int units) {
        mmu.write32(header + 4, units);
    }

    boolean isAllocated(long header) {
        return (mmu.read32(header) & ALLOCATED_TAG) == ALLOCATED_TAG;
    }

    /** The bytes an allocated block was asked for. */
    long requestedOf(long header) {
        return (mmu.read32(header) & 0xFFFF_FFFFL) >>> 3;
    }

    /** The raw first word, for messages. */
    long firstWord(long header) {
        return mmu.read32(header) & 0xFFFF_FFFFL;
    }

    /** Marks the block at {@code header} allocated: {@code units} long, asked for {@code bytes}. */
    void setAllocated(long header, int units, long bytes) {
        mmu.write32(header, (int) ((bytes << 3) | ALLOCATED_TAG));
        setSize(header, units);
    }
}
