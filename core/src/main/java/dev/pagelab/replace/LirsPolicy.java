package dev.pagelab.replace;

/**
 * Low Inter-reference Recency Set (Jiang and Zhang, "LIRS: an efficient low inter-reference recency
 * set replacement policy to improve buffer cache performance", SIGMETRICS 2002): pages are
 * ranked by their inter-reference recency (IRR, the number of other pages referenced between their
 * last two references) instead of their recency. Pages with a low IRR (LIR) keep most of the frames;
 * the few frames left hold high-IRR (HIR) pages, and only those are ever evicted.
 *
 * <pre>
 *   stack S (top = most recent):  LIR pages, and HIR pages (resident or not) more recent than
 *                                 the least recent LIR page, which is always at the bottom
 *   queue Q (end … front):        the resident HIR pages; the victim is at the front
 *   ghosts:                       the non-resident HIR pages still in S, in eviction order
 * </pre>
 *
 * <p>For a reference to x:
 * <ol>
 *   <li>x LIR (a hit): x moves to the top of S; if it was at the bottom, S is pruned (HIR entries
 *       are removed from the bottom until a LIR page is there; a pruned ghost is forgotten).</li>
 *   <li>x resident HIR (a hit): if x is in S it becomes LIR: it moves to the top of S and leaves Q,
 *       and the LIR page at the bottom of S becomes HIR, goes to the end of Q, and S is pruned.
 *       If x is not in S, it goes to the top of S and to the end of Q, still HIR.</li>
 *   <li>x not resident (a fault; with the pool full the front of Q is evicted first, and stays in S
 *       as a ghost when it is in S): if x is a ghost in S it becomes LIR as in 2 (top of S, the
 *       bottom LIR page demoted, S pruned); otherwise x is resident HIR at the top of S and the end
 *       of Q.</li>
 * </ol>
 * While the LIR set is not full (the first Llirs distinct pages), every new page is LIR.
 *
 * <p>Parameter: {@link PolicyConfig#lirsHirFraction()} (default 1%, the paper's): Lhirs =
 * max(1, ⌊frames·fraction⌋) frames for resident HIR pages, at most frames − 1, and Llirs = frames −
 * Lhirs for LIR pages. State: S on one {@link PageLists}, Q and the ghost queue on another (a page is
 * in S and in at most one of the two queues), a status byte per page. O(1) amortised a reference
 * (pruning removes each entry once). It must see every reference
 * ({@link Visibility#EVERY_REFERENCE}): S is an LRU stack.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>Ghosts (non-resident HIR pages in S) are metadata, not frames. The paper bounds S only by
 *       pruning, so a long scan above a hot LIR page would grow it without limit; here at most
 *       frames ghosts are kept and the one evicted earliest is forgotten (taken out of S) first, as
 *       the authors' code and Caffeine's simulator bound them too.</li>
 *   <li>One frame: Llirs = 0 and Lhirs = 1; there is no LIR page and so no stack, and the one
 *       frame is a FIFO of resident HIR pages.</li>
 *   <li>A ghost faulting in is taken off the ghost queue before the victim is chosen, so the
 *       victim, becoming a ghost, cannot push it out.</li>
 * </ul>
 */
final class LirsPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("lirs",
            "LIRS: keep pages with low inter-reference recency; evict only from a small set of high-IRR pages",
            Visibility.EVERY_REFERENCE, false, false);

    private static final int S = 0;
    private static final int Q = 0;
    private static final int GHOSTS = 1;

    private static final byte UNKNOWN = 0;
    private static final byte LIR = 1;
    private static final byte HIR = 2;
    private static final byte GHOST = 3;

    private final PageLists stack = new PageLists(1);
    private final PageLists queues = new PageLists(2);
    private byte[] status = new byte[0];
    private final int lirLimit;
    private final int ghostLimit;
    private int lirCount;
    private long promotions;
    private long ghostsPruned;
    private long ghostsDropped;

    LirsPolicy(PolicyConfig config, Pool pool) {
        int frames = pool.capacity();
        int hirLimit = Math.max(1, (int) (frames * config.lirsHirFraction()));
        if (frames >= 2) {
            hirLimit = Math.min(hirLimit, frames - 1);
        }
        this.lirLimit = frames - hirLimit;
        this.ghostLimit = frames;
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        if (status[page] == LIR) {
            boolean atBottom = stack.tail(S) == page;
            stack.moveToHead(S, page);
            if (atBottom) {
                prune();
            }
        } else if (stack.listOf(page) == S) {
            queues.remove(page);
            becomeLir(page);
        } else {
            if (lirLimit > 0) {
                stack.pushHead(S, page);
            }
            queues.moveToHead(Q, page);
        }
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        if (incoming < status.length && status[incoming] == GHOST) {
            queues.remove(incoming);
        }
        int page = queues.popTail(Q);
        if (page == PageLists.NONE) {
            throw new AssertionError("lirs: no resident HIR page to evict (LIR " + lirCount + " of "
                    + lirLimit + ", incoming " + incoming + ")");
        }
        if (stack.listOf(page) == S) {
            status[page] = GHOST;
            queues.pushHead(GHOSTS, page);
            if (queues.size(GHOSTS) > ghostLimit) {
                int forgotten = queues.popTail(GHOSTS);
                stack.remove(forgotten);
                status[forgotten] = UNKNOWN;
                ghostsDropped++;
            }
        } else {
            status[page] = UNKNOWN;
        }
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        status = PageArrays.cover(status, page);
        if (stack.listOf(page) == S) {
            queues.remove(page);
            becomeLir(page);
        } else if (lirCount < lirLimit) {
            status[page] = LIR;
            lirCount++;
            stack.pushHead(S, page);
        } else {
            status[page] = HIR;
            if (lirLimit > 0) {
                stack.pushHead(S, page);
            }
            queues.pushHead(Q, page);
        }
    }

    /** {@code page}, in S and on no queue, becomes LIR at the top of S; the bottom LIR page may go. */
    private void becomeLir(int page) {
        status[page] = LIR;
        lirCount++;
        promotions++;
        stack.moveToHead(S, page);
        while (lirCount > lirLimit) {
            int bottom = stack.popTail(S);
            if (status[bottom] != LIR) {
                throw new AssertionError("lirs: page " + bottom + " at the bottom of S has status " + status[bottom]);
            }
            status[bottom] = HIR;
            lirCount--;
            queues.pushHead(Q, bottom);
            prune();
        }
    }

    /** Removes HIR entries from the bottom of S until a LIR page is there. */
    private void prune() {
        for (int bottom = stack.tail(S); bottom != PageLists.NONE && status[bottom] != LIR; bottom = stack.tail(S)) {
            stack.remove(bottom);
            if (status[bottom] == GHOST) {
                queues.remove(bottom);
                status[bottom] = UNKNOWN;
                ghostsPruned++;
            }
        }
    }

    /** Status changes from HIR (resident or ghost) to LIR, ghosts forgotten by pruning and by the bound (for tests). */
    long[] events() {
        return new long[] {promotions, ghostsPruned, ghostsDropped};
    }

    /** 'L' LIR, 'H' resident HIR, 'G' ghost in S, '-' none (for tests). */
    char statusOf(int page) {
        byte s = page < status.length ? status[page] : UNKNOWN;
        return switch (s) {
            case LIR -> 'L';
            case HIR -> 'H';
            case GHOST -> 'G';
            default -> '-';
        };
    }

    /** The stack S from top to bottom (for tests). */
    int[] stack() {
        int[] out = new int[stack.size(S)];
        int i = 0;
        for (int p = stack.head(S); p != PageLists.NONE; p = stack.next(p)) {
            out[i++] = p;
        }
        return out;
    }

    /** The queue Q from front (next victim) to end (for tests). */
    int[] queue() {
        int[] out = new int[queues.size(Q)];
        int i = 0;
        for (int p = queues.tail(Q); p != PageLists.NONE; p = queues.prev(p)) {
            out[i++] = p;
        }
        return out;
    }
}
