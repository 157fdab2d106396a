package dev.pagelab.replay;

import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.List;

/**
 * The interleaved reference stream of all processes as the replay engine reads it: blocks of
 * packed {@code int}s with dense page ids, and the tables that say whose page each id is. The
 * upper of the two layers of the replay's reading side ({@link TraceTurns} is the lower): what
 * {@link Replay} and the one-pass curves replay, streamed from traces ({@link #of}) or from a
 * stream held in memory ({@link ReferenceStream#source()}), the same ids either way.
 *
 * <h2>A reference</h2>
 * <pre>
 *    31  30                                   0
 *   ┌───┬──────────────────────────────────────┐
 *   │ W │ global page id                       │   W: the reference is a write ({@link #WRITE})
 *   └───┴──────────────────────────────────────┘   id: {@code ref & }{@link #ID_MASK}
 * </pre>
 * A write is a negative {@code int}, so a hot loop tests {@code ref < 0}. Global ids are 0, 1, 2, …
 * in order of first use over all processes; the same page number in two processes is two ids (a
 * process's pages are its own). {@link #pidOf()}{@code [id]} is the id's process and
 * {@link #localOf()}{@code [id]} its id among that process's own pages (0, 1, … in order of first
 * use): the page id of a local pool.
 *
 * <h2>Reading</h2>
 * <ol>
 *   <li>{@link #next} fills a caller's buffer from index 0 and returns how many references it
 *       holds (0 at the end).</li>
 *   <li>The tables and counts grow as a block brings new pages and processes: after every
 *       {@code next}, every id of the block is below {@link #pages()} and covered by
 *       {@link #pidOf()} and {@link #localOf()}, and every process of the block is below
 *       {@link #processes()}. Read the arrays again after each block (they are replaced when
 *       they grow); do not modify them.</li>
 *   <li>The counts ({@link #referencesOf}, {@link #pagesOf}) are those of the references handed out
 *       so far: final once {@code next} has returned 0 (a stream in memory has them from the start).</li>
 * </ol>
 *
 * <h2>Cost</h2>
 * From traces: an hppc {@code LongIntHashMap} a process from page number to id, and a reference
 * to the page its process referenced just before skips the map (the common case of a program's
 * trace costs a compare); 8 bytes a distinct page for the tables, plus the maps. Nothing grows
 * with the number of references. One virtual call a block, none a reference.
 *
 * <p>Sealed: only the replay engine gives ids, so that every consumer sees the ids
 * {@code Replay} sees. Not thread-safe.
 */
public sealed interface RefSource permits Interleaver, ReferenceStream.Replayer {
    /** Bit 31: the reference is a write. */
    int WRITE = 1 << 31;
    /** Bits 30:0: the global page id. */
    int ID_MASK = ~WRITE;

    /** Packs a reference. */
    static int pack(int globalId, boolean write) {
        return write ? globalId | WRITE : globalId;
    }

    /**
     * {@code traces} (trace i is process i, or one trace with pids) interleaved by rule 5 of
     * {@link Replay} with {@code quantum}, streamed in constant memory but for the distinct pages.
     * The readers are read to their end but not closed.
     *
     * @throws IllegalArgumentException for no traces, a quantum below 1, or a trace with pids among others
     */
    static RefSource of(List<TraceReader> traces, long quantum) throws IOException {
        return new Interleaver(new TraceTurns(traces, quantum));
    }

    /**
     * The references of {@code turns} with their ids; from now on only the source may read
     * {@code turns} (its counts and names stay readable).
     */
    static RefSource of(TraceTurns turns) {
        return new Interleaver(turns);
    }

    /**
     * Fills {@code buffer} from index 0.
     *
     * @return the number of references, 0 only at the end (and from then on)
     * @throws IllegalStateException when the traces hold more than {@link #ID_MASK} distinct pages
     */
    int next(int[] buffer) throws IOException;

    /**
     * Whether processes appear as the stream goes (one trace with pids): until the end,
     * {@link #processes()} may grow. False when every process is known from the start.
     */
    boolean processesAppear();

    /** The number of processes seen so far. */
    int processes();

    /** The number of global page ids given so far. */
    int pages();

    /** The process of each global page id (an array at least {@link #pages()} long; do not modify). */
    int[] pidOf();

    /** The page id within its own process of each global page id (do not modify). */
    int[] localOf();

    /** The references of process {@code pid} given so far. */
    long referencesOf(int pid);

    /** The number of distinct pages of process {@code pid} so far. */
    int pagesOf(int pid);

    /** The name of process {@code pid}'s trace (its file, with the pid when a trace carries pids). */
    String nameOf(int pid);
}
