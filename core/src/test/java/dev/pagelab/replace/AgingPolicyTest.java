package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Aging worked by hand: 3-bit counters, a tick every 3 references (before references 3, 6, 9),
 * 3 frames. Notation: each frame's page and counter. (The history-based naive twin checks it on
 * random strings, every width from 1 to 8 and 32, in {@link PolicyOracleTest}.)
 */
class AgingPolicyTest {
    private static String counters(HandWorked<AgingPolicy> run) {
        StringJoiner joiner = new StringJoiner(" ");
        for (int frame = 0; frame < run.driver.capacity(); frame++) {
            int page = run.driver.pageAt(frame);
            joiner.add(page < 0 ? "-" : page + ":" + pad(Long.toBinaryString(run.policy().counter(page))));
        }
        return joiner.toString();
    }

    private static String pad(String bits) {
        return "0".repeat(3 - bits.length()) + bits;
    }

    /**
     * <pre>
     *  t  ref  counters              what happens
     *  0  1    1:100 -     -         a loaded page starts at 100 (its faulting access is a
     *  1  2    1:100 2:100 -         reference of this interval)
     *  2  3    1:100 2:100 3:100
     *  3  1    1:100 2:100 3:100     tick: all three were loaded in the interval that ended, so
     *                                their R bits stand for the load and they stay at 100 (no
     *                                double count); then a hit sets R of 1
     *  4  2    1:100 2:100 3:100     hit: R of 2
     *  5  4    4:100 2:100 3:100     all tie at 100: the earliest loaded (1) goes, although it
     *                                was referenced in this interval (R counts only at ticks)
     *  6  5    4:100 2:110 5:100     tick: 2 had R → 110, 3 had not → 010, 4 loaded in the
     *                                interval stays 100; then 3 (010) is the victim
     *  7  2    4:100 2:110 5:100     hit
     *  8  4    4:100 2:110 5:100     hit
     *  9  6    4:110 2:111 6:100     tick: 2 → 111, 4 (loaded before the last tick, R set) →
     *                                110, 5 (loaded in the interval) stays 100; 5 is the victim
     * </pre>
     * 6 faults.
     */
    @Test
    void aging_handWorkedString_countersAndVictims() {
        HandWorked<AgingPolicy> run = new HandWorked<>(AgingPolicy.INFO, AgingPolicy::new,
                PolicyConfig.DEFAULTS.withAgingBits(3).withTickInterval(3), 3);
        List<String> states = run.run("1 2 3 1 2 4 5 2 4 6", r -> "| " + counters(r));
        assertThat(states).extracting(s -> s.substring(s.indexOf("| ") + 2)).containsExactly(
                "1:100 - -",
                "1:100 2:100 -",
                "1:100 2:100 3:100",
                "1:100 2:100 3:100",
                "1:100 2:100 3:100",
                "4:100 2:100 3:100",
                "4:100 2:110 5:100",
                "4:100 2:110 5:100",
                "4:100 2:110 5:100",
                "4:110 2:111 6:100");
        assertThat(run.driver.faults).isEqualTo(6);
    }

    /** Eight bits, one page unreferenced for eight ticks: its counter reaches 0, the others do not. */
    @Test
    void aging_pageIdleForAllBits_counterZeroAndEvicted() {
        HandWorked<AgingPolicy> run = new HandWorked<>(AgingPolicy.INFO, AgingPolicy::new,
                PolicyConfig.DEFAULTS.withAgingBits(8).withTickInterval(2), 2);
        // 1 and 2 loaded; then 2 alone is referenced in each of ten intervals.
        run.run("1 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2", null);
        assertThat(run.policy().counter(1)).isZero();
        assertThat(run.policy().counter(2)).isEqualTo(0xFF);
        run.driver.reference(3, false, 22, ReplacementPolicy.NEVER);
        assertThat(run.driver.residentSet()).containsExactly(2, 3);
    }
}
