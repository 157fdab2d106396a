package dev.pagelab.ostep;

import dev.pagelab.ostep.OptParser.Kind;
import dev.pagelab.ostep.OptParser.Option;
import dev.pagelab.ostep.PolicyMachine.Policy;
import java.math.BigInteger;
import java.util.List;

/**
 * {@code paging-policy.py} (OSTEP chapter 22, "Beyond Physical Memory: Policies"): a stream of
 * page references through a page cache of {@code -C} pages under a replacement policy; without
 * {@code -c} the questions, with it the answers (a line an access, or only the totals with
 * {@code -N}).
 *
 * <h2>The run</h2>
 * <ol>
 *   <li>Print the options ({@code ARG ...}), then convert numaddrs, cachesize, seed and maxpage
 *       with {@code int()} in that order (the first bad one stops the run with a ValueError).</li>
 *   <li>{@code random.seed(seed)}.</li>
 *   <li>The references: {@code -f FILE}, one {@code int()} a line, all read first; else
 *       {@code -a} other than {@code -1}: the comma-separated texts, each converted only when the
 *       run reaches it (so a bad one fails late, after the lines before it:
 *       {@link OstepQuirk#POLICY_LATE_INT}); else numaddrs pages {@code int(maxpage * random())}.</li>
 *   <li>Without {@code -c}: the questions, one {@code Access: N} line a reference. With it: the
 *       policy name is checked ({@code MRU} is accepted though the help does not list it) and
 *       every access runs through {@link PolicyMachine}, then {@code FINALSTATS}.</li>
 * </ol>
 * RAND and CLOCK draw from the same generator after the references were generated.
 *
 * <p>Generated references stream through in constant memory; OPT and UNOPT hold the reference
 * list (4 bytes a reference, at most {@link #MAX_HELD_REFERENCES}) and every page's next use.
 */
final class PagingPolicy implements Simulator {
    /** OPT and UNOPT hold the references, 8 bytes each with their next uses: at most 800 MB. */
    static final long MAX_HELD_REFERENCES = 100_000_000L;

    private static final OptParser PARSER = new OptParser("paging-policy.py", List.of(
            new Option("-a", "--addresses", "addresses", Kind.STRING, "-1",
                    "a set of comma-separated pages to access; -1 means randomly generate"),
            new Option("-f", "--addressfile", "addressfile", Kind.STRING, "", "a file with a bunch of addresses in it"),
            new Option("-n", "--numaddrs", "numaddrs", Kind.STRING, "10",
                    "if -a (--addresses) is -1, this is the number of addrs to generate"),
            new Option("-p", "--policy", "policy", Kind.STRING, "FIFO",
                    "replacement policy: FIFO, LRU, OPT, UNOPT, RAND, CLOCK"),
            new Option("-b", "--clockbits", "clockbits", Kind.INT, BigInteger.TWO,
                    "for CLOCK policy, how many clock bits to use"),
            new Option("-C", "--cachesize", "cachesize", Kind.STRING, "3", "size of the page cache, in pages"),
            new Option("-m", "--maxpage", "maxpage", Kind.STRING, "10",
                    "if randomly generating page accesses, this is the max page number"),
            new Option("-s", "--seed", "seed", Kind.STRING, "0", "random number seed"),
            new Option("-N", "--notrace", "notrace", Kind.FLAG, Boolean.FALSE, "do not print out a detailed trace"),
            new Option("-c", "--compute", "solve", Kind.FLAG, Boolean.FALSE, "compute answers for me")),
            "--pagelab");

    @Override
    public String mode() {
        return "paging-policy";
    }

    @Override
    public String scriptPath() {
        return "vm-beyondphys-policy/paging-policy.py";
    }

    @Override
    public String commit() {
        return "4b15aad";
    }

    @Override
    public OptParser parser() {
        return PARSER;
    }

    @Override
    public String pagelabSummary() {
        return "replays the same references in pagelab replay's engine";
    }

    /** The converted options. */
    record Settings(String policyName, BigInteger cacheSize, BigInteger seed, long clockBits, boolean solve,
                    boolean trace) {
    }

    @Override
    public void run(OptParser.Values values, ScriptIo io) {
        printArgs(values, io);
        Problem problem = problem(values, io);
        Settings s = problem.settings();
        if (!s.solve()) {
            io.println("Assuming a replacement policy of " + s.policyName() + ", and a cache of size " + s.cacheSize()
                    + " pages,");
            io.println("figure out whether each of the following page references hit or miss");
            io.println("in the page cache.\n");
            References refs = problem.references();
            for (long t = 0; t < refs.length(); t++) {
                io.println("Access: " + refs.next() + "  Hit/Miss?  State of Memory?");
            }
            io.println("");
            return;
        }
        if (s.trace()) {
            io.println("Solving...\n");
        }
        Policy policy = Policy.named(s.policyName());
        if (policy == null) {
            io.println("Policy " + s.policyName() + " is not yet implemented");
            throw new ScriptExit(1);
        }
        Outcome outcome = solve(problem, policy, s.trace() ? io : null);
        io.println("");
        long hits = outcome.hits();
        long misses = outcome.misses();
        double total = (double) hits + (double) misses;
        if (total == 0) {
            throw new PythonError("ZeroDivisionError", "float division by zero");
        }
        io.println("FINALSTATS hits " + hits + "   misses " + misses + "   hitrate "
                + Py.fixed2(100.0 * hits / total));
        io.println("");
    }

    private static void printArgs(OptParser.Values values, ScriptIo io) {
        io.printValues("ARG addresses", values.string("addresses"));
        io.printValues("ARG addressfile", values.string("addressfile"));
        io.printValues("ARG numaddrs", values.string("numaddrs"));
        io.printValues("ARG policy", values.string("policy"));
        io.printValues("ARG clockbits", values.integer("clockbits"));
        io.printValues("ARG cachesize", values.string("cachesize"));
        io.printValues("ARG maxpage", values.string("maxpage"));
        io.printValues("ARG seed", values.string("seed"));
        io.printValues("ARG notrace", values.flag("notrace"));
        io.println("");
    }

    /** The converted options and the references, as the script has them before it prints its questions. */
    record Problem(Settings settings, References references, PythonRandom random) {
    }

    /** Converts the options in the script's order, seeds, and sets up the references. */
    static Problem problem(OptParser.Values values, ScriptIo io) {
        BigInteger numaddrs = Py.parseInt(values.string("numaddrs"));
        BigInteger cacheSize = Py.parseInt(values.string("cachesize"));
        BigInteger seed = Py.parseInt(values.string("seed"));
        BigInteger maxpage = Py.parseInt(values.string("maxpage"));
        Settings settings = new Settings(values.string("policy"), cacheSize, seed,
                Simulator.saturate(values.integer("clockbits")), values.flag("solve"), !values.flag("notrace"));
        PythonRandom random = new PythonRandom(seed);
        String file = values.string("addressfile");
        References refs;
        if (!file.isEmpty()) {
            refs = References.of(AddressFile.read(io.environment(), file));
        } else if (values.string("addresses").equals("-1")) {
            refs = References.generated(numaddrs, maxpage, random);
        } else {
            refs = References.fromTexts(values.string("addresses").split(",", -1));
        }
        return new Problem(settings, refs, random);
    }

    /** Hits and misses. */
    record Outcome(long hits, long misses) {
    }

    /**
     * Runs every access through the policy; prints the trace line of each when {@code trace} is
     * not null.
     */
    static Outcome solve(Problem problem, Policy policy, ScriptIo trace) {
        References refs = problem.references();
        // Only RAND and CLOCK draw after the generation: the others never need the generator there.
        PythonRandom policyRandom = policy == Policy.RAND || policy == Policy.CLOCK
                ? refs.randomAfter(problem.random()) : null;
        PolicyMachine cache = new PolicyMachine(policy, Simulator.saturate(problem.settings().cacheSize()),
                problem.settings().clockBits(), policyRandom);
        PageIds ids = refs.ids();
        int[] held = null;
        int[] nextUse = null;
        if (policy.needsFuture()) {
            held = refs.holdIds(ids);
            nextUse = nextUses(held, refs.length());
        }
        StringBuilder line = new StringBuilder(128);
        for (long t = 0; t < refs.length(); t++) {
            long page;
            int id;
            if (held != null) {
                refs.check((int) t);
                id = held[(int) t];
                page = ids.page(id);
                // OPT and UNOPT scan the future with int(): they meet a bad entry before its turn
                // when some resident page is not referenced again before it.
                if (refs.badAt() >= 0 && !cache.isResident(id) && cache.full()
                        && cache.farthestNextRef() >= refs.badAt()) {
                    throw refs.badError();
                }
            } else {
                page = refs.next();
                id = ids.id(page);
            }
            int victim = cache.access(id, nextUse == null ? 0 : nextUse[(int) t]);
            if (trace != null) {
                line.setLength(0);
                line.append("Access: ").append(page).append("  ").append(cache.lastHit() ? "HIT " : "MISS").append(' ').append(policy.left).append(" -> ");
                int listStart = line.length();
                cache.appendList(line, ids);
                int pad = 12 - (line.length() - listStart);
                if (pad > 0) {
                    line.insert(listStart, " ".repeat(pad));
                }
                line.append(" <- ").append(policy.right).append(" Replaced:");
                if (victim == PolicyMachine.NONE || ids.page(victim) == -1) {
                    line.append('-');
                } else {
                    line.append(ids.page(victim));
                }
                line.append(" [Hits:").append(cache.hits()).append(" Misses:").append(cache.misses()).append(']');
                trace.println(line.toString());
            }
        }
        return new Outcome(cache.hits(), cache.misses());
    }

    /**
     * For each position, the position of the same page's next reference; the length of the whole
     * list (the script's "never again") when there is none among the held ones.
     */
    static int[] nextUses(int[] ids, long length) {
        int[] next = new int[ids.length];
        int[] lastSeen = new int[16];
        java.util.Arrays.fill(lastSeen, -1);
        for (int t = ids.length - 1; t >= 0; t--) {
            int id = ids[t];
            if (id >= lastSeen.length) {
                int old = lastSeen.length;
                lastSeen = java.util.Arrays.copyOf(lastSeen, Math.max(id + 1, old * 2));
                java.util.Arrays.fill(lastSeen, old, lastSeen.length, -1);
            }
            next[t] = lastSeen[id] < 0 ? (int) length : lastSeen[id];
            lastSeen[id] = t;
        }
        return next;
    }

    @Override
    public void runPagelab(OptParser.Values values, ScriptIo io) {
        PagingPolicyInReplay.run(problem(values, io), io);
    }
}
