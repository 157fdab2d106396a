package dev.pagelab.bench.jmh;

import dev.pagelab.bench.KernelReplayBench;
import dev.pagelab.hw.Checks;
import dev.pagelab.proc.KernelReplay;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One reference through the whole kernel path, in nanoseconds: {@link KernelReplay.Session#replay}
 * of the next {@value #BATCH} references of {@link KernelReplayBench}'s synthetic input (1,024
 * pages a process, global scope, Clock on the PTEs' A bits, the default kernel with its half
 * global), for 1 and 8 processes, on the low-fault workload (frames for every page: the hit path,
 * {@code Processes.touch -> Cpu.touch -> Mmu.translate}, TLB hits and walks) and the high-fault one
 * (frames for an eighth of the pages: the fault handler).
 *
 * <p>The trial setup builds the stream ({@value #REFERENCES} references) and boots the kernel; the
 * invocations replay it in order, from the start again when it ends (the pages stay resident
 * from the round before: after the first pass the low-fault workload does not fault at all). The
 * fork runs with invariant checks off, and the setup refuses to run otherwise. The teardown
 * checks the kernel's invariants and prints nothing.
 *
 * <p>Run: {@code ./pagelab jmh KernelReplayBenchmark} (about 1 minute: 4 forks).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dpagelab.checks=false")
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class KernelReplayBenchmark {
    /** References an invocation. */
    public static final int BATCH = 4_096;
    /** References of the stream. */
    public static final int REFERENCES = 2_000_000;
    /** Pages of each process. */
    public static final int PAGES = 1_024;

    @Param({"1", "8"})
    public int processes;

    @Param({"low-fault", "high-fault"})
    public String workload;

    private KernelReplay.Session session;
    private int length;
    private int position;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (Checks.ENABLED) {
            throw new IllegalStateException("invariant checks are on (-Dpagelab.checks=true): the score would be"
                    + " meaningless");
        }
        ReferenceStream stream = KernelReplayBench.synthetic(REFERENCES, PAGES, processes);
        int all = processes * PAGES;
        int frames = switch (workload) {
            case "low-fault" -> all;
            case "high-fault" -> all / 8;
            default -> throw new IllegalArgumentException("workload " + workload + ": low-fault or high-fault");
        };
        KernelReplay.Options options = KernelReplay.Options.DEFAULT;
        options = options.withMachine(KernelReplay.chooseMachine(frames + KernelReplay.kernelFrames(stream),
                options.kernel()));
        session = KernelReplay.Session.start(stream, "clock", ReplayConfig.of(frames, Scope.GLOBAL),
                PolicyRegistry.builtIn(), options);
        length = stream.length();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.kernel().checkInvariants();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long replay() {
        int from = position;
        int to = Math.min(length, from + BATCH);
        session.replay(from, to);
        int left = BATCH - (to - from);
        if (left > 0) {
            session.replay(0, left);
            to = left;
        }
        position = to == length ? 0 : to;
        return position;
    }
}
