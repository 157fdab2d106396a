package dev.pagelab.bench.jmh;

import dev.pagelab.bench.TranslateWorkload;
import dev.pagelab.hw.Checks;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Mmu.translate} throughput, in translations per second, for each pattern of
 * {@link TranslateWorkload}: {@code tlb-hit} (every access hits the default TLB) and
 * {@code walk} (no TLB, every access is a full two-level walk).
 *
 * <p>The workload is built, primed and checked in {@link #setUp()}, outside the measurement;
 * each invocation translates the next {@value #BATCH} precomputed accesses and returns their
 * checksum, which JMH consumes. {@link OperationsPerInvocation} makes the score read as
 * translations per second. One fork per pattern keeps the JIT profile of one pattern out of
 * the other. The fork gets {@code -Dpagelab.checks=false} appended, so invariant checks are
 * off even when the launching JVM had them on; {@link #setUp()} refuses to run otherwise.
 *
 * <p>Run: {@code ./pagelab jmh TranslateBenchmark} (about 20 s).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dpagelab.checks=false")
@State(Scope.Thread)
public class TranslateBenchmark {
    /** Translations per invocation. */
    public static final int BATCH = 4096;

    @Param({"tlb-hit", "walk"})
    public String pattern;

    private TranslateWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        if (Checks.ENABLED) {
            throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be meaningless");
        }
        workload = new TranslateWorkload(TranslateWorkload.Pattern.byId(pattern));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long translate() {
        return workload.run(BATCH);
    }

    @TearDown(Level.Trial)
    public void checkSteadyState() {
        workload.checkSteadyState();
    }
}
