package dev.pagelab.curve;

import com.carrotsearch.hppc.LongIntHashMap;
import dev.pagelab.replay.TraceTurns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * SHARDS: the LRU curve of one pool estimated from a spatial sample of its pages (Waldspurger,
 * Park, Garthwaite and Ahmad, "Efficient MRC Construction with SHARDS", FAST 2015), in memory
 * bounded by the sample.
 *
 * <ol>
 *   <li>Hash. Each reference's (process, page) is hashed (a 64-bit mix with the seed; the top 32
 *       bits, h); the page is sampled while h &lt; T, so a page is in the sample for all its
 *       references or for none. The rate is R = T / 2^32.</li>
 *   <li>Distance. Only sampled references reach an {@link LruStack} of the sampled pages. A
 *       sampled distance d′ stands for about 1 + (d′ − 1)/R pages (the d′ − 1 sampled pages
 *       above the page stand for (d′ − 1)/R of all pages; the paper scales the 0-based distance
 *       by 1/R), rounded to a frame count; a first reference is a miss at every size.</li>
 *   <li>Weight. A sampled reference stands for 1/R references: the histogram adds 1/R at its
 *       frame count. (Fixed size keeps weights of the rate at the time: the paper rescales the
 *       whole histogram by R′/R when R falls to R′, which is the same up to one factor that cancels
 *       in a ratio.)</li>
 *   <li>Fixed size (s_max). T starts at 2^32 (everything sampled). A new page that would make the
 *       sample hold more than s_max pages lowers T to the largest hash in the sample (kept in a
 *       max-heap) and evicts every page at or above it, or, when its own hash is the largest, lowers
 *       T to its hash and is not sampled.</li>
 *   <li>Miss ratio at C = (weight of misses at C) / N, N the stream's references: the paper's
 *       SHARDS_adj, which adds the difference between the expected and the actual number of
 *       sampled references to the first bucket (hits at every size); with the weights above that
 *       is dividing by N rather than by the sample's estimate of N. Without the adjustment the
 *       divisor is the total weight. Clamped to [0, 1].</li>
 * </ol>
 *
 * <p>Cost: a hash a reference, and the LRU stack's O(log S) for sampled ones. Memory: the sampled
 * pages (R times the pages for a fixed rate, at most s_max for a fixed size), about 60 bytes
 * each, plus 8 bytes a frame count up to the largest scaled distance (or the largest frame count
 * asked for). The input is not interned: it is the replay's raw runs ({@link TraceTurns}, read
 * through {@link Turns}), hashed where they lie in the readers' blocks, so pages that are not
 * sampled cost nothing.
 */
final class ShardsCurves {
    private static final int BLOCK = 1 << 14;
    private static final double SCALE = 0x1p32;

    private final Sampling sampling;
    private final int maxFrames;
    private final LruStack stack;
    private final List<LongIntHashMap> idsOf = new ArrayList<>();
    private final HashHeap largest = new HashHeap();
    private long[] pageOf = new long[16];
    private int[] pidOf = new int[16];
    private int[] freeIds = new int[16];
    private int free;
    private int nextId;
    private int sampledPages;
    private long threshold;
    private final long salt;

    private double[] weights = new double[2];
    private double far;
    private double total;
    private int largestBucket;
    private boolean cut;
    private long sampledReferences;

    ShardsCurves(Sampling sampling, int maxFrames, int initialSlots) {
        this.sampling = sampling;
        this.maxFrames = maxFrames;
        this.stack = new LruStack(initialSlots);
        this.threshold = Math.min((long) SCALE, (long) Math.ceil(sampling.rate() * SCALE));
        this.salt = mix(sampling.seed() ^ 0x5DEE_CE66_DL);
    }

    static SampledCurve build(Turns turns, CurveOptions options, Sampling sampling, int initialSlots,
                              LongConsumer progress) throws IOException {
        ShardsCurves shards = new ShardsCurves(sampling, options.maxFrames(), initialSlots);
        TraceTurns runs = turns.runs;
        long done = 0;
        int inBlock = 0;
        int length;
        while ((length = runs.next(BLOCK - inBlock)) > 0) {
            int pid = runs.runProcess();
            long[] pages = runs.runBlock().pages;
            int from = runs.runFrom();
            for (int i = from; i < from + length; i++) {
                shards.reference(pid, pages[i]);
            }
            done += length;
            inBlock += length;
            if (inBlock == BLOCK) {
                inBlock = 0;
                if (progress != null) {
                    progress.accept(done);
                }
            }
        }
        if (progress != null && inBlock > 0) {
            progress.accept(done);
        }
        return shards.finish(done);
    }

    /** The sampling hash of (process, page): 32 bits, in a long. */
    long hash(int pid, long page) {
        return mix(page ^ salt ^ (pid * 0xC2B2_AE3D_27D4_EB4FL)) >>> 32;
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long mix(long x) {
        long z = x;
        z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return z ^ (z >>> 33);
    }

    void reference(int pid, long page) {
        long h = hash(pid, page);
        if (h >= threshold) {
            return;
        }
        while (pid >= idsOf.size()) {
            idsOf.add(new LongIntHashMap());
        }
        LongIntHashMap ids = idsOf.get(pid);
        int slot = ids.indexOf(page);
        int id;
        if (ids.indexExists(slot)) {
            id = ids.indexGet(slot);
        } else {
            if (sampling.fixedSize() && sampledPages == sampling.maxPages()) {
                // One page too many: the largest hash of the sample and the new page goes, with its equals.
                threshold = Math.max(h, largest.topHash());
                while (largest.size() > 0 && largest.topHash() >= threshold) {
                    forget(largest.popId());
                }
                if (h >= threshold) {
                    return;
                }
                slot = ids.indexOf(page);
            }
            id = newId(pid, page);
            ids.indexInsert(slot, page, id);
            if (sampling.fixedSize()) {
                largest.push(h, id);
            }
        }
        double rate = threshold / SCALE;
        double weight = 1 / rate;
        int distance = stack.reference(id);
        sampledReferences++;
        total += weight;
        if (distance == LruStack.COLD) {
            far += weight;
            return;
        }
        double scaled = 1 + (distance - 1) / rate;
        if (scaled > maxFrames) {
            far += weight;
            cut = true;
            return;
        }
        int bucket = (int) Math.round(scaled);
        if (bucket >= weights.length) {
            weights = Arrays.copyOf(weights, (int) Math.min((long) maxFrames + 1, Math.max(bucket + 1L, 2L * weights.length)));
        }
        weights[bucket] += weight;
        largestBucket = Math.max(largestBucket, bucket);
    }

    private int newId(int pid, long page) {
        int id = free > 0 ? freeIds[--free] : nextId++;
        if (id >= pageOf.length) {
            pageOf = Arrays.copyOf(pageOf, 2 * pageOf.length);
            pidOf = Arrays.copyOf(pidOf, 2 * pidOf.length);
        }
        pageOf[id] = page;
        pidOf[id] = pid;
        stack.ensureIds(id + 1);
        sampledPages++;
        return id;
    }

    private void forget(int id) {
        idsOf.get(pidOf[id]).remove(pageOf[id]);
        stack.remove(id);
        if (free == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, 2 * free);
        }
        freeIds[free++] = id;
        sampledPages--;
    }

    SampledCurve finish(long references) {
        int frames = Math.min(maxFrames, largestBucket);
        double divisor = sampling.adjusted() ? references : total;
        double[] missRatio = new double[frames];
        double misses = far;
        for (int c = frames; c >= 1; c--) {
            missRatio[c - 1] = divisor == 0 ? 0 : Math.clamp(misses / divisor, 0, 1);
            misses += weights[c];
        }
        return new SampledCurve(references, sampledReferences, sampledPages, threshold / SCALE, missRatio,
                !cut, sampling);
    }

    /** A max-heap of (hash, id) over the sampled pages: which to evict when the sample is full. */
    static final class HashHeap {
        private long[] hashes = new long[16];
        private int[] ids = new int[16];
        private int size;

        int size() {
            return size;
        }

        long topHash() {
            return hashes[0];
        }

        void push(long hash, int id) {
            if (size == hashes.length) {
                hashes = Arrays.copyOf(hashes, 2 * size);
                ids = Arrays.copyOf(ids, 2 * size);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (hashes[parent] >= hash) {
                    break;
                }
                hashes[i] = hashes[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            hashes[i] = hash;
            ids[i] = id;
        }

        int popId() {
            int top = ids[0];
            size--;
            long hash = hashes[size];
            int id = ids[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && hashes[child + 1] > hashes[child]) {
                    child++;
                }
                if (hashes[child] <= hash) {
                    break;
                }
                hashes[i] = hashes[child];
                ids[i] = ids[child];
                i = child;
            }
            hashes[i] = hash;
            ids[i] = id;
            return top;
        }
    }
}
