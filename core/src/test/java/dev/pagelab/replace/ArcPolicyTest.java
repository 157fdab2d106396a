package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArcPolicyTest {
    /**
     * c = 2; sizes are [|T1|, |T2|, |B1|, |B2|], lists written MRU first.
     * <pre>
     *   t0 1  fault        T1=[1]
     *   t1 1  hit          T2=[1]
     *   t2 2  fault        T1=[2] T2=[1]                         (a free frame: no REPLACE)
     *   t3 3  fault, new   |L1|=1 &lt; c, pool full → REPLACE: |T1|=1 &gt; p=0 → 2 to B1
     *                      T1=[3] T2=[1] B1=[2]           p=0
     *   t4 2  fault in B1  p := min(2, 0 + max(1, ⌊0/1⌋)) = 1; REPLACE: |T1|=1 not &gt; 1 → 1 to B2
     *                      T1=[3] T2=[2] B2=[1]           p=1
     *   t5 1  fault in B2  p := max(0, 1 − max(1, ⌊0/1⌋)) = 0; REPLACE: |T1|=1 &gt; 0 → 3 to B1
     *                      T2=[1,2] B1=[3]                p=0
     * </pre>
     */
    @Test
    void ghostHits_handWorkedExample_moveTargetUpThenDown() {
        var arc = PolicyProbe.of(ArcPolicy.INFO, ArcPolicy::new, 2);
        arc.reads(1, 1, 2, 3);
        assertThat(arc.policy.sizes()).containsExactly(1, 1, 1, 0);
        assertThat(arc.resident()).containsExactly(1, 3);
        assertThat(arc.policy.target()).isZero();

        assertThat(arc.read(2)).isTrue();
        assertThat(arc.policy.target()).as("a B1 hit raises p").isEqualTo(1);
        assertThat(arc.policy.sizes()).containsExactly(1, 1, 0, 1);
        assertThat(arc.resident()).containsExactly(2, 3);

        assertThat(arc.read(1)).isTrue();
        assertThat(arc.policy.target()).as("a B2 hit lowers p").isZero();
        assertThat(arc.policy.sizes()).containsExactly(0, 2, 1, 0);
        assertThat(arc.resident()).containsExactly(1, 2);
    }

    /** c = 2: 1 2 fill T1; 3 finds |L1| = c with B1 empty, so T1's LRU page goes without a ghost. */
    @Test
    void fault_t1HoldsAllOfL1_evictsWithoutGhost() {
        var arc = PolicyProbe.of(ArcPolicy.INFO, ArcPolicy::new, 2);
        arc.reads(1, 2, 3);
        assertThat(arc.resident()).containsExactly(2, 3);
        assertThat(arc.policy.sizes()).containsExactly(2, 0, 0, 0);
        arc.read(1);
        assertThat(arc.policy.sizes()).as("1 was forgotten: it comes back into T1").containsExactly(2, 0, 0, 0);
    }

    /** ARC from the paper's Fig. 4 on boxed linked lists (MRU first), same integer arithmetic. */
    static final class Model extends NaiveModel {
        private final LinkedList<Integer> t1 = new LinkedList<>();
        private final LinkedList<Integer> t2 = new LinkedList<>();
        private final LinkedList<Integer> b1 = new LinkedList<>();
        private final LinkedList<Integer> b2 = new LinkedList<>();
        private int p;

        Model(int capacity) {
            super(capacity);
        }

        @Override
        void hit(int page, long now) {
            if (!t1.remove((Integer) page)) {
                t2.remove((Integer) page);
            }
            t2.addFirst(page);
        }

        @Override
        int victim(int x, long now) {
            int c = capacity;
            if (b1.contains(x)) {
                int before = p;
                p = Math.min(c, p + Math.max(1, b2.size() / b1.size()));
                saw(p > before ? "p up" : "B1 hit at p = c");
                return replace(false);
            }
            if (b2.contains(x)) {
                int before = p;
                p = Math.max(0, p - Math.max(1, b1.size() / b2.size()));
                saw(p < before ? "p down" : "B2 hit at p = 0");
                return replace(true);
            }
            if (t1.size() + b1.size() == c) {
                if (t1.size() < c) {
                    b1.removeLast();
                    saw("drop B1 LRU");
                    return replace(false);
                }
                saw("T1 LRU without ghost");
                return t1.removeLast();
            }
            if (t1.size() + t2.size() + b1.size() + b2.size() == 2 * c) {
                b2.removeLast();
                saw("drop B2 LRU");
            }
            return replace(false);
        }

        private int replace(boolean xInB2) {
            if (!t1.isEmpty() && (t1.size() > p || (xInB2 && t1.size() == p))) {
                int page = t1.removeLast();
                b1.addFirst(page);
                return page;
            }
            int page = t2.removeLast();
            b2.addFirst(page);
            return page;
        }

        @Override
        void loaded(int page, int frame, long now) {
            if (b1.remove((Integer) page) || b2.remove((Integer) page)) {
                t2.addFirst(page);
            } else {
                t1.addFirst(page);
            }
        }
    }

    @Test
    void arc_randomStrings_matchesModelAndKeepsInvariants() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("arc", 16, 40, c -> PolicyConfig.DEFAULTS,
                (c, config) -> new Model(c.capacity()));
        assertThat(seen).as("branches the model saw").containsKeys("p up", "p down", "drop B1 LRU",
                "T1 LRU without ghost", "drop B2 LRU");
        for (long seed : LongSeeds.of(60)) {
            var c = NaiveModel.Case.of(seed, 16, 40, 2_000);
            var arc = PolicyProbe.of(ArcPolicy.INFO, ArcPolicy::new, c.capacity());
            for (int t = 0; t < c.pages().length; t++) {
                arc.read(c.pages()[t]);
                int[] s = arc.policy.sizes();
                int c0 = c.capacity();
                if (s[0] + s[1] != arc.resident().length || s[0] + s[2] > c0 || s[0] + s[1] + s[2] + s[3] > 2 * c0
                        || arc.policy.target() < 0 || arc.policy.target() > c0) {
                    throw new AssertionError(c.where("arc") + " step " + t + ": |T1|,|T2|,|B1|,|B2| = "
                            + java.util.Arrays.toString(s) + ", p = " + arc.policy.target() + ", resident "
                            + arc.resident().length);
                }
            }
        }
    }
}
