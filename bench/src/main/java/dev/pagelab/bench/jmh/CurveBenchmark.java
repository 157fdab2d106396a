package dev.pagelab.bench.jmh;

import dev.pagelab.curve.CurveCounts;
import dev.pagelab.curve.CurveOptions;
import dev.pagelab.curve.Curves;
import dev.pagelab.curve.ExactCurve;
import dev.pagelab.curve.OptCurve;
import dev.pagelab.curve.Sampling;
import dev.pagelab.hw.Checks;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.SyntheticTrace;
import java.io.IOException;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Faults at many frame counts, in trace references per second: the one-pass LRU curve against
 * one replay a frame count, for {@value #FRAME_COUNTS} frame counts (1 to 16, then spread evenly on
 * a log scale up to {@value #PAGES}), over {@link SyntheticTrace}'s stream of {@value #REFERENCES} references
 * over {@value #PAGES} pages (one process, a quarter of them writes, seed 1).
 *
 * <ul>
 *   <li>{@code lruCurve}: {@link Curves#lru(ReferenceStream, CurveOptions)}, every frame count's
 *       faults and write-backs in one pass.</li>
 *   <li>{@code lruReplays}: {@link Replay#run} once a frame count: the same
 *       {@value #FRAME_COUNTS} points. Its score is references of the trace per second, as the
 *       curve's, so the ratio of the two is the speed-up of a sweep over those frame counts.</li>
 *   <li>{@code optCurve}: {@link Curves#opt(ReferenceStream, CurveOptions)}, every frame count's
 *       OPT faults (each reference's next use computed in the invocation); {@code optReplays}: OPT
 *       replayed once a frame count. The OPT stack walks the next-use records above each page,
 *       many on this trace's loops and scans, so its margin over the replays is far smaller than
 *       LRU's. {@code optCurveWithWritebacks}: {@link Curves#optWithWritebacks}, the pass and
 *       the write-backs at each of the {@value #FRAME_COUNTS} frame counts (what a sweep does).</li>
 *   <li>{@code shardsCurve}: {@link Curves#shards} at R = 0.01, streamed from the generator (the
 *       generator's own time included: SHARDS reads traces, not streams in memory).</li>
 * </ul>
 * The stream is built once, untimed, and the setup checks that the curve's faults and
 * write-backs equal the replays' at the {@value #FRAME_COUNTS} frame counts (an engine that is
 * wrong has no speed worth reporting). Replays and curves run from the stream in memory.
 *
 * <p>Run: {@code ./pagelab jmh CurveBenchmark} (about five minutes).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dpagelab.checks=false", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class CurveBenchmark {
    /** References of the stream. */
    public static final int REFERENCES = 4_000_000;
    /** Pages of the stream. */
    public static final int PAGES = 16_384;
    /** Frame counts the replays cover. */
    public static final int FRAME_COUNTS = 64;

    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final CurveOptions OPTIONS = CurveOptions.of(Scope.GLOBAL);

    private SyntheticTrace.Config config;
    private ReferenceStream stream;
    private int[] frames;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (Checks.ENABLED) {
            throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be"
                    + " meaningless");
        }
        config = SyntheticTrace.Config.of(REFERENCES, PAGES);
        stream = ReferenceStream.load(List.of(SyntheticTrace.reader(config)), ReplayConfig.DEFAULT_QUANTUM);
        frames = logSpaced(FRAME_COUNTS, PAGES);
        ExactCurve curve = Curves.lru(stream, OPTIONS);
        for (int f : frames) {
            var replayed = Replay.run(stream, List.of("lru"), ReplayConfig.of(f, Scope.GLOBAL), REGISTRY, null)
                    .policy("lru");
            if (replayed.faults() != curve.faultsAt(f) || replayed.writebacks() != curve.writebacksAt(f)) {
                throw new IllegalStateException("at " + f + " frames the curve counts " + curve.faultsAt(f) + " faults and "
                        + curve.writebacksAt(f) + " write-backs, the replay " + replayed.faults() + " and "
                        + replayed.writebacks());
            }
        }
        OptCurve opt = Curves.optWithWritebacks(stream, OPTIONS);
        for (int f : frames) {
            var replayed = Replay.run(stream, List.of("opt"), ReplayConfig.of(f, Scope.GLOBAL), REGISTRY, null)
                    .policy("opt");
            CurveCounts counts = opt.countsAt(f);
            if (replayed.faults() != counts.totalFaults() || replayed.writebacks() != counts.totalWritebacks()) {
                throw new IllegalStateException("at " + f + " frames OPT's curve counts " + counts + ", the replay "
                        + replayed.faults() + " faults and " + replayed.writebacks() + " write-backs");
            }
        }
    }

    /** 1 to 16, then {@code count} − 16 frame counts from 17 to {@code largest}, evenly spread on a log scale. */
    static int[] logSpaced(int count, int largest) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (int f = 1; f <= 16; f++) {
            counts.add(f);
        }
        int spread = count - 16;
        for (int i = 0; i < spread; i++) {
            counts.add((int) Math.round(17 * Math.pow(largest / 17.0, (double) i / (spread - 1))));
        }
        if (counts.size() != count) {
            throw new IllegalStateException(count + " frame counts up to " + largest + " repeat one: " + counts);
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Benchmark
    @OperationsPerInvocation(REFERENCES)
    public long lruCurve() {
        return Curves.lru(stream, OPTIONS).faultsAt(frames[FRAME_COUNTS / 2]);
    }

    @Benchmark
    @OperationsPerInvocation(REFERENCES)
    public long lruReplays() {
        return replays("lru");
    }

    @Benchmark
    @OperationsPerInvocation(REFERENCES)
    public long optCurve() {
        return Curves.opt(stream, OPTIONS).faultsAt(frames[FRAME_COUNTS / 2]);
    }

    @Benchmark
    @OperationsPerInvocation(REFERENCES)
    public long optCurveWithWritebacks() {
        OptCurve curve = Curves.optWithWritebacks(stream, OPTIONS);
        long sum = 0;
        for (int f : frames) {
            sum += curve.countsAt(f).totalWritebacks();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(REFERENCES)
    public long optReplays() {
        return replays("opt");
    }

    /** {@code policy} replayed once a frame count; the sum of the faults. */
    private long replays(String policy) {
        long sum = 0;
        for (int f : frames) {
            sum += Replay.run(stream, List.of(policy), ReplayConfig.of(f, Scope.GLOBAL), REGISTRY, null).policy(policy)
                    .faults();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(REFERENCES)
    public double shardsCurve() throws IOException {
        return Curves.shards(List.of(SyntheticTrace.reader(config)), OPTIONS, Sampling.fixedRate(0.01), null)
                .missRatioAt(frames[FRAME_COUNTS / 2]);
    }
}
