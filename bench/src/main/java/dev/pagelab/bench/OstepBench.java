package dev.pagelab.bench;

import dev.pagelab.hw.Checks;
import dev.pagelab.ostep.Ostep;
import dev.pagelab.ostep.OstepEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The macro benchmark behind {@code pagelab bench ostep}: issue 15's paging-policy workload,
 * {@code -s 0 -n 100000 -m 200 -C 100 -p POLICY -c -N}, through the compatible mode in this JVM.
 *
 * <ol>
 *   <li>Cold: the first run of each policy in this JVM, OPT first (nothing of the mode compiled
 *       yet, classes loaded on the way), one clock reading before and one after.</li>
 *   <li>Warm: {@code warmup} untimed runs, then {@code rounds} timed runs; the best and the median.</li>
 *   <li>Optionally the script itself: {@code python3 DIR/paging-policy.py} with the same
 *       arguments, timed from process start to exit, {@code scriptRounds} times (the best).</li>
 * </ol>
 * Each run parses the options, generates the references with {@code PythonRandom}, runs the
 * policy and prints the FINALSTATS line, which the result keeps so the answers can be compared.
 */
public final class OstepBench {
    /** CPython's times the issue gives for this workload on "this kind of machine". */
    public static final double ISSUE_PYTHON_LRU_SECONDS = 0.37;
    public static final double ISSUE_PYTHON_OPT_SECONDS = 43;

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private OstepBench() {
    }

    /**
     * What to run.
     *
     * @param policies     the -p values, each timed cold then warm
     * @param references   -n
     * @param warmup       untimed runs a policy before the timed ones
     * @param rounds       timed runs a policy
     * @param scriptDir    a folder holding paging-policy.py to time with python3, or null
     * @param scriptRounds runs of the script a policy (its best is kept)
     */
    public record Settings(List<String> policies, long references, int warmup, int rounds, Path scriptDir,
                           int scriptRounds) {
        public Settings {
            policies = List.copyOf(policies);
            if (references < 1 || warmup < 0 || rounds < 1 || scriptRounds < 1) {
                throw new IllegalArgumentException("ostep bench: references " + references + ", warm-up " + warmup
                        + ", rounds " + rounds + " and script rounds " + scriptRounds + " must be positive (warm-up 0 or more)");
            }
        }

        /** The issue's workload: LRU and OPT, 100,000 references. */
        public static Settings defaults() {
            return new Settings(List.of("OPT", "LRU"), 100_000, 20, 10, null, 1);
        }

        /** The arguments of one run. */
        public List<String> args(String policy) {
            return List.of("-s", "0", "-n", Long.toString(references), "-m", "200", "-C", "100", "-p", policy, "-c", "-N");
        }
    }

    /**
     * One policy's times, in nanoseconds.
     *
     * @param scriptNanos the script's best wall time, or -1 when not run
     * @param finalStats  pagelab's FINALSTATS line
     * @param scriptStats the script's, or null
     */
    public record PolicyTimes(String policy, long coldNanos, long bestNanos, long medianNanos, long bestCpuNanos,
                              long scriptNanos, String finalStats, String scriptStats) {
    }

    /** The outcome; {@code checksOn} makes the numbers meaningless. */
    public record Result(Settings settings, List<PolicyTimes> policies, boolean checksOn) {
    }

    public static Result run(Settings settings, Consumer<String> progress) throws IOException {
        long[] cold = new long[settings.policies().size()];
        String[] stats = new String[cold.length];
        for (int i = 0; i < cold.length; i++) {
            progress.accept("cold run, " + settings.policies().get(i));
            long start = System.nanoTime();
            stats[i] = once(settings.args(settings.policies().get(i)));
            cold[i] = System.nanoTime() - start;
        }
        List<PolicyTimes> out = new ArrayList<>();
        for (int i = 0; i < cold.length; i++) {
            String policy = settings.policies().get(i);
            progress.accept("warm runs, " + policy + ": " + settings.warmup() + " + " + settings.rounds());
            for (int w = 0; w < settings.warmup(); w++) {
                once(settings.args(policy));
            }
            long[] times = new long[settings.rounds()];
            long bestCpu = Long.MAX_VALUE;
            for (int r = 0; r < times.length; r++) {
                long cpuStart = CPU.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                once(settings.args(policy));
                times[r] = System.nanoTime() - start;
                bestCpu = Math.min(bestCpu, CPU.getCurrentThreadCpuTime() - cpuStart);
            }
            Arrays.sort(times);
            long scriptNanos = -1;
            String scriptStats = null;
            if (settings.scriptDir() != null) {
                progress.accept("python3 paging-policy.py, " + policy + ": " + settings.scriptRounds() + " run(s)");
                for (int r = 0; r < settings.scriptRounds(); r++) {
                    long start = System.nanoTime();
                    scriptStats = script(settings.scriptDir(), settings.args(policy));
                    long t = System.nanoTime() - start;
                    scriptNanos = scriptNanos < 0 ? t : Math.min(scriptNanos, t);
                }
            }
            out.add(new PolicyTimes(policy, cold[i], times[0], times[times.length / 2], bestCpu, scriptNanos, stats[i],
                    scriptStats));
        }
        return new Result(settings, out, Checks.ENABLED);
    }

    /** One run of the mode; its FINALSTATS line. */
    static String once(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Ostep.run("paging-policy", args, new OstepEnvironment(Path.of("."), null), out, err);
        if (exit != 0) {
            throw new IllegalStateException("ostep bench: paging-policy " + args + " exited with " + exit + ": " + err);
        }
        return finalStats(out.toString());
    }

    private static String script(Path dir, List<String> args) throws IOException {
        Path script = dir.resolve("paging-policy.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("ostep bench: " + script + ": no such file (--script-dir names the folder"
                    + " holding paging-policy.py)");
        }
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = p.getInputStream()) {
            output = in.readAllBytes();
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("ostep bench: python3 " + script + " failed or took over 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("ostep bench: interrupted while python3 ran", e);
        }
        return finalStats(new String(output, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String finalStats(String output) {
        return output.lines().filter(l -> l.startsWith("FINALSTATS")).findFirst().orElse("(no FINALSTATS)");
    }
}
