package dev.pagelab.curve;

import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The exact OPT curve in one pass over a stream in memory, from the distances of an
 * {@link OptStack} a pool (one under global scope, one a process under local scope): the faults
 * {@code pagelab replay --policy opt} counts at every frame count.
 *
 * <p>Faults only. OPT's hits and misses at C frames do not depend on how it breaks ties (only
 * pages never used again can tie, and which of them goes never changes a later hit), so every
 * frame count's faults are the stack's. Its write-backs do depend on it: the replay's OPT evicts,
 * among the pages never used again, the one loaded earliest, and load times differ from one frame
 * count to the next, so which dirty pages are still resident at the end (and never written back)
 * is no stack property. A sweep replays OPT at the frame counts whose write-backs it needs.
 *
 * <p>Memory: the stream (4 bytes a reference, {@link ReferenceStream}), every reference's next use
 * (4 bytes a reference more), 16 bytes a page for the stacks, 8 bytes a counted frame count a
 * process.
 */
final class OptCurves {
    private static final int BLOCK = 1 << 16;

    private OptCurves() {
    }

    static ExactCurve build(ReferenceStream stream, CurveOptions options, long quantum, LongConsumer progress) {
        int processes = stream.processes();
        boolean global = options.scope() == Scope.GLOBAL;
        // Indices in the whole stream order each process's own references too, so one array serves both scopes.
        int[] nextUse = stream.nextUse(Scope.GLOBAL);
        OptStack[] stacks = new OptStack[global ? 1 : processes];
        for (int p = 0; p < stacks.length; p++) {
            stacks[p] = new OptStack(global ? stream.pages() : stream.pagesOf(p));
        }
        DistanceCounts[] counts = new DistanceCounts[processes];
        for (int pid = 0; pid < processes; pid++) {
            counts[pid] = new DistanceCounts(options.maxFrames(), false);
            counts[pid].ensure(global ? stream.pages() : stream.pagesOf(pid));
        }
        int length = stream.length();
        for (int from = 0; from < length; from += BLOCK) {
            int to = Math.min(length, from + BLOCK);
            for (int i = from; i < to; i++) {
                int page = stream.pageAt(i);
                int pid = stream.processOf(page);
                int distance = global ? stacks[0].reference(page, nextUse[i])
                        : stacks[pid].reference(stream.localIdOf(page), nextUse[i]);
                counts[pid].count(distance);
            }
            if (progress != null) {
                progress.accept(to);
            }
        }
        List<ProcessCurve> curves = new ArrayList<>();
        for (int pid = 0; pid < processes; pid++) {
            int poolPages = global ? stream.pages() : stream.pagesOf(pid);
            int frames = Math.min(options.maxFrames(), poolPages);
            curves.add(new ProcessCurve(pid, stream.nameOf(pid), stream.pagesOf(pid), stream.referencesOf(pid),
                    counts[pid].faults(frames), null, frames == poolPages));
        }
        return new ExactCurve("opt", options.scope(), quantum, length, stream.pages(), curves);
    }
}
