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
 * two clears, and {@link PolicyConfig#seed} (default 42) for the choice within a class. At a
 * fault with the pool full:
 * <ol>
 *   <li>read every resident page's class, counting each class;</li>
 *   <li>take the lowest class with a page in it; if it holds n &gt; 1 pages, draw r =
 *       {@code nextInt(n)} from an {@code L64X128MixRandom} seeded with the seed (one draw a fault,
 *       none when n = 1), else r = 0;</li>
 *   <li>the victim is the r-th page of that class in frame order.</li>
 * </ol>
 * A tick clears the R bit of every resident page (test-and-clear, which a kernel pairs with a
 * TLB invalidation). State: the generator and one scratch byte a frame. Cost: two passes over the
 * frames a fault and one a tick, O(frames) (a page's class changes with every reference the policy
 * is not told of, so nothing cheaper can know the classes); nothing a hit.
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

    private final Pool pool;
    private final RandomGenerator random;
    private final long tickInterval;
    private final int[] classCounts = new int[4];
    private byte[] classOf = new byte[0];

    NruPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
        this.tickInterval = config.tickInterval();
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int capacity = pool.capacity();
        if (classOf.length < capacity) {
            classOf = new byte[capacity];
        }
        Arrays.fill(classCounts, 0);
        for (int frame = 0; frame < capacity; frame++) {
            int page = FullPool.pageAt(pool, frame, "nru");
            int pageClass = (pool.isReferenced(page) ? 2 : 0) | (pool.isDirty(page) ? 1 : 0);
            classOf[frame] = (byte) pageClass;
            classCounts[pageClass]++;
        }
        int lowest = 0;
        while (classCounts[lowest] == 0) {
            lowest++;
        }
        int rank = classCounts[lowest] > 1 ? random.nextInt(classCounts[lowest]) : 0;
        for (int frame = 0; frame < capacity; frame++) {
            if (classOf[frame] == lowest && rank-- == 0) {
                return pool.pageAt(frame);
            }
        }
        throw new AssertionError("nru: class " + lowest + " counted " + classCounts[lowest] + " pages but none was found");
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
    }

    @Override
    public long tickInterval() {
        return tickInterval;
    }

    @Override
    public void tick(long now) {
        for (int frame = 0; frame < pool.capacity(); frame++) {
            int page = pool.pageAt(frame);
            if (page >= 0) {
                pool.testAndClearReferenced(page);
            }
        }
    }
}
