package dev.pagelab.replay;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A reference string small enough to be recorded step by step ({@link SteppedReplacement},
 * {@link SteppedProcesses}): page numbers and, for each reference, whether it writes. It is what a
 * person types into the web page, or what {@link #random} draws.
 *
 * <p>Typed syntax ({@link #parse}), the only one accepted:
 * <pre>
 *   string    = reference { separator reference }
 *   reference = digits [ "w" | "W" ]        7 reads page 7, 7w (or 7W) writes it; no space before w
 *   separator = spaces | [spaces] "," [spaces]
 *                                            "7 0 1 2", "7,0,1,2", "7, 0w, 1" are the same pages
 * </pre>
 * Leading and trailing spaces are ignored; anything else ({@code w:3}, {@code 3r}, {@code -1},
 * {@code 3 w}, two commas in a row, a trailing comma) is refused with its column and what was
 * expected there.
 *
 * <p>Bounds: 1 to {@link #MAX_REFERENCES} references, pages 0 to {@link #MAX_PAGE}; a recording
 * keeps a few ints a reference, so the bound keeps a web request's memory and time small.
 *
 * @param pages  the page of each reference, 0 … {@link #MAX_PAGE}
 * @param writes whether each reference writes its page (same length as {@code pages})
 */
public record SteppedString(int[] pages, boolean[] writes) {
    /** The most references a string may hold. */
    public static final int MAX_REFERENCES = 100_000;

    /** The largest page number (six digits: a page of a 4 GiB space is below 2^20 = 1,048,576). */
    public static final int MAX_PAGE = 999_999;

    /**
     * @throws IllegalArgumentException when the lengths differ, the string is empty or longer than
     *                                  {@link #MAX_REFERENCES}, or a page is out of range (naming the index)
     */
    public SteppedString {
        Objects.requireNonNull(pages, "pages");
        Objects.requireNonNull(writes, "writes");
        if (pages.length != writes.length) {
            throw new IllegalArgumentException("reference string: " + pages.length + " pages but " + writes.length
                    + " write flags");
        }
        checkLength(pages.length);
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] < 0 || pages[i] > MAX_PAGE) {
                throw new IllegalArgumentException("reference string: reference " + i + " is page " + pages[i]
                        + ", outside 0 … " + MAX_PAGE);
            }
        }
        pages = pages.clone();
        writes = writes.clone();
    }

    /** Reads only, of {@code pages} in order. */
    public static SteppedString of(int... pages) {
        return new SteppedString(pages, new boolean[pages.length]);
    }

    private static void checkLength(long length) {
        if (length < 1) {
            throw new IllegalArgumentException("reference string: no references; expected page numbers such as"
                    + " 7 0 1 2 (7w writes page 7)");
        }
        if (length > MAX_REFERENCES) {
            throw new IllegalArgumentException("reference string: " + length + " references, more than the "
                    + MAX_REFERENCES + " a stepped recording takes");
        }
    }

    @Override
    public int[] pages() {
        return pages.clone();
    }

    @Override
    public boolean[] writes() {
        return writes.clone();
    }

    /** The number of references. */
    public int length() {
        return pages.length;
    }

    /** The page of reference {@code i}. */
    public int page(int i) {
        return pages[i];
    }

    /** Whether reference {@code i} writes. */
    public boolean isWrite(int i) {
        return writes[i];
    }

    /**
     * Reads a typed reference string (the syntax of the class comment).
     *
     * @throws IllegalArgumentException naming the 1-based column, what was found there and what was
     *                                  expected; or the bound that was passed
     */
    public static SteppedString parse(String text) {
        Objects.requireNonNull(text, "text");
        int[] pages = new int[16];
        boolean[] writes = new boolean[16];
        int count = 0;
        int end = text.length();
        int at = skipSpaces(text, 0);
        if (at == end) {
            checkLength(0);
        }
        while (true) {
            if (at == end || !isDigit(text.charAt(at))) {
                throw parseError(text, at, "a page number (digits, 0 … " + MAX_PAGE + ")");
            }
            int start = at;
            long page = 0;
            while (at < end && isDigit(text.charAt(at))) {
                page = Math.min(page * 10 + (text.charAt(at) - '0'), MAX_PAGE + 1L);
                at++;
            }
            if (page > MAX_PAGE) {
                throw new IllegalArgumentException("reference string, column " + (start + 1) + ": page "
                        + text.substring(start, at) + " is above the largest page, " + MAX_PAGE);
            }
            boolean write = at < end && (text.charAt(at) == 'w' || text.charAt(at) == 'W');
            if (write) {
                at++;
            }
            if (count == MAX_REFERENCES) {
                checkLength(MAX_REFERENCES + 1L);
            }
            if (count == pages.length) {
                pages = Arrays.copyOf(pages, count * 2);
                writes = Arrays.copyOf(writes, count * 2);
            }
            pages[count] = (int) page;
            writes[count] = write;
            count++;
            if (at < end && !Character.isWhitespace(text.charAt(at)) && text.charAt(at) != ',') {
                throw parseError(text, at, write ? "a space, a comma or the end after " + text.substring(start, at)
                        : "w (a write), a space, a comma or the end after " + text.substring(start, at));
            }
            at = skipSpaces(text, at);
            if (at == end) {
                break;
            }
            if (text.charAt(at) == ',') {
                at = skipSpaces(text, at + 1);
            }
        }
        return new SteppedString(Arrays.copyOf(pages, count), Arrays.copyOf(writes, count));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int skipSpaces(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static IllegalArgumentException parseError(String text, int at, String expected) {
        String found = at == text.length() ? "the end" : "'" + text.charAt(at) + "'";
        return new IllegalArgumentException("reference string, column " + (at + 1) + ": found " + found + " where "
                + expected + " was expected (syntax: pages separated by spaces or commas, 7w writes page 7)");
    }

    /**
     * A random string, the same for the same arguments on every JDK ({@code L64X128MixRandom}
     * seeded with {@code seed}).
     *
     * <p>Each reference, in order: with probability {@code locality} its page is drawn uniformly
     * from the current window of w = ⌈pages/4⌉ consecutive pages (wrapping past the last page),
     * otherwise uniformly from all {@code pages}; then it is a write with probability
     * {@code writeShare}. The window starts at a uniformly drawn page, and moves to a new one
     * every 4·w references (a program's phases). Locality 0 is the independent reference model
     * (uniform); locality 1 keeps every reference in the window.
     *
     * @param length     references, 1 … {@link #MAX_REFERENCES}
     * @param pages      distinct page numbers to draw from (pages 0 … pages−1), 1 … {@link #MAX_PAGE}+1
     * @param writeShare share of writes, 0 … 1
     * @param locality   share of references drawn from the window, 0 … 1
     * @throws IllegalArgumentException naming the argument out of range
     */
    public static SteppedString random(int length, int pages, double writeShare, long seed, double locality) {
        checkLength(length);
        if (pages < 1 || pages > MAX_PAGE + 1) {
            throw new IllegalArgumentException("random reference string: pages " + pages + " must be 1 … "
                    + (MAX_PAGE + 1));
        }
        share("write share", writeShare);
        share("locality", locality);
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        int window = (pages + 3) / 4;
        int phase = 4 * window;
        int start = 0;
        int[] drawn = new int[length];
        boolean[] writes = new boolean[length];
        for (int i = 0; i < length; i++) {
            if (i % phase == 0) {
                start = random.nextInt(pages);
            }
            boolean near = locality > 0 && random.nextDouble() < locality;
            drawn[i] = near ? (int) ((start + (long) random.nextInt(window)) % pages) : random.nextInt(pages);
            writes[i] = writeShare > 0 && random.nextDouble() < writeShare;
        }
        return new SteppedString(drawn, writes);
    }

    private static void share(String what, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("random reference string: " + what + " " + value + " must be 0 … 1");
        }
    }

    /** The string in the typed syntax, one space between references: {@code "7 0 1w 2"}. */
    public String format() {
        StringBuilder text = new StringBuilder(pages.length * 3);
        for (int i = 0; i < pages.length; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(pages[i]);
            if (writes[i]) {
                text.append('w');
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SteppedString that && Arrays.equals(pages, that.pages)
                && Arrays.equals(writes, that.writes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(pages) + Arrays.hashCode(writes);
    }

    @Override
    public String toString() {
        return pages.length <= 40 ? "SteppedString[" + format() + "]"
                : "SteppedString[" + pages.length + " references]";
    }
}
