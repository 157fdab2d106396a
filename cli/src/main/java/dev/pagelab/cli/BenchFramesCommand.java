package dev.pagelab.cli;

import static dev.pagelab.cli.BenchCommand.MAX_CONTIGUOUS;
import static dev.pagelab.cli.BenchCommand.MAX_CONTIGUOUS_TEXT;
import static dev.pagelab.cli.BenchCommand.MAX_STEPS;
import static dev.pagelab.cli.BenchCommand.MAX_STEPS_TEXT;
import static dev.pagelab.cli.BenchCommand.oneOf;
import static dev.pagelab.cli.BenchCommand.progress;
import static dev.pagelab.cli.BenchCommand.report;
import static dev.pagelab.cli.BenchCommand.within;
import static dev.pagelab.cli.BenchCommand.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.CReference;
import dev.pagelab.bench.FramesBench;
import dev.pagelab.bench.FramesWorkload;
import dev.pagelab.bench.RunsWorkload;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

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
final class BenchFramesCommand implements Callable<Integer> {
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
        out.printf(Locale.ROOT, "%s%n", BenchTranslateCommand.environment());
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
