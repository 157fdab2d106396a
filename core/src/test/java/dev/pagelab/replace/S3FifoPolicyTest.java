package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3FifoPolicyTest {
    /**
     * c = 4 with a 25% small queue: S target 1, M the rest, G 3 ids. Queues head first, (f)
     * the frequency.
     * <pre>
     *   t0–t3 1 2 3 4   S=[4,3,2,1]                    before the pool fills, all enter S
     *   t4 1, t5 1      hits: 1(2)
     *   t6 5   fault    |S| ≥ 1: tail 1(2) → M (f 0); tail 2(0) → victim, id to G
     *                   S=[5,4,3] M=[1] G=[2]
     *   t7 3            hit: 3(1)
     *   t8 6   fault    tail 3(1): one hit is not enough → victim      S=[6,5,4] G=[3,2]
     *   t9 2   fault    2 is in G: straight into M; tail 4(0) → victim  S=[6,5] M=[2,1] G=[4,3]
     *   t10–t13 5 5 6 6 hits: 5(2) 6(2);   t14 1  hit: 1(1)
     *   t15 7  fault    tail 5(2) → M, tail 6(2) → M, S is empty: M gives the victim:
     *                   tail 1(1) → reinserted with f 0; tail 2(0) → victim (not remembered)
     *                   S=[7] M=[1,6,5] G=[4,3]
     * </pre>
     */
    @Test
    void reference_handWorkedExample_quickDemotionGhostAdmissionMainReinsertion() {
        var s3 = PolicyProbe.of(S3FifoPolicy.INFO, S3FifoPolicy::new,
                PolicyConfig.DEFAULTS.withS3fifoSmallFraction(0.25), 4);
        s3.reads(1, 2, 3, 4, 1, 1, 5);
        assertThat(s3.resident()).containsExactly(1, 3, 4, 5);
        assertThat(s3.policy.sizes()).containsExactly(3, 1, 1);
        s3.reads(3, 6);
        assertThat(s3.resident()).as("3, hit once, demoted quickly").containsExactly(1, 4, 5, 6);
        s3.read(2);
        assertThat(s3.policy.ghostAdmissions()).isEqualTo(1);
        assertThat(s3.policy.sizes()).containsExactly(2, 2, 2);
        assertThat(s3.resident()).containsExactly(1, 2, 5, 6);
        s3.reads(5, 5, 6, 6, 1, 7);
        assertThat(s3.resident()).as("1 reinserted for its hit, 2 evicted from M").containsExactly(1, 5, 6, 7);
        assertThat(s3.policy.sizes()).containsExactly(1, 3, 2);
        assertThat(s3.policy.movedToMain()).isEqualTo(3);
    }

    /** S3-FIFO from the paper's Algorithm 1 on boxed deques (head first), with this class's choices. */
    static final class Model extends NaiveModel {
        private final LinkedList<Integer> small = new LinkedList<>();
        private final LinkedList<Integer> main = new LinkedList<>();
        private final LinkedList<Integer> ghost = new LinkedList<>();
        private final Map<Integer, Integer> freq = new HashMap<>();
        private final int smallTarget;
        private final int ghostLimit;
        private boolean admitToMain;

        Model(int capacity) {
            super(capacity);
            smallTarget = Math.max(1, capacity / 10);
            ghostLimit = capacity - smallTarget;
        }

        @Override
        void hit(int page, long now) {
            if (freq.get(page) == 3) {
                saw("cap");
            }
            freq.put(page, Math.min(3, freq.get(page) + 1));
        }

        @Override
        int victim(int incoming, long now) {
            admitToMain = ghost.remove((Integer) incoming);
            if (small.size() >= smallTarget) {
                while (!small.isEmpty()) {
                    int tail = small.removeLast();
                    if (freq.get(tail) > 1) {
                        saw("S to M");
                        freq.put(tail, 0);
                        main.addFirst(tail);
                    } else {
                        ghost.addFirst(tail);
                        if (ghost.size() > ghostLimit) {
                            ghost.removeLast();
                        }
                        return tail;
                    }
                }
            }
            while (true) {
                int tail = main.removeLast();
                if (freq.get(tail) == 0) {
                    saw("M victim");
                    return tail;
                }
                saw("M reinsert");
                freq.put(tail, freq.get(tail) - 1);
                main.addFirst(tail);
            }
        }

        @Override
        void loaded(int page, int frame, long now) {
            freq.put(page, 0);
            if (admitToMain) {
                saw("ghost admission");
                main.addFirst(page);
            } else {
                small.addFirst(page);
            }
            admitToMain = false;
        }
    }

    @Test
    void s3fifo_randomStrings_matchesModel() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("s3fifo", 30, 50, c -> PolicyConfig.DEFAULTS,
                (c, config) -> new Model(c.capacity()));
        assertThat(seen).as("branches the model saw").containsKeys("S to M", "M victim", "M reinsert",
                "ghost admission", "cap");
    }
}
