package dev.pagelab.trace;

/**
 * A block of references as parallel primitive arrays, filled by {@link TraceReader#read} and
 * reused from read to read: a reader never creates an object per reference. Entry {@code i}, for
 * {@code 0 <= i < size}, is one reference: {@code pages[i]} of kind {@code kinds[i]} by process
 * {@code pids[i]}. Entries at {@code size} and above are stale and mean nothing.
 *
 * <p>Not thread-safe; the arrays are public so that hot loops index them directly.
 */
public final class TraceBlock {
    /** A capacity that suits most loops: 64 Ki references, 832 KiB of arrays. */
    public static final int DEFAULT_CAPACITY = 1 << 16;

    /**
     * The page of each reference: address {@code >>> log2(pageSize)} for lackey and vmsim, the
     * number itself for plain, the object id for oracle-general (all 64 bits, so an id at or above
     * 2^63 is a negative {@code long}).
     */
    public final long[] pages;
    /** The {@link RefKind} of each reference. */
    public final byte[] kinds;
    /** The pid column of vmsim lines; 0 when absent and for the other formats. */
    public final int[] pids;
    /** The number of valid entries, {@code [0, size)}. */
    public int size;

    /**
     * An empty block.
     *
     * @throws IllegalArgumentException when {@code capacity} is below 1
     */
    public TraceBlock(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("TraceBlock: capacity " + capacity + " must be at least 1");
        }
        pages = new long[capacity];
        kinds = new byte[capacity];
        pids = new int[capacity];
    }

    /** The number of references the block holds at most. */
    public int capacity() {
        return pages.length;
    }

    /**
     * Appends one reference (for tests and generators; readers fill the arrays directly).
     *
     * @throws IllegalStateException when the block is full
     */
    public void add(long page, byte kind, int pid) {
        if (size == pages.length) {
            throw new IllegalStateException("TraceBlock.add: the block is full (size=" + size + ")");
        }
        pages[size] = page;
        kinds[size] = kind;
        pids[size] = pid;
        size++;
    }
}
