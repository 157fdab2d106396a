package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * OPT's contract: the fault counts of the contract test's independent oracle, and its tie-break
 * among never-again pages pinned by write-backs. (The naive twin with the same tie-break checks
 * the resident set at every step in {@link PolicyOracleTest}; the stack property is in
 * {@link StackPropertyTest}.)
 */
class OptPolicyTest {
    @Test
    void opt_randomStrings_faultsAsOptOracle() {
        long evictions = 0;
        for (long seed : LongSeeds.of(40)) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int distinct = 2 + random.nextInt(200);
            int length = 1 + random.nextInt(5_000);
            int capacity = 1 + random.nextInt(Math.min(distinct, 64));
            int[] pages = ReplacementPolicyContractTest.string(random, length, distinct);
            PolicyDriver opt = PolicyDriver.of("opt", capacity);
            opt.run(pages, null);
            PolicyDriver oracle = PolicyDriver.of(OptOracle.REGISTRY, "opt-oracle", PolicyConfig.DEFAULTS, capacity);
            oracle.run(pages, null);
            assertThat(opt.faults).as("seed " + seed + " capacity " + capacity + " length " + length)
                    .isEqualTo(oracle.faults);
            evictions += opt.faults - opt.residentSet().length;
        }
        assertThat(evictions).as("evictions over all seeds").isGreaterThan(5_000);
    }

    /**
     * 1 2w 3 2w 4 with 2 frames. 1 → frame 0, 2 (dirty) → frame 1. 3: 1 is never used again, 2
     * is (at 3): 1 goes, 3 takes frame 0 (loaded at 2). 2: hit. 4: 2 and 3 are both never used
     * again, a tie: 2, loaded at 1, before 3, goes and is written back. Every other rule keeps
     * 2: the lowest frame (3 is in frame 0), the latest load (3) and the least recent reference
     * (3, at 2) all evict the clean 3, with no write-back.
     */
    @Test
    void opt_tieAmongNeverAgain_evictsEarliestLoaded() {
        HandWorked<OptPolicy> run = new HandWorked<>(OptPolicy.INFO, OptPolicy::new, PolicyConfig.DEFAULTS, 2);
        run.run("1 2w 3 2w 4", null);
        assertThat(run.driver.residentSet()).containsExactly(3, 4);
        assertThat(new long[] {run.driver.faults, run.driver.writebacks}).containsExactly(4, 1);
    }

    @Test
    void opt_nextUseNotInFuture_rejectedWithValues() {
        PolicyDriver driver = PolicyDriver.of("opt", 2);
        assertThatThrownBy(() -> driver.reference(5, false, 10, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next use 10 of page 5 is not after the reference at time 10");
    }
}
