package dev.pagelab.conformance;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.paging.MemoryDump;
import dev.pagelab.paging.PageTableDump;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One phase of the page-table comparison, pagelab's side of it: the tables in pagelab's physical
 * memory, the registers, the tagged data frames and the accesses ({@link #phase}), and, once
 * {@link #expect} has run them on pagelab, everything QEMU must then show.
 *
 * <p>{@link #expect} tags the data frames in pagelab's memory as the stub does in QEMU's (each
 * 32-bit word holds its own physical address), makes the accesses with a fresh MMU loaded with
 * the phase's CR0, CR3 and CR4, and keeps the outcomes, the table frames with the A and D bits
 * the accesses set, {@code info tlb}, {@code info mem} and the translation of every page touched.
 * It drops the memory afterwards.
 *
 * <p>Reads compare their values only where every byte lands in tagged frames; elsewhere the two
 * memories hold different things (pagelab's kernel image, QEMU's stub) and only whether the
 * access faults, and how, is compared. The stub's own running sets A in directory entry 0 and A
 * and D in the entries mapping its pages: {@link #ignoredBits} masks those.
 */
final class PagingCase {
    final String description;
    final long stubStart;
    final long stubEnd;
    final ParameterBlock.Phase phase;

    /** The outcome of each access on pagelab. */
    final List<Outcome> expected = new ArrayList<>();
    /** Whether each access's value must match (a read that lands in tagged frames only). */
    final List<Boolean> valueCompared = new ArrayList<>();
    /** The table frames after the accesses, A and D bits included. */
    final SortedMap<Long, int[]> tablesAfter = new TreeMap<>();
    /** {@code info tlb} and {@code info mem} as pagelab's tables give them after the accesses. */
    List<String> infoTlb;
    List<String> infoMem;
    /**
     * The page of every access and where its entries point (-1: not present), rights and
     * reserved bits not considered: what a debugger's walk, QEMU's {@code gva2gpa}, finds.
     */
    final Map<Long, Long> translations = new LinkedHashMap<>();

    private PhysicalMemory memory;

    /**
     * A phase on the tables {@code dump} describes, which lie in {@code memory}; the tagged
     * frames are tagged in {@code memory} now.
     */
    PagingCase(String description, long stubStart, long stubEnd, PhysicalMemory memory, MemoryDump dump,
            List<ParameterBlock.TagRange> tags, List<ParameterBlock.Access> accesses) {
        this.description = description;
        this.stubStart = stubStart;
        this.stubEnd = stubEnd;
        this.memory = memory;
        this.phase = new ParameterBlock.Phase(dump.cr0(), dump.cr3(), dump.cr4(), dump.frames(), tags, accesses);
        tag(memory, tags);
    }

    /**
     * Makes the accesses on pagelab with a fresh MMU of physical-address width
     * {@code addressBits}, and keeps what QEMU must show afterwards.
     */
    void expect(int addressBits) {
        Mmu cpu = cpu(memory, phase.cr0(), phase.cr3(), phase.cr4(), addressBits);
        for (ParameterBlock.Access a : phase.accesses()) {
            translations.putIfAbsent(Addresses.alignDown(a.vaddr()), -1L);
            valueCompared.add(!a.write() && landsInTags(cpu, a, phase.tags(), false));
            cpu.setCpl(a.user() ? 3 : 0);
            try {
                expected.add(Outcome.completed(access(cpu, a)));
            } catch (PageFaultException e) {
                expected.add(Outcome.fault(cpu.cr2(), e.fault().errorCode()));
            }
        }
        translations.replaceAll((page, none) -> pointsAt(cpu.explain(page)));
        for (long paddr : phase.tableFrames().keySet()) {
            int[] words = new int[Addresses.ENTRIES_PER_TABLE];
            for (int i = 0; i < words.length; i++) {
                words[i] = memory.read32(paddr + 4L * i);
            }
            tablesAfter.put(paddr, words);
        }
        infoTlb = MonitorViews.infoTlb(memory, phase.cr3(), phase.cr4());
        infoMem = MonitorViews.infoMem(PageTableDump.ranges(memory, phase.cr3(), (phase.cr4() & Mmu.CR4_PSE) != 0));
        memory = null;
    }

    private static long access(Mmu cpu, ParameterBlock.Access a) {
        if (a.write()) {
            switch (a.bytes()) {
                case 1 -> cpu.write8(a.vaddr(), a.value());
                case 2 -> cpu.write16(a.vaddr(), a.value());
                default -> cpu.write32(a.vaddr(), a.value());
            }
            return 0;
        }
        return switch (a.bytes()) {
            case 1 -> cpu.read8(a.vaddr());
            case 2 -> cpu.read16(a.vaddr());
            default -> cpu.read32(a.vaddr());
        };
    }

    /** The physical address the entries of a walk point at, or -1 when one is not present. */
    private static long pointsAt(WalkExplanation walk) {
        WalkExplanation.Step last = walk.steps().get(walk.steps().size() - 1);
        if (!Pte.isPresent(last.entry())) {
            return -1;
        }
        return last.largePage() ? Pde.largePaddr(last.entry()) | (walk.vaddr() & Addresses.LARGE_PAGE_OFFSET_MASK)
                : Pte.paddr(last.entry()) | Addresses.pageOffset(walk.vaddr());
    }

    /** A CPU as the stub leaves it after loading the registers: nothing cached, CPL 0. */
    static Mmu cpu(PhysicalMemory memory, long cr0, long cr3, long cr4, int addressBits) {
        Mmu cpu = new Mmu(memory, TlbConfig.DEFAULT, addressBits);
        cpu.setCr4(cr4);
        cpu.setCr3(cr3);
        cpu.setCr0(cr0);
        return cpu;
    }

    /**
     * Whether every byte of {@code a} translates, for that kind of access, into {@code tags};
     * with {@code orFaults}, a page that faults passes too. Looks only: nothing is set or cached.
     */
    static boolean landsInTags(Mmu cpu, ParameterBlock.Access a, List<ParameterBlock.TagRange> tags, boolean orFaults) {
        long end = a.vaddr() + a.bytes();
        for (long at = a.vaddr(); at < end; at = Addresses.alignDown(at) + Addresses.PAGE_BYTES) {
            Mmu.Outcome o = cpu.probe(at, a.write(), a.user() ? 3 : 0);
            int n = (int) (Math.min(end, Addresses.alignDown(at) + Addresses.PAGE_BYTES) - at);
            boolean tagged = o.translates() && tags.stream().anyMatch(t -> t.contains(o.paddr(), n));
            if (!tagged && !(orFaults && !o.translates())) {
                return false;
            }
        }
        return true;
    }

    /** Each 32-bit word of the tagged frames := its own physical address, as the stub does. */
    private static void tag(PhysicalMemory memory, List<ParameterBlock.TagRange> tags) {
        for (ParameterBlock.TagRange t : tags) {
            long end = t.paddr() + ((long) t.frames() << Addresses.PAGE_SHIFT);
            for (long p = t.paddr(); p < end; p += 4) {
                memory.write32(p, (int) p);
            }
        }
    }

    /** Whether any byte of [vaddr, vaddr + bytes) lies on one of the stub's pages. */
    boolean inStub(long vaddr, int bytes) {
        return vaddr < stubEnd && vaddr + bytes > stubStart;
    }

    /**
     * The bits of word {@code i} of table frame {@code paddr} that the stub's own running sets
     * and pagelab's accesses do not: A in directory entry 0 (its code, data and stacks are
     * under it) and A and D in the entries that map its pages.
     */
    int ignoredBits(long paddr, int i) {
        long directory = Addresses.alignDown(phase.cr3());
        if (paddr == directory) {
            return i == 0 ? Pde.ACCESSED : 0;
        }
        int pdeZero = tablesAfter.get(directory)[0];
        boolean stubTable = Pde.isPresent(pdeZero) && Pde.tablePaddr(pdeZero) == paddr;
        return stubTable && inStub((long) i << Addresses.PAGE_SHIFT, 1) ? Pte.ACCESSED | Pte.DIRTY : 0;
    }
}
