package dev.pagelab.curve;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an exact curve says one replay would count: each process's faults and write-backs, as
 * {@code pagelab replay} reports them, read off the curve at one frame count (global scope) or at
 * each process's quota (local scope).
 *
 * @param frames     the frames of the machine
 * @param quotas     each process's frames under local scope, null under global scope
 * @param faults     each process's faults, by pid
 * @param writebacks each process's write-backs, by pid, or null when the curve has none (OPT's
 *                   {@link ExactCurve}; {@link OptCurve} has them)
 */
public record CurveCounts(int frames, int[] quotas, long[] faults, long[] writebacks) {
    public CurveCounts {
        quotas = quotas == null ? null : quotas.clone();
        faults = faults.clone();
        writebacks = writebacks == null ? null : writebacks.clone();
    }

    @Override
    public int[] quotas() {
        return quotas == null ? null : quotas.clone();
    }

    @Override
    public long[] faults() {
        return faults.clone();
    }

    @Override
    public long[] writebacks() {
        return writebacks == null ? null : writebacks.clone();
    }

    /** The faults of process {@code pid}. */
    public long faultsOf(int pid) {
        return faults[pid];
    }

    /**
     * The write-backs of process {@code pid}.
     *
     * @throws IllegalStateException when the curve has no write-backs
     */
    public long writebacksOf(int pid) {
        return requireWritebacks()[pid];
    }

    /** The faults of all processes. */
    public long totalFaults() {
        return Arrays.stream(faults).sum();
    }

    /**
     * The write-backs of all processes.
     *
     * @throws IllegalStateException when the curve has no write-backs
     */
    public long totalWritebacks() {
        return Arrays.stream(requireWritebacks()).sum();
    }

    /** Whether there are write-back counts. */
    public boolean hasWritebacks() {
        return writebacks != null;
    }

    private long[] requireWritebacks() {
        if (writebacks == null) {
            throw new IllegalStateException("these counts at " + frames + " frames have no write-backs (an OPT curve"
                    + " counts faults only)");
        }
        return writebacks;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CurveCounts that && frames == that.frames && Arrays.equals(quotas, that.quotas)
                && Arrays.equals(faults, that.faults) && Arrays.equals(writebacks, that.writebacks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(frames, Arrays.hashCode(quotas), Arrays.hashCode(faults), Arrays.hashCode(writebacks));
    }

    @Override
    public String toString() {
        return "CurveCounts[frames=" + frames + ", quotas=" + Arrays.toString(quotas) + ", faults="
                + Arrays.toString(faults) + ", writebacks=" + Arrays.toString(writebacks) + "]";
    }
}
