package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.ostep.PolicyMachine.Policy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyMachine} (linked lists, arrays, next uses kept current) against a naive model of
 * paging-policy.py's loop written here as plainly as the script reads: a {@code List<Long>}, its
 * {@code indexOf}, {@code remove} and {@code add}, OPT and UNOPT scanning the future for every
 * page at every eviction. After every access: the same hit or miss, the same victim, the same
 * list in the same order, the same counts.
 */
class PolicyMachinePropertyTest {
    private static final int SEEDS = 300;

    @Test
    void access_randomStrings_matchesNaiveModel() {
        Map<Policy, Integer> evictions = new EnumMap<>(Policy.class);
        int optTies = 0;
        int clockSpared = 0;
        int negativePages = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            RandomGenerator g = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            Policy policy = Policy.values()[(int) (seed % Policy.values().length)];
            int length = 1 + g.nextInt(120);
            long[] pages = new long[length];
            int range = 1 + g.nextInt(12);
            for (int i = 0; i < length; i++) {
                pages[i] = g.nextInt(range) - (g.nextInt(10) == 0 ? 3 : 0);
                negativePages += pages[i] < 0 ? 1 : 0;
            }
            long cache = 1 + g.nextInt(6);
            long clockBits = g.nextInt(5) - 1;
            PythonRandom random = new PythonRandom(seed);
            PageIds ids = PageIds.any();
            int[] idOf = new int[length];
            for (int i = 0; i < length; i++) {
                idOf[i] = ids.id(pages[i]);
            }
            int[] nextUse = PagingPolicy.nextUses(idOf, length);
            PolicyMachine fast = new PolicyMachine(policy, cache, clockBits, random.copy());
            Naive naive = new Naive(policy, cache, clockBits, random.copy(), pages);
            for (int t = 0; t < length; t++) {
                String where = "seed " + seed + " " + policy + " cache " + cache + " step " + t + " page " + pages[t];
                if (policy == Policy.OPT && naive.full() && !naive.memory.contains(pages[t])
                        && naive.neverAgain(t) > 1) {
                    optTies++;
                }
                int victim = fast.access(idOf[t], nextUse[t]);
                Long expected = naive.access(t);
                assertThat(fast.lastHit()).as(where + ": hit").isEqualTo(naive.lastHit);
                assertThat(victim == PolicyMachine.NONE ? null : ids.page(victim)).as(where + ": victim").isEqualTo(expected);
                StringBuilder list = new StringBuilder();
                fast.appendList(list, ids);
                assertThat(list.toString()).as(where + ": memory").isEqualTo(naive.memory.toString());
                assertThat(fast.hits()).as(where + ": hits").isEqualTo(naive.hits);
                assertThat(fast.misses()).as(where + ": misses").isEqualTo(naive.misses);
                if (expected != null) {
                    evictions.merge(policy, 1, Integer::sum);
                }
            }
            clockSpared += naive.spared;
        }
        for (Policy p : Policy.values()) {
            assertThat(evictions.getOrDefault(p, 0)).as("evictions under " + p).isGreaterThan(50);
        }
        assertThat(optTies).as("OPT evictions among several pages never used again").isGreaterThan(20);
        assertThat(clockSpared).as("CLOCK probes that spared a page").isGreaterThan(50);
        assertThat(negativePages).as("negative page numbers").isGreaterThan(50);
    }

    /** The script's loop body, on a list of page numbers. */
    private static final class Naive {
        final Policy policy;
        final long cacheSize;
        final long clockBits;
        final PythonRandom random;
        final long[] refs;
        final List<Long> memory = new ArrayList<>();
        final Map<Long, Long> ref = new HashMap<>();
        long count;
        long hits;
        long misses;
        boolean lastHit;
        int spared;

        Naive(Policy policy, long cacheSize, long clockBits, PythonRandom random, long[] refs) {
            this.policy = policy;
            this.cacheSize = cacheSize;
            this.clockBits = clockBits;
            this.random = random;
            this.refs = refs;
        }

        boolean full() {
            return count == cacheSize;
        }

        /** How many resident pages are never referenced after {@code t}. */
        int neverAgain(int t) {
            int n = 0;
            for (long page : memory) {
                if (whenReferenced(page, t) == refs.length) {
                    n++;
                }
            }
            return n;
        }

        int whenReferenced(long page, int t) {
            for (int f = t + 1; f < refs.length; f++) {
                if (refs[f] == page) {
                    return f;
                }
            }
            return refs.length;
        }

        /** The victim, or null. */
        Long access(int t) {
            long n = refs[t];
            Long victim = null;
            int idx = memory.indexOf(n);
            lastHit = idx >= 0;
            if (lastHit) {
                hits++;
                if (policy == Policy.LRU || policy == Policy.MRU) {
                    memory.remove(n);
                    memory.add(n);
                }
            } else {
                misses++;
                if (count == cacheSize) {
                    victim = switch (policy) {
                        case FIFO, LRU -> memory.remove(0);
                        case MRU -> memory.remove((int) count - 1);
                        case RAND -> memory.remove((int) (random.random() * count));
                        case CLOCK -> clock();
                        case OPT -> {
                            int chosen = -1;
                            int max = -1;
                            for (int i = 0; i < count; i++) {
                                int when = whenReferenced(memory.get(i), t);
                                if (when >= max) {
                                    chosen = i;
                                    max = when;
                                }
                            }
                            yield memory.remove(chosen);
                        }
                        case UNOPT -> {
                            int chosen = -1;
                            int min = refs.length + 1;
                            for (int i = 0; i < count; i++) {
                                int when = whenReferenced(memory.get(i), t);
                                if (when < min) {
                                    chosen = i;
                                    min = when;
                                }
                            }
                            yield memory.remove(chosen);
                        }
                    };
                } else {
                    count++;
                }
                memory.add(n);
            }
            if (!ref.containsKey(n)) {
                ref.put(n, 1L);
            } else {
                ref.put(n, ref.get(n) + 1);
                if (ref.get(n) > clockBits) {
                    ref.put(n, clockBits);
                }
            }
            return victim;
        }

        private Long clock() {
            while (true) {
                long page = memory.get((int) (random.random() * count));
                if (ref.get(page) >= 1) {
                    ref.put(page, ref.get(page) - 1);
                    spared++;
                } else {
                    memory.remove(page);
                    ref.remove(page);
                    return page;
                }
            }
        }
    }
}
