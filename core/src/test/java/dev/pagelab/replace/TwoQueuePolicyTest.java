package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwoQueuePolicyTest {
    /**
     * c = 4: Kin = max(1, ⌊4·0.25⌋) = 1, Kout = max(1, ⌊4·0.5⌋) = 2. Lists head first.
     * <pre>
     *   t0–t3 1 2 3 4  A1in=[4,3,2,1]
     *   t4 5   fault   |A1in| 4 &gt; 1: 1 out, remembered   A1in=[5,4,3,2] A1out=[1]
     *   t5 1   fault   1 in A1out → Am; 2 out             A1in=[5,4,3]  A1out=[2]   Am=[1]
     *   t6 3   hit     in A1in: nothing (correlated reference)
     *   t7 6   fault   3 out despite its hit              A1in=[6,5,4]  A1out=[3,2]
     *   t8 7   fault   4 out; A1out over Kout: 2 forgotten A1in=[7,6,5] A1out=[4,3]
     *   t9 2   fault   forgotten: a new page, into A1in; 5 out   A1in=[2,7,6] A1out=[5,4]
     *   t10 4  fault   4 in A1out → Am; 6 out             A1in=[2,7]    A1out=[6,5]  Am=[4,1]
     * </pre>
     */
    @Test
    void reference_handWorkedExample_promotesFromA1outToAm() {
        var q = PolicyProbe.of(TwoQueuePolicy.INFO, TwoQueuePolicy::new, 4);
        q.reads(1, 2, 3, 4, 5);
        assertThat(q.policy.sizes()).containsExactly(4, 0, 1);
        q.read(1);
        assertThat(q.policy.sizes()).containsExactly(3, 1, 1);
        assertThat(q.policy.ghostHits()).isEqualTo(1);
        q.reads(3, 6);
        assertThat(q.resident()).as("3's hit in A1in did not save it").containsExactly(1, 4, 5, 6);
        q.reads(7, 2);
        assertThat(q.policy.ghostHits()).as("2 was forgotten").isEqualTo(1);
        assertThat(q.policy.sizes()).containsExactly(3, 1, 2);
        q.read(4);
        assertThat(q.policy.ghostHits()).isEqualTo(2);
        assertThat(q.policy.sizes()).containsExactly(2, 2, 2);
        assertThat(q.resident()).containsExactly(1, 2, 4, 7);
    }

    /**
     * c = 2 (Kin = Kout = 1): 1 2 fill A1in; 3 pushes 1 to A1out; 1 comes back into Am (2 out);
     * 4: |A1in| = 1 is not above Kin, so Am's LRU page, 1, goes and is not remembered: its next
     * fault is a new page's.
     */
    @Test
    void fault_a1inAtKin_evictsAmWithoutRemembering() {
        var q = PolicyProbe.of(TwoQueuePolicy.INFO, TwoQueuePolicy::new, 2);
        q.reads(1, 2, 3, 1);
        assertThat(q.policy.sizes()).containsExactly(1, 1, 1);
        q.read(4);
        assertThat(q.resident()).containsExactly(3, 4);
        assertThat(q.policy.sizes()).containsExactly(2, 0, 1);
        q.read(1);
        assertThat(q.policy.ghostHits()).isEqualTo(1);
    }

    /** 2Q from the paper's pseudocode on boxed deques (head first). */
    static final class Model extends NaiveModel {
        private final LinkedList<Integer> a1in = new LinkedList<>();
        private final LinkedList<Integer> a1out = new LinkedList<>();
        private final LinkedList<Integer> am = new LinkedList<>();
        private final int kin;
        private final int kout;
        private boolean admitToAm;

        Model(int capacity) {
            super(capacity);
            kin = Math.max(1, capacity / 4);
            kout = Math.max(1, capacity / 2);
        }

        @Override
        void hit(int page, long now) {
            if (am.remove((Integer) page)) {
                am.addFirst(page);
            }
        }

        @Override
        int victim(int incoming, long now) {
            admitToAm = a1out.remove((Integer) incoming);
            if (a1in.size() > kin || am.isEmpty()) {
                int page = a1in.removeLast();
                a1out.addFirst(page);
                if (a1out.size() > kout) {
                    a1out.removeLast();
                    saw("forget");
                }
                saw("A1in out");
                return page;
            }
            saw("Am out");
            return am.removeLast();
        }

        @Override
        void loaded(int page, int frame, long now) {
            if (admitToAm || a1out.remove((Integer) page)) {
                saw("A1out hit");
                am.addFirst(page);
            } else {
                a1in.addFirst(page);
            }
            admitToAm = false;
        }
    }

    @Test
    void twoQ_randomStrings_matchesModel() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("2q", 16, 40, c -> PolicyConfig.DEFAULTS,
                (c, config) -> new Model(c.capacity()));
        assertThat(seen).as("branches the model saw").containsKeys("A1in out", "Am out", "A1out hit", "forget");
    }
}
