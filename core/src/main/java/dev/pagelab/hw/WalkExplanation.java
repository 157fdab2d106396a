package dev.pagelab.hw;

import java.util.ArrayList;
import java.util.List;

/**
 * Every step of a page walk for one linear address, as {@link Mmu#explain} found it, and what
 * a read and a write would do at CPL 0 and at CPL 3. Nothing was changed to find it out.
 *
 * @param vaddr    the linear address explained
 * @param cr0      CR0 at the time
 * @param cr3      CR3 at the time
 * @param cr4      CR4 at the time
 * @param steps    the entries read: the PDE, then the PTE if the PDE points to a page table
 * @param verdicts CPL 0 read, CPL 0 write, CPL 3 read, CPL 3 write
 */
public record WalkExplanation(long vaddr, long cr0, long cr3, long cr4, List<Step> steps, List<Verdict> verdicts) {

    /** The level of a paging entry. */
    public enum Level {
        /** A page-directory entry, indexed by bits 31:22. */
        DIRECTORY,
        /** A page-table entry, indexed by bits 21:12. */
        TABLE
    }

    /**
     * One entry read by the walk.
     *
     * @param level      directory or table
     * @param index      the entry's index, 0 to 1023
     * @param entryPaddr where the entry is in physical memory
     * @param entry      the entry's 32 bits
     * @param largePage  whether this directory entry maps a 4 MiB page (PS=1 and CR4.PSE=1)
     */
    public record Step(Level level, int index, long entryPaddr, int entry, boolean largePage) {
        /** The decoding table for this entry's kind. */
        public List<EntryBit> bits() {
            if (level == Level.TABLE) {
                return Pte.BITS;
            }
            return largePage ? Pde.LARGE_BITS : Pde.TABLE_BITS;
        }
    }

    /**
     * What one kind of access would do.
     *
     * @param cpl     0 or 3
     * @param write   a write rather than a read
     * @param outcome the physical address or the fault
     */
    public record Verdict(int cpl, boolean write, Mmu.Outcome outcome) {
    }

    /**
     * Reads the walk for {@code vaddr} under {@code mmu}'s current CR0, CR3 and CR4, and probes
     * the four kinds of access, without changing anything (see {@link Mmu#probe}).
     */
    static WalkExplanation of(Mmu mmu, long vaddr) {
        Addresses.checkLinear("explain", vaddr);
        List<Step> steps = new ArrayList<>();
        if (mmu.pagingEnabled()) {
            long pdeAddr = (mmu.cr3() & 0xFFFF_F000L) | ((long) Addresses.directoryIndex(vaddr) << 2);
            int pde = mmu.readEntry(pdeAddr);
            boolean large = Pde.isPresent(pde) && Pde.isLarge(pde) && mmu.largePagesEnabled();
            steps.add(new Step(Level.DIRECTORY, Addresses.directoryIndex(vaddr), pdeAddr, pde, large));
            if (Pde.isPresent(pde) && !large) {
                long pteAddr = Pde.tablePaddr(pde) | ((long) Addresses.tableIndex(vaddr) << 2);
                steps.add(new Step(Level.TABLE, Addresses.tableIndex(vaddr), pteAddr, mmu.readEntry(pteAddr), false));
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (int level : new int[] {0, 3}) {
            for (boolean write : new boolean[] {false, true}) {
                verdicts.add(new Verdict(level, write, mmu.probe(vaddr, write, level)));
            }
        }
        return new WalkExplanation(vaddr, mmu.cr0(), mmu.cr3(), mmu.cr4(), steps, verdicts);
    }

    /** The verdict for a supervisor read: mapped or not, as the kernel sees it. */
    public Mmu.Outcome supervisorRead() {
        return verdicts.get(0).outcome();
    }

    /**
     * What an operating system keeps in the bits of a not-present entry, for {@link #render(OsBits)}:
     * the MMU stops at P = 0 and never reads them (SDM vol. 3A 4.3, "ignored"), so a kernel may
     * store its own value there, as Linux keeps a swap entry.
     */
    @FunctionalInterface
    public interface OsBits {
        /** No kernel's format known: the bits are only said to be the kernel's. */
        OsBits NONE = (vaddr, level, entry) -> null;

        /**
         * One line on what the not-present, non-zero {@code entry} of the walk for {@code vaddr}
         * means to the kernel, or null when it is nothing the kernel knows.
         */
        String describe(long vaddr, Level level, int entry);
    }

    /** The explanation as lines of text for a person. */
    public String render() {
        return render(OsBits.NONE);
    }

    /**
     * The explanation as lines of text for a person, a not-present entry's other bits decoded by
     * {@code osBits} when they are not 0.
     */
    public String render(OsBits osBits) {
        StringBuilder out = new StringBuilder();
        out.append("linear address ").append(Addresses.hex(vaddr)).append(": directory index ")
                .append(Addresses.directoryIndex(vaddr)).append(" (bits 31:22), table index ")
                .append(Addresses.tableIndex(vaddr)).append(" (bits 21:12), offset ")
                .append(String.format("0x%03X", Addresses.pageOffset(vaddr))).append(" (bits 11:0)\n");
        out.append(String.format("CR0=%s (PG=%d WP=%d)  CR3=%s  CR4=%s (PSE=%d PGE=%d)%n", Addresses.hex(cr0),
                (cr0 >>> 31) & 1, (cr0 >>> 16) & 1, Addresses.hex(cr3), Addresses.hex(cr4),
                (cr4 >>> 4) & 1, (cr4 >>> 7) & 1));
        if ((cr0 & Mmu.CR0_PG) == 0) {
            out.append("paging is off (CR0.PG=0): the linear address is the physical address\n");
        }
        for (Step step : steps) {
            renderStep(out, step, osBits);
        }
        Mmu.Outcome read = supervisorRead();
        if (read.translates()) {
            out.append("physical address ").append(Addresses.hex(read.paddr())).append('\n');
        } else {
            out.append("not mapped: ").append(read.fault().cause().text()).append('\n');
        }
        out.append("rights:\n");
        for (Verdict v : verdicts) {
            out.append(String.format("  CPL %d %-5s ", v.cpl(), v.write() ? "write" : "read"));
            if (v.outcome().translates()) {
                out.append("ok -> ").append(Addresses.hex(v.outcome().paddr()));
            } else {
                PageFault f = v.outcome().fault();
                out.append(String.format("#PF error code 0x%X (%s): %s", f.errorCode(), f.decodedErrorCode(),
                        f.cause().text()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private void renderStep(StringBuilder out, Step step, OsBits osBits) {
        String name = step.level() == Level.DIRECTORY ? "PDE" : "PTE";
        out.append(String.format("%s %d at %s = %s%n", name, step.index(), Addresses.hex(step.entryPaddr()),
                Addresses.hex(step.entry() & 0xFFFF_FFFFL)));
        int e = step.entry();
        if (!Pte.isPresent(e)) {
            out.append("    P   = 0  not present: the walk stops here\n");
            if (e != 0) {
                out.append("    bits 31:1 are not 0: the MMU ignores them, the value is the kernel's own\n");
                String meaning = osBits.describe(vaddr, step.level(), e);
                if (meaning != null) {
                    out.append("    ").append(meaning).append('\n');
                }
            }
            return;
        }
        for (EntryBit bit : step.bits()) {
            out.append(String.format("    %-4s= %d  %s%n", bit.name(), bit.isSet(e) ? 1 : 0, bit.meaning(e)));
        }
        int avail = Pte.available(e);
        if (avail != 0) {
            out.append(String.format("    AVL = %d  bits 11:9, free for the operating system%n", avail));
        }
        if (step.level() == Level.TABLE) {
            out.append("    -> 4 KiB frame at ").append(Addresses.hex(Pte.paddr(e))).append('\n');
        } else if (step.largePage()) {
            out.append("    -> 4 MiB page at ").append(Addresses.hex(Pde.largePaddr(e))).append('\n');
        } else {
            out.append("    -> page table at ").append(Addresses.hex(Pde.tablePaddr(e))).append('\n');
        }
    }
}
