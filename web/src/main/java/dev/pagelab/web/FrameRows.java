package dev.pagelab.web;

import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory view's rows: the frames of a range {@code [fromPfn, toPfn)} described in at most
 * {@code maxRuns} rows, exactly when they fit and in coarse buckets when they do not, so that an
 * answer is bounded whatever the machine holds (a 4 GiB machine whose frames alternate owners has
 * 1,048,576 runs of one frame).
 *
 * <h2>Notation</h2>
 * A <em>run</em> is a longest stretch of frames with one owner and, for process frames, one
 * process. {@code B} is the bucket size in frames, a power of two.
 *
 * <h2>The rule</h2>
 * <ol>
 *   <li>Walk the range frame by frame, collecting runs (the first starts at {@code fromPfn}, the
 *       last ends at {@code toPfn}, whatever lies outside). If there are at most {@code maxRuns},
 *       the answer is {@link Exact}: those runs. The walk stops at run {@code maxRuns + 1}, so it
 *       never holds more than that.</li>
 *   <li>Otherwise the answer is a {@link Summary}. {@code B} is the smallest power of two for
 *       which the range meets at most {@code maxRuns} of the aligned blocks
 *       {@code [k·B, (k+1)·B)}; each bucket is one such block cut to the range:
 *       <pre>
 *   fromPfn                                                    toPfn
 *      |--bucket--|----bucket----|----bucket----|  ...  |--bucket--|
 *   k·B        (k+1)·B        (k+2)·B                  m·B
 *       </pre>
 *       A bucket carries the frames of each owner in it, its <em>dominant</em> owner (the one
 *       with the most frames; ties go to the owner listed first in {@link FrameOwner}) and, when
 *       that is {@link FrameOwner#PROCESS}, the process with the most of those frames (ties: the
 *       lowest pid).</li>
 *   <li>Neighbouring buckets that each hold one owner (and one process) and the same one merge
 *       into one row, which is then exactly a run or a piece of one: free memory and holes cost a
 *       row, not a row per bucket.</li>
 * </ol>
 * Aligned buckets let a client that asks again for a narrower range see its buckets split in
 * two (or into runs) rather than shifted. The counts of a summary add up, owner by owner, to the
 * frames of the range.
 *
 * <h2>Cost</h2>
 * One read of the owner table per frame of the range, twice at most (the walk for runs stops
 * early, the bucket walk is one more); memory {@code O(maxRuns)}.
 */
final class FrameRows {
    /** The rows an answer holds when the request does not say. */
    static final int DEFAULT_MAX_RUNS = 4096;
    /** The most rows a request may ask for. */
    static final int MAX_RUNS = 65_536;
    /** {@code toPfn} meaning the top of the map. */
    static final long TO_TOP = -1;

    private static final FrameOwner[] OWNERS = FrameOwner.values();

    private FrameRows() {
    }

    /** Frames [startPfn, endPfn) with one owner and, for process frames, one process (pid -1 otherwise). */
    record Run(long startPfn, long endPfn, String owner, int pid) {
    }

    /**
     * Frames [startPfn, endPfn) summed up: the dominant owner and process (pid -1 unless the
     * dominant owner is {@code process}), the frames of each owner, by owner key, in
     * {@link FrameOwner} order, owners with no frame left out, and whether all its frames have
     * one owner and, for process frames, one process.
     */
    record Bucket(long startPfn, long endPfn, String owner, int pid, Map<String, Long> counts, boolean uniform) {
    }

    /** The rows of a range. */
    sealed interface Rows {
        long fromPfn();

        long toPfn();

        int maxRuns();
    }

    /** Every run of the range, no more than {@code maxRuns}. */
    record Exact(long fromPfn, long toPfn, int maxRuns, List<Run> runs) implements Rows {
    }

    /** The range in buckets of {@code bucketFrames} frames (merged where uniform), no more than {@code maxRuns}. */
    record Summary(long fromPfn, long toPfn, int maxRuns, long bucketFrames, List<Bucket> buckets) implements Rows {
    }

    /**
     * The rows of frames [fromPfn, toPfn) by the rule above.
     *
     * @param toPfn   the end of the range, exclusive, or {@link #TO_TOP}
     * @param maxRuns 1 to {@link #MAX_RUNS}
     * @throws ApiException 400 naming the values when the range is empty or leaves the map, or
     *                      {@code maxRuns} is out of bounds
     */
    static Rows of(FrameAccounting accounting, long fromPfn, long toPfn, int maxRuns) {
        long top = accounting.topPfn();
        long to = toPfn == TO_TOP ? top : toPfn;
        if (maxRuns < 1 || maxRuns > MAX_RUNS) {
            throw ApiException.badRequest("maxRuns " + maxRuns + " is out of range: expected 1 to " + MAX_RUNS);
        }
        if (to > top || fromPfn < 0 || fromPfn >= to) {
            throw ApiException.badRequest("frames from " + fromPfn + " to " + to + " are not a range of this map: expected"
                    + " 0 <= from < to <= " + top + " (the top of the map; 'to' is exclusive)");
        }
        List<Run> runs = runs(accounting, fromPfn, to, maxRuns);
        if (runs != null) {
            return new Exact(fromPfn, to, maxRuns, runs);
        }
        long bucketFrames = 1;
        while ((to - 1) / bucketFrames - fromPfn / bucketFrames + 1 > maxRuns) {
            bucketFrames <<= 1;
        }
        return new Summary(fromPfn, to, maxRuns, bucketFrames, buckets(accounting, fromPfn, to, bucketFrames));
    }

    /** The runs of [fromPfn, toPfn) in address order, or null when there are more than {@code maxRuns}. */
    private static List<Run> runs(FrameAccounting accounting, long fromPfn, long toPfn, int maxRuns) {
        List<Run> runs = new ArrayList<>();
        long start = fromPfn;
        FrameOwner owner = accounting.ownerOf(start);
        int pid = accounting.processOf(start);
        for (long pfn = fromPfn + 1; pfn <= toPfn; pfn++) {
            FrameOwner o = pfn == toPfn ? null : accounting.ownerOf(pfn);
            int p = pfn == toPfn ? -1 : accounting.processOf(pfn);
            if (o != owner || p != pid) {
                if (runs.size() == maxRuns) {
                    return null;
                }
                runs.add(new Run(start, pfn, StateViews.key(owner), pid));
                start = pfn;
                owner = o;
                pid = p;
            }
        }
        return runs;
    }

    private static List<Bucket> buckets(FrameAccounting accounting, long fromPfn, long toPfn, long bucketFrames) {
        List<Bucket> out = new ArrayList<>();
        Counter counter = new Counter();
        for (long start = fromPfn; start < toPfn; ) {
            long end = Math.min(toPfn, (start / bucketFrames + 1) * bucketFrames);
            counter.clear();
            for (long pfn = start; pfn < end; pfn++) {
                counter.add(accounting.ownerOf(pfn), accounting.processOf(pfn));
            }
            Bucket b = counter.bucket(start, end);
            Bucket last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && b.uniform() && last.uniform() && last.owner().equals(b.owner()) && last.pid() == b.pid()) {
                out.set(out.size() - 1, new Bucket(last.startPfn(), end, b.owner(), b.pid(),
                        Map.of(b.owner(), end - last.startPfn()), true));
            } else {
                out.add(b);
            }
            start = end;
        }
        return out;
    }

    /** Frames of each owner, and of each process, in one bucket; no allocation per frame. */
    private static final class Counter {
        private final long[] owners = new long[OWNERS.length];
        private long[] pids = new long[16];
        private int[] touched = new int[16];
        private int touchedCount;

        void add(FrameOwner owner, int pid) {
            owners[owner.ordinal()]++;
            if (owner != FrameOwner.PROCESS) {
                return;
            }
            if (pid >= pids.length) {
                pids = Arrays.copyOf(pids, Math.max(pid + 1, 2 * pids.length));
            }
            if (pids[pid]++ == 0) {
                if (touchedCount == touched.length) {
                    touched = Arrays.copyOf(touched, 2 * touched.length);
                }
                touched[touchedCount++] = pid;
            }
        }

        void clear() {
            Arrays.fill(owners, 0);
            for (int i = 0; i < touchedCount; i++) {
                pids[touched[i]] = 0;
            }
            touchedCount = 0;
        }

        Bucket bucket(long startPfn, long endPfn) {
            int dominant = 0;
            Map<String, Long> counts = new LinkedHashMap<>();
            for (int o = 0; o < owners.length; o++) {
                if (owners[o] > owners[dominant]) {
                    dominant = o;
                }
                if (owners[o] > 0) {
                    counts.put(StateViews.key(OWNERS[o]), owners[o]);
                }
            }
            int pid = -1;
            if (OWNERS[dominant] == FrameOwner.PROCESS) {
                for (int i = 0; i < touchedCount; i++) {
                    int p = touched[i];
                    if (pid < 0 || pids[p] > pids[pid] || pids[p] == pids[pid] && p < pid) {
                        pid = p;
                    }
                }
            }
            return new Bucket(startPfn, endPfn, StateViews.key(OWNERS[dominant]), pid, Collections.unmodifiableMap(counts),
                    counts.size() == 1 && touchedCount <= 1);
        }
    }

    /** Frames held by each process over the whole map, by pid (as text, for JSON) in increasing order. */
    static Map<String, Long> processFrames(FrameAccounting accounting) {
        long[] frames = new long[16];
        long top = accounting.topPfn();
        for (long pfn = 0; pfn < top; pfn++) {
            int pid = accounting.processOf(pfn);
            if (pid >= 0) {
                if (pid >= frames.length) {
                    frames = Arrays.copyOf(frames, Math.max(pid + 1, 2 * frames.length));
                }
                frames[pid]++;
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int pid = 0; pid < frames.length; pid++) {
            if (frames[pid] > 0) {
                out.put(String.valueOf(pid), frames[pid]);
            }
        }
        return out;
    }
}
