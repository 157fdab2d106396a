package dev.pagelab.cli.sweep;

import dev.pagelab.replay.ReferenceStream;
import java.util.Arrays;

/**
 * Denning's average working-set size s(τ) of every process, for many windows τ at once, in one
 * pass over the stream.
 *
 * <p>Notation: a process's references r_1 … r_T in its own time (its own reference count; other
 * processes' references do not age its pages). The working set W(t, τ) is the set of distinct
 * pages among r_(t−τ+1) … r_t (at t &lt; τ, among r_1 … r_t); s(τ) = (1/T) Σ_(t=1..T) |W(t, τ)|
 * (Denning, "The working set model for program behavior", CACM 1968; Denning and Schwartz,
 * "Properties of the working-set model", CACM 1972).
 *
 * <p>Why one pass suffices: reference i counts in |W(t, τ)| exactly when it is the latest
 * reference to its page by time t and lies in the window, that is for i ≤ t &lt; min(i + τ,
 * next(i), T + 1), next(i) being the time of the page's next reference. So with the forward
 * distance d_i = next(i) − i (or T + 1 − i when the page is not referenced again),
 *
 * <pre>
 *   Σ_t |W(t, τ)| = Σ_i min(τ, d_i) = Σ_(d_i &lt; τ) d_i + τ · #{i : d_i ≥ τ}
 * </pre>
 *
 * Steps: (1) walk the stream once; at each reference of page p at its process's time t, if p was
 * referenced before at time u, d_u = t − u is known: add it to the bucket of the windows it falls
 * between (binary search over the sorted windows); remember t as p's last time. (2) At the end,
 * each page's last reference u has d_u = T − u. (3) For each window, the formula above from the
 * buckets' counts and sums. Cost: O(N log W) time for N references and W windows, O(pages + P·W)
 * memory for P processes; no histogram as long as the trace.
 */
public final class WorkingSetCurve {
    private WorkingSetCurve() {
    }

    /**
     * s(τ) for every process of {@code stream} and every window.
     *
     * @param windows the windows τ, ascending, each at least 1
     * @return {@code sizes[pid][j]}: process pid's average working-set size with window
     *         {@code windows[j]} (0 for a process without references)
     */
    public static double[][] averageSizes(ReferenceStream stream, long[] windows) {
        for (int j = 0; j < windows.length; j++) {
            if (windows[j] < 1 || (j > 0 && windows[j] <= windows[j - 1])) {
                throw new IllegalArgumentException("windows must be ascending and at least 1: "
                        + Arrays.toString(windows));
            }
        }
        int processes = stream.processes();
        int buckets = windows.length + 1;
        // Bucket b holds the distances d with exactly b windows ≤ d: d < windows[j] ⟺ bucket ≤ j.
        long[][] count = new long[processes][buckets];
        long[][] sum = new long[processes][buckets];
        long[] time = new long[processes];
        long[] last = new long[stream.pages()];
        Arrays.fill(last, -1);
        int length = stream.length();
        for (int i = 0; i < length; i++) {
            int page = stream.pageAt(i);
            int pid = stream.processOf(page);
            long t = time[pid]++;
            long u = last[page];
            if (u >= 0) {
                add(count[pid], sum[pid], windows, t - u);
            }
            last[page] = t;
        }
        for (int page = 0; page < last.length; page++) {
            if (last[page] >= 0) {
                int pid = stream.processOf(page);
                add(count[pid], sum[pid], windows, time[pid] - last[page]);
            }
        }
        double[][] sizes = new double[processes][windows.length];
        for (int pid = 0; pid < processes; pid++) {
            if (time[pid] == 0) {
                continue;
            }
            long below = 0;
            long notBelow = time[pid];
            for (int j = 0; j < windows.length; j++) {
                below += sum[pid][j];
                notBelow -= count[pid][j];
                sizes[pid][j] = (below + (double) windows[j] * notBelow) / time[pid];
            }
        }
        return sizes;
    }

    private static void add(long[] count, long[] sum, long[] windows, long distance) {
        int at = Arrays.binarySearch(windows, distance);
        int bucket = at >= 0 ? at + 1 : -at - 1;
        count[bucket]++;
        sum[bucket] += distance;
    }

    /**
     * The default windows: 1, 2, 3, 4, 6, 8, 12, 16, ... (powers of two and one and a half times
     * them) up to {@code longest}, and {@code longest} itself.
     */
    public static long[] defaultWindows(long longest) {
        java.util.TreeSet<Long> windows = new java.util.TreeSet<>();
        for (long w = 1; w <= longest && w > 0; w *= 2) {
            windows.add(w);
            if (w + w / 2 <= longest && w > 1) {
                windows.add(w + w / 2);
            }
        }
        windows.add(Math.max(1, longest));
        return windows.stream().mapToLong(Long::longValue).toArray();
    }
}
