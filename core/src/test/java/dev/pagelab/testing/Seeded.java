package dev.pagelab.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Property tests without a property-testing library: a fixed number of cases, each with its own
 * {@link RandomGenerator}, and coverage gates that fail the property when the interesting cases
 * did not happen often enough.
 *
 * <pre>
 *  name ──FNV-1a──▶ master seed ──splitmix64(master + (i+1)·φ)──▶ seed of case i ──▶ L64X128MixRandom
 * </pre>
 *
 * <ol>
 *   <li>{@link #cases(String, int)} names the property and its number of cases. The master seed is
 *       derived from the name, so it is fixed (every run draws the same inputs) and differs from
 *       property to property; {@link #masterSeed(long)} sets another.</li>
 *   <li>{@link #requireShare} / {@link #requireAtLeast} declare the gates: a label must be hit
 *       in at least a share of the times it was {@linkplain Case#cover recorded}, or at least so
 *       many times. Record a label once a case to gate a share of cases (jqwik's
 *       {@code Statistics.coverage}); record it once an event to gate a share of events.</li>
 *   <li>{@link #run} runs every case. The body tells where it is with {@link Case#step}. A case
 *       that throws ends the property with an {@link AssertionError} naming the property, the
 *       case, its seed, what it was {@linkplain Case#given given}, the last step and the system property that runs that case alone; the
 *       original throwable is its cause.</li>
 *   <li>After the last case every gate is checked, and a failed gate names the label, the
 *       counts, the share required and the master seed.</li>
 * </ol>
 *
 * <p>{@code -Dpagelab.seed=0x…} (hex or decimal) runs only the case with that seed, of every
 * property that runs, and skips the gates: one case proves no share. {@code -Dpagelab.coverage.print=true}
 * prints every label's counts, to set a gate a safe margin below what the generators reach.
 * {@code -Dpagelab.seed.salt=N} mixes N into every master seed: the same properties on other inputs
 * (a longer search, or a check that a test catches a mutant on more than one set of seeds).
 *
 * <p>The generator helpers on {@link Case} are uniform, except {@link Case#biased} (log-scaled
 * towards 0), {@link Case#edgy}, which mixes uniform and biased draws with the edges of the
 * range (min, min + 1, -1, 0, 1, max - 1, max), and {@link Case#length}, mostly short: as jqwik
 * drew the numbers and the list sizes it made.
 */
public final class Seeded {
    /** The algorithm of every case's generator. */
    public static final String ALGORITHM = "L64X128MixRandom";
    /** The system property that runs one case alone. */
    public static final String SEED_PROPERTY = "pagelab.seed";
    /** The system property whose value (hex or decimal) is mixed into every master seed: other inputs, same counts. */
    public static final String SALT_PROPERTY = "pagelab.seed.salt";
    /** The system property that, set to true, prints every label's counts after the cases (to tune the gates). */
    public static final String PRINT_PROPERTY = "pagelab.coverage.print";
    /** How often {@link Case#edgy} returns an edge of its range: one in this many. */
    static final int EDGE_ONE_IN = 8;

    private final String name;
    private final int cases;
    private long masterSeed;
    private final Map<String, Gate> gates = new LinkedHashMap<>();

    private Seeded(String name, int cases) {
        if (cases < 1) {
            throw new IllegalArgumentException("cases: " + cases + ", expected at least 1");
        }
        this.name = name;
        this.cases = cases;
        String salt = System.getProperty(SALT_PROPERTY);
        this.masterSeed = fnv1a(name) ^ (salt == null || salt.isBlank() ? 0 : splitmix64(parseSeed(salt)));
    }

    /** A property called {@code name} (shown in failures) that runs {@code cases} cases. */
    public static Seeded cases(String name, int cases) {
        return new Seeded(name, cases);
    }

    /** Uses {@code seed} as the master seed instead of the one derived from the name. */
    public Seeded masterSeed(long seed) {
        this.masterSeed = seed;
        return this;
    }

    /** Fails the property unless {@code label} was hit in at least {@code minShare} (0..1) of its records. */
    public Seeded requireShare(String label, double minShare) {
        gate(label).minShare = minShare;
        return this;
    }

    /** Fails the property unless {@code label} was hit at least {@code minHits} times. */
    public Seeded requireAtLeast(String label, long minHits) {
        gate(label).minHits = minHits;
        return this;
    }

    private Gate gate(String label) {
        return gates.computeIfAbsent(label, l -> new Gate());
    }

    /** The seed of case {@code index} (from 0) under {@code masterSeed}. */
    public static long caseSeed(long masterSeed, int index) {
        return splitmix64(masterSeed + (index + 1L) * 0x9E37_79B9_7F4A_7C15L);
    }

    /** A fresh generator of the algorithm every case uses. */
    public static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of(ALGORITHM).create(seed);
    }

    /** Runs every case (or only the one {@code -Dpagelab.seed} names), then checks the gates. */
    public void run(Body body) {
        String only = System.getProperty(SEED_PROPERTY);
        if (only != null && !only.isBlank()) {
            runCase(-1, parseSeed(only), body);
            return;
        }
        for (int i = 0; i < cases; i++) {
            runCase(i, caseSeed(masterSeed, i), body);
        }
        checkGates();
    }

    private void runCase(int index, long seed, Body body) {
        Case c = new Case(index, seed, random(seed), gates);
        try {
            body.run(c);
        } catch (Throwable t) {
            String which = index < 0 ? "the case" : "case " + index + " of " + cases;
            String given = c.given == null ? "" : ", given " + describe(c.given);
            String where = c.stepName == null ? "" : ", step " + c.step + " (" + describe(c.stepName) + ")";
            throw new AssertionError(name + ": " + which + ", seed " + hex(seed) + given + where + ": " + t
                    + "\n  run it alone: -D" + SEED_PROPERTY + "=" + hex(seed), t);
        }
    }

    private static String describe(Object what) {
        try {
            String text = String.valueOf(what);
            return text.length() <= 2000 ? text : text.substring(0, 2000) + "…";
        } catch (RuntimeException e) {
            return what.getClass().getSimpleName() + " (toString threw " + e + ")";
        }
    }

    private void checkGates() {
        StringBuilder failures = new StringBuilder();
        boolean print = Boolean.getBoolean(PRINT_PROPERTY);
        for (Map.Entry<String, Gate> e : gates.entrySet()) {
            Gate g = e.getValue();
            double share = g.records == 0 ? 0 : (double) g.hits / g.records;
            if (print) {
                System.out.printf("%s: '%s' hit %d of %d times (%.1f%%)%n", name, e.getKey(), g.hits, g.records, 100 * share);
            }
            if (g.records == 0) {
                failures.append("\n  '").append(e.getKey()).append("' was never recorded");
            } else if (share < g.minShare || g.hits < g.minHits) {
                failures.append(String.format("%n  '%s' hit %d of %d times (%.1f%%), required at least %.1f%%%s",
                        e.getKey(), g.hits, g.records, 100 * share, 100 * g.minShare,
                        g.minHits > 0 ? " and " + g.minHits + " times" : ""));
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(name + ": coverage gates failed over " + cases + " cases (master seed "
                    + hex(masterSeed) + "):" + failures);
        }
    }

    static long parseSeed(String text) {
        String t = text.strip().replace("_", "");
        return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    }

    static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    static long fnv1a(String text) {
        long hash = 0xCBF2_9CE4_8422_2325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100_0000_01B3L;
        }
        return hash;
    }

    static long splitmix64(long x) {
        long z = x;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** The body of a property, run once a case. */
    @FunctionalInterface
    public interface Body {
        void run(Case c) throws Exception;
    }

    /** What a gate requires and what was recorded. */
    private static final class Gate {
        double minShare;
        long minHits;
        long hits;
        long records;
    }

    /** One case: its generator, where it is, and what it covered. */
    public static final class Case {
        private final int index;
        private final long seed;
        private final RandomGenerator random;
        private final Map<String, Gate> gates;
        private Object given;
        private int step;
        private Object stepName;

        Case(int index, long seed, RandomGenerator random, Map<String, Gate> gates) {
            this.index = index;
            this.seed = seed;
            this.random = random;
            this.gates = gates;
        }

        /** The case's number from 0, or -1 when it runs alone. */
        public int index() {
            return index;
        }

        public long seed() {
            return seed;
        }

        public RandomGenerator random() {
            return random;
        }

        /** Records the case's starting point (a pool, a setup), for the failure message; formatted only on failure. */
        public void given(Object what) {
            this.given = what;
        }

        /** Records where the case is, for the failure message; {@code what} is formatted only on failure. */
        public void step(int step, Object what) {
            this.step = step;
            this.stepName = what;
        }

        /** Records one observation of {@code label}; the gates count hits and records. */
        public void cover(String label, boolean hit) {
            Gate g = gates.computeIfAbsent(label, l -> new Gate());
            g.records++;
            if (hit) {
                g.hits++;
            }
        }

        /** Uniform in [min, max], both included. */
        public int between(int min, int max) {
            return (int) random.nextLong(min, (long) max + 1);
        }

        /** Uniform in [min, max], both included. */
        public long between(long min, long max) {
            if (max != Long.MAX_VALUE) {
                return random.nextLong(min, max + 1);
            }
            return min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1;
        }

        /**
         * A value in [min, max] drawn the way jqwik drew numbers: one time in eight an edge of the
         * range (min, min + 1, -1, 0, 1, max - 1, max: those inside it), otherwise half the time
         * {@linkplain #biased biased} towards 0 and half the time uniform.
         */
        public long edgy(long min, long max) {
            int draw = random.nextInt(2 * EDGE_ONE_IN);
            if (draw < 2) {
                long[] edges = {min, min + 1, -1, 0, 1, max - 1, max};
                long e = edges[random.nextInt(edges.length)];
                return e < min || e > max ? min : e;
            }
            return draw < EDGE_ONE_IN + 1 ? biased(min, max) : between(min, max);
        }

        /**
         * A length of a sequence or a list in [min, max], mostly short, as jqwik sized its lists:
         * one time in eight min or max; otherwise nine times in ten within the first eighth of
         * the range (at least 10 values) and one time in ten anywhere in it.
         */
        public int length(int min, int max) {
            if (random.nextInt(EDGE_ONE_IN) == 0) {
                return random.nextBoolean() ? min : max;
            }
            int shortMax = (int) Math.min(max, min + Math.max(10L, ((long) max - min) / 8));
            return random.nextInt(10) != 0 ? between(min, shortMax) : between(min, max);
        }

        /** {@link #edgy(long, long)} for ints. */
        public int edgy(int min, int max) {
            return (int) edgy((long) min, (long) max);
        }

        /**
         * A value in [min, max] near the point of the range closest to 0, log-scaled: the distance
         * from that point has a uniformly drawn bit length, so 1-9 come up about as often as
         * 1,000-9,999. Short sequences and small sizes are then common, and long or large ones
         * still come up.
         */
        public long biased(long min, long max) {
            long center = Math.clamp(0, min, max);
            boolean below = center > min && (center == max || random.nextBoolean());
            long span = below ? center - min : max - center;
            if (span < 0) { // the distance from 0 to Long.MIN_VALUE
                span = Long.MAX_VALUE;
            }
            int bits = random.nextInt(65 - Long.numberOfLeadingZeros(span));
            long limit = bits == 0 ? 0 : Math.min(span, bits == 63 ? Long.MAX_VALUE : (1L << bits) - 1);
            long offset = limit == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(limit + 1);
            return below ? center - offset : center + offset;
        }

        public boolean coin() {
            return random.nextBoolean();
        }

        /** One of {@code values}, uniformly; repeat a value to weight it. */
        @SafeVarargs
        public final <T> T pick(T... values) {
            return values[random.nextInt(values.length)];
        }

        /** One of {@code values}, uniformly; repeat a value to weight it. */
        public long oneOf(long... values) {
            return values[random.nextInt(values.length)];
        }

        /** One of {@code values}, uniformly; repeat a value to weight it. */
        public int oneOf(int... values) {
            return values[random.nextInt(values.length)];
        }

        /** An index into {@code weights}, each drawn in proportion to its weight. */
        public int weighted(int... weights) {
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            int r = random.nextInt(total);
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return i;
                }
            }
            throw new AssertionError("unreachable");
        }

        public byte[] bytes(int length) {
            byte[] out = new byte[length];
            random.nextBytes(out);
            return out;
        }
    }
}
