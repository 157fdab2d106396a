package dev.pagelab.bench;

import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The macro benchmark behind {@code pagelab bench replay}: references per second of the replay
 * engine for each policy, on one input, measured two ways.
 *
 * <ol>
 *   <li><b>Load</b>: the trace is read once, untimed for the policies, into a {@link ReferenceStream}
 *       (its reading and interning rate is reported on its own).</li>
 *   <li><b>In memory</b>, per policy: {@link Replay#run(ReferenceStream, List, ReplayConfig,
 *       PolicyRegistry, java.util.function.LongConsumer)} over the stream held in memory, one policy
 *       at a time, a warm-up run and then {@code rounds} timed runs; the best round is reported (the
 *       least disturbed by the rest of the machine), with the median beside it. This is the number
 *       to put beside libCacheSim's replays from memory. OPT's time includes computing every
 *       reference's next use.</li>
 *   <li><b>End to end</b> (when the input is a file): {@code Replay.run} on freshly opened readers,
 *       reading, decompressing, parsing, interning and replaying LRU in one pass, as
 *       {@code pagelab replay} does.</li>
 * </ol>
 * Every run of a policy must give the same faults; a difference is reported as an error, since it
 * would mean the engine is not deterministic.
 */
public final class ReplayBench {
    private ReplayBench() {
    }

    /** Opens the input afresh (a file, or the synthetic generator). */
    @FunctionalInterface
    public interface Input {
        List<TraceReader> open() throws IOException;
    }

    /**
     * What to run.
     *
     * @param name      the input's name, for the report
     * @param input     opens the traces
     * @param fromFile  whether to measure end to end from the input as well
     * @param policies  the policies, in order
     * @param frames    frames (global scope: one pool)
     * @param rounds    timed rounds a policy, at least 1
     */
    public record Settings(String name, Input input, boolean fromFile, List<String> policies, int frames, int rounds) {
        public Settings {
            Objects.requireNonNull(input, "input");
            policies = List.copyOf(policies);
            if (policies.isEmpty()) {
                throw new IllegalArgumentException("no policies to measure");
            }
            if (frames < 1) {
                throw new IllegalArgumentException("frames " + frames + " must be at least 1");
            }
            if (rounds < 1 || rounds > 1_000) {
                throw new IllegalArgumentException("rounds " + rounds + " must be 1 to 1000");
            }
        }
    }

    /** One policy's rates in memory. */
    public record PolicyRate(String policy, long faults, double bestPerSecond, double medianPerSecond) {
    }

    /**
     * The result.
     *
     * @param references      references in the input
     * @param pages           distinct pages
     * @param loadPerSecond   references read and interned per second
     * @param policies        in-memory rates
     * @param endToEndPerSecond LRU from the file, end to end, or NaN when not measured
     */
    public record Result(String name, long references, int pages, int frames, double loadPerSecond,
                         List<PolicyRate> policies, double endToEndPerSecond, boolean checks) {
    }

    /** Runs the benchmark; {@code progress} is told what runs now. */
    public static Result run(Settings settings, PolicyRegistry registry, Consumer<String> progress) throws IOException {
        progress.accept("loading " + settings.name());
        long started = System.nanoTime();
        ReferenceStream stream = load(settings.input());
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        ReplayConfig config = ReplayConfig.of(settings.frames(), Scope.GLOBAL);
        List<PolicyRate> rates = new ArrayList<>();
        for (String policy : settings.policies()) {
            progress.accept(policy + " in memory");
            long faults = once(stream, policy, config, registry).policy(policy).faults();
            double[] perSecond = new double[settings.rounds()];
            for (int round = 0; round < settings.rounds(); round++) {
                long t0 = System.nanoTime();
                long again = once(stream, policy, config, registry).policy(policy).faults();
                long nanos = System.nanoTime() - t0;
                if (again != faults) {
                    throw new IllegalStateException(policy + " gave " + again + " faults in round " + round
                            + " and " + faults + " in the warm-up: the replay is not deterministic");
                }
                perSecond[round] = stream.length() * 1e9 / Math.max(1, nanos);
            }
            java.util.Arrays.sort(perSecond);
            rates.add(new PolicyRate(policy, faults, perSecond[perSecond.length - 1], perSecond[perSecond.length / 2]));
        }
        double endToEnd = Double.NaN;
        if (settings.fromFile()) {
            progress.accept("lru end to end from " + settings.name());
            endToEndLru(settings.input(), config, registry);
            long t0 = System.nanoTime();
            endToEndLru(settings.input(), config, registry);
            endToEnd = stream.length() * 1e9 / Math.max(1, System.nanoTime() - t0);
        }
        return new Result(settings.name(), stream.length(), stream.pages(), settings.frames(),
                stream.length() / Math.max(loadSeconds, 1e-9), rates, endToEnd, dev.pagelab.hw.Checks.ENABLED);
    }

    private static ReplayResult once(ReferenceStream stream, String policy, ReplayConfig config, PolicyRegistry registry) {
        return Replay.run(stream, List.of(policy), config, registry, null);
    }

    private static void endToEndLru(Input input, ReplayConfig config, PolicyRegistry registry) throws IOException {
        List<TraceReader> readers = input.open();
        try {
            Replay.run(readers, List.of("lru"), config, registry, null);
        } finally {
            Traces.closeAll(readers);
        }
    }

    private static ReferenceStream load(Input input) throws IOException {
        List<TraceReader> readers = input.open();
        try {
            return ReferenceStream.load(readers, ReplayConfig.DEFAULT_QUANTUM);
        } finally {
            Traces.closeAll(readers);
        }
    }
}
