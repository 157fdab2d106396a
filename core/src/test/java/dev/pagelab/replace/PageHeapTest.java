package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The indexed heap against a map scanned for its smallest (key, tie), under random operations. */
class PageHeapTest {
    private record Entry(long key, long tie) {
    }

    private static int smallest(Map<Integer, Entry> model) {
        int best = PageHeap.NONE;
        for (var e : model.entrySet()) {
            Entry b = best == PageHeap.NONE ? null : model.get(best);
            if (b == null || e.getValue().key() < b.key() || e.getValue().key() == b.key() && e.getValue().tie() < b.tie()) {
                best = e.getKey();
            }
        }
        return best;
    }

    @Test
    void heap_randomOperations_matchesScannedMap() {
        long[] done = new long[6];
        for (long seed : LongSeeds.of(30)) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            PageHeap heap = new PageHeap();
            Map<Integer, Entry> model = new HashMap<>();
            int pages = 1 + random.nextInt(300);
            long keys = 1 + random.nextInt(50);
            for (int step = 0; step < 3_000; step++) {
                String where = "seed " + seed + " step " + step;
                int page = random.nextInt(pages);
                int op = random.nextInt(6);
                switch (op) {
                    case 0, 1 -> {
                        if (!model.containsKey(page)) {
                            long key = random.nextLong(-keys, keys);
                            long tie = step; // unique, so the smallest (key, tie) is unique
                            heap.add(page, key, tie);
                            model.put(page, new Entry(key, tie));
                        }
                    }
                    case 2 -> {
                        if (model.containsKey(page)) {
                            long key = random.nextLong(-keys, keys);
                            heap.update(page, key);
                            model.put(page, new Entry(key, model.get(page).tie()));
                        }
                    }
                    case 3 -> {
                        int expected = smallest(model);
                        assertThat(heap.poll()).as(where + ": poll").isEqualTo(expected);
                        model.remove(expected);
                    }
                    case 4 -> {
                        if (model.containsKey(page)) {
                            heap.remove(page);
                            model.remove(page);
                        }
                    }
                    default -> {
                        for (int slot = 0; slot < heap.size(); slot++) {
                            long key = random.nextLong(-keys, keys);
                            heap.setKeyAt(slot, key);
                            model.put(heap.pageAt(slot), new Entry(key, heap.tieAt(slot)));
                        }
                        heap.heapify();
                    }
                }
                done[op]++;
                assertThat(heap.size()).as(where + ": size").isEqualTo(model.size());
                assertThat(heap.peek()).as(where + ": peek").isEqualTo(smallest(model));
                assertThat(heap.contains(page)).as(where + ": contains " + page).isEqualTo(model.containsKey(page));
            }
        }
        for (int op = 0; op < done.length; op++) {
            assertThat(done[op]).as("operations of kind " + op).isGreaterThan(10_000);
        }
    }

    @Test
    void heap_misuse_messagesCarryValues() {
        PageHeap heap = new PageHeap();
        heap.add(3, 1, 1);
        assertThatThrownBy(() -> heap.add(3, 2, 2)).hasMessage("add: page 3 is already in the heap at slot 0");
        assertThatThrownBy(() -> heap.update(4, 2)).hasMessage("update: page 4 is not in the heap (size 1)");
        assertThatThrownBy(() -> heap.add(-1, 0, 0)).hasMessage("page -1 is negative");
        assertThat(new PageHeap().poll()).isEqualTo(PageHeap.NONE);
    }
}
