package dev.pagelab.replace;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Random: the victim is a resident page chosen uniformly at random (Belady 1966 measured it as
 * the baseline every sensible policy should beat). It needs to see nothing at all.
 *
 * <p>State: one generator, {@code L64X128MixRandom} of {@code java.util.random} (a fully
 * specified algorithm, so a seed gives the same victims on every JDK), seeded with
 * {@link PolicyConfig#seed} (default 42); each pool's policy starts from that same seed. O(1) a
 * fault, nothing a hit.
 *
 * <p>Choices: a fault with the pool full draws exactly once, {@code nextInt(capacity)} (unbiased
 * bounded draw), and evicts the page in that frame; the pool is full then, so uniform over frames
 * is uniform over resident pages. Faults into free frames draw nothing.
 */
final class RandomPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("random",
            "random: evict a resident page chosen uniformly (seeded)", Visibility.HARDWARE_BITS, false, false);

    private final Pool pool;
    private final RandomGenerator random;

    RandomPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        return FullPool.pageAt(pool, random.nextInt(pool.capacity()), "random");
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
    }
}
