package dev.pagelab.ostep;

import com.carrotsearch.hppc.LongIntHashMap;
import java.util.Arrays;

/**
 * Dense ids for page numbers, so that the policies index arrays instead of hashing: page
 * numbers known to lie in {@code [0, DIRECT_LIMIT)} are their own ids; any other page numbers
 * get 0, 1, 2, ... in order of first sight through a primitive map. Not thread-safe.
 */
final class PageIds {
    /** Below this, a page number is its own id (the arrays grow to the largest one seen). */
    static final long DIRECT_LIMIT = 1L << 22;

    private final boolean direct;
    private final LongIntHashMap ids;
    private long[] values;
    private int count;

    private PageIds(boolean direct) {
        this.direct = direct;
        this.ids = direct ? null : new LongIntHashMap();
        this.values = direct ? null : new long[64];
    }

    /** Ids for page numbers that are all in {@code [0, bound)}: direct when the bound allows. */
    static PageIds forRange(long lowest, long bound) {
        return new PageIds(lowest >= 0 && bound <= DIRECT_LIMIT);
    }

    /** Ids for any page numbers. */
    static PageIds any() {
        return new PageIds(false);
    }

    /** The id of {@code page}, given a new one at first sight. */
    int id(long page) {
        if (direct) {
            return (int) page;
        }
        int slot = ids.indexOf(page);
        if (slot >= 0) {
            return ids.indexGet(slot);
        }
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count] = page;
        ids.indexInsert(slot, page, count);
        return count++;
    }

    /** The page number of {@code id}. */
    long page(int id) {
        return direct ? id : values[id];
    }
}
