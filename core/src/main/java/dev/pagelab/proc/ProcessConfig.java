package dev.pagelab.proc;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.util.Objects;

/**
 * How the kernel runs processes: the frames they share, how those are divided, the replacement
 * policy and its scope, the swap device, and the INVLPG lesson switch. The rules are the replay
 * engine's ({@link dev.pagelab.replay.Replay}), so that the kernel and {@code pagelab replay}
 * count the same faults.
 *
 * @param policy        the replacement policy's registry name
 * @param policyConfig  its parameters
 * @param scope         local (a pool of its quota a process) or global (one pool of all frames)
 * @param allocation    how the frames are divided under local scope
 * @param frames        m, the frames processes may hold at once (the machine must have them free)
 * @param minimumFrames the least a process must get, or {@link ReplayConfig#DEFAULT_MINIMUM}
 *                      ({@link FrameAllocation#X86_INSTRUCTION_MINIMUM} when two or more processes
 *                      share the frames, 1 for one)
 * @param swapSlots     slots of the swap device
 * @param ioCostNanos   the cost of one page transfer to or from swap, for the effective access time
 * @param skipInvlpg    the lesson switch: clear A without its INVLPG (the TLB keeps the translation,
 *                      later hits set no A, the page looks unused however hot it is, and Clock
 *                      degrades); an eviction still invalidates its page
 * @param loadControl   Denning's load control for a variable-allocation policy (working set, PFF)
 *                      under local scope: no quotas, each process's resident set is what its policy
 *                      keeps, the m frames are a budget for all of them, and when a fault finds the
 *                      budget spent a process is suspended (see {@link Processes})
 */
public record ProcessConfig(String policy, PolicyConfig policyConfig, Scope scope, AllocationMode allocation,
                            int frames, int minimumFrames, int swapSlots, long ioCostNanos, boolean skipInvlpg,
                            boolean loadControl) {
    /** Clock, local scope, equal allocation of 64 frames, 4,096 swap slots (16 MiB), 8 ms a transfer. */
    public static final ProcessConfig DEFAULT = new ProcessConfig("clock", PolicyConfig.DEFAULTS, Scope.LOCAL,
            AllocationMode.EQUAL, 64, ReplayConfig.DEFAULT_MINIMUM, 4096, SwapDevice.DEFAULT_IO_COST_NANOS, false, false);

    public ProcessConfig {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policyConfig, "policyConfig");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(allocation, "allocation");
        if (frames < 1) {
            throw new IllegalArgumentException("processes need at least 1 frame, not " + frames);
        }
        if (minimumFrames != ReplayConfig.DEFAULT_MINIMUM && minimumFrames < 1) {
            throw new IllegalArgumentException("the minimum frames per process must be at least 1, not " + minimumFrames);
        }
        if (swapSlots < 0 || swapSlots > SwapDevice.MAX_SLOTS) {
            throw new IllegalArgumentException("a swap device has 0 to " + SwapDevice.MAX_SLOTS + " slots, not " + swapSlots);
        }
        if (ioCostNanos < 0) {
            throw new IllegalArgumentException("the cost of a swap transfer cannot be negative: " + ioCostNanos + " ns");
        }
        if (loadControl && scope != Scope.LOCAL) {
            throw new IllegalArgumentException("load control divides nothing up front and suspends processes under local"
                    + " scope; under global scope the one pool already lets a process take frames from another");
        }
    }

    /** Without load control. */
    public ProcessConfig(String policy, PolicyConfig policyConfig, Scope scope, AllocationMode allocation, int frames,
                         int minimumFrames, int swapSlots, long ioCostNanos, boolean skipInvlpg) {
        this(policy, policyConfig, scope, allocation, frames, minimumFrames, swapSlots, ioCostNanos, skipInvlpg, false);
    }

    /** The minimum that applies to {@code processes} processes. */
    public int minimumFor(int processes) {
        if (minimumFrames != ReplayConfig.DEFAULT_MINIMUM) {
            return minimumFrames;
        }
        return processes > 1 ? FrameAllocation.X86_INSTRUCTION_MINIMUM : 1;
    }

    public ProcessConfig withPolicy(String name) {
        return new ProcessConfig(name, policyConfig, scope, allocation, frames, minimumFrames, swapSlots, ioCostNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withPolicyConfig(PolicyConfig value) {
        return new ProcessConfig(policy, value, scope, allocation, frames, minimumFrames, swapSlots, ioCostNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withScope(Scope value) {
        return new ProcessConfig(policy, policyConfig, value, allocation, frames, minimumFrames, swapSlots, ioCostNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withAllocation(AllocationMode value) {
        return new ProcessConfig(policy, policyConfig, scope, value, frames, minimumFrames, swapSlots, ioCostNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withFrames(int value) {
        return new ProcessConfig(policy, policyConfig, scope, allocation, value, minimumFrames, swapSlots, ioCostNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withMinimumFrames(int value) {
        return new ProcessConfig(policy, policyConfig, scope, allocation, frames, value, swapSlots, ioCostNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withSwap(int slots, long costNanos) {
        return new ProcessConfig(policy, policyConfig, scope, allocation, frames, minimumFrames, slots, costNanos,
                skipInvlpg, loadControl);
    }

    public ProcessConfig withSkipInvlpg(boolean value) {
        return new ProcessConfig(policy, policyConfig, scope, allocation, frames, minimumFrames, swapSlots, ioCostNanos,
                value, loadControl);
    }

    public ProcessConfig withLoadControl(boolean value) {
        return new ProcessConfig(policy, policyConfig, scope, allocation, frames, minimumFrames, swapSlots, ioCostNanos,
                skipInvlpg, value);
    }
}
