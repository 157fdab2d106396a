package dev.pagelab.replace;

/**
 * Least recently used: the victim is the resident page whose last reference is oldest
 * (Mattson, Gecsei, Slutz and Traiger 1970, who showed it is a stack algorithm; Silberschatz
 * §10.4.4). It must see every reference, which no x86 offers a kernel: it is the yardstick the
 * hardware-bit approximations (Clock, aging) are measured against.
 *
 * <p>State: one list of resident pages, most recent at the head ({@link PageLists}); a hit moves
 * its page to the head (nothing to do when it is there already, the common case of a trace), a
 * fault evicts the tail. O(1) a reference. Parameters: none.
 */
final class LruPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("lru",
            "least recently used: evict the page referenced longest ago", Visibility.EVERY_REFERENCE, false, false);

    private static final int RECENCY = 0;

    private final PageLists recency = new PageLists(1);

    LruPolicy(PolicyConfig config, Pool pool) {
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        recency.moveToHead(RECENCY, page);
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        return recency.popTail(RECENCY);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        recency.pushHead(RECENCY, page);
    }
}
