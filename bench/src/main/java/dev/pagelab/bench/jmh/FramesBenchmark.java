package dev.pagelab.bench.jmh;

import dev.pagelab.bench.FramesWorkload;
import dev.pagelab.hw.Checks;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.Locale;
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
 * The churn step of {@link FramesWorkload}, one free and one allocation of a single frame, in
 * nanoseconds, for each allocator that can free: {@code bitmap}, {@code free-list} and
 * {@code buddy} ({@code bump} cannot free).
 *
 * <p>{@link #setUp()} builds the machine (4 GiB by default, {@code -p memory=1G} for a smaller
 * one) and runs the fill, outside the measurement; each invocation runs the next {@value #BATCH}
 * steps of the one xorshift64* stream (seed 42), continuing across iterations, and returns the
 * sum of the frames allocated, which JMH consumes. {@link OperationsPerInvocation} makes the
 * score read as nanoseconds per step. One fork per allocator keeps the JIT profile of one
 * allocator out of the others' call sites. The fork gets {@code -Dpagelab.checks=false}
 * appended, so invariant checks are off even when the launching JVM had them on;
 * {@link #setUp()} refuses to run otherwise. The fork also gets {@code -Xmx6g}: an allocator
 * that links free frames through themselves (free-list, buddy) writes into random frames of the
 * machine as it churns, and each written 4 KiB page of simulated RAM is 4 KiB of Java heap.
 *
 * <p>The teardown checks the allocator's invariants once and prints nothing: a benchmark reports
 * a number; it never fails a build over speed.
 *
 * <p>Run: {@code ./pagelab jmh FramesBenchmark} (about a minute).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dpagelab.checks=false", "-Xmx6g"})
@State(Scope.Thread)
public class FramesBenchmark {
    /** Churn steps per invocation. */
    public static final int BATCH = 1024;

    @Param({"bitmap", "free-list", "buddy"})
    public String allocator;

    /** The machine's size: {@code 4G}, {@code 1G}, {@code 256M}, ... (binary units). */
    @Param({"4G"})
    public String memory;

    private FramesWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        if (Checks.ENABLED) {
            throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be meaningless");
        }
        workload = new FramesWorkload(FrameAllocatorRegistry.builtIn(), allocator, bytes(memory));
        workload.fill();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long churn() {
        return workload.churn(BATCH);
    }

    @TearDown(Level.Trial)
    public void checkInvariants() {
        workload.allocator().checkInvariants();
    }

    /** {@code 4G} as 4 GiB, {@code 256M}, {@code 4096K}, or a number of bytes. */
    static long bytes(String size) {
        String s = size.strip().toUpperCase(Locale.ROOT);
        int shift = s.endsWith("G") ? 30 : s.endsWith("M") ? 20 : s.endsWith("K") ? 10 : 0;
        return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
    }
}
