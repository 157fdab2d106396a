package dev.pagelab.trace;

/**
 * Reference kinds, one byte each, as {@link TraceBlock#kinds} holds them. Lackey's four line kinds
 * map one to one ({@code L} read, {@code S} write, {@code M} modify, {@code I} fetch); vmsim's
 * {@code R} and {@code W} are read and write; plain and oracle-general references are all reads.
 */
public final class RefKind {
    /** A data load (lackey {@code L}, vmsim {@code R}, every plain and oracle-general reference). */
    public static final byte READ = 0;
    /** A data store (lackey {@code S}, vmsim {@code W}): makes the page dirty. */
    public static final byte WRITE = 1;
    /** A load and a store of the same bytes (lackey {@code M}, e.g. {@code inc [mem]}): one reference, a write. */
    public static final byte MODIFY = 2;
    /** An instruction fetch (lackey {@code I}): a read of code. */
    public static final byte FETCH = 3;
    /** The number of kinds: valid kinds are 0 to {@code COUNT - 1}. */
    public static final int COUNT = 4;

    private static final String[] NAMES = {"read", "write", "modify", "fetch"};

    private RefKind() {
    }

    /** True for the kinds that make a page dirty: {@link #WRITE} and {@link #MODIFY}. */
    public static boolean isWrite(byte kind) {
        return kind == WRITE || kind == MODIFY;
    }

    /**
     * The kind's name in reports: {@code read}, {@code write}, {@code modify}, {@code fetch}.
     *
     * @throws IllegalArgumentException when {@code kind} is not a kind
     */
    public static String name(byte kind) {
        if (kind < 0 || kind >= COUNT) {
            throw new IllegalArgumentException("not a reference kind: " + kind + " (expected 0 to " + (COUNT - 1) + ")");
        }
        return NAMES[kind];
    }
}
