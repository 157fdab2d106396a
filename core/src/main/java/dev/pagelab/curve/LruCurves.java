package dev.pagelab.curve;

import dev.pagelab.replay.RefSource;
import dev.pagelab.replay.Scope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The exact LRU curve in one pass: faults and write-backs at every frame count from the stack
 * distances of an {@link LruStack} (Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques
 * for storage hierarchies", IBM Systems Journal 9(2), 1970).
 *
 * <p><b>Faults.</b> LRU is a stack algorithm: with C frames the resident pages are the top C of
 * the stack. A reference at distance d is a hit for every C ≥ d and a fault for every C &lt; d;
 * a first reference faults at every C.
 *
 * <p><b>Write-backs</b> (after Thompson and Smith's one-pass write-back counts for stack
 * algorithms, 1989). Keep for each page m, the smallest frame count at which it is dirty now:
 * <ul>
 *   <li>first reference: m = ∞ (no frame count has it dirty), or 1 for a write;</li>
 *   <li>a write: m = 1 (at every C the write leaves the page resident and dirty, loaded or not);</li>
 *   <li>a read at distance d: m = max(m, d): at C &lt; d it faulted and was loaded clean, at
 *       C ≥ d it hit and kept its state.</li>
 * </ul>
 * Between two references the page is resident at C exactly while C ≥ its depth; the next
 * reference has distance d, so the page was evicted in between at every C &lt; d, dirty at those
 * C ≥ m: one write-back at each C in [m, d), counted before m is updated, in a difference array
 * over C. At the end a page at depth D that was evicted since its last reference is written back
 * at each C in [m, D): {@code pagelab replay} writes back evicted pages but never flushes the
 * pages still resident at the end (rule 3), so these count and the resident ones do not.
 * Under global scope a write-back is charged to the page's own process, a fault to the process
 * that referenced.
 *
 * <p><b>Scopes.</b> Global: one stack over the interleaved stream (ids are (process, page)).
 * Local: a stack a process over its own references; its curve is over its own frames.
 *
 * <p>Cost: O(log S) a reference ({@link LruStack}), O(1) for a reference to the page referenced
 * just before in the same pool; memory per pool 8 bytes a distinct page and up to 32 a page for
 * the time slots, plus 16 bytes a counted frame count a process, plus the reading side's hash
 * maps ({@link RefSource}). Nothing grows with the number of references.
 *
 * <p>Input: the replay engine's own {@link RefSource}, streamed from traces ({@link TraceInput})
 * or from a stream in memory, so that the ids, the processes and the order are the replay's.
 */
final class LruCurves {
    private static final int BLOCK = 1 << 14;
    private static final int NEVER_DIRTY = Integer.MAX_VALUE;

    private final Scope scope;
    private final int maxFrames;
    private final int initialSlots;
    private LruStack[] stacks = new LruStack[0];
    private int[][] dirtyFrom = new int[0][];
    private DistanceCounts[] counts = new DistanceCounts[0];

    LruCurves(Scope scope, int maxFrames, int initialSlots) {
        this.scope = scope;
        this.maxFrames = maxFrames;
        this.initialSlots = initialSlots;
    }

    /** Reads all of {@code input} and returns its curve. */
    static ExactCurve build(RefSource input, CurveOptions options, long quantum, int initialSlots,
                            LongConsumer progress) throws IOException {
        return new LruCurves(options.scope(), options.maxFrames(), initialSlots).run(input, quantum, progress);
    }

    /** Reads all of {@code input}'s source and returns its curve; once only. */
    ExactCurve run(TraceInput input, long quantum, LongConsumer progress) throws IOException {
        return run(input.ids, quantum, progress);
    }

    /** Reads all of {@code input} and returns its curve; once only. */
    ExactCurve run(RefSource input, long quantum, LongConsumer progress) throws IOException {
        int[] buffer = new int[BLOCK];
        long done = 0;
        int n;
        while ((n = input.next(buffer)) > 0) {
            prepare(input);
            if (scope == Scope.GLOBAL) {
                global(buffer, n, input.pidOf());
            } else {
                local(buffer, n, input.pidOf(), input.localOf());
            }
            done += n;
            if (progress != null) {
                progress.accept(done);
            }
        }
        prepare(input);
        return finish(input, quantum);
    }

    /** The compactions of all stacks so far (for tests). */
    int compactions() {
        return Arrays.stream(stacks).mapToInt(stack -> stack.compactions).sum();
    }

    /** Brings the stacks and counts up to the processes and pages the input has given. */
    private void prepare(RefSource input) {
        int processes = input.processes();
        int pools = scope == Scope.GLOBAL ? 1 : processes;
        if (pools > stacks.length) {
            int old = stacks.length;
            stacks = Arrays.copyOf(stacks, pools);
            dirtyFrom = Arrays.copyOf(dirtyFrom, pools);
            for (int p = old; p < pools; p++) {
                stacks[p] = new LruStack(initialSlots);
                dirtyFrom[p] = new int[0];
            }
        }
        if (processes > counts.length) {
            int old = counts.length;
            counts = Arrays.copyOf(counts, processes);
            for (int pid = old; pid < processes; pid++) {
                counts[pid] = new DistanceCounts(maxFrames, true);
            }
        }
        for (int p = 0; p < pools; p++) {
            int pages = scope == Scope.GLOBAL ? input.pages() : input.pagesOf(p);
            stacks[p].ensureIds(pages);
            if (pages > dirtyFrom[p].length) {
                int old = dirtyFrom[p].length;
                dirtyFrom[p] = Arrays.copyOf(dirtyFrom[p], Math.max(pages, (int) Math.min(Integer.MAX_VALUE - 16L, 2L * old)));
                Arrays.fill(dirtyFrom[p], old, dirtyFrom[p].length, NEVER_DIRTY);
            }
        }
        for (int pid = 0; pid < processes; pid++) {
            counts[pid].ensure(scope == Scope.GLOBAL ? input.pages() : input.pagesOf(pid));
        }
    }

    private void global(int[] refs, int n, int[] pidOf) {
        LruStack stack = stacks[0];
        int[] dirty = dirtyFrom[0];
        for (int i = 0; i < n; i++) {
            int ref = refs[i];
            int id = ref & RefSource.ID_MASK;
            reference(stack, dirty, counts[pidOf[id]], id, ref < 0);
        }
    }

    private void local(int[] refs, int n, int[] pidOf, int[] localOf) {
        for (int i = 0; i < n; i++) {
            int ref = refs[i];
            int id = ref & RefSource.ID_MASK;
            int pid = pidOf[id];
            reference(stacks[pid], dirtyFrom[pid], counts[pid], localOf[id], ref < 0);
        }
    }

    private static void reference(LruStack stack, int[] dirtyFrom, DistanceCounts counts, int page, boolean write) {
        int distance = stack.reference(page);
        counts.count(distance);
        int m = dirtyFrom[page];
        if (distance != LruStack.COLD) {
            counts.dirtyEvictions(m, distance);
            dirtyFrom[page] = write ? 1 : Math.max(m, distance);
        } else if (write) {
            dirtyFrom[page] = 1;
        }
    }

    private ExactCurve finish(RefSource input, long quantum) {
        int processes = input.processes();
        int[] pidOf = input.pidOf();
        // Pages evicted after their last reference were written back if dirty then.
        for (int p = 0; p < stacks.length; p++) {
            int pages = scope == Scope.GLOBAL ? input.pages() : input.pagesOf(p);
            for (int page = 0; page < pages; page++) {
                int owner = scope == Scope.GLOBAL ? pidOf[page] : p;
                counts[owner].dirtyEvictions(dirtyFrom[p][page], stacks[p].depth(page));
            }
        }
        List<ProcessCurve> curves = new ArrayList<>();
        long references = 0;
        for (int pid = 0; pid < processes; pid++) {
            int poolPages = scope == Scope.GLOBAL ? input.pages() : input.pagesOf(pid);
            int frames = Math.min(maxFrames, poolPages);
            curves.add(new ProcessCurve(pid, input.nameOf(pid), input.pagesOf(pid), input.referencesOf(pid),
                    counts[pid].faults(frames), counts[pid].writebacks(frames), frames == poolPages));
            references += input.referencesOf(pid);
        }
        return new ExactCurve("lru", scope, quantum, references, input.pages(), curves);
    }
}
