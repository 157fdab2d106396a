package dev.pagelab.scenario;

import dev.pagelab.heap.HeapStats;
import java.util.List;
import java.util.Locale;

/**
 * The kernel heap's figures at one moment, from its {@link HeapStats}, with the fragmentation
 * worked out, for reports and the JSON log.
 *
 * @param liveBlocks       blocks in use
 * @param requestedBytes   bytes asked for by the blocks in use
 * @param allocatedBytes   bytes the blocks in use take, headers and rounding included
 * @param freeBlocks       blocks on the free list
 * @param freeBytes        bytes in free blocks, headers included
 * @param largestFreeBytes the largest free block
 * @param fragmentation    1 - largest free block / free bytes: 0 for one free block, near 1 for many small ones
 * @param chunks           pieces of memory the heap holds from kmmap
 * @param framesHeld       frames mapped behind them
 * @param morecores        chunks asked of kmmap so far
 * @param framesReleased   frames given back to the frame allocator so far
 */
public record HeapFigures(long liveBlocks, long requestedBytes, long allocatedBytes, long freeBlocks, long freeBytes,
                          long largestFreeBytes, double fragmentation, long chunks, long framesHeld, long morecores,
                          long framesReleased) {
    /** The figures of {@code stats}. */
    public static HeapFigures of(HeapStats stats) {
        return new HeapFigures(stats.liveBlocks(), stats.requestedBytes(), stats.allocatedBytes(), stats.freeBlocks(),
                stats.freeBytes(), stats.largestFreeBytes(), stats.fragmentation(), stats.chunks(), stats.framesHeld(),
                stats.morecores(), stats.framesReleased());
    }

    /** Two lines of text. */
    public List<String> render() {
        return List.of(
                String.format(Locale.ROOT, "heap: blocks in use %,d (%,d bytes asked for, %,d with headers and"
                        + " rounding); chunks from kmmap %,d, in %,d frames (morecores so far %,d, frames given back %,d)",
                        liveBlocks, requestedBytes, allocatedBytes, chunks, framesHeld, morecores, framesReleased),
                String.format(Locale.ROOT, "  free list: blocks %,d, %,d bytes, the largest %,d bytes;"
                        + " fragmentation %.2f", freeBlocks, freeBytes, largestFreeBytes, fragmentation));
    }
}
