package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Enhanced second chance worked by hand, 3 frames, every step of the scan exercised. Notation:
 * each frame's page with its A and D bits, then the hand; {@code 3w} is a write to page 3. (The
 * class-based naive twin checks it on random strings in {@link PolicyOracleTest}.)
 */
class EscPolicyTest {
    /**
     * <pre>
     *  t  ref  frames              hand  what happens
     *  0  1w   1/11 -    -         0
     *  1  2    1/11 2/10 -         0
     *  2  3w   1/11 2/10 3/11      0     full
     *  3  4    1/01 4/10 3/01      2     step 1 finds no (0,0); step 2 finds no (0,1) and clears
     *                                    every A; step 1 again: 2 is now (0,0): the victim (the
     *                                    lowest class was (1,0)); clean
     *  4  3    1/01 4/10 3/11      2     hit on 3 sets A
     *  5  2    2/10 4/10 3/01      1     step 1 from frame 2: none; step 2: 3 (1,1) loses A,
     *                                    1 (0,1) is the victim, written back; 4 keeps its A
     *  6  5    2/10 4/00 5/10      0     step 1 from frame 1: none; step 2: 4 loses A, 3 (0,1):
     *                                    victim, written back; 2 keeps its A
     *  7  6    2/10 6/10 5/10      2     step 1 from frame 0: 2 (1,0) no, 4 (0,0): victim
     *  8  2w   2/11 6/10 5/10      2     hits
     *  9  6w   2/11 6/11 5/10      2
     * 10  5w   2/11 6/11 5/11      2     every page (1,1)
     * 11  7    2/01 6/01 7/10      0     step 1 none; step 2 clears all; step 1 none; step 2:
     *                                    5 under the hand, written back
     * </pre>
     * 8 faults, 3 write-backs (1, 3, 5).
     */
    @Test
    void esc_handWorkedString_scansClassByClass() {
        HandWorked<EscPolicy> run = new HandWorked<>(EscPolicy.INFO, EscPolicy::new, PolicyConfig.DEFAULTS, 3);
        List<String> states = run.run("1w 2 3w 4 3 2 5 6 2w 6w 5w 7", r -> "H" + r.policy().hand());
        assertThat(states).containsExactly(
                "1/11 - - H0",
                "1/11 2/10 - H0",
                "1/11 2/10 3/11 H0",
                "1/01 4/10 3/01 H2",
                "1/01 4/10 3/11 H2",
                "2/10 4/10 3/01 H1",
                "2/10 4/00 5/10 H0",
                "2/10 6/10 5/10 H2",
                "2/11 6/10 5/10 H2",
                "2/11 6/11 5/10 H2",
                "2/11 6/11 5/11 H2",
                "2/01 6/01 7/10 H0");
        assertThat(new long[] {run.driver.faults, run.driver.writebacks}).containsExactly(8, 3);
    }

    /** ESC prefers a clean unreferenced page to a dirty one that Clock would take first. */
    @Test
    void esc_dirtyPageUnderHand_skipsToCleanOne() {
        String string = "1w 2 3 4";
        HandWorked<EscPolicy> esc = new HandWorked<>(EscPolicy.INFO, EscPolicy::new, PolicyConfig.DEFAULTS, 3);
        esc.run(string, null);
        HandWorked<ClockPolicy> clock = new HandWorked<>(ClockPolicy.INFO, ClockPolicy::new, PolicyConfig.DEFAULTS, 3);
        clock.run(string, null);
        // All three are referenced: both clear every A; Clock then takes 1 (dirty), ESC 2 (clean).
        assertThat(esc.frames()).isEqualTo("1/01 4/10 3/00");
        assertThat(clock.frames()).isEqualTo("4/10 2/00 3/00");
        assertThat(esc.driver.writebacks).isZero();
        assertThat(clock.driver.writebacks).isEqualTo(1);
    }

    @Test
    void esc_randomStrings_victimInLowestClass() {
        LowestClassCheck.holds(EscPolicy.INFO, EscPolicy::new);
    }
}
