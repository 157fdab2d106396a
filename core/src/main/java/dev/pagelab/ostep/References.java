package dev.pagelab.ostep;

import java.math.BigInteger;

/**
 * paging-policy.py's reference list, read front to back with {@link #next()}: generated on the
 * fly from the seeded generator ({@code int(maxpage * random())}), or given as a list (the
 * {@code -a} texts, or the lines of {@code -f}).
 *
 * <p>A given list may hold a text that {@code int()} refuses; the script converts each text only
 * when it gets to it, so the list is valid up to that entry ({@link #badAt()}) and the run fails
 * there with {@link #badError()}. Nothing after the first bad entry can ever be used, so it is
 * not converted here either.
 *
 * <p>Not thread-safe; one pass.
 */
final class References {
    private final long length;
    private final long[] values;
    private final int badAt;
    private final PythonError badError;
    private final PythonRandom generator;
    private final double maxpage;
    private final BigInteger maxpageExact;
    private long position;

    private References(long length, long[] values, int badAt, PythonError badError, PythonRandom generator,
                       BigInteger maxpage) {
        this.length = length;
        this.values = values;
        this.badAt = badAt;
        this.badError = badError;
        this.generator = generator;
        this.maxpageExact = maxpage;
        this.maxpage = maxpage == null ? 0 : maxpage.doubleValue();
    }

    /** A list whose entries are all valid. */
    static References of(long[] values) {
        return new References(values.length, values, -1, null, null, null);
    }

    /** The {@code -a} texts, converted up to the first one {@code int()} refuses. */
    static References fromTexts(String[] texts) {
        long[] values = new long[texts.length];
        for (int i = 0; i < texts.length; i++) {
            BigInteger value;
            try {
                value = Py.parseInt(texts[i]);
            } catch (PythonError e) {
                return new References(texts.length, java.util.Arrays.copyOf(values, i), i, e, null, null);
            }
            values[i] = Simulator.toLong(value, "page");
        }
        return of(values);
    }

    /**
     * {@code numaddrs} pages drawn from {@code seeded} (which is left as it was: the draws come
     * from a copy).
     */
    static References generated(BigInteger numaddrs, BigInteger maxpage, PythonRandom seeded) {
        long n = numaddrs.signum() <= 0 ? 0 : Simulator.toLong(numaddrs, "numaddrs");
        // The script draws every reference before it prints anything: its failures come first.
        if (n > 0 && Double.isInfinite(maxpage.doubleValue())) {
            throw new PythonError("OverflowError", "int too large to convert to float");
        }
        if (n > 0 && maxpage.abs().bitLength() > 63) {
            throw new OstepLimitException("maxpage " + maxpage + " gives pages beyond the 64-bit integers pagelab"
                    + " computes with");
        }
        return new References(n, null, -1, null, seeded.copy(), maxpage);
    }

    /** The number of entries, bad ones included. */
    long length() {
        return length;
    }

    /** The index of the first entry {@code int()} refuses, or -1. */
    int badAt() {
        return badAt;
    }

    /** What {@code int()} raises at {@link #badAt()}. */
    PythonError badError() {
        return badError;
    }

    /** Fails as the script does when {@code t} is the bad entry. */
    void check(long t) {
        if (t == badAt) {
            throw badError;
        }
    }

    /** The next page number. */
    long next() {
        long t = position++;
        check(t);
        if (values != null) {
            return values[(int) t];
        }
        // |maxpage| < 2^63 was checked, so the product truncates into a long.
        return (long) (maxpage * generator.random());
    }

    /** Ids suited to the page numbers this list can hold. */
    PageIds ids() {
        if (values == null) {
            return maxpageExact.signum() >= 0 && maxpageExact.bitLength() < 62
                    ? PageIds.forRange(0, maxpageExact.longValue() + 1) : PageIds.any();
        }
        long low = 0;
        long high = 0;
        for (long v : values) {
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        return high < Long.MAX_VALUE ? PageIds.forRange(low, high + 1) : PageIds.any();
    }

    /**
     * The ids of every entry before the first bad one, read from the start (for policies that
     * look ahead).
     *
     * @throws OstepLimitException when there are more than {@link PagingPolicy#MAX_HELD_REFERENCES}
     */
    int[] holdIds(PageIds ids) {
        long held = badAt >= 0 ? badAt : length;
        if (held > PagingPolicy.MAX_HELD_REFERENCES) {
            throw new OstepLimitException("OPT and UNOPT hold the references in memory, at most "
                    + PagingPolicy.MAX_HELD_REFERENCES + "; this run has " + held);
        }
        int[] out = new int[(int) held];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.id(next());
        }
        return out;
    }

    /**
     * The generator as the script's policy finds it: after the generation of every reference
     * (two words a reference), or {@code seeded} itself when the references were given.
     */
    PythonRandom randomAfter(PythonRandom seeded) {
        if (generator == null) {
            return seeded;
        }
        PythonRandom after = seeded.copy();
        for (long i = 0; i < length; i++) {
            after.nextWord();
            after.nextWord();
        }
        return after;
    }
}
