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

    /** Over 400 seeds, how often each page was evicted by the last reference of {@code string}. */
    private static int[] evictions(String string, int frames) {
        int[] pages = ReferenceStrings.pages(string);
        int[] evicted = new int[Arrays.stream(pages).max().orElseThrow() + 1];
        for (long seed = 0; seed < 400; seed++) {
            PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), "nru",
                    PolicyConfig.DEFAULTS.withTickInterval(4).withSeed(seed), frames);
            driver.run(pages, null);
            for (int page = 0; page < evicted.length; page++) {
                evicted[page] += page != pages[pages.length - 1] && driver.frameOf(page) < 0 ? 1 : 0;
            }
        }
        return evicted;
    }

    /** After a tick every page is in class 0: over many seeds each of the four is chosen. */
    @Test
    void nru_classOfFour_seedChoosesUniformly() {
        int[] evicted = evictions("1 2 3 4 5", 4);
        for (int page = 1; page <= 4; page++) {
            assertThat(evicted[page]).as("seeds that evicted page " + page + " of 400").isBetween(60, 140);
        }
    }

    /**
     * After the tick 1 is referenced again, so class 0 is {2, 3, 4}; the policy's candidates for
     * class 0 still include 1, which it must pass over: 2, 3 and 4 each go about a third of the
     * time, 1 never.
     */
    @Test
    void nru_candidateLeftItsClass_choiceStaysUniform() {
        int[] evicted = evictions("1 2 3 4 1 5", 4);
        assertThat(evicted[1]).as("seeds that evicted page 1, referenced since the tick").isZero();
        for (int page = 2; page <= 4; page++) {
            assertThat(evicted[page]).as("seeds that evicted page " + page + " of 400").isBetween(93, 173);
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
