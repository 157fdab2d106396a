package dev.pagelab.trace;

/** A block of references as parallel primitive arrays (placeholder until the trace readers land). */
public final class TraceBlock {
    public final long[] pages;
    public final byte[] kinds;
    public final int[] pids;
    public int size;

    public TraceBlock(int capacity) {
        pages = new long[capacity];
        kinds = new byte[capacity];
        pids = new int[capacity];
    }

    public int capacity() {
        return pages.length;
    }
}
