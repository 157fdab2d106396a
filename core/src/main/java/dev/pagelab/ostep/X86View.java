package dev.pagelab.ostep;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.WalkExplanation;

/**
 * {@code --pagelab} for the two translation modes: the problem's page tables rebuilt as real i386
 * page tables in pagelab's simulated memory, and each question's address walked by pagelab's
 * {@link Mmu} and printed as {@code pagelab explain} prints a walk ({@link WalkExplanation#render()}).
 *
 * <h2>paging-multilevel-translate</h2>
 * <pre>
 *   problem page p (32 bytes)      -> x86 frame p (4 KiB); a data page's bytes at the frame's start
 *   directory entry i (1 byte)     -> PDE i of the directory in frame PDBR
 *   table entry j of table page t  -> PTE j of the page table in frame t
 *   valid entry, PFN f             -> P=1 R/W=1 U/S=1, frame f;  invalid (0x7f) -> P=0, frame 127
 *   15-bit address  pd:5 pt:5 off:5 -> linear address pd &lt;&lt; 22 | pt &lt;&lt; 12 | off
 * </pre>
 *
 * <h2>paging-linear-translate (4 KiB pages only)</h2>
 * <pre>
 *   VPN v                          -> linear page v: PDE v &gt;&gt; 10, PTE v &amp; 1023
 *   valid entry, frame f           -> P=1 R/W=1 U/S=1, frame f
 *   the directory and page tables  -> the frames just above the highest frame the table uses
 * </pre>
 * The x86 walk reaches the same frame as the problem's answer: the physical address differs
 * only where the problem's pages are smaller than 4 KiB.
 */
final class X86View {
    private static final int ENTRY_FLAGS = Pte.PRESENT | Pte.WRITABLE | Pte.USER;

    private X86View() {
    }

    static void multilevel(MultilevelTranslate.Machine m, long questions, ScriptIo io) {
        PhysicalMemory memory = PhysicalMemory.ofSize((long) MultilevelTranslate.PAGES << 12);
        int[] bytes = m.memory();
        boolean[] tablePage = new boolean[MultilevelTranslate.PAGES];
        tablePage[m.pdbr()] = true;
        for (int i = 0; i < MultilevelTranslate.PAGE_BYTES; i++) {
            int pde = bytes[m.pdbr() * MultilevelTranslate.PAGE_BYTES + i];
            memory.write32(((long) m.pdbr() << 12) + 4L * i, entry(pde));
            if ((pde & 0x80) != 0) {
                int table = pde & 0x7f;
                tablePage[table] = true;
                for (int j = 0; j < MultilevelTranslate.PAGE_BYTES; j++) {
                    memory.write32(((long) table << 12) + 4L * j, entry(bytes[table * MultilevelTranslate.PAGE_BYTES + j]));
                }
            }
        }
        for (int p = 0; p < MultilevelTranslate.PAGES; p++) {
            if (!tablePage[p]) {
                for (int j = 0; j < MultilevelTranslate.PAGE_BYTES; j++) {
                    memory.write8(((long) p << 12) + j, bytes[p * MultilevelTranslate.PAGE_BYTES + j]);
                }
            }
        }
        Mmu mmu = mmu(memory, m.pdbr());
        io.println("paging-multilevel-translate's problem on pagelab's x86 MMU (PDBR " + m.pdbr() + ", "
                + m.used().length + " pages mapped):");
        io.println("  problem page p (32 bytes) = x86 frame p, a data page's bytes at the frame's start;");
        io.println("  directory entry i = PDE i, table entry j = PTE j; valid = P, R/W, U/S set, same frame;");
        io.println("  address pd:5 pt:5 offset:5 = linear address pd << 22 | pt << 12 | offset.");
        for (long i = 0; i < questions; i++) {
            long vaddr = MultilevelTranslate.nextAddress(m, i);
            long linear = ((vaddr & 0x7c00) >> 10) << 22 | ((vaddr & 0x3e0) >> 5) << 12 | (vaddr & 0x1f);
            io.println("");
            io.println("Virtual Address " + Py.hex(vaddr, 4) + " = linear address " + Addresses.hex(linear));
            WalkExplanation walk = mmu.explain(linear);
            io.print(walk.render());
            Mmu.Outcome read = walk.supervisorRead();
            if (read.translates()) {
                io.println("value: " + Py.hex(memory.read8(read.paddr()), 2));
            }
            io.println("the script: " + scriptAnswer(m, vaddr));
        }
    }

    /** The multilevel script's answer for {@code vaddr}, as its -c prints it. */
    private static String scriptAnswer(MultilevelTranslate.Machine m, long vaddr) {
        int pde = m.pde(vaddr);
        if ((pde & 0x80) == 0) {
            return "Fault (page directory entry not valid)";
        }
        int pte = m.pte(pde & 0x7f, vaddr);
        if ((pte & 0x80) == 0) {
            return "Fault (page table entry not valid)";
        }
        long paddr = ((long) (pte & 0x7f) << 5) | (vaddr & 0x1f);
        return "Translates to Physical Address 0x" + Py.hex(paddr, 3) + " --> Value: "
                + Py.hex(m.memory()[(int) paddr], 2);
    }

    static void linear(LinearTranslate.Problem p, LinearTranslate.AddressSource addresses, ScriptIo io) {
        if (p.pageBits() != 12) {
            throw new OstepLimitException("--pagelab: x86 pages are 4 KiB; this problem's pages are "
                    + (1L << p.pageBits()) + " bytes (-P 4k)");
        }
        int[] table = p.table();
        long frames = 0;
        for (int f : table) {
            frames = Math.max(frames, f + 1L);
        }
        int tables = (table.length + 1023) / 1024;
        // Above every frame the table uses: the problem's memory holds no bytes to keep apart.
        long directory = frames;
        PhysicalMemory memory = PhysicalMemory.ofSize((directory + 1 + tables) << 12);
        for (int t = 0; t < tables; t++) {
            long tableFrame = directory + 1 + t;
            memory.write32((directory << 12) + 4L * t, (int) (tableFrame << 12) | ENTRY_FLAGS);
            for (int j = 0; j < 1024 && t * 1024 + j < table.length; j++) {
                int f = table[t * 1024 + j];
                memory.write32((tableFrame << 12) + 4L * j, f < 0 ? 0 : (f << 12) | ENTRY_FLAGS);
            }
        }
        Mmu mmu = mmu(memory, directory);
        io.println("paging-linear-translate's problem on pagelab's x86 MMU (" + table.length + " pages of 4 KiB):");
        io.println("  VPN v = linear page v (PDE v >> 10, PTE v & 1023); frame f = x86 frame f;");
        io.println("  the page directory is in frame " + directory + ", the page tables after it.");
        while (addresses.hasNext()) {
            long vaddr = addresses.next();
            io.println("");
            if (vaddr < 0 || vaddr > 0xFFFF_FFFFL) {
                io.println("Virtual Address " + vaddr + ": not a 32-bit linear address");
                continue;
            }
            io.println("Virtual Address " + Addresses.hex(vaddr) + " (decimal " + vaddr + ")");
            io.print(mmu.explain(vaddr).render());
            long vpn = vaddr >> 12;
            io.println("the script: " + (vpn >= table.length ? "IndexError (VPN " + vpn + " is past the table)"
                    : table[(int) vpn] < 0 ? "Invalid (VPN " + vpn + " not valid)"
                    : Py.hex(((long) table[(int) vpn] << 12) | (vaddr & 0xFFF), 8) + " [VPN " + vpn + "]"));
        }
    }

    private static int entry(int problemEntry) {
        int frame = problemEntry & 0x7f;
        return (frame << 12) | ((problemEntry & 0x80) != 0 ? ENTRY_FLAGS : 0);
    }

    private static Mmu mmu(PhysicalMemory memory, long directoryFrame) {
        Mmu mmu = new Mmu(memory);
        mmu.setCr3(directoryFrame << 12);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG);
        return mmu;
    }
}
