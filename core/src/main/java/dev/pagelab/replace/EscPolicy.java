package dev.pagelab.replace;

import java.util.BitSet;

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
 * the hand and the victim are cleared; if it is (1, 0) or (1, 1), every A bit is.
 *
 * <p>State: the hand, and one bit a frame, "may hold a (0, 0) page". A page can only become
 * (0, 0) when step 2 clears its A bit while it is clean (the owner loads pages with A set, nothing
 * but this policy clears A, and D is never cleared while a page is resident), so step 2 sets the frame's bit then; step 1 looks
 * only at frames with the bit set, from the hand on ({@link BitSet#nextSetBit}), and clears the
 * bit of each frame whose page has since been referenced or written, which it then never needs to
 * look at again until step 2 clears that page's A once more. This gives exactly the victim of a
 * full step-1 pass. Cost: step 2 clears one A bit a step, so it is paid for by the references that
 * set them (O(1) a reference amortized, as Clock); step 1 drops each stale frame once, plus a
 * search of the bit set (frames / 64 words at worst); nothing a hit.
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
    private final BitSet maybeUnusedClean = new BitSet();
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
            int found = firstUnusedClean(hand, capacity);
            if (found < 0) {
                found = firstUnusedClean(0, hand);
            }
            if (found >= 0) {
                return take(found, pool.pageAt(found));
            }
            int frame = hand;
            for (int i = 0; i < capacity; i++) {
                int page = FullPool.pageAt(pool, frame, "esc");
                if (!pool.testAndClearReferenced(page)) {
                    return take(frame, page);
                }
                if (!pool.isDirty(page)) {
                    maybeUnusedClean.set(frame);
                }
                frame = frame + 1 == capacity ? 0 : frame + 1;
            }
        }
        throw new AssertionError("esc: no victim after two rounds over " + capacity + " frames from hand " + hand);
    }

    /** Step 1 over frames {@code from} (inclusive) to {@code to} (exclusive): the first (0, 0), or −1. */
    private int firstUnusedClean(int from, int to) {
        for (int frame = maybeUnusedClean.nextSetBit(from); frame >= 0 && frame < to;
                frame = maybeUnusedClean.nextSetBit(frame + 1)) {
            int page = FullPool.pageAt(pool, frame, "esc");
            if (!pool.isReferenced(page) && !pool.isDirty(page)) {
                return frame;
            }
            maybeUnusedClean.clear(frame);
        }
        return -1;
    }

    private int take(int frame, int page) {
        maybeUnusedClean.clear(frame);
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
