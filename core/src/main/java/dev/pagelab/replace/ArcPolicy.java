package dev.pagelab.replace;

/**
 * Adaptive Replacement Cache (Megiddo and Modha, "ARC: a self-tuning, low overhead replacement
 * cache", FAST 2003, Fig. 4): two LRU lists of resident pages, T1 (seen once recently) and T2 (seen
 * at least twice), each with a ghost list of pages recently evicted from it, B1 and B2. A target p
 * for |T1| moves toward whichever side's ghosts are being hit, so the split between recency and
 * frequency tunes itself to the workload.
 *
 * <pre>
 *           L1 = T1 ∪ B1 (|L1| ≤ c)          L2 = T2 ∪ B2 (|L1| + |L2| ≤ 2c)
 *   B1 tail … B1 head | T1 tail … T1 head ‖ T2 head … T2 tail | B2 head … B2 tail
 *        ghosts          resident, |T1|+|T2| ≤ c                  ghosts
 * </pre>
 *
 * <p>With c the pool's frames, for a reference to x:
 * <ol>
 *   <li>x in T1 or T2 (a hit): x moves to the head of T2.</li>
 *   <li>x in B1 (a fault): p := min(c, p + max(1, ⌊|B2|/|B1|⌋)); REPLACE; x goes to the head of
 *       T2.</li>
 *   <li>x in B2 (a fault): p := max(0, p − max(1, ⌊|B1|/|B2|⌋)); REPLACE; x goes to the head of
 *       T2.</li>
 *   <li>x nowhere (a fault): if |L1| = c, then if |T1| &lt; c drop the tail of B1 and REPLACE,
 *       else evict the tail of T1 outright (no ghost); if |L1| &lt; c and the pool is full, drop
 *       the tail of B2 when all four lists hold 2c pages, and REPLACE. x goes to the head of T1.</li>
 * </ol>
 * REPLACE: if |T1| ≥ 1 and (|T1| &gt; p or (x in B2 and |T1| = p)), the tail of T1 is evicted to
 * the head of B1; otherwise the tail of T2 is evicted to the head of B2.
 *
 * <p>Parameters: none; p starts at 0. State: four {@link PageLists} over one set of link arrays
 * (a page is on exactly one of them), p. O(1) a reference. It must see every reference
 * ({@link Visibility#EVERY_REFERENCE}): a hit moves a page between lists.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>p is an integer and the adaptation steps use integer division, max(1, ⌊|B2|/|B1|⌋), where
 *       the paper writes the real ratio |B2|/|B1|; REPLACE's test |T1| = p is then exact.</li>
 *   <li>Ghosts are metadata, not frames: "the cache is full" means the pool's frames are full, and
 *       the ghost lists hold at most c page ids beyond them. Ghosts exist only after an eviction, so
 *       a ghost hit always comes with the pool full; a pool that is not full only fills T1 (and T2
 *       through hits).</li>
 * </ul>
 */
final class ArcPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("arc",
            "adaptive replacement cache: recency and frequency lists with ghosts, self-tuning split",
            Visibility.EVERY_REFERENCE, false, false);

    private static final int T1 = 0;
    private static final int T2 = 1;
    private static final int B1 = 2;
    private static final int B2 = 3;

    private final PageLists lists = new PageLists(4);
    private final int frames;
    /** The target size of T1. */
    private int target;

    ArcPolicy(PolicyConfig config, Pool pool) {
        this.frames = pool.capacity();
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        lists.moveToHead(T2, page);
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int list = lists.listOf(incoming);
        if (list == B1) {
            target = Math.min(frames, target + Math.max(1, lists.size(B2) / lists.size(B1)));
            return replace(false);
        }
        if (list == B2) {
            target = Math.max(0, target - Math.max(1, lists.size(B1) / lists.size(B2)));
            return replace(true);
        }
        if (lists.size(T1) + lists.size(B1) == frames) {
            if (lists.size(T1) < frames) {
                lists.popTail(B1);
                return replace(false);
            }
            return lists.popTail(T1);
        }
        if (lists.size(T1) + lists.size(T2) + lists.size(B1) + lists.size(B2) == 2 * frames) {
            lists.popTail(B2);
        }
        return replace(false);
    }

    private int replace(boolean incomingInB2) {
        int t1 = lists.size(T1);
        int from = t1 >= 1 && (t1 > target || (incomingInB2 && t1 == target)) ? T1 : T2;
        int page = lists.popTail(from);
        if (page == PageLists.NONE) {
            throw new AssertionError("arc: REPLACE found list " + (from == T1 ? "T1" : "T2") + " empty (|T1|="
                    + t1 + " |T2|=" + lists.size(T2) + " |B1|=" + lists.size(B1) + " |B2|=" + lists.size(B2)
                    + " p=" + target + " c=" + frames + ")");
        }
        lists.pushHead(from == T1 ? B1 : B2, page);
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        int list = lists.listOf(page);
        if (list == B1 || list == B2) {
            lists.remove(page);
            lists.pushHead(T2, page);
        } else {
            lists.pushHead(T1, page);
        }
    }

    /** The target size p of T1 (for tests). */
    int target() {
        return target;
    }

    /** The sizes of T1, T2, B1, B2 (for tests). */
    int[] sizes() {
        return new int[] {lists.size(T1), lists.size(T2), lists.size(B1), lists.size(B2)};
    }
}
