package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SievePolicyTest {
    /**
     * c = 3; the queue is written head (newest) first, * marks visited.
     * <pre>
     *   t0–t2 1 2 3   [3,2,1]          loads are unvisited
     *   t3 1   hit    [3,2,1*]         nothing moves
     *   t4 4   fault  hand at the tail: 1* → cleared, on to 2: unvisited → evicted; hand → 3
     *                 [4,3,1]          1 keeps its place at the tail
     *   t5 5   fault  hand at 3: evicted; hand → 4          [5,4,1]
     *   t6 6   fault  hand at 4: evicted; hand → 5          [6,5,1]
     *   t7 1   hit    [6,5,1*]
     *   t8 7   fault  hand at 5: evicted; hand → 6          [7,6,1*]
     * </pre>
     * LRU evicts 1 at t6 (three newer pages have come) and faults on it again at t7.
     */
    @Test
    void victim_visitedPage_keepsItsPlaceWhileHandMovesOn() {
        var sieve = PolicyProbe.of(SievePolicy.INFO, SievePolicy::new, 3);
        sieve.reads(1, 2, 3, 1, 4);
        assertThat(sieve.resident()).containsExactly(1, 3, 4);
        sieve.reads(5, 6);
        assertThat(sieve.resident()).containsExactly(1, 5, 6);
        sieve.reads(1, 7);
        assertThat(sieve.resident()).containsExactly(1, 6, 7);
        assertThat(PolicyDriver.faults("lru", 3, 1, 2, 3, 1, 4, 5, 6, 1, 7)).as("LRU on the same string").isEqualTo(8);
        assertThat(sieve.driver.faults).isEqualTo(7);
    }

    /**
     * c = 2: 1 2, hit 2; 3 evicts 1 (hand → 2); hit on nothing; 4: hand at 2*, cleared, on to 3 at
     * the head: evicted, and the hand, past the head, returns to the tail; 5 evicts 2 there.
     */
    @Test
    void victim_handPassesHead_wrapsToTail() {
        var sieve = PolicyProbe.of(SievePolicy.INFO, SievePolicy::new, 2);
        sieve.reads(1, 2, 2, 3);
        assertThat(sieve.resident()).containsExactly(2, 3);
        sieve.read(4);
        assertThat(sieve.resident()).containsExactly(2, 4);
        sieve.read(5);
        assertThat(sieve.resident()).containsExactly(4, 5);
    }

    /** SIEVE on an array list, index 0 the tail, with its own visited set and hand index. */
    static final class Model extends NaiveModel {
        private final List<Integer> queue = new ArrayList<>();
        private final Set<Integer> visited = new HashSet<>();
        private int hand = -1;

        Model(int capacity) {
            super(capacity);
        }

        @Override
        void hit(int page, long now) {
            visited.add(page);
        }

        @Override
        int victim(int incoming, long now) {
            int i = hand >= 0 ? hand : 0;
            while (visited.remove(queue.get(i))) {
                saw("spared");
                i++;
                if (i == queue.size()) {
                    saw("wrap");
                    i = 0;
                }
            }
            int page = queue.remove(i);
            hand = i < queue.size() ? i : -1;
            return page;
        }

        @Override
        void loaded(int page, int frame, long now) {
            visited.remove(page);
            queue.add(page);
        }
    }

    @Test
    void sieve_randomStrings_matchesListModel() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("sieve", 16, 40, c -> PolicyConfig.DEFAULTS,
                (c, config) -> new Model(c.capacity()));
        assertThat(seen).as("branches the model saw").containsKeys("spared", "wrap");
    }
}
