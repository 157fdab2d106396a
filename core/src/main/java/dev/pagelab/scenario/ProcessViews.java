package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.proc.Process;
import dev.pagelab.proc.ProcessStats;
import dev.pagelab.proc.Processes;
import dev.pagelab.proc.Region;
import dev.pagelab.proc.SwapDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text {@code ps} shows of a process and of the swap device. Page-table entries are read from
 * physical memory, as a debugger reads them: looking loads no CR3, fills no TLB entry, sets no
 * Accessed bit and uses no temporary slot.
 */
final class ProcessViews {
    private ProcessViews() {
    }

    /** What the kernel keeps of {@code p}: its state, regions and counts, and each page its tables name. */
    static List<String> process(PhysicalMemory memory, Processes ps, Process p) {
        List<String> lines = new ArrayList<>();
        ProcessStats s = p.stats();
        String state = p.state().name().toLowerCase(Locale.ROOT);
        lines.add(p + ": " + state + (p.state().ended() ? "" : ", CR3 " + Addresses.hex(p.space().directoryPaddr()))
                + ", priority " + p.priority() + ", size " + p.size() + " page" + (p.size() == 1 ? "" : "s")
                + (s.quota() >= 0 && !p.state().ended() ? ", quota " + s.quota() + " frame" + (s.quota() == 1 ? "" : "s")
                : ""));
        if (p.killReport() != null) {
            lines.add("  killed: " + p.killReport());
        }
        lines.add("  regions: " + String.join(", ", p.regions().stream().map(Region::toString).toList()));
        lines.add("  " + counts(s) + ", " + count(s.evictions(), "eviction") + "; " + s.resident() + " resident, "
                + count(s.swapSlots(), "swap slot"));
        if (!p.state().ended()) {
            long directory = p.space().directoryPaddr();
            for (Region r : p.regions()) {
                for (long vaddr = r.start(); vaddr < r.end(); vaddr += Addresses.PAGE_BYTES) {
                    int pte = pte(memory, directory, vaddr);
                    int slot = p.swapSlotOf(vaddr);
                    if (pte != 0 || slot >= 0) {
                        lines.add("  " + page(vaddr, pte, slot));
                    }
                }
            }
        }
        return lines;
    }

    /** {@code 7 references, 6 faults (4 zero-filled, 2 read from swap), 2 page-outs, 1 write avoided}. */
    static String counts(ProcessStats s) {
        return count(s.references(), "reference") + ", " + count(s.faults(), "fault") + " (" + s.zeroFills()
                + " zero-filled, " + s.pageIns() + " read from swap), " + count(s.pageOuts(), "page-out") + ", "
                + count(s.writesAvoided(), "write") + " avoided";
    }

    /** {@code 1 fault}, {@code 2 faults}. */
    static String count(long n, String thing) {
        return String.format(Locale.ROOT, "%,d %s%s", n, thing, n == 1 ? "" : "s");
    }

    /** {@code page 0x00002000  PTE 0x00345067  frame 0x00000345  P R/W U/S A D; swap slot 0 holds a copy}. */
    private static String page(long vaddr, int pte, int slot) {
        String entry = String.format(Locale.ROOT, "page %s  PTE %s  ", Addresses.hex(vaddr), Addresses.hex(pte & 0xFFFF_FFFFL));
        if (Pte.isPresent(pte)) {
            return entry + "frame " + Addresses.hex(Pte.pfn(pte)) + "  " + Pte.flagNames(pte)
                    + (slot >= 0 ? "; swap slot " + slot + " holds a copy" : "");
        }
        return entry + "not present" + (SwapDevice.slotOf(pte) >= 0 ? ": swap entry, its copy in swap slot "
                + SwapDevice.slotOf(pte) : pte == 0 ? "" : ": the kernel's own value");
    }

    /** {@code swap device: 2 of 16 slots in use; 3 pages written, 1 read: 4 transfers x 8 ms = 32 ms}. */
    static String swap(SwapDevice swap) {
        long transfers = swap.pagesRead() + swap.pagesWritten();
        return String.format(Locale.ROOT, "swap device: %,d of %,d slots in use; %s written, %,d read: %s x %s = %s"
                        + " of disk time", swap.used(), swap.slots(), count(swap.pagesWritten(), "page"), swap.pagesRead(),
                count(transfers, "transfer"), ProcessSetup.ioCost(swap.ioCostNanos()), ProcessSetup.ioCost(swap.ioNanos()));
    }

    /** The PTE of {@code vaddr} in the directory at {@code directoryPaddr}, read from RAM; 0 when no table covers it. */
    static int pte(PhysicalMemory memory, long directoryPaddr, long vaddr) {
        int pde = memory.read32(directoryPaddr + 4L * Addresses.directoryIndex(vaddr));
        if (!Pde.isPresent(pde) || vaddr >= KernelLayout.USER_END) {
            return 0;
        }
        return memory.read32(Pde.tablePaddr(pde) + 4L * Addresses.tableIndex(vaddr));
    }
}
