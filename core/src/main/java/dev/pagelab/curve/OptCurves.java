package dev.pagelab.curve;

import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The exact OPT curve in one pass over a stream in memory, from the distances of an
 * {@link OptStack} a pool (one under global scope, one a process under local scope): the faults
 * {@code pagelab replay --policy opt} counts at every frame count, and on request what its
 * write-backs need.
 *
 * <p>OPT's hits and misses at C frames do not depend on how it breaks ties (only pages never used
 * again can tie, and which of them goes never changes a later hit), so every frame count's faults
 * are the stack's. Its write-backs do depend on it: the replay's OPT evicts, among the pages never
 * used again, the one loaded earliest, and load times differ from one frame count to the next.
 * With write-backs asked for, the pass also records each pool's distances and pages
 * ({@link OptWritebacks.Recorder}) and counts the write-backs of pages evicted while still in use
 * at every frame count; those of pages evicted after their last use are counted a frame count at a
 * time when asked ({@link OptCurve}).
 *
 * <p>Memory: the stream (4 bytes a reference, {@link ReferenceStream}), every reference's next use
 * (4 bytes a reference more, turned into its distance as the pass goes when write-backs are
 * asked for; under local scope the distances take 4 bytes a reference more, in each process's
 * order), 16 bytes a page for the stacks and about 30 more with write-backs, 8 bytes a counted
 * frame count a process (16 with write-backs).
 */
final class OptCurves {
    private static final int BLOCK = 1 << 16;

    private OptCurves() {
    }

    static OptCurve build(ReferenceStream stream, CurveOptions options, long quantum, LongConsumer progress,
                          boolean writebacks) {
        int processes = stream.processes();
        boolean global = options.scope() == Scope.GLOBAL;
        // Indices in the whole stream order each process's own references too, so one array serves both scopes.
        int[] nextUse = stream.nextUse(Scope.GLOBAL);
        int pools = global ? 1 : processes;
        OptStack[] stacks = new OptStack[pools];
        OptWritebacks.Recorder[] recorders = writebacks ? new OptWritebacks.Recorder[pools] : null;
        for (int p = 0; p < pools; p++) {
            int pages = global ? stream.pages() : stream.pagesOf(p);
            stacks[p] = new OptStack(pages);
            if (writebacks) {
                // Under global scope pool time is the stream's index: each next use is read before its distance is written.
                int[] distances = global ? nextUse : new int[Math.toIntExact(stream.referencesOf(p))];
                recorders[p] = new OptWritebacks.Recorder(distances, pages);
            }
        }
        DistanceCounts[] counts = new DistanceCounts[processes];
        for (int pid = 0; pid < processes; pid++) {
            counts[pid] = new DistanceCounts(options.maxFrames(), writebacks);
            counts[pid].ensure(global ? stream.pages() : stream.pagesOf(pid));
        }
        int length = stream.length();
        for (int from = 0; from < length; from += BLOCK) {
            int to = Math.min(length, from + BLOCK);
            for (int i = from; i < to; i++) {
                int page = stream.pageAt(i);
                int pid = stream.processOf(page);
                int pool = global ? 0 : pid;
                int id = global ? page : stream.localIdOf(page);
                int distance = stacks[pool].reference(id, nextUse[i]);
                counts[pid].count(distance);
                if (writebacks) {
                    recorders[pool].reference(id, distance, stream.isWrite(i), counts[pid]);
                }
            }
            if (progress != null) {
                progress.accept(to);
            }
        }
        List<ProcessCurve> curves = new ArrayList<>();
        long[][] live = writebacks ? new long[processes][] : null;
        for (int pid = 0; pid < processes; pid++) {
            int poolPages = global ? stream.pages() : stream.pagesOf(pid);
            int frames = Math.min(options.maxFrames(), poolPages);
            curves.add(new ProcessCurve(pid, stream.nameOf(pid), stream.pagesOf(pid), stream.referencesOf(pid),
                    counts[pid].faults(frames), null, frames == poolPages));
            if (writebacks) {
                live[pid] = counts[pid].writebacks(frames);
            }
        }
        ExactCurve curve = new ExactCurve("opt", options.scope(), quantum, length, stream.pages(), curves);
        if (!writebacks) {
            return new OptCurve(curve, null, null);
        }
        OptWritebacks[] dead = new OptWritebacks[pools];
        if (global) {
            int[] ownerOf = new int[stream.pages()];
            for (int page = 0; page < ownerOf.length; page++) {
                ownerOf[page] = stream.processOf(page);
            }
            dead[0] = recorders[0].finish(ownerOf, processes);
        } else {
            for (int p = 0; p < pools; p++) {
                dead[p] = recorders[p].finish(null, 1);
            }
        }
        return new OptCurve(curve, live, dead);
    }
}
