package dev.pagelab.curve;

import java.util.Arrays;

/**
 * One process's references by stack distance, and its dirty evictions by frame count, filled
 * during a one-pass curve and turned into fault and write-back counts at the end.
 *
 * <pre>
 *   hits[d]       references at distance d, 1 ≤ d ≤ maxFrames (hit at every C ≥ d)
 *   far           references at a distance above maxFrames, and cold ones (a fault at every C ≤ maxFrames)
 *   dirty[C]      a difference array: dirty evictions at C = dirty[1] + … + dirty[C]
 *
 *   faults(C)     = far + hits[C+1] + … + hits[L]        L = the last frame count counted
 *   writebacks(C) = dirty[1] + … + dirty[C]
 * </pre>
 *
 * The arrays grow with the pool's pages ({@link #ensure}), never past {@code maxFrames}; a
 * distance is never above the pool's pages, so the loops need no bounds checks of their own.
 */
final class DistanceCounts {
    private final int maxFrames;
    private final boolean writebacks;
    private long[] hits = new long[2];
    private long[] dirty;
    private long far;

    DistanceCounts(int maxFrames, boolean writebacks) {
        this.maxFrames = maxFrames;
        this.writebacks = writebacks;
        this.dirty = writebacks ? new long[2] : null;
    }

    /** Makes room for the distances of a pool of {@code pages} pages. */
    void ensure(int pages) {
        int needed = Math.min(maxFrames, pages) + 2;
        if (needed > hits.length) {
            int length = (int) Math.min(Math.max(needed, 2L * hits.length), (long) maxFrames + 2);
            hits = Arrays.copyOf(hits, length);
            if (writebacks) {
                dirty = Arrays.copyOf(dirty, length);
            }
        }
    }

    /** One reference at {@code distance} ({@link LruStack#COLD} for a first one). */
    void count(int distance) {
        if (distance == LruStack.COLD || distance > maxFrames) {
            far++;
        } else {
            hits[distance]++;
        }
    }

    /** One dirty eviction at every frame count in [{@code from}, {@code to}), from ≥ 1. */
    void dirtyEvictions(int from, int to) {
        if (from < to && from <= maxFrames) {
            dirty[from]++;
            // to ≤ the pool's pages < Integer.MAX_VALUE, so maxFrames + 1 is taken only when it cannot overflow.
            dirty[to <= maxFrames ? to : maxFrames + 1]--;
        }
    }

    /** Faults at frame counts 1 … {@code frames}, at index frames − 1. */
    long[] faults(int frames) {
        long[] faults = new long[frames];
        long sum = far;
        for (int c = frames; c >= 1; c--) {
            faults[c - 1] = sum;
            sum += hits[c];
        }
        return faults;
    }

    /** Write-backs at frame counts 1 … {@code frames}, at index frames − 1; null when not counted. */
    long[] writebacks(int frames) {
        if (!writebacks) {
            return null;
        }
        long[] counts = new long[frames];
        long sum = 0;
        for (int c = 1; c <= frames; c++) {
            sum += dirty[c];
            counts[c - 1] = sum;
        }
        return counts;
    }
}
