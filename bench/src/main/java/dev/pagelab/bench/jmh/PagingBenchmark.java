package dev.pagelab.bench.jmh;

import dev.pagelab.bench.PagingWorkload;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
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
 * The pairs of {@link PagingWorkload}, in nanoseconds a pair, for each way the kernel reaches
 * its page tables ({@code temporary-mapping}, {@code recursive}, {@code direct-map}):
 * <ul>
 *   <li>{@link #mapUnmap}: {@code mapPage} + {@code unmapPage} of the next page of the set, with
 *       the page tables kept ({@code table-kept}) or allocated, zeroed and freed by every pair
 *       ({@code table-churn});</li>
 *   <li>{@link #kmmapKunmap}: {@code kmmap(pages * 4096)} + {@code kunmap} for
 *       {@code pages} = 1, 8 and 64 ({@code -p pages=2,4} for others, up to 64).</li>
 * </ul>
 *
 * <p>Each state boots its kernel ({@code qemu-pc-128M} by default, {@code -p machine=...};
 * allocator {@code bitmap}, {@code -p allocator=buddy}; 4 KiB kernel pages, the default TLB)
 * and sets the workload up in its trial setup, outside the measurement. An invocation runs
 * {@value #BATCH} pairs and returns the workload's sum, which JMH consumes;
 * {@link OperationsPerInvocation} makes the score read as nanoseconds a pair. One fork per
 * parameter set keeps the JIT profile of one strategy out of the others' call sites. The fork
 * gets {@code -Dpagelab.checks=false} appended, so invariant checks are off even when the
 * launching JVM had them on; the setup refuses to run otherwise.
 *
 * <p>The teardown checks that map-unmap allocated the page tables its variant promises, gives
 * the workload back and checks the kernel's invariants; it prints nothing: a benchmark reports a
 * number and never fails a build over speed.
 *
 * <p>Run: {@code ./pagelab jmh PagingBenchmark} (about 2.5 minutes:
 * 15 forks).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dpagelab.checks=false")
public class PagingBenchmark {
    /** Pairs per invocation. */
    public static final int BATCH = 64;

    /** What both states share: the kernel and the workload on it. */
    @State(Scope.Thread)
    public abstract static class Booted {
        @Param({"temporary-mapping", "recursive", "direct-map"})
        public String strategy;

        @Param({PagingWorkload.DEFAULT_MACHINE})
        public String machine;

        @Param({"bitmap"})
        public String allocator;

        PagingWorkload workload;

        void boot() {
            if (Checks.ENABLED) {
                throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be"
                        + " meaningless");
            }
            KernelConfig config = new KernelConfig(allocator, TableAccessStrategy.byName(strategy), false,
                    TlbConfig.DEFAULT);
            workload = new PagingWorkload(Kernel.boot(machine, config));
        }

        void release() {
            workload.release();
            workload.kernel().checkInvariants();
        }
    }

    /** map-unmap of one variant. */
    @State(Scope.Thread)
    public static class MapUnmap extends Booted {
        @Param({"table-kept", "table-churn"})
        public String variant;

        private PagingWorkload.Counters start;
        private long pairs;

        @Setup(Level.Trial)
        public void setUp() {
            boot();
            workload.setVariant(PagingWorkload.Variant.byId(variant));
            start = workload.counters();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            workload.checkTables(pairs, workload.counters().minus(start));
            release();
        }
    }

    /** kmmap-kunmap of one size. */
    @State(Scope.Thread)
    public static class Kmmap extends Booted {
        @Param({"1", "8", "64"})
        public int pages;

        @Setup(Level.Trial)
        public void setUp() {
            PagingWorkload.checkKmmapPages(pages);
            boot();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mapUnmap(MapUnmap state) {
        state.pairs += BATCH;
        return state.workload.mapUnmap(BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long kmmapKunmap(Kmmap state) {
        return state.workload.kmmapKunmap(state.pages, BATCH);
    }
}
