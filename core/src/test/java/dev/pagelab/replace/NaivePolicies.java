package dev.pagelab.replace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policies written as plainly as possible (lists, maps, linear scans, boxing), each from the
 * textbook's wording rather than from the fast class, for oracle tests: a fast policy and its naive
 * twin must evict the same pages. Each naive policy counts the interesting cases it met into a
 * {@link Coverage}, so a test can require that they happened.
 */
final class NaivePolicies {
    private NaivePolicies() {
    }

    /** Named counters of interesting cases. */
    static final class Coverage {
        private final Map<String, Long> counts = new TreeMap<>();

        void count(String what) {
            counts.merge(what, 1L, Long::sum);
        }

        long get(String what) {
            return counts.getOrDefault(what, 0L);
        }

        @Override
        public String toString() {
            return counts.toString();
        }
    }

    /** A registry of the naive policies, counting into {@code coverage}. */
    static PolicyRegistry registry(Coverage coverage) {
        PolicyRegistry registry = new PolicyRegistry();
        add(registry, "naive-lru", Visibility.EVERY_REFERENCE, false, (c, p) -> new Lru(coverage, false));
        add(registry, "naive-mru", Visibility.EVERY_REFERENCE, false, (c, p) -> new Lru(coverage, true));
        add(registry, "naive-opt", Visibility.EVERY_REFERENCE, true, (c, p) -> new Opt(p, coverage));
        add(registry, "naive-lfu", Visibility.EVERY_REFERENCE, false, (c, p) -> new Lfu(p, coverage));
        add(registry, "naive-clock", Visibility.HARDWARE_BITS, false, (c, p) -> new SecondChance(c, p, coverage));
        add(registry, "naive-esc", Visibility.HARDWARE_BITS, false, (c, p) -> new EscByClass(p, coverage));
        add(registry, "naive-aging", Visibility.HARDWARE_BITS, false, (c, p) -> new AgingByHistory(c, p, coverage));
        return registry;
    }

    private static void add(PolicyRegistry registry, String name, Visibility visibility, boolean future,
                            PolicyRegistry.Factory factory) {
        registry.register(new PolicyInfo(name, "naive oracle", visibility, future, false), factory);
    }

    /** The (A, D) class of a resident page: 0 = (0, 0) … 3 = (1, 1). */
    static int adClass(Pool pool, int page) {
        return (pool.isReferenced(page) ? 2 : 0) | (pool.isDirty(page) ? 1 : 0);
    }

    /** LRU (or MRU): a list of pages, least recent first. */
    private static final class Lru implements ReplacementPolicy {
        private final List<Integer> recency = new ArrayList<>();
        private final Coverage coverage;
        private final boolean most;

        Lru(Coverage coverage, boolean most) {
            this.coverage = coverage;
            this.most = most;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
            recency.remove(Integer.valueOf(page));
            recency.add(page);
            coverage.count("hits");
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            coverage.count("victims");
            return recency.remove(most ? recency.size() - 1 : 0);
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
            recency.add(page);
        }
    }

    /** Belady's MIN: scan for the farthest next use; among never-again pages the earliest loaded. */
    private static final class Opt implements ReplacementPolicy {
        private final Pool pool;
        private final Coverage coverage;
        private final Map<Integer, Long> nextUse = new HashMap<>();
        private final Map<Integer, Long> loadedAt = new HashMap<>();

        Opt(Pool pool, Coverage coverage) {
            this.pool = pool;
            this.coverage = coverage;
        }

        @Override
        public void hit(int page, boolean write, long now, long next) {
            nextUse.put(page, next);
        }

        @Override
        public int victim(int incoming, long now, long next) {
            int best = -1;
            int never = 0;
            for (int frame = 0; frame < pool.capacity(); frame++) {
                int page = pool.pageAt(frame);
                long use = nextUse.get(page);
                never += use == NEVER ? 1 : 0;
                if (best < 0 || use > nextUse.get(best)
                        || use == nextUse.get(best) && loadedAt.get(page) < loadedAt.get(best)) {
                    best = page;
                }
            }
            coverage.count(never >= 2 ? "never-again tie" : "no tie");
            return best;
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long next) {
            nextUse.put(page, next);
            loadedAt.put(page, now);
        }
    }

    /** LFU: counts while resident; the fewest references, then the oldest last reference. */
    private static final class Lfu implements ReplacementPolicy {
        private final Pool pool;
        private final Coverage coverage;
        private final Map<Integer, Long> references = new HashMap<>();
        private final Map<Integer, Long> lastUse = new HashMap<>();

        Lfu(Pool pool, Coverage coverage) {
            this.pool = pool;
            this.coverage = coverage;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
            references.merge(page, 1L, Long::sum);
            lastUse.put(page, now);
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            int best = -1;
            for (int frame = 0; frame < pool.capacity(); frame++) {
                int page = pool.pageAt(frame);
                if (best < 0 || references.get(page) < references.get(best)
                        || references.get(page).equals(references.get(best)) && lastUse.get(page) < lastUse.get(best)) {
                    best = page;
                }
            }
            long fewest = references.get(best);
            long tied = references.keySet().stream().filter(p -> references.get(p) == fewest).count();
            coverage.count(tied >= 2 ? "tie" : "no tie");
            coverage.count(fewest > 1 ? "victim referenced again" : "victim referenced once");
            references.remove(best);
            lastUse.remove(best);
            return best;
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
            references.put(page, 1L);
            lastUse.put(page, now);
        }
    }

    /**
     * Second chance as a FIFO queue (Silberschatz's other description of Clock): a page at the
     * front with its bit set loses the bit and goes to the back.
     */
    private static final class SecondChance implements ReplacementPolicy {
        private final Pool pool;
        private final Coverage coverage;
        private final boolean loadBitClear;
        private final ArrayDeque<Integer> queue = new ArrayDeque<>();

        SecondChance(PolicyConfig config, Pool pool, Coverage coverage) {
            this.pool = pool;
            this.coverage = coverage;
            this.loadBitClear = config.clockLoadBit() == 0;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            while (pool.testAndClearReferenced(queue.peekFirst())) {
                queue.addLast(queue.pollFirst());
                coverage.count("second chances");
            }
            coverage.count("victims");
            return queue.pollFirst();
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
            queue.addLast(page);
            if (loadBitClear) {
                pool.testAndClearReferenced(page);
            }
        }
    }

    /**
     * Enhanced second chance by its classes: the first page from the hand in the lowest non-empty
     * (A, D) class; A cleared between the hand and the victim when that class is (0, 1), and on
     * every page when it is (1, x).
     */
    private static final class EscByClass implements ReplacementPolicy {
        private final Pool pool;
        private final Coverage coverage;
        private int hand;

        EscByClass(Pool pool, Coverage coverage) {
            this.pool = pool;
            this.coverage = coverage;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            int n = pool.capacity();
            int lowest = 3;
            for (int frame = 0; frame < n; frame++) {
                lowest = Math.min(lowest, adClass(pool, pool.pageAt(frame)));
            }
            coverage.count("lowest class " + lowest);
            int victimFrame = hand;
            while (adClass(pool, pool.pageAt(victimFrame)) != lowest) {
                victimFrame = (victimFrame + 1) % n;
            }
            if (lowest == 1) {
                for (int frame = hand; frame != victimFrame; frame = (frame + 1) % n) {
                    pool.testAndClearReferenced(pool.pageAt(frame));
                }
            } else if (lowest >= 2) {
                for (int frame = 0; frame < n; frame++) {
                    pool.testAndClearReferenced(pool.pageAt(frame));
                }
            }
            hand = (victimFrame + 1) % n;
            return pool.pageAt(victimFrame);
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        }
    }

    /**
     * Aging as a history: at every tick each resident page records whether it was referenced in
     * the interval (its R bit; the faulting access counts for the interval of the load); its
     * counter is the last n records read as a binary number, most recent first; a page with no
     * record yet (loaded since the last tick) counts as referenced in this interval only.
     */
    private static final class AgingByHistory implements ReplacementPolicy {
        private final Pool pool;
        private final Coverage coverage;
        private final int bits;
        private final long tickInterval;
        private final Map<Integer, List<Boolean>> history = new HashMap<>();
        private final Map<Integer, Long> loadedAt = new HashMap<>();

        AgingByHistory(PolicyConfig config, Pool pool, Coverage coverage) {
            this.pool = pool;
            this.coverage = coverage;
            this.bits = config.agingBits();
            this.tickInterval = config.tickInterval();
        }

        long counter(int page) {
            List<Boolean> records = history.get(page);
            if (records.isEmpty()) {
                return 1L << (bits - 1);
            }
            long counter = 0;
            for (int j = 0; j < bits && j < records.size(); j++) {
                if (records.get(j)) {
                    counter |= 1L << (bits - 1 - j);
                }
            }
            return counter;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            int best = -1;
            for (int frame = 0; frame < pool.capacity(); frame++) {
                int page = pool.pageAt(frame);
                if (best < 0 || counter(page) < counter(best)
                        || counter(page) == counter(best) && loadedAt.get(page) < loadedAt.get(best)) {
                    best = page;
                }
            }
            long smallest = counter(best);
            long tied = history.keySet().stream().filter(p -> counter(p) == smallest).count();
            coverage.count(tied >= 2 ? "tie" : "no tie");
            coverage.count(history.get(best).isEmpty() ? "victim loaded this interval" : "victim has a history");
            history.remove(best);
            loadedAt.remove(best);
            return best;
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
            history.put(page, new ArrayList<>());
            loadedAt.put(page, now);
        }

        @Override
        public long tickInterval() {
            return tickInterval;
        }

        @Override
        public void tick(long now) {
            coverage.count("ticks");
            for (int frame = 0; frame < pool.capacity(); frame++) {
                int page = pool.pageAt(frame);
                if (page >= 0) {
                    history.get(page).add(0, pool.testAndClearReferenced(page));
                }
            }
        }
    }
}
