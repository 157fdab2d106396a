package dev.pagelab.curve;

import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.util.Objects;

/**
 * What a curve covers: the scope of its pools, how several traces interleave, and the largest
 * frame count it counts.
 *
 * @param scope     {@link Scope#GLOBAL}: one pool over the interleaved stream (a curve of the
 *                  pool's frames); {@link Scope#LOCAL}: a pool a process (a curve a process, over
 *                  that process's own frames)
 * @param quantum   references a process consumes a turn when several traces interleave, as
 *                  {@link ReplayConfig#quantum()} (ignored for one trace and for a trace with pids)
 * @param maxFrames the largest frame count counted, at least 1; {@link #ALL_FRAMES} counts up to
 *                  the pool's distinct pages, beyond which the curve is flat (every fault a cold
 *                  one). Each counted frame count costs 16 bytes a process.
 */
public record CurveOptions(Scope scope, long quantum, int maxFrames) {
    /** {@link #maxFrames}: every frame count up to the distinct pages of the pool. */
    public static final int ALL_FRAMES = Integer.MAX_VALUE;

    public CurveOptions {
        Objects.requireNonNull(scope, "scope");
        if (quantum < 1) {
            throw new IllegalArgumentException("the quantum must be at least 1 reference, not " + quantum);
        }
        if (maxFrames < 1) {
            throw new IllegalArgumentException("the largest frame count of a curve must be at least 1, not " + maxFrames);
        }
    }

    /** {@code scope}, the replay's default quantum, every frame count. */
    public static CurveOptions of(Scope scope) {
        return new CurveOptions(scope, ReplayConfig.DEFAULT_QUANTUM, ALL_FRAMES);
    }

    public CurveOptions withQuantum(long value) {
        return new CurveOptions(scope, value, maxFrames);
    }

    public CurveOptions withMaxFrames(int value) {
        return new CurveOptions(scope, quantum, value);
    }
}
