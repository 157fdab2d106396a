package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clock's hand and load bit, worked by hand on Belady's string with 3 frames. Notation: each
 * frame's page with its A and D bits, then the hand (H). (The naive second-chance queue checks
 * Clock on random strings in {@link PolicyOracleTest}.)
 */
class ClockPolicyTest {
    private static final String BELADY = "1 2 3 4 1 2 5 1 2 3 4 5";

    private static HandWorked<ClockPolicy> clock(int loadBit) {
        return new HandWorked<>(ClockPolicy.INFO, ClockPolicy::new, PolicyConfig.DEFAULTS.withClockLoadBit(loadBit), 3);
    }

    /**
     * Load bit 1 (the default): a loaded page keeps the A bit of its faulting access.
     * <pre>
     *  t  ref  frames                  hand  what happens
     *  0  1    1/1  -    -             0     free frame 0; the hand does not move
     *  1  2    1/1  2/1  -             0
     *  2  3    1/1  2/1  3/1           0     full
     *  3  4    4/1  2/0  3/0           1     clears 1, 2, 3 (hand back at 0); 1 has A=0: victim;
     *                                        4 into frame 0, hand one past it
     *  4  1    4/1  1/1  3/0           2     2 under the hand has A=0: victim at once
     *  5  2    4/1  1/1  2/1           0     3: victim
     *  6  5    5/1  1/0  2/0           1     clears 4, 1, 2; 4 is the victim on the second pass
     *  7  1    5/1  1/1  2/0           1     hit: sets A, the hand stays
     *  8  2    5/1  1/1  2/1           1     hit
     *  9  3    5/0  3/1  2/0           2     clears 1, 2, 5; 1 is the victim
     * 10  4    5/0  3/1  4/1           0     2 (A=0): victim
     * 11  5    5/1  3/1  4/1           0     hit
     * </pre>
     * 9 faults, as many as FIFO on this string.
     */
    @Test
    void clock_beladyString_loadBitSet_handWorked() {
        HandWorked<ClockPolicy> run = clock(1);
        List<String> states = run.run(BELADY, r -> "H" + r.policy().hand());
        assertThat(states).containsExactly(
                "1/10 - - H0",
                "1/10 2/10 - H0",
                "1/10 2/10 3/10 H0",
                "4/10 2/00 3/00 H1",
                "4/10 1/10 3/00 H2",
                "4/10 1/10 2/10 H0",
                "5/10 1/00 2/00 H1",
                "5/10 1/10 2/00 H1",
                "5/10 1/10 2/10 H1",
                "5/00 3/10 2/00 H2",
                "5/00 3/10 4/10 H0",
                "5/10 3/10 4/10 H0");
        assertThat(run.driver.faults).isEqualTo(9);
    }

    /**
     * Load bit 0 (libCacheSim's clock): the policy clears a loaded page's bit, so only a hit
     * earns a second chance.
     * <pre>
     *  t  ref  frames                  hand
     *  0  1    1/0  -    -             0
     *  1  2    1/0  2/0  -             0
     *  2  3    1/0  2/0  3/0           0
     *  3  4    4/0  2/0  3/0           1     1 (A=0) at once
     *  4  1    4/0  1/0  3/0           2     2 at once
     *  5  2    4/0  1/0  2/0           0     3 at once
     *  6  5    5/0  1/0  2/0           1     4 at once (with load bit 1 it took a full turn)
     *  7  1    5/0  1/1  2/0           1     hit
     *  8  2    5/0  1/1  2/1           1     hit
     *  9  3    3/0  1/0  2/0           1     clears 1 and 2, 5 (A=0) is the victim in frame 0
     * 10  4    3/0  4/0  2/0           2     1 at once
     * 11  5    3/0  4/0  5/0           0     2 at once
     * </pre>
     * 10 faults: one more than with the bit set, on the same string.
     */
    @Test
    void clock_beladyString_loadBitClear_handWorked() {
        HandWorked<ClockPolicy> run = clock(0);
        List<String> states = run.run(BELADY, r -> "H" + r.policy().hand());
        assertThat(states).containsExactly(
                "1/00 - - H0",
                "1/00 2/00 - H0",
                "1/00 2/00 3/00 H0",
                "4/00 2/00 3/00 H1",
                "4/00 1/00 3/00 H2",
                "4/00 1/00 2/00 H0",
                "5/00 1/00 2/00 H1",
                "5/00 1/10 2/00 H1",
                "5/00 1/10 2/10 H1",
                "3/00 1/00 2/00 H1",
                "3/00 4/00 2/00 H2",
                "3/00 4/00 5/00 H0");
        assertThat(run.driver.faults).isEqualTo(10);
    }

    /** Every bit set: a whole turn clears them all and the page under the hand goes (FIFO order). */
    @Test
    void clock_allBitsSet_fullTurnThenPageUnderHand() {
        HandWorked<ClockPolicy> run = clock(1);
        List<String> states = run.run("1 2 3 1 2 3 4", r -> "H" + r.policy().hand());
        assertThat(states.getLast()).isEqualTo("4/10 2/00 3/00 H1");
    }
}
