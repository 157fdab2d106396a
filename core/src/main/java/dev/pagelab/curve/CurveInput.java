package dev.pagelab.curve;

import java.io.IOException;

/**
 * The references a curve is built from, in blocks of packed {@code int}s: bits 30:0 a dense
 * global page id (0, 1, 2, … in order of first use over all processes, a process's page numbers
 * being its own), bit 31 set for a write. After every {@link #next}, the id tables cover every id
 * of the block. Two sources: traces read and interleaved here ({@link TraceInput}), and a stream
 * the replay engine holds in memory ({@link StreamInput}); both give the ids the replay engine
 * gives.
 */
interface CurveInput {
    int WRITE = 1 << 31;
    int ID_MASK = ~WRITE;

    /** Fills {@code buffer} from index 0; the number of references, 0 at the end. */
    int next(int[] buffer) throws IOException;

    /** Processes seen so far. */
    int processes();

    /** Global page ids given so far. */
    int pages();

    /** The process of each global id (at least {@link #pages()} long; read only). */
    int[] pidOf();

    /** The id of each global id among its own process's pages (read only). */
    int[] localOf();

    /** Distinct pages of process {@code pid} so far. */
    int pagesOf(int pid);

    /** References of process {@code pid} so far. */
    long referencesOf(int pid);

    /** The name of process {@code pid}'s trace, as the replay engine names it. */
    String nameOf(int pid);
}
