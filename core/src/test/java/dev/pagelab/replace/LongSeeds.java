package dev.pagelab.replace;

import java.util.random.RandomGeneratorFactory;

/** Fixed seeds for seeded property tests: the same on every run, named in every failure. */
final class LongSeeds {
    private LongSeeds() {
    }

    /** {@code count} seeds drawn from a fixed master seed. */
    static long[] of(int count) {
        var master = RandomGeneratorFactory.of("L64X128MixRandom").create(0x5EED_0001L);
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = master.nextLong();
        }
        return seeds;
    }
}
