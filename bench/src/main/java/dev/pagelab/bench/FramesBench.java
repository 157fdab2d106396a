package dev.pagelab.bench;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.function.Consumer;

/**
 * The macro benchmark behind {@code pagelab bench frames}: {@link FramesWorkload} (fill, churn)
 * and {@link RunsWorkload} (contiguous runs) for one allocator, in this JVM, on this thread. It
 * uses no JMH; {@code dev.pagelab.bench.jmh.FramesBenchmark} measures the churn step more
 * carefully.
 *
 * <h2>How it is timed</h2>
 * <ol>
 *   <li>Warm-up, untimed, on a machine of its own that is thrown away: a fill, then
 *       {@code warmupSteps} churn steps and {@code warmupSteps / 10} contiguous operations on a
 *       third machine, so that the JIT has compiled the loops and the allocator's code. The
 *       measured run therefore starts from the same state as the C reference does.</li>
 *   <li>The measured machine: the fill, timed as one block; the churn, timed as one block of
 *       {@code churnSteps}; the checksum. One reading of the clock before and one after each
 *       block: the numbers include no timing overhead.</li>
 *   <li>The contiguous workload on a fresh machine, timed as one block.</li>
 * </ol>
 * Building a machine and its allocator is never timed, and a {@link System#gc()} before each
 * block keeps the garbage of the last one (a thrown-away machine can be gigabytes of pages) out
 * of the next. What stays in: a page of simulated RAM that an allocator writes for the first
 * time is a new 4 KiB array on the Java heap, and the young collections that move those arrays;
 * an allocator that writes into free frames pays for it during the fill and the churn, as a C
 * kernel pays for the first touch of a page. Invariant checks ({@link Checks}) should
 * be off; the result says whether they were. An allocator that cannot free (bump) runs the fill
 * only; churn and contiguous are then {@code null} in the result.
 */
public final class FramesBench {
    private FramesBench() {
    }

    /**
     * What to run.
     *
     * @param allocator     the registry name of the allocator
     * @param memoryBytes   the machine's size ({@link FramesWorkload#checkMemoryBytes})
     * @param churnSteps    churn steps, at least 1
     * @param contiguousOps contiguous operations, 0 to skip them
     * @param warmupSteps   untimed churn steps before measuring, 0 for no warm-up at all
     */
    public record Settings(String allocator, long memoryBytes, long churnSteps, long contiguousOps, long warmupSteps) {
        /** Validates the values. */
        public Settings {
            FramesWorkload.checkMemoryBytes(memoryBytes);
            if (churnSteps < 1) {
                throw new IllegalArgumentException("churn steps " + churnSteps + " must be at least 1");
            }
            if (contiguousOps < 0) {
                throw new IllegalArgumentException("contiguous operations " + contiguousOps + " must be 0 or more");
            }
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warm-up steps " + warmupSteps + " must be 0 or more");
            }
        }

        /** The workload: 4 GiB, 10,000,000 churn steps, 1,000,000 contiguous operations. */
        public static Settings defaults(String allocator) {
            return new Settings(allocator, FramesWorkload.DEFAULT_MEMORY_BYTES, FramesWorkload.DEFAULT_CHURN_STEPS,
                    RunsWorkload.DEFAULT_OPERATIONS, 1_000_000);
        }
    }

    /**
     * A timed block.
     *
     * @param operations what was done: allocations, churn steps, contiguous operations
     * @param nanos      how long it took
     */
    public record Phase(long operations, long nanos) {
        /** Nanoseconds per operation. */
        public double nsPerOperation() {
            return operations == 0 ? 0 : (double) nanos / operations;
        }
    }

    /**
     * The contiguous workload's outcome.
     *
     * @param phase        operations (requests and frees) and their time
     * @param requests     allocation requests, failed ones included
     * @param failed       requests that returned NO_FRAME
     * @param checksum     sum of the first frames of the runs held at the end
     * @param touchedPages pages of simulated RAM written on its machine
     */
    public record Contiguous(Phase phase, long requests, long failed, long checksum, long touchedPages) {
        /** Share of requests that failed, 0 to 1. */
        public double failureShare() {
            return requests == 0 ? 0 : (double) failed / requests;
        }
    }

    /**
     * The outcome for one allocator.
     *
     * @param settings          what was run
     * @param canFree           whether the allocator can free; when not, churn and contiguous are null
     * @param poolFrames        frames handed to the allocator: {@code memoryBytes / 4096 - 256}
     * @param metadataFrames    frames the allocator took from the pool for itself
     * @param freeFramesAtStart free frames after construction
     * @param fill              the fill: one operation is one allocation
     * @param churn             the churn: one operation is a free and an allocation; null for bump
     * @param checksum          sum of {@code live} at the end (after the fill only for bump)
     * @param touchedPagesBuilt pages of simulated RAM written by building the allocator
     * @param touchedPages      pages written by the end of the churn (each costs 4 KiB of Java heap)
     * @param contiguous        the contiguous workload; null for bump or with 0 operations
     * @param checksOn          whether invariant checks were on, which makes the numbers meaningless
     */
    public record Result(Settings settings, boolean canFree, long poolFrames, long metadataFrames,
                         long freeFramesAtStart, Phase fill, Phase churn, long checksum, long touchedPagesBuilt,
                         long touchedPages, Contiguous contiguous, boolean checksOn) {
        /** Bytes of Java heap that the touched pages of simulated RAM hold: 4 KiB each. */
        public long touchedHeapBytes() {
            return touchedPages << Addresses.PAGE_SHIFT;
        }

        /** This result with the contiguous workload's outcome. */
        public Result withContiguous(Contiguous outcome) {
            return new Result(settings, canFree, poolFrames, metadataFrames, freeFramesAtStart, fill, churn, checksum,
                    touchedPagesBuilt, touchedPages, outcome, checksOn);
        }
    }

    /**
     * Runs the warm-up and the three workloads for {@code settings.allocator()}.
     *
     * @param registry where the allocator is found by name
     * @param progress receives a line before each block (for a terminal's stderr); may ignore them
     * @throws IllegalArgumentException when no allocator has that name
     * @throws IllegalStateException    when the allocator runs out of frames where it must not
     */
    public static Result run(Settings settings, FrameAllocatorRegistry registry, Consumer<String> progress) {
        String name = settings.allocator();
        if (settings.warmupSteps() > 0) {
            progress.accept(String.format("%s: warm-up: a fill and up to %,d churn steps, untimed", name,
                    settings.warmupSteps()));
            warmUp(settings, registry);
        }
        // Its own method, so that the machine (gigabytes of touched pages, maybe) is garbage
        // before the contiguous workload builds the next one.
        Result result = fillAndChurn(settings, registry, progress);
        if (result.canFree() && settings.contiguousOps() > 0) {
            progress.accept(String.format("%s: contiguous: %,d operations", name, settings.contiguousOps()));
            result = result.withContiguous(contiguous(registry, name, settings.memoryBytes(),
                    settings.contiguousOps()));
        }
        return result;
    }

    private static Result fillAndChurn(Settings settings, FrameAllocatorRegistry registry, Consumer<String> progress) {
        String name = settings.allocator();
        FramesWorkload workload = new FramesWorkload(registry, name, settings.memoryBytes());
        FrameAllocator allocator = workload.allocator();
        long touchedBuilt = workload.memory().touchedPages();
        progress.accept(String.format("%s: fill: %,d allocations", name, workload.liveFrames()));
        System.gc();
        long start = System.nanoTime();
        int allocations = workload.fill();
        Phase fill = new Phase(allocations, System.nanoTime() - start);
        Phase churn = null;
        if (allocator.canFree()) {
            progress.accept(String.format("%s: churn: %,d steps", name, settings.churnSteps()));
            System.gc();
            start = System.nanoTime();
            workload.churn(settings.churnSteps());
            churn = new Phase(settings.churnSteps(), System.nanoTime() - start);
        }
        if (Checks.ENABLED) {
            allocator.checkInvariants();
        }
        long poolFrames = (settings.memoryBytes() >>> Addresses.PAGE_SHIFT) - FramesWorkload.FIRST_POOL_PFN;
        return new Result(settings, allocator.canFree(), poolFrames, workload.metadataFrames(),
                workload.freeFramesAtStart(), fill, churn, workload.checksum(), touchedBuilt,
                workload.memory().touchedPages(), null, Checks.ENABLED);
    }

    private static Contiguous contiguous(FrameAllocatorRegistry registry, String name, long memoryBytes, long ops) {
        RunsWorkload runs = new RunsWorkload(registry, name, memoryBytes);
        System.gc();
        long start = System.nanoTime();
        runs.run(ops);
        Phase phase = new Phase(ops, System.nanoTime() - start);
        if (Checks.ENABLED) {
            runs.allocator().checkInvariants();
        }
        return new Contiguous(phase, runs.requests(), runs.failed(), runs.checksum(), runs.memory().touchedPages());
    }

    private static void warmUp(Settings settings, FrameAllocatorRegistry registry) {
        boolean canFree = warmUpChurn(settings, registry);
        if (canFree && settings.contiguousOps() > 0) {
            new RunsWorkload(registry, settings.allocator(), settings.memoryBytes())
                    .run(Math.min(settings.contiguousOps(), Math.max(1, settings.warmupSteps() / 10)));
        }
    }

    /** The warm-up's fill and churn; returns whether the allocator can free. */
    private static boolean warmUpChurn(Settings settings, FrameAllocatorRegistry registry) {
        FramesWorkload warm = new FramesWorkload(registry, settings.allocator(), settings.memoryBytes());
        warm.fill();
        if (!warm.allocator().canFree()) {
            return false;
        }
        warm.churn(settings.warmupSteps());
        return true;
    }
}
