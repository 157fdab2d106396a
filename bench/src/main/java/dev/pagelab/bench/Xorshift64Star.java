package dev.pagelab.bench;

/**
 * The xorshift64* generator (Marsaglia's xorshift with shifts 12, 25, 27 and Vigna's
 * multiplier), the one source of randomness of the frame benchmarks, so that any other
 * implementation (the C reference in {@code bitmap_churn.c}, another language, another kernel)
 * can replay the same operations from the same seed:
 * <pre>
 *  x ^= x &gt;&gt;&gt; 12;  x ^= x &lt;&lt; 25;  x ^= x &gt;&gt;&gt; 27;  return x * 0x2545F4914F6CDD1D;   (64-bit, unsigned)
 * </pre>
 * The output is an unsigned 64-bit number held in a {@code long}: reduce it with
 * {@link #below}, never with {@code %}, which would see a negative number half of the time.
 *
 * <p>The static {@link #advance} and {@link #output} let a hot loop keep the state in a local
 * variable; an instance does the same for code that is not hot. Not thread-safe.
 */
public final class Xorshift64Star {
    /** Vigna's multiplier for xorshift64*. */
    public static final long MULTIPLIER = 0x2545F4914F6CDD1DL;

    private long state;

    /** A generator whose first {@link #next()} advances {@code seed} once; the seed must not be 0. */
    public Xorshift64Star(long seed) {
        if (seed == 0) {
            throw new IllegalArgumentException("xorshift64* seed must not be 0 (it would stay 0 forever)");
        }
        this.state = seed;
    }

    /** The state after one step of the xorshift from {@code state}. */
    public static long advance(long state) {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        return x;
    }

    /** The output (unsigned 64-bit) for a state that {@link #advance} returned. */
    public static long output(long state) {
        return state * MULTIPLIER;
    }

    /** {@code value % bound}, with {@code value} taken as unsigned 64-bit; {@code bound > 0}. */
    public static int below(long value, int bound) {
        return (int) Long.remainderUnsigned(value, bound);
    }

    /** The next output, an unsigned 64-bit number. */
    public long next() {
        state = advance(state);
        return output(state);
    }

    /** {@code next() % bound} with the output taken unsigned; {@code bound > 0}. */
    public int nextBelow(int bound) {
        return below(next(), bound);
    }
}
