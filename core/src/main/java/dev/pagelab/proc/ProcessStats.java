package dev.pagelab.proc;

/**
 * What one process did, as counts.
 *
 * @param references    accesses it made through {@link Processes}
 * @param faults        its page faults the handler resolved by loading a page
 * @param zeroFills     of those, pages loaded zero-filled (first touch)
 * @param pageIns       of those, pages read back from swap
 * @param pageOuts      its dirty pages written to swap when they were evicted (write-backs)
 * @param writesAvoided its clean pages dropped at eviction because swap held a valid copy
 * @param evictions     its pages that left their frames (victims, released, over quota)
 * @param resident      its pages in frames now
 * @param quota         its frames under local scope, −1 under global scope
 * @param swapSlots     swap slots holding copies of its pages now
 * @param suspensions   times it was suspended (load control)
 */
public record ProcessStats(long references, long faults, long zeroFills, long pageIns, long pageOuts,
                           long writesAvoided, long evictions, int resident, int quota, int swapSlots,
                           long suspensions) {
}
