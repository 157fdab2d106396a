package dev.pagelab.curve;

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
 * Traces read a block at a time and turned into the stream {@code pagelab replay} replays (its
 * rules 4 and 5), in memory that grows with the distinct pages only.
 *
 * <ul>
 *   <li>Trace i is process i. Turns go round in the order given; a turn is the process's next
 *       {@code quantum} references, or what is left of its trace; a process whose trace has ended
 *       gives up its turns.</li>
 *   <li>One trace that carries pids (vmsim's third column) is taken in its own order; each pid
 *       becomes a process when it first appears, named "<i>trace</i> pid <i>n</i>". Such a trace must
 *       be the only one.</li>
 *   <li>Page ids: a process's page numbers are its own. Each process keeps an hppc
 *       {@code LongIntHashMap} from page number to global id, and remembers the page of its last
 *       reference, so that a run of references to one page does not touch the map.</li>
 * </ul>
 */
final class TraceInput implements CurveInput {
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
    private final List<LongIntHashMap> ids = new ArrayList<>();
    private final IntIntHashMap processOfPidValue = new IntIntHashMap();
    private long[] previousPage = new long[0];
    private int[] previousId = new int[0];
    private int[] pagesOf = new int[0];
    private long[] referencesOf = new long[0];
    private int[] pidOf = new int[BLOCK];
    private int[] localOf = new int[BLOCK];
    private int pages;

    /**
     * @throws IllegalArgumentException for no traces, a quantum below 1, or a trace with pids
     *                                  among others
     */
    TraceInput(List<TraceReader> traces, long quantum) throws IOException {
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
        ids.add(new LongIntHashMap());
        int n = pid + 1;
        previousPage = Arrays.copyOf(previousPage, n);
        previousId = Arrays.copyOf(previousId, n);
        previousId[pid] = -1;
        pagesOf = Arrays.copyOf(pagesOf, n);
        referencesOf = Arrays.copyOf(referencesOf, n);
        return pid;
    }

    @Override
    public int next(int[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int reader = ownOrder ? 0 : turnTaker();
            if (reader < 0 || ended[reader]) {
                break;
            }
            TraceBlock block = blocks[reader];
            int from = taken[reader];
            int count = Math.min(block.size - from, buffer.length - filled);
            if (!ownOrder) {
                count = (int) Math.min(count, turnLeft);
                turnLeft -= count;
                referencesOf[reader] += count;
            }
            for (int i = 0; i < count; i++) {
                int pid = ownOrder ? processOf(block.pids[from + i]) : reader;
                int id = idOf(pid, block.pages[from + i]);
                buffer[filled + i] = RefKind.isWrite(block.kinds[from + i]) ? id | WRITE : id;
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

    private int idOf(int pid, long page) {
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
    public int pagesOf(int pid) {
        return pagesOf[pid];
    }

    @Override
    public long referencesOf(int pid) {
        return referencesOf[pid];
    }

    @Override
    public String nameOf(int pid) {
        return names.get(pid);
    }
}
