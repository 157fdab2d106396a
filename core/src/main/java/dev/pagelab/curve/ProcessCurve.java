package dev.pagelab.curve;

import java.util.Arrays;
import java.util.Objects;

/**
 * One process's part of an exact curve: its faults (and write-backs) at each frame count. Under
 * local scope the frame count is the process's own frames (its quota); under global scope it is
 * the frames of the one pool all processes share, and the counts are the process's share: the
 * faults of its references and the write-backs of its pages.
 *
 * @param pid        the process: the trace's position, or the order a pid first appears in a
 *                   trace that carries pids
 * @param trace      its trace's name, as the replay engine names it
 * @param pages      its distinct pages
 * @param references its references
 * @param faults     faults at frame counts 1 … {@code faults.length}, at index frames − 1
 * @param writebacks write-backs at the same frame counts, or null when the curve has none (OPT's:
 *                   see {@link OptCurve})
 * @param complete   whether the counts reach the pool's distinct pages (flat beyond)
 */
public record ProcessCurve(int pid, String trace, int pages, long references, long[] faults, long[] writebacks,
                           boolean complete) {
    public ProcessCurve {
        Objects.requireNonNull(trace, "trace");
        faults = faults.clone();
        writebacks = writebacks == null ? null : writebacks.clone();
        if (writebacks != null && writebacks.length != faults.length) {
            throw new IllegalArgumentException("process " + pid + ": " + faults.length + " fault counts but "
                    + writebacks.length + " write-back counts");
        }
    }

    @Override
    public long[] faults() {
        return faults.clone();
    }

    @Override
    public long[] writebacks() {
        return writebacks == null ? null : writebacks.clone();
    }

    /** The largest frame count held. */
    public int frames() {
        return faults.length;
    }

    /** Whether there are write-back counts. */
    public boolean hasWritebacks() {
        return writebacks != null;
    }

    /**
     * The faults with {@code frames} frames.
     *
     * @throws IllegalArgumentException when {@code frames} is below 1, or beyond {@link #frames()}
     *                                  when the curve is not complete
     */
    public long faultsAt(int frames) {
        int index = index(frames);
        return index < 0 ? 0 : faults[index];
    }

    /**
     * The write-backs with {@code frames} frames.
     *
     * @throws IllegalStateException    when the curve has no write-backs
     * @throws IllegalArgumentException as {@link #faultsAt}
     */
    public long writebacksAt(int frames) {
        if (writebacks == null) {
            throw new IllegalStateException("process " + pid + " (" + trace + "): this curve has no write-backs");
        }
        int index = index(frames);
        return index < 0 ? 0 : writebacks[index];
    }

    /** Faults per reference with {@code frames} frames (0 without references). */
    public double missRatioAt(int frames) {
        long faultCount = faultsAt(frames);
        return references == 0 ? 0 : (double) faultCount / references;
    }

    /** The index of {@code frames} in the arrays; −1 for a process without pages (no counts: all 0). */
    private int index(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("process " + pid + " (" + trace + "): frames " + frames
                    + " must be at least 1");
        }
        if (frames <= faults.length) {
            return frames - 1;
        }
        if (complete) {
            // Flat beyond the pages: only cold faults. A process with no pages has no counts at all.
            return faults.length - 1;
        }
        throw new IllegalArgumentException("process " + pid + " (" + trace + "): the curve counts 1 to "
                + faults.length + " frames, not " + frames);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProcessCurve that && pid == that.pid && trace.equals(that.trace) && pages == that.pages
                && references == that.references && Arrays.equals(faults, that.faults)
                && Arrays.equals(writebacks, that.writebacks) && complete == that.complete;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, trace, pages, references, Arrays.hashCode(faults), Arrays.hashCode(writebacks), complete);
    }

    @Override
    public String toString() {
        return "ProcessCurve[pid=" + pid + ", trace=" + trace + ", pages=" + pages + ", references=" + references
                + ", frames=1.." + faults.length + (complete ? " (complete)" : "") + ", writebacks="
                + (writebacks != null) + "]";
    }
}
