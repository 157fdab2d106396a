package dev.pagelab.replace;

/**
 * Most recently used: the victim is the resident page referenced most recently (Chou and DeWitt,
 * "An evaluation of buffer management strategies for relational database systems", VLDB 1985:
 * the right policy for a loop over more pages than there are frames, the worst case of LRU). It
 * must see every reference.
 *
 * <p>State: one page id. The most recent reference of a pool is always to a resident page (a hit,
 * or the fault that loaded it, and only a later fault can evict it), so at a fault the most
 * recently used resident page is simply the page of the pool's previous reference: no list is
 * needed. O(1) a reference, and a hit is one store. Parameters: none.
 *
 * <p>Choices: the faulting reference counts as a use (a page just loaded is the most recent), so
 * on a fault the victim is the page referenced just before, whatever it is; reads and writes
 * count alike.
 */
final class MruPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("mru",
            "most recently used: evict the page referenced last", Visibility.EVERY_REFERENCE, false, false);

    private final Pool pool;
    private int last = -1;

    MruPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        last = page;
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        if (last < 0 || pool.frameOf(last) < 0) {
            throw new AssertionError("mru: the last referenced page " + last + " is not resident at the fault of page "
                    + incoming + " at time " + now);
        }
        int page = last;
        last = -1;
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        last = page;
    }
}
