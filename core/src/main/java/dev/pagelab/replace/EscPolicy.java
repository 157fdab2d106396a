package dev.pagelab.replace;

/**
 * Enhanced second chance: Clock on the pair (A, D) of reference and dirty bits, preferring a
 * page that is both unreferenced and clean, since evicting it costs no write-back
 * (Silberschatz, <i>Operating System Concepts</i>, "Enhanced Second-Chance Algorithm", for the four
 * classes; the scan below is Stallings's, <i>Operating Systems: Internals and Design
 * Principles</i>, "Replacement Policy", the clock with use and modify bits). Hardware bits only.
 *
 * <pre>
 *   class (A, D)   meaning                                   evicted
 *   (0, 0)         neither recently used nor modified        first
 *   (0, 1)         not recently used, must be written back   second
 *   (1, 0)         recently used, clean                      third
 *   (1, 1)         recently used and modified                last
 * </pre>
 *
 * <p>The frames form a circle with one hand starting at frame 0, as in {@link ClockPolicy}. At a
 * fault with the pool full:
 * <ol>
 *   <li>go once round the circle from the hand, changing nothing; the first (0, 0) page is the
 *       victim;</li>
 *   <li>otherwise go round again from the hand; the first page with A clear is the victim (it is a
 *       (0, 1): step 1 found no (0, 0)), and every page passed over has its A bit cleared;</li>
 *   <li>otherwise every A bit is now clear: repeat step 1, then step 2, which must succeed.</li>
 * </ol>
 * The new page takes the victim's frame and the hand moves one frame past it; faults into free
 * frames do not move the hand. Equivalently: the victim is the first page from the hand in the
 * lowest non-empty class at the time of the fault; if that class is (0, 1), the A bits between
 * the hand and the victim are cleared; if it is (1, 0) or (1, 1), every A bit is. State: the hand.
 * Cost: at most four passes over the frames a fault (O(frames)), nothing a hit.
 *
 * <p>Choices where implementations differ: step 1 leaves the bits alone and only step 2 clears A
 * (Silberschatz's text does not say when A is cleared); the policy never clears D (only a write-back
 * cleans a page, and nothing writes back except an eviction); a newly loaded page keeps the A bit
 * its faulting access set (so it is (1, 0) or (1, 1)): {@link PolicyConfig#clockLoadBit} is for
 * {@code clock} only. Parameters: none.
 */
final class EscPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("esc",
            "enhanced second chance: a clock over the (A, D) classes, unreferenced clean pages first",
            Visibility.HARDWARE_BITS, false, false);

    private final Pool pool;
    private int hand;

    EscPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int capacity = pool.capacity();
        for (int round = 0; round < 2; round++) {
            int frame = hand;
            for (int i = 0; i < capacity; i++) {
                int page = FullPool.pageAt(pool, frame, "esc");
                if (!pool.isReferenced(page) && !pool.isDirty(page)) {
                    return take(frame, page);
                }
                frame = frame + 1 == capacity ? 0 : frame + 1;
            }
            for (int i = 0; i < capacity; i++) {
                int page = FullPool.pageAt(pool, frame, "esc");
                if (!pool.testAndClearReferenced(page)) {
                    return take(frame, page);
                }
                frame = frame + 1 == capacity ? 0 : frame + 1;
            }
        }
        throw new AssertionError("esc: no victim after two rounds over " + capacity + " frames from hand " + hand);
    }

    private int take(int frame, int page) {
        hand = frame + 1 == pool.capacity() ? 0 : frame + 1;
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
    }

    /** The frame the hand points at (for tests and views). */
    int hand() {
        return hand;
    }
}
