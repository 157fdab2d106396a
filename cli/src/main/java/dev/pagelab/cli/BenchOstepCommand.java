package dev.pagelab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.OstepBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pagelab bench ostep}: the compatible paging-policy against the figures of issue 15 (and python3). */
@Command(name = "ostep",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "OSTEP mode speed: paging-policy -s 0 -n 100000 -m 200 -C 100 -c -N.",
        description = {
            "Run the compatible paging-policy on issue 15's workload (100,000 generated",
            "references, pages below 200, a cache of 100 pages) in this JVM:",
            "  cold  the first run of each policy in the JVM, OPT first",
            "  warm  --warmup untimed runs, then --rounds timed ones: best and median wall",
            "        time, and the best CPU time of the thread (what a loaded machine keeps)",
            "and compare with CPython's times the issue gives (LRU 0.35-0.39 s, OPT 43 s), or",
            "with python3 itself when --script-dir names a folder holding paging-policy.py.",
            "Each run prints FINALSTATS; the report shows pagelab's (and the script's) line.",
            "",
            "Progress goes to stderr; the report to stdout.",
            ""},
        footer = {"", "Examples:", "  pagelab bench ostep", "  pagelab bench ostep --policy LRU,FIFO,CLOCK --rounds 20",
            "  pagelab bench ostep --script-dir ~/ostep-homework/vm-beyondphys-policy"})
final class BenchOstepCommand implements Callable<Integer> {
    @Option(names = {"-p", "--policy"}, split = ",", paramLabel = "P", defaultValue = "OPT,LRU",
            description = "Policies (the script's names), OPT first for a cold OPT (default: ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = {"-n", "--references"}, paramLabel = "N", defaultValue = "100000",
            description = "References, 1 to 10,000,000 (default: ${DEFAULT-VALUE}).")
    long references;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20",
            description = "Untimed runs a policy, 0 to 10,000 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "10",
            description = "Timed runs a policy, 1 to 10,000 (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--script-dir", paramLabel = "DIR",
            description = "A folder with paging-policy.py: time python3 running it too.")
    Path scriptDir;

    @Option(names = "--script-rounds", paramLabel = "N", defaultValue = "1",
            description = "Runs of the script a policy, 1 to 100; the best counts (default: ${DEFAULT-VALUE}).")
    int scriptRounds;

    @Option(names = "--json", description = "Print the result as one JSON document instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        for (String p : policies) {
            BenchCommand.oneOf(spec, "--policy", p, List.of("FIFO", "LRU", "MRU", "OPT", "UNOPT", "RAND", "CLOCK"));
        }
        BenchCommand.within(spec, "--references", references, 1, 10_000_000);
        BenchCommand.within(spec, "--warmup", warmup, 0, 10_000);
        BenchCommand.within(spec, "--rounds", rounds, 1, 10_000);
        BenchCommand.within(spec, "--script-rounds", scriptRounds, 1, 100);
        OstepBench.Settings settings = new OstepBench.Settings(policies, references, warmup, rounds, scriptDir,
                scriptRounds);
        OstepBench.Result result = OstepBench.run(settings, BenchCommand.progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(result) : table(result));
        out.flush();
        return 0;
    }

    private static String table(OstepBench.Result r) {
        StringBuilder out = new StringBuilder();
        OstepBench.Settings s = r.settings();
        out.append(String.format(Locale.ROOT, "pagelab bench ostep: paging-policy -s 0 -n %d -m 200 -C 100 -p P -c -N,"
                + " one thread%n", s.references()));
        out.append(BenchTranslateCommand.environment()).append('\n');
        if (r.checksOn()) {
            out.append("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.\n");
        }
        out.append(String.format(Locale.ROOT, "%n  %-6s  %9s  %9s  %9s  %9s  %10s  %s%n", "policy", "cold ms", "warm best",
                "warm med", "best cpu", "python3 ms", "FINALSTATS"));
        for (OstepBench.PolicyTimes p : r.policies()) {
            out.append(String.format(Locale.ROOT, "  %-6s  %9.2f  %9.3f  %9.3f  %9.3f  %10s  %s%n", p.policy(),
                    p.coldNanos() / 1e6, p.bestNanos() / 1e6, p.medianNanos() / 1e6, p.bestCpuNanos() / 1e6,
                    p.scriptNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", p.scriptNanos() / 1e6),
                    p.finalStats().replace("FINALSTATS ", "")));
            if (p.scriptStats() != null && !p.scriptStats().equals(p.finalStats())) {
                out.append("          the script printed: ").append(p.scriptStats()).append('\n');
            }
        }
        if (s.references() == 100_000) {
            out.append(String.format(Locale.ROOT, "%nIssue 15's CPython figures: LRU %.2f s, OPT %.0f s.%n",
                    OstepBench.ISSUE_PYTHON_LRU_SECONDS, OstepBench.ISSUE_PYTHON_OPT_SECONDS));
            for (OstepBench.PolicyTimes p : r.policies()) {
                double python = p.scriptNanos() > 0 ? p.scriptNanos() / 1e9 : p.policy().equals("LRU")
                        ? OstepBench.ISSUE_PYTHON_LRU_SECONDS : p.policy().equals("OPT")
                        ? OstepBench.ISSUE_PYTHON_OPT_SECONDS : Double.NaN;
                if (!Double.isNaN(python)) {
                    out.append(String.format(Locale.ROOT, "  %-6s warm %,.0fx faster, cold %,.0fx faster than %s%n",
                            p.policy(), python / (p.bestNanos() / 1e9), python / (p.coldNanos() / 1e9),
                            p.scriptNanos() > 0 ? "python3 here" : "the issue's figure"));
                }
            }
        }
        return out.toString().stripTrailing();
    }

    private static String json(OstepBench.Result r) {
        ObjectNode root = BenchCommand.report("ostep");
        root.put("references", r.settings().references()).put("warmup", r.settings().warmup())
                .put("rounds", r.settings().rounds()).put("checksOn", r.checksOn());
        ArrayNode list = root.putArray("policies");
        for (OstepBench.PolicyTimes p : r.policies()) {
            ObjectNode n = list.addObject().put("policy", p.policy()).put("coldNanos", p.coldNanos())
                    .put("bestNanos", p.bestNanos()).put("medianNanos", p.medianNanos())
                    .put("bestCpuNanos", p.bestCpuNanos()).put("finalStats", p.finalStats());
            if (p.scriptNanos() >= 0) {
                n.put("scriptNanos", p.scriptNanos()).put("scriptFinalStats", p.scriptStats());
            }
        }
        return BenchCommand.write(root);
    }
}
