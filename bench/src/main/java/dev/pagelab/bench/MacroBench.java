package dev.pagelab.bench;

import dev.pagelab.hw.Checks;
import dev.pagelab.hw.MmuStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The macro benchmark behind {@code pagelab bench translate}: a {@link TranslateWorkload}
 * run in this JVM, on this thread, for a warm-up time and then a number of timed rounds.
 * It uses no JMH, so that the command ships without it; the JMH benchmark
 * ({@code dev.pagelab.bench.jmh.TranslateBenchmark}) measures the same workload more
 * carefully, in a fresh JVM per pattern.
 *
 * <h2>How a round is timed</h2>
 * <ol>
 *   <li>The workload is built and primed before anything is timed (see
 *       {@link TranslateWorkload}): the addresses are precomputed, A/D bits are set and the
 *       TLB is warm, so a round only translates.</li>
 *   <li>Warm-up: the workload runs, untimed, for the warm-up time, long enough for the JIT
 *       to compile the loop and {@code Mmu.translate}.</li>
 *   <li>Each round runs chunks of {@value #CHUNK} translations until its time is up, reading
 *       the clock only between chunks; the round's rate is translations done divided by the
 *       time they took. The checksum of every chunk is kept in the result so that the JIT
 *       cannot drop the work.</li>
 *   <li>The MMU's counters are compared before the first and after the last round: they
 *       show that the pattern did what it says (every access a TLB hit, or every access a
 *       walk), that nothing faulted and that no A/D bit was written; the run stops with an
 *       error otherwise ({@link TranslateWorkload#checkSteadyState()}).</li>
 * </ol>
 *
 * <p>The numbers are those of one JVM that may have run other patterns before: when patterns
 * run one after the other, the second starts with code compiled for the first and is
 * recompiled during its warm-up. Invariant checks ({@link Checks}) should be off; the
 * result says whether they were.
 */
public final class MacroBench {
    /** Translations between two readings of the clock. */
    public static final int CHUNK = 1 << 14;

    private MacroBench() {
    }

    /**
     * How long to run.
     *
     * @param warmupSeconds   untimed running before the first round, 0 or more
     * @param rounds          timed rounds, at least 1
     * @param secondsPerRound length of each round, more than 0
     */
    public record Settings(double warmupSeconds, int rounds, double secondsPerRound) {
        /** Five rounds of one second after one second of warm-up. */
        public static final Settings DEFAULT = new Settings(1, 5, 1);

        /** Validates the values. */
        public Settings {
            if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
                throw new IllegalArgumentException("warm-up of " + warmupSeconds + " s must be 0 or more seconds");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds " + rounds + " must be at least 1");
            }
            if (!(secondsPerRound > 0) || Double.isInfinite(secondsPerRound)) {
                throw new IllegalArgumentException("round length of " + secondsPerRound + " s must be more than 0 seconds");
            }
        }
    }

    /**
     * One timed round.
     *
     * @param translations translations done
     * @param nanos        time they took, in nanoseconds
     */
    public record Round(long translations, long nanos) {
        /** The round's rate. */
        public double translationsPerSecond() {
            return translations * 1e9 / nanos;
        }

        /** The round's length in seconds. */
        public double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * The outcome of measuring one pattern.
     *
     * @param pattern     what was measured
     * @param workload    {@link TranslateWorkload#describe()}
     * @param settings    how long it ran
     * @param rounds      every timed round, in order
     * @param counters    what the MMU did during the timed rounds
     * @param checksum    sum of every translated address (meaningless, consumed so the work stays)
     * @param checksOn    whether invariant checks were on, which makes the numbers meaningless
     */
    public record Result(TranslateWorkload.Pattern pattern, String workload, Settings settings, List<Round> rounds,
                         MmuStats.Snapshot counters, long checksum, boolean checksOn) {
        /** Copies the rounds. */
        public Result {
            rounds = List.copyOf(rounds);
        }

        /** The median of the rounds' rates, in translations per second. */
        public double median() {
            double[] rates = rates();
            Arrays.sort(rates);
            int mid = rates.length / 2;
            return rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
        }

        /** The slowest round's rate. */
        public double min() {
            return Arrays.stream(rates()).min().orElseThrow();
        }

        /** The fastest round's rate. */
        public double max() {
            return Arrays.stream(rates()).max().orElseThrow();
        }

        /** The mean of the rounds' rates. */
        public double mean() {
            return Arrays.stream(rates()).average().orElseThrow();
        }

        /** The sample standard deviation of the rounds' rates; 0 for a single round. */
        public double stddev() {
            double[] rates = rates();
            if (rates.length < 2) {
                return 0;
            }
            double mean = mean();
            double squares = 0;
            for (double r : rates) {
                squares += (r - mean) * (r - mean);
            }
            return Math.sqrt(squares / (rates.length - 1));
        }

        /** TLB hits over translations during the timed rounds, 0 to 1. */
        public double tlbHitRate() {
            return counters.accesses() == 0 ? 0 : (double) counters.tlbHits() / counters.accesses();
        }

        private double[] rates() {
            return rounds.stream().mapToDouble(Round::translationsPerSecond).toArray();
        }
    }

    /**
     * Builds the workload for {@code pattern} and measures it.
     *
     * @param progress receives one line at the start of the warm-up and after each round
     *                 (for a terminal's stderr); may ignore them
     * @throws AssertionError if the counters show that the pattern did not do what it promises
     *                        ({@link TranslateWorkload#checkSteadyState()})
     */
    public static Result run(TranslateWorkload.Pattern pattern, Settings settings, Consumer<String> progress) {
        return run(new TranslateWorkload(pattern), settings, progress);
    }

    /** Measures an already built workload; see {@link #run(TranslateWorkload.Pattern, Settings, Consumer)}. */
    public static Result run(TranslateWorkload workload, Settings settings, Consumer<String> progress) {
        String name = workload.pattern().id();
        long checksum = 0;
        if (settings.warmupSeconds() > 0) {
            progress.accept(String.format("%s: warm-up %.2f s", name, settings.warmupSeconds()));
            checksum += timed(workload, nanos(settings.warmupSeconds())).checksum();
        }
        MmuStats.Snapshot before = workload.mmu().stats().snapshot();
        List<Round> rounds = new ArrayList<>(settings.rounds());
        for (int r = 0; r < settings.rounds(); r++) {
            Timed timed = timed(workload, nanos(settings.secondsPerRound()));
            checksum += timed.checksum();
            rounds.add(timed.round());
            progress.accept(String.format("%s: round %d/%d: %.1f M translations/s", name, r + 1, settings.rounds(),
                    timed.round().translationsPerSecond() / 1e6));
        }
        MmuStats.Snapshot counters = workload.mmu().stats().snapshot().minus(before);
        workload.checkSteadyState();
        return new Result(workload.pattern(), workload.describe(), settings, rounds, counters, checksum,
                Checks.ENABLED);
    }

    private static long nanos(double seconds) {
        return Math.max(1, Math.round(seconds * 1e9));
    }

    private record Timed(Round round, long checksum) {
    }

    /** Runs whole chunks until {@code nanos} have passed. */
    private static Timed timed(TranslateWorkload workload, long nanos) {
        long checksum = 0;
        long translations = 0;
        long start = System.nanoTime();
        long deadline = start + nanos;
        long now;
        do {
            checksum += workload.run(CHUNK);
            translations += CHUNK;
            now = System.nanoTime();
        } while (now - deadline < 0);
        return new Timed(new Round(translations, now - start), checksum);
    }
}
