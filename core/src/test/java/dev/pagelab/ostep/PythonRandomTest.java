package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PythonRandom} against CPython: the published MT19937 reference outputs
 * ({@code mt19937ar.c}'s {@code init_by_array({0x123, 0x234, 0x345, 0x456})}), a plain
 * re-implementation of the reference algorithm written here from its definition, and the
 * streams python3 printed for many seeds ({@code python-random.txt}: random(), 700 raw words,
 * getrandbits, randrange, randint, shuffle and choice).
 */
class PythonRandomTest {
    /** The first outputs of mt19937ar.c's test program (its {@code mt19937ar.out}). */
    @Test
    void nextWord_referenceKey_mt19937arOutputs() {
        BigInteger key = BigInteger.valueOf(0x456).shiftLeft(96).or(BigInteger.valueOf(0x345).shiftLeft(64))
                .or(BigInteger.valueOf(0x234).shiftLeft(32)).or(BigInteger.valueOf(0x123));
        PythonRandom r = new PythonRandom(key);
        long[] words = new long[5];
        for (int i = 0; i < words.length; i++) {
            words[i] = r.nextWord() & 0xFFFF_FFFFL;
        }
        assertThat(words).containsExactly(1067595299L, 955945823L, 477289528L, 4107218783L, 4228976476L);
    }

    @Test
    void random_seedZeroAndFortyTwo_knownPythonValues() {
        assertThat(new PythonRandom(0).random()).isEqualTo(0.8444218515250481);
        assertThat(new PythonRandom(42).random()).isEqualTo(0.6394267984578837);
    }

    /** A second implementation, as plain as the definition, over 3,000 words a seed. */
    @Test
    void nextWord_manySeeds_matchesPlainReference() {
        var seeds = java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(15);
        int compared = 0;
        for (int s = 0; s < 40; s++) {
            BigInteger seed = new BigInteger(1 + seeds.nextInt(200), new java.util.Random(seeds.nextLong()));
            if (s % 3 == 0) {
                seed = seed.negate();
            }
            PythonRandom fast = new PythonRandom(seed);
            PlainMt plain = new PlainMt(seed.abs());
            for (int i = 0; i < 3_000; i++) {
                long expected = plain.next();
                assertThat(fast.nextWord() & 0xFFFF_FFFFL).as("seed %s, word %d", seed, i).isEqualTo(expected);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(40 * 3_000);
    }

    @Test
    void streams_recordedByPython_identical() {
        int lines = 0;
        int bigSeeds = 0;
        for (String line : fixture()) {
            String[] f = line.split(" ");
            BigInteger seed = new BigInteger(f[1], 16);
            if (seed.abs().bitLength() > 64) {
                bigSeeds++;
            }
            String[] v = Arrays.copyOfRange(f, 2, f.length);
            PythonRandom r = new PythonRandom(seed);
            String what = f[0] + " seed " + seed.toString(16);
            switch (f[0]) {
                case "random" -> {
                    for (int i = 0; i < v.length; i++) {
                        // float.hex() text is a Java hexadecimal floating-point literal.
                        assertThat(r.random()).as(what + " #" + i).isEqualTo(Double.parseDouble(v[i]));
                    }
                }
                case "words" -> {
                    for (int i = 0; i < v.length; i++) {
                        assertThat(r.nextWord() & 0xFFFF_FFFFL).as(what + " #" + i).isEqualTo(Long.parseLong(v[i]));
                    }
                }
                case "getrandbits" -> {
                    for (String kv : v) {
                        String[] p = kv.split(":");
                        assertThat(r.getrandbits(Integer.parseInt(p[0]))).as(what + " " + kv).isEqualTo(Long.parseLong(p[1]));
                    }
                }
                case "randbelow" -> {
                    long[] bounds = {1, 2, 3, 7, 10, 100, 1000, 1L << 31, (1L << 31) + 1, (1L << 62) + 3};
                    for (int i = 0; i < v.length; i++) {
                        assertThat(r.randbelow(bounds[i])).as(what + " below " + bounds[i]).isEqualTo(Long.parseLong(v[i]));
                    }
                }
                case "randint" -> {
                    for (int i = 0; i < v.length; i++) {
                        long got = i < 10 ? r.randint(-5, 5) : r.randrange(3, 1000);
                        assertThat(got).as(what + " #" + i).isEqualTo(Long.parseLong(v[i]));
                    }
                }
                case "shuffle" -> {
                    int[] xs = new int[20];
                    Arrays.setAll(xs, i -> i);
                    r.shuffle(xs);
                    assertThat(Arrays.stream(xs).mapToObj(String::valueOf).toArray()).as(what).containsExactly(
                            (Object[]) v);
                    // choice follows the shuffle in the same stream.
                    String[] next = fixtureLine("choice7", f[1]);
                    for (int i = 0; i < next.length; i++) {
                        assertThat(r.choiceIndex(7)).as("choice7 after shuffle, seed " + f[1] + " #" + i)
                                .isEqualTo(Integer.parseInt(next[i]));
                    }
                }
                case "choice7" -> {
                    // Checked with the shuffle that precedes it.
                }
                default -> throw new AssertionError("python-random.txt: unknown line kind " + f[0]);
            }
            lines++;
        }
        assertThat(lines).isGreaterThan(100);
        assertThat(bigSeeds).as("seeds wider than 64 bits").isGreaterThan(5);
    }

    @Test
    void copy_afterDraws_continuesIdentically() {
        PythonRandom a = new PythonRandom(7);
        for (int i = 0; i < 1_000; i++) {
            a.random();
        }
        PythonRandom b = a.copy();
        assertThat(b.sameState(a)).isTrue();
        for (int i = 0; i < 2_000; i++) {
            assertThat(b.random()).as("draw %d", i).isEqualTo(a.random());
        }
    }

    @Test
    void seed_negative_sameAsAbsoluteValue() {
        assertThat(new PythonRandom(-12345).sameState(new PythonRandom(12345))).isTrue();
        assertThat(new PythonRandom(Long.MIN_VALUE).sameState(new PythonRandom(BigInteger.ONE.shiftLeft(63)))).isTrue();
    }

    @Test
    void randbelow_notPositive_refused() {
        assertThatThrownBy(() -> new PythonRandom(0).randbelow(0)).hasMessageContaining("n=0");
        assertThatThrownBy(() -> new PythonRandom(0).getrandbits(64)).hasMessageContaining("64 bits");
        assertThatThrownBy(() -> new PythonRandom(0).randrange(5, 5)).hasMessageContaining("(5, 5)");
    }

    private static List<String> fixture() {
        try (InputStream in = PythonRandomTest.class.getResourceAsStream("python-random.txt")) {
            return new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] fixtureLine(String kind, String seed) {
        for (String line : fixture()) {
            String[] f = line.split(" ");
            if (f[0].equals(kind) && f[1].equals(seed)) {
                return Arrays.copyOfRange(f, 2, f.length);
            }
        }
        throw new AssertionError("python-random.txt: no " + kind + " line for seed " + seed);
    }

    /**
     * MT19937 as the reference code defines it, on longs masked to 32 bits, seeded as CPython
     * seeds from an integer: init_by_array over the magnitude's 32-bit words.
     */
    private static final class PlainMt {
        private final long[] mt = new long[624];
        private int i = 624;

        PlainMt(BigInteger magnitude) {
            List<Long> key = new ArrayList<>();
            BigInteger m = magnitude;
            do {
                key.add(m.and(BigInteger.valueOf(0xFFFF_FFFFL)).longValue());
                m = m.shiftRight(32);
            } while (m.signum() > 0);
            mt[0] = 19650218L;
            for (int k = 1; k < 624; k++) {
                mt[k] = (1812433253L * (mt[k - 1] ^ (mt[k - 1] >>> 30)) + k) & 0xFFFF_FFFFL;
            }
            int a = 1;
            int b = 0;
            for (int k = Math.max(624, key.size()); k > 0; k--) {
                mt[a] = ((mt[a] ^ (((mt[a - 1] ^ (mt[a - 1] >>> 30)) * 1664525L) & 0xFFFF_FFFFL)) + key.get(b) + b)
                        & 0xFFFF_FFFFL;
                a++;
                b++;
                if (a >= 624) {
                    mt[0] = mt[623];
                    a = 1;
                }
                if (b >= key.size()) {
                    b = 0;
                }
            }
            for (int k = 623; k > 0; k--) {
                mt[a] = ((mt[a] ^ (((mt[a - 1] ^ (mt[a - 1] >>> 30)) * 1566083941L) & 0xFFFF_FFFFL)) - a) & 0xFFFF_FFFFL;
                a++;
                if (a >= 624) {
                    mt[0] = mt[623];
                    a = 1;
                }
            }
            mt[0] = 0x8000_0000L;
        }

        long next() {
            if (i >= 624) {
                for (int k = 0; k < 624; k++) {
                    long y = (mt[k] & 0x8000_0000L) | (mt[(k + 1) % 624] & 0x7FFF_FFFFL);
                    mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908_B0DFL : 0);
                }
                i = 0;
            }
            long y = mt[i++];
            y ^= y >>> 11;
            y ^= (y << 7) & 0x9D2C_5680L;
            y ^= (y << 15) & 0xEFC6_0000L;
            y ^= y >>> 18;
            return y & 0xFFFF_FFFFL;
        }
    }
}
