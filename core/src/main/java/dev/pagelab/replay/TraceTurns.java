package dev.pagelab.replay;

import com.carrotsearch.hppc.IntIntHashMap;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rule 5 of {@link Replay}, the order in which several traces' references are replayed, as runs
 * of raw references (page numbers as the traces give them, no ids): the lower of the two layers
 * of the replay's reading side, for a consumer that must not intern every page (SHARDS samples
 * a few) or that interns them itself. {@link RefSource#of} builds the upper layer on it.
 *
 * <h2>Order</h2>
 * <ul>
 *   <li>Several traces: trace i is process i. Processes take round-robin turns in the order
 *       given (0, 1, …, N−1, 0, …); a turn is the process's next {@code quantum} references, or
 *       all that remain; a process whose trace has ended gives up its turns.</li>
 *   <li>One trace that carries pids (vmsim's third column) is taken in its own order, and must be
 *       the only trace; each pid becomes a process when it first appears: 0, 1, … in order of
 *       first appearance, named "<i>trace</i> pid <i>n</i>".</li>
 * </ul>
 *
 * <h2>Runs</h2>
 * Each reader fills its own {@link TraceBlock} of {@value #BLOCK} references; {@link #next} hands
 * out the next run: consecutive references of one process, a slice of one block, no longer than
 * the caller's limit, the rest of the turn, or the rest of the block (and, for a trace with pids,
 * ending where the pid changes). Nothing is copied: the caller reads
 * {@code runBlock().pages[runFrom() + i]} and {@code runBlock().kinds[runFrom() + i]} for
 * {@code i < } the run's length, until its next call to {@link #next}, which may refill that block.
 * <pre>
 *   traces A = a0 … a6 and B = b0 … b3, quantum 3:
 *     limit 4   [a0 a1 a2] [b0 b1 b2] [a3 a4 a5] [b3] [a6]           a turn is a run
 *     limit 2   [a0 a1] [a2] [b0 b1] [b2] [a3 a4] [a5] [b3] [a6]     the limit cuts a turn
 *   the end of a block cuts a run too, and so does a change of pid in a trace with pids
 * </pre>
 *
 * <h2>Cost</h2>
 * A run costs a few field writes; a reference costs nothing here (the caller's loop over the
 * run's slice is the only per-reference work). Memory: one block a trace (13 bytes a reference
 * of capacity) and a name and a counter a process, whatever the traces' length.
 *
 * <p>Not thread-safe. The readers are read to their end but not closed. After an exception
 * (a bad trace line) this object is unusable.
 */
public final class TraceTurns {
    /** References a reader's block holds. */
    private static final int BLOCK = 1 << 14;

    private final TraceReader[] readers;
    private final long quantum;
    private final boolean pidMode;

    // Per reader: its block, how far it has been handed out, whether its trace has ended.
    private final TraceBlock[] blocks;
    private final int[] positions;
    private final boolean[] exhausted;
    /** The reader whose block the last run finished: it is refilled at the next call, not before. */
    private int toRefill = -1;

    private int turn;
    private long leftInTurn;

    // Per process.
    private final List<String> names = new ArrayList<>();
    private long[] referencesOf = new long[0];
    private final IntIntHashMap processOfPid = new IntIntHashMap();

    // The current run.
    private int runProcess = -1;
    private TraceBlock runBlock;
    private int runFrom;

    /**
     * Reads the first block of every trace.
     *
     * @param quantum references a process consumes a turn (ignored for a trace with pids)
     * @throws IllegalArgumentException for no traces, a quantum below 1, or a trace with pids
     *                                  given with other traces (before anything is read)
     */
    public TraceTurns(List<TraceReader> traces, long quantum) throws IOException {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("no traces to replay");
        }
        if (quantum < 1) {
            throw new IllegalArgumentException("the quantum must be at least 1 reference, not " + quantum);
        }
        readers = traces.toArray(TraceReader[]::new);
        this.quantum = quantum;
        int n = readers.length;
        StringBuilder withPids = new StringBuilder();
        for (TraceReader reader : readers) {
            if (reader.hasPids()) {
                withPids.append(withPids.isEmpty() ? "" : ", ").append(reader.name());
            }
        }
        if (!withPids.isEmpty() && n > 1) {
            throw new IllegalArgumentException("a trace that carries pids (" + withPids
                    + ") is replayed in its own order, so it must be the only trace, but " + n + " traces were given: "
                    + Arrays.stream(readers).map(TraceReader::name).toList() + "; give its processes as one file,"
                    + " or convert it without pids");
        }
        pidMode = !withPids.isEmpty();
        blocks = new TraceBlock[n];
        positions = new int[n];
        exhausted = new boolean[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = new TraceBlock(BLOCK);
            refill(i);
            if (!pidMode) {
                addProcess(readers[i].name());
            }
        }
        leftInTurn = quantum;
    }

    private int addProcess(String name) {
        int pid = names.size();
        names.add(name);
        referencesOf = Arrays.copyOf(referencesOf, pid + 1);
        return pid;
    }

    private void refill(int reader) throws IOException {
        positions[reader] = 0;
        if (readers[reader].read(blocks[reader]) == 0) {
            exhausted[reader] = true;
        }
    }

    /**
     * Moves to the next run: at most {@code limit} references of one process, next in rule 5's
     * order. The previous run's slice may be overwritten now.
     *
     * @return the run's length, 0 at the end of every trace (and from then on)
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public int next(int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("a run of at most " + limit + " references: the limit must be at least 1");
        }
        if (toRefill >= 0) {
            int reader = toRefill;
            toRefill = -1;
            refill(reader);
        }
        return pidMode ? nextInOwnOrder(limit) : nextInTurn(limit);
    }

    private int nextInTurn(int limit) {
        if (leftInTurn == 0 || exhausted[turn]) {
            int start = turn;
            do {
                turn = (turn + 1) % blocks.length;
            } while (exhausted[turn] && turn != start);
            if (exhausted[turn]) {
                return 0;
            }
            leftInTurn = quantum;
        }
        int from = positions[turn];
        int length = (int) Math.min(Math.min(leftInTurn, blocks[turn].size - from), limit);
        leftInTurn -= length;
        return handOut(turn, turn, from, length);
    }

    private int nextInOwnOrder(int limit) {
        if (exhausted[0]) {
            return 0;
        }
        TraceBlock block = blocks[0];
        int from = positions[0];
        int pidValue = block.pids[from];
        int end = from + 1;
        int last = from + Math.min(limit, block.size - from);
        while (end < last && block.pids[end] == pidValue) {
            end++;
        }
        int process = processOfPid.getOrDefault(pidValue, -1);
        if (process < 0) {
            process = addProcess(readers[0].name() + " pid " + pidValue);
            processOfPid.put(pidValue, process);
        }
        return handOut(0, process, from, end - from);
    }

    private int handOut(int reader, int process, int from, int length) {
        runProcess = process;
        runBlock = blocks[reader];
        runFrom = from;
        referencesOf[process] += length;
        positions[reader] = from + length;
        if (positions[reader] == runBlock.size) {
            toRefill = reader;
        }
        return length;
    }

    /** The process of the current run. */
    public int runProcess() {
        return runProcess;
    }

    /** The block that holds the current run's references (do not modify). */
    public TraceBlock runBlock() {
        return runBlock;
    }

    /** The index in {@link #runBlock()} of the current run's first reference. */
    public int runFrom() {
        return runFrom;
    }

    /** Whether this is one trace that carries pids, taken in its own order (processes appear as it goes). */
    public boolean carriesPids() {
        return pidMode;
    }

    /** Whether several traces take turns, so that the quantum shapes the order. */
    public boolean takesTurns() {
        return readers.length > 1;
    }

    /** The processes seen so far: every trace's from the start, or a pid trace's as they appear. */
    public int processes() {
        return names.size();
    }

    /** The references of process {@code pid} handed out so far. */
    public long referencesOf(int pid) {
        return referencesOf[pid];
    }

    /** The name of process {@code pid}: its trace's, with the pid for a trace that carries pids. */
    public String nameOf(int pid) {
        return names.get(pid);
    }
}
