package dev.pagelab.bench.jmh;

import dev.pagelab.hw.Checks;
import dev.pagelab.ostep.Ostep;
import dev.pagelab.ostep.OstepEnvironment;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole run of {@code pagelab ostep paging-policy -s 0 -n 100000 -m 200 -C 100 -p POLICY -c -N}
 * (issue 15's workload: option parsing, 100,000 references from {@code PythonRandom}, the policy,
 * the FINALSTATS line) in milliseconds, for the policies whose costs differ: LRU and FIFO (linked
 * list), OPT (next uses and a scan at each eviction), CLOCK (random probes).
 *
 * <p>Run: {@code ./pagelab jmh OstepBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dpagelab.checks=false")
@State(Scope.Thread)
public class OstepBenchmark {
    @Param({"LRU", "FIFO", "OPT", "CLOCK"})
    public String policy;

    private List<String> args;
    private OstepEnvironment environment;

    @Setup(Level.Trial)
    public void setUp() {
        if (Checks.ENABLED) {
            throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be meaningless");
        }
        args = List.of("-s", "0", "-n", "100000", "-m", "200", "-C", "100", "-p", policy, "-c", "-N");
        environment = new OstepEnvironment(Path.of("."), null);
    }

    @Benchmark
    public String pagingPolicy() {
        StringWriter out = new StringWriter(512);
        Ostep.run("paging-policy", args, environment, out, new StringWriter());
        return out.toString();
    }
}
