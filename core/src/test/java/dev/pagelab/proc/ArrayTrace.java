package dev.pagelab.proc;

import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceReader;

/** A trace held in arrays (pages, writes), read in odd-sized blocks as a file would be. */
final class ArrayTrace implements TraceReader {
    private final String name;
    private final long[] pages;
    private final boolean[] writes;
    private int position;

    ArrayTrace(String name, long[] pages, boolean[] writes) {
        this.name = name;
        this.pages = pages;
        this.writes = writes;
    }

    /** A reader of the same references from the start. */
    ArrayTrace copy() {
        return new ArrayTrace(name, pages, writes);
    }

    @Override
    public TraceFormat format() {
        return TraceFormat.PLAIN;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean hasPids() {
        return false;
    }

    @Override
    public int read(TraceBlock block) {
        int n = Math.min(Math.min(block.capacity(), 777), pages.length - position);
        for (int i = 0; i < n; i++) {
            block.pages[i] = pages[position + i];
            block.kinds[i] = writes[position + i] ? RefKind.WRITE : RefKind.READ;
            block.pids[i] = 0;
        }
        position += n;
        block.size = n;
        return n;
    }

    @Override
    public void close() {
    }
}
