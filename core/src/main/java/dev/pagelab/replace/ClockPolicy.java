package dev.pagelab.replace;

/**
 * Clock, or second chance: FIFO that spares a page whose reference bit is set (Corbató, "A paging
 * experiment with the Multics system", 1968; Silberschatz §10.4.5.2; Tanenbaum, <i>Modern
 * Operating Systems</i>, "The Clock Page Replacement Algorithm"). It needs only the hardware's
 * reference bit, read and cleared at faults.
 *
 * <pre>
 *   frames 0 … capacity−1 in a circle, one hand (starts at frame 0):
 *
 *        ┌──► [0] ─► [1] ─► [2] ─► … ─► [capacity−1] ──┐
 *        └─────────────────────────────────────────────┘
 *                ▲ hand
 * </pre>
 *
 * <p>At a fault with the pool full:
 * <ol>
 *   <li>while the page under the hand has its reference bit set: clear it, move the hand one
 *       frame on;</li>
 *   <li>the page under the hand (bit clear) is the victim; the new page takes its frame, and the
 *       hand moves one frame past it.</li>
 * </ol>
 * Faults into free frames (frames fill in fault order, lowest first) do not move the hand, and a
 * hit only sets the bit (the owner does that; the policy is never told). The victim is chosen
 * before the new page is placed, so it can never be its own victim. After one full turn every bit
 * is clear, so a fault stops within capacity + 1 steps; each clear undoes one set, so the cost is
 * O(1) a reference amortized, O(frames) at worst for one fault. State: the hand.
 *
 * <p>Parameter {@link PolicyConfig#clockLoadBit} (default 1): with 1 a newly loaded page keeps the
 * reference bit the owner set for its faulting access (on real hardware the retried access sets
 * A), so it survives the hand's next pass; with 0 the policy clears it in {@link #loaded}, as
 * libCacheSim's default Clock inserts with frequency 0, and a page not referenced again after its
 * load is evicted the first time the hand reaches it.
 */
final class ClockPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("clock",
            "second chance: a hand over the frames spares pages with the reference bit set", Visibility.HARDWARE_BITS,
            false, false);

    private final Pool pool;
    private final boolean loadBitClear;
    private int hand;

    ClockPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.loadBitClear = config.clockLoadBit() == 0;
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int capacity = pool.capacity();
        while (true) {
            int page = FullPool.pageAt(pool, hand, "clock");
            hand = hand + 1 == capacity ? 0 : hand + 1;
            if (!pool.testAndClearReferenced(page)) {
                return page;
            }
        }
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        if (loadBitClear) {
            pool.testAndClearReferenced(page);
        }
    }

    /** The frame the hand points at (for tests and views). */
    int hand() {
        return hand;
    }
}
