package dev.pagelab.cli;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.HandBuiltMachine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pagelab demo}: page tables written by hand, paging turned on, and a dozen accesses
 * that show translation, the TLB, A/D bits and page faults.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        header = "Page tables written by hand, paging on, and a tour of the MMU's rules.",
        description = {
            "Build a small address space by hand on a 16 MiB PC, turn paging on, and make",
            "accesses that show each rule of the i386 MMU: translations through 4 KiB and",
            "4 MiB pages, TLB misses and hits, the A and D bits the MMU writes back, page",
            "faults with their decoded error codes, and a stale TLB entry.",
            "",
            "The tables: PDE 0 identity-maps 0-4 MiB (page 0 left out), PDE 32 holds one user",
            "page at 0x08048000, PDE 768 maps 0-4 MiB again at 0xC0000000 with the kernel text",
            "at 0xC0100000 read-only, and PDE 769 is a 4 MiB page at 0xC0400000. Physical",
            "0xA0000-0xFFFFF is a hole (VGA, ROMs): reads give 0xFF, writes are dropped."},
        footer = {"", "Then look closer with: pagelab explain 0xC0100000"})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    TlbOptions tlbOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One access of the tour. */
    private record Access(int cpl, boolean write, long vaddr, int value, String why) {
    }

    private static final List<Access> TOUR = List.of(
            new Access(0, false, 0xC010_0000L, 0, "kernel .text (its Multiboot header) through the higher half"),
            new Access(0, false, 0xC010_0004L, 0, "same page again"),
            new Access(0, true, HandBuiltMachine.KERNEL_DATA_VADDR, 0x600DF00D, "kernel .data"),
            new Access(0, false, HandBuiltMachine.KERNEL_DATA_VADDR, 0, "read back what was written"),
            new Access(0, false, 0xC040_0123L, 0, "inside the 4 MiB page"),
            new Access(0, true, 0xC010_0000L, 0xDEADBEEF, "write to read-only .text, CR0.WP=1"),
            new Access(3, true, HandBuiltMachine.USER_PAGE_VADDR + 0x40, 42, "user program writes its page"),
            new Access(3, false, HandBuiltMachine.USER_PAGE_VADDR, 0, "user reads its page"),
            new Access(3, false, 0xC010_0000L, 0, "user reads kernel memory"),
            new Access(0, false, 0x0000_0000L, 0, "NULL dereference"),
            new Access(0, false, 0xD000_0000L, 0, "nothing mapped in this 4 MiB"),
            new Access(0, false, 0xC00B_8000L, 0, "VGA text buffer: a hole in RAM"));

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HandBuiltMachine.Booted booted = HandBuiltMachine.boot(tlbOptions.config());
        Mmu mmu = booted.mmu();
        mmu.resetStats();
        describeBoot(out, booted.boot().report());
        describeMachine(out, mmu);

        out.println();
        out.println(" #  CPL  access      address     physical    value                TLB     A/D flags the MMU set");
        out.println(" -  ---  ----------  ----------  ----------  -------------------  ------  ---------------------");
        List<PageFault> faults = new ArrayList<>();
        int n = 0;
        for (Access a : TOUR) {
            n++;
            mmu.setCpl(a.cpl());
            WalkExplanation before = mmu.explain(a.vaddr());
            MmuStats.Snapshot stats = mmu.stats().snapshot();
            String physical;
            String value;
            try {
                int v;
                if (a.write()) {
                    mmu.write32(a.vaddr(), a.value());
                    v = a.value();
                } else {
                    v = mmu.read32(a.vaddr());
                }
                physical = Addresses.hex(mmu.probe(a.vaddr(), a.write(), a.cpl()).paddr());
                value = (a.write() ? "<- " : "") + Addresses.hex(v & 0xFFFF_FFFFL) + ascii(v);
            } catch (PageFaultException e) {
                faults.add(e.fault());
                physical = String.format("#PF 0x%X", e.fault().errorCode());
                value = "fault (" + (char) ('a' + faults.size() - 1) + ")";
            }
            MmuStats.Snapshot delta = mmu.stats().snapshot().minus(stats);
            out.printf("%2d  %d    %-10s  %s  %-10s  %-19s  %-6s  %s%n", n, a.cpl(),
                    (a.write() ? "write" : "read") + (a.cpl() == 3 ? " user" : ""),
                    Addresses.hex(a.vaddr()), physical, value, tlbColumn(delta),
                    flagsSet(before, mmu.explain(a.vaddr())));
            out.printf("    %s%n", a.why());
        }
        mmu.setCpl(0);

        out.println();
        out.println("Page faults (error code bits: P=protection, W/R=write, U/S=user, RSVD=reserved bit):");
        for (int i = 0; i < faults.size(); i++) {
            PageFault f = faults.get(i);
            out.printf("  (%c) CR2=%s error code 0x%X = %s%n      %s; deciding entry at %s%n", 'a' + i,
                    Addresses.hex(f.linearAddress()), f.errorCode(), f.decodedErrorCode(), f.cause().text(),
                    Addresses.hex(f.entryPaddr()));
        }

        staleTlb(out, mmu);

        MmuStats s = mmu.stats();
        out.println();
        out.printf("MMU counters: %d accesses, %d TLB hits, %d misses, %d re-walks, %d walks, %d faults,%n",
                s.accesses(), s.tlbHits(), s.tlbMisses(), s.tlbRewalks(), s.walks(), s.faults());
        out.printf("              %d A bits and %d D bits set, %d INVLPG, %d TLB flushes; TLB %s holds %d entries%n",
                s.accessedBitsSet(), s.dirtyBitsSet(), s.invlpgs(), s.tlbFlushes(), tlbShape(mmu), mmu.tlb().size());
        out.printf("Physical memory: %d of %d pages touched, %d byte reads from the hole, %d byte writes dropped%n",
                mmu.memory().touchedPages(), mmu.memory().sizeBytes() >>> Addresses.PAGE_SHIFT,
                mmu.memory().holeReads(), mmu.memory().droppedWrites());
        out.println();
        out.println("Next: pagelab explain 0xC0100000   (every step of one walk, flag by flag)");
        out.flush();
        return 0;
    }

    private static void describeBoot(PrintWriter out, dev.pagelab.boot.BootReport report) {
        out.println("pagelab demo: page tables written by hand on a 16 MiB PC");
        out.println();
        out.printf("Booted %s (see 'pagelab boot --machine %s'): Multiboot information at %s,%n",
                HandBuiltMachine.MACHINE, HandBuiltMachine.MACHINE, Addresses.hex(report.mbi().mbiPaddr()));
        out.printf("kernel image %s linked at 0xC0100000, %,d of %,d usable frames free.%n", report.kernelExtent(),
                report.freeFrames(), report.usableFrames());
        out.println("The kernel writes its first page tables by hand into its own .bss, as the seeds' loader.s does.");
    }

    private static void describeMachine(PrintWriter out, Mmu mmu) {
        out.println();
        out.printf("Page directory at %s (CR3):%n", Addresses.hex(mmu.cr3() & ~0xFFFL));
        for (int index = 0; index < 1024; index++) {
            long at = (mmu.cr3() & ~0xFFFL) + 4L * index;
            int pde = mmu.memory().read32(at);
            if (Pde.isPresent(pde)) {
                out.printf("  PDE %-4d %s  %s%n", index, Pde.describe(pde), regionOf(index));
            }
        }
        out.printf("Paging on: CR3=%s  CR4=%s (PSE)  CR0=%s (PG WP PE)%n", Addresses.hex(mmu.cr3()),
                Addresses.hex(mmu.cr4()), Addresses.hex(mmu.cr0()));
    }

    /** The four bytes as text when they are all printable, as a memory dump shows them. */
    private static String ascii(int v) {
        StringBuilder text = new StringBuilder(" \"");
        for (int i = 0; i < 4; i++) {
            int c = (v >>> (8 * i)) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return "";
            }
            text.append((char) c);
        }
        return text.append('"').toString();
    }

    private static String regionOf(int directoryIndex) {
        long base = (long) directoryIndex << Addresses.LARGE_PAGE_SHIFT;
        return String.format("covers %s-%s", Addresses.hex(base), Addresses.hex(base + Addresses.LARGE_PAGE_BYTES - 1));
    }

    private static String tlbColumn(MmuStats.Snapshot delta) {
        if (delta.tlbHits() > 0) {
            return "hit";
        }
        if (delta.tlbRewalks() > 0) {
            return "rewalk";
        }
        return delta.walks() > 0 ? "miss" : "-";
    }

    /** The A and D flags that went from 0 to 1 in the entries of this walk. */
    private static String flagsSet(WalkExplanation before, WalkExplanation after) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < Math.min(before.steps().size(), after.steps().size()); i++) {
            WalkExplanation.Step b = before.steps().get(i);
            WalkExplanation.Step a = after.steps().get(i);
            String name = (b.level() == WalkExplanation.Level.DIRECTORY ? "PDE " : "PTE ") + b.index();
            int newly = a.entry() & ~b.entry();
            if ((newly & Pte.ACCESSED) != 0) {
                set.add("A in " + name);
            }
            if ((newly & Pte.DIRTY) != 0) {
                set.add("D in " + name);
            }
        }
        return set.isEmpty() ? "-" : String.join(", ", set);
    }

    /** The lesson of the temporary-mapping slot: a PTE changed without INVLPG is not seen. */
    private static void staleTlb(PrintWriter out, Mmu mmu) {
        long vaddr = HandBuiltMachine.KERNEL_DATA_VADDR;
        long pteAddr = mmu.explain(vaddr).steps().get(1).entryPaddr();
        int oldPte = mmu.memory().read32(pteAddr);
        long newFrame = 0x00200000L;
        mmu.memory().write32(newFrame, 0x0BADC0DE);
        out.println();
        out.println("A stale TLB entry (the lesson behind the seeds' temporary-mapping slot):");
        out.printf("  the PTE for %s is rewritten in memory to point at frame %s, without INVLPG%n",
                Addresses.hex(vaddr), Addresses.hex(newFrame));
        mmu.memory().write32(pteAddr, Pte.make(newFrame >>> Addresses.PAGE_SHIFT, Pte.flags(oldPte)));
        int stale = mmu.read32(vaddr);
        out.printf("  read %s -> %s  %s%n", Addresses.hex(vaddr), Addresses.hex(stale & 0xFFFF_FFFFL),
                mmu.tlb().config().enabled() ? "(the TLB still holds the old frame: stale)"
                        : "(no TLB: the walk sees the new PTE at once)");
        mmu.invlpg(vaddr);
        int fresh = mmu.read32(vaddr);
        out.printf("  INVLPG %s, read again -> %s  (the new frame)%n", Addresses.hex(vaddr),
                Addresses.hex(fresh & 0xFFFF_FFFFL));
    }

    private static String tlbShape(Mmu mmu) {
        var c = mmu.tlb().config();
        return c.enabled() ? String.format("(%d entries %d-way + %d large)", c.entries(), c.ways(), c.largeEntries())
                : "(off)";
    }
}
