package dev.pagelab.curve;

import java.io.IOException;

/**
 * The references a curve is built from, in blocks of packed {@code int}s: bits 30:0 a dense
 * global page id (0, 1, 2, … in order of first use over all processes, a process's page numbers
 * being its own), bit 31 set for a write; and the tables of those ids, which cover every id of a
 * block once {@link #next} has returned it. Two sources: traces read and interleaved here
 * ({@link TraceInput}), and a stream the replay engine holds in memory ({@link StreamInput});
 * both give the ids the replay engine gives.
 */
abstract class CurveInput {
    static final int WRITE = 1 << 31;
    static final int ID_MASK = ~WRITE;

    /** The process of each global id (at least {@link #pages} long). */
    int[] pidOf;
    /** The id of each global id among its own process's pages. */
    int[] localOf;
    /** The distinct pages of each process so far (processes without references yet may be missing). */
    int[] pagesOf;
    /** Global ids given so far. */
    int pages;

    CurveInput(int[] pidOf, int[] localOf, int[] pagesOf, int pages) {
        this.pidOf = pidOf;
        this.localOf = localOf;
        this.pagesOf = pagesOf;
        this.pages = pages;
    }

    /** The distinct pages of process {@code pid} so far. */
    final int pagesOf(int pid) {
        return pid < pagesOf.length ? pagesOf[pid] : 0;
    }

    /** Fills {@code buffer} from index 0; the number of references, 0 at the end. */
    abstract int next(int[] buffer) throws IOException;

    /** Processes seen so far. */
    abstract int processes();

    /** References of process {@code pid} so far. */
    abstract long referencesOf(int pid);

    /** The name of process {@code pid}'s trace, as the replay engine names it. */
    abstract String nameOf(int pid);
}
