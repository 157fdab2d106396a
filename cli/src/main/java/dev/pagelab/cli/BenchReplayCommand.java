package dev.pagelab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.KernelReplayBench;
import dev.pagelab.bench.ReplayBench;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.trace.SyntheticTrace;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagelab bench replay}: references per second of the replay engine, per policy. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Replay speed: references per second per policy, in memory and end to end.",
        description = {
            "Replay one input through each policy under global scope and report references",
            "per second. The input is a synthetic trace (SyntheticTrace: Zipf-like hot sets,",
            "loops and scans; --references, --pages, seed 1) unless trace files are given.",
            "",
            "  load        reading, parsing and interning the input into memory",
            "  in memory   each policy over the stream held in memory: a warm-up run, then",
            "              --rounds timed runs; best and median (compare libCacheSim's",
            "              replays from memory)",
            "  end to end  LRU straight from the file(s), reading and replaying in one pass",
            "              (only for files)",
            "",
            "Invariant checks must be off (they are in the shipped jar). Progress goes to",
            "stderr; the report to stdout.",
            "",
            "--kernel measures the kernel path instead (pagelab replay --kernel: every reference a user access through the MMU and TLB, faults through the kernel's handler, Clock on the PTEs' A bits, swap), for 1 and 8 processes (--processes) of --pages pages each (default 1,024), global scope, on two workloads: low fault (frames for every page: only first touches fault, the hit path) and high fault (frames for an eighth of the pages: the fault handler). Per case: the fault rate, the TLB hit rate of the references, the share of the time in the fault handler, best and median references a second (--rounds timed rounds, boot and spawns excluded). With trace files: the files as processes, with --frames.",
            ""},
        footer = {"", "Examples:", "  pagelab bench replay", "  pagelab bench replay --policy lru,clock,arc ls.lackey.gz",
            "  pagelab bench replay --references 50000000 --json", "  pagelab bench replay --kernel",
            "  pagelab bench replay --kernel --frames 512 a.lackey.gz b.lackey.gz"})
final class BenchReplayCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "TRACE", description = "Trace files to replay instead of the synthetic one.")
    List<Path> traces = new ArrayList<>();

    @Option(names = {"-p", "--policy"}, split = ",", paramLabel = "P",
            description = "Policies to measure (default: every policy).")
    List<String> policies;

    @Option(names = {"-m", "--frames"}, paramLabel = "M", defaultValue = "4096",
            description = "Frames, one global pool (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--references", paramLabel = "N", defaultValue = "20000000",
            description = "References of the synthetic trace (default: ${DEFAULT-VALUE}).")
    long references;

    @Option(names = "--pages", paramLabel = "N", defaultValue = "65536",
            description = "Pages of the synthetic trace (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Timed runs a policy (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--format", paramLabel = "F", description = "Format of the trace files (default: detected).")
    String format;

    @Option(names = "--json", description = "Print the result as one JSON document instead of a table.")
    boolean json;

    @Option(names = "--kernel", description = "Measure the kernel path (replay --kernel) instead: see above.")
    boolean kernel;

    @Option(names = "--processes", split = ",", paramLabel = "N",
            description = "With --kernel: the process counts to measure (default: 1,8).")
    List<Integer> processCounts;

    /** The kernel path's defaults where the fast replay's differ: fewer references (it is slower), fewer pages. */
    static final long KERNEL_REFERENCES = 10_000_000;
    static final int KERNEL_PAGES = 1_024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PolicyRegistry registry = PolicyRegistry.builtIn();
        if (kernel) {
            return kernel(registry);
        }
        if (processCounts != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--processes is an option of --kernel");
        }
        List<String> chosen = policies == null ? registry.names() : policies;
        for (String name : chosen) {
            BenchCommand.oneOf(spec, "--policy", name, registry.names());
        }
        BenchCommand.within(spec, "--frames", frames, 1, Integer.MAX_VALUE);
        BenchCommand.within(spec, "--rounds", rounds, 1, 1_000);
        if (references < 1 || references > Integer.MAX_VALUE - 16) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--references': "
                    + references + " (expected 1 to " + (Integer.MAX_VALUE - 16) + ": the stream is held in memory)");
        }
        BenchCommand.within(spec, "--pages", pages, 1, Integer.MAX_VALUE);
        ReplayBench.Settings settings;
        if (traces.isEmpty()) {
            SyntheticTrace.Config config = SyntheticTrace.Config.of(references, pages);
            settings = new ReplayBench.Settings(config.describe(), () -> List.of(SyntheticTrace.reader(config)), false,
                    chosen, frames, rounds);
        } else {
            TraceOptions options = new TraceOptions(format == null ? null : TraceFormat.fromCliName(format),
                    TraceOptions.DEFAULT_PAGE_SIZE, true);
            String name = String.join(" ", traces.stream().map(Path::toString).toList());
            settings = new ReplayBench.Settings(name, () -> Traces.openAhead(traces, options), true, chosen, frames,
                    rounds);
        }
        ReplayBench.Result result = ReplayBench.run(settings, registry, BenchCommand.progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(result) : table(result));
        out.flush();
        return 0;
    }

    private int kernel(PolicyRegistry registry) throws IOException {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        String policy = "clock";
        if (policies != null) {
            if (policies.size() != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--policy: --kernel measures one policy,"
                        + " got " + policies.size() + " (" + String.join(",", policies) + ")");
            }
            policy = policies.getFirst();
            BenchCommand.oneOf(spec, "--policy", policy, registry.names());
        }
        BenchCommand.within(spec, "--rounds", rounds, 1, 1_000);
        long refs = parsed.hasMatchedOption("--references") ? references : KERNEL_REFERENCES;
        int pagesEach = parsed.hasMatchedOption("--pages") ? pages : KERNEL_PAGES;
        List<Integer> counts = processCounts == null ? List.of(1, 8) : processCounts;
        KernelReplayBench.Settings settings;
        try {
            if (traces.isEmpty()) {
                if (parsed.hasMatchedOption("--frames")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--frames: with --kernel and no trace"
                            + " files the workloads set the frames (low fault: every page; high fault: an eighth)");
                }
                settings = new KernelReplayBench.Settings(refs, pagesEach, counts, policy, rounds, null, 0);
            } else {
                TraceOptions options = new TraceOptions(format == null ? null : TraceFormat.fromCliName(format),
                        TraceOptions.DEFAULT_PAGE_SIZE, true);
                settings = new KernelReplayBench.Settings(0, 0, List.of(), policy, rounds,
                        () -> Traces.openAhead(traces, options), frames);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        KernelReplayBench.Result result = KernelReplayBench.run(settings, registry,
                BenchCommand.progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? kernelJson(result) : kernelTable(result));
        out.flush();
        return 0;
    }

    private static String kernelTable(KernelReplayBench.Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "pagelab bench replay --kernel: %s, %s; global scope, quantum %,d,"
                + " one thread%n", r.policy(), r.input(), dev.pagelab.replay.ReplayConfig.DEFAULT_QUANTUM));
        out.append(BenchTranslateCommand.environment()).append(System.lineSeparator());
        if (r.checks()) {
            out.append("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.\n");
        }
        out.append(String.format(Locale.ROOT, "%n  %9s  %-10s  %7s  %-13s  %12s  %10s  %8s  %10s  %8s  %10s  %8s%n",
                "processes", "workload", "frames", "machine", "references", "fault rate", "TLB hits", "in handler",
                "best M/s", "median M/s", "CPU M/s"));
        for (KernelReplayBench.Case c : r.cases()) {
            out.append(String.format(Locale.ROOT, "  %9d  %-10s  %,7d  %-13s  %,12d  %9.4f%%  %7.2f%%  %9.1f%%  %8.1f"
                    + "  %10.1f  %8.1f%n", c.processes(), c.workload().label(), c.frames(), c.machine(), c.references(),
                    c.faultRate() * 100, c.tlbHitRate() * 100, c.handlerShare() * 100, c.bestPerSecond() / 1e6,
                    c.medianPerSecond() / 1e6, c.bestPerCpuSecond() / 1e6));
        }
        out.append(String.format(Locale.ROOT, "%nTLB hits: of the references' lookups (the fault handler's own accesses"
                + " apart); in handler: the share of the time inside the page-fault handler; CPU M/s: per second of"
                + " the replaying thread's CPU time (best round), the steadier figure on a shared machine.%n"));
        return out.toString().stripTrailing();
    }

    private static String kernelJson(KernelReplayBench.Result r) {
        ObjectNode root = BenchCommand.report("replay-kernel");
        root.put("input", r.input()).put("policy", r.policy()).put("scope", "global")
                .put("quantum", dev.pagelab.replay.ReplayConfig.DEFAULT_QUANTUM).put("checksOn", r.checks());
        ArrayNode list = root.putArray("cases");
        for (KernelReplayBench.Case c : r.cases()) {
            list.addObject().put("processes", c.processes()).put("workload", c.workload().label())
                    .put("frames", c.frames()).put("machine", c.machine()).put("references", c.references())
                    .put("faults", c.faults()).put("tlbHitRate", c.tlbHitRate()).put("handlerShare", c.handlerShare())
                    .put("bestPerSecond", c.bestPerSecond()).put("medianPerSecond", c.medianPerSecond())
                    .put("bestPerCpuSecond", c.bestPerCpuSecond());
        }
        return BenchCommand.write(root);
    }

    private static String table(ReplayBench.Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "pagelab bench replay: %s%n%,d references, %,d distinct pages, %,d frames"
                + " (global scope), one thread%n", r.name(), r.references(), r.pages(), r.frames()));
        out.append(BenchTranslateCommand.environment()).append(System.lineSeparator());
        if (r.checks()) {
            out.append("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.\n");
        }
        out.append(String.format(Locale.ROOT, "%nload: %.1f M references/s (read, parse, intern)%n%n",
                r.loadPerSecond() / 1e6));
        out.append(String.format(Locale.ROOT, "  %-10s  %12s  %10s  %12s  %12s%n", "policy", "faults", "miss ratio",
                "best M/s", "median M/s"));
        for (ReplayBench.PolicyRate p : r.policies()) {
            out.append(String.format(Locale.ROOT, "  %-10s  %,12d  %10.4f  %12.1f  %12.1f%n", p.policy(), p.faults(),
                    (double) p.faults() / r.references(), p.bestPerSecond() / 1e6, p.medianPerSecond() / 1e6));
        }
        if (!Double.isNaN(r.endToEndPerSecond())) {
            out.append(String.format(Locale.ROOT, "%nend to end (lru from the file): %.1f M references/s%n",
                    r.endToEndPerSecond() / 1e6));
        }
        return out.toString().stripTrailing();
    }

    private static String json(ReplayBench.Result r) {
        ObjectNode root = BenchCommand.report("replay");
        root.put("input", r.name()).put("references", r.references()).put("pages", r.pages()).put("frames", r.frames())
                .put("scope", "global").put("loadPerSecond", r.loadPerSecond()).put("checksOn", r.checks());
        ArrayNode list = root.putArray("policies");
        for (ReplayBench.PolicyRate p : r.policies()) {
            list.addObject().put("policy", p.policy()).put("faults", p.faults())
                    .put("bestPerSecond", p.bestPerSecond()).put("medianPerSecond", p.medianPerSecond());
        }
        if (Double.isNaN(r.endToEndPerSecond())) {
            root.putNull("endToEndPerSecond");
        } else {
            root.put("endToEndPerSecond", r.endToEndPerSecond());
        }
        return BenchCommand.write(root);
    }
}
