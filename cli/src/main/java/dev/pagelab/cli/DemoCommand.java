package dev.pagelab.cli;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.FrameOwner;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.UnmapResult;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagelab demo}: the seeds' kernel on a 16 MiB PC, from the boot to a kunmap: the
 * higher-half start-up, a kmmap through the temporary slot, a tour of the MMU's rules, a stale
 * TLB entry, and the kunmap that gives everything back.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "The seeds' kernel from boot to kunmap, and a tour of the MMU's rules.",
        description = {
            "Boot a 16 MiB PC the way the seeds' kernel does: the loader's memory map, a frame",
            "allocator, a page directory with the kernel at 0xC0000000, paging on. Then kmmap",
            "three pages and a bit, showing every entry the kernel writes and every use of the",
            "temporary slot at 0xC03FF000; make accesses that show each rule of the i386 MMU",
            "(TLB misses and hits, A and D bits, page faults with decoded error codes); forget",
            "an INVLPG on purpose to see a stale TLB entry; and kunmap it all back."},
        footer = {"", "Then look closer with: pagelab boot, pagelab explain 0xC03FF000"})
final class DemoCommand implements Callable<Integer> {
    static final String MACHINE = "qemu-pc-16M";

    @Option(names = "--machine", paramLabel = "NAME", defaultValue = MACHINE,
            description = "The built-in machine (default: ${DEFAULT-VALUE}; see 'pagelab boot --list-machines').")
    String machine;

    @Mixin
    KernelOptions kernelOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One access of the tour. */
    private record Access(int cpl, boolean write, long vaddr, int value, String why) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Kernel kernel = Kernel.boot(machine, kernelOptions.config());
        Mmu mmu = kernel.mmu();
        describeBoot(out, kernel);

        // kmmap, with every entry the kernel writes.
        long before = kernel.allocator().freeFrames();
        long bytes = 3 * Addresses.PAGE_BYTES + 100;
        out.println();
        out.printf("kmmap(%,d): %d pages in the kernel heap area, a frame for each, mapPage for each:%n", bytes,
                (bytes + Addresses.PAGE_BYTES - 1) / Addresses.PAGE_BYTES);
        kernel.space().setTrace(line -> out.println("    " + line));
        long heap = kernel.vm().kmmap(bytes);
        kernel.space().setTrace(null);
        out.printf("  -> %s; %d frames taken (pages and page table); pagesBitmap now %s%n", Addresses.hex(heap),
                before - kernel.allocator().freeFrames(), kernel.vm().kernelPages().render(heap, 6));
        for (long page = heap; page < heap + bytes; page += Addresses.PAGE_BYTES) {
            out.printf("     getFrameAddr(%s) = %s%n", Addresses.hex(page), Addresses.hex(kernel.space().getFrameAddr(page)));
        }
        byte[] message = "Hello from kmmap'd memory, across a page boundary!".getBytes(StandardCharsets.US_ASCII);
        long at = heap + Addresses.PAGE_BYTES - 20;
        mmu.writeBytes(at, message, 0, message.length);
        out.printf("  wrote \"%s\" at %s: %d bytes land in frame %s, the rest in frame %s%n",
                new String(message, StandardCharsets.US_ASCII), Addresses.hex(at), 20,
                Addresses.hex(kernel.space().getFrameAddr(at) >>> Addresses.PAGE_SHIFT),
                Addresses.hex(kernel.space().getFrameAddr(at + 20) >>> Addresses.PAGE_SHIFT));

        List<Access> tour = List.of(
                new Access(0, false, 0xC010_0000L, 0, "kernel .text (its Multiboot header) through the higher half"),
                new Access(0, false, 0xC010_0004L, 0, "same page again"),
                new Access(0, true, heap + 2 * Addresses.PAGE_BYTES, 0x600DF00D, "the third kmmap'd page"),
                new Access(0, false, heap + 2 * Addresses.PAGE_BYTES, 0, "read back what was written"),
                new Access(0, true, 0xC010_0000L, 0xDEADBEEF, "write to read-only .text, CR0.WP=1"),
                new Access(3, false, heap, 0, "user mode reads kernel memory"),
                new Access(0, false, 0x0010_0000L, 0, "the kernel's identity address, unmapped after the switch"),
                new Access(0, false, 0x0000_0000L, 0, "NULL dereference"),
                new Access(0, false, KernelLayout.TEMPORARY_SLOT, 0, "the temporary slot between uses"),
                new Access(0, false, heap + 4 * Addresses.PAGE_BYTES, 0, "just past the kmmap'd block"));
        mmu.resetStats();
        out.println();
        out.println(" #  CPL  access      address     physical    value                TLB     A/D flags the MMU set");
        out.println(" -  ---  ----------  ----------  ----------  -------------------  ------  ---------------------");
        List<PageFault> faults = new ArrayList<>();
        int n = 0;
        for (Access a : tour) {
            n++;
            mmu.setCpl(a.cpl());
            WalkExplanation walkBefore = mmu.explain(a.vaddr());
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
                    flagsSet(walkBefore, mmu.explain(a.vaddr())));
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

        staleTlb(out, kernel, heap + 2 * Addresses.PAGE_BYTES);

        out.println();
        out.printf("kunmap(%s): freePages, then unmapPage and freeFrame for each page:%n", Addresses.hex(heap));
        kernel.space().setTrace(line -> out.println("    " + line));
        long pages = kernel.vm().kunmap(heap);
        kernel.space().setTrace(null);
        out.printf("  -> %d pages freed; %,d frames free, as before kmmap: %s%n", pages, kernel.allocator().freeFrames(),
                kernel.allocator().freeFrames() == before ? "yes" : "no");
        kernel.checkInvariants();

        MmuStats s = mmu.stats();
        out.println();
        out.printf("MMU counters since the tour: %d accesses, %d TLB hits, %d misses, %d re-walks, %d walks, %d faults,%n",
                s.accesses(), s.tlbHits(), s.tlbMisses(), s.tlbRewalks(), s.walks(), s.faults());
        out.printf("  %d A bits and %d D bits set, %d INVLPG, %d TLB flushes; TLB %s holds %d entries%n",
                s.accessedBitsSet(), s.dirtyBitsSet(), s.invlpgs(), s.tlbFlushes(), tlbShape(mmu), mmu.tlb().size());
        out.printf("The temporary slot was loaded %d times since the boot.%n", kernel.space().temporarySlotMappings());
        out.println();
        out.println("Next: pagelab boot   (the whole address space and memory by owner)");
        out.println("      pagelab explain 0xC03FF000   (every step of one walk, flag by flag)");
        out.flush();
        return 0;
    }

    private static void describeBoot(PrintWriter out, Kernel kernel) {
        BootReport report = kernel.report();
        out.println("pagelab demo: the seeds' kernel, from boot to kunmap");
        out.println();
        out.printf("Booted %s (see 'pagelab boot'): Multiboot information at %s, kernel image %s,%n",
                report.source(), Addresses.hex(report.mbi().mbiPaddr()), report.kernelExtent());
        out.printf("%,d of %,d usable frames free for the allocator. The kernel starts (%s):%n", report.freeFrames(),
                report.usableFrames(), kernel.config());
        for (String line : kernel.log()) {
            out.println("  " + line);
        }
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

    /**
     * The lesson behind "a change to a present entry needs INVLPG": remap a page the TLB holds
     * with the invalidation switched off, read the old frame through the stale entry, then INVLPG.
     */
    private static void staleTlb(PrintWriter out, Kernel kernel, long vaddr) {
        Mmu mmu = kernel.mmu();
        long spare = kernel.frames().allocate(FrameOwner.KERNEL_DATA);
        mmu.memory().write32(Addresses.pfnToPaddr(spare), 0x0BADC0DE);
        out.println();
        out.printf("A stale TLB entry: %s is remapped to frame %s with INVLPG switched off%n", Addresses.hex(vaddr),
                Addresses.hex(spare));
        mmu.read32(vaddr);
        kernel.space().setSkipInvlpg(true);
        long old = ((UnmapResult.Unmapped) kernel.space().unmapPage(vaddr)).pfn();
        kernel.space().mapPage(vaddr, spare, Pte.WRITABLE);
        kernel.space().setSkipInvlpg(false);
        int stale = mmu.read32(vaddr);
        out.printf("  read %s -> %s  %s%n", Addresses.hex(vaddr), Addresses.hex(stale & 0xFFFF_FFFFL),
                mmu.tlb().config().enabled() ? "(the TLB still holds the old frame: stale)"
                        : "(no TLB: the walk sees the new PTE at once)");
        mmu.invlpg(vaddr);
        int fresh = mmu.read32(vaddr);
        out.printf("  INVLPG %s, read again -> %s  (the new frame)%n", Addresses.hex(vaddr),
                Addresses.hex(fresh & 0xFFFF_FFFFL));
        // Put the page back as kmmap left it, so that kunmap frees the right frames.
        kernel.space().unmapPage(vaddr);
        kernel.space().mapPage(vaddr, old, Pte.WRITABLE);
        kernel.frames().free(spare);
    }

    private static String tlbShape(Mmu mmu) {
        var c = mmu.tlb().config();
        return c.enabled() ? String.format("(%d entries %d-way + %d large)", c.entries(), c.ways(), c.largeEntries())
                : "(off)";
    }
}
