package dev.pagelab.curve;

import com.carrotsearch.hppc.IntIntHashMap;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Traces read a block at a time and taken in {@code pagelab replay}'s order (its rule 5), as raw
 * references: (process, page number, write). Constant memory.
 *
 * <ul>
 *   <li>Trace i is process i. Turns go round in the order given; a turn is the process's next
 *       {@code quantum} references, or what is left of its trace; a process whose trace has ended
 *       gives up its turns.</li>
 *   <li>One trace that carries pids (vmsim's third column) is taken in its own order; each pid
 *       becomes a process when it first appears, named "<i>trace</i> pid <i>n</i>". Such a trace must
 *       be the only one.</li>
 * </ul>
 */
final class Turns {
    private static final int BLOCK = 1 << 14;

    private final TraceReader[] readers;
    private final TraceBlock[] blocks;
    private final int[] taken;
    private final boolean[] ended;
    private final long quantum;
    private final boolean ownOrder;
    private int current;
    private long turnLeft;

    private final List<String> names = new ArrayList<>();
    private final IntIntHashMap processOfPidValue = new IntIntHashMap();
    private long[] referencesOf = new long[0];

    /**
     * @throws IllegalArgumentException for no traces, a quantum below 1, or a trace with pids
     *                                  among others
     */
    Turns(List<TraceReader> traces, long quantum) throws IOException {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("no traces to build a curve from");
        }
        if (quantum < 1) {
            throw new IllegalArgumentException("the quantum must be at least 1 reference, not " + quantum);
        }
        this.readers = traces.toArray(TraceReader[]::new);
        this.quantum = quantum;
        int n = readers.length;
        boolean pids = false;
        for (TraceReader reader : readers) {
            pids |= reader.hasPids();
        }
        if (pids && n > 1) {
            throw new IllegalArgumentException("a trace that carries pids is taken in its own order and must be the only"
                    + " trace, but " + n + " traces were given: " + Arrays.stream(readers).map(TraceReader::name).toList());
        }
        ownOrder = pids;
        blocks = new TraceBlock[n];
        taken = new int[n];
        ended = new boolean[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = new TraceBlock(BLOCK);
            ended[i] = readers[i].read(blocks[i]) == 0;
            if (!ownOrder) {
                newProcess(readers[i].name());
            }
        }
        turnLeft = quantum;
    }

    private int newProcess(String name) {
        int pid = names.size();
        names.add(name);
        referencesOf = Arrays.copyOf(referencesOf, pid + 1);
        return pid;
    }

    /**
     * Fills {@code pids}, {@code pages} and {@code writes} from index 0 with the next references,
     * at most {@code limit}; their number, 0 at the end.
     */
    int next(int[] pids, long[] pages, boolean[] writes, int limit) throws IOException {
        int filled = 0;
        while (filled < limit) {
            int reader = ownOrder ? 0 : turnTaker();
            if (reader < 0 || ended[reader]) {
                break;
            }
            TraceBlock block = blocks[reader];
            int from = taken[reader];
            int count = Math.min(block.size - from, limit - filled);
            if (ownOrder) {
                for (int i = 0; i < count; i++) {
                    pids[filled + i] = processOf(block.pids[from + i]);
                }
            } else {
                count = (int) Math.min(count, turnLeft);
                turnLeft -= count;
                referencesOf[reader] += count;
                Arrays.fill(pids, filled, filled + count, reader);
            }
            System.arraycopy(block.pages, from, pages, filled, count);
            for (int i = 0; i < count; i++) {
                writes[filled + i] = RefKind.isWrite(block.kinds[from + i]);
            }
            filled += count;
            taken[reader] = from + count;
            if (taken[reader] == block.size) {
                taken[reader] = 0;
                ended[reader] = readers[reader].read(block) == 0;
            }
        }
        return filled;
    }

    /** The reader whose turn it is, moving the turn on when it is used up; −1 when every trace has ended. */
    private int turnTaker() {
        if (turnLeft > 0 && !ended[current]) {
            return current;
        }
        for (int step = 1; step <= readers.length; step++) {
            int candidate = (current + step) % readers.length;
            if (!ended[candidate]) {
                current = candidate;
                turnLeft = quantum;
                return candidate;
            }
        }
        return -1;
    }

    private int processOf(int pidValue) {
        int slot = processOfPidValue.indexOf(pidValue);
        int pid;
        if (processOfPidValue.indexExists(slot)) {
            pid = processOfPidValue.indexGet(slot);
        } else {
            pid = newProcess(readers[0].name() + " pid " + pidValue);
            processOfPidValue.indexInsert(slot, pidValue, pid);
        }
        referencesOf[pid]++;
        return pid;
    }

    /** Processes seen so far. */
    int processes() {
        return names.size();
    }

    /** References of process {@code pid} so far. */
    long referencesOf(int pid) {
        return referencesOf[pid];
    }

    /** The name of process {@code pid}. */
    String nameOf(int pid) {
        return names.get(pid);
    }

    /** Whether several traces take turns (so that the quantum matters). */
    boolean takesTurns() {
        return readers.length > 1;
    }
}
