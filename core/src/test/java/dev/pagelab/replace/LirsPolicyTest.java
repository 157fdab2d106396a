package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LirsPolicyTest {
    /**
     * c = 3: Lhirs = max(1, ⌊3·1%⌋) = 1, Llirs = 2. S top first, Q front (next victim) first;
     * L LIR, H resident HIR, G non-resident HIR (ghost) in S.
     * <pre>
     *   t0–t2 1 2 3  1 L, 2 L (LIR set not full), 3 H   S=[3,2,1]    Q=[3]
     *   t3 1  hit    LIR at the bottom: to the top; 2 (LIR) is the new bottom, nothing to prune
     *                S=[1,3,2]  Q=[3]
     *   t4 4  fault  Q's front 3 evicted, stays in S as G; 4 H     S=[4,1,3G,2]  Q=[4]
     *   t5 3  fault  Q's front 4 evicted (G); 3 was G in S → L at the top; the bottom LIR 2 → H,
     *                to the end of Q                               S=[3,4G,1]    Q=[2]
     *   t6 2  hit    H not in S: to the top of S and the end of Q   S=[2,3,4G,1]  Q=[2]
     *   t7 2  hit    H in S → L, leaves Q; the bottom LIR 1 → H, to Q; pruning drops 4G
     *                (forgotten) and stops at 3 (L)                 S=[2,3]       Q=[1]
     *   t8 4  fault  Q's front 1 evicted, not in S: forgotten; 4 is new: H   S=[4,2,3]  Q=[4]
     * </pre>
     */
    @Test
    void reference_handWorkedExample_switchesStatusAndPrunes() {
        var lirs = PolicyProbe.of(LirsPolicy.INFO, LirsPolicy::new, 3);
        lirs.reads(1, 2, 3);
        expect(lirs, new int[] {3, 2, 1}, new int[] {3}, "LLH-");
        lirs.read(1);
        expect(lirs, new int[] {1, 3, 2}, new int[] {3}, "LLH-");
        lirs.read(4);
        expect(lirs, new int[] {4, 1, 3, 2}, new int[] {4}, "LLGH");
        lirs.read(3);
        expect(lirs, new int[] {3, 4, 1}, new int[] {2}, "LHLG");
        assertThat(lirs.resident()).containsExactly(1, 2, 3);
        lirs.read(2);
        expect(lirs, new int[] {2, 3, 4, 1}, new int[] {2}, "LHLG");
        lirs.read(2);
        expect(lirs, new int[] {2, 3}, new int[] {1}, "HLL-");
        lirs.read(4);
        expect(lirs, new int[] {4, 2, 3}, new int[] {4}, "-LLH");
        assertThat(lirs.resident()).containsExactly(2, 3, 4);
        assertThat(lirs.policy.events()).as("promotions, ghosts pruned, ghosts dropped").containsExactly(2, 1, 0);
        assertThat(lirs.driver.faults).isEqualTo(6);
    }

    /** {@code statuses}: the status of pages 1, 2, 3, 4 in turn. */
    private static void expect(PolicyProbe<LirsPolicy> lirs, int[] stack, int[] queue, String statuses) {
        String at = "after t=" + (lirs.now() - 1);
        assertThat(lirs.policy.stack()).as("S " + at).containsExactly(stack);
        assertThat(lirs.policy.queue()).as("Q " + at).containsExactly(queue);
        StringBuilder actual = new StringBuilder();
        for (int page = 1; page <= 4; page++) {
            actual.append(lirs.policy.statusOf(page));
        }
        assertThat(actual.toString()).as("statuses of 1–4 " + at).isEqualTo(statuses);
    }

    /** LIRS on boxed linked lists (S top first, Q end first), a status map and a ghost queue. */
    static final class Model extends NaiveModel {
        private final LinkedList<Integer> s = new LinkedList<>();
        private final LinkedList<Integer> q = new LinkedList<>();
        private final LinkedList<Integer> ghosts = new LinkedList<>();
        private final Map<Integer, Character> status = new HashMap<>();
        private final int lirLimit;
        private int lirs;

        Model(int capacity) {
            super(capacity);
            int hir = capacity >= 2 ? Math.min(capacity - 1, Math.max(1, capacity / 100)) : 1;
            lirLimit = capacity - hir;
        }

        @Override
        void hit(int page, long now) {
            if (status.get(page) == 'L') {
                boolean bottom = s.getLast() == page;
                s.remove((Integer) page);
                s.addFirst(page);
                if (bottom) {
                    prune();
                }
            } else if (s.contains(page)) {
                q.remove((Integer) page);
                toLir(page);
            } else {
                if (lirLimit > 0) {
                    s.addFirst(page);
                }
                q.remove((Integer) page);
                q.addFirst(page);
            }
        }

        private void toLir(int page) {
            saw("promote");
            status.put(page, 'L');
            s.remove((Integer) page);
            s.addFirst(page);
            lirs++;
            if (lirs > lirLimit) {
                int bottom = s.removeLast();
                status.put(bottom, 'H');
                lirs--;
                q.addFirst(bottom);
                prune();
            }
        }

        private void prune() {
            while (!s.isEmpty() && status.get(s.getLast()) != 'L') {
                int bottom = s.removeLast();
                if (status.get(bottom) == 'G') {
                    saw("prune ghost");
                    ghosts.remove((Integer) bottom);
                    status.remove(bottom);
                }
            }
        }

        @Override
        int victim(int incoming, long now) {
            ghosts.remove((Integer) incoming);
            int front = q.removeLast();
            if (s.contains(front)) {
                status.put(front, 'G');
                ghosts.addFirst(front);
                if (ghosts.size() > capacity) {
                    saw("drop ghost");
                    int dropped = ghosts.removeLast();
                    s.remove((Integer) dropped);
                    status.remove(dropped);
                }
            } else {
                status.remove(front);
            }
            return front;
        }

        @Override
        void loaded(int page, int frame, long now) {
            if (s.contains(page)) {
                ghosts.remove((Integer) page);
                toLir(page);
            } else if (lirs < lirLimit) {
                status.put(page, 'L');
                lirs++;
                s.addFirst(page);
            } else {
                status.put(page, 'H');
                if (lirLimit > 0) {
                    s.addFirst(page);
                }
                q.addFirst(page);
            }
        }
    }

    @Test
    void lirs_randomStrings_matchesModelAndKeepsInvariants() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("lirs", 16, 40, c -> PolicyConfig.DEFAULTS,
                (c, config) -> new Model(c.capacity()));
        assertThat(seen).as("branches the model saw").containsKeys("promote", "prune ghost", "drop ghost");
        for (long seed : LongSeeds.of(60)) {
            var c = NaiveModel.Case.of(seed, 16, 40, 2_000);
            var lirs = PolicyProbe.of(LirsPolicy.INFO, LirsPolicy::new, c.capacity());
            for (int t = 0; t < c.pages().length; t++) {
                lirs.read(c.pages()[t]);
                int[] stack = lirs.policy.stack();
                int[] resident = lirs.resident();
                long lir = Arrays.stream(resident).filter(p -> lirs.policy.statusOf(p) == 'L').count();
                long ghosts = Arrays.stream(stack).filter(p -> lirs.policy.statusOf(p) == 'G').count();
                boolean bottomLir = stack.length == 0 || lirs.policy.statusOf(stack[stack.length - 1]) == 'L';
                if (!bottomLir || lir + lirs.policy.queue().length != resident.length || ghosts > c.capacity()) {
                    throw new AssertionError(c.where("lirs") + " step " + t + ": S " + Arrays.toString(stack) + ", Q "
                            + Arrays.toString(lirs.policy.queue()) + ", resident " + Arrays.toString(resident)
                            + ", LIR " + lir + ", ghosts " + ghosts);
                }
            }
        }
    }
}
