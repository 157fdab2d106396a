package dev.pagelab.curve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHARDS the slow and obvious way, as the oracle of {@link ShardsCurves}: the sample in a
 * {@code HashMap}, the LRU stack a list searched from the top, the histogram a {@code TreeMap};
 * the hash is the one under test ({@link ShardsCurves#hash}), since which pages are sampled is
 * not what is checked.
 */
final class NaiveShards {
    private final ShardsCurves hashing;
    private final Sampling sampling;
    private final Map<List<Long>, Long> sample = new HashMap<>();
    private final List<List<Long>> stack = new ArrayList<>();
    private final TreeMap<Integer, Double> histogram = new TreeMap<>();
    private double threshold;
    private double cold;
    private double total;
    private long references;

    NaiveShards(Sampling sampling) {
        this.hashing = new ShardsCurves(sampling, CurveOptions.ALL_FRAMES, LruStack.DEFAULT_SLOTS);
        this.sampling = sampling;
        this.threshold = Math.min(0x1p32, Math.ceil(sampling.rate() * 0x1p32));
    }

    void reference(int pid, long page) {
        references++;
        long h = hashing.hash(pid, page);
        if (h >= threshold) {
            return;
        }
        List<Long> key = List.of((long) pid, page);
        if (!sample.containsKey(key)) {
            if (sampling.fixedSize() && sample.size() == sampling.maxPages()) {
                long largest = sample.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                threshold = Math.max(h, largest);
                sample.entrySet().removeIf(e -> e.getValue() >= threshold);
                stack.removeIf(k -> !sample.containsKey(k));
                if (h >= threshold) {
                    return;
                }
            }
            sample.put(key, h);
        }
        double rate = threshold / 0x1p32;
        total += 1 / rate;
        int position = stack.indexOf(key);
        if (position < 0) {
            cold += 1 / rate;
        } else {
            stack.remove(position);
            double scaled = 1 + position / rate;
            histogram.merge((int) Math.round(scaled), 1 / rate, Double::sum);
        }
        stack.add(0, key);
    }

    /** The miss ratio with {@code frames} frames. */
    double missRatioAt(int frames) {
        double misses = cold;
        for (Map.Entry<Integer, Double> e : histogram.tailMap(frames, false).entrySet()) {
            misses += e.getValue();
        }
        double divisor = sampling.adjusted() ? references : total;
        return divisor == 0 ? 0 : Math.clamp(misses / divisor, 0, 1);
    }

    int sampledPages() {
        return sample.size();
    }
}
