package dev.pagelab.replace;

/**
 * SIEVE (Zhang, Yang, Yue, Vigfusson and Rashmi, "SIEVE is simpler than LRU: an efficient
 * turn-key eviction algorithm for web caches", NSDI 2024): one FIFO queue and a hand. New pages go
 * to the head; a hit only marks its page visited and moves nothing. To evict, the hand walks from
 * its position toward the head, clearing visited marks, and takes the first unvisited page; the
 * hand then stays where that page was (at the next newer page), and after passing the head it
 * starts again at the tail. Unlike Clock, a page that survives is not moved: new pages collect near
 * the head and the survivors near the tail, so one-time pages are sifted out quickly.
 *
 * <pre>
 *   head (newest) ⇄ … ⇄ [hand] ⇄ … ⇄ tail (oldest)        the hand moves toward the head,
 *                          ▲                                then wraps to the tail
 *                  the next page to examine
 * </pre>
 *
 * <p>What it sees: the visited mark is exactly the pool's reference bit
 * ({@link Visibility#HARDWARE_BITS}): the pool sets it on every hit, the hand reads and clears it
 * ({@link Pool#testAndClearReferenced}). SIEVE inserts a page unvisited, so {@link #loaded} clears
 * the bit that the faulting reference set: the reference that brought a page in is not a visit.
 *
 * <p>Parameters: none. State: one {@link PageLists} queue and the hand. A hit costs nothing; a
 * fault costs the hand's steps, at most one round of the queue and O(1) amortised (each step clears
 * a mark that some hit set).
 *
 * <p>Choices where implementations differ: the hand starts at the tail (the paper's "if hand is
 * null then hand := tail"); after an eviction the hand is the evicted page's newer neighbour, or
 * none when it was the head, so the next eviction starts at the tail.
 */
final class SievePolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("sieve",
            "SIEVE: a FIFO with a visited bit and a hand that evicts unvisited pages without moving survivors",
            Visibility.HARDWARE_BITS, false, false);

    private static final int QUEUE = 0;

    private final Pool pool;
    private final PageLists queue = new PageLists(1);
    /** The next page to examine, or {@link PageLists#NONE} for the tail. */
    private int hand = PageLists.NONE;

    SievePolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        // Hardware bits only: the visited mark is the pool's reference bit.
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int page = hand != PageLists.NONE ? hand : queue.tail(QUEUE);
        while (pool.testAndClearReferenced(page)) {
            page = queue.prev(page);
            if (page == PageLists.NONE) {
                page = queue.tail(QUEUE);
            }
        }
        hand = queue.prev(page);
        queue.remove(page);
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        pool.testAndClearReferenced(page);
        queue.pushHead(QUEUE, page);
    }
}
