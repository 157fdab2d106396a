package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The stack property (Mattson, Gecsei, Slutz and Traiger 1970): after every reference, the pages
 * resident with k frames are among those resident with k+1, so more frames never mean more
 * faults. LRU has it for every page. OPT has it for every page that is referenced again; the
 * never-again pages need not nest, because the contract's tie-break among them (the one loaded
 * earliest goes) depends on load times, which differ between memory sizes (pinned below). The
 * checker itself is shown to catch FIFO's anomaly.
 */
class StackPropertyTest {
    private static final long[] SEEDS = LongSeeds.of(40);

    /** The steps at which the nesting broke, with k and k+1 frames, over the whole string. */
    private static final class Nesting {
        long strictSteps;
        long extraFaultSteps;
        String firstBreak;
    }

    /**
     * Runs {@code policy} with every k from 1 to {@code maxFrames} in lockstep and checks, after
     * each reference, that the resident set with k frames is in the one with k+1 (only the pages
     * referenced again when {@code liveOnly}).
     */
    private static Nesting check(String policy, int maxFrames, int[] pages, boolean liveOnly) {
        PolicyRegistry registry = PolicyRegistry.builtIn();
        ReferenceStrings.Stepper[] steppers = new ReferenceStrings.Stepper[maxFrames + 1];
        for (int k = 1; k <= maxFrames; k++) {
            steppers[k] = new ReferenceStrings.Stepper(registry, policy, PolicyConfig.DEFAULTS, k, pages, null);
        }
        long[] next = ReferenceStrings.nextUses(pages);
        Nesting nesting = new Nesting();
        for (int t = 0; t < pages.length && nesting.firstBreak == null; t++) {
            boolean[] faulted = new boolean[maxFrames + 1];
            for (int k = 1; k <= maxFrames; k++) {
                faulted[k] = steppers[k].step(t);
            }
            int[][] sets = new int[maxFrames + 1][];
            for (int k = 1; k <= maxFrames; k++) {
                final int now = t;
                sets[k] = Arrays.stream(steppers[k].driver.residentSet())
                        .filter(p -> !liveOnly || hasFuture(pages, next, now, p)).toArray();
            }
            for (int k = 1; k < maxFrames && nesting.firstBreak == null; k++) {
                int[] larger = sets[k + 1];
                for (int page : sets[k]) {
                    if (Arrays.binarySearch(larger, page) < 0) {
                        nesting.firstBreak = policy + " step " + t + ": page " + page + " resident with " + k
                                + " frames " + Arrays.toString(sets[k]) + " but not with " + (k + 1) + " "
                                + Arrays.toString(larger);
                        break;
                    }
                }
                nesting.strictSteps += sets[k].length < larger.length && sets[k].length == k ? 1 : 0;
                nesting.extraFaultSteps += faulted[k] && !faulted[k + 1] ? 1 : 0;
            }
        }
        return nesting;
    }

    /** Whether {@code page} is referenced after time {@code now}. */
    private static boolean hasFuture(int[] pages, long[] next, int now, int page) {
        for (int t = now; t >= 0; t--) {
            if (pages[t] == page) {
                return next[t] != ReplacementPolicy.NEVER;
            }
        }
        throw new AssertionError("page " + page + " is resident at step " + now + " but was never referenced");
    }

    private static void holdsOnRandomStrings(String policy, boolean liveOnly) {
        long strict = 0;
        long extraFaults = 0;
        for (long seed : SEEDS) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int distinct = 3 + random.nextInt(20);
            int[] pages = ReplacementPolicyContractTest.string(random, 1 + random.nextInt(600), distinct);
            Nesting nesting = check(policy, Math.min(distinct, 10), pages, liveOnly);
            assertThat(nesting.firstBreak).as(policy + " seed " + seed).isNull();
            strict += nesting.strictSteps;
            extraFaults += nesting.extraFaultSteps;
        }
        // Coverage gate: the larger memory really held more, and really saved faults.
        assertThat(strict).as(policy + ": steps where the k-frame set was full and strictly smaller").isGreaterThan(1_000);
        assertThat(extraFaults).as(policy + ": steps where only the smaller memory faulted").isGreaterThan(1_000);
    }

    @Test
    void lru_randomStrings_residentSetsNest() {
        holdsOnRandomStrings("lru", false);
    }

    @Test
    void opt_randomStrings_residentPagesWithAFutureNest() {
        holdsOnRandomStrings("opt", true);
    }

    @Test
    void fifo_beladyString_checkerFindsTheAnomaly() {
        Nesting nesting = check("fifo", 4, TextbookStringsTest.BELADY, false);
        assertThat(nesting.firstBreak).as("FIFO is no stack algorithm").isNotNull().contains("with 3 frames");
    }

    /**
     * 0 1 2 1 0 1 3 with 2 and 3 frames. Two frames: 2 evicts 0 (next use 4, farther than 1's
     * 3); 0 at step 4 evicts 2 (never again), so 0 is loaded at 4, after 1 (loaded at 1). Three
     * frames: no eviction until step 6, 0 loaded at 0. At step 6 (page 3) 0 and 1 are never used
     * again: two frames evict 1 (loaded at 1, before 0 at 4) and keep {0, 3}; three frames
     * evict 0 (loaded at 0, earliest of 0, 1, 2) and keep {1, 2, 3}. 0 is then resident with 2
     * frames and not with 3. The fault counts (5 and 4) still obey the stack property.
     */
    @Test
    void opt_neverAgainTieByLoadTime_deadPagesNeedNotNest() {
        int[] pages = ReferenceStrings.pages("0 1 2 1 0 1 3");
        PolicyDriver two = PolicyDriver.of("opt", 2);
        PolicyDriver three = PolicyDriver.of("opt", 3);
        two.run(pages, null);
        three.run(pages, null);
        assertThat(two.residentSet()).containsExactly(0, 3);
        assertThat(three.residentSet()).containsExactly(1, 2, 3);
        assertThat(new long[] {two.faults, three.faults}).containsExactly(5, 4);
        assertThat(check("opt", 3, pages, false).firstBreak).contains("step 6: page 0 resident with 2 frames");
        assertThat(check("opt", 3, pages, true).firstBreak).isNull();
    }
}
