package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * NRU worked by hand, its victim checked against the class definition on random strings, and its
 * seeded choice within a class. Notation as in {@link HandWorked}: each frame's page with its R and
 * M bits.
 */
class NruPolicyTest {
    /**
     * Tick every 4 references (before references 4 and 8), 3 frames.
     * <pre>
     *  t  ref  frames              class of each          what happens
     *  0  1w   1/11 -    -
     *  1  2    1/11 2/10 -
     *  2  3w   1/11 2/10 3/11
     *  3  1    1/11 2/10 3/11                             hit
     *  4  4    1/01 4/10 3/01      1: 1, 2: 0, 3: 1       tick clears R; 2 alone in class 0
     *  5  3    1/01 4/10 3/11                             hit
     *  6  5    5/10 4/10 3/11      1: 1, 4: 2, 3: 3       1 (class 1, dirty, written back)
     *                                                     goes before 4 (class 2, clean, in use)
     *  7  4w   5/10 4/11 3/11                             hit
     *  8  6    6/10 4/01 3/01      5: 0, 4: 1, 3: 1       tick clears R; 5 alone in class 0
     * </pre>
     * 6 faults, 1 write-back.
     */
    @Test
    void nru_handWorkedString_lowestClassEvicted() {
        HandWorked<NruPolicy> run = new HandWorked<>(NruPolicy.INFO, NruPolicy::new,
                PolicyConfig.DEFAULTS.withTickInterval(4), 3);
        List<String> states = run.run("1w 2 3w 1 4 3 5 4w 6", null);
        assertThat(states).containsExactly(
                "1/11 - -",
                "1/11 2/10 -",
                "1/11 2/10 3/11",
                "1/11 2/10 3/11",
                "1/01 4/10 3/01",
                "1/01 4/10 3/11",
                "5/10 4/10 3/11",
                "5/10 4/11 3/11",
                "6/10 4/01 3/01");
        assertThat(new long[] {run.driver.faults, run.driver.writebacks}).containsExactly(6, 1);
    }

    /** After a tick every page is in class 0: over many seeds each of the four is chosen. */
    @Test
    void nru_classOfFour_seedChoosesUniformly() {
        int[] evicted = new int[5];
        for (long seed = 0; seed < 400; seed++) {
            PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), "nru",
                    PolicyConfig.DEFAULTS.withTickInterval(4).withSeed(seed), 4);
            driver.run(ReferenceStrings.pages("1 2 3 4 5"), null);
            for (int page = 1; page <= 4; page++) {
                if (driver.frameOf(page) < 0) {
                    evicted[page]++;
                }
            }
        }
        for (int page = 1; page <= 4; page++) {
            assertThat(evicted[page]).as("seeds that evicted page " + page + " of 400").isBetween(60, 140);
        }
    }

    @Test
    void nru_randomStrings_victimInLowestClass() {
        LowestClassCheck.holds(NruPolicy.INFO, NruPolicy::new);
    }

    @Test
    void nru_differentSeeds_differentVictims() {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(3);
        int[] pages = ReplacementPolicyContractTest.string(random, 3_000, 40);
        long[] faults = new long[8];
        for (int seed = 0; seed < faults.length; seed++) {
            PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), "nru", PolicyConfig.DEFAULTS.withSeed(seed), 8);
            driver.run(pages, null);
            faults[seed] = driver.faults;
        }
        assertThat(Arrays.stream(faults).distinct().count()).as("distinct fault counts over 8 seeds")
                .isGreaterThan(1);
    }
}
