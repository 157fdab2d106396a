package dev.pagelab.replace;

import java.util.Arrays;

/**
 * Per-page state of the policies on primitive arrays indexed by page id, grown by doubling as ids
 * appear (the same growth as {@link PageLists}). A call on the hot path costs one bounds check when
 * the array is already large enough.
 */
final class PageArrays {
    private PageArrays() {
    }

    /**
     * The length to grow an array of {@code length} to so that it has an index {@code page}:
     * doubling from at least 16, capped just below {@code Integer.MAX_VALUE}.
     *
     * @throws IllegalArgumentException when {@code page} is negative
     */
    static int lengthFor(int page, int length) {
        if (page < 0) {
            throw new IllegalArgumentException("page " + page + " is negative");
        }
        int grown = Math.max(16, length);
        while (grown <= page) {
            grown = grown <= Integer.MAX_VALUE / 2 ? grown * 2 : Integer.MAX_VALUE - 8;
        }
        return grown;
    }

    /** {@code array}, or a longer copy (new entries 0) when it has no entry for {@code page}. */
    static long[] cover(long[] array, int page) {
        return page < array.length ? array : Arrays.copyOf(array, lengthFor(page, array.length));
    }

    /** {@code array}, or a longer copy (new entries 0) when it has no entry for {@code page}. */
    static byte[] cover(byte[] array, int page) {
        return page < array.length ? array : Arrays.copyOf(array, lengthFor(page, array.length));
    }
}
