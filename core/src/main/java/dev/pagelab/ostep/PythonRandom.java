package dev.pagelab.ostep;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * CPython's {@code random} module, bit for bit: the Mersenne Twister MT19937 (Matsumoto and
 * Nishimura, "Mersenne Twister: a 623-dimensionally equidistributed uniform pseudo-random number
 * generator", ACM TOMACS 8(1), 1998) seeded and read the way CPython 3's {@code _random} module and
 * {@code random.py} do, so that {@code random.seed(n)} followed by the same calls gives the same
 * numbers here as in Python.
 *
 * <h2>The state and its seeding</h2>
 * <pre>
 *   state: 624 words of 32 bits, mt[0..623], and an index 0..624 into them
 *
 *   seed(n), n an integer of any size (Python 3, random.seed(n) and random.seed(n, version=1)):
 *     1. key = the 32-bit words of |n|, least significant first; [0] when n = 0
 *     2. mt = init_genrand(19650218), the reference code's fill:
 *          mt[0] = 19650218; mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >>> 30)) + i
 *     3. init_by_array(key): max(624, key.length) steps mixing key[j] + j into mt[i]
 *        (multiplier 1664525), then 623 steps subtracting i (multiplier 1566083941),
 *        both wrapping i from 623 back to 1 with mt[0] = mt[623]
 *     4. mt[0] = 0x80000000 (the state is never all zero); index = 624
 * </pre>
 *
 * <h2>The outputs</h2>
 * <ul>
 *   <li>{@link #nextWord()}: the reference tempered 32-bit output; the 624 words are regenerated
 *       (the "twist") when the index reaches 624.</li>
 *   <li>{@link #random()}: {@code a = word >>> 5} (27 bits), {@code b = word >>> 6} (26 bits),
 *       {@code (a * 2^26 + b) / 2^53}: a double in [0, 1) with 53 random bits (CPython's
 *       {@code genrand_res53}).</li>
 *   <li>{@link #getrandbits(int)}: k bits; for k up to 32 the top k bits of one word, above that
 *       words from least to most significant, the last one shifted right to keep its top bits.</li>
 *   <li>{@link #randbelow(long)}: {@code random.py}'s {@code _randbelow_with_getrandbits}: draw
 *       {@code n.bit_length()} bits until the value is below n (rejection, so a call can use more
 *       than one word).</li>
 *   <li>{@link #randrange(long, long)}, {@link #randint(long, long)}, {@link #choiceIndex(int)}
 *       and {@link #shuffle(int[])} are built on {@code randbelow} as {@code random.py} builds
 *       them.</li>
 * </ul>
 * The OSTEP scripts call only {@code random.seed} and {@code random.random}; the others are here
 * because instructors' own scripts use them.
 *
 * <p>Not thread-safe. {@link #copy()} gives an independent generator in the same state.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;
    private static final double TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0;

    private final int[] mt = new int[N];
    private int index;

    /** A generator as {@code random.seed(seed)} leaves it. */
    public PythonRandom(long seed) {
        seed(seed);
    }

    /** A generator as {@code random.seed(seed)} leaves it, for a seed of any size. */
    public PythonRandom(BigInteger seed) {
        seed(seed);
    }

    private PythonRandom(int[] state, int index) {
        System.arraycopy(state, 0, mt, 0, N);
        this.index = index;
    }

    /** {@code random.seed(seed)}: a negative seed seeds as its absolute value. */
    public void seed(long seed) {
        seed(BigInteger.valueOf(seed));
    }

    /** {@code random.seed(seed)} for an integer of any size; a negative seed seeds as its absolute value. */
    public void seed(BigInteger seed) {
        initByArray(words(seed.abs()));
    }

    /** The 32-bit words of a non-negative integer, least significant first; {@code [0]} for zero. */
    static int[] words(BigInteger magnitude) {
        int bits = magnitude.bitLength();
        int count = bits == 0 ? 1 : (bits - 1) / 32 + 1;
        int[] key = new int[count];
        for (int i = 0; i < count; i++) {
            key[i] = magnitude.shiftRight(32 * i).intValue();
        }
        return key;
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = UPPER_MASK;
        index = N;
    }

    private void twist() {
        int k = 0;
        for (; k < N - M; k++) {
            int y = (mt[k] & UPPER_MASK) | (mt[k + 1] & LOWER_MASK);
            mt[k] = mt[k + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; k < N - 1; k++) {
            int y = (mt[k] & UPPER_MASK) | (mt[k + 1] & LOWER_MASK);
            mt[k] = mt[k + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        index = 0;
    }

    /** The next 32 bits of the stream (CPython's {@code genrand_uint32}), as an int whose bits are the word. */
    public int nextWord() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code random.random()}: a double in [0, 1) from two words. */
    public double random() {
        long a = (nextWord() >>> 5) & 0xFFFF_FFFFL;
        long b = (nextWord() >>> 6) & 0xFFFF_FFFFL;
        return (a * 67108864.0 + b) * TWO_TO_MINUS_53;
    }

    /**
     * {@code random.getrandbits(bits)} for 0 to 63 bits, as a non-negative long.
     *
     * @throws IllegalArgumentException when {@code bits} is negative or above 63
     */
    public long getrandbits(int bits) {
        if (bits < 0 || bits > 63) {
            throw new IllegalArgumentException("getrandbits: " + bits + " bits; this generator gives 0 to 63");
        }
        if (bits == 0) {
            return 0;
        }
        if (bits <= 32) {
            return (nextWord() & 0xFFFF_FFFFL) >>> (32 - bits);
        }
        long low = nextWord() & 0xFFFF_FFFFL;
        long high = (nextWord() & 0xFFFF_FFFFL) >>> (64 - bits);
        return high << 32 | low;
    }

    /**
     * {@code random._randbelow(n)}: uniform in [0, n) by rejection on {@code n.bit_length()} bits.
     *
     * @throws IllegalArgumentException when {@code n} is not positive
     */
    public long randbelow(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("randbelow: n=" + n + " must be positive");
        }
        int bits = 64 - Long.numberOfLeadingZeros(n);
        long r = getrandbits(bits);
        while (r >= n) {
            r = getrandbits(bits);
        }
        return r;
    }

    /**
     * {@code random.randrange(start, stop)}: uniform in [start, stop).
     *
     * @throws IllegalArgumentException when the range is empty (Python raises ValueError) or wider than a long
     */
    public long randrange(long start, long stop) {
        long width = stop - start;
        if (stop <= start || width <= 0) {
            throw new IllegalArgumentException("randrange: empty or too wide range (" + start + ", " + stop + ")");
        }
        return start + randbelow(width);
    }

    /** {@code random.randint(a, b)}: uniform in [a, b], that is {@code randrange(a, b + 1)}. */
    public long randint(long a, long b) {
        if (b == Long.MAX_VALUE) {
            throw new IllegalArgumentException("randint: b=" + b + " is beyond this generator's range");
        }
        return randrange(a, b + 1);
    }

    /**
     * The index {@code random.choice(seq)} picks in a sequence of {@code length} elements.
     *
     * @throws IllegalArgumentException when {@code length} is not positive (Python raises IndexError)
     */
    public int choiceIndex(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("choice: cannot choose from an empty sequence (length=" + length + ")");
        }
        return (int) randbelow(length);
    }

    /** {@code random.shuffle(values)}: Fisher-Yates from the last element down, in place. */
    public void shuffle(int[] values) {
        for (int i = values.length - 1; i >= 1; i--) {
            int j = (int) randbelow(i + 1L);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /** An independent generator in this one's state. */
    public PythonRandom copy() {
        return new PythonRandom(mt, index);
    }

    /** Whether {@code other} is in the same state. */
    boolean sameState(PythonRandom other) {
        return index == other.index && Arrays.equals(mt, other.mt);
    }
}
