package dev.pagelab.testing;

import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceReader;

/**
 * A test trace from arrays (pages, writes or null for all reads, and pids or null), read in
 * blocks of at most {@code blockSize} references ({@value #DEFAULT_BLOCK} unless a test picks
 * another) so that blocks, turns and the readers' own buffers never line up.
 *
 * @param blockSize the most references one {@link #read} gives, at least 1
 * @param position  where the next read starts (a one-element array: a record cannot have a mutable field)
 */
public record ArrayTraceReader(String name, long[] pages, boolean[] writes, int[] pids, int blockSize,
                               int[] position) implements TraceReader {
    /** The block size of the factories: odd, and prime to the usual quanta and buffers. */
    public static final int DEFAULT_BLOCK = 613;

    public ArrayTraceReader {
        if (blockSize < 1) {
            throw new IllegalArgumentException("ArrayTraceReader " + name + ": blockSize " + blockSize
                    + " must be at least 1");
        }
    }

    /** A trace without pids. */
    public static ArrayTraceReader of(String name, long[] pages, boolean[] writes) {
        return new ArrayTraceReader(name, pages, writes, null, DEFAULT_BLOCK, new int[1]);
    }

    /** A trace of reads only, without pids. */
    public static ArrayTraceReader of(String name, long... pages) {
        return of(name, pages, null);
    }

    /** A trace of {@code int} pages without pids. */
    public static ArrayTraceReader of(String name, int[] pages, boolean[] writes) {
        long[] longs = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            longs[i] = pages[i];
        }
        return of(name, longs, writes);
    }

    /** A trace that carries pids (as vmsim's third column). */
    public static ArrayTraceReader withPids(String name, long[] pages, boolean[] writes, int[] pids) {
        return new ArrayTraceReader(name, pages, writes, pids, DEFAULT_BLOCK, new int[1]);
    }

    /** The same references from the start. */
    public ArrayTraceReader again() {
        return new ArrayTraceReader(name, pages, writes, pids, blockSize, new int[1]);
    }

    /** The same references from the start, read at most {@code references} at a time. */
    public ArrayTraceReader withBlockSize(int references) {
        return new ArrayTraceReader(name, pages, writes, pids, references, new int[1]);
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
        int n = Math.min(Math.min(block.capacity(), blockSize), pages.length - from);
        for (int i = 0; i < n; i++) {
            block.pages[i] = pages[from + i];
            block.kinds[i] = writes != null && writes[from + i] ? RefKind.WRITE : RefKind.READ;
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
