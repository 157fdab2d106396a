package dev.pagelab.replay;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Frames divided among processes, as seed 001 defines it (after Silberschatz, <i>Operating System
 * Concepts</i>, §10.5.2), in exact integer arithmetic.
 *
 * <ul>
 *   <li>{@link AllocationMode#EQUAL}: each of N processes gets ⌊m/N⌋ of the m frames; the
 *       remainder m − N·⌊m/N⌋ stays in a free pool that local replacement does not use (48
 *       frames, 9 processes: 5 each, 3 left over).</li>
 *   <li>{@link AllocationMode#PROPORTIONAL}: aᵢ = ⌊sᵢ·m/S⌋, sᵢ the size of process i (by default
 *       its number of distinct pages), S = Σsᵢ (62 frames, sizes 10 and 127: 4 and 57, 1 left
 *       over).</li>
 *   <li>{@link AllocationMode#PRIORITY}: the proportional rule on weights wᵢ = sᵢ·pᵢ, where pᵢ ≥ 1
 *       is the priority the user gives (higher gets more; all 1 is proportional): aᵢ =
 *       ⌊wᵢ·m/W⌋, W = Σwᵢ. Silberschatz suggests allocating "using priorities rather than size,
 *       or a combination of size and priority"; the product is the simplest combination that keeps
 *       both: a process twice as large, or of twice the priority, gets twice the frames.</li>
 * </ul>
 * Every process must receive at least {@code minimum} frames (and never 0): an allocation that
 * cannot is refused with the numbers, never silently rounded up.
 *
 * @param mode     the rule used
 * @param frames   m, the frames divided
 * @param quotas   aᵢ for each process, by process index
 * @param leftover frames given to no process
 * @param minimum  the minimum that every quota met
 */
public record FrameAllocation(AllocationMode mode, int frames, int[] quotas, int leftover, int minimum) {
    /**
     * The minimum frames of a process that shares the machine with others, when the user gives
     * none: what one i386 instruction can need at worst without page tables. A string move
     * ({@code MOVS}) whose instruction bytes, source operand and destination operand each straddle a
     * page boundary touches 2 + 2 + 2 = 6 pages, and the instruction cannot complete (it restarts
     * after every fault) unless all six are resident at once.
     */
    public static final int X86_INSTRUCTION_MINIMUM = 6;

    public FrameAllocation {
        Objects.requireNonNull(mode, "mode");
        quotas = quotas.clone();
    }

    @Override
    public int[] quotas() {
        return quotas.clone();
    }

    /** The quota of process {@code pid}. */
    public int quota(int pid) {
        return quotas[pid];
    }

    /**
     * Divides {@code frames} among {@code sizes.length} processes.
     *
     * @param sizes      sᵢ, each at least 1 (read by proportional and priority; equal reads only
     *                   its length, the number of processes)
     * @param priorities pᵢ, each at least 1 (read by priority; null means all 1)
     * @param minimum    the least every process must get, at least 1
     * @throws IllegalArgumentException naming the numbers when a process would get fewer than
     *                                  {@code minimum} frames, or an argument is out of range
     */
    public static FrameAllocation divide(AllocationMode mode, int frames, long[] sizes, long[] priorities, int minimum) {
        return divide(mode, frames, sizes, priorities, minimum, i -> "process " + i);
    }

    /**
     * {@link #divide(AllocationMode, int, long[], long[], int)}, its messages naming process i
     * {@code names.apply(i)} (the kernel names them by pid and name; the replay by index).
     */
    public static FrameAllocation divide(AllocationMode mode, int frames, long[] sizes, long[] priorities, int minimum,
                                         IntFunction<String> names) {
        Objects.requireNonNull(mode, "mode");
        int n = sizes.length;
        if (n == 0) {
            throw new IllegalArgumentException("no processes to divide " + frames + " frames among");
        }
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, not " + frames);
        }
        if (minimum < 1) {
            throw new IllegalArgumentException("the minimum frames per process must be at least 1, not " + minimum);
        }
        for (int i = 0; mode != AllocationMode.EQUAL && i < n; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException(names.apply(i) + " has size " + sizes[i] + "; sizes must be at least 1");
            }
        }
        if (priorities != null) {
            if (priorities.length != n) {
                throw new IllegalArgumentException(priorities.length + " priorities for " + n + " processes");
            }
            for (int i = 0; i < n; i++) {
                if (priorities[i] < 1) {
                    throw new IllegalArgumentException(names.apply(i) + " has priority " + priorities[i]
                            + "; priorities must be at least 1");
                }
            }
        }
        int[] quotas = new int[n];
        switch (mode) {
            case EQUAL -> Arrays.fill(quotas, frames / n);
            case PROPORTIONAL, PRIORITY -> {
                BigInteger[] weights = new BigInteger[n];
                for (int i = 0; i < n; i++) {
                    long priority = mode == AllocationMode.PRIORITY && priorities != null ? priorities[i] : 1;
                    weights[i] = BigInteger.valueOf(sizes[i]).multiply(BigInteger.valueOf(priority));
                }
                proportional(frames, weights, quotas);
            }
        }
        long given = 0;
        for (int i = 0; i < n; i++) {
            given += quotas[i];
            if (quotas[i] < minimum) {
                throw new IllegalArgumentException(describeShortfall(mode, frames, sizes, priorities, minimum, quotas, i,
                        names));
            }
        }
        return new FrameAllocation(mode, frames, quotas, (int) (frames - given), minimum);
    }

    /** aᵢ = ⌊wᵢ·m/W⌋, exact whatever the sizes (a size times m can pass 2^63). */
    private static void proportional(int frames, BigInteger[] weights, int[] quotas) {
        BigInteger total = BigInteger.ZERO;
        for (BigInteger w : weights) {
            total = total.add(w);
        }
        BigInteger m = BigInteger.valueOf(frames);
        for (int i = 0; i < weights.length; i++) {
            quotas[i] = weights[i].multiply(m).divide(total).intValueExact();
        }
    }

    private static String describeShortfall(AllocationMode mode, int frames, long[] sizes, long[] priorities,
                                            int minimum, int[] quotas, int pid, IntFunction<String> names) {
        StringBuilder text = new StringBuilder();
        text.append(mode.cliName()).append(" allocation of ").append(frames).append(" frames among ")
                .append(sizes.length).append(" processes gives ").append(names.apply(pid)).append(' ')
                .append(quotas[pid]).append(" frame").append(quotas[pid] == 1 ? "" : "s");
        if (mode != AllocationMode.EQUAL) {
            text.append(" (size ").append(sizes[pid]);
            if (mode == AllocationMode.PRIORITY) {
                text.append(", priority ").append(priorities == null ? 1 : priorities[pid]);
            }
            text.append(')');
        }
        text.append(", below the minimum of ").append(minimum).append(" per process");
        if (mode == AllocationMode.EQUAL) {
            long needed = (long) minimum * sizes.length;
            text.append("; ").append(sizes.length).append(" processes need at least ").append(needed).append(" frames");
        }
        return text.toString();
    }

    /** One line: "equal: 5 5 5 (3 left over)". */
    public String describe() {
        StringBuilder text = new StringBuilder(mode.cliName()).append(':');
        for (int q : quotas) {
            text.append(' ').append(q);
        }
        return text.append(" (").append(leftover).append(" left over)").toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FrameAllocation that && mode == that.mode && frames == that.frames
                && Arrays.equals(quotas, that.quotas) && leftover == that.leftover && minimum == that.minimum;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, frames, Arrays.hashCode(quotas), leftover, minimum);
    }

    @Override
    public String toString() {
        return describe();
    }
}
