package dev.pagelab.curve;

import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.util.Objects;

/**
 * OPT's exact curve with its write-backs: what {@code pagelab replay --policy opt} counts, faults
 * and write-backs, at any frame count, from one pass ({@link Curves#optWithWritebacks}).
 *
 * <p>The faults at every frame count are in {@link #curve()}, as {@link Curves#opt} gives them.
 * The write-backs have two parts ({@link OptWritebacks}): those of pages evicted while still in use,
 * counted during the pass at every frame count, and those of pages evicted after their last use,
 * which depend on the replay's tie rule (the page loaded earliest goes first) and are counted
 * when a frame count is asked for, in O(P log P) for a pool of P pages, without reading the
 * references again. So a sweep over a few dozen frame counts costs one pass and a few dozen
 * short counts, and the object keeps each pool's distances (4 bytes a reference) for as long as
 * it is kept: drop it when done.
 *
 * <p>Reading it is as for {@link ExactCurve}: {@link #countsAt(int)} under global scope (each
 * process's share of one pool), {@link #countsAt(FrameAllocation)} or
 * {@link #countsAt(ReplayConfig)} under local scope. Thread-safe.
 */
public final class OptCurve {
    private final ExactCurve curve;
    private final long[][] live;
    private final OptWritebacks[] dead;

    OptCurve(ExactCurve curve, long[][] live, OptWritebacks[] dead) {
        this.curve = Objects.requireNonNull(curve, "curve");
        this.live = live;
        this.dead = dead;
    }

    /** The faults at every frame count (no write-backs: they are counted here, a frame count at a time). */
    public ExactCurve curve() {
        return curve;
    }

    /**
     * Each process's faults and write-backs with {@code frames} frames in the one pool (global
     * scope, or a single process under local scope).
     *
     * @throws IllegalStateException    as {@link ExactCurve#countsAt(int)}, or without write-backs
     * @throws IllegalArgumentException as {@link ExactCurve#countsAt(int)}
     */
    public CurveCounts countsAt(int frames) {
        CurveCounts faults = curve.countsAt(frames);
        requireWritebacks();
        long[] writebacks = dead[0].deadWritebacks(frames);
        for (int pid = 0; pid < writebacks.length; pid++) {
            writebacks[pid] += liveAt(pid, frames);
        }
        return new CurveCounts(frames, null, faults.faults(), writebacks);
    }

    /**
     * Each process's faults and write-backs at its quota in {@code allocation} (local scope).
     *
     * @throws IllegalStateException    as {@link ExactCurve#countsAt(FrameAllocation)}, or without write-backs
     * @throws IllegalArgumentException as {@link ExactCurve#countsAt(FrameAllocation)}
     */
    public CurveCounts countsAt(FrameAllocation allocation) {
        CurveCounts faults = curve.countsAt(allocation);
        requireWritebacks();
        int[] quotas = allocation.quotas();
        long[] writebacks = new long[quotas.length];
        for (int pid = 0; pid < quotas.length; pid++) {
            writebacks[pid] = liveAt(pid, quotas[pid]) + dead[pid].deadWritebacks(quotas[pid])[0];
        }
        return new CurveCounts(allocation.frames(), quotas, faults.faults(), writebacks);
    }

    /**
     * What {@code Replay.run} with {@code config} and OPT would count for each process, faults and
     * write-backs (see {@link ExactCurve#countsAt(ReplayConfig)}).
     *
     * @throws IllegalArgumentException as {@link ExactCurve#countsAt(ReplayConfig)}
     * @throws IllegalStateException    without write-backs
     */
    public CurveCounts countsAt(ReplayConfig config) {
        curve.checkReplay(config);
        return curve.scope() == Scope.GLOBAL ? countsAt(config.frames()) : countsAt(curve.allocation(config));
    }

    /** The write-backs of pages evicted while still in use, with {@code frames} frames (index rules of {@link ProcessCurve}). */
    private long liveAt(int pid, int frames) {
        long[] counts = live[pid];
        if (counts.length == 0) {
            return 0;
        }
        // Beyond a complete curve's pages nothing is evicted; ProcessCurve has refused an incomplete one already.
        return counts[Math.min(frames, counts.length) - 1];
    }

    private void requireWritebacks() {
        if (dead == null) {
            throw new IllegalStateException("this OPT curve has faults only: build it with Curves.optWithWritebacks");
        }
    }

    @Override
    public String toString() {
        return "OptCurve[" + curve + ", writebacks=" + (dead != null) + "]";
    }
}
