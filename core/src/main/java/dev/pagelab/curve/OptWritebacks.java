package dev.pagelab.curve;

import java.util.Arrays;

/**
 * OPT's write-backs in one pool at any frame count, from what one pass of the {@link OptStack}
 * recorded: exactly what {@code pagelab replay --policy opt} counts, tie rule included.
 *
 * <p><b>Two kinds of eviction.</b> With C frames a page is evicted either between two of its
 * references (it is <i>live</i>: used again) or after its last one (it is <i>dead</i>):
 * <ul>
 *   <li>Live evictions need no ties: the page is resident after each reference, and its next
 *       reference misses exactly when its stack distance is above C, so it was evicted in between
 *       at every C below that distance. Whether it was dirty then follows from the distances too
 *       (a write dirties it at every C; a read at distance d reloads it clean at every C &lt; d),
 *       so these write-backs are counted during the pass at every frame count at once, as for LRU
 *       ({@link LruCurves}): a difference array in {@link DistanceCounts}.</li>
 *   <li>Dead evictions depend on the tie rule. A page never used again has next use ∞, so OPT
 *       evicts a dead page whenever one is resident, and among several the replay's OPT takes the
 *       one <i>loaded</i> earliest ({@code OptPolicy}). Load times differ from one frame count to
 *       the next (a page is loaded at its last miss), so which dead pages are still resident at
 *       the end, and never written back, is not a stack property: it is simulated here, a frame
 *       count at a time, on the dead pages only.</li>
 * </ul>
 *
 * <p><b>The dead pages at C frames</b> ({@link #deadWritebacks}). Everything the simulation needs
 * is fixed by the distances, which do not depend on ties:
 * <pre>
 *   a page dies          at its last reference (pool time), in the order of {@code deathOrder}
 *   its load time at C   its last reference at distance &gt; C: found in its staircase, the
 *                        references whose distance is above every later one's (newest first,
 *                        distances rising to the first reference's ∞)
 *   an eviction at C     every reference at distance &gt; C after the C-th first reference (the
 *                        frames are full from then on): the next one after time t is found in a
 *                        max tree over the distances, in blocks of {@value #BLOCK}
 *   the victim           the dead page with the earliest load time, if any dead page is resident
 * </pre>
 * So: a min-heap of resident dead pages by load time; whenever it is not empty, jump to the next
 * eviction, first adding the pages that died before it, and take the earliest loaded. A dead page
 * taken is a write-back when it was dirty at C after its last reference (its {@code dirtyFrom} ≤
 * C). The pages left in the heap at the end stay resident and are never written back (the
 * replay flushes nothing at the end). A frame count costs O(P · (log P + log(N/{@value #BLOCK})
 * + {@value #BLOCK})) for P pages and N references in the pool, however long the trace: the
 * references between two evictions of dead pages are skipped, not read.
 *
 * <p>Memory: 4 bytes a reference of the pool (its distances) and 1/{@value #BLOCK} of that for
 * the tree; about 24 bytes a page (death time and order, dirty threshold, staircase).
 * Thread-safe: {@link #deadWritebacks} only reads.
 */
final class OptWritebacks {
    /** References a leaf of the distance tree covers. */
    static final int BLOCK = 32;
    /** A distance that misses at every frame count: a first reference. */
    static final int INFINITE = Integer.MAX_VALUE;
    /** {@code dirtyFrom} of a page clean at every frame count. */
    static final int NEVER_DIRTY = Integer.MAX_VALUE;

    private final int pages;
    private final int length;
    private final int[] distance;
    private final int leaves;
    private final int[] blockMax;
    private final int[] coldTime;
    private final int[] deathOrder;
    private final int[] deathTime;
    private final int[] dirtyFrom;
    private final int[] stairStart;
    private final int[] stairTime;
    private final int[] stairDistance;
    private final int[] ownerOf;
    private final int owners;

    private OptWritebacks(Recorder r, int[] ownerOf, int owners) {
        if (r.seen != r.pages) {
            throw new IllegalStateException("a pool of " + r.pages + " pages saw " + r.seen + " of them");
        }
        pages = r.pages;
        length = r.time;
        distance = r.distance;
        coldTime = r.coldTime;
        dirtyFrom = r.dirtyFrom;
        this.ownerOf = ownerOf;
        this.owners = owners;
        // Pages in the order they die (last references are distinct times).
        long[] byDeath = new long[pages];
        for (int page = 0; page < pages; page++) {
            byDeath[page] = (long) r.lastTime[page] << 32 | page;
        }
        Arrays.sort(byDeath);
        deathOrder = new int[pages];
        deathTime = new int[pages];
        for (int k = 0; k < pages; k++) {
            deathOrder[k] = (int) byDeath[k];
            deathTime[k] = (int) (byDeath[k] >>> 32);
        }
        // Staircases, newest first, one run a page.
        stairStart = new int[pages + 1];
        for (int page = 0; page < pages; page++) {
            int steps = 0;
            for (int node = r.head[page]; node >= 0; node = r.nodeNext[node]) {
                steps++;
            }
            stairStart[page + 1] = stairStart[page] + steps;
        }
        stairTime = new int[stairStart[pages]];
        stairDistance = new int[stairStart[pages]];
        for (int page = 0; page < pages; page++) {
            int at = stairStart[page];
            for (int node = r.head[page]; node >= 0; node = r.nodeNext[node]) {
                stairTime[at] = r.nodeTime[node];
                stairDistance[at] = r.nodeDistance[node];
                at++;
            }
        }
        int blocks = Math.max(1, (length + BLOCK - 1) / BLOCK);
        int size = 1;
        while (size < blocks) {
            size <<= 1;
        }
        leaves = size;
        blockMax = new int[2 * size];
        for (int t = 0; t < length; t++) {
            int leaf = size + t / BLOCK;
            blockMax[leaf] = Math.max(blockMax[leaf], distance[t]);
        }
        for (int i = size - 1; i >= 1; i--) {
            blockMax[i] = Math.max(blockMax[2 * i], blockMax[2 * i + 1]);
        }
    }

    /** The pool's distinct pages. */
    int pages() {
        return pages;
    }

    /**
     * The write-backs of dead pages with {@code frames} frames in this pool, by owner (the
     * process a page belongs to under global scope; index 0 for a process's own pool).
     */
    long[] deadWritebacks(int frames) {
        long[] counts = new long[owners];
        if (frames < 1 || frames >= pages) {
            return counts; // without an eviction there is no write-back
        }
        int full = coldTime[frames - 1];
        long[] heap = new long[Math.min(pages, 64)];
        int size = 0;
        int next = 0;
        int now = -1;
        while (true) {
            if (size == 0) {
                if (next == pages) {
                    break;
                }
                heap = push(heap, size++, deadEntry(deathOrder[next], frames));
                now = deathTime[next++];
            }
            int eviction = nextMiss(Math.max(now, full) + 1, frames);
            if (eviction < 0) {
                break;
            }
            // The page referenced at the eviction is the one coming in: it is not yet a candidate.
            while (next < pages && deathTime[next] < eviction) {
                heap = push(heap, size++, deadEntry(deathOrder[next++], frames));
            }
            int victim = (int) heap[0];
            size = pop(heap, size);
            if (dirtyFrom[victim] <= frames) {
                counts[ownerOf == null ? 0 : ownerOf[victim]]++;
            }
            now = eviction;
        }
        return counts;
    }

    /** A heap entry: the page's load time with {@code frames} frames, then the page. */
    private long deadEntry(int page, int frames) {
        // Newest first, distances rising: the first step above the frames is the last miss.
        int lo = stairStart[page];
        int hi = stairStart[page + 1] - 1; // the first reference's step, at ∞
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stairDistance[mid] > frames) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return (long) stairTime[lo] << 32 | page;
    }

    /** The first pool time at or after {@code from} whose reference misses with {@code frames} frames, or −1. */
    int nextMiss(int from, int frames) {
        if (from >= length) {
            return -1;
        }
        int blockEnd = Math.min(length, (from / BLOCK + 1) * BLOCK);
        for (int t = from; t < blockEnd; t++) {
            if (distance[t] > frames) {
                return t;
            }
        }
        int block = MaxTrees.firstAbove(blockMax, leaves, from / BLOCK + 1, frames);
        if (block < 0) {
            return -1;
        }
        for (int t = block * BLOCK, end = Math.min(length, t + BLOCK); t < end; t++) {
            if (distance[t] > frames) {
                return t;
            }
        }
        throw new AssertionError("block " + block + " holds a distance above " + frames + " but none was found");
    }

    private static long[] push(long[] heap, int size, long entry) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, 2 * size);
        }
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= entry) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
        return heap;
    }

    /** Removes the smallest entry; returns the new size. */
    private static int pop(long[] heap, int size) {
        int last = --size;
        long entry = heap[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= entry) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = entry;
        }
        return size;
    }

    /**
     * Records a pool's references during the pass, in pool time: each distance, each page's first
     * and last reference, its dirty threshold and its staircase; and counts the live write-backs
     * into the {@link DistanceCounts} given.
     */
    static final class Recorder {
        private final int[] distance;
        private final int pages;
        private final int[] coldTime;
        private final int[] lastTime;
        private final int[] dirtyFrom;
        private final int[] head;
        private int time;
        private int seen;
        private int[] nodeTime = new int[64];
        private int[] nodeDistance = new int[64];
        private int[] nodeNext = new int[64];
        private int nodes;
        private int free = -1;

        /**
         * @param distance where the distances go, one a reference of the pool in pool time (may be
         *                 the array of next uses when each is read before it is written)
         * @param pages    the pool's distinct pages: its ids are 0 … pages − 1
         */
        Recorder(int[] distance, int pages) {
            this.distance = distance;
            this.pages = pages;
            coldTime = new int[pages];
            lastTime = new int[pages];
            dirtyFrom = new int[pages];
            head = new int[pages];
        }

        /**
         * The reference at the pool's next time to {@code page} (pool id), at {@code stackDistance}
         * ({@link LruStack#COLD} for its first reference); its live write-backs go to {@code counts}.
         */
        void reference(int page, int stackDistance, boolean write, DistanceCounts counts) {
            int t = time++;
            int d = stackDistance == LruStack.COLD ? INFINITE : stackDistance;
            distance[t] = d;
            if (stackDistance == LruStack.COLD) {
                coldTime[seen++] = t;
                head[page] = -1;
                dirtyFrom[page] = write ? 1 : NEVER_DIRTY;
            } else {
                int m = dirtyFrom[page];
                counts.dirtyEvictions(m, d);
                dirtyFrom[page] = write ? 1 : Math.max(m, d);
                // Steps no higher than this one are no longer above every later distance.
                int node = head[page];
                while (nodeDistance[node] <= d) {
                    int below = nodeNext[node];
                    nodeNext[node] = free;
                    free = node;
                    node = below;
                }
                head[page] = node;
            }
            lastTime[page] = t;
            head[page] = step(t, d, head[page]);
        }

        private int step(int t, int d, int below) {
            int node = free;
            if (node >= 0) {
                free = nodeNext[node];
            } else {
                if (nodes == nodeTime.length) {
                    int grown = 2 * nodes;
                    nodeTime = Arrays.copyOf(nodeTime, grown);
                    nodeDistance = Arrays.copyOf(nodeDistance, grown);
                    nodeNext = Arrays.copyOf(nodeNext, grown);
                }
                node = nodes++;
            }
            nodeTime[node] = t;
            nodeDistance[node] = d;
            nodeNext[node] = below;
            return node;
        }

        /**
         * What was recorded, ready to count; {@code ownerOf} maps a pool page to its process
         * ({@code owners} of them), or is null for a process's own pool.
         */
        OptWritebacks finish(int[] ownerOf, int owners) {
            return new OptWritebacks(this, ownerOf, owners);
        }
    }
}
