package dev.pagelab.ostep;

import dev.pagelab.ostep.OptParser.Kind;
import dev.pagelab.ostep.OptParser.Option;
import java.math.BigInteger;
import java.util.List;

/**
 * {@code paging-linear-translate.py} (OSTEP chapter 18, "Paging: Introduction"): a linear page
 * table for an address space of {@code -a} bytes in a physical memory of {@code -p} bytes with
 * pages of {@code -P} bytes, and virtual addresses to translate.
 *
 * <h2>The run</h2>
 * <ol>
 *   <li>Print the options; {@code random.seed(seed)}; convert the three sizes ({@code 16},
 *       {@code 64k}, {@code 32m}, {@code 1g}: a last letter k, m or g in either case multiplies
 *       by 1024, 1024² or 1024³; the rest goes through {@code int()}).</li>
 *   <li>Check them in the script's order ({@link OstepQuirk#LINEAR_SIZE_CHECKS}); a failed check
 *       prints its message to stdout and exits with 1.</li>
 *   <li>The page table, entry v from 0: {@code random() * 100 > 100 - used} makes it valid, with
 *       a frame {@code int(pages * random())} drawn until a free one comes up; else invalid.
 *       Printed as {@code 0x8000000F} (valid bit and frame) or {@code 0x00000000}.</li>
 *   <li>The addresses: {@code -A} (each converted when reached) or {@code int(asize * random())}
 *       {@code -n} times. With {@code -c}: VPN = (address &amp; 0xFFFFFFFF &amp; ~offset mask) &gt;&gt;
 *       page bits; an entry past the table's end is an IndexError, as in the script.</li>
 * </ol>
 * The table is held in memory: at most {@link #MAX_VIRTUAL_PAGES} entries (the script's limit
 * of sizes below 1 GiB allows 2^30 one-byte pages).
 */
final class LinearTranslate implements Simulator {
    /** Entries of the page table pagelab holds (4 bytes each): 64 Mi, 256 MiB. */
    static final long MAX_VIRTUAL_PAGES = 1L << 26;

    private static final BigInteger ONE_GIB = BigInteger.ONE.shiftLeft(30);

    private static final OptParser PARSER = new OptParser("paging-linear-translate.py", List.of(
            new Option("-A", "--addresses", "addresses", Kind.STRING, "-1",
                    "a set of comma-separated pages to access; -1 means randomly generate"),
            new Option("-s", "--seed", "seed", Kind.INT, BigInteger.ZERO, "the random seed"),
            new Option("-a", "--asize", "asize", Kind.STRING, "16k", "address space size (e.g., 16, 64k, 32m, 1g)"),
            new Option("-p", "--physmem", "psize", Kind.STRING, "64k", "physical memory size (e.g., 16, 64k, 32m, 1g)"),
            new Option("-P", "--pagesize", "pagesize", Kind.STRING, "4k", "page size (e.g., 4k, 8k, whatever)"),
            new Option("-n", "--numaddrs", "num", Kind.INT, BigInteger.valueOf(5), "number of virtual addresses to generate"),
            new Option("-u", "--used", "used", Kind.INT, BigInteger.valueOf(50),
                    "percent of virtual address space that is used"),
            new Option("-v", null, "verbose", Kind.FLAG, Boolean.FALSE, "verbose mode"),
            new Option("-c", null, "solve", Kind.FLAG, Boolean.FALSE, "compute answers for me")),
            "--pagelab");

    @Override
    public String mode() {
        return "paging-linear-translate";
    }

    @Override
    public String scriptPath() {
        return "vm-paging/paging-linear-translate.py";
    }

    @Override
    public String commit() {
        return "2e94adc";
    }

    @Override
    public OptParser parser() {
        return PARSER;
    }

    @Override
    public String pagelabSummary() {
        return "walks each address through an x86 page table on pagelab's MMU, as pagelab explain prints it"
                + " (4 KiB pages only)";
    }

    /**
     * The problem after the page table is built.
     *
     * @param addressSpace bytes of the address space
     * @param pageBits     log2 of the page size
     * @param table        frame of each virtual page, -1 when invalid
     * @param random       the generator where the addresses start
     */
    record Problem(long addressSpace, int pageBits, int[] table, PythonRandom random) {
        long offsetMask() {
            return (1L << pageBits) - 1;
        }

        long vpnMask() {
            return 0xFFFF_FFFFL & ~offsetMask();
        }
    }

    @Override
    public void run(OptParser.Values v, ScriptIo io) {
        Problem p = build(v, io, true);
        String addresses = v.string("addresses");
        boolean solve = v.flag("solve");
        io.println("Virtual Address Trace");
        AddressSource source = new AddressSource(addresses, p, Simulator.saturate(v.integer("num")));
        while (source.hasNext()) {
            long vaddr = source.next();
            String va = "  VA 0x" + Py.hex(vaddr, 8) + " (decimal: " + Py.right(Long.toString(vaddr), 8) + ") --> ";
            if (!solve) {
                io.println(va + "PA or invalid address?");
                continue;
            }
            long vpn = (vaddr & p.vpnMask()) >> p.pageBits();
            if (vpn >= p.table().length) {
                throw new PythonError("IndexError", "array index out of range");
            }
            int pfn = p.table()[(int) vpn];
            if (pfn < 0) {
                io.println(va + " Invalid (VPN " + vpn + " not valid)");
            } else {
                long paddr = ((long) pfn << p.pageBits()) | (vaddr & p.offsetMask());
                io.println(va + Py.hex(paddr, 8) + " (decimal " + Py.right(Long.toString(paddr), 8) + ") [VPN " + vpn
                        + "]");
            }
        }
        io.println("");
        if (!solve) {
            io.println("For each virtual address, write down the physical address it translates to");
            io.println("OR write down that it is an out-of-bounds address (e.g., segfault).");
            io.println("");
        }
    }

    /** The addresses: the {@code -A} texts, each converted when reached, or drawn one by one. */
    static final class AddressSource {
        private final String[] texts;
        private final Problem problem;
        private final long count;
        private long at;

        AddressSource(String addresses, Problem problem, long num) {
            this.texts = addresses.equals("-1") ? null : addresses.split(",", -1);
            this.problem = problem;
            this.count = texts == null ? Math.max(0, num) : texts.length;
        }

        boolean hasNext() {
            return at < count;
        }

        long next() {
            long i = at++;
            if (texts == null) {
                return (long) (problem.addressSpace() * problem.random().random());
            }
            return Simulator.toLong(Py.parseInt(texts[(int) i]), "address");
        }
    }

    /**
     * Prints the options (when {@code print}), converts and checks the sizes, and builds (and
     * prints) the page table.
     */
    static Problem build(OptParser.Values v, ScriptIo io, boolean print) {
        if (print) {
            io.printValues("ARG seed", v.integer("seed"));
            io.printValues("ARG address space size", v.string("asize"));
            io.printValues("ARG phys mem size", v.string("psize"));
            io.printValues("ARG page size", v.string("pagesize"));
            io.printValues("ARG verbose", v.flag("verbose"));
            io.printValues("ARG addresses", v.string("addresses"));
            io.println("");
        }
        PythonRandom random = new PythonRandom(v.integer("seed"));
        BigInteger asize = convert(v.string("asize"));
        BigInteger psize = convert(v.string("psize"));
        BigInteger pagesize = convert(v.string("pagesize"));
        if (psize.compareTo(BigInteger.ONE) <= 0) {
            fail(io, "Error: must specify a non-zero physical memory size.");
        }
        if (asize.signum() <= 0) {
            fail(io, "Error: must specify a non-zero address-space size.");
        }
        if (psize.compareTo(asize) <= 0) {
            fail(io, "Error: physical memory size must be GREATER than address space size (for this simulation)");
        }
        if (psize.compareTo(ONE_GIB) >= 0 || asize.compareTo(ONE_GIB) >= 0) {
            fail(io, "Error: must use smaller sizes (less than 1 GB) for this simulation.");
        }
        long a = asize.longValue();
        long ph = psize.longValue();
        double pageFloat = toFloat(pagesize);
        mustBeMultiple(io, a, pageFloat, "address space must be a multiple of the pagesize");
        mustBeMultiple(io, ph, pageFloat, "physical memory must be a multiple of the pagesize");
        long pages = (long) (ph / pageFloat);
        long vpages = (long) (a / pageFloat);
        int vaBits = (int) (StrictMath.log(a) / StrictMath.log(2.0));
        if (Math.pow(2, vaBits) != a) {
            fail(io, "Error in argument: address space must be a power of 2");
        }
        if (pageFloat <= 0) {
            throw PythonError.valueError("math domain error");
        }
        int pageBits = (int) (StrictMath.log(pageFloat) / StrictMath.log(2.0));
        if (Math.pow(2, pageBits) != pageFloat) {
            fail(io, "Error in argument: page size must be a power of 2");
        }
        if (vpages > MAX_VIRTUAL_PAGES) {
            throw new OstepLimitException("a page table of " + vpages + " entries: pagelab holds at most "
                    + MAX_VIRTUAL_PAGES);
        }
        if (print) {
            io.println("");
            io.println("The format of the page table is simple:");
            io.println("The high-order (left-most) bit is the VALID bit.");
            io.println("  If the bit is 1, the rest of the entry is the PFN.");
            io.println("  If the bit is 0, the page is not valid.");
            io.println("Use verbose mode (-v) if you want to print the VPN # by");
            io.println("each entry of the page table.");
            io.println("");
            io.println("Page Table (from entry 0 down to the max size)");
        }
        int[] table = new int[(int) Math.max(0, vpages)];
        long[] usedFrames = new long[(int) ((Math.max(0, pages) + 63) >>> 6)];
        boolean verbose = v.flag("verbose");
        double threshold = 0;
        StringBuilder line = new StringBuilder(32);
        for (int vp = 0; vp < table.length; vp++) {
            if (vp == 0) {
                threshold = 100.0 - toFloat(v.integer("used"));
            }
            int entry;
            while (true) {
                if (random.random() * 100.0 > threshold) {
                    long u = (long) (pages * random.random());
                    if ((usedFrames[(int) (u >>> 6)] & (1L << u)) == 0) {
                        usedFrames[(int) (u >>> 6)] |= 1L << u;
                        entry = (int) u;
                        break;
                    }
                } else {
                    entry = -1;
                    break;
                }
            }
            table[vp] = entry;
            if (print) {
                line.setLength(0);
                line.append(verbose ? "  [" + Py.right(Integer.toString(vp), 8) + "]  " : "  ");
                line.append("0x").append(Py.hex(entry < 0 ? 0 : 0x8000_0000L | entry, 8));
                io.println(line.toString());
            }
        }
        if (print) {
            io.println("");
        }
        return new Problem(a, pageBits, table, random);
    }

    /** The script's {@code convert(size)}. */
    static BigInteger convert(String size) {
        if (size.isEmpty()) {
            throw new PythonError("IndexError", "string index out of range");
        }
        char last = size.charAt(size.length() - 1);
        int shift = switch (last) {
            case 'k', 'K' -> 10;
            case 'm', 'M' -> 20;
            case 'g', 'G' -> 30;
            default -> -1;
        };
        if (shift < 0) {
            return Py.parseInt(size);
        }
        return Py.parseInt(size.substring(0, size.length() - 1)).shiftLeft(shift);
    }

    /** {@code float(n)}: an OverflowError beyond the doubles. */
    private static double toFloat(BigInteger n) {
        double d = n.doubleValue();
        if (Double.isInfinite(d)) {
            throw new PythonError("OverflowError", "int too large to convert to float");
        }
        return d;
    }

    /** The script's {@code mustbemultipleof}: the float quotient must be a whole number. */
    private static void mustBeMultiple(ScriptIo io, long bytes, double pageSize, String message) {
        if (pageSize == 0) {
            throw new PythonError("ZeroDivisionError", "float division by zero");
        }
        double q = bytes / pageSize;
        if (q != (double) (long) q) {
            fail(io, "Error in argument: " + message);
        }
    }

    private static void fail(ScriptIo io, String message) {
        io.println(message);
        throw new ScriptExit(1);
    }

    @Override
    public void runPagelab(OptParser.Values v, ScriptIo io) {
        Problem p = build(v, io, false);
        X86View.linear(p, new AddressSource(v.string("addresses"), p, Simulator.saturate(v.integer("num"))), io);
    }
}
