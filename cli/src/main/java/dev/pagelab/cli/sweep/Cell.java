package dev.pagelab.cli.sweep;

import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.Scope;
import java.util.Objects;

/**
 * One cell of a sweep: one replay of one trace set under one policy, frame count, scope,
 * allocation and quantum.
 *
 * @param index      its place in the sweep's order (trace set, scope, allocation, quantum,
 *                   policy, frames), the order of the results once the sweep is complete
 * @param set        its trace set: 0 when all traces replay together, the trace's position with
 *                   {@code --each}
 * @param trace      the set's name: its traces' file names joined with {@code +}
 * @param policy     the policy's name
 * @param frames     the machine's frames
 * @param scope      local or global replacement
 * @param allocation how local scope divides the frames; null under global scope, which has no
 *                   quotas ({@code none} in the files)
 * @param quantum    references a process consumes a turn
 */
public record Cell(int index, int set, String trace, String policy, int frames, Scope scope,
                   AllocationMode allocation, long quantum) {
    /** The allocation column of global-scope cells. */
    public static final String NO_ALLOCATION = "none";

    public Cell {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(scope, "scope");
        if ((scope == Scope.GLOBAL) != (allocation == null)) {
            throw new IllegalArgumentException("cell " + index + ": allocation " + allocation + " with scope " + scope
                    + " (global scope has none, local scope needs one)");
        }
    }

    /** The allocation as the files write it. */
    public String allocationName() {
        return allocation == null ? NO_ALLOCATION : allocation.cliName();
    }

    /** What identifies the cell in the results files: its key columns, joined by tabs. */
    public String key() {
        return key(trace, policy, String.valueOf(frames), scope.cliName(), allocationName(), String.valueOf(quantum));
    }

    /** The key of the cell with these column values. */
    static String key(String trace, String policy, String frames, String scope, String allocation, String quantum) {
        return String.join("\t", trace, policy, frames, scope, allocation, quantum);
    }

    /** One line for messages: {@code lru, 64 frames, local equal, quantum 1000, on a.trace+b.trace}. */
    public String describe() {
        return policy + ", " + frames + " frames, " + scope.cliName() + (allocation == null ? "" : " " + allocationName())
                + ", quantum " + quantum + ", on " + trace;
    }
}
