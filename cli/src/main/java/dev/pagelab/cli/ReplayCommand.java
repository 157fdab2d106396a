package dev.pagelab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.proc.KernelReplay;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagelab replay}: trace-driven demand paging, one or many processes, any policies side by side. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Replay traces through page-replacement policies: faults and write-backs per process.",
        description = {
            "One trace is one process; several traces are several processes. Every policy",
            "given runs side by side over one read of the traces. Prints, per policy, per",
            "process and in total: references, faults, fault rate, write-backs and frames",
            "held at the end, and the allocation of frames it computed.",
            "",
            "Traces: valgrind lackey logs, plain page lists, 'ADDRESS R|W [PID]' lines",
            "(vmsim) and libCacheSim oracleGeneral, gzip or zstd; the format is found",
            "from the content unless --format says it.",
            "",
            "--kernel runs the same replay through the kernel itself (see 'Kernel path'",
            "below): the same table, then what the MMU, the TLB, the fault handler and",
            "the swap device did.",
            ""},
        footer = {
            "",
            "Semantics:",
            "",
            "Demand paging. Frames start empty; a reference to a page that is not",
            "resident is a fault and always loads the page (no bypass).",
            "",
            "Frames. A pool's frames are numbered from 0; a fault takes the lowest-",
            "numbered free frame while one is free (frames fill in fault order), otherwise",
            "the victim's frame receives the new page.",
            "",
            "Dirty pages. A write makes its page dirty, including the write whose fault",
            "loaded it (loading makes a page clean first). Evicting a dirty page counts",
            "one write-back, charged to the process that owns the evicted page (under",
            "global scope that can be another process than the faulting one). Pages",
            "still resident at the end are not flushed and count nothing.",
            "",
            "Processes. Each process's page numbers are its own: the same number in two",
            "processes is two pages. Processes take round-robin turns in the order given;",
            "a turn is the process's next --quantum references (or all that remain); a",
            "finished process is skipped. A trace that carries pids (vmsim lines with a",
            "third column) is replayed in its own order; its pids become processes 0, 1,",
            "... in order of first appearance, and it must be the only trace.",
            "",
            "Local scope. Each process has a pool of its allocated frames and its own",
            "policy state (its own LRU list, clock hand, future for OPT, tick counter:",
            "time is its own reference count); a fault with its frames all in use evicts",
            "one of its own pages.",
            "",
            "Global scope. One pool of all --frames and one policy state over all resident",
            "pages of all processes in interleaved time (one LRU list, one clock hand over",
            "all frames, OPT by the farthest next reference); no quotas.",
            "",
            "Allocation (local scope). equal: floor(m/N) each, the remainder stays free",
            "and unused (48 frames, 9 processes: 5 each, 3 over). proportional:",
            "floor(s*m/S) in exact integers, s a process's size (its distinct pages",
            "unless --sizes), S the sum (62 frames, sizes 10 and 127: 4 and 57).",
            "priority: the same on weights size*priority (--priorities, default 1).",
            "",
            "Minimum. Every process must get --min-frames frames or the run is refused",
            "with the numbers. Default: 6 when two or more processes share the frames",
            "(an i386 MOVS whose instruction and both operands straddle page boundaries",
            "needs 6 pages at once), 1 for a process alone. Frames are never taken back",
            "when a process's trace ends: its pages stay resident (under global scope",
            "they remain candidates for eviction).",
            "",
            "OPT evicts the page referenced farthest in the future (never again =",
            "infinitely far); among pages never referenced again, the one loaded",
            "earliest. It needs the whole stream in memory (4 bytes a reference), as do",
            "sizes taken from the traces and a trace with pids under local scope.",
            "",
            "Clock. A circle of the pool's frames in frame order, one hand starting at",
            "frame 0; filling free frames does not move it; a hit sets the page's",
            "reference bit; a fault on a full pool clears set bits while advancing and",
            "takes the first page whose bit is clear; the new page takes that frame and",
            "the hand moves one past it. --clock-load-bit 1 (default): a loaded page",
            "starts with its bit set (the access that faulted sets A when it retries);",
            "0: clear, as libCacheSim's clock.",
            "",
            "Kernel path (--kernel):",
            "",
            "Each policy gets a freshly booted kernel (--machine). Trace i becomes process i + 1 with its own page directory and one read-write region of its distinct pages (of its whole user area when streamed: see Memory); each reference is an access of that process at CPL 3 through the MMU and its TLB, a fault goes to the kernel's page-fault handler, which loads the page (zero-filled on first touch, else read back from swap) into a frame its pool allows, evicting the victim the policy chooses from the PTEs' A and D bits (a dirty one is written to swap); CR3 is loaded whenever the stream passes to another process (every quantum). For fifo, lru, opt and clock (--clock-load-bit 1), local or global, equal or proportional, the counts are exactly the fast replay's.",
            "",
            "Trace pages become user pages in order of first use from 0x1000: a trace's n-th distinct page is at 0x1000 + n * 4096 (64-bit programs' addresses do not fit a 32-bit process). Faults depend only on page identity.",
            "",
            "The machine. Besides --frames, the kernel needs frames of its own: per process a page directory, the 48 frames of its user-area bitmap (2 bits for each of 786,431 pages) and a page table for each 4 MiB of its region; --machine auto boots the smallest built-in machine that has them all free.",
            "",
            "Policies that need every reference (lru, opt, arc, ...) get it from the simulator's reference hook, which no real kernel has; the report says so. Hardware-bit policies (clock, nru, aging, ...) see only A and D, cleared with the INVLPG a kernel needs (--no-invlpg leaves it out: a lesson). The kernel half is mapped global with CR4.PGE, so a CR3 load keeps the kernel's translations (--no-global-pages to compare).",
            "",
            "The effective access time is the textbook's: EAT = (1 - p) * ma + p * s, p the fault rate, ma --memory-access (200 ns), s the average fault service: ma plus the fault's swap transfers (--io-cost each: a page-in, and a page-out when the victim was dirty; a first touch costs none).",
            "",
            "Memory: the kernel path streams the traces as the fast replay does, every policy's kernel fed each block in turn, so memory grows with the distinct pages, not the references. A streamed process's region is its whole user area (its pages are known only at the end), so --machine auto may boot a larger machine than for the same stream held in memory; the counts are the same. It holds the whole stream in memory first (4 bytes a reference, 8 with opt, plus 8 bytes a distinct page, at most 2,147,483,631 references; the policies then run one after the other) when the fast replay would, for a trace with pids under either scope (the machine is sized by its processes before it boots), and when no machine holds the streamed worst case; give Java more heap for long traces then (" + Main.MORE_HEAP + ").",
            "",
            "Examples:",
            "  pagelab replay ls.lackey.gz --frames 64 --policy lru,fifo,clock,opt",
            "  pagelab replay a.trace b.trace --frames 48 --policy clock --kernel",
            "  pagelab replay a.trace b.trace --frames 48 --scope global --policy lru",
            "  pagelab replay a.trace b.trace --frames 62 --allocation proportional --json"})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TRACE", description = "Trace files, one a process (or one with pids).")
    List<Path> traces;

    @Option(names = {"-m", "--frames"}, required = true, paramLabel = "M",
            description = "Frames of the machine, shared by all processes.")
    int frames;

    @Option(names = {"-p", "--policy"}, required = true, split = ",", paramLabel = "P",
            description = "Policies to compare, repeated or comma-separated (see --list-policies).")
    List<String> policies;

    @Option(names = "--scope", paramLabel = "local|global", defaultValue = "local",
            description = "Replacement scope (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--allocation", paramLabel = "equal|proportional|priority", defaultValue = "equal",
            description = "How local scope divides the frames (default: ${DEFAULT-VALUE}).")
    String allocation;

    @Option(names = "--quantum", paramLabel = "Q", defaultValue = "1000",
            description = "References a process consumes a turn (default: ${DEFAULT-VALUE}).")
    long quantum;

    @CommandLine.Mixin
    TraceInputOptions input = new TraceInputOptions();

    @CommandLine.Mixin
    ReplayParameterOptions parameters = new ReplayParameterOptions();

    @Option(names = "--json", description = "Print one JSON object (documented in the README).")
    boolean json;

    @Option(names = "--csv", description = "Print CSV: one row a process and policy, and a total row.")
    boolean csv;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--list-policies", help = true, description = "List the policies and exit.")
    boolean listPolicies;

    @Option(names = "--kernel", description = "Run the replay through the kernel: processes, MMU, TLB, the fault"
            + " handler, swap (see Kernel path below).")
    boolean kernel;

    @CommandLine.Mixin
    KernelPathOptions kernelPath = new KernelPathOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PolicyRegistry registry = PolicyRegistry.builtIn();
        if (listPolicies) {
            for (String name : registry.names()) {
                var info = registry.info(name);
                out.printf("%-10s %-16s %s%n", name, info.visibility() == dev.pagelab.replace.Visibility.EVERY_REFERENCE
                        ? "every reference" : "hardware bits", info.summary());
            }
            out.flush();
            return 0;
        }
        if (json && csv) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--json and --csv: choose one");
        }
        for (String name : policies) {
            if (!registry.contains(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--policy: unknown policy '" + name
                        + "' (known: " + String.join(", ", registry.names()) + ")");
            }
        }
        ReplayConfig config = config();
        TraceOptions options = input.options(spec.commandLine());
        List<String> kernelOnly = KernelPathOptions.given(spec.commandLine().getParseResult());
        if (!kernel && !kernelOnly.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join(", ", kernelOnly)
                    + (kernelOnly.size() == 1 ? " is an option" : " are options") + " of the kernel path: add --kernel");
        }
        if (kernel) {
            return kernelReplay(out, config, options, registry);
        }
        long started = System.nanoTime();
        ReplayResult result;
        List<TraceReader> readers = Traces.openAhead(traces, options);
        try (Progress progress = Progress.start(quiet, "replay", "refs")) {
            result = Replay.run(readers, policies, config, registry, progress::update);
        } finally {
            Traces.closeAll(readers);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (json) {
            out.println(json(result, seconds));
        } else if (csv) {
            csv(out, result, null, 0);
        } else {
            table(out, result, seconds);
        }
        out.flush();
        return 0;
    }

    private int kernelReplay(PrintWriter out, ReplayConfig config, TraceOptions options, PolicyRegistry registry)
            throws IOException {
        KernelReplay.Options kernelOptions = kernelPath.options(spec.commandLine());
        long started = System.nanoTime();
        KernelReplay.Result result;
        List<TraceReader> readers = Traces.openAhead(traces, options);
        try (Progress progress = Progress.start(quiet, "replay --kernel", "refs")) {
            result = KernelReplay.run(readers, policies, config, registry, kernelOptions, progress::update);
        } finally {
            Traces.closeAll(readers);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long ma = kernelPath.memoryAccessNanos;
        if (json) {
            ObjectNode root = jsonTree(result.replay(), seconds);
            KernelReplayReport.json(root, result, kernelOptions, ma);
            out.println(write(root));
        } else if (csv) {
            csv(out, result.replay(), result, ma);
        } else {
            table(out, result.replay(), seconds);
            KernelReplayReport.table(out, result, kernelOptions, ma);
        }
        out.flush();
        return 0;
    }

    private ReplayConfig config() {
        CommandLine commandLine = spec.commandLine();
        return parameters.config(frames, ReplayParameterOptions.scope(scope, commandLine),
                ReplayParameterOptions.allocation(allocation, commandLine), quantum, commandLine);
    }

    private static String describeSetup(ReplayResult result) {
        ReplayConfig c = result.config();
        FrameAllocation a = result.allocation();
        return String.format(Locale.ROOT, "%,d frames, %s replacement, %s", c.frames(), c.scope().cliName(),
                a == null ? "one pool of all frames (global scope: no quotas)"
                        : c.allocation().cliName() + " allocation: " + quotas(a) + " (" + a.leftover() + " left over)");
    }

    private static String quotas(FrameAllocation a) {
        StringBuilder text = new StringBuilder();
        for (int q : a.quotas()) {
            text.append(text.isEmpty() ? "" : " ").append(q);
        }
        return text.toString();
    }

    private static void table(PrintWriter out, ReplayResult result, double seconds) {
        PolicyResult first = result.policies().get(0);
        out.printf(Locale.ROOT, "pagelab replay: %d process%s, %s%n", first.processes().size(),
                first.processes().size() == 1 ? "" : "es", describeSetup(result));
        int width = 5;
        for (ProcessResult p : first.processes()) {
            width = Math.max(width, p.trace().length());
        }
        if (first.processes().size() == 1) {
            // One process: one row a policy, side by side.
            ProcessResult only = first.process(0);
            out.printf(Locale.ROOT, "trace %s: %,d references, %,d distinct pages%n%n", only.trace(), only.references(),
                    only.pages());
            int nameWidth = 6;
            for (PolicyResult r : result.policies()) {
                nameWidth = Math.max(nameWidth, r.policy().length());
            }
            out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %11s  %10s  %11s  %6s%n", "policy", "faults", "fault rate",
                    "write-backs", "frames");
            for (PolicyResult r : result.policies()) {
                out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %,11d  %9.4f%%  %,11d  %,6d%n", r.policy(), r.faults(),
                        r.faultRate() * 100, r.writebacks(), r.framesHeld());
            }
        } else {
            for (PolicyResult r : result.policies()) {
                out.println();
                out.println("policy " + r.policy());
                out.println(String.format(Locale.ROOT, "  %3s  %-" + width + "s  %10s  %13s  %11s  %10s  %11s  %6s",
                        "pid", "trace", "pages", "references", "faults", "fault rate", "write-backs", "frames"));
                for (ProcessResult p : r.processes()) {
                    row(out, width, String.valueOf(p.pid()), p.trace(), p.pages(), p.references(), p.faults(),
                            p.faultRate(), p.writebacks(), p.framesHeld());
                }
                row(out, width, "", "total", r.processes().stream().mapToLong(ProcessResult::pages).sum(),
                        r.references(), r.faults(), r.faultRate(), r.writebacks(), r.framesHeld());
            }
        }
        long references = first.references();
        out.printf(Locale.ROOT, "%n%,d references x %d polic%s in %s (%.1f M references/s)%s%n", references,
                result.policies().size(), result.policies().size() == 1 ? "y" : "ies",
                seconds < 1 ? String.format(Locale.ROOT, "%.0f ms", seconds * 1e3)
                        : String.format(Locale.ROOT, "%.2f s", seconds),
                references * result.policies().size() / Math.max(seconds, 1e-9) / 1e6,
                result.inMemory() ? "; the stream was held in memory" : "");
    }

    private static void row(PrintWriter out, int width, String pid, String trace, long pages, long references,
                            long faults, double rate, long writebacks, int frames) {
        out.printf(Locale.ROOT, "  %3s  %-" + width + "s  %,10d  %,13d  %,11d  %9.4f%%  %,11d  %,6d%n", pid, trace,
                pages, references, faults, rate * 100, writebacks, frames);
    }

    /** The CSV report; with {@code kernel} non-null, the kernel's columns after the replay's ({@link KernelReplayReport}). */
    private static void csv(PrintWriter out, ReplayResult result, KernelReplay.Result kernel, long memoryAccessNanos) {
        out.println("policy,pid,trace,pages,references,faults,fault_rate,writebacks,frames,quota"
                + (kernel == null ? "" : KernelReplayReport.CSV_COLUMNS));
        for (int i = 0; i < result.policies().size(); i++) {
            PolicyResult r = result.policies().get(i);
            KernelReplay.KernelStats k = kernel == null ? null : kernel.kernel().get(i);
            for (ProcessResult p : r.processes()) {
                out.printf(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%.6f,%d,%d,%s%s%n", r.policy(), p.pid(), csvText(p.trace()),
                        p.pages(), p.references(), p.faults(), p.faultRate(), p.writebacks(), p.framesHeld(),
                        p.quota() < 0 ? "" : String.valueOf(p.quota()),
                        k == null ? "" : KernelReplayReport.csvProcess(k, p.pid()));
            }
            out.printf(Locale.ROOT, "%s,total,,%d,%d,%d,%.6f,%d,%d,%s%s%n", r.policy(),
                    r.processes().stream().mapToLong(ProcessResult::pages).sum(), r.references(), r.faults(),
                    r.faultRate(), r.writebacks(), r.framesHeld(),
                    result.allocation() == null ? "" : String.valueOf(result.config().frames()),
                    k == null ? "" : KernelReplayReport.csvTotal(k, memoryAccessNanos));
        }
    }

    private static String csvText(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    private static String json(ReplayResult result, double seconds) {
        return write(jsonTree(result, seconds));
    }

    private static String write(ObjectNode root) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode jsonTree(ReplayResult result, double seconds) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("pagelab", new Main.Version().getVersion()[0]);
        ReplayConfig c = result.config();
        root.put("frames", c.frames());
        root.put("scope", c.scope().cliName());
        root.put("quantum", c.quantum());
        FrameAllocation a = result.allocation();
        if (a != null) {
            ObjectNode alloc = root.putObject("allocation");
            alloc.put("mode", a.mode().cliName());
            ArrayNode quotas = alloc.putArray("quotas");
            Arrays.stream(a.quotas()).forEach(quotas::add);
            alloc.put("leftover", a.leftover());
            alloc.put("minimum", a.minimum());
        } else {
            root.putNull("allocation");
        }
        ObjectNode params = root.putObject("parameters");
        PolicyConfig p = c.policy();
        params.put("seed", p.seed());
        params.put("clockLoadBit", p.clockLoadBit());
        params.put("tick", p.tickInterval());
        params.put("agingBits", p.agingBits());
        params.put("tau", p.tau());
        params.put("window", p.window());
        params.put("pffTau", p.pffTau());
        root.put("inMemory", result.inMemory());
        root.put("seconds", seconds);
        ArrayNode list = root.putArray("policies");
        for (PolicyResult r : result.policies()) {
            ObjectNode policy = list.addObject();
            policy.put("policy", r.policy());
            ArrayNode processes = policy.putArray("processes");
            for (ProcessResult pr : r.processes()) {
                ObjectNode n = processes.addObject();
                n.put("pid", pr.pid());
                n.put("trace", pr.trace());
                n.put("pages", pr.pages());
                n.put("references", pr.references());
                n.put("faults", pr.faults());
                n.put("faultRate", pr.faultRate());
                n.put("writebacks", pr.writebacks());
                n.put("frames", pr.framesHeld());
                if (pr.quota() >= 0) {
                    n.put("quota", pr.quota());
                } else {
                    n.putNull("quota");
                }
            }
            ObjectNode total = policy.putObject("total");
            total.put("references", r.references());
            total.put("faults", r.faults());
            total.put("faultRate", r.faultRate());
            total.put("writebacks", r.writebacks());
            total.put("frames", r.framesHeld());
        }
        return root;
    }
}
