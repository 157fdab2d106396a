package dev.pagelab.cli;

import static dev.pagelab.cli.BenchCommand.MAX_ROUNDS;
import static dev.pagelab.cli.BenchCommand.MAX_SECONDS;
import static dev.pagelab.cli.BenchCommand.progress;
import static dev.pagelab.cli.BenchCommand.report;
import static dev.pagelab.cli.BenchCommand.within;
import static dev.pagelab.cli.BenchCommand.write;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.MacroBench;
import dev.pagelab.bench.TranslateWorkload;
import dev.pagelab.hw.MmuStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

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
final class BenchTranslateCommand implements Callable<Integer> {
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
