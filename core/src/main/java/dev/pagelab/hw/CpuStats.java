package dev.pagelab.hw;

/**
 * What the {@link Cpu} did with the page faults its accesses raised: a read-only view for
 * reports and tests. Every fault of an access made through the CPU is counted once, as handled
 * or unhandled; the MMU's {@link MmuStats#faults()} counts them all (and those of accesses made
 * through the MMU alone).
 */
public interface CpuStats {
    /** Faults the handler resolved: each one restarted its access. */
    long faultsHandled();

    /** Faults reported to the access: the handler did not resolve them, or the access ran out of restarts. */
    long faultsUnhandled();

    /** Of {@link #faultsUnhandled()}, those reported because the handler claimed resolution too often. */
    long restartsExhausted();

    /** A copy of the counts now. */
    default Snapshot snapshot() {
        return new Snapshot(faultsHandled(), faultsUnhandled(), restartsExhausted());
    }

    /** The counts at one moment. */
    record Snapshot(long faultsHandled, long faultsUnhandled, long restartsExhausted) implements CpuStats {
        @Override
        public Snapshot snapshot() {
            return this;
        }
    }
}
