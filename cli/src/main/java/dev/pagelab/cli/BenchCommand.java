package dev.pagelab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
        subcommands = {BenchTranslateCommand.class, BenchFramesCommand.class, BenchPagingCommand.class,
            BenchHeapCommand.class, BenchReplayCommand.class, BenchOstepCommand.class},
        footer = {"", "Run 'pagelab bench COMMAND --help' for a benchmark's options."})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
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

    /** A JSON report's root: the benchmark's name, the date, the JVM and the host ({@link BenchTranslateCommand#environment}). */
    static ObjectNode report(String benchmark) {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        BenchTranslateCommand.environment(root);
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
