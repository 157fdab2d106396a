package dev.pagelab.ostep;

import java.util.Arrays;

/**
 * paging-policy.py's page cache: the ordered list of resident pages ("memory"), its policies with
 * the script's exact choices, and the hit and miss counts. Pages are dense ids ({@link PageIds}).
 *
 * <h2>One access of page p (the script's loop body)</h2>
 * <ol>
 *   <li>p in memory: a hit; LRU and MRU move p to the right end (most recent).</li>
 *   <li>Otherwise a miss. When the list holds {@code cachesize} pages a victim leaves it:
 *     <ul>
 *       <li>FIFO, LRU: the leftmost page.</li>
 *       <li>MRU: the rightmost page (the most recently used).</li>
 *       <li>RAND: the page at index {@code int(random() * count)}.</li>
 *       <li>CLOCK: not a sweeping hand ({@link OstepQuirk#CLOCK_RANDOM_PROBES}): probe the page
 *           at a random index; while its counter is at least 1, decrement it and probe again at
 *           a new random index; the first page probed with a counter below 1 leaves.</li>
 *       <li>OPT: the page whose next reference is farthest (never again counts as the length of
 *           the list); among equals the rightmost ({@link OstepQuirk#OPT_TIES_RIGHTMOST}).</li>
 *       <li>UNOPT: the page whose next reference is nearest; among equals the leftmost.</li>
 *     </ul>
 *     Then p joins the list at the right end. Otherwise (a free place) the count grows by one.</li>
 *   <li>CLOCK's counters: a page that was not resident starts at 1 (not capped); a hit adds
 *       1 and caps at {@code clockbits}; a victim's counter is forgotten.</li>
 * </ol>
 * A {@code cachesize} of 0 makes the first miss fail as the script fails (an IndexError from
 * popping an empty list); a negative one never fills.
 *
 * <h2>Layout and cost</h2>
 * FIFO, LRU and MRU keep the list as a doubly linked list over the ids (prev/next arrays):
 * O(1) an access. RAND, CLOCK, OPT and UNOPT keep it as an array in list order, because they
 * choose by index; removal shifts the array (O(cachesize)), OPT and UNOPT scan it at each
 * eviction with every page's next reference kept current (O(cachesize) an eviction, where the
 * script scans the future for each page, O(cachesize × references)).
 *
 * <p>Not thread-safe.
 */
final class PolicyMachine {
    /** The script's policies ({@code -p}), with the labels its trace prints at either end of the list. */
    enum Policy {
        FIFO("FirstIn", "Lastin "),
        LRU("LRU", "MRU"),
        MRU("LRU", "MRU"),
        OPT("Left ", "Right"),
        UNOPT("Left ", "Right"),
        RAND("Left ", "Right"),
        CLOCK("Left ", "Right");

        final String left;
        final String right;

        Policy(String left, String right) {
            this.left = left;
            this.right = right;
        }

        /** The policy the script calls {@code name} (case-sensitive), or null. */
        static Policy named(String name) {
            for (Policy p : values()) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
            return null;
        }

        boolean linked() {
            return this == FIFO || this == LRU || this == MRU;
        }

        boolean needsFuture() {
            return this == OPT || this == UNOPT;
        }
    }

    /** No victim: the miss found a free place (or it was a hit). */
    static final int NONE = -1;

    private final Policy policy;
    private final long cacheSize;
    private final long clockBits;
    private final PythonRandom random;
    private long count;
    private boolean lastHit;
    private long hits;
    private long misses;

    private boolean[] resident = new boolean[64];
    // Linked layout: prev/next by id, -1 at the ends.
    private int[] prev;
    private int[] next;
    private int head = -1;
    private int tail = -1;
    // Array layout: the list in order.
    private int[] order;
    private int size;
    // CLOCK's counters and OPT's next references, by id.
    private long[] counter;
    private long[] nextRef;

    /**
     * An empty cache.
     *
     * @param random the generator RAND and CLOCK draw from (the script's, after the references
     *               were generated); unused by the other policies
     */
    PolicyMachine(Policy policy, long cacheSize, long clockBits, PythonRandom random) {
        this.policy = policy;
        this.cacheSize = cacheSize;
        this.clockBits = clockBits;
        this.random = random;
        if (policy.linked()) {
            prev = new int[64];
            next = new int[64];
        } else {
            order = new int[16];
        }
        if (policy == Policy.CLOCK) {
            counter = new long[64];
        }
        if (policy.needsFuture()) {
            nextRef = new long[64];
        }
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    /** Whether the last access was a hit. */
    boolean lastHit() {
        return lastHit;
    }

    /**
     * One access.
     *
     * @param id      the page
     * @param nextUse the position of the page's next reference (the length of the list when
     *                none); read by OPT and UNOPT only
     * @return the victim's id, or {@link #NONE}
     * @throws PythonError an IndexError when the cache size is 0, as the script fails
     */
    int access(int id, long nextUse) {
        ensure(id);
        if (nextRef != null) {
            nextRef[id] = nextUse;
        }
        int victim = NONE;
        lastHit = resident[id];
        if (lastHit) {
            hits++;
            if (policy == Policy.LRU || policy == Policy.MRU) {
                unlink(id);
                linkLast(id);
            }
            if (counter != null) {
                counter[id] = counter[id] + 1 > clockBits ? clockBits : counter[id] + 1;
            }
            return NONE;
        }
        misses++;
        if (count == cacheSize) {
            victim = evict();
            resident[victim] = false;
        } else {
            count++;
        }
        resident[id] = true;
        if (policy.linked()) {
            linkLast(id);
        } else {
            append(id);
        }
        if (counter != null) {
            counter[id] = 1;
        }
        return victim;
    }

    private int evict() {
        switch (policy) {
            case FIFO, LRU -> {
                if (head < 0) {
                    throw new PythonError("IndexError", "pop from empty list");
                }
                int v = head;
                unlink(v);
                return v;
            }
            case MRU -> {
                if (tail < 0) {
                    throw new PythonError("IndexError", "pop from empty list");
                }
                int v = tail;
                unlink(v);
                return v;
            }
            case RAND -> {
                int at = (int) (random.random() * count);
                if (at >= size) {
                    throw new PythonError("IndexError", size == 0 ? "pop from empty list" : "pop index out of range");
                }
                return removeAt(at);
            }
            case CLOCK -> {
                while (true) {
                    int at = (int) (random.random() * count);
                    if (at >= size) {
                        throw new PythonError("IndexError", "list index out of range");
                    }
                    int page = order[at];
                    if (counter[page] >= 1) {
                        counter[page]--;
                    } else {
                        return removeAt(at);
                    }
                }
            }
            case OPT, UNOPT -> {
                if (size == 0) {
                    throw new PythonError("IndexError", "pop from empty list");
                }
                int chosen = 0;
                for (int i = 1; i < size; i++) {
                    long when = nextRef[order[i]];
                    long best = nextRef[order[chosen]];
                    if (policy == Policy.OPT ? when >= best : when < best) {
                        chosen = i;
                    }
                }
                return removeAt(chosen);
            }
            default -> throw new AssertionError("policy " + policy);
        }
    }

    /** The largest next reference among the resident pages (OPT and UNOPT), -1 when none is resident. */
    long farthestNextRef() {
        long far = -1;
        for (int i = 0; i < size; i++) {
            far = Math.max(far, nextRef[order[i]]);
        }
        return far;
    }

    /** Whether the list is full, so that the next miss evicts. */
    boolean full() {
        return count == cacheSize;
    }

    boolean isResident(int id) {
        return id < resident.length && resident[id];
    }

    /** Appends the list as Python prints it, {@code [3, 1, 4]}, with page numbers from {@code ids}. */
    void appendList(StringBuilder out, PageIds ids) {
        out.append('[');
        boolean first = true;
        if (policy.linked()) {
            for (int id = head; id >= 0; id = next[id]) {
                out.append(first ? "" : ", ").append(ids.page(id));
                first = false;
            }
        } else {
            for (int i = 0; i < size; i++) {
                out.append(first ? "" : ", ").append(ids.page(order[i]));
                first = false;
            }
        }
        out.append(']');
    }

    private void ensure(int id) {
        if (id < resident.length) {
            return;
        }
        int capacity = Math.max(id + 1, (int) Math.min(Integer.MAX_VALUE - 8L, resident.length * 2L));
        resident = Arrays.copyOf(resident, capacity);
        if (prev != null) {
            prev = Arrays.copyOf(prev, capacity);
            next = Arrays.copyOf(next, capacity);
        }
        if (counter != null) {
            counter = Arrays.copyOf(counter, capacity);
        }
        if (nextRef != null) {
            nextRef = Arrays.copyOf(nextRef, capacity);
        }
    }

    private void linkLast(int id) {
        prev[id] = tail;
        next[id] = -1;
        if (tail >= 0) {
            next[tail] = id;
        } else {
            head = id;
        }
        tail = id;
    }

    private void unlink(int id) {
        int p = prev[id];
        int n = next[id];
        if (p >= 0) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            tail = p;
        }
    }

    private void append(int id) {
        if (size == order.length) {
            order = Arrays.copyOf(order, (int) Math.min(Integer.MAX_VALUE - 8L, size * 2L));
        }
        order[size++] = id;
    }

    private int removeAt(int at) {
        int id = order[at];
        System.arraycopy(order, at + 1, order, at, size - at - 1);
        size--;
        return id;
    }
}
