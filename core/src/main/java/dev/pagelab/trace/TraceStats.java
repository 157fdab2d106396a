package dev.pagelab.trace;

import com.carrotsearch.hppc.IntObjectHashMap;
import com.carrotsearch.hppc.LongHashSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a trace holds: references by kind, writes, distinct pages, and the same per process. Pages
 * are counted per process (each process's page numbers are its own, as in replay), so the total
 * of distinct pages is the sum over the processes.
 *
 * <p>Memory: a primitive hash set of the distinct pages of each process (about 10 bytes a page
 * at hppc's default load factor), nothing a reference. Not thread-safe.
 */
public final class TraceStats {
    private final long[] byKind = new long[RefKind.COUNT];
    private final IntObjectHashMap<Process> processes = new IntObjectHashMap<>();
    private long references;

    /** The figures of one process. */
    public record ProcessStats(int pid, long references, long writes, long distinctPages) {
    }

    private static final class Process {
        final int pid;
        final LongHashSet pages = new LongHashSet();
        long references;
        long writes;

        Process(int pid) {
            this.pid = pid;
        }
    }

    /** Reads {@code reader} to its end, a block at a time, and counts everything. */
    public static TraceStats of(TraceReader reader) throws IOException {
        TraceStats stats = new TraceStats();
        TraceBlock block = new TraceBlock(TraceBlock.DEFAULT_CAPACITY);
        while (reader.read(block) > 0) {
            stats.add(block);
        }
        return stats;
    }

    /** Counts the references {@code [0, block.size)}. */
    public void add(TraceBlock block) {
        Process process = null;
        for (int i = 0; i < block.size; i++) {
            int pid = block.pids[i];
            if (process == null || process.pid != pid) {
                process = processes.get(pid);
                if (process == null) {
                    process = new Process(pid);
                    processes.put(pid, process);
                }
            }
            byte kind = block.kinds[i];
            byKind[kind]++;
            process.references++;
            if (RefKind.isWrite(kind)) {
                process.writes++;
            }
            process.pages.add(block.pages[i]);
        }
        references += block.size;
    }

    /** All references. */
    public long references() {
        return references;
    }

    /** References of {@code kind} (a {@link RefKind}). */
    public long references(byte kind) {
        return byKind[kind];
    }

    /** Writes: {@link RefKind#WRITE} and {@link RefKind#MODIFY} references. */
    public long writes() {
        return byKind[RefKind.WRITE] + byKind[RefKind.MODIFY];
    }

    /** Distinct pages, summed over the processes. */
    public long distinctPages() {
        long pages = 0;
        for (var p : processes.values()) {
            pages += p.value.pages.size();
        }
        return pages;
    }

    /** One entry a pid seen, by pid. */
    public List<ProcessStats> processes() {
        List<ProcessStats> list = new ArrayList<>();
        for (var p : processes.values()) {
            Process process = p.value;
            list.add(new ProcessStats(process.pid, process.references, process.writes, process.pages.size()));
        }
        list.sort(Comparator.comparingInt(ProcessStats::pid));
        return list;
    }
}
