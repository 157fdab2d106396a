package dev.pagelab.ostep;

import dev.pagelab.ostep.OptParser.Kind;
import dev.pagelab.ostep.OptParser.Option;
import com.carrotsearch.hppc.LongArrayList;
import com.carrotsearch.hppc.LongLongHashMap;
import java.math.BigInteger;
import java.util.List;

/**
 * {@code malloc.py} (OSTEP chapter 17, "Free-Space Management"): a run of allocations and frees
 * on {@link FreeList}; without {@code -c} the questions ("returned ?", "List?"), with it the
 * answers (the address and the chunks searched, the free list after each step).
 *
 * <h2>The run</h2>
 * <ol>
 *   <li>The allocator is built first: an unknown policy or list order, or an alignment that is
 *       neither -1 nor positive, fails with an AssertionError before anything is printed.</li>
 *   <li>The options are printed, {@code percent = percentAlloc / 100.0}, {@code random.seed(seed)},
 *       and a percent not above 0 fails with an AssertionError.</li>
 *   <li>Random mode (no {@code -A}): until numOps steps are done: {@code random() < percent}
 *       allocates {@code int(random() * range) + 1} units, else, when something is allocated,
 *       {@code int(random() * live)} picks the live allocation to free (a free with nothing live
 *       draws again without counting a step).</li>
 *   <li>{@code -A +10,-0,...}: {@code +N} allocates N units, {@code -I} frees the I-th
 *       allocation; the number is the text between the sign and the next same sign. Anything
 *       else fails (a NameError: the script calls an {@code abort} it never defines).</li>
 * </ol>
 * The printed return values differ between the modes ({@link OstepQuirk#MALLOC_RETURNED_VALUE})
 * and so do the prompts ({@link OstepQuirk#MALLOC_PROMPTS}).
 */
final class MallocSim implements Simulator {
    private static final OptParser PARSER = new OptParser("malloc.py", List.of(
            new Option("-s", "--seed", "seed", Kind.INT, BigInteger.ZERO, "the random seed"),
            new Option("-S", "--size", "heapSize", Kind.INT, BigInteger.valueOf(100), "size of the heap"),
            new Option("-b", "--baseAddr", "baseAddr", Kind.INT, BigInteger.valueOf(1000), "base address of heap"),
            new Option("-H", "--headerSize", "headerSize", Kind.INT, BigInteger.ZERO, "size of the header"),
            new Option("-a", "--alignment", "alignment", Kind.INT, BigInteger.ONE.negate(),
                    "align allocated units to size; -1->no align"),
            new Option("-p", "--policy", "policy", Kind.STRING, "BEST", "list search (BEST, WORST, FIRST)"),
            new Option("-l", "--listOrder", "order", Kind.STRING, "ADDRSORT",
                    "list order (ADDRSORT, SIZESORT+, SIZESORT-, INSERT-FRONT, INSERT-BACK)"),
            new Option("-C", "--coalesce", "coalesce", Kind.FLAG, Boolean.FALSE, "coalesce the free list?"),
            new Option("-n", "--numOps", "opsNum", Kind.INT, BigInteger.TEN, "number of random ops to generate"),
            new Option("-r", "--range", "opsRange", Kind.INT, BigInteger.TEN, "max alloc size"),
            new Option("-P", "--percentAlloc", "opsPAlloc", Kind.INT, BigInteger.valueOf(50),
                    "percent of ops that are allocs"),
            new Option("-A", "--allocList", "opsList", Kind.STRING, "",
                    "instead of random, list of ops (+10,-0,etc)"),
            new Option("-c", "--compute", "solve", Kind.FLAG, Boolean.FALSE, "compute answers for me")),
            null);

    @Override
    public String mode() {
        return "malloc";
    }

    @Override
    public String scriptPath() {
        return "vm-freespace/malloc.py";
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
        return null;
    }

    @Override
    public void run(OptParser.Values v, ScriptIo io) {
        FreeList.Fit fit = switch (v.string("policy")) {
            case "FIRST" -> FreeList.Fit.FIRST;
            case "BEST" -> FreeList.Fit.BEST;
            case "WORST" -> FreeList.Fit.WORST;
            default -> throw PythonError.assertion();
        };
        FreeList.Order order = FreeList.Order.named(v.string("order"));
        if (order == null) {
            throw PythonError.assertion();
        }
        BigInteger alignment = v.integer("alignment");
        if (!(alignment.equals(BigInteger.ONE.negate()) || alignment.signum() > 0)) {
            throw PythonError.assertion();
        }
        long headerSize = Simulator.toLong(v.integer("headerSize"), "headerSize");
        FreeList heap = new FreeList(Simulator.toLong(v.integer("heapSize"), "size"),
                Simulator.toLong(v.integer("baseAddr"), "baseAddr"), headerSize, fit, order, v.flag("coalesce"),
                Simulator.toLong(alignment, "alignment"));
        io.printValues("seed", v.integer("seed"));
        io.printValues("size", v.integer("heapSize"));
        io.printValues("baseAddr", v.integer("baseAddr"));
        io.printValues("headerSize", v.integer("headerSize"));
        io.printValues("alignment", alignment);
        io.printValues("policy", v.string("policy"));
        io.printValues("listOrder", v.string("order"));
        io.printValues("coalesce", v.flag("coalesce"));
        io.printValues("numOps", v.integer("opsNum"));
        io.printValues("range", v.integer("opsRange"));
        io.printValues("percentAlloc", v.integer("opsPAlloc"));
        io.printValues("allocList", v.string("opsList"));
        io.printValues("compute", v.flag("solve"));
        io.println("");
        double percent = toFloat(v.integer("opsPAlloc")) / 100.0;
        PythonRandom random = new PythonRandom(v.integer("seed"));
        if (!(percent > 0)) {
            throw PythonError.assertion();
        }
        boolean solve = v.flag("solve");
        if (v.string("opsList").isEmpty()) {
            randomOps(heap, random, percent, v, headerSize, solve, io);
        } else {
            listedOps(heap, v.string("opsList"), solve, io);
        }
    }

    /** {@code float(n)}: an OverflowError beyond the doubles. */
    private static double toFloat(BigInteger n) {
        double d = n.doubleValue();
        if (Double.isInfinite(d)) {
            throw new PythonError("OverflowError", "int too large to convert to float");
        }
        return d;
    }

    private static void randomOps(FreeList heap, PythonRandom random, double percent, OptParser.Values v,
                                  long headerSize, boolean solve, ScriptIo io) {
        long steps = Simulator.saturate(v.integer("opsNum"));
        double range = toFloat(v.integer("opsRange"));
        // Allocation number -> address of the successful ones, and their numbers in order.
        LongLongHashMap live = new LongLongHashMap();
        LongArrayList order = new LongArrayList();
        long c = 0;
        long j = 0;
        while (j < steps) {
            boolean printed = false;
            if (random.random() < percent) {
                long size = truncate(random.random() * range) + 1;
                FreeList.Allocation a = heap.alloc(size);
                if (a.addr() != -1) {
                    live.put(c, a.addr());
                    order.add(c);
                }
                io.print("ptr[" + c + "] = Alloc(" + size + ")");
                io.println(solve ? " returned " + FreeList.exact(a.addr(), headerSize) + " (searched " + a.searched()
                        + " elements)" : " returned ?");
                c++;
                j++;
                printed = true;
            } else if (!live.isEmpty()) {
                int d = (int) (random.random() * order.size());
                long victim = order.get(d);
                int rc = heap.free(live.get(victim));
                io.println("Free(ptr[" + victim + "])");
                io.println(solve ? "returned " + rc : "returned ?");
                live.remove(victim);
                order.removeAt(d);
                printed = true;
                j++;
            }
            if (printed) {
                io.println(solve ? heap.dump() : "List? ");
                io.println("");
            }
        }
    }

    private static void listedOps(FreeList heap, String ops, boolean solve, ScriptIo io) {
        LongLongHashMap allocated = new LongLongHashMap();
        long c = 0;
        for (String op : ops.split(",", -1)) {
            if (op.isEmpty()) {
                throw new PythonError("IndexError", "string index out of range");
            }
            char sign = op.charAt(0);
            if (sign == '+') {
                long size = Simulator.toLong(Py.parseInt(field(op, '+')), "size");
                FreeList.Allocation a = heap.alloc(size);
                if (a.addr() != -1) {
                    allocated.put(c, a.addr());
                }
                io.print("ptr[" + c + "] = Alloc(" + size + ")");
                io.println(solve ? " returned " + a.addr() + " (searched " + a.searched() + " elements)"
                        : " returned ?");
                c++;
            } else if (sign == '-') {
                BigInteger index = Py.parseInt(field(op, '-'));
                if (index.compareTo(BigInteger.valueOf(allocated.size())) >= 0) {
                    io.println("Invalid Free: Skipping");
                    continue;
                }
                io.println("Free(ptr[" + index + "])");
                if (!allocated.containsKey(index.longValue())) {
                    throw new PythonError("KeyError", index.toString());
                }
                int rc = heap.free(allocated.get(index.longValue()));
                io.println(solve ? "returned " + rc : "returned ?");
            } else {
                throw new PythonError("NameError", "name 'abort' is not defined");
            }
            io.println(solve ? heap.dump() : "List?");
            io.println("");
        }
    }

    /** {@code op.split(sign)[1]}: the text after the leading sign, up to the next same sign. */
    static String field(String op, char sign) {
        int next = op.indexOf(sign, 1);
        return next < 0 ? op.substring(1) : op.substring(1, next);
    }

    /** {@code int(x)} of a double: toward zero, beyond 64 bits declined. */
    static long truncate(double x) {
        if (!(Math.abs(x) < 9.223372036854775807E18)) {
            throw new OstepLimitException("malloc: size " + x + " is beyond the 64-bit integers pagelab computes with");
        }
        return (long) x;
    }
}
