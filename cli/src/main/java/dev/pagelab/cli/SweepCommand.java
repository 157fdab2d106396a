package dev.pagelab.cli;

import dev.pagelab.cli.sweep.CurveSources;
import dev.pagelab.cli.sweep.Ranges;
import dev.pagelab.cli.sweep.Sweep;
import dev.pagelab.cli.sweep.SweepSpec;
import dev.pagelab.cli.sweep.TraceFile;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagelab sweep}: replays over traces × policies × frames × scope × allocation × quantum, on every core. */
@Command(name = "sweep",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Sweep replays over policies, frame counts, scopes, allocations and quanta: miss-ratio curves.",
        description = {
            "Every combination of the values given is a cell: one replay with 'pagelab",
            "replay's semantics (see 'pagelab replay --help'). All traces together are",
            "the processes of one replay, as in 'pagelab replay'; with --each, each trace",
            "is swept alone. Cells run in parallel (--jobs), each written as it finishes",
            "to DIR/results.csv and DIR/results.jsonl; a sweep stopped and started again",
            "with the same arguments does only the cells left.",
            ""},
        footer = {
            "",
            "Lists (--frames, --quantum, --timeline-frames, --ws-windows): numbers and",
            "ranges separated by commas, mixed freely: 8,16,32; 16..1024*2 (16, 32, ...,",
            "1024: geometric); 100..1000+100 (arithmetic); 1..8 (every number). Values",
            "are sorted and each taken once.",
            "",
            "Cells: trace sets x scopes x allocations x quanta x policies x frames. Global",
            "scope has no quotas: its cells are made once, with allocation 'none'.",
            "",
            "Results. results.csv has a header and, per cell, a row a process and a",
            "'total' row: trace (the set: file names joined with +), policy, frames, scope,",
            "allocation, quantum, pid, process, pages, references, faults, fault_rate,",
            "writebacks, quota (frames of the process under local scope; on the total row",
            "the machine's), method (replay: one replay a cell; one-pass: from a one-pass",
            "curve), elapsed_s (the cell's seconds). results.jsonl has one JSON object a",
            "cell with the same numbers. Rows appear as cells finish; when all are done",
            "both files are rewritten in the order trace set, scope, allocation, quantum,",
            "policy, frames.",
            "",
            "Resume. DIR/sweep.json records pagelab's version, every option that changes",
            "a count, and each trace's name, size and SHA-256. Run the same command again",
            "and it skips the cells done (a cell is done when its total row and JSON line",
            "are there; a line cut short by a kill is dropped). Other arguments with the",
            "same DIR are refused, naming what differs. --jobs, --quiet, --chart, --log-x,",
            "--stream and --no-curves are not part of the spec.",
            "",
            "One-pass curves. LRU and OPT cells that differ only in frames come from one",
            "pass over the trace set (Mattson's stack distances), exact: the faults and",
            "write-backs the replays would count, at every frame count at once; OPT's",
            "write-backs of pages never used again follow the replay's tie rule (earliest",
            "loaded first) and are counted a frame count at a time without reading the",
            "trace again. The summary says how many cells came from a curve. --no-curves",
            "replays every cell instead (to check a curve, or to time the replays).",
            "",
            "Memory. A trace set is read into memory once a quantum (4 bytes a",
            "reference) and shared by the cells; OPT adds 4 bytes a reference (8 under",
            "local scope) while its curve is counted, or for each replayed OPT cell",
            "running. --stream holds nothing: each cell reads its traces itself (slower;",
            "no one-pass curves, no working-set curve, no timeline).",
            "",
            "Working set. working-set.csv holds, for every process, Denning's average",
            "working-set size s(tau) for windows tau in the process's own references",
            "(--ws-windows; default 1, 2, 3, 4, 6, 8, ... up to its length), computed in",
            "one pass.",
            "",
            "Timeline. --timeline K records, for the cells with --timeline-frames (default:",
            "the middle frame count), every process's faults so far every K references",
            "replayed, into timeline.csv (the engine reports after blocks of 16,384",
            "references: a sample is taken at the first block end at or past each",
            "multiple of K).",
            "",
            "Charts (--chart, or 'pagelab chart' later): PNG and SVG beside the results:",
            "miss ratio against frames (a line a policy), a Belady check (faults against",
            "frames for FIFO and every policy whose faults rise with more frames, each",
            "rise marked; the rises are printed too), faults over time (with --timeline)",
            "and the working-set curve.",
            "",
            "Exit status: 0 when every cell is done; 1 when the engine refused some cells",
            "(too few frames for the minimum: listed on stderr, the others written); 2 for",
            "bad arguments or input.",
            "",
            "Examples:",
            "  pagelab sweep ls.lackey.gz -p lru,fifo,clock,opt -m 8..1024*2 -o ls --chart",
            "  pagelab sweep a.trace b.trace -p lru -m 48..480+48 --scope local,global -o ab",
            "  pagelab sweep t1 t2 t3 --each -p fifo -m 1..64 -o belady --chart"})
final class SweepCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TRACE", description = "Trace files: the processes of one replay (or each alone with --each).")
    List<Path> traces;

    @Option(names = {"-p", "--policy"}, required = true, split = ",", paramLabel = "P",
            description = "Policies, repeated or comma-separated (see 'pagelab replay --list-policies').")
    List<String> policies;

    @Option(names = {"-m", "--frames"}, required = true, paramLabel = "LIST",
            description = "Frame counts of the machine: 8,16,32 or 16..1024*2 or 100..1000+100.")
    String frames;

    @Option(names = "--scope", split = ",", paramLabel = "local|global", defaultValue = "local",
            description = "Replacement scopes, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> scopes;

    @Option(names = "--allocation", split = ",", paramLabel = "MODE", defaultValue = "equal",
            description = "Allocations of local scope: equal, proportional, priority (default: ${DEFAULT-VALUE}).")
    List<String> allocations;

    @Option(names = "--quantum", paramLabel = "LIST", defaultValue = "1000",
            description = "References a process consumes a turn, a list (default: ${DEFAULT-VALUE}).")
    String quanta;

    @Option(names = "--each", description = "Sweep each trace alone instead of all together.")
    boolean each;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Folder of the results (made if missing; a stopped sweep goes on there).")
    Path out;

    @Option(names = "--chart", description = "Draw the charts (PNG and SVG) beside the results at the end.")
    boolean chart;

    @Option(names = "--log-x", description = "Frames on a logarithmic axis in the charts.")
    boolean logX;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Cells computed at once (default: every processor).")
    Integer jobs;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--stream", description = "Each cell reads its traces itself; nothing is held in memory.")
    boolean stream;

    @Option(names = "--no-curves", description = "Replay every cell, even those a one-pass curve would count.")
    boolean noCurves;

    @Option(names = "--timeline", paramLabel = "K",
            description = "Record every process's faults every K references (timeline.csv).")
    Long timeline;

    @Option(names = "--timeline-frames", paramLabel = "LIST",
            description = "Frame counts whose cells record a timeline (default: the middle one).")
    String timelineFrames;

    @Option(names = "--ws-windows", paramLabel = "LIST",
            description = "Windows of the working-set curve (default: 1, 2, 3, 4, 6, 8, ... up to a process's length).")
    String workingSetWindows;

    @CommandLine.Mixin
    TraceInputOptions input = new TraceInputOptions();

    @CommandLine.Mixin
    ReplayParameterOptions parameters = new ReplayParameterOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine commandLine = spec.commandLine();
        PrintWriter stdout = commandLine.getOut();
        PolicyRegistry registry = PolicyRegistry.builtIn();
        List<String> policyNames = distinct(policies);
        for (String name : policyNames) {
            if (!registry.contains(name)) {
                throw new CommandLine.ParameterException(commandLine, "--policy: unknown policy '" + name
                        + "' (known: " + String.join(", ", registry.names()) + ")");
            }
        }
        int[] frameCounts = ints("--frames", frames);
        long[] quantumValues = longs("--quantum", quanta);
        List<Scope> scopeValues = distinct(scopes).stream().map(s -> ReplayParameterOptions.scope(s, commandLine))
                .distinct().toList();
        List<AllocationMode> modes = distinct(allocations).stream()
                .map(a -> ReplayParameterOptions.allocation(a, commandLine)).distinct().toList();
        int[] timelineAt = timelineFrames(frameCounts);
        long[] windows = workingSetWindows == null ? null : longs("--ws-windows", workingSetWindows);
        if (stream && workingSetWindows != null) {
            throw new CommandLine.ParameterException(commandLine, "--ws-windows: --stream computes no working-set"
                    + " curve (it needs the references in memory)");
        }
        if (jobs != null && jobs < 1) {
            throw new CommandLine.ParameterException(commandLine, "--jobs: expected 1 or more, got " + jobs);
        }
        // The parameters are checked once here, before any trace is hashed.
        ReplayConfig checked = parameters.config(frameCounts[0], Scope.LOCAL, modes.get(0), quantumValues[0],
                commandLine);
        var traceOptions = input.options(commandLine);
        List<TraceFile> files = new ArrayList<>();
        for (Path trace : traces) {
            files.add(TraceFile.of(trace));
        }
        SweepSpec sweep = new SweepSpec(new Main.Version().getVersion()[0], files, each, policyNames, frameCounts,
                scopeValues, modes, quantumValues, checked.sizes(), checked.priorities(), checked.minimumFrames(),
                checked.policy(), traceOptions, timeline == null ? 0 : timeline, timelineAt, windows);
        int total = sweep.cells().size();
        int threads = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        long started = System.nanoTime();
        Sweep.Summary summary;
        try (Progress progress = Progress.counting(quiet, "sweep", "cells", total)) {
            summary = Sweep.of(sweep, out).jobs(threads).streaming(stream).registry(registry)
                    .sources(noCurves ? List.of() : CurveSources.installed())
                    .listener((done, cells, references) -> progress.update(done, String.format(Locale.ROOT,
                            "%.1f M refs/s", references / Math.max(1e-9, (System.nanoTime() - started) / 1e9) / 1e6)))
                    .run();
        }
        report(stdout, sweep, summary, threads);
        if (!summary.stopped()) {
            ChartCommand.report(stdout, out.resolve("results.csv"), out, logX, chart);
        }
        if (!summary.refused().isEmpty()) {
            PrintWriter err = commandLine.getErr();
            err.println("pagelab sweep: the engine refused " + summary.refused().size() + " cell"
                    + (summary.refused().size() == 1 ? "" : "s") + " (tried again on a restart):");
            summary.refused().forEach(line -> err.println("  " + line));
            err.flush();
            if (summary.computed() == 0 && summary.before() == 0) {
                return 2;
            }
            return 1;
        }
        return 0;
    }

    private void report(PrintWriter out, SweepSpec sweep, Sweep.Summary summary, int threads) {
        out.printf(Locale.ROOT, "pagelab sweep: %,d cells: %d trace set%s x %d scope-allocation pair%s x %d quant%s x %d"
                        + " polic%s x %d frame count%s%n", summary.cells(), sweep.sets(), plural(sweep.sets(), "", "s"),
                setups(sweep), plural(setups(sweep), "", "s"), sweep.quanta().length,
                plural(sweep.quanta().length, "um", "a"), sweep.policies().size(),
                plural(sweep.policies().size(), "y", "ies"), sweep.frames().length,
                plural(sweep.frames().length, "", "s"));
        double seconds = Math.max(summary.seconds(), 1e-9);
        out.printf(Locale.ROOT, "  %,d computed now, %,d done before, %,d refused; %.2f s with %d job%s: %.1f cells/s,"
                        + " %.1f M references/s%n", summary.computed(), summary.before(), summary.refused().size(),
                summary.seconds(), threads, plural(threads, "", "s"), summary.computed() / seconds,
                summary.references() / seconds / 1e6);
        if (summary.byMethod().containsKey("one-pass")) {
            List<String> parts = new java.util.ArrayList<>();
            summary.byMethod().forEach((method, n) -> parts.add(String.format(Locale.ROOT, "%,d %s", n,
                    method.equals("one-pass") ? "from one-pass curves (Mattson stack distances: every frame count of"
                            + " a group in one pass, exact)" : "by " + method)));
            out.println("  cells: " + String.join(", ", parts));
        }
        out.println("  results: " + this.out.resolve("results.csv") + ", " + this.out.resolve("results.jsonl"));
        out.flush();
    }

    private static int setups(SweepSpec sweep) {
        return (sweep.scopes().contains(Scope.LOCAL) ? sweep.allocations().size() : 0)
                + (sweep.scopes().contains(Scope.GLOBAL) ? 1 : 0);
    }

    private static String plural(long n, String one, String many) {
        return n == 1 ? one : many;
    }

    private int[] timelineFrames(int[] frameCounts) {
        CommandLine commandLine = spec.commandLine();
        if (timeline == null) {
            if (timelineFrames != null) {
                throw new CommandLine.ParameterException(commandLine, "--timeline-frames: give --timeline K too (the"
                        + " references between two samples)");
            }
            return new int[0];
        }
        if (timeline < 1) {
            throw new CommandLine.ParameterException(commandLine, "--timeline: expected a number of references of 1"
                    + " or more, got " + timeline);
        }
        if (stream) {
            throw new CommandLine.ParameterException(commandLine, "--timeline: --stream records no timeline (it needs"
                    + " the references in memory)");
        }
        if (timelineFrames == null) {
            return new int[] {frameCounts[(frameCounts.length - 1) / 2]};
        }
        int[] at = ints("--timeline-frames", timelineFrames);
        for (int m : at) {
            if (Arrays.binarySearch(frameCounts, m) < 0) {
                throw new CommandLine.ParameterException(commandLine, "--timeline-frames: " + m
                        + " is not one of --frames (" + Arrays.toString(frameCounts) + ")");
            }
        }
        return at;
    }

    private int[] ints(String option, String text) {
        try {
            return Ranges.parseInts(option, text, 1, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private long[] longs(String option, String text) {
        try {
            return Ranges.parse(option, text, 1, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static List<String> distinct(List<String> values) {
        return List.copyOf(new LinkedHashSet<>(values.stream().map(String::strip).toList()));
    }
}
