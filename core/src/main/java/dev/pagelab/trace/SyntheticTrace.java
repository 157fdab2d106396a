package dev.pagelab.trace;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A seeded synthetic reference stream with the locality of real programs, for benchmarks and tests:
 * the same {@link Config} gives the same references, whatever the block sizes they are read in.
 *
 * <p>The stream is a sequence of runs; each run belongs to one process (uniformly drawn when there
 * are several) and follows one of three patterns over that process's pages {@code [0, pages)}:
 * <pre>
 *   hot   60%  16-271 references, each page drawn Zipf-like: rank r with probability ~ 1/(r+1)
 *              (r = floor((pages+1)^U) - 1, U uniform), ranks spread over the pages by a
 *              per-process bijection (r * m + o) mod pages, gcd(m, pages) = 1
 *   loop  25%  a range of 2-257 consecutive pages (fewer when there are fewer pages) from a random
 *              start, swept 2-8 times
 *   scan  15%  one sweep of 16-1039 consecutive pages from a random start, wrapping at pages
 * </pre>
 * The percentages are shares of references, in expectation (for 258 pages or more): a run's
 * pattern is drawn with probability proportional to its share over its mean length.
 * Each reference is a {@link RefKind#WRITE} with probability {@code writeShare}, else a
 * {@link RefKind#READ}. Pages are per process (pid 0 and pid 1 both have a page 7). The random
 * generator is {@code L64X128MixRandom} seeded with {@code seed}.
 *
 * <p>Not thread-safe; allocation-free after construction.
 */
public final class SyntheticTrace {
    /** Shares of references that are hot, loop and scan (the rest). */
    static final double HOT_SHARE = 0.60;
    static final double LOOP_SHARE = 0.25;
    /** The probabilities of a run's pattern that give those shares: share over mean run length. */
    private static final double HOT_RUNS;
    private static final double LOOP_RUNS;

    static {
        double hot = HOT_SHARE / (16 + 255 / 2.0);
        double loop = LOOP_SHARE / ((2 + 255 / 2.0) * (2 + 6 / 2.0));
        double scan = (1 - HOT_SHARE - LOOP_SHARE) / (16 + 1023 / 2.0);
        HOT_RUNS = hot / (hot + loop + scan);
        LOOP_RUNS = loop / (hot + loop + scan);
    }

    private static final byte HOT = 0;
    private static final byte LOOP = 1;
    private static final byte SCAN = 2;

    /**
     * What to generate.
     *
     * @param references references in all, at least 0
     * @param pages      pages of each process, at least 1 (with enough references nearly all are touched)
     * @param writeShare share of references that are writes, 0 to 1
     * @param processes  processes, at least 1; pids are {@code 0 .. processes - 1}
     * @param seed       the random generator's seed
     */
    public record Config(long references, int pages, double writeShare, int processes, long seed) {
        /** Checks every value. */
        public Config {
            if (references < 0) {
                throw new IllegalArgumentException("synthetic trace: references " + references + " must be 0 or more");
            }
            if (pages < 1) {
                throw new IllegalArgumentException("synthetic trace: pages " + pages + " must be at least 1");
            }
            if (!(writeShare >= 0 && writeShare <= 1)) {
                throw new IllegalArgumentException("synthetic trace: write share " + writeShare + " must be from 0 to 1");
            }
            if (processes < 1) {
                throw new IllegalArgumentException("synthetic trace: processes " + processes + " must be at least 1");
            }
        }

        /** One process, a write share of 0.25, seed 1. */
        public static Config of(long references, int pages) {
            return new Config(references, pages, 0.25, 1, 1);
        }

        /** This configuration with another seed. */
        public Config withSeed(long seed) {
            return new Config(references, pages, writeShare, processes, seed);
        }

        /** A one-line description: {@code synthetic(references=..., pages=..., ...)}. */
        public String describe() {
            return "synthetic(references=" + references + ", pages=" + pages + ", writes=" + writeShare
                    + ", processes=" + processes + ", seed=" + seed + ")";
        }
    }

    private final Config config;
    private final RandomGenerator random;
    private final double logPagesPlusOne;
    private final long[] multiplier;
    private final long[] offset;
    private long produced;

    private byte pattern;
    private int pid;
    private long runLeft;
    private long rangeStart;
    private int rangeLength;
    private int rangeIndex;

    /** A generator at the start of the stream. */
    public SyntheticTrace(Config config) {
        this.config = config;
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
        this.logPagesPlusOne = Math.log(config.pages() + 1.0);
        this.multiplier = new long[config.processes()];
        this.offset = new long[config.processes()];
        for (int p = 0; p < config.processes(); p++) {
            long m;
            do {
                m = 1 + random.nextLong(Math.max(1, config.pages()));
            } while (gcd(m, config.pages()) != 1);
            multiplier[p] = m;
            offset[p] = random.nextLong(config.pages());
        }
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    /** References still to come. */
    public long remaining() {
        return config.references() - produced;
    }

    /**
     * Fills {@code block} from index 0 with the next references, up to its capacity.
     *
     * @return {@code block.size}; 0 at the end
     */
    public int next(TraceBlock block) {
        int count = (int) Math.min(block.capacity(), remaining());
        long[] pages = block.pages;
        byte[] kinds = block.kinds;
        int[] pids = block.pids;
        int n = config.pages();
        double writeShare = config.writeShare();
        for (int i = 0; i < count; i++) {
            if (runLeft == 0) {
                startRun(n);
            }
            runLeft--;
            long page;
            if (pattern == HOT) {
                long rank = (long) Math.exp(random.nextDouble() * logPagesPlusOne) - 1;
                rank = Math.min(Math.max(rank, 0), n - 1);
                page = (rank * multiplier[pid] + offset[pid]) % n;
            } else {
                page = (rangeStart + rangeIndex) % n;
                if (++rangeIndex == rangeLength) {
                    rangeIndex = 0;
                }
            }
            pages[i] = page;
            kinds[i] = writeShare > 0 && random.nextDouble() < writeShare ? RefKind.WRITE : RefKind.READ;
            pids[i] = pid;
        }
        produced += count;
        block.size = count;
        return count;
    }

    private void startRun(int n) {
        if (config.processes() > 1) {
            pid = random.nextInt(config.processes());
        }
        double u = random.nextDouble();
        rangeIndex = 0;
        if (u < HOT_RUNS) {
            pattern = HOT;
            runLeft = 16 + random.nextInt(256);
        } else if (u < HOT_RUNS + LOOP_RUNS) {
            pattern = LOOP;
            rangeStart = random.nextInt(n);
            rangeLength = Math.min(n, 2 + random.nextInt(256));
            runLeft = (long) rangeLength * (2 + random.nextInt(7));
        } else {
            pattern = SCAN;
            rangeStart = random.nextInt(n);
            rangeLength = 16 + random.nextInt(1024);
            runLeft = rangeLength;
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * A {@link TraceReader} over a new generator for {@code config}. Its {@link TraceReader#format()}
     * is {@link TraceFormat#VMSIM}, the file format that holds the same columns (page, read or write,
     * pid); its name is {@link Config#describe()}; it carries pids when there are several processes.
     */
    public static TraceReader reader(Config config) {
        SyntheticTrace trace = new SyntheticTrace(config);
        return new TraceReader() {
            @Override
            public TraceFormat format() {
                return TraceFormat.VMSIM;
            }

            @Override
            public String name() {
                return config.describe();
            }

            @Override
            public boolean hasPids() {
                return config.processes() > 1;
            }

            @Override
            public int read(TraceBlock block) {
                return trace.next(block);
            }

            @Override
            public void close() {
            }
        };
    }
}
