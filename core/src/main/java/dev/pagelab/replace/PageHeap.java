package dev.pagelab.replace;

import java.util.Arrays;

/**
 * An indexed binary min-heap of page ids on primitive arrays, ordered by a {@code long} key and
 * then a {@code long} tie: the priority structure of the policies that evict by a number (OPT by
 * next use, aging by counter). A page is in the heap at most once; {@link #contains} and
 * {@link #update} find it through a position array indexed by page id.
 *
 * <pre>
 *   slot:      0        1        2      …   (children of slot i: 2i+1 and 2i+2)
 *   pageAt:   [p0]     [p1]     [p2]        the smallest (key, tie) sits in slot 0
 *   keyAt:    [k0]  ≤  [k1]     [k2]
 *   tieAt:    [t0]     [t1]     [t2]        compared only when keys are equal
 *   slotOf[p] = the slot page p sits in, or −1
 * </pre>
 *
 * <p>Keys and ties live in slot order, next to the page ids, so a sift touches three adjacent
 * arrays and never follows a page id to compare. {@link #add}, {@link #poll}, {@link #update} and
 * {@link #remove} are O(log n); {@link #heapify} after rewriting keys in place ({@link #setKeyAt})
 * is O(n). The arrays grow by doubling; nothing is boxed.
 */
final class PageHeap {
    static final int NONE = -1;

    private int[] pageAt = new int[16];
    private long[] keyAt = new long[16];
    private long[] tieAt = new long[16];
    private int[] slotOf = new int[0];
    private int size;

    int size() {
        return size;
    }

    boolean contains(int page) {
        return page < slotOf.length && slotOf[page] != NONE;
    }

    /** The page in {@code slot} (0 ≤ slot &lt; {@link #size()}), for a pass over every entry. */
    int pageAt(int slot) {
        return pageAt[slot];
    }

    long keyAt(int slot) {
        return keyAt[slot];
    }

    long tieAt(int slot) {
        return tieAt[slot];
    }

    /** The key of {@code page}, which is in the heap. */
    long keyOf(int page) {
        return keyAt[slotOf(page, "keyOf")];
    }

    /** Rewrites the key in {@code slot} without restoring the order: call {@link #heapify} after. */
    void setKeyAt(int slot, long key) {
        keyAt[slot] = key;
    }

    /** Adds {@code page}, which is not in the heap. */
    void add(int page, long key, long tie) {
        ensurePage(page);
        if (slotOf[page] != NONE) {
            throw new IllegalArgumentException("add: page " + page + " is already in the heap at slot " + slotOf[page]);
        }
        if (size == pageAt.length) {
            int length = size * 2;
            pageAt = Arrays.copyOf(pageAt, length);
            keyAt = Arrays.copyOf(keyAt, length);
            tieAt = Arrays.copyOf(tieAt, length);
        }
        int slot = size++;
        place(slot, page, key, tie);
        siftUp(slot);
    }

    /** Changes the key of {@code page}, which is in the heap; its tie stays. */
    void update(int page, long key) {
        int slot = slotOf(page, "update");
        long old = keyAt[slot];
        keyAt[slot] = key;
        if (key < old) {
            siftUp(slot);
        } else if (key > old) {
            siftDown(slot);
        }
    }

    /** Removes and returns the page with the smallest (key, tie), or {@link #NONE} when empty. */
    int poll() {
        if (size == 0) {
            return NONE;
        }
        int page = pageAt[0];
        removeSlot(0);
        return page;
    }

    /**
     * {@link #poll()} for a policy's {@link ReplacementPolicy#victim}: the heap holds every resident
     * page, and the owner only asks for a victim when the pool is full.
     *
     * @throws IllegalStateException naming the policy, the incoming page and the time when empty
     */
    int pollVictim(String policy, int incoming, long now) {
        if (size == 0) {
            throw new IllegalStateException(policy + ": victim for page " + incoming + " at time " + now
                    + " asked of an empty pool");
        }
        return poll();
    }

    /** The page with the smallest (key, tie), or {@link #NONE} when empty. */
    int peek() {
        return size == 0 ? NONE : pageAt[0];
    }

    /** Removes {@code page}, which is in the heap. */
    void remove(int page) {
        removeSlot(slotOf(page, "remove"));
    }

    /** Restores the heap order after keys were rewritten with {@link #setKeyAt} (Floyd, O(n)). */
    void heapify() {
        for (int slot = size / 2 - 1; slot >= 0; slot--) {
            siftDown(slot);
        }
    }

    private int slotOf(int page, String what) {
        if (!contains(page)) {
            throw new IllegalArgumentException(what + ": page " + page + " is not in the heap (size " + size + ")");
        }
        return slotOf[page];
    }

    private void removeSlot(int slot) {
        slotOf[pageAt[slot]] = NONE;
        int last = --size;
        if (slot == last) {
            return;
        }
        place(slot, pageAt[last], keyAt[last], tieAt[last]);
        siftDown(slot);
        siftUp(slot);
    }

    private void siftUp(int slot) {
        int page = pageAt[slot];
        long key = keyAt[slot];
        long tie = tieAt[slot];
        while (slot > 0) {
            int parent = (slot - 1) >>> 1;
            if (!less(key, tie, keyAt[parent], tieAt[parent])) {
                break;
            }
            place(slot, pageAt[parent], keyAt[parent], tieAt[parent]);
            slot = parent;
        }
        place(slot, page, key, tie);
    }

    private void siftDown(int slot) {
        int page = pageAt[slot];
        long key = keyAt[slot];
        long tie = tieAt[slot];
        int half = size >>> 1;
        while (slot < half) {
            int child = 2 * slot + 1;
            int right = child + 1;
            if (right < size && less(keyAt[right], tieAt[right], keyAt[child], tieAt[child])) {
                child = right;
            }
            if (!less(keyAt[child], tieAt[child], key, tie)) {
                break;
            }
            place(slot, pageAt[child], keyAt[child], tieAt[child]);
            slot = child;
        }
        place(slot, page, key, tie);
    }

    private static boolean less(long key, long tie, long otherKey, long otherTie) {
        return key < otherKey || key == otherKey && tie < otherTie;
    }

    private void place(int slot, int page, long key, long tie) {
        pageAt[slot] = page;
        keyAt[slot] = key;
        tieAt[slot] = tie;
        slotOf[page] = slot;
    }

    private void ensurePage(int page) {
        if (page >= 0 && page < slotOf.length) {
            return;
        }
        int old = slotOf.length;
        int length = PageArrays.lengthFor(page, old);
        slotOf = Arrays.copyOf(slotOf, length);
        Arrays.fill(slotOf, old, length, NONE);
    }
}
