package dev.pagelab.replay;

import com.carrotsearch.hppc.IntIntHashMap;
import com.carrotsearch.hppc.LongIntHashMap;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns per-process traces into one interleaved {@link RefSource}, giving every (process, page)
 * a dense id.
 *
 * <p>Several traces: trace i is process i. Processes take round-robin turns in the order given
 * (0, 1, …, N−1, 0, …); a turn consumes the process's next {@code quantum} references, or all that
 * remain; a process whose trace is exhausted is skipped. A single trace that carries pids (vmsim
 * lines with a third column) is replayed in its own order instead, and its pids become processes
 * 0, 1, … in order of first appearance.
 *
 * <p>Page ids: each process interns its page numbers in a primitive hash map (hppc's
 * {@code LongIntHashMap}) in order of first use; the same page number in two processes is two
 * pages. A reference to the page its process referenced just before skips the map, which is what
 * makes the common case of a trace (a run of references to one page) cost almost nothing.
 */
final class Interleaver implements RefSource {
    private static final int BLOCK = 1 << 14;

    private final List<TraceReader> readers;
    private final long quantum;
    private final boolean pidMode;

    // Per reader: its block and how far it has been consumed.
    private final TraceBlock[] blocks;
    private final int[] positions;
    private final boolean[] exhausted;

    // Per process.
    private final List<LongIntHashMap> interns = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private long[] lastPage = new long[0];
    private int[] lastGlobal = new int[0];
    private int[] localCount = new int[0];
    private long[] referenceCount = new long[0];
    private final IntIntHashMap processOfPid = new IntIntHashMap();

    private int[] pidOf = new int[1024];
    private int[] localOf = new int[1024];
    private int pages;

    private int turn;
    private long leftInTurn;

    /**
     * @param quantum references a process consumes a turn (ignored for a trace with pids)
     * @throws IllegalArgumentException when a trace with pids is given with other traces
     */
    Interleaver(List<TraceReader> readers, long quantum) throws IOException {
        if (readers.isEmpty()) {
            throw new IllegalArgumentException("no traces to replay");
        }
        if (quantum < 1) {
            throw new IllegalArgumentException("the quantum must be at least 1 reference, not " + quantum);
        }
        this.readers = List.copyOf(readers);
        this.quantum = quantum;
        int n = readers.size();
        blocks = new TraceBlock[n];
        positions = new int[n];
        exhausted = new boolean[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = new TraceBlock(BLOCK);
            refill(i);
        }
        boolean anyPids = false;
        for (TraceReader reader : readers) {
            anyPids |= reader.hasPids();
        }
        if (anyPids && n > 1) {
            StringBuilder which = new StringBuilder();
            for (TraceReader reader : readers) {
                if (reader.hasPids()) {
                    which.append(which.isEmpty() ? "" : ", ").append(reader.name());
                }
            }
            throw new IllegalArgumentException("a trace that carries pids (" + which
                    + ") is replayed in its own order, so it must be the only trace; give its processes as"
                    + " one file, or convert it without pids");
        }
        pidMode = anyPids;
        if (!pidMode) {
            for (TraceReader reader : readers) {
                addProcess(reader.name());
            }
        }
        leftInTurn = quantum;
    }

    private int addProcess(String name) {
        int pid = names.size();
        names.add(name);
        interns.add(new LongIntHashMap());
        lastPage = Arrays.copyOf(lastPage, pid + 1);
        lastGlobal = Arrays.copyOf(lastGlobal, pid + 1);
        localCount = Arrays.copyOf(localCount, pid + 1);
        referenceCount = Arrays.copyOf(referenceCount, pid + 1);
        lastGlobal[pid] = -1;
        return pid;
    }

    private void refill(int reader) throws IOException {
        positions[reader] = 0;
        if (readers.get(reader).read(blocks[reader]) == 0) {
            exhausted[reader] = true;
        }
    }

    @Override
    public int next(int[] buffer) throws IOException {
        return pidMode ? nextInOwnOrder(buffer) : nextRoundRobin(buffer);
    }

    private int nextRoundRobin(int[] buffer) throws IOException {
        int filled = 0;
        int n = blocks.length;
        while (filled < buffer.length) {
            if (leftInTurn == 0 || exhausted[turn]) {
                int start = turn;
                do {
                    turn = (turn + 1) % n;
                } while (exhausted[turn] && turn != start);
                if (exhausted[turn]) {
                    break;
                }
                leftInTurn = quantum;
            }
            TraceBlock block = blocks[turn];
            int from = positions[turn];
            int take = (int) Math.min(Math.min(leftInTurn, block.size - from), buffer.length - filled);
            for (int i = 0; i < take; i++) {
                buffer[filled + i] = RefSource.pack(intern(turn, block.pages[from + i]),
                        RefKind.isWrite(block.kinds[from + i]));
            }
            filled += take;
            referenceCount[turn] += take;
            leftInTurn -= take;
            positions[turn] = from + take;
            if (positions[turn] == block.size) {
                refill(turn);
            }
        }
        return filled;
    }

    private int nextInOwnOrder(int[] buffer) throws IOException {
        int filled = 0;
        TraceBlock block = blocks[0];
        while (filled < buffer.length && !exhausted[0]) {
            int from = positions[0];
            int take = Math.min(block.size - from, buffer.length - filled);
            for (int i = 0; i < take; i++) {
                int pidValue = block.pids[from + i];
                int process = processOfPid.getOrDefault(pidValue, -1);
                if (process < 0) {
                    process = addProcess(readers.get(0).name() + " pid " + pidValue);
                    processOfPid.put(pidValue, process);
                }
                buffer[filled + i] = RefSource.pack(intern(process, block.pages[from + i]),
                        RefKind.isWrite(block.kinds[from + i]));
                referenceCount[process]++;
            }
            filled += take;
            positions[0] = from + take;
            if (positions[0] == block.size) {
                refill(0);
            }
        }
        return filled;
    }

    private int intern(int pid, long page) {
        int global = lastGlobal[pid];
        if (global >= 0 && lastPage[pid] == page) {
            return global;
        }
        LongIntHashMap map = interns.get(pid);
        int slot = map.indexOf(page);
        if (map.indexExists(slot)) {
            global = map.indexGet(slot);
        } else {
            if (pages == RefSource.ID_MASK) {
                throw new IllegalStateException("more than " + RefSource.ID_MASK + " distinct pages in the traces");
            }
            global = pages++;
            if (global == pidOf.length) {
                pidOf = Arrays.copyOf(pidOf, global * 2);
                localOf = Arrays.copyOf(localOf, global * 2);
            }
            pidOf[global] = pid;
            localOf[global] = localCount[pid]++;
            map.indexInsert(slot, page, global);
        }
        lastPage[pid] = page;
        lastGlobal[pid] = global;
        return global;
    }

    /** Whether this is one trace that carries pids, replayed in its own order (processes appear as it goes). */
    boolean carriesPids() {
        return pidMode;
    }

    @Override
    public int processes() {
        return names.size();
    }

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int[] pidOf() {
        return pidOf;
    }

    @Override
    public int[] localOf() {
        return localOf;
    }

    @Override
    public long referencesOf(int pid) {
        return referenceCount[pid];
    }

    @Override
    public int pagesOf(int pid) {
        return localCount[pid];
    }

    @Override
    public String nameOf(int pid) {
        return names.get(pid);
    }
}
