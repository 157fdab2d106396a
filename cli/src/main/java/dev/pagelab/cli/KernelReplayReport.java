package dev.pagelab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.proc.KernelReplay;
import dev.pagelab.proc.ProcessStats;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What {@code replay --kernel} prints besides the fast replay's report: the kernel path's setup
 * and, per policy, what the MMU, the TLB, the handler and the swap device did, and the textbooks'
 * effective access time. The replay's own table, CSV columns and JSON fields come first and
 * unchanged, so that a kernel run can be diffed against a fast one.
 */
final class KernelReplayReport {
    /** The line for a policy that needs every reference (the words, which the tests look for). */
    static final String NOT_IMPLEMENTABLE = "not implementable in a real kernel: exact reference order"
            + " (the simulator's reference hook)";
    /** How trace pages become user pages. */
    static final String PAGE_MAPPING = "trace pages become user pages in order of first use from 0x1000: a trace's"
            + " n-th distinct page (from 0) is at 0x1000 + n * 4096 (KernelReplay.userPage)";

    private KernelReplayReport() {
    }

    /** The kernel section of the table: setup, then one block a policy. */
    static void table(PrintWriter out, KernelReplay.Result result, KernelReplay.Options options, long memoryAccessNanos) {
        KernelConfig k = options.kernel();
        out.println();
        out.printf(Locale.ROOT, "kernel path: machine %s, %,d free frames after boot: %,d for the processes, %,d"
                + " reserved for the kernel's own%n", result.machine(), result.freeFrames(),
                result.replay().config().frames(), result.kernelFrames());
        out.printf(Locale.ROOT, "  %s, %s, %s%n", k.globalKernelPages() ? "kernel half global (G=1, CR4.PGE)"
                : "kernel half not global (--no-global-pages)", k.tableAccess().label(), tlb(k.tlb()));
        out.printf(Locale.ROOT, "  swap device of %,d slots, %s a transfer; memory access ma = %s (assumed, for"
                + " the effective access time)%n", result.swapSlots(), time(options.ioCostNanos()),
                time(memoryAccessNanos));
        out.println("  " + PAGE_MAPPING);
        out.println("  'references': the MMU for the processes' references; 'fault handler': the kernel's own"
                + " accesses to page tables and its INVLPGs while it resolves faults");
        if (options.skipInvlpg()) {
            out.println("  --no-invlpg: A is cleared without INVLPG; hits on a cached translation do not set it"
                    + " again, so Clock evicts pages in use: its counts can differ from pagelab replay's");
        }
        for (KernelReplay.KernelStats s : result.kernel()) {
            MmuStats.Snapshot m = s.referencesMmu();
            MmuStats.Snapshot h = s.handlerMmu();
            long lookups = m.tlbHits() + m.tlbMisses() + m.tlbRewalks();
            out.println();
            out.println("kernel: policy " + s.policy());
            out.printf(Locale.ROOT, "  %-13s TLB %,d hits (%.2f%%), %,d misses, %,d rewalks; %,d walks; set %,d A,"
                    + " %,d D%n", "references", m.tlbHits(), lookups == 0 ? 0.0 : 100.0 * m.tlbHits() / lookups,
                    m.tlbMisses(), m.tlbRewalks(), m.walks(), m.accessedBitsSet(), m.dirtyBitsSet());
            out.printf(Locale.ROOT, "  %-13s %,d MMU accesses: TLB %,d hits, %,d misses, %,d rewalks; %,d walks;"
                    + " set %,d A, %,d D; %,d INVLPGs%n", "fault handler", h.accesses(), h.tlbHits(), h.tlbMisses(),
                    h.tlbRewalks(), h.walks(), h.accessedBitsSet(), h.dirtyBitsSet(), h.invlpgs());
            out.printf(Locale.ROOT, "  %-13s %,d (process switches)%n", "CR3 loads", s.processSwitches());
            out.printf(Locale.ROOT, "  %-13s %,d page-ins, %,d page-outs, %,d writes avoided; %s of transfers%n",
                    "swap", s.pageIns(), s.pageOuts(), s.writesAvoided(), time(s.swapNanos()));
            double p = s.faultRate();
            out.printf(Locale.ROOT, "  %-13s (1 - p) * ma + p * s = (1 - %.6f) * %s + %.6f * %s = %s (s: ma + this"
                    + " run's swap time a fault)%n", "EAT", p, time(memoryAccessNanos), p,
                    time(s.faultServiceNanos(memoryAccessNanos)), time(s.effectiveAccessNanos(memoryAccessNanos)));
            double textbook = memoryAccessNanos + options.ioCostNanos();
            out.printf(Locale.ROOT, "  %-13s (1 - %.6f) * %s + %.6f * %s = %s (s: ma + one transfer a fault, as the"
                    + " textbook)%n", "", p, time(memoryAccessNanos), p, time(textbook),
                    time((1 - p) * memoryAccessNanos + p * textbook));
            out.printf(Locale.ROOT, "  %-13s %,d held at the end (directories, page tables, user-area bitmaps)%n",
                    "kernel frames", s.kernelFrames());
            out.printf(Locale.ROOT, "  %-13s %s, %.1f M references/s (%.0f%% of the time in the fault handler)%n",
                    "replay", time(s.nanos()), s.references() * 1e3 / Math.max(1, s.nanos()),
                    100.0 * s.handlerNanos() / Math.max(1, s.nanos()));
            if (s.referenceHook()) {
                out.println("  " + NOT_IMPLEMENTABLE);
            }
        }
    }

    /** The kernel's fields of the JSON report: a "kernel" object at the top and one in each policy. */
    static void json(ObjectNode root, KernelReplay.Result result, KernelReplay.Options options, long memoryAccessNanos) {
        KernelConfig k = options.kernel();
        ObjectNode setup = root.putObject("kernel");
        setup.put("machine", result.machine()).put("freeFrames", result.freeFrames())
                .put("kernelFrames", result.kernelFrames()).put("globalPages", k.globalKernelPages())
                .put("tableAccess", k.tableAccess().label()).put("tlbEntries", k.tlb().entries())
                .put("tlbWays", k.tlb().ways()).put("tlbLargeEntries", k.tlb().largeEntries())
                .put("swapSlots", result.swapSlots()).put("ioCostNanos", options.ioCostNanos())
                .put("memoryAccessNanos", memoryAccessNanos).put("skipInvlpg", options.skipInvlpg())
                .put("pageMapping", PAGE_MAPPING);
        ArrayNode policies = (ArrayNode) root.get("policies");
        for (int i = 0; i < result.kernel().size(); i++) {
            KernelReplay.KernelStats s = result.kernel().get(i);
            ObjectNode n = ((ObjectNode) policies.get(i)).putObject("kernel");
            n.put("referenceHook", s.referenceHook());
            mmu(n.putObject("references"), s.referencesMmu());
            mmu(n.putObject("faultHandler"), s.handlerMmu());
            n.put("cr3Loads", s.processSwitches()).put("pageIns", s.pageIns()).put("pageOuts", s.pageOuts())
                    .put("writesAvoided", s.writesAvoided()).put("swapNanos", s.swapNanos())
                    .put("faultServiceNanos", s.faultServiceNanos(memoryAccessNanos))
                    .put("effectiveAccessNanos", s.effectiveAccessNanos(memoryAccessNanos))
                    .put("kernelFrames", s.kernelFrames()).put("handlerNanos", s.handlerNanos())
                    .put("nanos", s.nanos());
            ArrayNode processes = (ArrayNode) policies.get(i).get("processes");
            for (int pid = 0; pid < s.processes().size(); pid++) {
                ProcessStats ps = s.processes().get(pid);
                ((ObjectNode) processes.get(pid)).putObject("kernel").put("zeroFills", ps.zeroFills())
                        .put("pageIns", ps.pageIns()).put("pageOuts", ps.pageOuts())
                        .put("writesAvoided", ps.writesAvoided()).put("evictions", ps.evictions());
            }
        }
    }

    private static void mmu(ObjectNode n, MmuStats.Snapshot m) {
        n.put("accesses", m.accesses()).put("tlbHits", m.tlbHits()).put("tlbMisses", m.tlbMisses())
                .put("tlbRewalks", m.tlbRewalks()).put("walks", m.walks()).put("accessedBitsSet", m.accessedBitsSet())
                .put("dirtyBitsSet", m.dirtyBitsSet()).put("invlpgs", m.invlpgs());
    }

    /** The CSV header's kernel columns, appended to the replay's. */
    static final String CSV_COLUMNS = ",page_ins,writes_avoided,zero_fills,tlb_hits,tlb_misses,tlb_rewalks,walks,"
            + "a_set,d_set,invlpgs,cr3_loads,swap_ns,eat_ns";

    /** The kernel columns of a process's row (the MMU's are the total row's only). */
    static String csvProcess(KernelReplay.KernelStats s, int pid) {
        ProcessStats p = s.processes().get(pid);
        return String.format(Locale.ROOT, ",%d,%d,%d,,,,,,,,,,", p.pageIns(), p.writesAvoided(), p.zeroFills());
    }

    /** The kernel columns of a policy's total row. */
    static String csvTotal(KernelReplay.KernelStats s, long memoryAccessNanos) {
        MmuStats.Snapshot m = s.referencesMmu();
        long zeroFills = s.processes().stream().mapToLong(ProcessStats::zeroFills).sum();
        return String.format(Locale.ROOT, ",%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.3f", s.pageIns(), s.writesAvoided(),
                zeroFills, m.tlbHits(), m.tlbMisses(), m.tlbRewalks(), m.walks(), m.accessedBitsSet(),
                m.dirtyBitsSet(), s.handlerMmu().invlpgs(), s.processSwitches(), s.swapNanos(),
                s.effectiveAccessNanos(memoryAccessNanos));
    }

    private static String tlb(TlbConfig t) {
        if (!t.enabled()) {
            return "no TLB (every access walks)";
        }
        return String.format(Locale.ROOT, "TLB of %d entries %d-way and %d for 4 MiB pages", t.entries(), t.ways(),
                t.largeEntries());
    }

    /** A duration for people: ns, µs, ms or s, three significant digits or more. */
    static String time(double nanos) {
        if (nanos < 1e3) {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        if (nanos < 1e6) {
            return String.format(Locale.ROOT, "%.2f us", nanos / 1e3);
        }
        if (nanos < 1e9) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%,.2f s", nanos / 1e9);
    }
}
