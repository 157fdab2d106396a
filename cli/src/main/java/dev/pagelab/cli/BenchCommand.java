package dev.pagelab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.CReference;
import dev.pagelab.bench.FramesBench;
import dev.pagelab.bench.FramesWorkload;
import dev.pagelab.bench.MacroBench;
import dev.pagelab.bench.PagingBench;
import dev.pagelab.bench.PagingWorkload;
import dev.pagelab.bench.RunsWorkload;
import dev.pagelab.bench.TranslateWorkload;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code pagelab bench}: how fast the simulator runs, measured in this JVM by the macro
 * benchmarks of {@code pagelab-bench} (no JMH: the JMH benchmarks are in
 * {@code bench/target/benchmarks.jar}, run by {@code ./pagelab jmh}). Without a subcommand it
 * prints its usage.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Measure how fast the simulator runs.",
        description = {
            "Measure the simulator's hot paths in this JVM, on one thread, and report the",
            "rates. For careful numbers use the JMH benchmarks instead (with the JDK the",
            "launcher finds; -l lists them):",
            "  ./pagelab jmh",
            ""},
        subcommands = {BenchCommand.Translate.class, BenchCommand.Frames.class, BenchCommand.Paging.class,
            BenchHeapCommand.class, BenchReplayCommand.class, BenchOstepCommand.class},
        footer = {"", "Run 'pagelab bench COMMAND --help' for a benchmark's options."})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code pagelab bench translate}: MMU translations per second, TLB hits and full walks. */
    @Command(name = "translate",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            header = "MMU translations per second: TLB hits and full page walks.",
            description = {
                "Translate precomputed linear addresses through the simulated MMU for a warm-up",
                "time, then for a number of timed rounds, and report translations per second",
                "(median of the rounds, min-max, standard deviation) with the MMU's counters.",
                "",
                "The machine: 64 MiB of RAM, " + TranslateWorkload.MAPPED_PAGES + " pages (32 MiB) mapped at 0x40000000 by a",
                "page directory and " + TranslateWorkload.TABLES + " page tables in simulated memory; CPL 3, "
                        + TranslateWorkload.WRITE_PERCENT + "%% of",
                "the accesses are writes. A first, untimed pass checks every translation and",
                "sets the A/D bits, so the timed rounds write nothing into the tables.",
                "  tlb-hit  " + TranslateWorkload.HOT_PAGES + " pages under the default TLB (64 entries, 4-way): every",
                "           access hits",
                "  walk     all " + TranslateWorkload.MAPPED_PAGES + " pages in shuffled order, TLB off: every access",
                "           walks the page directory and a page table",
                "",
                "Progress goes to stderr; the report to stdout.",
                ""},
            footer = {"", "Examples:", "  pagelab bench translate", "  pagelab bench translate --pattern walk --rounds 10",
                "  pagelab bench translate --json > translate.json"})
    static final class Translate implements Callable<Integer> {
        @Option(names = "--pattern", paramLabel = "PATTERN", defaultValue = "all",
                description = "tlb-hit, walk or all (default: ${DEFAULT-VALUE}).")
        String pattern;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
                description = "Timed rounds a pattern, 1 to " + MAX_ROUNDS + " (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
                description = "Length of a round in seconds, fractions allowed, at most " + MAX_SECONDS
                        + " (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--warmup", paramLabel = "S", defaultValue = "1",
                description = "Untimed seconds before the first round of a pattern, at most " + MAX_SECONDS
                        + " (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(names = "--json", description = "Print the results as one JSON document instead of a table.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<TranslateWorkload.Pattern> patterns = patterns();
            MacroBench.Settings settings = settings();
            PrintWriter err = spec.commandLine().getErr();
            List<MacroBench.Result> results = new ArrayList<>();
            for (TranslateWorkload.Pattern p : patterns) {
                results.add(MacroBench.run(p, settings, progress(err)));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(settings, results));
            } else {
                table(out, settings, results);
            }
            out.flush();
            return 0;
        }

        private List<TranslateWorkload.Pattern> patterns() {
            if (pattern.equals("all")) {
                return List.of(TranslateWorkload.Pattern.values());
            }
            try {
                return List.of(TranslateWorkload.Pattern.byId(pattern));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--pattern': '" + pattern
                        + "' (expected tlb-hit, walk or all)");
            }
        }

        private MacroBench.Settings settings() {
            within(spec, "--rounds", rounds, 1, MAX_ROUNDS);
            if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--seconds': " + seconds
                        + " (expected a number of seconds above 0 and at most " + MAX_SECONDS + ")");
            }
            if (!(warmup >= 0 && warmup <= MAX_SECONDS)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--warmup': " + warmup
                        + " (expected a number of seconds from 0 to " + MAX_SECONDS + ")");
            }
            return new MacroBench.Settings(warmup, rounds, seconds);
        }

        private static void table(PrintWriter out, MacroBench.Settings settings, List<MacroBench.Result> results) {
            out.printf(Locale.ROOT, "pagelab bench translate: %d round%s of %s s after %s s of warm-up, one thread%n",
                    settings.rounds(), settings.rounds() == 1 ? "" : "s", seconds(settings.secondsPerRound()),
                    seconds(settings.warmupSeconds()));
            out.printf(Locale.ROOT, "%s%n", environment());
            if (results.stream().anyMatch(MacroBench.Result::checksOn)) {
                out.println("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.");
            }
            out.println();
            out.println("pattern  translations/s  min - max            stddev  TLB hits          walks");
            out.println("-------  --------------  -------------------  ------  --------  -------------");
            for (MacroBench.Result r : results) {
                out.printf(Locale.ROOT, "%-7s  %10s M/s  %-19s  %5.1f%%  %7.2f%%  %,13d%n",
                        r.pattern().id(), millions(r.median()), millions(r.min()) + " - " + millions(r.max()) + " M/s",
                        100 * r.stddev() / r.mean(), 100 * r.tlbHitRate(), r.counters().walks());
            }
            out.println();
            for (MacroBench.Result r : results) {
                out.printf(Locale.ROOT, "%-8s %s%n", r.pattern().id() + ":", r.workload());
            }
            out.println("An untimed first pass set the A/D bits: the timed rounds write nothing into the tables.");
        }

        private String json(MacroBench.Settings settings, List<MacroBench.Result> results) {
            ObjectNode root = report("translate");
            ObjectNode s = root.putObject("settings");
            s.put("warmupSeconds", settings.warmupSeconds());
            s.put("rounds", settings.rounds());
            s.put("secondsPerRound", settings.secondsPerRound());
            ArrayNode list = root.putArray("results");
            for (MacroBench.Result r : results) {
                ObjectNode n = list.addObject();
                n.put("pattern", r.pattern().id());
                n.put("workload", r.workload());
                n.put("translationsPerSecond", r.median());
                ObjectNode stats = n.putObject("statistics");
                stats.put("median", r.median());
                stats.put("min", r.min());
                stats.put("max", r.max());
                stats.put("mean", r.mean());
                stats.put("stddev", r.stddev());
                ArrayNode roundsNode = n.putArray("rounds");
                for (MacroBench.Round round : r.rounds()) {
                    ObjectNode rn = roundsNode.addObject();
                    rn.put("translations", round.translations());
                    rn.put("seconds", round.seconds());
                    rn.put("translationsPerSecond", round.translationsPerSecond());
                }
                n.put("tlbHitRate", r.tlbHitRate());
                MmuStats.Snapshot c = r.counters();
                ObjectNode counters = n.putObject("counters");
                counters.put("accesses", c.accesses());
                counters.put("tlbHits", c.tlbHits());
                counters.put("tlbMisses", c.tlbMisses());
                counters.put("tlbRewalks", c.tlbRewalks());
                counters.put("walks", c.walks());
                counters.put("faults", c.faults());
                counters.put("accessedBitsSet", c.accessedBitsSet());
                counters.put("dirtyBitsSet", c.dirtyBitsSet());
                n.put("checksOn", r.checksOn());
                n.put("checksum", r.checksum());
            }
            return write(root);
        }

        /** The JVM and the host, as the objects {@code java} and {@code os} of {@code root}. */
        static void environment(ObjectNode root) {
            ObjectNode java = root.putObject("java");
            java.put("version", System.getProperty("java.version"));
            java.put("vendor", System.getProperty("java.vendor"));
            java.put("vm", System.getProperty("java.vm.name"));
            ObjectNode os = root.putObject("os");
            os.put("name", System.getProperty("os.name"));
            os.put("version", System.getProperty("os.version"));
            os.put("arch", System.getProperty("os.arch"));
            os.put("cpus", Runtime.getRuntime().availableProcessors());
        }

        /** One line: the JVM and the host. */
        static String environment() {
            return String.format(Locale.ROOT, "Java %s (%s), %s %s %s, %d CPUs", System.getProperty("java.version"),
                    System.getProperty("java.vendor"), System.getProperty("os.name"), System.getProperty("os.version"),
                    System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
        }

        private static String millions(double perSecond) {
            return String.format(Locale.ROOT, "%.1f", perSecond / 1e6);
        }

        /** {@code 1} rather than {@code 1.0}, {@code 0.25} as it is. */
        private static String seconds(double s) {
            return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
        }
    }

    /** {@code pagelab bench frames}: a frame allocator's fill, churn and contiguous runs. */
    @Command(name = "frames",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            header = "Frame allocator speed: fill, churn of single frames, contiguous runs.",
            description = {
                "Run one frame allocator through a fixed workload that other implementations of",
                "the same algorithm can replay, and report nanoseconds per operation.",
                "",
                "The machine: 4 GiB of RAM (--memory), frames 0-255 (the first MiB) reserved, the",
                "rest handed to the allocator, which takes its metadata from it. F = its free",
                "frames then. next() is xorshift64* seeded with 42, taken unsigned.",
                "  fill        allocate single frames into live[0 .. F/2-1]",
                "  churn       --churn-steps times: r = next() %% (F/2); free(live[r]);",
                "              live[r] = allocate()   (one step: a free and an allocation)",
                "  checksum    the sum of live at the end",
                "  contiguous  on a fresh machine, --contiguous-ops times: while fewer than F/2",
                "              frames are held, allocate a run of 2^k frames, k = next() %% 10,",
                "              aligned to its size; else free a random held run. The share",
                "              of requests that failed measures external fragmentation.",
                "The bump allocator cannot free: it runs the fill only. Runs that need a",
                "search can take minutes (free-list at 4 GiB: about 10); --contiguous-ops",
                "100000 shortens the contiguous phase, 0 skips it.",
                "",
                "An untimed warm-up (fill, --warmup churn steps) runs first on a machine of its"
                        + " own. Each written 4 KiB page of simulated RAM costs 4 KiB of Java heap: an"
                        + " allocator that links free frames through themselves (free-list, buddy) writes into"
                        + " random frames as it churns and may need a 4+ GiB heap (" + Main.MORE_HEAP
                        + ") or a smaller --memory.",
                "",
                "--compare-c compiles the same bitmap algorithm and workload written in C",
                "(bitmap_churn.c, inside the jar) with gcc -O2 and runs it beside Java.",
                "",
                "Progress goes to stderr; the report to stdout.",
                ""},
            footer = {"", "Examples:", "  pagelab bench frames --allocator bitmap --compare-c",
                "  pagelab bench frames --allocator buddy --json > buddy.json",
                "  pagelab bench frames --allocator free-list --memory 1G"})
    static final class Frames implements Callable<Integer> {
        @Option(names = "--allocator", paramLabel = "NAME", required = true,
                description = "The frame allocator, by its registry name: ${COMPLETION-CANDIDATES}.",
                completionCandidates = AllocatorNames.class)
        String allocator;

        @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "4G", converter = MachineOptions.SizeConverter.class,
                description = "The machine's RAM, 2M to 4G, a multiple of 4K (default: ${DEFAULT-VALUE}).")
        long memoryBytes;

        @Option(names = "--churn-steps", paramLabel = "N", defaultValue = "10000000",
                description = "Churn steps, 1 to " + MAX_STEPS_TEXT + " (default: ${DEFAULT-VALUE}).")
        long churnSteps;

        @Option(names = "--contiguous-ops", paramLabel = "N", defaultValue = "1000000",
                description = "Operations of the contiguous workload, 0 to skip it, at most " + MAX_CONTIGUOUS_TEXT
                        + " (default: ${DEFAULT-VALUE}).")
        long contiguousOps;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "1000000",
                description = "Untimed churn steps on a machine of their own before measuring, 0 for no "
                        + "warm-up, at most " + MAX_STEPS_TEXT + " (default: ${DEFAULT-VALUE}).")
        long warmupSteps;

        @Option(names = "--compare-c", description = "Also compile and run the C reference of the bitmap allocator "
                + "(needs gcc or cc; --allocator bitmap only).")
        boolean compareC;

        @Option(names = "--json", description = "Print the results as one JSON document instead of a table.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The built-in registry's names, for the help text. */
        static final class AllocatorNames implements Iterable<String> {
            @Override
            public Iterator<String> iterator() {
                return FrameAllocatorRegistry.builtIn().names().iterator();
            }
        }

        @Override
        public Integer call() {
            FramesBench.Settings settings = settings();
            Path compiler = null;
            if (compareC) {
                compiler = CReference.findCompiler().orElseThrow(() -> new IllegalStateException(
                        "--compare-c needs a C compiler, gcc or cc, on the PATH; none was found"));
            }
            PrintWriter err = spec.commandLine().getErr();
            Consumer<String> progress = progress(err);
            FramesBench.Result result;
            try {
                result = FramesBench.run(settings, FrameAllocatorRegistry.builtIn(), progress);
            } catch (OutOfMemoryError e) {
                err.printf(Locale.ROOT, "pagelab bench frames: %s ran out of Java heap (max %s) on a %s machine: every"
                        + " 4 KiB page of simulated RAM that it writes costs 4 KiB of heap, up to %s for this machine."
                        + " Give Java more (%s) or take a smaller machine (--memory 1G).%n",
                        allocator, BootLog.size(Runtime.getRuntime().maxMemory()), BootLog.size(memoryBytes),
                        BootLog.size(memoryBytes), Main.MORE_HEAP);
                err.flush();
                return 1;
            }
            CReference.Result c = null;
            if (compiler != null) {
                try {
                    c = CReference.run(compiler, memoryBytes, churnSteps, progress);
                } catch (IOException e) {
                    throw new UncheckedIOException("--compare-c: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("--compare-c: interrupted", e);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(result, c));
            } else {
                table(out, result, c);
            }
            out.flush();
            return 0;
        }

        private FramesBench.Settings settings() {
            oneOf(spec, "--allocator", allocator, FrameAllocatorRegistry.builtIn().names());
            try {
                FramesWorkload.checkMemoryBytes(memoryBytes);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--memory': " + memoryBytes
                        + " bytes (expected a multiple of 4K from 2M to 4G)");
            }
            within(spec, "--churn-steps", churnSteps, 1, MAX_STEPS);
            within(spec, "--contiguous-ops", contiguousOps, 0, MAX_CONTIGUOUS);
            within(spec, "--warmup", warmupSteps, 0, MAX_STEPS);
            if (compareC && !allocator.equals("bitmap")) {
                throw new ParameterException(spec.commandLine(), "--compare-c compares the bitmap allocator with its C"
                        + " version: use it with --allocator bitmap, not '" + allocator + "'");
            }
            return new FramesBench.Settings(allocator, memoryBytes, churnSteps, contiguousOps, warmupSteps);
        }

        private static void table(PrintWriter out, FramesBench.Result r, CReference.Result c) {
            FramesBench.Settings s = r.settings();
            long topPfn = s.memoryBytes() >>> 12;
            String notApplicable = "n/a (" + s.allocator() + " cannot free)";
            out.printf(Locale.ROOT, "pagelab bench frames: allocator %s on a %s machine, one thread%n", s.allocator(),
                    BootLog.size(s.memoryBytes()));
            out.printf(Locale.ROOT, "%s%n", Translate.environment());
            out.printf(Locale.ROOT, "pool: frames [0x%X, 0x%X) = %,d frames; allocator metadata: %,d frame%s; free at"
                    + " start: %,d%n", FramesWorkload.FIRST_POOL_PFN, topPfn, r.poolFrames(), r.metadataFrames(),
                    r.metadataFrames() == 1 ? "" : "s", r.freeFramesAtStart());
            out.printf(Locale.ROOT, "%s%n", s.warmupSteps() == 0 ? "no warm-up"
                    : !r.canFree() ? "warm-up: a fill on a machine of its own, untimed"
                    : String.format(Locale.ROOT, "warm-up: fill and %,d churn steps on a machine of its own, untimed",
                            s.warmupSteps()));
            if (r.checksOn()) {
                out.println("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.");
            }
            out.println();
            out.printf(Locale.ROOT, "%-10s  %11s  %7s  %s%n", "phase", "operations", "ns/op", "one operation");
            out.printf(Locale.ROOT, "%s  %s  %s  %s%n", "-".repeat(10), "-".repeat(11), "-".repeat(7), "-".repeat(66));
            row(out, "fill", r.fill(), "allocate()");
            String churnOp = String.format(Locale.ROOT, "free(live[r]) + allocate(), r = next() %% %,d",
                    r.fill().operations());
            if (r.churn() != null) {
                row(out, "churn", r.churn(), churnOp);
            } else {
                out.printf(Locale.ROOT, "%-10s  %11s  %7s  %s%n", "churn", "n/a", "n/a", notApplicable);
            }
            String contiguousOp = "allocateRun(2^k, 2^k), k = next() % " + (RunsWorkload.MAX_ORDER + 1)
                    + "; or freeRun of a random run";
            if (r.contiguous() != null) {
                row(out, "contiguous", r.contiguous().phase(), contiguousOp);
            } else {
                out.printf(Locale.ROOT, "%-10s  %11s  %7s  %s%n", "contiguous", "n/a", "n/a",
                        r.canFree() ? "skipped (--contiguous-ops 0)" : notApplicable);
            }
            if (c != null) {
                out.printf(Locale.ROOT, "%-10s  %,11d  %7.2f  %s%n", "fill (C)", c.fillAllocations(),
                        c.fillNsPerAllocation(), "allocate(), bitmap_churn.c");
                out.printf(Locale.ROOT, "%-10s  %,11d  %7.2f  %s%n", "churn (C)", c.churnSteps(), c.churnNsPerStep(),
                        churnOp + ", bitmap_churn.c");
            }
            out.println();
            out.printf(Locale.ROOT, "checksum: %s (sum of live after the %s)%n", Long.toUnsignedString(r.checksum()),
                    r.churn() != null ? "churn" : "fill; no churn");
            if (r.contiguous() != null) {
                FramesBench.Contiguous k = r.contiguous();
                out.printf(Locale.ROOT, "contiguous: %.2f%% of %,d requests failed (external fragmentation), %,d frees;"
                        + " checksum %s%n", 100 * k.failureShare(), k.requests(), k.phase().operations() - k.requests(),
                        Long.toUnsignedString(k.checksum()));
            }
            out.printf(Locale.ROOT, "simulated RAM written: %,d pages by building the allocator, %,d by the end (%s of"
                    + " Java heap)%n", r.touchedPagesBuilt(), r.touchedPages(),
                    BootLog.size(r.touchedHeapBytes()));
            if (c != null) {
                out.println();
                out.printf(Locale.ROOT, "C reference: bitmap_churn.c, the same algorithm and workload, %s%n", c.compiler());
                if (c.checksum() == r.checksum()) {
                    out.printf(Locale.ROOT, "checksum (C): %s, the same as Java's: both hand out the same frames%n",
                            Long.toUnsignedString(c.checksum()));
                } else {
                    out.printf(Locale.ROOT, "WARNING: checksum (C): %s, Java's is %s: the two algorithms differ%n",
                            Long.toUnsignedString(c.checksum()), Long.toUnsignedString(r.checksum()));
                }
                out.printf(Locale.ROOT, "churn step, Java / C: %.2f (the aim: 1.5 or less)%n",
                        r.churn().nsPerOperation() / c.churnNsPerStep());
            }
        }

        private static void row(PrintWriter out, String phase, FramesBench.Phase p, String operation) {
            out.printf(Locale.ROOT, "%-10s  %,11d  %7.2f  %s%n", phase, p.operations(), p.nsPerOperation(), operation);
        }

        private static String json(FramesBench.Result r, CReference.Result c) {
            FramesBench.Settings s = r.settings();
            ObjectNode root = report("frames");
            root.put("allocator", s.allocator());
            ObjectNode settings = root.putObject("settings");
            settings.put("memoryBytes", s.memoryBytes());
            settings.put("churnSteps", s.churnSteps());
            settings.put("contiguousOps", s.contiguousOps());
            settings.put("warmupSteps", s.warmupSteps());
            settings.put("seed", FramesWorkload.SEED);
            ObjectNode machine = root.putObject("machine");
            machine.put("memoryBytes", s.memoryBytes());
            machine.put("poolStartPfn", FramesWorkload.FIRST_POOL_PFN);
            machine.put("poolEndPfn", s.memoryBytes() >>> 12);
            machine.put("poolFrames", r.poolFrames());
            machine.put("metadataFrames", r.metadataFrames());
            machine.put("freeFramesAtStart", r.freeFramesAtStart());
            root.put("canFree", r.canFree());
            ObjectNode fill = root.putObject("fill");
            fill.put("allocations", r.fill().operations());
            fill.put("nanos", r.fill().nanos());
            fill.put("nsPerAllocation", r.fill().nsPerOperation());
            if (r.churn() != null) {
                ObjectNode churn = root.putObject("churn");
                churn.put("steps", r.churn().operations());
                churn.put("nanos", r.churn().nanos());
                churn.put("nsPerStep", r.churn().nsPerOperation());
            } else {
                root.putNull("churn");
            }
            root.put("checksum", r.checksum());
            if (r.contiguous() != null) {
                FramesBench.Contiguous k = r.contiguous();
                ObjectNode contiguous = root.putObject("contiguous");
                contiguous.put("operations", k.phase().operations());
                contiguous.put("nanos", k.phase().nanos());
                contiguous.put("nsPerOperation", k.phase().nsPerOperation());
                contiguous.put("requests", k.requests());
                contiguous.put("failed", k.failed());
                contiguous.put("failureShare", k.failureShare());
                contiguous.put("frees", k.phase().operations() - k.requests());
                contiguous.put("checksum", k.checksum());
                contiguous.put("touchedPages", k.touchedPages());
            } else {
                root.putNull("contiguous");
            }
            ObjectNode touched = root.putObject("touchedPages");
            touched.put("afterBuild", r.touchedPagesBuilt());
            touched.put("atEnd", r.touchedPages());
            touched.put("heapBytes", r.touchedHeapBytes());
            root.put("checksOn", r.checksOn());
            if (c != null) {
                ObjectNode cr = root.putObject("cReference");
                cr.put("source", CReference.SOURCE);
                cr.put("compiler", c.compiler());
                cr.put("freeFramesAtStart", c.freeFramesAtStart());
                cr.put("fillAllocations", c.fillAllocations());
                cr.put("fillNsPerAllocation", c.fillNsPerAllocation());
                cr.put("churnSteps", c.churnSteps());
                cr.put("churnNsPerStep", c.churnNsPerStep());
                cr.put("checksum", c.checksum());
                cr.put("checksumMatches", c.checksum() == r.checksum());
                cr.put("javaOverC", r.churn().nsPerOperation() / c.churnNsPerStep());
            }
            return write(root);
        }
    }

    /** {@code pagelab bench paging}: mapPage+unmapPage and kmmap+kunmap pairs per second, per table access strategy. */
    @Command(name = "paging",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            header = "Page mapping speed: mapPage+unmapPage and kmmap+kunmap pairs per second.",
            description = {
                "Boot a kernel for each way it reaches its page tables (temporary-mapping,",
                "recursive, direct-map) and time pairs of map and unmap on it, in this JVM.",
                "",
                "The kernel: Kernel.boot(--machine, --allocator), 4 KiB kernel pages, the",
                "default TLB (64 entries, 4-way). Untimed, the workload then takes "
                        + PagingWorkload.RESERVED_PAGES + " pages",
                "of the kernel heap area (first fit: PDE 772-780 on a fresh kernel), "
                        + (PagingWorkload.POOL_FRAMES + PagingWorkload.TABLES) + " frames",
                "(a pool of " + PagingWorkload.POOL_FRAMES + " and " + PagingWorkload.TABLES
                        + " anchors) and one kmmap'd page that it keeps.",
                "  map-unmap     --pairs times: mapPage(page[i], pool[i %% " + PagingWorkload.POOL_FRAMES + "], R/W);",
                "                unmapPage(page[i]); i = (i + 1) %% " + PagingWorkload.SET_PAGES + ", where",
                "                page[i] = 0xC1000000 + (i %% " + PagingWorkload.TABLES + ") * 4 MiB + (i / "
                        + PagingWorkload.TABLES + ") * 4 KiB:",
                "                PTE 0-" + (PagingWorkload.PAGES_PER_TABLE - 1) + " of PDE 772-779, another table each pair,",
                "                one of these pages mapped at a time",
                "    table-kept    an anchor page, PTE " + PagingWorkload.ANCHOR_PTE
                        + " of each of the " + PagingWorkload.TABLES + " tables, stays",
                "                  mapped: a pair writes a PTE and clears it (with INVLPG)",
                "    table-churn   no anchors: mapPage also takes a frame for the table,",
                "                  zeroes it and writes the PDE; unmapPage finds the table",
                "                  empty, clears the PDE and frees the frame",
                "  kmmap-kunmap  for 1, 2, 4, ... 64 pages, --pairs / pages times:",
                "                v = kmmap(pages * 4096); kunmap(v). The same pages each",
                "                time, after the kept page in PDE 781, whose table stays.",
                "                Each page: a frame from the allocator, mapPage, unmapPage",
                "                and free; each pair: the page-range bitmap, twice.",
                "Counters per pair: MMU translations (the kernel reads and writes every",
                "table entry and bitmap word through the MMU), page walks, INVLPGs, frames",
                "loaded into the temporary slot 0xC03FF000, page tables allocated.",
                "",
                "An untimed warm-up (--warmup pairs of every block, for every strategy) runs",
                "first on kernels of its own, so that every strategy is timed with the same",
                "compiled code. One clock reading before and after each block; nothing else",
                "is timed. The default run takes about 20 s on 2 CPUs.",
                "",
                "Progress goes to stderr; the report to stdout.",
                ""},
            footer = {"", "Examples:", "  pagelab bench paging", "  pagelab bench paging --table-access recursive --pairs 100000",
                "  pagelab bench paging --allocator buddy --json > paging.json"})
    static final class Paging implements Callable<Integer> {
        @Option(names = "--machine", paramLabel = "NAME", defaultValue = PagingWorkload.DEFAULT_MACHINE,
                description = "The built-in machine to boot (default: ${DEFAULT-VALUE}; see pagelab boot "
                        + "--list-machines).")
        String machine;

        @Option(names = "--allocator", paramLabel = "NAME", defaultValue = "bitmap",
                description = "The frame allocator, one that can free: ${COMPLETION-CANDIDATES} (default: "
                        + "${DEFAULT-VALUE}).", completionCandidates = FreeingAllocatorNames.class)
        String allocator;

        /** The built-in registry's names of allocators that can free, for the help text. */
        static final class FreeingAllocatorNames implements Iterable<String> {
            @Override
            public Iterator<String> iterator() {
                FrameAllocatorRegistry registry = FrameAllocatorRegistry.builtIn();
                return registry.names().stream().filter(name -> registry.info(name).canFree()).iterator();
            }
        }

        @Option(names = "--table-access", paramLabel = "HOW", defaultValue = "all",
                description = "temporary-mapping, recursive, direct-map or all (default: ${DEFAULT-VALUE}).")
        String tableAccess;

        @Option(names = "--pairs", paramLabel = "N", defaultValue = "" + PagingBench.DEFAULT_PAIRS,
                description = "map-unmap pairs a block, 1 to " + MAX_PAIRS_TEXT + "; kmmap pairs are N / pages"
                        + " (default: ${DEFAULT-VALUE}).")
        long pairs;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "" + PagingBench.DEFAULT_WARMUP_PAIRS,
                description = "Untimed pairs of every block before measuring, 0 for no warm-up, at most "
                        + MAX_PAIRS_TEXT + " (default: ${DEFAULT-VALUE}).")
        long warmup;

        @Option(names = "--json", description = "Print the results as one JSON document instead of a table.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PagingBench.Settings settings = settings();
            PagingBench.Result result = PagingBench.run(settings, progress(spec.commandLine().getErr()));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(result));
            } else {
                table(out, result);
            }
            out.flush();
            return 0;
        }

        private PagingBench.Settings settings() {
            try {
                machine = MachineProfiles.byName(machine).name();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--machine': '" + machine
                        + "' (known: " + String.join(", ", MachineProfiles.names()) + ")");
            }
            oneOf(spec, "--allocator", allocator, FrameAllocatorRegistry.builtIn().names());
            if (!PagingBench.canFree(allocator)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--allocator': '" + allocator
                        + "' cannot free (kunmap would leak every frame); choose one that can");
            }
            List<TableAccessStrategy> strategies;
            try {
                strategies = tableAccess.equals("all") ? List.of(TableAccessStrategy.values())
                        : List.of(TableAccessStrategy.byName(tableAccess));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--table-access': '"
                        + tableAccess + "' (expected temporary-mapping, recursive, direct-map or all)");
            }
            within(spec, "--pairs", pairs, 1, MAX_PAIRS);
            within(spec, "--warmup", warmup, 0, MAX_PAIRS);
            return new PagingBench.Settings(machine, allocator, strategies, pairs, warmup);
        }

        private static void table(PrintWriter out, PagingBench.Result r) {
            PagingBench.Settings s = r.settings();
            TlbConfig tlb = TlbConfig.DEFAULT;
            out.printf(Locale.ROOT, "pagelab bench paging: machine %s, allocator %s, TLB %d entries %d-way, one thread%n",
                    s.machine(), s.allocator(), tlb.entries(), tlb.ways());
            out.printf(Locale.ROOT, "%s%n", Translate.environment());
            out.printf(Locale.ROOT, "%s%n", s.warmupPairs() == 0 ? "no warm-up" : String.format(Locale.ROOT,
                    "warm-up: %,d pairs of every block on kernels of their own, untimed", s.warmupPairs()));
            if (r.checksOn()) {
                out.println("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.");
            }
            out.println();
            out.printf(Locale.ROOT, "map-unmap: %,d pairs of mapPage(page, frame, R/W) + unmapPage(page), %,d pages in"
                    + " %d page tables%n", s.pairs(), PagingWorkload.SET_PAGES, PagingWorkload.TABLES);
            out.printf(Locale.ROOT, "%-17s  %-11s  %12s  %8s  %s%n", "strategy", "variant", "pairs/s", "ns/pair",
                    COUNTER_HEADER);
            out.printf(Locale.ROOT, "%s  %s  %s  %s  %s%n", "-".repeat(17), "-".repeat(11), "-".repeat(12),
                    "-".repeat(8), COUNTER_RULE);
            for (PagingBench.MapUnmap m : r.mapUnmap()) {
                PagingBench.Block b = m.block();
                out.printf(Locale.ROOT, "%-17s  %-11s  %,12.0f  %8.1f  %s%n", m.strategy(), m.variant().id(),
                        b.pairsPerSecond(), b.nsPerPair(), counters(b));
            }
            out.println();
            out.printf(Locale.ROOT, "kmmap-kunmap: %,d / pages pairs of v = kmmap(pages * 4096) + kunmap(v)%n",
                    s.pairs());
            out.printf(Locale.ROOT, "%-17s  %5s  %9s  %12s  %8s  %7s  %s%n", "strategy", "pages", "pairs", "pairs/s",
                    "ns/pair", "ns/page", COUNTER_HEADER);
            out.printf(Locale.ROOT, "%s  %s  %s  %s  %s  %s  %s%n", "-".repeat(17), "-".repeat(5), "-".repeat(9),
                    "-".repeat(12), "-".repeat(8), "-".repeat(7), COUNTER_RULE);
            for (PagingBench.Kmmap k : r.kmmap()) {
                PagingBench.Block b = k.block();
                out.printf(Locale.ROOT, "%-17s  %5d  %,9d  %,12.0f  %8.1f  %7.1f  %s%n", k.strategy(), k.pages(),
                        b.pairs(), b.pairsPerSecond(), b.nsPerPair(), b.nsPerPage(), counters(b));
            }
            out.println();
            out.println("table-kept: an anchor page stays mapped in each table; table-churn: every pair also");
            out.println("allocates, zeroes and frees a page table. Counters are per pair: MMU translations, page");
            out.printf(Locale.ROOT, "walks, INVLPGs, frames loaded into the temporary slot %s, page tables allocated.%n",
                    Addresses.hex(KernelLayout.TEMPORARY_SLOT));
        }

        private static final String COUNTER_HEADER = "translations   walks  INVLPGs  slot loads  tables";
        private static final String COUNTER_RULE = "------------  ------  -------  ----------  ------";

        private static String counters(PagingBench.Block b) {
            PagingWorkload.Counters c = b.counters();
            return String.format(Locale.ROOT, "%12.1f  %6.2f  %7.2f  %10.2f  %6.2f", b.perPair(c.translations()),
                    b.perPair(c.walks()), b.perPair(c.invlpgs()), b.perPair(c.slotLoads()),
                    b.perPair(c.tablesAllocated()));
        }

        private static String json(PagingBench.Result r) {
            PagingBench.Settings s = r.settings();
            ObjectNode root = report("paging");
            ObjectNode settings = root.putObject("settings");
            settings.put("machine", s.machine());
            settings.put("allocator", s.allocator());
            ArrayNode strategies = settings.putArray("tableAccess");
            s.strategies().forEach(strategy -> strategies.add(strategy.label()));
            settings.put("pairs", s.pairs());
            settings.put("warmupPairs", s.warmupPairs());
            ObjectNode tlb = settings.putObject("tlb");
            tlb.put("entries", TlbConfig.DEFAULT.entries());
            tlb.put("ways", TlbConfig.DEFAULT.ways());
            ObjectNode workload = root.putObject("workload");
            workload.put("setPages", PagingWorkload.SET_PAGES);
            workload.put("pageTables", PagingWorkload.TABLES);
            workload.put("poolFrames", PagingWorkload.POOL_FRAMES);
            ArrayNode sizes = workload.putArray("kmmapPages");
            PagingWorkload.KMMAP_PAGES.forEach(sizes::add);
            ArrayNode mapUnmap = root.putArray("mapUnmap");
            for (PagingBench.MapUnmap m : r.mapUnmap()) {
                ObjectNode n = mapUnmap.addObject();
                n.put("strategy", m.strategy().label());
                n.put("variant", m.variant().id());
                block(n, m.block());
            }
            ArrayNode kmmap = root.putArray("kmmap");
            for (PagingBench.Kmmap k : r.kmmap()) {
                ObjectNode n = kmmap.addObject();
                n.put("strategy", k.strategy().label());
                n.put("pages", k.pages());
                block(n, k.block());
                n.put("nsPerPage", k.block().nsPerPage());
            }
            root.put("checksOn", r.checksOn());
            root.put("checksum", r.checksum());
            return write(root);
        }

        /** A block's numbers, into {@code n}: totals and per pair. */
        private static void block(ObjectNode n, PagingBench.Block b) {
            PagingWorkload.Counters c = b.counters();
            n.put("pairs", b.pairs());
            n.put("nanos", b.nanos());
            n.put("pairsPerSecond", b.pairsPerSecond());
            n.put("nsPerPair", b.nsPerPair());
            ObjectNode counters = n.putObject("counters");
            counters.put("translations", c.translations());
            counters.put("walks", c.walks());
            counters.put("invlpgs", c.invlpgs());
            counters.put("temporarySlotLoads", c.slotLoads());
            counters.put("tablesAllocated", c.tablesAllocated());
            ObjectNode perPair = n.putObject("perPair");
            perPair.put("translations", b.perPair(c.translations()));
            perPair.put("walks", b.perPair(c.walks()));
            perPair.put("invlpgs", b.perPair(c.invlpgs()));
            perPair.put("temporarySlotLoads", b.perPair(c.slotLoads()));
            perPair.put("tablesAllocated", b.perPair(c.tablesAllocated()));
        }
    }

    /*
     * Upper bounds of the options, so that no run takes days or more memory than the heap has: each
     * allows some hundred times the default, minutes to an hour or two on a slow machine.
     */
    /** {@code bench translate --rounds}. */
    static final int MAX_ROUNDS = 100;
    /** {@code bench translate --seconds} and {@code --warmup}. */
    static final int MAX_SECONDS = 60;
    /** {@code bench frames --churn-steps} and {@code --warmup}: about 200 s at 200 ns a step. */
    static final long MAX_STEPS = 1_000_000_000L;
    static final String MAX_STEPS_TEXT = "1,000,000,000";
    /** {@code bench frames --contiguous-ops}: the free list's search at 4 GiB takes about 10 min a million. */
    static final long MAX_CONTIGUOUS = 10_000_000L;
    static final String MAX_CONTIGUOUS_TEXT = "10,000,000";
    /** {@code bench paging --pairs} and {@code --warmup}: about 25 s a block at 250 ns a pair. */
    static final long MAX_PAIRS = 100_000_000L;
    static final String MAX_PAIRS_TEXT = "100,000,000";

    /** Refuses a count option outside {@code [min, max]}, naming the option, the value and the bounds. */
    static void within(CommandLine.Model.CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "Invalid value for option '%s': %,d (expected %,d to %,d)", option, value, min, max));
        }
    }

    /** Refuses a name option that is not one of {@code known}, naming the option, the value and the known names. */
    static void oneOf(CommandLine.Model.CommandSpec spec, String option, String value, List<String> known) {
        if (!known.contains(value)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': '" + value
                    + "' (known: " + String.join(", ", known) + ")");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A JSON report's root: the benchmark's name, the date, the JVM and the host ({@link Translate#environment}). */
    static ObjectNode report(String benchmark) {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Translate.environment(root);
        return root;
    }

    /** The report as one indented JSON document. */
    static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bench " + root.path("benchmark").asText() + ": cannot write the JSON report: "
                    + e.getMessage(), e);
        }
    }

    /** Progress lines for a terminal: each printed and flushed at once. */
    static Consumer<String> progress(PrintWriter err) {
        return line -> {
            err.println(line);
            err.flush();
        };
    }
}
