package dev.pagelab.replace;

import java.util.Arrays;

/**
 * Least frequently used: the victim is the resident page referenced the fewest times, and among
 * those the one referenced least recently (Silberschatz, "Counting-Based Page Replacement"; the
 * O(1) structure is Shah, Mitra and Matani, "An O(1) algorithm for implementing the LFU cache
 * eviction scheme", 2010). It must see every reference.
 *
 * <pre>
 *   buckets, by count:   lowest ⇄ [count 1] ⇄ [count 3] ⇄ [count 7] ⇄ …    (only non-empty ones)
 *                                    │            │            │
 *   pages in a bucket:       head  p9 ⇄ p4       p2          p5 ⇄ p1 ⇄ p8
 *                          (latest reference)             tail (oldest reference)
 * </pre>
 *
 * <p>State: a chain of buckets in increasing count, each a list of its pages; per page, its bucket
 * and its neighbours (primitive arrays by page id and by bucket id, bucket ids recycled). Steps:
 * <ol>
 *   <li>load: the page enters at the head of the count-1 bucket (made at the low end if
 *       missing);</li>
 *   <li>hit: the page moves from its bucket (count c) to the head of the count-(c+1) bucket, made
 *       right after its old one if missing; a page alone in its bucket with no count-(c+1) bucket
 *       next just bumps the bucket's count in place, so repeated hits on one page cost a compare
 *       and an increment;</li>
 *   <li>victim: the tail of the lowest bucket; an emptied bucket is unlinked.</li>
 * </ol>
 * O(1) a reference. Parameters: none.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>Ties: least recently used among the least frequent. A page enters a bucket's head at its
 *       latest reference (its load or a hit), so each bucket is in recency order and its tail was
 *       referenced longest ago.</li>
 *   <li>Counts are of references while resident ("in-cache" LFU): an evicted page's count is
 *       forgotten and a reloaded page starts again at 1 (the reference that loaded it).
 *       "Perfect" LFU would keep the counts of evicted pages.</li>
 *   <li>Counts never decay, so a page used heavily long ago outlives newer pages (the classic
 *       weakness; LRFU and aging variants decay counts). Reads and writes count alike.</li>
 * </ul>
 */
final class LfuPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("lfu",
            "least frequently used: evict the page with the fewest references (ties: least recent)",
            Visibility.EVERY_REFERENCE, false, false);

    private static final int NONE = -1;

    // Per page: its bucket (NONE when not resident) and its neighbours in the bucket.
    private int[] bucketOf = new int[0];
    private int[] towardTail = new int[0];
    private int[] towardHead = new int[0];

    // Per bucket: count, its pages' ends, its neighbours by count; free buckets chain through higher.
    private long[] count = new long[8];
    private int[] head = new int[8];
    private int[] tail = new int[8];
    private int[] lower = new int[8];
    private int[] higher = new int[8];
    private int buckets;
    private int freeBucket = NONE;
    private int lowest = NONE;

    LfuPolicy(PolicyConfig config, Pool pool) {
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        int bucket = bucketOf[page];
        long next = count[bucket] + 1;
        int target = higher[bucket];
        if (target == NONE || count[target] != next) {
            if (head[bucket] == page && tail[bucket] == page) {
                count[bucket] = next;
                return;
            }
            target = newBucket(next, bucket, target);
        }
        unlink(page);
        pushHead(target, page);
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        if (lowest == NONE) {
            throw new IllegalStateException("lfu: victim for page " + incoming + " at time " + now
                    + " asked of an empty pool");
        }
        int page = tail[lowest];
        unlink(page);
        return page;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        ensurePage(page);
        if (bucketOf[page] != NONE) {
            throw new IllegalArgumentException("lfu: page " + page + " loaded into frame " + frame + " at time " + now
                    + " is already resident");
        }
        int target = lowest != NONE && count[lowest] == 1 ? lowest : newBucket(1, NONE, lowest);
        pushHead(target, page);
    }

    /** The reference count of the resident {@code page} (for tests). */
    long count(int page) {
        return count[bucketOf[page]];
    }

    /** A new empty bucket of {@code value} between {@code below} and {@code above} (either NONE). */
    private int newBucket(long value, int below, int above) {
        int bucket;
        if (freeBucket != NONE) {
            bucket = freeBucket;
            freeBucket = higher[bucket];
        } else {
            if (buckets == count.length) {
                int length = buckets * 2;
                count = Arrays.copyOf(count, length);
                head = Arrays.copyOf(head, length);
                tail = Arrays.copyOf(tail, length);
                lower = Arrays.copyOf(lower, length);
                higher = Arrays.copyOf(higher, length);
            }
            bucket = buckets++;
        }
        count[bucket] = value;
        head[bucket] = NONE;
        tail[bucket] = NONE;
        lower[bucket] = below;
        higher[bucket] = above;
        if (below == NONE) {
            lowest = bucket;
        } else {
            higher[below] = bucket;
        }
        if (above != NONE) {
            lower[above] = bucket;
        }
        return bucket;
    }

    private void pushHead(int bucket, int page) {
        int first = head[bucket];
        towardHead[page] = NONE;
        towardTail[page] = first;
        if (first == NONE) {
            tail[bucket] = page;
        } else {
            towardHead[first] = page;
        }
        head[bucket] = page;
        bucketOf[page] = bucket;
    }

    /** Takes {@code page} out of its bucket, and unlinks and frees the bucket if it empties. */
    private void unlink(int page) {
        int bucket = bucketOf[page];
        int before = towardHead[page];
        int after = towardTail[page];
        if (before == NONE) {
            head[bucket] = after;
        } else {
            towardTail[before] = after;
        }
        if (after == NONE) {
            tail[bucket] = before;
        } else {
            towardHead[after] = before;
        }
        bucketOf[page] = NONE;
        if (head[bucket] != NONE) {
            return;
        }
        int below = lower[bucket];
        int above = higher[bucket];
        if (below == NONE) {
            lowest = above;
        } else {
            higher[below] = above;
        }
        if (above != NONE) {
            lower[above] = below;
        }
        higher[bucket] = freeBucket;
        freeBucket = bucket;
    }

    private void ensurePage(int page) {
        if (page >= 0 && page < bucketOf.length) {
            return;
        }
        int old = bucketOf.length;
        int length = PageArrays.lengthFor(page, old);
        bucketOf = Arrays.copyOf(bucketOf, length);
        towardTail = Arrays.copyOf(towardTail, length);
        towardHead = Arrays.copyOf(towardHead, length);
        Arrays.fill(bucketOf, old, length, NONE);
    }
}
