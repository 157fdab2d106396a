package dev.pagelab.bench;

import dev.pagelab.hw.Checks;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The macro benchmark behind {@code pagelab bench paging}: the {@link PagingWorkload}s
 * (map-unmap with the page tables kept and with a table allocated and freed each pair, then
 * kmmap-kunmap of 1 to 64 pages) for each page-table access strategy, in this JVM, on this
 * thread. It uses no JMH; {@code dev.pagelab.bench.jmh.PagingBenchmark} measures the same
 * operations more carefully, in a fresh JVM per strategy.
 *
 * <h2>How it is timed</h2>
 * <ol>
 *   <li>Each strategy gets its own kernel: {@code Kernel.boot(machine, config)} with the
 *       allocator asked for, 4 KiB kernel pages and the default TLB ({@link TlbConfig#DEFAULT}),
 *       then the {@link PagingWorkload}'s set-up. Neither is timed.</li>
 *   <li>Warm-up, untimed, on kernels of their own that are thrown away: every block below with
 *       {@code warmupPairs} pairs (a kmmap size {@code warmupPairs / pages}, at least 1), for
 *       every strategy, before the first timed block. Every strategy is warmed before any is
 *       measured, so that all of them are timed with the same compiled code: the JIT sees the
 *       three ways to reach a table during the warm-up, not in the middle of the measurements.</li>
 *   <li>Per strategy, on a fresh kernel, the blocks in this order: map-unmap table-kept,
 *       map-unmap table-churn ({@code pairs} pairs each), then kmmap-kunmap of 1, 2, 4, ... 64
 *       pages ({@code pairs / pages} pairs each, at least 1: every size maps and unmaps about
 *       {@code pairs} pages). One reading of the clock before and one after each block;
 *       {@link System#gc()} before each block.</li>
 *   <li>The counters of {@link PagingWorkload#counters()} are read around each block, untimed,
 *       and the map-unmap blocks are checked to have allocated one page table per pair (churn)
 *       or none (kept); the run stops with an {@link AssertionError} otherwise.</li>
 * </ol>
 * Invariant checks ({@link Checks}) should be off; the result says whether they were.
 */
public final class PagingBench {
    /** map-unmap pairs a block unless told otherwise; kmmap pairs are this divided by the size. */
    public static final long DEFAULT_PAIRS = 500_000;
    /** Untimed pairs a block before measuring, unless told otherwise. */
    public static final long DEFAULT_WARMUP_PAIRS = 100_000;

    private PagingBench() {
    }

    /**
     * What to run.
     *
     * @param machine     the built-in machine to boot ({@code MachineProfiles})
     * @param allocator   the frame allocator's registry name; it must be able to free
     * @param strategies  the page-table access strategies, in order, at least one
     * @param pairs       map-unmap pairs a block, at least 1
     * @param warmupPairs untimed pairs a block before measuring, 0 for no warm-up
     */
    public record Settings(String machine, String allocator, List<TableAccessStrategy> strategies, long pairs,
                           long warmupPairs) {
        /** Validates the values (the machine and the allocator are checked when the first kernel boots). */
        public Settings {
            strategies = List.copyOf(strategies);
            if (strategies.isEmpty()) {
                throw new IllegalArgumentException("no page-table access strategy to measure");
            }
            if (pairs < 1) {
                throw new IllegalArgumentException("pairs " + pairs + " must be at least 1");
            }
            if (warmupPairs < 0) {
                throw new IllegalArgumentException("warm-up pairs " + warmupPairs + " must be 0 or more");
            }
        }

        /** qemu-pc-128M, bitmap, every strategy, 500,000 pairs a block after 100,000 of warm-up: about 20 s. */
        public static Settings defaults() {
            return new Settings(PagingWorkload.DEFAULT_MACHINE, "bitmap", List.of(TableAccessStrategy.values()),
                    DEFAULT_PAIRS, DEFAULT_WARMUP_PAIRS);
        }

        /** The kernel of {@code strategy}: 4 KiB kernel pages, the default TLB. */
        public KernelConfig config(TableAccessStrategy strategy) {
            return new KernelConfig(allocator, strategy, false, TlbConfig.DEFAULT);
        }

        /** kmmap pairs of {@code pages} pages: {@code pairs / pages}, at least 1. */
        public long kmmapPairs(int pages) {
            return kmmapPairs(pairs, pages);
        }

        private static long kmmapPairs(long pairs, int pages) {
            return Math.max(1, pairs / pages);
        }
    }

    /**
     * Whether the built-in allocator called {@code allocator}, the kind the kernel is built with,
     * can free: the workloads need it to.
     *
     * @throws IllegalArgumentException when no allocator has that name
     */
    public static boolean canFree(String allocator) {
        return FrameAllocatorRegistry.builtIn().info(allocator).canFree();
    }

    /**
     * A timed block.
     *
     * @param pairs        pairs done
     * @param pagesPerPair pages mapped (and unmapped) by a pair
     * @param nanos        how long they took
     * @param counters     what the kernel and the MMU did during the block
     */
    public record Block(long pairs, int pagesPerPair, long nanos, PagingWorkload.Counters counters) {
        /** Pairs a second. */
        public double pairsPerSecond() {
            return pairs * 1e9 / nanos;
        }

        /** Nanoseconds a pair. */
        public double nsPerPair() {
            return (double) nanos / pairs;
        }

        /** Nanoseconds a page mapped and unmapped. */
        public double nsPerPage() {
            return (double) nanos / (pairs * pagesPerPair);
        }

        /** {@code count} over the pairs: how often a pair did it. */
        public double perPair(long count) {
            return (double) count / pairs;
        }
    }

    /** A map-unmap block. */
    public record MapUnmap(TableAccessStrategy strategy, PagingWorkload.Variant variant, Block block) {
    }

    /** A kmmap-kunmap block of {@code pages} pages a pair. */
    public record Kmmap(TableAccessStrategy strategy, int pages, Block block) {
    }

    /**
     * The outcome.
     *
     * @param settings what was run
     * @param mapUnmap the map-unmap blocks: per strategy, kept then churn
     * @param kmmap    the kmmap-kunmap blocks: per strategy, 1 to 64 pages
     * @param checksum sum of what the workloads returned (meaningless, consumed so the work stays)
     * @param checksOn whether invariant checks were on, which makes the numbers meaningless
     */
    public record Result(Settings settings, List<MapUnmap> mapUnmap, List<Kmmap> kmmap, long checksum,
                         boolean checksOn) {
        /** Copies the lists. */
        public Result {
            mapUnmap = List.copyOf(mapUnmap);
            kmmap = List.copyOf(kmmap);
        }
    }

    /**
     * Runs the warm-up and the blocks.
     *
     * @param progress receives a line before each block (for a terminal's stderr); may ignore them
     * @throws IllegalArgumentException when the machine or the allocator is unknown, or the
     *                                  allocator cannot free
     * @throws IllegalStateException    when the kernel runs out of frames or virtual pages
     * @throws AssertionError           when a block did not allocate the page tables it should
     */
    public static Result run(Settings settings, Consumer<String> progress) {
        long checksum = 0;
        if (settings.warmupPairs() > 0) {
            for (TableAccessStrategy strategy : settings.strategies()) {
                progress.accept(String.format("%s: warm-up: %,d pairs a block, untimed", strategy,
                        settings.warmupPairs()));
                checksum += warmUp(settings, strategy);
            }
        }
        List<MapUnmap> mapUnmap = new ArrayList<>();
        List<Kmmap> kmmap = new ArrayList<>();
        for (TableAccessStrategy strategy : settings.strategies()) {
            PagingWorkload workload = new PagingWorkload(Kernel.boot(settings.machine(), settings.config(strategy)));
            for (PagingWorkload.Variant variant : PagingWorkload.Variant.values()) {
                progress.accept(String.format("%s: map-unmap, %s: %,d pairs", strategy, variant.id(), settings.pairs()));
                workload.setVariant(variant);
                Timed t = timed(workload, settings.pairs(), 1, () -> workload.mapUnmap(settings.pairs()));
                workload.checkTables(settings.pairs(), t.block().counters());
                mapUnmap.add(new MapUnmap(strategy, variant, t.block()));
                checksum += t.checksum();
            }
            for (int pages : PagingWorkload.KMMAP_PAGES) {
                long pairs = settings.kmmapPairs(pages);
                progress.accept(String.format("%s: kmmap-kunmap of %d page%s: %,d pair%s", strategy, pages,
                        pages == 1 ? "" : "s", pairs, pairs == 1 ? "" : "s"));
                Timed t = timed(workload, pairs, pages, () -> workload.kmmapKunmap(pages, pairs));
                kmmap.add(new Kmmap(strategy, pages, t.block()));
                checksum += t.checksum();
            }
            workload.release();
            if (Checks.ENABLED) {
                workload.kernel().checkInvariants();
            }
        }
        return new Result(settings, mapUnmap, kmmap, checksum, Checks.ENABLED);
    }

    private record Timed(Block block, long checksum) {
    }

    /** One block: {@code work} between two readings of the clock, the counters read around it. */
    private static Timed timed(PagingWorkload workload, long pairs, int pages, LongSupplier work) {
        System.gc();
        PagingWorkload.Counters before = workload.counters();
        long start = System.nanoTime();
        long checksum = work.getAsLong();
        long nanos = System.nanoTime() - start;
        return new Timed(new Block(pairs, pages, nanos, workload.counters().minus(before)), checksum);
    }

    private static long warmUp(Settings settings, TableAccessStrategy strategy) {
        PagingWorkload warm = new PagingWorkload(Kernel.boot(settings.machine(), settings.config(strategy)));
        long checksum = 0;
        for (PagingWorkload.Variant variant : PagingWorkload.Variant.values()) {
            warm.setVariant(variant);
            checksum += warm.mapUnmap(settings.warmupPairs());
        }
        for (int pages : PagingWorkload.KMMAP_PAGES) {
            checksum += warm.kmmapKunmap(pages, Settings.kmmapPairs(settings.warmupPairs(), pages));
        }
        return checksum;
    }
}
