package dev.pagelab.replace;

/**
 * S3-FIFO (Yang, Zhang, Qiu, Yue and Rashmi, "FIFO queues are all you need for cache eviction",
 * SOSP 2023): three FIFO queues. New pages enter a small queue S (10% of the frames)
 * that demotes one-time pages quickly; pages referenced while in S move on to the main queue M (the
 * rest of the frames), a FIFO with reinsertion on a 2-bit frequency; ids of pages evicted from S are
 * remembered in a ghost queue G, and a page found there on a fault goes straight to M.
 *
 * <pre>
 *   new page ──► S (FIFO) ──freq ≥ 2──► M (FIFO, reinsert while freq &gt; 0, freq − 1)
 *                  │ freq &lt; 2                 │ freq = 0
 *                  ▼                           ▼
 *                  G (FIFO of ids) ──fault──► M          evicted
 * </pre>
 *
 * <p>Each resident page has a frequency: 0 when it enters S or M, +1 on every hit, at most 3. To
 * evict (pool full): if |S| ≥ the small target, take S's tail: frequency ≥ 2 moves it to the head
 * of M (frequency 0) and the next tail is examined; otherwise it is the victim and its id goes to G
 * (whose oldest id is forgotten beyond its size). If S empties without a victim, or |S| is below its
 * target, M gives the victim: its tail with frequency &gt; 0 is reinserted at the head with frequency
 * − 1, and the first tail with frequency 0 is the victim.
 *
 * <p>Parameter: {@link PolicyConfig#s3fifoSmallFraction()} (default 10%, the paper's): the small
 * target is max(1, ⌊frames·fraction⌋); M's share is the rest, and G holds as many ids as M has
 * frames (the paper's choice). State: three {@link PageLists} over one set of link arrays and a
 * frequency byte per page. O(1) amortised a reference (each reinsertion spends a frequency unit that
 * a hit added). It must see every reference ({@link Visibility#EVERY_REFERENCE}): the frequency
 * counts hits, which a single reference bit cannot.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>Frequency cap 3 (two bits), as in the paper; libCacheSim counts without a cap and caps at
 *       reinsertion.</li>
 *   <li>S to M needs frequency ≥ 2 (referenced twice while in S), libCacheSim's default
 *       {@code move-to-main-threshold=2}; the authors' blog illustrates the threshold 1, which
 *       several ports use. A page moved to M starts again at frequency 0, as in libCacheSim.</li>
 *   <li>Ghosts are metadata, not frames: "the cache is full" means the pool is full; G's size is
 *       M's number of frames, frames − small target.</li>
 *   <li>Before the pool first fills every new page enters S, whatever S's size (the paper's
 *       version; libCacheSim's current one puts them in M once S is full).</li>
 *   <li>One victim a fault: moving pages from S to M never evicts from M in the same step (M may
 *       exceed its share until the next eviction, which then comes from M), as in libCacheSim.</li>
 *   <li>A page found in G is taken off it before the victim is chosen, so the victim's id cannot
 *       push it out.</li>
 * </ul>
 */
final class S3FifoPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("s3fifo",
            "S3-FIFO: a small FIFO filters one-time pages, a main FIFO reinserts by frequency, ghosts re-admit",
            Visibility.EVERY_REFERENCE, false, false);

    private static final int SMALL = 0;
    private static final int MAIN = 1;
    private static final int GHOST = 2;
    private static final int MAX_FREQUENCY = 3;
    private static final int MOVE_TO_MAIN = 2;

    private final PageLists lists = new PageLists(3);
    private byte[] frequency = new byte[0];
    private final int smallTarget;
    private final int ghostLimit;
    private long ghostAdmissions;
    private long movedToMain;

    S3FifoPolicy(PolicyConfig config, Pool pool) {
        int frames = pool.capacity();
        this.smallTarget = Math.max(1, (int) (frames * config.s3fifoSmallFraction()));
        this.ghostLimit = Math.max(0, frames - smallTarget);
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        if (frequency[page] < MAX_FREQUENCY) {
            frequency[page]++;
        }
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        boolean remembered = lists.listOf(incoming) == GHOST;
        if (remembered) {
            lists.remove(incoming);
        }
        int page = lists.size(SMALL) >= smallTarget ? evictSmall() : PageLists.NONE;
        if (page == PageLists.NONE) {
            page = evictMain();
        }
        if (remembered) {
            // Placed now so that loaded() knows; it is the head of M once loaded.
            lists.pushHead(MAIN, incoming);
        }
        return page;
    }

    /** The victim from S, or {@link PageLists#NONE} when every page of S moved on to M. */
    private int evictSmall() {
        for (int page = lists.popTail(SMALL); page != PageLists.NONE; page = lists.popTail(SMALL)) {
            if (frequency[page] >= MOVE_TO_MAIN) {
                frequency[page] = 0;
                lists.pushHead(MAIN, page);
                movedToMain++;
            } else {
                lists.pushHead(GHOST, page);
                if (lists.size(GHOST) > ghostLimit) {
                    lists.popTail(GHOST);
                }
                return page;
            }
        }
        return PageLists.NONE;
    }

    private int evictMain() {
        while (true) {
            int page = lists.popTail(MAIN);
            if (page == PageLists.NONE) {
                throw new AssertionError("s3fifo: S and M are both empty with the pool full (ghosts "
                        + lists.size(GHOST) + ")");
            }
            if (frequency[page] == 0) {
                return page;
            }
            frequency[page]--;
            lists.pushHead(MAIN, page);
        }
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        frequency = PageArrays.cover(frequency, page);
        frequency[page] = 0;
        int list = lists.listOf(page);
        if (list == MAIN) {
            ghostAdmissions++;
        } else if (list == GHOST) {
            ghostAdmissions++;
            lists.remove(page);
            lists.pushHead(MAIN, page);
        } else {
            lists.pushHead(SMALL, page);
        }
    }

    /** Faults on pages remembered in G, admitted straight to M (for tests). */
    long ghostAdmissions() {
        return ghostAdmissions;
    }

    /** Pages moved from S to M at eviction time (for tests). */
    long movedToMain() {
        return movedToMain;
    }

    /** The sizes of S, M, G (for tests). */
    int[] sizes() {
        return new int[] {lists.size(SMALL), lists.size(MAIN), lists.size(GHOST)};
    }
}
