package dev.pagelab.scenario;

import java.util.List;
import java.util.Locale;

/**
 * The kernel heap's figures at one moment, copied from its statistics view.
 *
 * @param liveBlocks       blocks in use
 * @param requestedBytes   bytes asked for by the blocks in use
 * @param heldBytes        bytes the blocks in use take, headers and rounding included
 * @param headerBytes      bytes of block headers
 * @param freeBytes        bytes on the free list
 * @param largestFreeBytes the largest free block: the largest kmalloc that needs no new memory
 * @param fragmentation    how far the free bytes are from one block, 0 (one block) to 1
 * @param chunks           the pieces of memory the heap got from kmmap
 * @param framesHeld       the frames behind them
 */
public record HeapFigures(long liveBlocks, long requestedBytes, long heldBytes, long headerBytes, long freeBytes,
                          long largestFreeBytes, double fragmentation, long chunks, long framesHeld) {
    /** Two lines of text. */
    public List<String> render() {
        return List.of(
                String.format(Locale.ROOT, "heap: %,d blocks in use, %,d bytes asked for, %,d held (%,d of headers);"
                        + " %,d chunks from kmmap in %,d frames", liveBlocks, requestedBytes, heldBytes, headerBytes,
                        chunks, framesHeld),
                String.format(Locale.ROOT, "  free: %,d bytes, largest free block %,d bytes, fragmentation %.2f",
                        freeBytes, largestFreeBytes, fragmentation));
    }
}
