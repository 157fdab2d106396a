package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * MRU and LFU, the two other policies that see every reference, on small strings worked by hand.
 * (Their naive twins check them on random strings in {@link PolicyOracleTest}.)
 */
class MruLfuPolicyTest {
    /**
     * 1 2 3 4 1 2 3 4, 3 frames: 4 evicts 3 (referenced last), 1 and 2 hit, 3 evicts 2, 4 hits:
     * 5 faults where LRU takes 8 (a loop one page larger than memory, MRU's best case).
     */
    @Test
    void mru_loopLargerThanMemory_evictsLastReferenced() {
        PolicyDriver mru = PolicyDriver.of("mru", 3);
        mru.run(ReferenceStrings.pages("1 2 3 4 1 2 3 4"), null);
        assertThat(mru.faults).isEqualTo(5);
        assertThat(mru.residentSet()).containsExactly(1, 3, 4);
        assertThat(PolicyDriver.faults("lru", 3, ReferenceStrings.pages("1 2 3 4 1 2 3 4"))).isEqualTo(8);
    }

    /**
     * 1 2 3 1 4 5, 3 frames: at 4 the counts are 1:2, 2:1, 3:1; 2 and 3 tie and 2 was referenced
     * longer ago: 2 goes. At 5: 1:2, 3:1 (last at 2), 4:1 (last at 4): 3 goes.
     */
    @Test
    void lfu_tieAmongLeastFrequent_evictsLeastRecent() {
        PolicyDriver lfu = PolicyDriver.of("lfu", 3);
        lfu.run(ReferenceStrings.pages("1 2 3 1 4 5"), null);
        assertThat(lfu.residentSet()).containsExactly(1, 4, 5);
        assertThat(lfu.faults).isEqualTo(5);
    }

    /**
     * 1 1 2 2 2 3 1 4, 2 frames: 3 evicts 1 (count 2 against 2's 3); 1 comes back with count 1
     * (its two earlier references are forgotten) and evicts 3 (count 1, older); 4 then evicts 1
     * (1 against 3). A "perfect" LFU would give 1 a count of 3, tie it with 2, and evict 2.
     */
    @Test
    void lfu_reloadedPage_countStartsAgain() {
        HandWorked<LfuPolicy> run = new HandWorked<>(LfuPolicy.INFO, LfuPolicy::new, PolicyConfig.DEFAULTS, 2);
        run.run("1 1 2 2 2 3 1 4", null);
        assertThat(run.driver.residentSet()).containsExactly(2, 4);
        assertThat(run.policy().count(2)).isEqualTo(3);
        assertThat(run.policy().count(4)).isEqualTo(1);
        assertThat(run.driver.faults).isEqualTo(5);
    }

    /** Repeated hits on a page alone in its bucket bump the count in place. */
    @Test
    void lfu_repeatedHits_countGrows() {
        HandWorked<LfuPolicy> run = new HandWorked<>(LfuPolicy.INFO, LfuPolicy::new, PolicyConfig.DEFAULTS, 3);
        run.run("1 2 2 2 2 3 3 1 4", null);
        // counts 1:2, 2:4, 3:2 at 4: 1 and 3 tie at 2, 3 referenced last at 6, 1 at 7: 3 goes.
        assertThat(run.driver.residentSet()).containsExactly(1, 2, 4);
        assertThat(run.policy().count(2)).isEqualTo(4);
        assertThat(run.policy().count(1)).isEqualTo(2);
    }
}
