package dev.pagelab.replace;

/**
 * First in, first out: the victim is the resident page that was loaded earliest, whatever has
 * happened to it since (Belady 1966; Silberschatz, <i>Operating System Concepts</i>, 10th ed.,
 * §10.4.2). Hits are not seen at all, so it needs nothing from the hardware.
 *
 * <p>State: one queue of resident pages in load order ({@link PageLists}); O(1) a fault.
 * Parameters: none. FIFO shows Belady's anomaly: 1 2 3 4 1 2 5 1 2 3 4 5 faults 9 times with 3
 * frames and 10 times with 4.
 */
final class FifoPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("fifo",
            "first in, first out: evict the page loaded earliest", Visibility.HARDWARE_BITS, false, false);

    private static final int QUEUE = 0;

    private final PageLists queue = new PageLists(1);

    FifoPolicy(PolicyConfig config, Pool pool) {
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        return queue.popTail(QUEUE);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        queue.pushHead(QUEUE, page);
    }
}
