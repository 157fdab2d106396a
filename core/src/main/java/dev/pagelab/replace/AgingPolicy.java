package dev.pagelab.replace;

/**
 * Aging: LRU approximated in software from the reference bit (Tanenbaum, <i>Modern Operating
 * Systems</i>, "Simulating LRU in Software"). Each resident page has an n-bit counter; at every
 * tick the counter shifts right by one and the page's R bit, read and cleared, enters at the top.
 * The counter is then a history of the last n intervals, most recent first, and the victim is the
 * page with the smallest counter. Hardware bits only.
 *
 * <pre>
 *   n = 4, one page over five ticks:   R at tick:  1     0     1     1     0
 *                                      counter:   1000  0100  1010  1101  0110
 * </pre>
 *
 * <p>Parameters: {@link PolicyConfig#agingBits} n (default 8, 1 to 32) and
 * {@link PolicyConfig#tickInterval} (default 1,000 references of the pool). State: the resident
 * pages in an indexed min-heap ({@link PageHeap}) keyed by counter, tied by load time. Cost:
 * O(log n) a fault (take the smallest, add the new page), nothing a hit, and at a tick one pass
 * over the resident pages (read and clear every R bit, then rebuild the heap: O(frames), which a
 * tick costs any implementation since every counter changes).
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>A newly loaded page. Its faulting access is a reference in the current interval, so its
 *       counter starts at 100…0, the value the next tick gives a page referenced in this interval
 *       and in none before; that tick consumes the R bit the faulting access set and leaves the
 *       counter at 100…0 instead of shifting (shifting and adding R as well would count the load
 *       twice). After every tick each counter is exactly the book's shift register over the
 *       intervals the page was resident, its load counting as a reference; between ticks a page
 *       just loaded ranks with the pages referenced in the last interval and not before, so it is
 *       not the next victim by default (a counter of 0 would make it one until the next tick).</li>
 *   <li>Ties (equal counters, frequent with few bits or long intervals): the page loaded earliest
 *       goes first, as FIFO would.</li>
 *   <li>The counter is compared alone: R bits set since the last tick do not count until the
 *       tick (the book's rule; the policy reads R only at ticks).</li>
 * </ul>
 */
final class AgingPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("aging",
            "aging: n-bit counters shifted right every tick with R on top; evict the smallest",
            Visibility.HARDWARE_BITS, false, false);

    private final Pool pool;
    private final long top;
    private final long tickInterval;
    private final PageHeap counters = new PageHeap();
    private long intervalStart;

    AgingPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.top = 1L << (config.agingBits() - 1);
        this.tickInterval = config.tickInterval();
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        return counters.pollVictim("aging", incoming, now);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        counters.add(page, top, now);
    }

    @Override
    public long tickInterval() {
        return tickInterval;
    }

    @Override
    public void tick(long now) {
        for (int slot = 0; slot < counters.size(); slot++) {
            boolean referenced = pool.testAndClearReferenced(counters.pageAt(slot));
            boolean loadedThisInterval = counters.tieAt(slot) >= intervalStart;
            if (!loadedThisInterval) {
                counters.setKeyAt(slot, counters.keyAt(slot) >>> 1 | (referenced ? top : 0));
            }
        }
        counters.heapify();
        intervalStart = now;
    }

    /** The counter of the resident {@code page} (for tests). */
    long counter(int page) {
        return counters.keyOf(page);
    }
}
