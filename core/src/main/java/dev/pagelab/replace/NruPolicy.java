package dev.pagelab.replace;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Not recently used (Tanenbaum, <i>Modern Operating Systems</i>, "The Not Recently Used Page
 * Replacement Algorithm"): a periodic clock interrupt clears every page's R bit, so R means
 * "referenced since the last tick"; at a fault the resident pages fall into four classes by
 * (R, M), and the victim is a page chosen at random from the lowest-numbered non-empty class.
 * Hardware bits only (R is the PTE's A bit, M its D bit).
 *
 * <pre>
 *   class 0: R=0 M=0   not referenced, not modified   evicted first
 *   class 1: R=0 M=1   not referenced, modified
 *   class 2: R=1 M=0   referenced, not modified
 *   class 3: R=1 M=1   referenced, modified           evicted last
 * </pre>
 *
 * <p>Parameters: {@link PolicyConfig#tickInterval} (default 1,000 references of the pool) between
 * two clears, and {@link PolicyConfig#seed} (default 42) for the choice within a class, drawn from
 * an {@code L64X128MixRandom}.
 *
 * <p>State: three bags of candidates (arrays of page ids, taken from at random), one for each of
 * classes 0, 1 and 2, which always hold every page of their class that the policy still has to
 * look at, and maybe pages that have left the class since. This holds because the bits only move
 * one way between ticks: R=0 means the page has not been referenced since the tick, so its M bit
 * is still what it was then; and R and M, once set, stay set until the tick. So:
 * <ol>
 *   <li>a tick clears every R bit (test-and-clear, which a kernel pairs with a TLB invalidation)
 *       and refills the bags: each resident page goes into bag 0 if clean, bag 1 if dirty; bag 2
 *       starts empty;</li>
 *   <li>a page loaded clean goes into bag 2 (its faulting access set R); one loaded by a write is
 *       class 3;</li>
 *   <li>at a fault with the pool full, for bag 0, then 1, then 2: take a page from the bag
 *       uniformly at random ({@code nextInt(size)}, no draw when the bag holds one page); if it
 *       is still in the bag's class it is the victim; otherwise it has moved up (a class-0 page
 *       referenced since is class 2 or 3): put it into the bag of its class (class 3 has none)
 *       and take again;</li>
 *   <li>when all three bags are empty every resident page is class 3: the victim is the page in
 *       frame {@code nextInt(capacity)}.</li>
 * </ol>
 * Drawing uniformly from a bag and rejecting pages that have left its class picks uniformly among
 * the pages still in it, which is the book's choice. Cost: nothing a hit; a fault takes O(1)
 * amortized (a page leaves a bag at most once per tick); a tick costs one pass over the frames,
 * O(frames), like any NRU's periodic clear.
 *
 * <p>Choices where implementations differ: the choice within a class is uniformly random and
 * seeded, as the book says, rather than the lowest frame; the tick clears R only, never M (a page
 * stays modified until it is evicted and written back); a newly loaded page keeps the R bit its
 * faulting access set, so it is class 2 or 3 until the next tick.
 */
final class NruPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("nru",
            "not recently used: a random page of the lowest (R, M) class; R cleared every tick",
            Visibility.HARDWARE_BITS, false, false);

    private static final int BAGS = 3;
    private static final int REFERENCED_CLEAN = 2;

    private final Pool pool;
    private final RandomGenerator random;
    private final long tickInterval;
    private final int[][] bags = new int[BAGS][0];
    private final int[] sizes = new int[BAGS];

    NruPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
        this.tickInterval = config.tickInterval();
    }

    private int classOf(int page) {
        return (pool.isReferenced(page) ? 2 : 0) | (pool.isDirty(page) ? 1 : 0);
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        for (int bag = 0; bag < BAGS; bag++) {
            while (sizes[bag] > 0) {
                int page = take(bag);
                int pageClass = classOf(page);
                if (pageClass == bag) {
                    return page;
                }
                if (pageClass < bag) {
                    throw new AssertionError("nru: page " + page + " from bag " + bag + " is in class " + pageClass
                            + " at time " + now + ": an R or M bit was cleared between ticks");
                }
                if (pageClass < BAGS) {
                    put(pageClass, page);
                }
            }
        }
        return FullPool.pageAt(pool, random.nextInt(pool.capacity()), "nru");
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        if (!pool.isDirty(page)) {
            put(REFERENCED_CLEAN, page);
        }
    }

    @Override
    public long tickInterval() {
        return tickInterval;
    }

    @Override
    public void tick(long now) {
        Arrays.fill(sizes, 0);
        for (int frame = 0; frame < pool.capacity(); frame++) {
            int page = pool.pageAt(frame);
            if (page >= 0) {
                pool.testAndClearReferenced(page);
                put(pool.isDirty(page) ? 1 : 0, page);
            }
        }
    }

    /** Removes and returns a page of {@code bag}, which is not empty, chosen uniformly. */
    private int take(int bag) {
        int size = sizes[bag];
        int index = size > 1 ? random.nextInt(size) : 0;
        int[] pages = bags[bag];
        int page = pages[index];
        pages[index] = pages[size - 1];
        sizes[bag] = size - 1;
        return page;
    }

    private void put(int bag, int page) {
        if (sizes[bag] == bags[bag].length) {
            bags[bag] = Arrays.copyOf(bags[bag], Math.max(16, Math.max(pool.capacity(), sizes[bag] * 2)));
        }
        bags[bag][sizes[bag]++] = page;
    }
}
