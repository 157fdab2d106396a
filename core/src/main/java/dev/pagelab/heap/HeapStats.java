package dev.pagelab.heap;

/**
 * What a {@link KernelHeap} holds and how it is used, at one moment.
 *
 * @param requestedBytes   bytes the live blocks were asked for
 * @param allocatedBytes   bytes the live blocks occupy, headers and rounding to 8 included
 * @param headerBytes      of those, the 8-byte headers
 * @param liveBlocks       blocks handed out and not freed
 * @param freeBytes        bytes in free blocks (headers included)
 * @param freeBlocks       free blocks on the list
 * @param largestFreeBytes the largest free block: the largest request that needs no morecore is 8 less
 * @param heldBytes        virtual bytes of the chunks the heap has kmmapped
 * @param framesHeld       frames mapped behind them now (pages given back are not)
 * @param chunks           chunks kmmapped and not given back
 * @param mallocs          successful allocations so far (kmalloc, kcalloc, a moving krealloc, kmallocAligned)
 * @param frees            frees so far
 * @param failedMallocs    allocations that returned NULL
 * @param morecores        chunks asked of kmmap so far
 * @param framesReleased   frames given back to the frame allocator so far
 */
public record HeapStats(long requestedBytes, long allocatedBytes, long headerBytes, long liveBlocks, long freeBytes,
                        long freeBlocks, long largestFreeBytes, long heldBytes, long framesHeld, long chunks,
                        long mallocs, long frees, long failedMallocs, long morecores, long framesReleased) {

    /**
     * External fragmentation of the free memory: 1 - largest free block / all free bytes; 0 when
     * nothing or one block is free, near 1 when the free memory is in many small pieces.
     */
    public double fragmentation() {
        return freeBytes == 0 ? 0 : 1 - (double) largestFreeBytes / freeBytes;
    }

    /** Bytes lost inside live blocks to headers and rounding: allocated - requested. */
    public long overheadBytes() {
        return allocatedBytes - requestedBytes;
    }
}
