package dev.pagelab.replace;

/**
 * The working set (Denning, "The working set model for program behavior", CACM 11(5), 1968): a
 * process's resident set is W(t, Δ), the pages it referenced in its last Δ references, the window
 * (t−Δ, t] of pool time. A page not referenced for Δ references leaves memory by itself, without a
 * fault taking its frame: this is a variable-allocation policy ({@link PolicyInfo#variableAllocation})
 * and the pool's frames are only an upper bound on the set.
 *
 * <p>Parameter: {@link PolicyConfig#window()} Δ (default 1,000 references), in pool time: under
 * local scope the process's own references (Denning's process virtual time), under global scope the
 * interleaved stream, so that the window is then shared by all processes.
 *
 * <p>Mechanism: one list of resident pages in order of last reference (most recent at the head)
 * and each page's last reference time. Every reference moves its page to the head, then releases
 * ({@link Pool#release}) tail pages whose last reference is at or before now−Δ. Before a reference
 * every resident page was referenced at or after now−Δ (the previous reference trimmed the rest), so
 * at most one page, the one referenced exactly Δ references ago, leaves per reference: O(1) a
 * reference, no scan. It must see every reference ({@link Visibility#EVERY_REFERENCE}): the last
 * reference times are exact, which no x86 offers (a kernel approximates them with A-bit sampling,
 * as {@code wsclock} does).
 *
 * <pre>
 *   recency:  head [now] ⇄ … ⇄ [now−Δ+1]  tail      every resident page lies in the window
 *   release:  a page whose last reference is ≤ now−Δ, from the tail, after the reference at now
 * </pre>
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>The window is the last Δ references including the current one: a reference faults when its
 *       page was not referenced in the Δ references before it, so with room for every page the
 *       faults are exactly the references whose backward distance exceeds Δ (and first
 *       references).</li>
 *   <li>A fault with the pool full (the working set is larger than the frames): the victim is the
 *       resident page with the oldest last reference, the one closest to leaving the window, so
 *       that the policy degrades into LRU over the frames (Denning's working set with a frame
 *       limit). With Δ ≥ any backward distance it is exactly LRU.</li>
 *   <li>The faulting page is loaded first, then the window is trimmed; the pool's capacity is never
 *       exceeded and a page is never released in the reference that brings it in.</li>
 * </ul>
 */
final class WorkingSetPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("ws",
            "working set: keep the pages referenced in the last window (Δ) references; variable allocation",
            Visibility.EVERY_REFERENCE, false, true);

    private static final int RECENCY = 0;

    private final Pool pool;
    private final long window;
    private final PageLists recency = new PageLists(1);
    private long[] lastUse = new long[0];

    WorkingSetPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.window = config.window();
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        lastUse[page] = now;
        recency.moveToHead(RECENCY, page);
        trim(now);
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        return recency.popTail(RECENCY);
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        lastUse = PageArrays.cover(lastUse, page);
        lastUse[page] = now;
        recency.pushHead(RECENCY, page);
        trim(now);
    }

    /** Releases the pages that have left the window (t−Δ, t]. */
    private void trim(long now) {
        long leftBefore = now - window;
        for (int tail = recency.tail(RECENCY); tail != PageLists.NONE && lastUse[tail] <= leftBefore;
                tail = recency.tail(RECENCY)) {
            recency.remove(tail);
            pool.release(tail);
        }
    }
}
