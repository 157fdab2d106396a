package dev.pagelab.bench.jmh;

import dev.pagelab.bench.HeapWorkload;
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
 * One step of {@link HeapWorkload} (a kmalloc of a log-uniform 8 B-4 KiB size, or a kfree, with
 * about half of the slots live) in nanoseconds, on the booted kernel of {@code qemu-pc-128M},
 * for each frame allocator behind kmmap. The fill runs in {@link #setUp()}; each invocation runs
 * the next {@value #BATCH} steps of the one xorshift64* stream. Checks are off in the fork.
 *
 * <p>Run: {@code ./pagelab jmh HeapBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dpagelab.checks=false")
@State(Scope.Thread)
public class HeapBenchmark {
    /** Steps per invocation. */
    public static final int BATCH = 1024;

    @Param({"bitmap", "buddy"})
    public String allocator;

    private HeapWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        if (Checks.ENABLED) {
            throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be meaningless");
        }
        workload = new HeapWorkload(HeapWorkload.DEFAULT_MACHINE, allocator, HeapWorkload.DEFAULT_SLOTS);
        workload.fill();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long step() {
        return workload.run(BATCH);
    }

    @TearDown(Level.Trial)
    public void checkInvariants() {
        workload.kernel().checkInvariants();
    }
}
