package dev.pagelab.cli.sweep;

import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;

/**
 * What a {@link CurveSource} is asked to compute: one policy over one interleaved stream at
 * several frame counts, everything else fixed.
 *
 * @param stream      the trace set's references, interleaved with the group's quantum, held in
 *                    memory; shared, read only
 * @param policy      the policy's name in the registry
 * @param frames      the frame counts, ascending
 * @param configs     {@code configs[i]}: the replay's configuration at {@code frames[i]}, exactly
 *                    what a replayed cell is given
 * @param allocations {@code allocations[i]}: each process's frames at {@code frames[i]} under
 *                    local scope, as {@code Replay} divides them; null under global scope
 */
public record CurveGroup(ReferenceStream stream, String policy, int[] frames, ReplayConfig[] configs,
                         FrameAllocation[] allocations) {
    public CurveGroup {
        if (configs.length != frames.length || (allocations != null && allocations.length != frames.length)) {
            throw new IllegalArgumentException("a curve group of " + frames.length + " frame counts with "
                    + configs.length + " configurations and " + (allocations == null ? 0 : allocations.length)
                    + " allocations");
        }
    }

    /** The scope of every cell of the group. */
    public Scope scope() {
        return configs[0].scope();
    }

    /** The configuration of frame count i. */
    public ReplayConfig config(int i) {
        return configs[i];
    }
}
