package dev.pagelab.replace;

/**
 * WSClock (Carr and Hennessy, "WSCLOCK — a simple and effective algorithm for virtual memory
 * management", SOSP 1981; Tanenbaum, <i>Modern Operating Systems</i>, 4th ed., §3.4.9): the working
 * set approximated with a clock. The frames form a circle with one hand; each frame remembers the
 * last time the hand saw its page referenced. A page unreferenced for more than τ is outside the
 * working set and may be replaced, clean pages first.
 *
 * <p>Parameter: {@link PolicyConfig#tau()} τ (default 1,000 references), in pool time (the
 * process's own references under local scope, the interleaved stream under global scope).
 *
 * <p>What it sees: only the hardware bits ({@link Visibility#HARDWARE_BITS}), sampled at faults:
 * the reference bit (A) and the dirty bit (D). It keeps its own last-use time per frame, set to the
 * current time whenever the hand finds the reference bit set.
 *
 * <p>A fault with the pool full, the hand starting where it stopped (frame 0 at first; filling free
 * frames does not move it), one frame per step:
 * <ol>
 *   <li>R = 1: clear R, last use := now, drop any scheduled write; next frame.</li>
 *   <li>R = 0 and now − last use ≤ τ: in the working set; next frame.</li>
 *   <li>R = 0, older than τ, and clean, or dirty with its write already scheduled: the victim. The
 *       new page takes its frame and the hand stops one frame past it.</li>
 *   <li>R = 0, older than τ, dirty, not scheduled: schedule its write (a flag on the frame); next
 *       frame.</li>
 * </ol>
 * The hand makes one round; if it scheduled a write in that round it goes on for at most a second
 * round, which meets the first scheduled page again. If a whole round found no page older than τ
 * and scheduled nothing (every page is in the working set), the victim is the clean page with the
 * oldest last use, else, when every page is dirty, the page with the oldest last use (ties: the
 * first from the hand); the hand stops one frame past it. Tanenbaum's text takes "any clean page"
 * there; the oldest one is the best the policy knows. A load sets the frame's last use to now and
 * clears its scheduled flag.
 *
 * <p>Dirty pages in a simulator without asynchronous write-back: a real kernel starts the write of
 * an old dirty page and moves on; by the time the hand returns the page is usually clean. Here a
 * write-back is counted only when a dirty page is evicted ({@link Pool}), so "scheduling" is a
 * second chance: the page is taken at the hand's next visit if it is still unreferenced, and its one
 * write-back is counted then. A scheduled page that is referenced again loses its schedule (the
 * reference may have dirtied it again).
 *
 * <p>State and cost: two arrays indexed by frame (last use, scheduled); no per-page state. A fault
 * costs the hand's steps: at most two rounds, O(frames) in the worst case, usually a few steps.
 */
final class WsClockPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("wsclock",
            "WSClock: a clock over the frames that takes a page unreferenced for more than tau, clean pages first",
            Visibility.HARDWARE_BITS, false, false);

    private final Pool pool;
    private final long tau;
    private final long[] lastUse;
    private final boolean[] scheduled;
    private int hand;

    WsClockPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.tau = config.tau();
        this.lastUse = new long[pool.capacity()];
        this.scheduled = new boolean[pool.capacity()];
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        // Hardware bits only: the hand reads the reference bit at faults.
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int frames = lastUse.length;
        int steps = frames;
        for (int step = 0; step < steps; step++) {
            int frame = hand;
            int page = pool.pageAt(frame);
            hand = frame + 1 == frames ? 0 : frame + 1;
            if (pool.testAndClearReferenced(page)) {
                lastUse[frame] = now;
                scheduled[frame] = false;
            } else if (now - lastUse[frame] > tau) {
                if (scheduled[frame] || !pool.isDirty(page)) {
                    return page;
                }
                scheduled[frame] = true;
                steps = 2 * frames;
            }
        }
        return oldestInWorkingSet();
    }

    /** The victim when every page is in the working set: the oldest clean page, else the oldest. */
    private int oldestInWorkingSet() {
        int frames = lastUse.length;
        int best = -1;
        boolean bestClean = false;
        for (int i = 0; i < frames; i++) {
            int frame = (hand + i) % frames;
            boolean clean = !pool.isDirty(pool.pageAt(frame));
            if (best < 0 || (clean && !bestClean) || (clean == bestClean && lastUse[frame] < lastUse[best])) {
                best = frame;
                bestClean = clean;
            }
        }
        hand = best + 1 == frames ? 0 : best + 1;
        return pool.pageAt(best);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        lastUse[frame] = now;
        scheduled[frame] = false;
    }
}
