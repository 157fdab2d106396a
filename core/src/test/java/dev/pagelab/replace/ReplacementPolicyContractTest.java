package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered policy keeps, run over {@link PolicyRegistry#builtIn()} as it is:
 * a policy added to the registry is tested here without anyone adding it to a list. The driver
 * checks the calling protocol at every step (a victim is resident and not the incoming page; only
 * variable-allocation policies release); this test adds what any demand-paging policy must give.
 */
class ReplacementPolicyContractTest {
    private static final long[] SEEDS = LongSeeds.of(40);

    static List<String> policies() {
        return PolicyRegistry.builtIn().names();
    }

    /** A reference string with locality: a drifting hot set, some writes, now and then a jump. */
    static int[] string(RandomGenerator random, int length, int distinct) {
        int[] pages = new int[length];
        int base = 0;
        for (int i = 0; i < length; i++) {
            if (random.nextInt(50) == 0) {
                base = random.nextInt(distinct);
            }
            pages[i] = random.nextInt(4) == 0 ? random.nextInt(distinct) : (base + random.nextInt(6)) % distinct;
        }
        return pages;
    }

    static boolean[] writes(RandomGenerator random, int length) {
        boolean[] writes = new boolean[length];
        for (int i = 0; i < length; i++) {
            writes[i] = random.nextInt(3) == 0;
        }
        return writes;
    }

    @ParameterizedTest
    @MethodSource("policies")
    void everyPolicy_randomStrings_faultsBetweenOptAndReferences(String name) {
        int runs = 0;
        int fullRuns = 0;
        for (long seed : SEEDS) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int distinct = 2 + random.nextInt(40);
            int length = 1 + random.nextInt(2_000);
            int capacity = 1 + random.nextInt(Math.min(distinct + 2, 24));
            int[] pages = string(random, length, distinct);
            boolean[] writes = writes(random, length);
            String where = name + " seed " + seed + " (capacity " + capacity + ", " + length + " references)";

            PolicyDriver policy = PolicyDriver.of(name, capacity);
            policy.run(pages, writes);
            PolicyDriver opt = PolicyDriver.of(OptOracle.REGISTRY, "opt-oracle", PolicyConfig.DEFAULTS, capacity);
            opt.run(pages, writes);
            long compulsory = Arrays.stream(pages).distinct().count();

            assertThat(policy.faults).as(where + ": faults at least the distinct pages").isGreaterThanOrEqualTo(compulsory);
            assertThat(policy.faults).as(where + ": faults at least OPT's").isGreaterThanOrEqualTo(opt.faults);
            assertThat(policy.faults).as(where + ": faults at most the references").isLessThanOrEqualTo(length);
            assertThat(policy.writebacks).as(where + ": write-backs at most the faults").isLessThanOrEqualTo(policy.faults);
            assertThat(policy.residentSet().length).as(where + ": resident pages").isLessThanOrEqualTo(capacity);
            if (capacity >= compulsory && !PolicyRegistry.builtIn().info(name).variableAllocation()) {
                assertThat(policy.faults).as(where + ": room for every page, so only compulsory faults").isEqualTo(compulsory);
            }
            runs++;
            if (compulsory > capacity) {
                fullRuns++;
            }
        }
        // Coverage gate: most runs must have had to replace something.
        assertThat(fullRuns).as(name + ": runs whose pool filled up").isGreaterThan(runs / 2);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void everyPolicy_sameSeed_sameResult(String name) {
        for (long seed : Arrays.copyOf(SEEDS, 8)) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int[] pages = string(random, 3_000, 60);
            boolean[] writes = writes(random, 3_000);
            PolicyDriver a = PolicyDriver.of(name, 10);
            PolicyDriver b = PolicyDriver.of(name, 10);
            a.run(pages, writes);
            b.run(pages, writes);
            assertThat(new long[] {b.faults, b.writebacks}).as(name + " seed " + seed)
                    .containsExactly(a.faults, a.writebacks);
            assertThat(b.residentSet()).as(name + " seed " + seed).containsExactly(a.residentSet());
        }
    }

    @ParameterizedTest
    @MethodSource("policies")
    void everyPolicy_oneFrame_faultsOnEveryChangeOfPage(String name) {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
        int[] pages = string(random, 1_000, 5);
        long changes = IntStream.range(0, pages.length).filter(i -> i == 0 || pages[i] != pages[i - 1]).count();
        PolicyDriver driver = PolicyDriver.of(name, 1);
        driver.run(pages, null);
        assertThat(driver.faults).as(name).isEqualTo(changes);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void everyPolicy_hardwareBitsOnly_neverShownHits(String name) {
        PolicyInfo info = PolicyRegistry.builtIn().info(name);
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(11);
        PolicyDriver driver = PolicyDriver.of(name, 4);
        driver.run(string(random, 500, 10), null);
        if (info.visibility() == Visibility.HARDWARE_BITS) {
            assertThat(driver.hitsShown).as(name).isZero();
        } else {
            assertThat(driver.hitsShown).as(name).isPositive();
        }
    }

    @Test
    void registry_unknownName_listsKnownOnes() {
        PolicyRegistry registry = PolicyRegistry.builtIn();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.info("lur"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown replacement policy 'lur'")
                .hasMessageContaining("lru");
    }

    @Test
    void registry_isAnInstance_additionsStayInIt() {
        PolicyRegistry mine = PolicyRegistry.builtIn().register(
                new PolicyInfo("mine", "a student's FIFO", Visibility.HARDWARE_BITS, false, false), FifoPolicy::new);
        assertThat(mine.contains("mine")).isTrue();
        assertThat(PolicyRegistry.builtIn().contains("mine")).isFalse();
    }
}
