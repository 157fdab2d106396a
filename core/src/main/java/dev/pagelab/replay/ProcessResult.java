package dev.pagelab.replay;

/**
 * One process's counts under one policy.
 *
 * @param pid        its index: the trace's position on the command line, or order of first
 *                   appearance of a pid in a trace that carries pids
 * @param trace      its trace's name
 * @param pages      its distinct pages
 * @param references its references
 * @param faults     its page faults (each loaded a page)
 * @param writebacks dirty pages of its evicted, under global scope also by other processes' faults
 * @param framesHeld frames holding its pages at the end
 * @param quota      its frames under local scope, −1 under global scope
 */
public record ProcessResult(int pid, String trace, long pages, long references, long faults, long writebacks,
                            int framesHeld, int quota) {
    /** Faults per reference, 0 when there were no references. */
    public double faultRate() {
        return references == 0 ? 0 : (double) faults / references;
    }
}
