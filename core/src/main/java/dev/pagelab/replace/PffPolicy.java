package dev.pagelab.replace;

/**
 * Page-fault frequency (Chu and Opderbeck, "The page fault frequency replacement algorithm", AFIPS
 * FJCC 1972; Gupta and Franklin, IEEE TC 1978, give the formal version used here): the resident set
 * changes only at faults. At a fault at time t, with t′ the previous fault:
 * <ul>
 *   <li>t − t′ &gt; τ (faults are rare, the set is larger than it needs): every resident page not
 *       referenced since t′ leaves, then the faulting page comes in;</li>
 *   <li>t − t′ ≤ τ (faults are frequent): the faulting page comes in and nothing leaves, so the set
 *       grows.</li>
 * </ul>
 * It is a variable-allocation policy ({@link PolicyInfo#variableAllocation}): pages leave through
 * {@link Pool#release}, and the pool's frames are only an upper bound on the set.
 *
 * <p>Parameter: {@link PolicyConfig#pffTau()} τ (default 1,000 references), in pool time (the
 * process's own references under local scope, the interleaved stream under global scope).
 *
 * <p>What it sees: only the reference bits ({@link Visibility#HARDWARE_BITS}), which is the point of
 * PFF (it needs no reference times, only use bits read at faults). "Referenced since t′" is the
 * reference bit: every fault reads and clears the bit of every resident page
 * ({@link Pool#testAndClearReferenced}), whether or not the set shrinks, so that at the next fault a
 * set bit means a reference since this one. The page loaded at t′ counts as referenced since t′ (its
 * bit is set by the reference that faulted, as the retried access sets A on real hardware).
 *
 * <p>State and cost: the resident pages in load order ({@link PageLists}); the time of the previous
 * fault. Hits cost nothing; a fault costs one pass over the resident pages, O(resident set), the
 * kernel's cost too (its fault handler walks the resident set's PTEs). A reference-hook version
 * (keeping last-reference times in an LRU list) would be O(1) amortised but could not run on x86.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>The first fault has no previous one: it counts as t′ = 0, so it never shrinks (nothing is
 *       resident anyway).</li>
 *   <li>Both strict: a gap of exactly τ does not shrink the set.</li>
 *   <li>A fault with the pool full (the set wants to grow past the frames): if the gap is long and
 *       some pages are unreferenced, those leave and the faulting page takes the frame of the
 *       lowest-numbered of them (as if they had left first and the fault then took the lowest free
 *       frame). Otherwise exactly one page leaves: the earliest-loaded page not referenced since
 *       t′, or, when every page was referenced, the earliest-loaded page (FIFO). The reference
 *       bits are cleared either way.</li>
 *   <li>With a free frame the page is placed first and the set then shrinks, so it keeps the
 *       lowest free frame at the time of the fault.</li>
 * </ul>
 */
final class PffPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("pff",
            "page-fault frequency: at a fault more than tau after the previous one, drop the pages"
                    + " unreferenced since it; variable allocation",
            Visibility.HARDWARE_BITS, false, true);

    private static final int LOADED = 0;

    private final Pool pool;
    private final long tau;
    /** Resident pages in load order, the most recent at the head. */
    private final PageLists order = new PageLists(1);
    private long previousFault;
    /** Whether this fault's pass already ran in {@link #victim}. */
    private boolean passDone;

    PffPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.tau = config.pffTau();
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        // Hardware bits only: hits are seen through the reference bits at the next fault.
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        passDone = true;
        return pass(now, true);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        if (!passDone) {
            pass(now, false);
        }
        passDone = false;
        previousFault = now;
        order.pushHead(LOADED, page);
    }

    /**
     * The fault's pass over the resident pages: reads and clears every reference bit, releases the
     * unreferenced pages after a long gap. With {@code needVictim}, returns the page whose frame the
     * faulting page takes (no longer on the list, not released); otherwise {@link PageLists#NONE}.
     */
    private int pass(long now, boolean needVictim) {
        boolean shrink = now - previousFault > tau;
        int keptForFrame = PageLists.NONE;
        int oldestUnreferenced = PageLists.NONE;
        int page = order.tail(LOADED);
        while (page != PageLists.NONE) {
            int newer = order.prev(page);
            if (!pool.testAndClearReferenced(page)) {
                if (!shrink) {
                    if (oldestUnreferenced == PageLists.NONE) {
                        oldestUnreferenced = page;
                    }
                } else if (!needVictim) {
                    release(page);
                } else if (keptForFrame == PageLists.NONE) {
                    keptForFrame = page;
                } else if (pool.frameOf(page) < pool.frameOf(keptForFrame)) {
                    release(keptForFrame);
                    keptForFrame = page;
                } else {
                    release(page);
                }
            }
            page = newer;
        }
        if (!needVictim) {
            return PageLists.NONE;
        }
        int victim = keptForFrame != PageLists.NONE ? keptForFrame
                : oldestUnreferenced != PageLists.NONE ? oldestUnreferenced : order.tail(LOADED);
        order.remove(victim);
        return victim;
    }

    private void release(int page) {
        order.remove(page);
        pool.release(page);
    }
}
