package dev.pagelab.replay;

import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceReader;

/** A trace held in arrays, read in blocks as a file would be (for tests). */
final class ArrayTrace implements TraceReader {
    private final String name;
    private final long[] pages;
    private final boolean[] writes;
    private final int[] pids;
    private int position;

    ArrayTrace(String name, long[] pages, boolean[] writes, int[] pids) {
        this.name = name;
        this.pages = pages;
        this.writes = writes;
        this.pids = pids;
    }

    static ArrayTrace of(String name, long... pages) {
        return new ArrayTrace(name, pages, null, null);
    }

    static ArrayTrace of(String name, int[] pages, boolean[] writes) {
        long[] longs = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            longs[i] = pages[i];
        }
        return new ArrayTrace(name, longs, writes, null);
    }

    @Override
    public dev.pagelab.trace.TraceFormat format() {
        return pids == null ? dev.pagelab.trace.TraceFormat.PLAIN : dev.pagelab.trace.TraceFormat.VMSIM;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean hasPids() {
        return pids != null;
    }

    @Override
    public int read(TraceBlock block) {
        // Odd block sizes on purpose: turns and blocks must not line up.
        int n = Math.min(Math.min(block.capacity(), 777), pages.length - position);
        for (int i = 0; i < n; i++) {
            block.pages[i] = pages[position + i];
            block.kinds[i] = writes != null && writes[position + i] ? RefKind.WRITE : RefKind.READ;
            block.pids[i] = pids == null ? 0 : pids[position + i];
        }
        position += n;
        block.size = n;
        return n;
    }

    @Override
    public void close() {
    }
}
