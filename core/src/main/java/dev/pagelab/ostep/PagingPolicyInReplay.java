package dev.pagelab.ostep;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code pagelab ostep paging-policy --pagelab}: the script's problem (the same references,
 * generated from the same seed, the same cache size) replayed by {@code pagelab replay}'s engine
 * ({@link Replay}) with the corresponding pagelab policy, one process, global scope, the cache's
 * pages as frames. The page numbers are x86 page numbers: page {@code p} is the 4 KiB at linear
 * address {@code p << 12}, so they must lie in 0 to 0xFFFFF.
 *
 * <p>The report puts pagelab's faults next to the script's misses. FIFO, LRU, MRU and OPT give the
 * same counts in both (OPT's choice among pages never used again differs, its count cannot);
 * RAND and CLOCK differ by design: the script's RAND draws from its own generator, and its CLOCK
 * probes random pages with counters ({@link OstepQuirk#CLOCK_RANDOM_PROBES}) where pagelab's
 * clock sweeps a hand over the frames with one reference bit. UNOPT has no pagelab counterpart.
 */
final class PagingPolicyInReplay {
    /** The largest x86 page number of a 32-bit linear address. */
    static final long MAX_X86_PAGE = 0xF_FFFFL;

    private PagingPolicyInReplay() {
    }

    /** pagelab's policy for the script's {@code -p}, or null. */
    static String pagelabPolicy(PolicyMachine.Policy policy) {
        return switch (policy) {
            case FIFO -> "fifo";
            case LRU -> "lru";
            case MRU -> "mru";
            case OPT -> "opt";
            case RAND -> "random";
            case CLOCK -> "clock";
            case UNOPT -> null;
        };
    }

    static void run(PagingPolicy.Problem problem, ScriptIo io) {
        PagingPolicy.Settings s = problem.settings();
        PolicyMachine.Policy policy = PolicyMachine.Policy.named(s.policyName());
        if (policy == null || pagelabPolicy(policy) == null) {
            throw new OstepLimitException("--pagelab: policy '" + s.policyName() + "' has no counterpart in"
                    + " pagelab replay (FIFO, LRU, MRU, OPT, RAND and CLOCK have)");
        }
        if (s.cacheSize().signum() <= 0 || s.cacheSize().bitLength() > 31) {
            throw new OstepLimitException("--pagelab: a cache of " + s.cacheSize() + " pages cannot be frames"
                    + " of pagelab replay (1 to " + Integer.MAX_VALUE + ")");
        }
        int frames = s.cacheSize().intValue();
        References refs = problem.references();
        PythonRandom after = refs.randomAfter(problem.random());
        if (refs.length() > PagingPolicy.MAX_HELD_REFERENCES) {
            throw new OstepLimitException("--pagelab holds the references in memory, at most "
                    + PagingPolicy.MAX_HELD_REFERENCES + "; this run has " + refs.length());
        }
        long[] pages = new long[(int) refs.length()];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = refs.next();
            if (pages[i] < 0 || pages[i] > MAX_X86_PAGE) {
                throw new OstepLimitException("--pagelab: page " + pages[i] + " (reference " + i + ") is not an"
                        + " x86 page number (0 to " + MAX_X86_PAGE + ", a 4 KiB page of the 32-bit linear space)");
            }
        }
        PagingPolicy.Outcome script = PagingPolicy.solve(new PagingPolicy.Problem(s, References.of(pages), after),
                policy, null);
        String name = pagelabPolicy(policy);
        ReplayConfig config = ReplayConfig.of(frames, Scope.GLOBAL)
                .withPolicy(PolicyConfig.DEFAULTS.withSeed(Simulator.saturate(s.seed())));
        ReplayResult result;
        try {
            result = Replay.run(List.of(new ArrayReader(pages)), List.of(name), config, PolicyRegistry.builtIn(),
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PolicyResult r = result.policy(name);
        long misses = r.faults();
        long hits = r.references() - misses;
        io.println(String.format(Locale.ROOT, "paging-policy's problem in pagelab replay: %d references, %d frames"
                + " (the cache's pages),", pages.length, frames));
        io.println("policy " + policy + " = pagelab's " + name + ", one process, global scope; pages are x86 page"
                + " numbers:");
        io.println("page p is the 4 KiB at linear address p << 12 (page 7: 0x00007000).");
        io.println("");
        io.println(stats("pagelab replay ", hits, misses) + "   (faults " + misses + ")");
        io.println(stats("script's rules ", script.hits(), script.misses()) + "   (pagelab ostep paging-policy -c)");
        io.println("");
        if (hits == script.hits()) {
            io.println("The counts agree.");
        } else if (policy == PolicyMachine.Policy.CLOCK) {
            io.println("The counts differ: the script's CLOCK probes random pages with counters up to -b "
                    + s.clockBits() + ";");
            io.println("pagelab's clock sweeps a hand over the frames with one reference bit.");
        } else {
            io.println("The counts differ: the script's RAND and pagelab's random draw from different generators.");
        }
        io.println("To run it with pagelab replay itself, put the pages one a line in a file and run:");
        io.println("  pagelab replay FILE --frames " + frames + " --policy " + name + " --scope global"
                + (policy == PolicyMachine.Policy.RAND ? " --seed " + Simulator.saturate(s.seed()) : ""));
    }

    private static String stats(String who, long hits, long misses) {
        double total = (double) hits + misses;
        return "  " + who + " hits " + hits + "   misses " + misses + "   hitrate "
                + (total == 0 ? "-" : Py.fixed2(100.0 * hits / total));
    }

    /** The pages as a trace of reads. */
    private static final class ArrayReader implements TraceReader {
        private final long[] pages;
        private int at;

        ArrayReader(long[] pages) {
            this.pages = pages;
        }

        @Override
        public TraceFormat format() {
            return TraceFormat.PLAIN;
        }

        @Override
        public String name() {
            return "paging-policy";
        }

        @Override
        public boolean hasPids() {
            return false;
        }

        @Override
        public int read(TraceBlock block) {
            int n = Math.min(block.capacity(), pages.length - at);
            System.arraycopy(pages, at, block.pages, 0, n);
            java.util.Arrays.fill(block.kinds, 0, n, RefKind.READ);
            java.util.Arrays.fill(block.pids, 0, n, 0);
            at += n;
            block.size = n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
