package dev.pagelab.cli.sweep;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The value lists of {@code pagelab sweep}'s {@code --frames}, {@code --quantum} and the like:
 * comma-separated items, each a number or a range, mixed freely.
 *
 * <pre>
 *   8,16,32          the numbers given
 *   16..1024*2       geometric: 16, 32, 64, ..., up to 1024 (the end is included when reached)
 *   100..1000+100    arithmetic: 100, 200, ..., 1000
 *   1..8             arithmetic with step 1
 *   4,8,16..64*2     mixed: 4, 8, 16, 32, 64
 * </pre>
 *
 * The result is sorted ascending without repeats. A list may expand to at most
 * {@link #MAX_VALUES} values, checked before any is generated, so {@code 1..2000000000}
 * is refused at once instead of filling memory.
 */
public final class Ranges {
    /** The most values one list may expand to. */
    public static final int MAX_VALUES = 100_000;

    /** What every error message says is expected. */
    static final String EXPECTED = "expected numbers and ranges separated by commas, such as 8,16,32 or"
            + " 16..1024*2 (geometric) or 100..1000+100 (arithmetic)";

    private Ranges() {
    }

    /**
     * The values of {@code text}, each in {@code [min, max]}, sorted, without repeats.
     *
     * @param option the option's name, for messages ({@code --frames})
     * @throws IllegalArgumentException naming the option, the item, what was found and what was
     *                                  expected
     */
    public static long[] parse(String option, String text, long min, long max) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option + ": " + EXPECTED + ", got nothing");
        }
        TreeSet<Long> values = new TreeSet<>();
        String[] items = text.split(",", -1);
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            String where = option + ": item " + (i + 1) + " of '" + text + "'";
            if (item.isEmpty()) {
                throw new IllegalArgumentException(where + " is empty; " + EXPECTED);
            }
            int dots = item.indexOf("..");
            if (dots < 0) {
                long value = number(where, item, item);
                check(where, value, min, max);
                values.add(value);
            } else {
                expand(where, item, dots, min, max, values);
            }
            if (values.size() > MAX_VALUES) {
                throw new IllegalArgumentException(where + " makes more than " + MAX_VALUES + " values");
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** The values of {@code text} as ints (for frame counts), each in {@code [min, max]}. */
    public static int[] parseInts(String option, String text, int min, int max) {
        return Arrays.stream(parse(option, text, min, max)).mapToInt(v -> (int) v).toArray();
    }

    private static void expand(String where, String item, int dots, long min, long max, TreeSet<Long> values) {
        long start = number(where, item, item.substring(0, dots));
        String rest = item.substring(dots + 2);
        int times = rest.indexOf('*');
        int plus = rest.indexOf('+');
        if (times >= 0 && plus >= 0) {
            throw new IllegalArgumentException(where + ": '" + item + "' has both *FACTOR and +STEP; " + EXPECTED);
        }
        int cut = Math.max(times, plus);
        long end = number(where, item, cut < 0 ? rest : rest.substring(0, cut));
        long by = cut < 0 ? 1 : number(where, item, rest.substring(cut + 1));
        check(where, start, min, max);
        check(where, end, min, max);
        if (end < start) {
            throw new IllegalArgumentException(where + ": '" + item + "' ends at " + end + ", below its start "
                    + start + "; " + EXPECTED);
        }
        if (times >= 0) {
            if (by < 2) {
                throw new IllegalArgumentException(where + ": '" + item + "' multiplies by " + by
                        + "; a geometric range needs a factor of at least 2");
            }
            if (start == 0) {
                throw new IllegalArgumentException(where + ": '" + item + "' starts at 0, which a factor never leaves;"
                        + " a geometric range starts at 1 or more");
            }
            // At most 63 steps: no count check needed before generating.
            for (long v = start; v <= end; ) {
                values.add(v);
                if (v > end / by) {
                    break;
                }
                v *= by;
            }
            return;
        }
        if (by < 1) {
            throw new IllegalArgumentException(where + ": '" + item + "' steps by " + by
                    + "; an arithmetic range needs a step of at least 1");
        }
        long count = (end - start) / by + 1;
        if (count + values.size() > MAX_VALUES || count < 0) {
            throw new IllegalArgumentException(where + ": '" + item + "' makes " + count + " values, more than "
                    + MAX_VALUES);
        }
        for (long k = 0; k < count; k++) {
            values.add(start + k * by);
        }
    }

    private static long number(String where, String item, String digits) {
        String text = digits.strip();
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(where + ": '" + text + "' in '" + item + "' is not a whole number; "
                    + EXPECTED);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + text + " is too large (at most " + Long.MAX_VALUE + ")");
        }
    }

    private static void check(String where, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(where + ": " + value + " is out of range: expected " + min + " to "
                    + max);
        }
    }
}
