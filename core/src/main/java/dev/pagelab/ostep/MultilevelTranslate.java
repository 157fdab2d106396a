package dev.pagelab.ostep;

import com.carrotsearch.hppc.IntArrayList;
import dev.pagelab.ostep.OptParser.Kind;
import dev.pagelab.ostep.OptParser.Option;
import java.math.BigInteger;
import java.util.List;

/**
 * {@code paging-multilevel-translate.py} (OSTEP chapter 20, "Paging: Smaller Tables"): a
 * two-level page table in a 4 KiB physical memory, dumped byte by byte, and virtual addresses
 * to translate; with {@code -c} the walk of each.
 *
 * <h2>The machine</h2>
 * <pre>
 *   physical memory: 128 pages of 32 bytes (4 KiB); page p is bytes [32p, 32p + 32)
 *   virtual address (15 bits):   | PD index (5) | PT index (5) | offset (5) |
 *                                 14        10   9          5   4        0
 *   entry (1 byte):   | valid (1) | PFN (7) |     an unused entry is 0x7f (invalid, PFN 127)
 * </pre>
 *
 * <h2>The run</h2>
 * <ol>
 *   <li>{@code random.seed(seed)}. A free page is drawn as {@code int(random() * 128)} until one
 *       is unused (an AssertionError when none is left).</li>
 *   <li>The page directory: a free page, every entry 0x7f.</li>
 *   <li>{@code -a} times: a virtual page {@code int(random() * 1024)} not drawn before, a free
 *       data page; then, if its directory entry is invalid, a free page for the page table
 *       (every entry 0x7f) and the directory entry pointing at it; the table entry pointing at
 *       the data page; 32 bytes {@code int(random() * 31)} into the data page.</li>
 *   <li>The dump, the PDBR, then {@code -n} addresses ({@link OstepQuirk#MULTILEVEL_ADDRESS_DRAW}).</li>
 * </ol>
 */
final class MultilevelTranslate implements Simulator {
    static final int PAGE_BYTES = 32;
    static final int PAGES = 128;
    static final int VIRTUAL_PAGES = 1024;
    static final int INVALID = 0x7f;

    private static final OptParser PARSER = new OptParser("paging-multilevel-translate.py", List.of(
            new Option("-s", "--seed", "seed", Kind.INT, BigInteger.ZERO, "the random seed"),
            new Option("-a", "--allocated", "allocated", Kind.INT, BigInteger.valueOf(64),
                    "number of virtual pages allocated"),
            new Option("-n", "--addresses", "num", Kind.INT, BigInteger.TEN, "number of virtual addresses to generate"),
            new Option("-c", "--solve", "solve", Kind.FLAG, Boolean.FALSE, "compute answers for me")),
            "--pagelab");

    @Override
    public String mode() {
        return "paging-multilevel-translate";
    }

    @Override
    public String scriptPath() {
        return "vm-smalltables/paging-multilevel-translate.py";
    }

    @Override
    public String commit() {
        return "047e6f0";
    }

    @Override
    public OptParser parser() {
        return PARSER;
    }

    @Override
    public String pagelabSummary() {
        return "walks each address on pagelab's x86 MMU and prints it as pagelab explain does";
    }

    /**
     * The machine after the allocation, and the generator as it stands then.
     *
     * @param memory the 4 KiB, one int a byte
     * @param pdbr   the page directory's page
     * @param used   the virtual pages allocated, in order
     */
    record Machine(int[] memory, int pdbr, int[] used, PythonRandom random) {
        /** The directory entry for {@code vaddr}. */
        int pde(long vaddr) {
            return memory[pdbr * PAGE_BYTES + (int) ((vaddr & 0x7c00) >> 10)];
        }

        /** The table entry for {@code vaddr} in the table at page {@code table}. */
        int pte(int table, long vaddr) {
            return memory[table * PAGE_BYTES + (int) ((vaddr & 0x3e0) >> 5)];
        }
    }

    /** Seeds, builds the page tables, and leaves the generator where the addresses start. */
    static Machine build(BigInteger seed, BigInteger allocated) {
        PythonRandom random = new PythonRandom(seed);
        int[] memory = new int[PAGES * PAGE_BYTES];
        boolean[] usedPages = new boolean[PAGES];
        int[] usedCount = {0};
        int pdbr = findFree(random, usedPages, usedCount);
        java.util.Arrays.fill(memory, pdbr * PAGE_BYTES, (pdbr + 1) * PAGE_BYTES, INVALID);
        boolean[] usedVirtual = new boolean[VIRTUAL_PAGES];
        long pages = Simulator.saturate(allocated);
        IntArrayList order = new IntArrayList();
        for (long i = 0; i < pages; i++) {
            int vp = (int) (random.random() * VIRTUAL_PAGES);
            while (usedVirtual[vp]) {
                vp = (int) (random.random() * VIRTUAL_PAGES);
            }
            usedVirtual[vp] = true;
            order.add(vp);
            int pp = findFree(random, usedPages, usedCount);
            int pdeAt = pdbr * PAGE_BYTES + (((vp << 5) & 0x7c00) >> 10);
            int table;
            if ((memory[pdeAt] & 0x80) == 0) {
                table = findFree(random, usedPages, usedCount);
                memory[pdeAt] = 0x80 | table;
                java.util.Arrays.fill(memory, table * PAGE_BYTES, (table + 1) * PAGE_BYTES, INVALID);
            } else {
                table = memory[pdeAt] & 0x7f;
            }
            memory[table * PAGE_BYTES + (vp & 0x1f)] = 0x80 | pp;
            for (int j = 0; j < PAGE_BYTES; j++) {
                memory[pp * PAGE_BYTES + j] = (int) (random.random() * 31);
            }
        }
        return new Machine(memory, pdbr, order.toArray(), random);
    }

    private static int findFree(PythonRandom random, boolean[] used, int[] count) {
        if (count[0] >= PAGES) {
            throw PythonError.assertion();
        }
        int look = (int) (random.random() * PAGES);
        while (used[look]) {
            look = (int) (random.random() * PAGES);
        }
        count[0]++;
        used[look] = true;
        return look;
    }

    /** The next question's virtual address, the {@code i}-th. */
    static long nextAddress(Machine m, long i) {
        boolean anywhere = m.random().random() * 100 > 50.0 || i >= m.used().length;
        if (anywhere) {
            return (long) (m.random().random() * 1024 * 32);
        }
        return ((long) m.used()[(int) i] << 5) | (long) (m.random().random() * 32);
    }

    @Override
    public void run(OptParser.Values v, ScriptIo io) {
        io.printValues("ARG seed", v.integer("seed"));
        io.printValues("ARG allocated", v.integer("allocated"));
        io.printValues("ARG num", v.integer("num"));
        io.println("");
        Machine m = build(v.integer("seed"), v.integer("allocated"));
        printDump(m, io);
        boolean solve = v.flag("solve");
        long num = Simulator.saturate(v.integer("num"));
        for (long i = 0; i < num; i++) {
            long vaddr = nextAddress(m, i);
            if (!solve) {
                io.println("Virtual Address " + Py.hex(vaddr, 4)
                        + ": Translates To What Physical Address (And Fetches what Value)? Or Fault?");
                continue;
            }
            io.println("Virtual Address " + Py.hex(vaddr, 4) + ":");
            int pde = m.pde(vaddr);
            int pdIndex = (int) ((vaddr & 0x7c00) >> 10);
            io.println("  --> pde index:0x" + Integer.toHexString(pdIndex) + " [decimal " + pdIndex + "] pde contents:0x"
                    + Integer.toHexString(pde) + " (valid " + (pde >> 7) + ", pfn 0x" + Py.hex(pde & 0x7f, 2)
                    + " [decimal " + (pde & 0x7f) + "])");
            if ((pde & 0x80) == 0) {
                io.println("      --> Fault (page directory entry not valid)");
                continue;
            }
            int pte = m.pte(pde & 0x7f, vaddr);
            int ptIndex = (int) ((vaddr & 0x3e0) >> 5);
            io.println("    --> pte index:0x" + Integer.toHexString(ptIndex) + " [decimal " + ptIndex
                    + "] pte contents:0x" + Integer.toHexString(pte) + " (valid " + (pte >> 7) + ", pfn 0x"
                    + Py.hex(pte & 0x7f, 2) + " [decimal " + (pte & 0x7f) + "])");
            if ((pte & 0x80) == 0) {
                io.println("      --> Fault (page table entry not valid)");
                continue;
            }
            long paddr = ((long) (pte & 0x7f) << 5) | (vaddr & 0x1f);
            io.println("      --> Translates to Physical Address 0x" + Py.hex(paddr, 3) + " --> Value: "
                    + Py.hex(m.memory()[(int) paddr], 2));
        }
        io.println("");
    }

    /** The 128 pages, two hex digits a byte, then the PDBR line. */
    static void printDump(Machine m, ScriptIo io) {
        StringBuilder line = new StringBuilder(80);
        for (int p = 0; p < PAGES; p++) {
            line.setLength(0);
            line.append("page ").append(Py.right(Integer.toString(p), 3)).append(':');
            for (int j = 0; j < PAGE_BYTES; j++) {
                line.append(Py.hex(m.memory()[p * PAGE_BYTES + j], 2));
            }
            io.println(line.toString());
        }
        io.println("\nPDBR: " + m.pdbr() + "  (decimal) [This means the page directory is held in this page]\n");
    }

    @Override
    public void runPagelab(OptParser.Values v, ScriptIo io) {
        X86View.multilevel(build(v.integer("seed"), v.integer("allocated")), Simulator.saturate(v.integer("num")), io);
    }
}
