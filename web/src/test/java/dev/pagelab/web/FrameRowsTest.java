package dev.pagelab.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.scenario.ScenarioReader;
import dev.pagelab.scenario.ScenarioRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameRows} against a naive reading of the same frames, one frame at a time: a booted
 * machine's accounting with random owners and processes written over a stretch of it, then random
 * ranges and budgets.
 */
class FrameRowsTest {
    private static final FrameOwner[] WRITABLE = {FrameOwner.FREE, FrameOwner.ALLOCATED, FrameOwner.HEAP,
            FrameOwner.PAGE_TABLE, FrameOwner.KERNEL_DATA, FrameOwner.PROCESS};

    private static FrameAccounting booted() {
        return ScenarioRunner.boot(ScenarioReader.parse("examples/seeds-walkthrough.yaml",
                ApiClient.example("seeds-walkthrough.yaml"), null), ScenarioRunner.Options.DEFAULT).kernel().accounting();
    }

    /** Writes random owners (runs of 1 to 8 frames, processes 1 to 4) over [base, base + frames). */
    private static void scramble(FrameAccounting accounting, RandomGenerator random, long base, long frames) {
        for (long pfn = base; pfn < base + frames; ) {
            long length = Math.min(base + frames - pfn, 1 + random.nextInt(8));
            FrameOwner owner = WRITABLE[random.nextInt(WRITABLE.length)];
            if (owner == FrameOwner.PROCESS) {
                int pid = 1 + random.nextInt(4);
                for (long f = pfn; f < pfn + length; f++) {
                    accounting.recordProcess(f, pid);
                }
            } else {
                accounting.record(pfn, length, owner);
            }
            pfn += length;
        }
    }

    /** The naive runs of [from, to): a frame at a time. */
    private static List<FrameRows.Run> naiveRuns(FrameAccounting a, long from, long to) {
        List<FrameRows.Run> out = new ArrayList<>();
        long start = from;
        for (long pfn = from + 1; pfn <= to; pfn++) {
            if (pfn == to || a.ownerOf(pfn) != a.ownerOf(start) || a.processOf(pfn) != a.processOf(start)) {
                out.add(new FrameRows.Run(start, pfn, StateViews.key(a.ownerOf(start)), a.processOf(start)));
                start = pfn;
            }
        }
        return out;
    }

    private static long aligned(long from, long to, long bucketFrames) {
        return (to - 1) / bucketFrames - from / bucketFrames + 1;
    }

    @Test
    void of_randomOwnersRangesAndBudgets_isExactWhenTheRunsFit_andCountedBucketsOtherwise() {
        int exact = 0;
        int summaries = 0;
        int mixed = 0;
        int merged = 0;
        int processDominant = 0;
        for (long seed = 1; seed <= 12; seed++) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            FrameAccounting a = booted();
            long base = 0x800 + random.nextInt(0x400);
            long frames = 256 + random.nextInt(2048);
            scramble(a, random, base, frames);
            for (int step = 0; step < 40; step++) {
                String where = "seed " + seed + ", step " + step;
                // mostly over the scrambled stretch; now and then anywhere, or up to the top of the map
                long from = random.nextInt(8) > 0 ? base - random.nextInt(64) : random.nextLong(a.topPfn() - 1);
                long to = step % 10 == 0 ? a.topPfn()
                        : Math.min(a.topPfn(), from + 1 + random.nextLong(random.nextBoolean() ? 64 : frames + 128));
                int maxRuns = 1 + random.nextInt(random.nextBoolean() ? 8 : 600);
                List<FrameRows.Run> truth = naiveRuns(a, from, to);
                FrameRows.Rows rows = FrameRows.of(a, from, to, maxRuns);
                assertThat(rows.fromPfn()).as(where).isEqualTo(from);
                assertThat(rows.toPfn()).as(where).isEqualTo(to);
                switch (rows) {
                    case FrameRows.Exact e -> {
                        exact++;
                        assertThat(truth.size()).as("%s: %d runs fit %d", where, truth.size(), maxRuns).isLessThanOrEqualTo(maxRuns);
                        assertThat(e.runs()).as(where).isEqualTo(truth);
                    }
                    case FrameRows.Summary s -> {
                        summaries++;
                        assertThat(truth.size()).as("%s: %d runs exceed %d", where, truth.size(), maxRuns).isGreaterThan(maxRuns);
                        long b = s.bucketFrames();
                        assertThat(Long.bitCount(b)).as("%s: bucket of %d frames, a power of two", where, b).isEqualTo(1);
                        assertThat(aligned(from, to, b)).as(where).isLessThanOrEqualTo(maxRuns);
                        assertThat(aligned(from, to, b / 2)).as("%s: %d frames is the smallest bucket", where, b)
                                .isGreaterThan(maxRuns);
                        assertThat(s.buckets().size()).as(where).isLessThanOrEqualTo(maxRuns);
                        long next = from;
                        for (FrameRows.Bucket bucket : s.buckets()) {
                            String at = where + ", bucket " + bucket;
                            assertThat(bucket.startPfn()).as(at).isEqualTo(next);
                            assertThat(bucket.startPfn() == from || bucket.startPfn() % b == 0).as(at).isTrue();
                            assertThat(bucket.endPfn() == to || bucket.endPfn() % b == 0).as(at).isTrue();
                            checkBucket(a, bucket, b, at);
                            mixed += bucket.uniform() ? 0 : 1;
                            merged += bucket.endPfn() - bucket.startPfn() > b ? 1 : 0;
                            processDominant += bucket.owner().equals("process") && !bucket.uniform() ? 1 : 0;
                            next = bucket.endPfn();
                        }
                        assertThat(next).as(where).isEqualTo(to);
                    }
                }
            }
        }
        assertThat(exact).as("exact answers").isGreaterThan(50);
        assertThat(summaries).as("summaries").isGreaterThan(50);
        assertThat(mixed).as("buckets of several owners").isGreaterThan(100);
        assertThat(merged).as("uniform buckets merged").isGreaterThan(20);
        assertThat(processDominant).as("mixed buckets where processes dominate").isGreaterThan(5);
    }

    /** A bucket's counts, dominant owner and process, and uniformity, from its frames one at a time. */
    private static void checkBucket(FrameAccounting a, FrameRows.Bucket bucket, long bucketFrames, String at) {
        long[] perOwner = new long[FrameOwner.values().length];
        Map<Integer, Long> pids = new LinkedHashMap<>();
        for (long pfn = bucket.startPfn(); pfn < bucket.endPfn(); pfn++) {
            perOwner[a.ownerOf(pfn).ordinal()]++;
            if (a.ownerOf(pfn) == FrameOwner.PROCESS) {
                pids.merge(a.processOf(pfn), 1L, Long::sum);
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (FrameOwner o : FrameOwner.values()) {
            if (perOwner[o.ordinal()] > 0) {
                counts.put(StateViews.key(o), perOwner[o.ordinal()]);
            }
        }
        assertThat(bucket.counts()).as(at).isEqualTo(counts);
        assertThat(List.copyOf(bucket.counts().keySet())).as("%s: counts in owner order", at)
                .isEqualTo(List.copyOf(counts.keySet()));
        long most = counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        String dominant = counts.entrySet().stream().filter(e -> e.getValue() == most).findFirst().orElseThrow().getKey();
        assertThat(bucket.owner()).as(at).isEqualTo(dominant);
        if (dominant.equals("process")) {
            long top = pids.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            int pid = pids.entrySet().stream().filter(e -> e.getValue() == top).mapToInt(Map.Entry::getKey).min().orElseThrow();
            assertThat(bucket.pid()).as(at).isEqualTo(pid);
        } else {
            assertThat(bucket.pid()).as(at).isEqualTo(-1);
        }
        assertThat(bucket.uniform()).as(at).isEqualTo(counts.size() == 1 && pids.size() <= 1);
        if (bucket.endPfn() - bucket.startPfn() > bucketFrames) {
            assertThat(bucket.uniform()).as("%s: only uniform buckets merge", at).isTrue();
        }
    }

    @Test
    void of_badRangeOrBudget_isRefusedNamingTheValues() {
        FrameAccounting a = booted();
        long top = a.topPfn();
        assertThatThrownBy(() -> FrameRows.of(a, 10, 10, 8)).isInstanceOf(ApiException.class)
                .hasMessageContaining("from 10 to 10").hasMessageContaining(String.valueOf(top));
        assertThatThrownBy(() -> FrameRows.of(a, 0, top + 1, 8)).hasMessageContaining("to " + (top + 1));
        assertThatThrownBy(() -> FrameRows.of(a, top, FrameRows.TO_TOP, 8)).hasMessageContaining("from " + top);
        assertThatThrownBy(() -> FrameRows.of(a, 0, 8, 0)).hasMessageContaining("maxRuns 0");
        assertThatThrownBy(() -> FrameRows.of(a, 0, 8, FrameRows.MAX_RUNS + 1)).hasMessageContaining("maxRuns 65537");
    }

    @Test
    void of_oneRunAllowed_givesOneBucketOverAWholeMixedMap() {
        FrameAccounting a = booted();
        FrameRows.Rows rows = FrameRows.of(a, 0, FrameRows.TO_TOP, 1);
        assertThat(rows).isInstanceOf(FrameRows.Summary.class);
        List<FrameRows.Bucket> buckets = ((FrameRows.Summary) rows).buckets();
        assertThat(buckets).hasSize(1);
        long sum = buckets.get(0).counts().values().stream().mapToLong(Long::longValue).sum();
        assertThat(sum).isEqualTo(a.topPfn());
        assertThat(buckets.get(0).owner()).isEqualTo("not-in-map");
    }
}
