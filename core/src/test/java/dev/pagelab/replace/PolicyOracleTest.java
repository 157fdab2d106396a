package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each fast policy against its naive twin ({@link NaivePolicies}) on seeded random strings, one
 * reference at a time: the same faults, the same resident set after every reference, the same
 * write-backs. The naive twins count the cases that tell implementations apart (ties, second
 * chances, each ESC class, ticks), and a coverage gate requires that they happened.
 */
class PolicyOracleTest {
    private static final long[] SEEDS = LongSeeds.of(60);

    record Case(String policy, String naive, BiFunction<PolicyConfig, RandomGenerator, PolicyConfig> config,
                List<String> mustHappen) {
        @Override
        public String toString() {
            return policy + " vs " + naive;
        }
    }

    static List<Case> cases() {
        BiFunction<PolicyConfig, RandomGenerator, PolicyConfig> same = (c, r) -> c;
        return List.of(
                new Case("lru", "naive-lru", same, List.of("victims", "hits")),
                new Case("mru", "naive-mru", same, List.of("victims", "hits")),
                new Case("opt", "naive-opt", same, List.of("never-again tie", "no tie")),
                new Case("lfu", "naive-lfu", same,
                        List.of("tie", "no tie", "victim referenced again", "victim referenced once")),
                new Case("clock", "naive-clock", (c, r) -> c.withClockLoadBit(1), List.of("victims", "second chances")),
                new Case("clock", "naive-clock", (c, r) -> c.withClockLoadBit(0), List.of("victims", "second chances")),
                new Case("esc", "naive-esc", same,
                        List.of("lowest class 0", "lowest class 1", "lowest class 2", "lowest class 3")),
                new Case("aging", "naive-aging",
                        (c, r) -> c.withAgingBits(r.nextInt(5) == 0 ? 32 : 1 + r.nextInt(8))
                                .withTickInterval(1 + r.nextInt(40)),
                        List.of("ticks", "tie", "no tie", "victim loaded this interval", "victim has a history")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void policy_randomStrings_evictsAsItsNaiveTwin(Case c) {
        NaivePolicies.Coverage coverage = new NaivePolicies.Coverage();
        PolicyRegistry naive = NaivePolicies.registry(coverage);
        PolicyRegistry fast = PolicyRegistry.builtIn();
        long evictions = 0;
        for (long seed : SEEDS) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int distinct = 2 + random.nextInt(30);
            int length = 1 + random.nextInt(1_500);
            int capacity = 1 + random.nextInt(Math.min(distinct + 1, 12));
            PolicyConfig config = c.config().apply(PolicyConfig.DEFAULTS, random);
            int[] pages = ReplacementPolicyContractTest.string(random, length, distinct);
            boolean[] writes = ReplacementPolicyContractTest.writes(random, length);

            var a = new ReferenceStrings.Stepper(fast, c.policy(), config, capacity, pages, writes);
            var b = new ReferenceStrings.Stepper(naive, c.naive(), config, capacity, pages, writes);
            for (int t = 0; t < length; t++) {
                String where = c + " seed " + seed + " (capacity " + capacity + ", " + config + ") step " + t
                        + " page " + pages[t];
                boolean fastFault = a.step(t);
                boolean naiveFault = b.step(t);
                assertThat(fastFault).as(where + ": faulted").isEqualTo(naiveFault);
                assertThat(a.driver.residentSet()).as(where + ": resident set").containsExactly(b.driver.residentSet());
            }
            assertThat(a.driver.writebacks).as(c + " seed " + seed + ": write-backs").isEqualTo(b.driver.writebacks);
            evictions += a.driver.faults - a.driver.residentSet().length;
        }
        assertThat(evictions).as(c + ": evictions").isGreaterThan(1_000);
        for (String what : c.mustHappen()) {
            assertThat(coverage.get(what)).as(c + ": coverage of '" + what + "' in " + coverage).isPositive();
        }
    }
}
