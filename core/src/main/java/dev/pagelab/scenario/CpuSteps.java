package dev.pagelab.scenario;

import dev.pagelab.boot.Printable;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.Tlb;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.proc.Process;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How the CPU's steps run: read and write through the MMU at CPL 0 or 3 (and what the MMU did for
 * them: the TLB's part, the A and D bits set, a stale translation), explain, and INVLPG.
 */
final class CpuSteps {
    private CpuSteps() {
    }

    static void read(Op.Read read, StepContext c, StepResult r) {
        Process running = read.user() ? c.runningProcess() : null;
        if (running != null) {
            ProcessSteps.readAsRunning(read, running, c, r);
            return;
        }
        Mmu mmu = c.mmu();
        long vaddr = c.resolve(read.vaddr());
        int cpl = read.user() ? 3 : 0;
        WalkExplanation before = mmu.explain(vaddr);
        MmuStats.Snapshot stats = mmu.stats().snapshot();
        mmu.setCpl(cpl);
        try {
            if (read.length() > 0) {
                byte[] bytes = new byte[read.length()];
                mmu.readBytes(vaddr, bytes, 0, bytes.length);
                String text = new String(bytes, StandardCharsets.UTF_8);
                r.put(Field.STRING, text);
                r.text("\"" + printable(text) + "\"");
            } else {
                long value = switch (read.size()) {
                    case 1 -> mmu.read8(vaddr);
                    case 2 -> mmu.read16(vaddr) & 0xFFFFL;
                    default -> mmu.read32(vaddr) & 0xFFFF_FFFFL;
                };
                r.value(value, Addresses.hex(value) + ascii(value, read.size()));
            }
        } finally {
            mmu.setCpl(0);
        }
        access(c, vaddr, false, cpl, before, stats, null, r);
    }

    static void write(Op.Write write, StepContext c, StepResult r) {
        Process running = write.user() ? c.runningProcess() : null;
        if (running != null) {
            ProcessSteps.writeAsRunning(write, running, c, r);
            return;
        }
        Mmu mmu = c.mmu();
        long vaddr = c.resolve(write.vaddr());
        int cpl = write.user() ? 3 : 0;
        long value = write.value() == null ? 0 : c.resolve(write.value());
        byte[] string = write.string() == null ? null : write.string().getBytes(StandardCharsets.UTF_8);
        FreeFrameWrites free = FreeFrameWrites.before(c, vaddr, string != null ? string.length : write.size(), cpl);
        WalkExplanation before = mmu.explain(vaddr);
        MmuStats.Snapshot stats = mmu.stats().snapshot();
        mmu.setCpl(cpl);
        try {
            if (string != null) {
                mmu.writeBytes(vaddr, string, 0, string.length);
                r.text("wrote " + string.length + " bytes \"" + printable(write.string()) + "\"");
            } else {
                switch (write.size()) {
                    case 1 -> mmu.write8(vaddr, (int) value);
                    case 2 -> mmu.write16(vaddr, (int) value);
                    default -> mmu.write32(vaddr, (int) value);
                }
                r.text("wrote " + Addresses.hex(value & 0xFFFF_FFFFL));
            }
        } finally {
            mmu.setCpl(0);
        }
        access(c, vaddr, true, cpl, before, stats, null, r);
        free.warn(c, r);
    }

    /**
     * The walk for the address in the loaded directory, or with {@code process:} in that process's
     * (loaded or not: {@link Mmu#explain(long, long)} walks it without loading CR3).
     */
    static void explain(Op.Explain op, StepContext c, StepResult r) {
        long vaddr = c.resolve(op.vaddr());
        Process p = op.process() == null ? null : c.process(op.process());
        if (p != null && p.state().ended()) {
            throw new IllegalStateException("explain: " + p + " has ended (" + Keys.of(p.state())
                    + "): its page directory is gone");
        }
        WalkExplanation walk = p == null ? c.mmu().explain(vaddr) : c.mmu().explain(vaddr, p.space().directoryPaddr());
        r.details().addAll(walk.render(ProcessSteps.SWAP_ENTRIES).lines().toList());
        Mmu.Outcome read = walk.supervisorRead();
        r.put(Field.MAPPED, read.translates());
        String where = Addresses.hex(vaddr) + (p == null ? "" : " in " + p.name());
        if (read.translates()) {
            r.paddr(read.paddr());
            r.text(where + " -> " + Addresses.hex(read.paddr()));
        } else {
            r.text(where + " is not mapped: " + read.fault().cause().text());
        }
        if (p != null) {
            ProcessSteps.pteFields(walk, r);
        }
    }

    static void invlpg(Op.Invlpg op, StepContext c, StepResult r) {
        long vaddr = c.resolve(op.vaddr());
        long cached = cachedPaddr(c.mmu(), vaddr);
        c.mmu().invlpg(vaddr);
        r.text(cached >= 0 ? "dropped the TLB entry " + Addresses.hex(Addresses.alignDown(vaddr)) + " -> "
                + Addresses.hex(Addresses.alignDown(cached)) : "the TLB held no entry for " + Addresses.hex(vaddr));
    }

    /**
     * Adds where an access went and what the MMU did for it: the physical address the TLB (or,
     * without one, the walk) used, the TLB's part, the A and D flags it set, and whether the
     * TLB's translation disagrees with the tables (a stale entry).
     */
    static void access(StepContext c, long vaddr, boolean write, int cpl, WalkExplanation before,
                       MmuStats.Snapshot stats, String tlbOutcome, StepResult r) {
        Mmu mmu = c.mmu();
        MmuStats.Snapshot delta = mmu.stats().snapshot().minus(stats);
        String tlb = tlbOutcome != null ? tlbOutcome : delta.tlbHits() > 0 ? "hit" : delta.tlbRewalks() > 0 ? "rewalk"
                : delta.tlbMisses() > 0 ? "miss" : delta.walks() > 0 ? "walk" : "none";
        long cached = cachedPaddr(mmu, vaddr);
        Mmu.Outcome walk = mmu.probe(vaddr, write, cpl);
        long paddr = cached >= 0 ? cached : walk.paddr();
        r.paddr(paddr);
        r.put(Field.TLB, tlb);
        List<String> set = flagsSet(before, mmu.explain(vaddr));
        r.appendText(" at paddr " + Addresses.hex(paddr) + (cpl == 3 ? " (CPL 3)" : "") + "; TLB " + tlb
                + (set.isEmpty() ? "" : "; " + String.join(", ", set)));
        if (cached >= 0 && walk.translates() && walk.paddr() != cached) {
            r.appendText("; STALE: the TLB still says " + Addresses.hex(cached) + ", the page tables say "
                    + Addresses.hex(walk.paddr()));
        }
    }

    /** The physical address the TLB holds for {@code vaddr}, or -1. */
    static long cachedPaddr(Mmu mmu, long vaddr) {
        for (Tlb.Entry e : mmu.tlb().entries()) {
            long mask = e.large() ? Addresses.LARGE_PAGE_OFFSET_MASK : Addresses.PAGE_OFFSET_MASK;
            if (e.vaddr() == (vaddr & ~mask)) {
                return e.paddr() | (vaddr & mask);
            }
        }
        return -1;
    }

    /**
     * The A and D flags that went from 0 to 1 in the entries of the walk: {@code "A set in PDE 1"};
     * an entry the walk did not reach before (a page-fault handler made its table) counts as 0.
     */
    private static List<String> flagsSet(WalkExplanation before, WalkExplanation after) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < after.steps().size(); i++) {
            WalkExplanation.Step a = after.steps().get(i);
            int newly = a.entry() & ~(i < before.steps().size() ? before.steps().get(i).entry() : 0);
            String name = (a.level() == WalkExplanation.Level.DIRECTORY ? "PDE " : "PTE ") + a.index();
            if ((newly & Pte.ACCESSED) != 0) {
                set.add("A set in " + name);
            }
            if ((newly & Pte.DIRTY) != 0) {
                set.add("D set in " + name);
            }
        }
        return set;
    }

    /** Control and bidirectional characters as escapes, so that a value stays on one line and reads as it is. */
    static String printable(String s) {
        return Printable.escape(s);
    }

    /** The bytes of {@code value} as text when they are all printable: {@code " \"Hell\""}. */
    private static String ascii(long value, int size) {
        StringBuilder text = new StringBuilder(" \"");
        for (int i = 0; i < size; i++) {
            int ch = (int) (value >>> (8 * i)) & 0xFF;
            if (ch < 0x20 || ch > 0x7E) {
                return "";
            }
            text.append((char) ch);
        }
        return text.append('"').toString();
    }
}
