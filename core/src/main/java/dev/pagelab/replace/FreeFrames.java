package dev.pagelab.replace;

/**
 * The free frames of a {@link Pool}, handed out lowest-numbered first: rule 4 of
 * {@link ReplacementPolicy}'s protocol, which the replay engine and the kernel's pools both keep
 * (it is what makes Clock's circle the frames in the order the pool first filled them, and the
 * two count the same faults).
 *
 * <pre>
 *   frames [0, fill) have held a page, frames ≥ fill never have; a frame below fill that was
 *   left empty (a release, a process gone) is a set bit in freeBelowFill, so the lowest free frame
 *   is found without a scan of the pool while nothing was left empty (the common case)
 * </pre>
 */
public final class FreeFrames {
    private final long[] freeBelowFill;
    private int fill;
    private int freedCount;

    /** The frames of a pool of {@code capacity} of which {@code 0 … filled−1} hold pages. */
    public FreeFrames(int capacity, int filled) {
        if (filled < 0 || filled > capacity) {
            throw new IllegalArgumentException(filled + " frames filled of a pool of " + capacity);
        }
        this.freeBelowFill = new long[(capacity + 63) >>> 6];
        this.fill = filled;
    }

    /** Takes the lowest-numbered free frame (the caller knows the pool is not full). */
    public int take() {
        if (freedCount > 0) {
            for (int w = 0; w < freeBelowFill.length; w++) {
                long word = freeBelowFill[w];
                if (word != 0) {
                    freeBelowFill[w] = word & (word - 1);
                    freedCount--;
                    return (w << 6) + Long.numberOfTrailingZeros(word);
                }
            }
        }
        return fill++;
    }

    /** Gives back {@code frame}, which a page left without another taking it. */
    public void free(int frame) {
        freeBelowFill[frame >>> 6] |= 1L << frame;
        freedCount++;
    }
}
