package dev.pagelab.testing;

import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceReader;

/**
 * A test trace from arrays (pages, writes, and pids or null), read in blocks of at most 613
 * references so that blocks, turns and the readers' own buffers never line up.
 *
 * @param position where the next read starts (a one-element array: a record cannot have a mutable field)
 */
public record ArrayTraceReader(String name, long[] pages, boolean[] writes, int[] pids, int[] position)
        implements TraceReader {
    /** A trace without pids. */
    public static ArrayTraceReader of(String name, long[] pages, boolean[] writes) {
        return new ArrayTraceReader(name, pages, writes, null, new int[1]);
    }

    /** A trace that carries pids (as vmsim's third column). */
    public static ArrayTraceReader withPids(String name, long[] pages, boolean[] writes, int[] pids) {
        return new ArrayTraceReader(name, pages, writes, pids, new int[1]);
    }

    /** The same references from the start. */
    public ArrayTraceReader again() {
        return new ArrayTraceReader(name, pages, writes, pids, new int[1]);
    }

    @Override
    public TraceFormat format() {
        return pids == null ? TraceFormat.PLAIN : TraceFormat.VMSIM;
    }

    @Override
    public boolean hasPids() {
        return pids != null;
    }

    @Override
    public int read(TraceBlock block) {
        int from = position[0];
        int n = Math.min(Math.min(block.capacity(), 613), pages.length - from);
        for (int i = 0; i < n; i++) {
            block.pages[i] = pages[from + i];
            block.kinds[i] = writes[from + i] ? RefKind.WRITE : RefKind.READ;
            block.pids[i] = pids == null ? 0 : pids[from + i];
        }
        position[0] = from + n;
        block.size = n;
        return n;
    }

    @Override
    public void close() {
    }
}
