package dev.pagelab.bench;

import dev.pagelab.heap.HeapStats;
import dev.pagelab.hw.Checks;
import java.util.function.Consumer;

/**
 * The macro benchmark behind {@code pagelab bench heap}: {@link HeapWorkload} in this JVM, on
 * this thread, without JMH ({@code dev.pagelab.bench.jmh.HeapBenchmark} measures one step more
 * carefully).
 *
 * <ol>
 *   <li>Warm-up, untimed, on a kernel of its own that is thrown away: the fill and
 *       {@code warmupSteps} steps.</li>
 *   <li>The measured kernel: the fill (untimed), then {@code steps} steps timed as one block,
 *       one clock reading before and one after.</li>
 *   <li>The heap's figures at the end: fragmentation, frames held, chunks.</li>
 * </ol>
 * Booting is never timed. Invariant checks ({@link Checks}) should be off; the result says
 * whether they were.
 */
public final class HeapBench {
    private HeapBench() {
    }

    /**
     * What to run.
     *
     * @param machine     a built-in machine
     * @param allocator   the frame allocator behind kmmap
     * @param slots       blocks at most; about half are live
     * @param steps       timed steps (each a kmalloc or a kfree), at least 1
     * @param warmupSteps untimed steps first, on a kernel of their own; 0 for none
     */
    public record Settings(String machine, String allocator, int slots, long steps, long warmupSteps) {
        /** Validates the values. */
        public Settings {
            if (slots < 2) {
                throw new IllegalArgumentException("slots " + slots + " must be at least 2");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps " + steps + " must be at least 1");
            }
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warm-up steps " + warmupSteps + " must be 0 or more");
            }
        }

        /** The workload on the default machine: 4,096 slots, 2,000,000 steps. */
        public static Settings defaults() {
            return new Settings(HeapWorkload.DEFAULT_MACHINE, "bitmap", HeapWorkload.DEFAULT_SLOTS, 2_000_000, 500_000);
        }
    }

    /**
     * The outcome.
     *
     * @param settings  what was run
     * @param nanos     time of the timed steps
     * @param mallocs   successful kmallocs among them (the fill's not counted)
     * @param frees     kfrees among them
     * @param failed    kmallocs among the timed steps that returned NULL
     * @param fillFailed kmallocs of the untimed fill that returned NULL
     * @param live      live blocks at the end
     * @param end       the heap's figures at the end
     * @param checksum  sum of the addresses allocated by the steps
     * @param checksOn  whether invariant checks were on, which makes the numbers meaningless
     */
    public record Result(Settings settings, long nanos, long mallocs, long frees, long failed, long fillFailed,
                         long live, HeapStats end, long checksum, boolean checksOn) {
        /** Nanoseconds per step: one kmalloc or one kfree. */
        public double nsPerOperation() {
            return (double) nanos / settings.steps();
        }

        /** kmalloc+kfree pairs per second: two steps make a pair. */
        public double pairsPerSecond() {
            return settings.steps() / 2.0 / (nanos / 1e9);
        }
    }

    /** Runs the warm-up and the timed steps. */
    public static Result run(Settings settings, Consumer<String> progress) {
        if (settings.warmupSteps() > 0) {
            progress.accept(String.format("heap: warm-up: %,d steps, untimed", settings.warmupSteps()));
            HeapWorkload warm = new HeapWorkload(settings.machine(), settings.allocator(), settings.slots());
            warm.fill();
            warm.run(settings.warmupSteps());
        }
        return measure(settings, new HeapWorkload(settings.machine(), settings.allocator(), settings.slots()), progress);
    }

    /** The fill and the timed steps on {@code workload}, a fresh one for {@code settings}. */
    static Result measure(Settings settings, HeapWorkload workload, Consumer<String> progress) {
        workload.fill();
        long mallocsBefore = workload.mallocs();
        long fillFailed = workload.failed();
        progress.accept(String.format("heap: %,d steps (kmalloc or kfree), %,d slots, about half live",
                settings.steps(), settings.slots()));
        System.gc();
        long start = System.nanoTime();
        long checksum = workload.run(settings.steps());
        long nanos = System.nanoTime() - start;
        HeapStats end = workload.stats();
        if (Checks.ENABLED) {
            workload.kernel().checkInvariants();
        }
        return new Result(settings, nanos, workload.mallocs() - mallocsBefore, workload.frees(),
                workload.failed() - fillFailed, fillFailed, workload.liveBlocks(), end, checksum, Checks.ENABLED);
    }
}
