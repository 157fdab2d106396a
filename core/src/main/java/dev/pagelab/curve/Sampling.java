package dev.pagelab.curve;

/**
 * How SHARDS samples pages (Waldspurger, Park, Garthwaite and Ahmad, "Efficient MRC Construction
 * with SHARDS", FAST 2015): a page is in the sample when a hash of (process, page) falls below a
 * threshold T out of 2^32, so that a page is either always or never sampled, at rate R = T / 2^32.
 *
 * @param rate     fixed rate: R, in (0, 1]; fixed size: the rate to start with, 1
 * @param maxPages fixed size: s_max, the most pages the sample holds (the rate falls as needed);
 *                 0 for a fixed rate
 * @param seed     mixed into the hash: another seed samples other pages
 * @param adjusted whether to apply the paper's correction for a sample that holds more or fewer
 *                 references than expected (SHARDS_adj): the estimated misses are divided by the
 *                 references of the whole stream instead of the sample's estimate of them
 */
public record Sampling(double rate, int maxPages, long seed, boolean adjusted) {
    public Sampling {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("a sampling rate must be above 0 and at most 1, not " + rate);
        }
        if (maxPages < 0) {
            throw new IllegalArgumentException("the most pages a sample holds must be at least 1 (or 0 for a fixed"
                    + " rate), not " + maxPages);
        }
    }

    /** Every page whose hash falls below {@code rate}: the sample grows with the distinct pages. */
    public static Sampling fixedRate(double rate) {
        return new Sampling(rate, 0, 0, true);
    }

    /** At most {@code maxPages} pages: those with the smallest hashes so far (SHARDS with s_max). */
    public static Sampling fixedSize(int maxPages) {
        if (maxPages < 1) {
            throw new IllegalArgumentException("a fixed-size sample must hold at least 1 page, not " + maxPages);
        }
        return new Sampling(1, maxPages, 0, true);
    }

    /** This sampling with another seed. */
    public Sampling withSeed(long value) {
        return new Sampling(rate, maxPages, value, adjusted);
    }

    /** This sampling with or without the adjustment. */
    public Sampling withAdjusted(boolean value) {
        return new Sampling(rate, maxPages, seed, value);
    }

    /** Whether the sample's size is fixed (and its rate falls). */
    public boolean fixedSize() {
        return maxPages > 0;
    }
}
