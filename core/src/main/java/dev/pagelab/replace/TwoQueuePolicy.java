package dev.pagelab.replace;

/**
 * 2Q, the full version (Johnson and Shasha, "2Q: a low overhead high performance buffer management
 * replacement algorithm", VLDB 1994): a page seen for the first time waits in a FIFO, A1in;
 * when it leaves A1in its id is remembered in a ghost FIFO, A1out; a page referenced again while
 * its id is in A1out has shown a long-term reuse and enters Am, an LRU list. Hits in A1in are
 * ignored (correlated references: a burst on a new page proves nothing).
 *
 * <pre>
 *   new page ──► A1in (FIFO, resident) ──► A1out (FIFO of ids, ghosts)
 *                                              │ referenced again
 *                                              ▼
 *                                Am (LRU, resident) ──► gone
 * </pre>
 *
 * <p>For a reference to x:
 * <ol>
 *   <li>x in Am: x moves to the head of Am.</li>
 *   <li>x in A1in: nothing.</li>
 *   <li>x in A1out (a fault): reclaim a frame, then x goes to the head of Am.</li>
 *   <li>x nowhere (a fault): reclaim a frame, then x goes to the head of A1in.</li>
 * </ol>
 * Reclaiming, when the pool is full: if |A1in| &gt; Kin (or Am is empty), the tail of A1in is
 * evicted and its id goes to the head of A1out, whose tail is forgotten when |A1out| &gt; Kout;
 * otherwise the tail of Am is evicted and not remembered.
 *
 * <p>Parameters: {@link PolicyConfig#twoQKin()} (default 25% of the frames, the paper's advice) and
 * {@link PolicyConfig#twoQKout()} (default 50%): Kin = max(1, ⌊frames·twoQKin⌋), Kout = max(1,
 * ⌊frames·twoQKout⌋). State: three {@link PageLists} over one set of link arrays. O(1) a reference.
 * It must see every reference ({@link Visibility#EVERY_REFERENCE}): Am is an LRU list.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>Kin and Kout are at least 1, so a pool of 1 to 3 frames still has a ghost and a sensible
 *       A1in (⌊0.25·3⌋ would be 0).</li>
 *   <li>Am empty: A1in gives the victim even when it is not above Kin (the paper's pseudocode
 *       assumes Am has a page).</li>
 *   <li>A1out holds ids, not frames: it is metadata beyond the pool. A page found in A1out is taken
 *       off it before the victim is chosen, so the victim's id, pushed onto A1out, can never push
 *       out the id of the page being admitted.</li>
 * </ul>
 */
final class TwoQueuePolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("2q",
            "2Q: new pages wait in a FIFO; only pages re-referenced after leaving it enter the LRU main list",
            Visibility.EVERY_REFERENCE, false, false);

    private static final int A1IN = 0;
    private static final int AM = 1;
    private static final int A1OUT = 2;

    private final PageLists lists = new PageLists(3);
    private final int kin;
    private final int kout;
    private long ghostHits;

    TwoQueuePolicy(PolicyConfig config, Pool pool) {
        this.kin = Math.max(1, (int) (pool.capacity() * config.twoQKin()));
        this.kout = Math.max(1, (int) (pool.capacity() * config.twoQKout()));
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        if (lists.listOf(page) == AM) {
            lists.moveToHead(AM, page);
        }
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        boolean remembered = lists.listOf(incoming) == A1OUT;
        if (remembered) {
            lists.remove(incoming);
        }
        int page;
        if (lists.size(A1IN) > kin || lists.size(AM) == 0) {
            page = lists.popTail(A1IN);
            lists.pushHead(A1OUT, page);
            if (lists.size(A1OUT) > kout) {
                lists.popTail(A1OUT);
            }
        } else {
            page = lists.popTail(AM);
        }
        if (remembered) {
            // Placed now so that loaded() knows; it is the head of Am once loaded.
            lists.pushHead(AM, incoming);
        }
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        int list = lists.listOf(page);
        if (list == AM) {
            ghostHits++;
        } else if (list == A1OUT) {
            ghostHits++;
            lists.remove(page);
            lists.pushHead(AM, page);
        } else {
            lists.pushHead(A1IN, page);
        }
    }

    /** Faults on pages remembered in A1out, admitted to Am (for tests). */
    long ghostHits() {
        return ghostHits;
    }

    /** The sizes of A1in, Am, A1out (for tests). */
    int[] sizes() {
        return new int[] {lists.size(A1IN), lists.size(AM), lists.size(A1OUT)};
    }
}
