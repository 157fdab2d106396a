package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClockProPolicyTest {
    private static String statuses(PolicyProbe<ClockProPolicy> probe, int... pages) {
        return String.join(" ", Arrays.stream(pages).mapToObj(p -> p + ":" + probe.policy.statusOf(p)).toList());
    }

    /**
     * m = 3: the cold target mc starts at max(1, ⌊3·1%⌋) = 1, so mh = 2. The circle is written from
     * HAND_hot (the tail) to the head. Loads come in with their reference bit clear.
     * <pre>
     *   t0–t2 1 2 3  filling: 1, 2 hot (mh = 2), 3 cold in test            [1 2 3]
     *   t3 4  fault  HAND_cold: 3 unreferenced, in test → evicted, stays as a ghost;
     *                4 comes in cold in test                               [1 2 3g 4]
     *   t4 3  fault  HAND_cold: 4 unreferenced, in test → ghost. 3 is a ghost: reused in its test
     *                period → hot, mc = 2 (mh = 1), to the head            [1 2 4g 3]
     *                3 hot pages &gt; mh: HAND_hot turns 1 cold, stops at 2; still 2 &gt; 1: turns 2
     *                cold, passes 4g (its test ends unused: removed, mc = 1), stops at 3   [3 1 2]
     *   t5 1  hit
     *   t6 5  fault  HAND_cold at 1: referenced but not in test → bit cleared, a new test period,
     *                to the head [3 2 1]; at 2: unreferenced, no test → evicted, off the circle;
     *                5 comes in cold in test                               [3 1 5]
     *   t7 1  hit
     *   t8 6  fault  HAND_cold at 1: referenced in its test → hot, mc = 2 (mh = 1), to the head
     *                [3 5 1]; 2 hot &gt; 1: HAND_hot turns 3 cold, passes 5 (test ends unused:
     *                mc = 1), stops at 1 [1 3 5]; HAND_cold goes on at 5: unreferenced, no test
     *                → evicted; 6 comes in cold in test                    [1 3 6]
     *   t9 6  hit
     *   t10 7 fault  HAND_cold at 3: unreferenced, no test → evicted; 7 cold in test   [1 6 7]
     *   t11 7 hit
     *   t12 8 fault  HAND_cold at 6: referenced in its test → hot, mc = 2 (mh = 1)     [1 7 6]
     *                HAND_hot turns 1 cold, passes 7: its test ends, and it was referenced in it:
     *                mc + 1, held at its bound m − 1 = 2; stops at 6           [6 1 7]
     *                HAND_cold at 7: referenced, no longer in test → a new test period; at 1:
     *                unreferenced, no test → evicted; 8 cold in test           [6 7 8]
     * </pre>
     */
    @Test
    void reference_handWorkedExample_hotColdAndTestPeriods() {
        var pro = PolicyProbe.of(ClockProPolicy.INFO, ClockProPolicy::new, 3);
        pro.reads(1, 2, 3);
        assertThat(statuses(pro, 1, 2, 3)).isEqualTo("1:hot 2:hot 3:cold+test");
        pro.read(4);
        assertThat(statuses(pro, 3, 4)).isEqualTo("3:ghost 4:cold+test");
        assertThat(pro.policy.circle()).containsExactly(1, 2, 3, 4);
        pro.read(3);
        assertThat(statuses(pro, 1, 2, 3, 4)).isEqualTo("1:cold 2:cold 3:hot 4:-");
        assertThat(pro.policy.circle()).containsExactly(3, 1, 2);
        assertThat(pro.policy.coldTarget()).isEqualTo(1);
        assertThat(pro.resident()).containsExactly(1, 2, 3);
        pro.reads(1, 5);
        assertThat(statuses(pro, 1, 2, 5)).isEqualTo("1:cold+test 2:- 5:cold+test");
        assertThat(pro.policy.circle()).containsExactly(3, 1, 5);
        pro.reads(1, 6);
        assertThat(statuses(pro, 1, 3, 5, 6)).isEqualTo("1:hot 3:cold 5:- 6:cold+test");
        assertThat(pro.policy.circle()).containsExactly(1, 3, 6);
        assertThat(pro.resident()).containsExactly(1, 3, 6);
        assertThat(pro.policy.coldTarget()).isEqualTo(1);
        pro.reads(6, 7);
        assertThat(pro.policy.circle()).containsExactly(1, 6, 7);
        pro.reads(7, 8);
        assertThat(statuses(pro, 1, 6, 7, 8)).isEqualTo("1:- 6:hot 7:cold+test 8:cold+test");
        assertThat(pro.policy.circle()).containsExactly(6, 7, 8);
        assertThat(pro.policy.coldTarget()).as("a test ended with a reuse does not cut mc").isEqualTo(2);
        assertThat(pro.policy.events()).as("promotions, demotions, mc raises, mc cuts, refaults, reused tests ended")
                .containsExactly(3, 4, 3, 2, 1, 1);
    }

    @Test
    void clockPro_randomStrings_keepsItsCountsAndBounds() {
        long[] events = new long[6];
        for (long seed : LongSeeds.of(40)) {
            var c = NaiveModel.Case.of(seed, 16, 40, 2_000);
            var pro = PolicyProbe.of(ClockProPolicy.INFO, ClockProPolicy::new, c.capacity());
            for (int t = 0; t < c.pages().length; t++) {
                if (c.writes()[t]) {
                    pro.write(c.pages()[t]);
                } else {
                    pro.read(c.pages()[t]);
                }
                int[] circle = pro.policy.circle();
                int hot = 0;
                int cold = 0;
                int ghost = 0;
                int test = 0;
                for (int page : circle) {
                    String s = pro.policy.statusOf(page);
                    switch (s) {
                        case "hot" -> hot++;
                        case "cold" -> cold++;
                        case "cold+test" -> { cold++; test++; }
                        case "ghost" -> { ghost++; test++; }
                        default -> throw new AssertionError(c.where("clock-pro") + " step " + t + ": page " + page
                                + " on the circle with status " + s);
                    }
                    if ((pro.driver.frameOf(page) >= 0) == s.equals("ghost")) {
                        throw new AssertionError(c.where("clock-pro") + " step " + t + ": page " + page + " is " + s
                                + " but frame " + pro.driver.frameOf(page));
                    }
                }
                int[] counts = {hot, cold, ghost, test};
                if (!Arrays.equals(pro.policy.counts(), counts) || hot + cold != pro.resident().length
                        || ghost > c.capacity() || pro.policy.coldTarget() < 1
                        || pro.policy.coldTarget() > Math.max(1, c.capacity() - 1)) {
                    throw new AssertionError(c.where("clock-pro") + " step " + t + ": counts "
                            + Arrays.toString(pro.policy.counts()) + ", on the circle " + Arrays.toString(counts)
                            + ", resident " + pro.resident().length + ", cold target " + pro.policy.coldTarget());
                }
            }
            long[] e = pro.policy.events();
            for (int i = 0; i < e.length; i++) {
                events[i] += e[i];
            }
        }
        assertThat(Arrays.stream(events).min().orElseThrow())
                .as("fewest of promotions, demotions, mc raises, mc cuts, refaults, reused tests ended: "
                        + Arrays.toString(events))
                .isPositive();
    }
}
