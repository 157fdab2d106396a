package dev.pagelab.replace;

/**
 * Belady's MIN under demand paging: the victim is the resident page whose next reference is
 * farthest in the future (Belady, "A study of replacement algorithms for a virtual-storage
 * computer", IBM Systems Journal 5(2), 1966; Mattson, Gecsei, Slutz and Traiger 1970 proved it
 * optimal among demand-paging policies and a stack algorithm; Silberschatz §10.4.3). It needs the
 * future: the owner computes each reference's {@code nextUse} before it starts
 * ({@link PolicyInfo#needsFuture}), and it must see every hit, since a hit moves the page's next
 * use.
 *
 * <p>State: an indexed min-heap of the resident pages ({@link PageHeap}) keyed by
 * {@code −nextUse}, so the page used farthest ahead is on top; a page never referenced again has
 * {@code nextUse = NEVER} and so the smallest key of all (infinitely far). O(log n) a reference,
 * hit or fault: a hit pushes its page's next use later and sifts it toward the top; within a run
 * of references to one page (each next use one step ahead, the largest key in the heap) a hit
 * compares once and moves nothing. Parameters: none.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>Ties. Two resident pages with a finite next use never tie (one reference a time), so only
 *       pages never referenced again can; among them the page loaded earliest (in this pool's
 *       time) goes first: the heap's tie is the load time. This never changes a fault count, but
 *       it does change which dirty pages are written back. It also makes the resident set depend
 *       on load times, which differ between memory sizes: the set with k frames is then contained
 *       in the one with k+1 only for the pages that are referenced again (the ones that decide
 *       every future fault), not for the never-again ones.</li>
 *   <li>No bypass: the faulting page is always loaded, even when its own next use is farther than
 *       every resident page's (the cache-research "OPT with bypass" would not load it).</li>
 *   <li>Writes do not count: the victim is chosen by next use alone, never by dirtiness.</li>
 * </ul>
 */
final class OptPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("opt",
            "Belady's MIN: evict the page referenced again farthest in the future", Visibility.EVERY_REFERENCE,
            true, false);

    private final PageHeap farthest = new PageHeap();

    OptPolicy(PolicyConfig config, Pool pool) {
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        requireFuture(page, now, nextUse);
        farthest.update(page, -nextUse);
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        return farthest.pollVictim("opt", incoming, now);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        requireFuture(page, now, nextUse);
        farthest.add(page, -nextUse, now);
    }

    private static void requireFuture(int page, long now, long nextUse) {
        if (nextUse <= now) {
            throw new IllegalArgumentException("opt: next use " + nextUse + " of page " + page
                    + " is not after the reference at time " + now + " (does the owner compute the future?)");
        }
    }
}
