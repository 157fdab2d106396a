package dev.pagelab.scenario;

import dev.pagelab.proc.ProcessConfig;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.Scope;
import java.util.Objects;

/**
 * A scenario's {@code processes:} block, read and checked: the process subsystem
 * ({@link dev.pagelab.proc.Processes}) the runner installs on the kernel before the first step.
 *
 * @param config        what {@link dev.pagelab.proc.Processes#install} is given
 * @param referenceHook whether the policy needs every reference (LRU, LFU, ARC, ...): the
 *                      simulator's reference hook, which a real kernel does not have
 * @param line          where the block starts in the file, for the one check that waits for the
 *                      machine (it must have {@code frames} free)
 * @param column        the column there
 */
public record ProcessSetup(ProcessConfig config, boolean referenceHook, int line, int column) {
    /** The words every output prints beside a policy that needs the reference hook. */
    public static final String NOT_IMPLEMENTABLE = "not implementable in a real kernel: exact reference order (the"
            + " simulator's reference hook)";

    public ProcessSetup {
        Objects.requireNonNull(config, "config");
    }

    /**
     * One line for people: {@code clock (hardware bits: A and D), local scope, equal allocation of
     * 4 frames (at least 2 a process), swap 16 slots, 8 ms a transfer}. The minimum is the
     * configured one, or under local scope the x86 one that applies when several processes share.
     */
    public String describe() {
        ProcessConfig c = config;
        boolean local = c.scope() == Scope.LOCAL;
        String minimum = !local ? "" : c.minimumFrames() < 0 ? " (at least "
                + FrameAllocation.X86_INSTRUCTION_MINIMUM + " a process when several share them)"
                : " (at least " + c.minimumFrames() + " a process)";
        return c.policy() + " (" + (referenceHook ? NOT_IMPLEMENTABLE : "hardware bits: A and D") + "), "
                + c.scope().cliName() + " scope, " + (local ? c.allocation().cliName() + " allocation of " : "one pool of ") + c.frames() + " frame"
                + (c.frames() == 1 ? "" : "s") + minimum + ", swap " + c.swapSlots() + " slot"
                + (c.swapSlots() == 1 ? "" : "s") + ", " + ioCost(c.ioCostNanos()) + " a transfer"
                + (c.skipInvlpg() ? ", INVLPG skipped when A is cleared (the lesson switch)" : "");
    }

    /** {@code 8 ms}, {@code 100 us}, {@code 250 ns}, {@code 0 ms}. */
    static String ioCost(long nanos) {
        if (nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + " ms";
        }
        if (nanos != 0 && nanos % 1_000 == 0) {
            return nanos / 1_000 + " us";
        }
        return nanos + " ns";
    }
}
