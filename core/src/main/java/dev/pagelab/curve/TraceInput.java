package dev.pagelab.curve;

import com.carrotsearch.hppc.LongIntHashMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Traces as a {@link CurveInput}: {@link Turns}' references with their pages given dense ids in
 * order of first use, as the replay engine gives them, in memory that grows with the distinct
 * pages only. Each process keeps an hppc {@code LongIntHashMap} from page number to id, and
 * remembers the page of its last reference, so that a run of references to one page does not
 * touch the map.
 */
final class TraceInput extends CurveInput {
    private static final int BLOCK = 1 << 14;

    private final Turns turns;
    private final int[] blockPids = new int[BLOCK];
    private final long[] blockPages = new long[BLOCK];
    private final boolean[] blockWrites = new boolean[BLOCK];

    private final List<LongIntHashMap> ids = new ArrayList<>();
    private long[] previousPage = new long[0];
    private int[] previousId = new int[0];

    TraceInput(Turns turns) {
        super(new int[BLOCK], new int[BLOCK], new int[0], 0);
        this.turns = turns;
    }

    @Override
    int next(int[] buffer) throws IOException {
        int count = turns.next(blockPids, blockPages, blockWrites, Math.min(buffer.length, BLOCK));
        for (int i = 0; i < count; i++) {
            int id = idOf(blockPids[i], blockPages[i]);
            buffer[i] = blockWrites[i] ? id | WRITE : id;
        }
        return count;
    }

    private int idOf(int pid, long page) {
        if (pid >= ids.size()) {
            addProcesses(pid + 1);
        }
        if (previousId[pid] >= 0 && previousPage[pid] == page) {
            return previousId[pid];
        }
        LongIntHashMap map = ids.get(pid);
        int slot = map.indexOf(page);
        int id;
        if (map.indexExists(slot)) {
            id = map.indexGet(slot);
        } else {
            if (pages == ID_MASK) {
                throw new IllegalStateException("more than " + ID_MASK + " distinct pages in the traces");
            }
            id = pages++;
            if (id == pidOf.length) {
                int length = (int) Math.min(ID_MASK, 2L * id);
                pidOf = Arrays.copyOf(pidOf, length);
                localOf = Arrays.copyOf(localOf, length);
            }
            pidOf[id] = pid;
            localOf[id] = pagesOf[pid]++;
            map.indexInsert(slot, page, id);
        }
        previousPage[pid] = page;
        previousId[pid] = id;
        return id;
    }

    private void addProcesses(int processes) {
        int old = ids.size();
        for (int pid = old; pid < processes; pid++) {
            ids.add(new LongIntHashMap());
        }
        previousPage = Arrays.copyOf(previousPage, processes);
        previousId = Arrays.copyOf(previousId, processes);
        Arrays.fill(previousId, old, processes, -1);
        pagesOf = Arrays.copyOf(pagesOf, processes);
    }

    @Override
    int processes() {
        return turns.processes();
    }

    @Override
    long referencesOf(int pid) {
        return turns.referencesOf(pid);
    }

    @Override
    String nameOf(int pid) {
        return turns.nameOf(pid);
    }
}
