package dev.pagelab.cli.sweep;

/**
 * One process's counts in one cell: a row of the results.
 *
 * @param pid        the process: its trace's position in the set, or its order of first
 *                   appearance in a trace that carries pids
 * @param process    its trace's file name (with {@code pid N} for a trace that carries pids)
 * @param pages      its distinct pages
 * @param references its references
 * @param faults     its page faults
 * @param writebacks dirty pages of its evicted (under global scope also by other processes'
 *                   faults)
 * @param quota      its frames under local scope, −1 under global scope
 */
public record ProcessCounts(int pid, String process, long pages, long references, long faults, long writebacks,
                            int quota) {
    /** Faults per reference, 0 without references. */
    public double faultRate() {
        return references == 0 ? 0 : (double) faults / references;
    }
}
