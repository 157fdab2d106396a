package dev.pagelab.replace;

import java.util.Arrays;

/**
 * Doubly linked lists of page ids on primitive arrays, the building block of the list-based
 * policies (LRU, FIFO, ARC's four lists, 2Q, LIRS's stack, S3-FIFO's queues). A page is on at most
 * one list at a time; {@link #listOf} says which. Every operation is O(1); the arrays grow (by
 * doubling) as page ids appear, and nothing is boxed.
 *
 * <pre>
 *   list L:  head[L] ⇄ … ⇄ tail[L]      next[p] points toward the tail, prev[p] toward the head
 *            (most recent, by convention)   (least recent)
 * </pre>
 */
final class PageLists {
    static final int NONE = -1;

    private int[] prev = new int[0];
    private int[] next = new int[0];
    private byte[] list = new byte[0];
    private final int[] head;
    private final int[] tail;
    private final int[] size;

    /** {@code lists} lists, all empty. */
    PageLists(int lists) {
        if (lists < 1 || lists > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("lists must be 1 to 127, not " + lists);
        }
        head = new int[lists];
        tail = new int[lists];
        size = new int[lists];
        Arrays.fill(head, NONE);
        Arrays.fill(tail, NONE);
    }

    /** Makes room for page ids up to {@code page}. */
    void ensure(int page) {
        if (page < list.length) {
            return;
        }
        int length = PageArrays.lengthFor(page, list.length);
        int old = list.length;
        prev = Arrays.copyOf(prev, length);
        next = Arrays.copyOf(next, length);
        list = Arrays.copyOf(list, length);
        Arrays.fill(list, old, length, (byte) NONE);
    }

    /** The list {@code page} is on, or {@link #NONE}. */
    int listOf(int page) {
        return page < list.length ? list[page] : NONE;
    }

    int size(int l) {
        return size[l];
    }

    /** The most recent end of list {@code l}, or {@link #NONE} when it is empty. */
    int head(int l) {
        return head[l];
    }

    /** The least recent end of list {@code l}, or {@link #NONE} when it is empty. */
    int tail(int l) {
        return tail[l];
    }

    /** The page after {@code page} toward the tail, or {@link #NONE}. */
    int next(int page) {
        return next[page];
    }

    /** The page before {@code page} toward the head, or {@link #NONE}. */
    int prev(int page) {
        return prev[page];
    }

    /** Puts {@code page}, which is on no list, at the head of list {@code l}. */
    void pushHead(int l, int page) {
        ensure(page);
        assert list[page] == NONE : "page " + page + " is already on list " + list[page];
        int h = head[l];
        prev[page] = NONE;
        next[page] = h;
        if (h == NONE) {
            tail[l] = page;
        } else {
            prev[h] = page;
        }
        head[l] = page;
        list[page] = (byte) l;
        size[l]++;
    }

    /** Puts {@code page}, which is on no list, at the tail of list {@code l}. */
    void pushTail(int l, int page) {
        ensure(page);
        assert list[page] == NONE : "page " + page + " is already on list " + list[page];
        int t = tail[l];
        next[page] = NONE;
        prev[page] = t;
        if (t == NONE) {
            head[l] = page;
        } else {
            next[t] = page;
        }
        tail[l] = page;
        list[page] = (byte) l;
        size[l]++;
    }

    /** Takes {@code page} off whatever list it is on (nothing when it is on none). */
    void remove(int page) {
        if (page >= list.length) {
            return;
        }
        int l = list[page];
        if (l == NONE) {
            return;
        }
        int p = prev[page];
        int n = next[page];
        if (p == NONE) {
            head[l] = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail[l] = p;
        } else {
            prev[n] = p;
        }
        list[page] = (byte) NONE;
        size[l]--;
    }

    /** Moves {@code page} (on any list or none) to the head of list {@code l}. */
    void moveToHead(int l, int page) {
        if (head[l] == page) {
            return;
        }
        remove(page);
        pushHead(l, page);
    }

    /** Moves {@code page} (on any list or none) to the tail of list {@code l}. */
    void moveToTail(int l, int page) {
        if (tail[l] == page) {
            return;
        }
        remove(page);
        pushTail(l, page);
    }

    /** Removes and returns the tail of list {@code l}, or {@link #NONE} when it is empty. */
    int popTail(int l) {
        int t = tail[l];
        if (t != NONE) {
            remove(t);
        }
        return t;
    }

    /** Removes and returns the head of list {@code l}, or {@link #NONE} when it is empty. */
    int popHead(int l) {
        int h = head[l];
        if (h != NONE) {
            remove(h);
        }
        return h;
    }
}
