package dev.pagelab.pmm;

/**
 * Bitsets over frame numbers kept beside RAM, in Java, one bit a frame in {@code long} words:
 * frame {@code pfn} is bit {@code pfn % 64} of word {@code pfn / 64}. The bitmap allocator's
 * {@code managed} and run records and the free list's pool, allocated, continued and touched bits
 * are such sets; the bitmap in simulated RAM is not (it is read and written through
 * {@link dev.pagelab.hw.PhysicalMemory.Words}), but uses {@link #mask} for its words.
 *
 * <p>Static helpers with no state; callers guarantee the ranges lie inside their arrays.
 */
final class FrameBits {
    /** log2 of the bits in a word. */
    static final int WORD_SHIFT = 6;
    /** Bits in a word. */
    static final int WORD_BITS = 1 << WORD_SHIFT;
    /** Returned by the searches when no frame qualifies. */
    static final long NONE = -1;

    private FrameBits() {
    }

    /** Words needed for frames {@code [0, frames)}. */
    static int words(long frames) {
        return (int) ((frames + WORD_BITS - 1) >>> WORD_SHIFT);
    }

    /** Whether the bit of frame {@code pfn} is set. */
    static boolean isSet(long[] bits, long pfn) {
        return (bits[(int) (pfn >>> WORD_SHIFT)] & (1L << pfn)) != 0;
    }

    /** The bits of {@code [from, to)} within one word; {@code to - from} is 1 to 64. */
    static long mask(long from, long to) {
        long count = to - from;
        return (count == WORD_BITS ? -1L : (1L << count) - 1) << from;
    }

    /** Sets or clears the bits of frames {@code [from, to)}. */
    static void fill(long[] bits, long from, long to, boolean set) {
        for (long at = from; at < to; ) {
            int w = (int) (at >>> WORD_SHIFT);
            long end = Math.min(to, ((long) w + 1) << WORD_SHIFT);
            long mask = mask(at, end);
            bits[w] = set ? bits[w] | mask : bits[w] & ~mask;
            at = end;
        }
    }

    /** The set bits in {@code [from, to)}. */
    static long countSet(long[] bits, long from, long to) {
        long count = 0;
        for (long at = from; at < to; ) {
            int w = (int) (at >>> WORD_SHIFT);
            long end = Math.min(to, ((long) w + 1) << WORD_SHIFT);
            count += Long.bitCount(bits[w] & mask(at, end));
            at = end;
        }
        return count;
    }

    /** The first set bit in {@code [from, to)}, or {@link #NONE}; {@code to} is at most the bits' length. */
    static long nextSet(long[] bits, long from, long to) {
        return next(bits, from, to, 0);
    }

    /** The first clear bit in {@code [from, to)}, or {@link #NONE}; {@code to} is at most the bits' length. */
    static long nextClear(long[] bits, long from, long to) {
        return next(bits, from, to, -1L);
    }

    /** The first bit in {@code [from, to)} that differs from {@code flip}'s, or NONE. */
    private static long next(long[] bits, long from, long to, long flip) {
        if (from >= to) {
            return NONE;
        }
        int w = (int) (from >>> WORD_SHIFT);
        long word = (bits[w] ^ flip) & (-1L << from);
        while (true) {
            if (word != 0) {
                long pfn = ((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(word);
                return pfn < to ? pfn : NONE;
            }
            if ((long) ++w << WORD_SHIFT >= to) {
                return NONE;
            }
            word = bits[w] ^ flip;
        }
    }
}
