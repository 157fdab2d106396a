package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Random's victims: uniform over the frames, and a function of the seed. */
class RandomPolicyTest {
    /**
     * A loop over 5 pages with 4 frames faults on almost every reference; the frame each new page
     * lands in is the victim's. 20,000 evictions, 5,000 expected a frame (σ ≈ 61): each within
     * 5 % (4 σ) of it.
     */
    @Test
    void random_loop_victimFramesUniform() {
        PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), "random", PolicyConfig.DEFAULTS.withSeed(7), 4);
        long[] victimFrames = new long[4];
        long evictions = 0;
        for (int t = 0; evictions < 20_000; t++) {
            int page = t % 5;
            boolean full = driver.residentPages() == 4;
            if (driver.reference(page, false, t, ReplacementPolicy.NEVER) && full) {
                victimFrames[driver.frameOf(page)]++;
                evictions++;
            }
        }
        for (int frame = 0; frame < 4; frame++) {
            assertThat(victimFrames[frame]).as("evictions from frame " + frame + " in " + Arrays.toString(victimFrames))
                    .isBetween(4_750L, 5_250L);
        }
    }

    @Test
    void random_differentSeeds_differentFaults() {
        int[] pages = ReplacementPolicyContractTest.string(
                java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(5), 3_000, 40);
        long[] faults = new long[8];
        for (int seed = 0; seed < faults.length; seed++) {
            PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), "random", PolicyConfig.DEFAULTS.withSeed(seed), 8);
            driver.run(pages, null);
            faults[seed] = driver.faults;
        }
        assertThat(Arrays.stream(faults).distinct().count()).as("distinct fault counts in " + Arrays.toString(faults))
                .isGreaterThan(1);
    }
}
