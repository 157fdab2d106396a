package dev.pagelab.curve;

import java.util.Arrays;

/**
 * Mattson's LRU stack over dense page ids, as reuse distances: the distance of a reference is its
 * page's position in the stack (1 for the page referenced last), so that the reference hits in an
 * LRU pool of C frames exactly when its distance is at most C, and is a cold fault at every C
 * when it is the page's first. One reference costs O(log S) for S time slots (Olken 1981's
 * approach, with a Fenwick tree in place of his balanced tree); memory is 4 bytes a page and 8 a
 * time slot, with S < 4 × (the most pages the stack held + 1), and at least the initial slots.
 *
 * <pre>
 *   slot        0   1   2   3   4   5   6   7   …   next            time slots, oldest first
 *   idAt       −1   a  −1   c  −1  −1   b   d        (unused)        the page last referenced in the slot
 *   mark        0   1   0   1   0   0   1   1                        Fenwick tree over the marks
 *   slotOf[d] = 7: d is on top (distance 1), b at 2, c at 3, a at 4
 * </pre>
 *
 * <ol>
 *   <li>A reference to the page on top: distance 1; nothing moves (the common case of a trace).</li>
 *   <li>Otherwise, for a page seen before in slot s: distance = 1 + the marks after s = live −
 *       prefix(s) + 1 (prefix counts the marks in slots 0 … s, its own included); its mark leaves
 *       s. A new page has no distance ({@link #COLD}).</li>
 *   <li>The page takes the next slot, marked. When the slots run out, the marks are compacted to
 *       the front in order (slots 0 … live−1) and the tree rebuilt in O(S); the slots double
 *       first when the pages would fill more than half of them, so a compaction comes at most
 *       once every S/2 references.</li>
 * </ol>
 *
 * <p>Not thread-safe.
 */
final class LruStack {
    /** The distance of a page's first reference: a fault at every size. */
    static final int COLD = 0;

    /** Slots to start with, unless a test asks for fewer (to compact often). */
    static final int DEFAULT_SLOTS = 1 << 12;

    private int[] slotOf = new int[0];
    private int[] idAt;
    private int[] tree;
    private int slots;
    private int next;
    private int live;
    private int top = -1;
    /** Compactions so far (tests gate on it). */
    int compactions;

    LruStack(int initialSlots) {
        if (initialSlots < 1) {
            throw new IllegalArgumentException("an LRU stack needs at least 1 time slot, not " + initialSlots);
        }
        slots = initialSlots;
        idAt = new int[slots];
        Arrays.fill(idAt, -1);
        tree = new int[slots + 1];
    }

    /** Makes room for ids below {@code ids}. */
    void ensureIds(int ids) {
        if (ids > slotOf.length) {
            int old = slotOf.length;
            slotOf = Arrays.copyOf(slotOf, Math.max(ids, (int) Math.min(Integer.MAX_VALUE - 16L, 2L * old)));
            Arrays.fill(slotOf, old, slotOf.length, -1);
        }
    }

    /** The pages in the stack. */
    int pages() {
        return live;
    }

    /** Whether {@code id} is in the stack. */
    boolean contains(int id) {
        return id < slotOf.length && slotOf[id] >= 0;
    }

    /**
     * The distance of a reference to {@code id} (1 for the top, {@link #COLD} for a page not in
     * the stack); then {@code id} is on top.
     */
    int reference(int id) {
        if (id == top) {
            return 1;
        }
        int slot = slotOf[id];
        int distance = COLD;
        if (slot >= 0) {
            distance = live - prefix(slot) + 1;
            add(slot, -1);
            idAt[slot] = -1;
            live--;
        }
        if (next == slots) {
            compact();
        }
        slotOf[id] = next;
        idAt[next] = id;
        add(next, 1);
        next++;
        live++;
        top = id;
        return distance;
    }

    /** The position of {@code id} in the stack now (1 for the top), or {@link #COLD} when it is not in it. */
    int depth(int id) {
        return contains(id) ? live - prefix(slotOf[id]) + 1 : COLD;
    }

    /** Takes {@code id} out of the stack (a sampler forgetting a page); nothing when it is not in it. */
    void remove(int id) {
        if (!contains(id)) {
            return;
        }
        int slot = slotOf[id];
        add(slot, -1);
        idAt[slot] = -1;
        slotOf[id] = -1;
        live--;
        if (top == id) {
            top = -1;
        }
    }

    /** The marks in slots 0 … slot. */
    private int prefix(int slot) {
        int sum = 0;
        for (int i = slot + 1; i > 0; i -= i & -i) {
            sum += tree[i];
        }
        return sum;
    }

    private void add(int slot, int delta) {
        for (int i = slot + 1; i <= slots; i += i & -i) {
            tree[i] += delta;
        }
    }

    /** Moves the marks to slots 0 … live−1 in order, doubling the slots first if they are half full. */
    private void compact() {
        compactions++;
        int kept = 0;
        for (int slot = 0; slot < next; slot++) {
            int id = idAt[slot];
            if (id >= 0) {
                idAt[kept] = id;
                slotOf[id] = kept;
                kept++;
            }
        }
        if (kept != live) {
            throw new AssertionError("LRU stack: " + kept + " marked slots but " + live + " pages");
        }
        if (2L * (kept + 1) > slots) {
            int grown = (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(2L * slots, 2L * (kept + 1)));
            if (grown <= kept + 1) {
                throw new IllegalStateException("LRU stack: " + kept + " pages need more than " + grown + " time slots");
            }
            idAt = Arrays.copyOf(idAt, grown);
            tree = new int[grown + 1];
            slots = grown;
        }
        // idAt at kept and after is stale, and is written (as next passes) before it is read again.
        // Marks in slots 0 … kept−1: tree[i] covers positions (i − lowbit(i), i], 1-based.
        for (int i = 1; i <= slots; i++) {
            int low = i - (i & -i);
            tree[i] = Math.max(0, Math.min(i, kept) - low);
        }
        next = kept;
    }
}
