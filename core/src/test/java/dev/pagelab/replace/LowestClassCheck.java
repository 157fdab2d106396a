package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A policy wrapper that checks, at every victim, that the victim was in the lowest non-empty
 * (A, D) class just before the policy looked (NRU by definition; ESC by its scan).
 */
final class LowestClassCheck implements ReplacementPolicy {
    private static final long[] SEEDS = LongSeeds.of(60);

    private final ReplacementPolicy policy;
    private final Pool pool;
    final long[] lowestSeen = new long[4];
    long sharedClass;

    LowestClassCheck(ReplacementPolicy policy, Pool pool) {
        this.policy = policy;
        this.pool = pool;
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        policy.hit(page, write, now, nextUse);
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        int[] classOfFrame = new int[pool.capacity()];
        int[] members = new int[4];
        for (int frame = 0; frame < pool.capacity(); frame++) {
            classOfFrame[frame] = NaivePolicies.adClass(pool, pool.pageAt(frame));
            members[classOfFrame[frame]]++;
        }
        int lowest = 0;
        while (members[lowest] == 0) {
            lowest++;
        }
        int victim = policy.victim(incoming, now, nextUse);
        int victimClass = classOfFrame[pool.frameOf(victim)];
        if (victimClass != lowest) {
            throw new AssertionError("victim " + victim + " at time " + now + " is in class " + victimClass
                    + ", not the lowest non-empty class " + lowest);
        }
        lowestSeen[lowest]++;
        sharedClass += members[lowest] > 1 ? 1 : 0;
        return victim;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        policy.loaded(page, frame, write, now, nextUse);
    }

    @Override
    public long tickInterval() {
        return policy.tickInterval();
    }

    @Override
    public void tick(long now) {
        policy.tick(now);
    }

    /** Runs the policy, wrapped, on seeded random strings with writes and short tick intervals. */
    static void holds(PolicyInfo info, PolicyRegistry.Factory factory) {
        long[] lowestSeen = new long[4];
        long shared = 0;
        for (long seed : SEEDS) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int distinct = 2 + random.nextInt(20);
            int length = 1 + random.nextInt(1_500);
            int capacity = 1 + random.nextInt(Math.min(distinct + 1, 10));
            PolicyConfig config = PolicyConfig.DEFAULTS.withSeed(seed).withTickInterval(1 + random.nextInt(30));
            LowestClassCheck[] check = new LowestClassCheck[1];
            PolicyRegistry registry = new PolicyRegistry().register(info,
                    (c, pool) -> check[0] = new LowestClassCheck(factory.create(c, pool), pool));
            PolicyDriver driver = PolicyDriver.of(registry, info.name(), config, capacity);
            try {
                driver.run(ReplacementPolicyContractTest.string(random, length, distinct),
                        ReplacementPolicyContractTest.writes(random, length));
            } catch (AssertionError e) {
                throw new AssertionError(info.name() + " seed " + seed + " (capacity " + capacity + "): " + e.getMessage(), e);
            }
            for (int c = 0; c < 4; c++) {
                lowestSeen[c] += check[0].lowestSeen[c];
            }
            shared += check[0].sharedClass;
        }
        for (int c = 0; c < 4; c++) {
            assertThat(lowestSeen[c]).as(info.name() + ": faults whose lowest class was " + c).isPositive();
        }
        assertThat(shared).as(info.name() + ": faults whose lowest class had several pages").isGreaterThan(100);
    }
}
