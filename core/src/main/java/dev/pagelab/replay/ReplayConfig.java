package dev.pagelab.replay;

import dev.pagelab.replace.PolicyConfig;
import java.util.Objects;

/**
 * How to replay: the frames, the scope, how local replacement divides the frames, and the
 * policies' parameters.
 *
 * @param frames        m, the frames of the machine
 * @param scope         local (a pool a process) or global (one pool)
 * @param allocation    how frames are divided under local scope (ignored under global scope)
 * @param sizes         each process's size for proportional and priority allocation, or null for
 *                      its number of distinct pages (which needs the whole trace first)
 * @param priorities    each process's priority for priority allocation (at least 1), or null for 1
 * @param minimumFrames the least frames a process must get, or {@link #DEFAULT_MINIMUM}: then
 *                      {@link FrameAllocation#X86_INSTRUCTION_MINIMUM} when two or more processes
 *                      share the frames, and 1 for a process alone (its frames are the whole
 *                      machine, as in the textbook strings with 3 frames)
 * @param quantum       references a process consumes a turn when per-process traces interleave
 * @param policy        the policies' parameters
 */
public record ReplayConfig(int frames, Scope scope, AllocationMode allocation, long[] sizes, long[] priorities,
                           int minimumFrames, long quantum, PolicyConfig policy) {
    /** {@link #minimumFrames} when the user gives none. */
    public static final int DEFAULT_MINIMUM = -1;

    /** The default quantum: 1,000 references a turn. */
    public static final long DEFAULT_QUANTUM = 1_000;

    public ReplayConfig {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(allocation, "allocation");
        Objects.requireNonNull(policy, "policy");
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, not " + frames);
        }
        if (minimumFrames != DEFAULT_MINIMUM && minimumFrames < 1) {
            throw new IllegalArgumentException("the minimum frames per process must be at least 1, not " + minimumFrames);
        }
        if (quantum < 1) {
            throw new IllegalArgumentException("the quantum must be at least 1 reference, not " + quantum);
        }
        sizes = sizes == null ? null : sizes.clone();
        priorities = priorities == null ? null : priorities.clone();
    }

    /** {@code frames} frames, local scope, equal allocation, default minimum and quantum and policy parameters. */
    public static ReplayConfig of(int frames, Scope scope) {
        return new ReplayConfig(frames, scope, AllocationMode.EQUAL, null, null, DEFAULT_MINIMUM, DEFAULT_QUANTUM,
                PolicyConfig.DEFAULTS);
    }

    public ReplayConfig withAllocation(AllocationMode mode, long[] newSizes, long[] newPriorities) {
        return new ReplayConfig(frames, scope, mode, newSizes, newPriorities, minimumFrames, quantum, policy);
    }

    public ReplayConfig withMinimumFrames(int value) {
        return new ReplayConfig(frames, scope, allocation, sizes, priorities, value, quantum, policy);
    }

    public ReplayConfig withQuantum(long value) {
        return new ReplayConfig(frames, scope, allocation, sizes, priorities, minimumFrames, value, policy);
    }

    public ReplayConfig withPolicy(PolicyConfig value) {
        return new ReplayConfig(frames, scope, allocation, sizes, priorities, minimumFrames, quantum, value);
    }

    @Override
    public long[] sizes() {
        return sizes == null ? null : sizes.clone();
    }

    @Override
    public long[] priorities() {
        return priorities == null ? null : priorities.clone();
    }

    /**
     * Checks the sizes and priorities given, if any, against the number of processes.
     *
     * @throws IllegalArgumentException when one of them has another length
     */
    public void checkProcesses(int processes) {
        if (sizes != null && sizes.length != processes) {
            throw new IllegalArgumentException(sizes.length + " sizes given for " + processes + " processes");
        }
        if (priorities != null && priorities.length != processes) {
            throw new IllegalArgumentException(priorities.length + " priorities given for " + processes + " processes");
        }
    }

    /** The minimum that applies to {@code processes} processes. */
    public int minimumFor(int processes) {
        if (minimumFrames != DEFAULT_MINIMUM) {
            return minimumFrames;
        }
        return processes > 1 ? FrameAllocation.X86_INSTRUCTION_MINIMUM : 1;
    }
}
