package dev.pagelab.replay;

import com.carrotsearch.hppc.LongIntHashMap;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import java.io.IOException;
import java.util.Arrays;

/**
 * {@link RefSource} over traces: {@link TraceTurns}' runs, each page number given its dense id.
 *
 * <ol>
 *   <li>Ask the turns for the next run (one process's consecutive references), at most what the
 *       buffer has room for.</li>
 *   <li>For each reference of the run: the same page as its process's previous reference keeps
 *       its id (a compare, kept in locals for the run); otherwise the process's
 *       {@code LongIntHashMap} gives the id, or the page gets the next global id and its
 *       process's next local one.</li>
 *   <li>Pack id and write bit into the buffer; repeat until it is full or the traces end.</li>
 * </ol>
 */
final class Interleaver implements RefSource {
    private final TraceTurns turns;

    // Per process.
    private LongIntHashMap[] interns = new LongIntHashMap[0];
    private long[] lastPage = new long[0];
    private int[] lastGlobal = new int[0];
    private int[] localCount = new int[0];

    // Per global id.
    private int[] pidOf = new int[1024];
    private int[] localOf = new int[1024];
    private int pages;

    Interleaver(TraceTurns turns) {
        this.turns = turns;
        addProcesses(turns.processes());
    }

    private void addProcesses(int processes) {
        int old = interns.length;
        interns = Arrays.copyOf(interns, processes);
        for (int pid = old; pid < processes; pid++) {
            interns[pid] = new LongIntHashMap();
        }
        lastPage = Arrays.copyOf(lastPage, processes);
        lastGlobal = Arrays.copyOf(lastGlobal, processes);
        localCount = Arrays.copyOf(localCount, processes);
        Arrays.fill(lastGlobal, old, processes, -1);
    }

    @Override
    public int next(int[] buffer) throws IOException {
        TraceTurns runs = turns;
        int filled = 0;
        int length;
        while (filled < buffer.length && (length = runs.next(buffer.length - filled)) > 0) {
            internRun(runs.runProcess(), runs.runBlock(), runs.runFrom(), length, buffer, filled);
            filled += length;
        }
        return filled;
    }

    private void internRun(int pid, TraceBlock block, int from, int length, int[] buffer, int at) {
        if (pid >= interns.length) {
            addProcesses(pid + 1);
        }
        long[] blockPages = block.pages;
        byte[] kinds = block.kinds;
        long page = lastPage[pid];
        int id = lastGlobal[pid];
        for (int i = 0; i < length; i++) {
            long next = blockPages[from + i];
            if (next != page || id < 0) {
                page = next;
                id = intern(pid, page);
            }
            buffer[at + i] = RefKind.isWrite(kinds[from + i]) ? id | WRITE : id;
        }
        lastPage[pid] = page;
        lastGlobal[pid] = id;
    }

    private int intern(int pid, long page) {
        LongIntHashMap map = interns[pid];
        int slot = map.indexOf(page);
        if (map.indexExists(slot)) {
            return map.indexGet(slot);
        }
        if (pages == ID_MASK) {
            throw new IllegalStateException("more than " + ID_MASK + " distinct pages in the traces");
        }
        int global = pages++;
        if (global == pidOf.length) {
            int grown = (int) Math.min(ID_MASK, 2L * global);
            pidOf = Arrays.copyOf(pidOf, grown);
            localOf = Arrays.copyOf(localOf, grown);
        }
        pidOf[global] = pid;
        localOf[global] = localCount[pid]++;
        map.indexInsert(slot, page, global);
        return global;
    }

    @Override
    public boolean processesAppear() {
        return turns.carriesPids();
    }

    @Override
    public int processes() {
        return turns.processes();
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
        return turns.referencesOf(pid);
    }

    @Override
    public int pagesOf(int pid) {
        return localCount[pid];
    }

    @Override
    public String nameOf(int pid) {
        return turns.nameOf(pid);
    }
}
