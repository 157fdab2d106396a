package dev.pagelab.web;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.EntryBit;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.Tlb;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.pmm.BuddyFrameAllocator;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.Process;
import dev.pagelab.proc.Processes;
import dev.pagelab.scenario.Op;
import dev.pagelab.scenario.StepEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's state as the JSON the page draws: plain maps and lists, built by reading
 * simulated memory directly ({@link PhysicalMemory}) or through {@link Mmu#observe}, so that
 * looking changes neither the TLB nor any counter.
 *
 * <p>Address spaces are named {@code kernel} (the boot directory every process shares the kernel
 * half of) and {@code pid-N}. Entries travel as their 32-bit values; {@link #entryBits()} gives
 * the page the decoding tables that {@code pagelab explain} uses, so both decode alike.
 */
final class StateViews {
    /** The name of the kernel's own address space. */
    static final String KERNEL = "kernel";

    private StateViews() {
    }

    // ---------------------------------------------------------------- physical memory

    /**
     * The frames of {@code rows}' range as rows ({@link FrameRows}): runs
     * {@code [startPfn, endPfn, ownerKey, pid]}, pid -1 for frames not a process's; when the range
     * holds more runs than the rows allowed ({@code "summary": true}), buckets, each a run like
     * those when all its frames have one owner and process, and otherwise
     * {@code [startPfn, endPfn, dominantOwnerKey, dominantPid, {ownerKey: frames}]}; and, for the
     * whole map whatever the range, where its RAM ends, the frames per owner and per process, the allocator's figures
     * (for the buddy allocator, its free blocks per order) and the processes.
     */
    static Map<String, Object> memory(Kernel kernel, Processes processes, FrameRows.Rows rows) {
        FrameAccounting accounting = kernel.accounting();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", null);
        out.put("topPfn", accounting.topPfn());
        out.put("ramEndPfn", ramEndPfn(accounting));
        out.put("frameBytes", Addresses.PAGE_BYTES);
        out.put("fromPfn", rows.fromPfn());
        out.put("toPfn", rows.toPfn());
        out.put("maxRuns", rows.maxRuns());
        List<Object> runList = new ArrayList<>();
        switch (rows) {
            case FrameRows.Exact exact -> {
                out.put("summary", false);
                out.put("bucketFrames", 1);
                for (FrameRows.Run r : exact.runs()) {
                    runList.add(List.of(r.startPfn(), r.endPfn(), r.owner(), (long) r.pid()));
                }
            }
            case FrameRows.Summary summary -> {
                out.put("summary", true);
                out.put("bucketFrames", summary.bucketFrames());
                for (FrameRows.Bucket b : summary.buckets()) {
                    runList.add(b.uniform() ? List.of(b.startPfn(), b.endPfn(), b.owner(), (long) b.pid())
                            : List.of(b.startPfn(), b.endPfn(), b.owner(), (long) b.pid(), b.counts()));
                }
            }
        }
        out.put("runs", runList);
        Map<String, Object> counts = new LinkedHashMap<>();
        accounting.counts().forEach((o, n) -> counts.put(key(o), n));
        out.put("counts", counts);
        out.put("processFrames", FrameRows.processFrames(accounting));
        out.put("allocator", allocator(kernel.allocator()));
        out.put("processes", processList(processes));
        return out;
    }

    /** The frame after the last one the kernel knows as RAM (neither firmware's nor outside the map); 0 when none. */
    static long ramEndPfn(FrameAccounting accounting) {
        long pfn = accounting.topPfn();
        while (pfn > 0 && (accounting.ownerOf(pfn - 1) == FrameOwner.NOT_IN_MAP
                || accounting.ownerOf(pfn - 1) == FrameOwner.FIRMWARE)) {
            pfn--;
        }
        return pfn;
    }

    /** The owners the page colours, in a fixed order: key, label and one-letter symbol. */
    static List<Map<String, Object>> owners() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FrameOwner o : FrameOwner.values()) {
            out.add(ordered("key", key(o), "label", o.label(), "symbol", String.valueOf(o.symbol()),
                    "handedOut", o.isHandedOut()));
        }
        return out;
    }

    static String key(FrameOwner owner) {
        return owner.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static Map<String, Object> allocator(FrameAllocator allocator) {
        Map<String, Object> out = ordered("name", allocator.name(), "freeFrames", allocator.freeFrames(),
                "totalFrames", allocator.totalFrames(), "describe", allocator.describe());
        if (allocator instanceof BuddyFrameAllocator buddy) {
            List<Object> orders = new ArrayList<>();
            for (int order = 0; order <= BuddyFrameAllocator.MAX_ORDER; order++) {
                orders.add(ordered("order", order, "frames", 1L << order, "freeBlocks", buddy.freeBlocks(order)));
            }
            out.put("buddyOrders", orders);
        }
        return out;
    }

    static List<Object> processList(Processes processes) {
        List<Object> out = new ArrayList<>();
        if (processes != null) {
            for (Process p : processes.all()) {
                out.add(ordered("pid", p.pid(), "name", p.name(), "state", p.state().name().toLowerCase(java.util.Locale.ROOT),
                        "priority", p.priority(), "residentPages", p.state().ended() ? 0 : processes.residentPages(p).size(),
                        "faults", p.stats().faults()));
            }
        }
        return out;
    }

    /**
     * One frame: its owner, the process holding it, the buddy block it heads when free, and every
     * present entry of the kernel's and the live processes' tables that maps it.
     */
    static Map<String, Object> frame(Kernel kernel, Processes processes, long pfn) {
        FrameAccounting accounting = kernel.accounting();
        if (pfn < 0 || pfn >= Math.max(accounting.topPfn(), 1)) {
            throw ApiException.badRequest("frame " + pfn + " is not in this machine: expected 0 to "
                    + (accounting.topPfn() - 1));
        }
        Map<String, Object> out = ordered("pfn", pfn, "paddr", hex(pfn << Addresses.PAGE_SHIFT),
                "owner", key(accounting.ownerOf(pfn)), "ownerLabel", accounting.ownerOf(pfn).label(),
                "pid", accounting.processOf(pfn), "ram", kernel.memory().isRam(pfn << Addresses.PAGE_SHIFT));
        if (kernel.allocator() instanceof BuddyFrameAllocator buddy) {
            out.put("buddyFreeOrder", buddy.freeBlockOrder(pfn));
        }
        List<Object> mappedBy = new ArrayList<>();
        List<Object> tableOf = new ArrayList<>();
        for (Map.Entry<String, Long> space : spaceDirectories(kernel, processes).entrySet()) {
            findMappings(kernel.memory(), space.getKey(), space.getValue(), pfn, mappedBy, tableOf);
        }
        out.put("mappedBy", mappedBy);
        out.put("pageTableOf", tableOf);
        return out;
    }

    private static void findMappings(PhysicalMemory memory, String space, long directoryPaddr, long pfn,
                                     List<Object> mappedBy, List<Object> tableOf) {
        long paddr = pfn << Addresses.PAGE_SHIFT;
        if (directoryPaddr == paddr) {
            tableOf.add(ordered("space", space, "level", "directory"));
        }
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = memory.read32(directoryPaddr + 4L * pdi);
            if (!Pde.isPresent(pde)) {
                continue;
            }
            if (Pde.isLarge(pde)) {
                long base = Integer.toUnsignedLong(pde) & 0xFFC0_0000L;
                if (paddr >= base && paddr < base + Addresses.LARGE_PAGE_BYTES) {
                    mappedBy.add(ordered("space", space, "vaddr", hex(((long) pdi << 22) + (paddr - base)),
                            "pde", pdi, "pte", -1, "entry", hex(Integer.toUnsignedLong(pde)), "large", true));
                }
                continue;
            }
            long table = Pde.tablePaddr(pde);
            if (table == paddr) {
                tableOf.add(ordered("space", space, "level", "table", "pde", pdi, "vaddr", hex((long) pdi << 22)));
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = memory.read32(table + 4L * pti);
                if (Pte.isPresent(pte) && (Integer.toUnsignedLong(pte) & 0xFFFF_F000L) == paddr) {
                    mappedBy.add(ordered("space", space, "vaddr", hex(Addresses.linear(pdi, pti, 0)),
                            "pde", pdi, "pte", pti, "entry", hex(Integer.toUnsignedLong(pte)), "large", false));
                }
            }
        }
    }

    // ---------------------------------------------------------------- address spaces

    /** The address spaces there are: the kernel's and each live process's, with their directories. */
    static List<Object> spaces(Kernel kernel, Processes processes) {
        List<Object> out = new ArrayList<>();
        long cr3 = kernel.mmu().cr3() & 0xFFFF_F000L;
        for (Map.Entry<String, Long> e : spaceDirectories(kernel, processes).entrySet()) {
            String name = e.getKey().equals(KERNEL) ? "the kernel" : processName(processes, e.getKey());
            out.add(ordered("id", e.getKey(), "name", name, "directoryPaddr", hex(e.getValue()),
                    "loaded", e.getValue() == cr3 && kernel.mmu().pagingEnabled()));
        }
        return out;
    }

    private static String processName(Processes processes, String id) {
        Process p = process(processes, id);
        return "process " + p.pid() + " (" + p.name() + ")";
    }

    private static Map<String, Long> spaceDirectories(Kernel kernel, Processes processes) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put(KERNEL, kernel.space().directoryPaddr());
        if (processes != null) {
            for (Process p : processes.live()) {
                AddressSpace space = p.space();
                if (space != null && !space.isDestroyed()) {
                    out.put("pid-" + p.pid(), space.directoryPaddr());
                }
            }
        }
        return out;
    }

    private static Process process(Processes processes, String id) {
        if (processes != null && id.startsWith("pid-")) {
            for (Process p : processes.live()) {
                if (id.equals("pid-" + p.pid())) {
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * The directory of space {@code id}.
     *
     * @throws ApiException 404 naming the spaces there are when there is no such space
     */
    static long directoryOf(Kernel kernel, Processes processes, String id) {
        Long paddr = spaceDirectories(kernel, processes).get(id);
        if (paddr == null) {
            throw ApiException.notFound("no address space '" + id + "' at this step: there are "
                    + String.join(", ", spaceDirectories(kernel, processes).keySet()));
        }
        return paddr;
    }

    /** The 1024 entries of space {@code id}'s page directory, as unsigned 32-bit values. */
    static Map<String, Object> directory(Kernel kernel, Processes processes, String id) {
        long paddr = directoryOf(kernel, processes, id);
        return ordered("space", id, "directoryPaddr", hex(paddr), "largePagesEnabled", kernel.mmu().largePagesEnabled(),
                "entries", entries(kernel.memory(), paddr));
    }

    /**
     * The page table directory entry {@code index} of space {@code id} points to.
     *
     * @throws ApiException 400 when the entry is not present or maps a 4 MiB page
     */
    static Map<String, Object> table(Kernel kernel, Processes processes, String id, int index) {
        if (index < 0 || index >= Addresses.ENTRIES_PER_TABLE) {
            throw ApiException.badRequest("directory entry " + index + " does not exist: expected 0 to 1023");
        }
        long dir = directoryOf(kernel, processes, id);
        int pde = kernel.memory().read32(dir + 4L * index);
        if (!Pde.isPresent(pde)) {
            throw ApiException.badRequest("directory entry " + index + " of " + id + " is not present (0x"
                    + String.format("%08X", pde) + "): there is no page table behind it");
        }
        if (Pde.isLarge(pde) && kernel.mmu().largePagesEnabled()) {
            throw ApiException.badRequest("directory entry " + index + " of " + id + " maps a 4 MiB page (PS=1), not a page table");
        }
        long table = Pde.tablePaddr(pde);
        return ordered("space", id, "index", index, "pde", Integer.toUnsignedLong(pde), "tablePaddr", hex(table),
                "vaddr", hex((long) index << 22), "entries", entries(kernel.memory(), table));
    }

    private static long[] entries(PhysicalMemory memory, long paddr) {
        long[] out = new long[Addresses.ENTRIES_PER_TABLE];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.toUnsignedLong(memory.read32(paddr + 4L * i));
        }
        return out;
    }

    /** The tables that decode entries, as {@code pagelab explain} prints them. */
    static Map<String, Object> entryBits() {
        return ordered("pte", bits(Pte.BITS), "pdeTable", bits(Pde.TABLE_BITS), "pdeLarge", bits(Pde.LARGE_BITS));
    }

    private static List<Object> bits(List<EntryBit> bits) {
        List<Object> out = new ArrayList<>();
        for (EntryBit b : bits) {
            out.add(ordered("name", b.name(), "mask", Integer.toUnsignedLong(b.mask()), "whenSet", b.whenSet(),
                    "whenClear", b.whenClear()));
        }
        return out;
    }

    // ---------------------------------------------------------------- the walk

    /**
     * The walk of {@code vaddr} in space {@code id}: each entry read with its bits decoded, and
     * what a read and a write at CPL 0 and 3 would do; read as an observer.
     */
    static Map<String, Object> walk(Kernel kernel, Processes processes, String id, long vaddr) {
        if (vaddr < 0 || vaddr > 0xFFFF_FFFFL) {
            throw ApiException.badRequest("virtual address " + vaddr + " is not a 32-bit address");
        }
        long dir = directoryOf(kernel, processes, id);
        Mmu mmu = kernel.mmu();
        boolean current = (mmu.cr3() & 0xFFFF_F000L) == dir;
        WalkExplanation w = mmu.observe(() -> current ? mmu.explain(vaddr) : mmu.explain(vaddr, dir));
        List<Object> steps = new ArrayList<>();
        for (WalkExplanation.Step s : w.steps()) {
            List<Object> bits = new ArrayList<>();
            for (EntryBit b : s.bits()) {
                bits.add(ordered("name", b.name(), "set", b.isSet(s.entry()), "meaning", b.meaning(s.entry())));
            }
            steps.add(ordered("level", s.level().name().toLowerCase(java.util.Locale.ROOT), "index", s.index(),
                    "entryPaddr", hex(s.entryPaddr()), "entry", Integer.toUnsignedLong(s.entry()),
                    "largePage", s.largePage(), "bits", bits));
        }
        List<Object> verdicts = new ArrayList<>();
        for (WalkExplanation.Verdict v : w.verdicts()) {
            Map<String, Object> m = ordered("cpl", v.cpl(), "write", v.write(), "translates", v.outcome().translates());
            if (v.outcome().translates()) {
                m.put("paddr", hex(v.outcome().paddr()));
            } else {
                PageFault f = v.outcome().fault();
                m.put("errorCode", f.errorCode());
                m.put("cause", f.cause().name().toLowerCase(java.util.Locale.ROOT));
                m.put("fault", f.toString());
            }
            verdicts.add(m);
        }
        return ordered("space", id, "vaddr", hex(vaddr), "directoryIndex", Addresses.directoryIndex(vaddr),
                "tableIndex", Addresses.tableIndex(vaddr), "offset", vaddr & 0xFFF, "cr0", hex(w.cr0()),
                "cr3", hex(dir), "cr4", hex(w.cr4()), "pagingEnabled", mmu.pagingEnabled(), "steps", steps,
                "verdicts", verdicts, "text", w.render());
    }

    // ---------------------------------------------------------------- the TLB

    /**
     * What step K did to the TLB, for {@link #tlb}: the step, what it was (its operation), and its
     * kernel events that reached the TLB ({@link ScenarioSession#touchesTlb}), in order.
     */
    record TlbStep(StepEvent event, Op op, List<KernelEvent> invalidations) {
    }

    /**
     * The TLB after a step: its entries, its size, the counters so far, and what the step
     * ({@code step}, null at step 0) dropped and added compared with the step before, with the
     * step's INVLPGs and CR3 loads: first the step itself when it is one (an {@code invlpg}, or a
     * {@code spawn}, {@code switch} or {@code exit}, which load CR3), as its text and result, then
     * each event's line.
     */
    static Map<String, Object> tlb(Kernel kernel, List<Tlb.Entry> before, List<Tlb.Entry> after, TlbStep step) {
        Set<Tlb.Entry> was = new HashSet<>(before);
        Set<Tlb.Entry> is = new HashSet<>(after);
        List<Object> dropped = new ArrayList<>();
        for (Tlb.Entry e : before) {
            if (!is.contains(e)) {
                dropped.add(tlbEntry(e));
            }
        }
        List<Object> entries = new ArrayList<>();
        for (Tlb.Entry e : after) {
            Map<String, Object> m = tlbEntry(e);
            m.put("new", !was.contains(e));
            entries.add(m);
        }
        List<String> flushes = new ArrayList<>();
        if (step != null) {
            if (step.op() instanceof Op.Invlpg || step.op() instanceof Op.Switch || step.op() instanceof Op.Spawn
                    || step.op() instanceof Op.Exit) {
                flushes.add(step.event().text() + "  =>  " + step.event().result());
            }
            for (KernelEvent e : step.invalidations()) {
                flushes.add(e.text());
            }
        }
        var config = kernel.mmu().tlb().config();
        var stats = kernel.mmu().stats().snapshot();
        return ordered("enabled", config.enabled(), "entries4k", config.entries(), "ways", config.ways(),
                "entries4m", config.largeEntries(), "valid", after.size(), "lines", entries, "dropped", dropped,
                "invalidations", flushes, "stats", ordered("accesses", stats.accesses(), "hits", stats.tlbHits(),
                        "misses", stats.tlbMisses(), "rewalks", stats.tlbRewalks(), "walks", stats.walks(),
                        "invlpgs", stats.invlpgs(), "flushes", stats.tlbFlushes(), "faults", stats.faults()));
    }

    private static Map<String, Object> tlbEntry(Tlb.Entry e) {
        return ordered("vaddr", hex(e.vaddr()), "paddr", hex(e.paddr()), "large", e.large(), "writable", e.writable(),
                "user", e.user(), "dirty", e.dirty(), "global", e.global());
    }

    // ---------------------------------------------------------------- helpers

    static String hex(long value) {
        return String.format("0x%08X", value);
    }

    static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }
}
