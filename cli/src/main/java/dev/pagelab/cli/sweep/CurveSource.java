package dev.pagelab.cli.sweep;

import java.util.function.LongConsumer;

/**
 * The hook for one-pass miss-ratio curves: a source that computes a whole {@link CurveGroup} (one
 * trace set, one policy, one scope, allocation and quantum, every frame count of the sweep) at
 * once, instead of one replay a frame count.
 *
 * <p>The sweep asks each installed source ({@link CurveSources#installed()}), in order, whether it
 * {@link #supports} a group; the first that does computes all of the group's cells that are not
 * done yet, as one task. Groups no source supports, groups whose stream is not held in memory
 * ({@code --stream}) and groups with a cell whose timeline is recorded ({@code --timeline}) are
 * replayed a cell at a time with {@code Replay.run}, as {@code pagelab replay} does.
 *
 * <p>The contract: for every frame count of the group, the faults and write-backs of every process
 * are exactly those {@code Replay.run} gives for {@link CurveGroup#config(int)} over the same
 * stream (an estimating source, such as spatial sampling, is not exact: it must be chosen by an
 * option of its own, which then belongs in the sweep's spec, so that a sweep never mixes exact and
 * estimated rows unasked). The rows it produces carry its {@link #method()} in the results'
 * {@code method} column; everything else in them is the same as for a replayed cell, which
 * {@code SweepTest} checks with a source made of replays.
 *
 * <p>Implementations are called from the sweep's worker threads, one group a call; the stream is
 * shared read-only between threads.
 */
public interface CurveSource {
    /** What the results' {@code method} column says of the rows this source computed: {@code one-pass}, {@code shards}. */
    String method();

    /** Whether this source computes {@code group} (typically: its policy and scope). */
    boolean supports(CurveGroup group);

    /**
     * The group's counts.
     *
     * @param progress told, from the calling thread, the number of references processed so far
     *                 (may be called never; for the progress bar's rate only)
     * @return {@code faults[i][pid]} and {@code writebacks[i][pid]} for frame count
     *         {@code group.frames()[i]}, every process of {@code group.stream()}
     */
    Curve compute(CurveGroup group, LongConsumer progress);

    /**
     * Counts a frame count and a process.
     *
     * @param faults     {@code faults[i][pid]}: faults of process {@code pid} with frame count i
     * @param writebacks {@code writebacks[i][pid]}, likewise
     */
    record Curve(long[][] faults, long[][] writebacks) {
    }
}
