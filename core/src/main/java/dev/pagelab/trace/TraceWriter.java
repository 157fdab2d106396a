package dev.pagelab.trace;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes references to a trace file in one of the {@linkplain TraceFormat#writable() writable}
 * formats; created by {@link Traces#create}. What each format keeps:
 *
 * <pre>
 *   plain           the page number, decimal (unsigned 64-bit); kinds and pids are dropped
 *   vmsim           "0x" + hex(page << log2(pageSize)), R (read, fetch) or W (write, modify), and the pid
 *                   when the writer was created with pids
 *   oracle-general  clock time = the reference's 0-based number (saturating at 2^32-1), object id = the page,
 *                   object size = the page size, next-access vtime computed at close; kinds and pids dropped
 * </pre>
 *
 * Reading the file back with the same page size gives the same pages. Not thread-safe. The file is
 * complete only after {@link #close()}.
 */
public interface TraceWriter extends Closeable {
    /** The format written. */
    TraceFormat format();

    /** The output's name as given. */
    String name();

    /**
     * Writes the references {@code [0, block.size)} of {@code block}.
     *
     * @throws IllegalArgumentException when a reference cannot be written in this format (a page
     *                                  whose address needs more than 64 bits, a negative pid); the
     *                                  references before it are written
     */
    void write(TraceBlock block) throws IOException;

    /** References written so far. */
    long references();

    /** Finishes the file (oracle-general: computes the next-access vtimes) and closes it. */
    @Override
    void close() throws IOException;
}
