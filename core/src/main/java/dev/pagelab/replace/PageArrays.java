package dev.pagelab.replace;

/** Growth of the arrays that policies index by page id. */
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
}
