package dev.pagelab.trace;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads another reader ahead on a thread of its own, so that decompressing and parsing a trace
 * overlaps with whatever consumes it (the replay engine): on two cores a gzip'd trace replays
 * nearly as fast as the slower of the two halves instead of their sum.
 *
 * <pre>
 *   reader thread:  inner.read(block) ──► full queue ──► read(out): copy into the caller's block
 *                        ▲                                   │
 *                        └────────── empty queue ◄───────────┘   ({@value #BLOCKS} blocks in all)
 * </pre>
 * The references and their order are exactly the inner reader's. An exception of the inner reader
 * reaches the caller after the references read before it, as the same exception (a
 * {@link TraceFormatException} keeps its file, line and offset). {@link #close()} stops the thread
 * and closes the inner reader. Not thread-safe for callers: one consumer.
 */
public final class PrefetchingTraceReader implements TraceReader {
    private static final int BLOCKS = 4;
    private static final Object END = new Object();

    private final TraceReader inner;
    private final BlockingQueue<Object> full = new ArrayBlockingQueue<>(BLOCKS + 2);
    private final BlockingQueue<TraceBlock> empty = new ArrayBlockingQueue<>(BLOCKS);
    private final Thread thread;
    private TraceBlock current;
    private int position;
    private boolean ended;
    private Throwable failure;

    /** Starts reading {@code inner} ahead; the caller closes this reader, which closes {@code inner}. */
    public PrefetchingTraceReader(TraceReader inner) {
        this.inner = inner;
        for (int i = 0; i < BLOCKS; i++) {
            empty.add(new TraceBlock(TraceBlock.DEFAULT_CAPACITY));
        }
        thread = new Thread(this::produce, "pagelab-read-" + inner.name());
        thread.setDaemon(true);
        thread.start();
    }

    private void produce() {
        try {
            while (true) {
                TraceBlock block = empty.take();
                try {
                    if (inner.read(block) == 0) {
                        full.put(END);
                        return;
                    }
                } catch (IOException | RuntimeException | Error e) {
                    if (block.size > 0) {
                        full.put(block);
                    }
                    full.put(e);
                    return;
                }
                full.put(block);
            }
        } catch (InterruptedException e) {
            // close(): stop reading.
        }
    }

    @Override
    public TraceFormat format() {
        return inner.format();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean hasPids() {
        return inner.hasPids();
    }

    @Override
    public Compression compression() {
        return inner.compression();
    }

    @Override
    public int read(TraceBlock out) throws IOException {
        out.size = 0;
        if (failure != null) {
            rethrow(failure);
        }
        if (ended) {
            return 0;
        }
        if (current == null) {
            Object next;
            try {
                next = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + inner.name());
            }
            if (next == END) {
                ended = true;
                return 0;
            }
            if (next instanceof Throwable t) {
                failure = t;
                rethrow(t);
            }
            current = (TraceBlock) next;
            position = 0;
        }
        int n = Math.min(current.size - position, out.capacity());
        System.arraycopy(current.pages, position, out.pages, 0, n);
        System.arraycopy(current.kinds, position, out.kinds, 0, n);
        System.arraycopy(current.pids, position, out.pids, 0, n);
        out.size = n;
        position += n;
        if (position == current.size) {
            current.size = 0;
            empty.add(current);
            current = null;
        }
        return n;
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new UncheckedIOException(new IOException(t));
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inner.close();
    }
}
