package dev.pagelab.curve;

import java.util.Arrays;

/**
 * Mattson's priority stack for OPT (Belady's MIN), whose priority is the next use: the distance
 * of a reference is its page's position in the stack, and it hits with C frames exactly when the
 * distance is at most C, as for LRU (Mattson, Gecsei, Slutz and Traiger 1970 showed OPT a stack
 * algorithm). The top C pages are the pages MIN keeps with C frames.
 *
 * <p><b>The update.</b> A reference to page x at position d (d = ∞ for a new page) puts x on top;
 * for i = 2 … d−1 the page pushed down from i−1 and the page at i compete, the one used sooner
 * stays at i and the other goes on down; the last one pushed down takes position d. The page
 * pushed down from i is the one used latest among positions 1 … i (MIN's victim with i frames),
 * so it changes only at a <i>record</i>: a position whose next use is later than every next use
 * above it. Everything else stays where it is:
 * <pre>
 *   position     1    2    3    4    5    6    7 = d
 *   next use     9   14   11   30   12   40    (x)         records at 1, 2, 4, 6
 *   after        x    9'  11   14'  12   30'   40'        ' = moved down to the next record, the last to d
 * </pre>
 * So the stack is an array of positions with a max segment tree over their next uses, and an
 * update walks the records only: from a position, the first later position whose next use is
 * above the one pushed down so far, found by descending the tree in O(log n). A reference costs
 * O((1 + records) · log n); the top page's reference O(log n). How many records lie above a page
 * depends on the trace: 1.5 on average on a lackey trace of sort (38 million references a second),
 * hundreds where loops and scans sweep many pages (the stack is then nearly sorted by next use:
 * 180 records per reference with 16,384 pages, 1,300 with 200,000), which makes the curve no
 * faster than a few dozen replays. Bilardi, Ekanadham and Pattnaik's critical stack algorithm
 * ("Optimal on-line computation of stack distances for MIN and OPT", CF 2017) takes O(log n)
 * whatever the trace. (Records come in few runs, 6 to 7 a reference on those traces, and an
 * implicit treap that moves whole runs was tried: fewer operations, but no faster at these sizes,
 * and slower on shallow traces.) Pages never used again have next
 * use {@link Integer#MAX_VALUE}; the first of them pushed down keeps going (a later one is not
 * "later"), which is one of MIN's valid choices among them, and any gives the same hits.
 *
 * <p>Memory: 16 bytes a page (the pages fixed at construction). Not thread-safe.
 */
final class OptStack {
    private static final int EMPTY = -1;

    private final int leaves;
    private final int[] tree;
    private final int[] pageAt;
    private final int[] slotOf;
    private int depth;

    /** A stack for pages 0 … {@code pages}−1. */
    OptStack(int pages) {
        int size = 1;
        while (size < Math.max(1, pages)) {
            size <<= 1;
        }
        leaves = size;
        tree = new int[2 * size];
        Arrays.fill(tree, EMPTY);
        pageAt = new int[Math.max(1, pages)];
        slotOf = new int[pages];
        Arrays.fill(slotOf, -1);
    }

    /**
     * The distance of a reference to {@code page} ({@link LruStack#COLD} for its first) whose
     * next reference comes at {@code nextUse} ({@link Integer#MAX_VALUE}: never); then the page
     * is on top.
     */
    int reference(int page, int nextUse) {
        int slot = slotOf[page];
        if (slot == 0) {
            set(0, nextUse);
            return 1;
        }
        if (depth == 0) {
            place(0, page, nextUse);
            depth = 1;
            return LruStack.COLD;
        }
        int end = slot < 0 ? depth : slot;
        int pushed = pageAt[0];
        int pushedNext = tree[leaves];
        place(0, page, nextUse);
        int at = 0;
        while (true) {
            int record = MaxTrees.firstAbove(tree, leaves, at + 1, pushedNext);
            if (record < 0 || record >= end) {
                break;
            }
            int stays = pushed;
            int staysNext = pushedNext;
            pushed = pageAt[record];
            pushedNext = tree[leaves + record];
            place(record, stays, staysNext);
            at = record;
        }
        place(end, pushed, pushedNext);
        if (slot < 0) {
            depth++;
            return LruStack.COLD;
        }
        return slot + 1;
    }

    private void place(int slot, int page, int nextUse) {
        pageAt[slot] = page;
        slotOf[page] = slot;
        set(slot, nextUse);
    }

    private void set(int slot, int value) {
        int i = leaves + slot;
        tree[i] = value;
        for (i >>>= 1; i >= 1; i >>>= 1) {
            int max = Math.max(tree[2 * i], tree[2 * i + 1]);
            if (tree[i] == max) {
                break;
            }
            tree[i] = max;
        }
    }
}
