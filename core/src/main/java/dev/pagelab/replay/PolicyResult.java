package dev.pagelab.replay;

import java.util.List;

/**
 * One policy's counts: per process and in total.
 *
 * @param policy    the policy's name as given
 * @param processes one entry a process, by pid
 */
public record PolicyResult(String policy, List<ProcessResult> processes) {
    public PolicyResult {
        processes = List.copyOf(processes);
    }

    public long references() {
        return processes.stream().mapToLong(ProcessResult::references).sum();
    }

    public long faults() {
        return processes.stream().mapToLong(ProcessResult::faults).sum();
    }

    public long writebacks() {
        return processes.stream().mapToLong(ProcessResult::writebacks).sum();
    }

    public int framesHeld() {
        return processes.stream().mapToInt(ProcessResult::framesHeld).sum();
    }

    /** Faults per reference over all processes. */
    public double faultRate() {
        long references = references();
        return references == 0 ? 0 : (double) faults() / references;
    }

    /** The counts of process {@code pid}. */
    public ProcessResult process(int pid) {
        return processes.get(pid);
    }
}
