package dev.pagelab.conformance;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.PageTableDump;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * pagelab's tables shown the way QEMU's monitor shows the CPU's ({@code target/i386/monitor.c}
 * of QEMU 7.2, 32-bit paging), so that the two texts can be compared line for line; and the
 * parsers of the monitor's answers to {@code xp} and {@code gva2gpa}.
 */
final class MonitorViews {
    private MonitorViews() {
    }

    /**
     * {@code info tlb}: one line a present leaf, in address order, with the leaf's own flags
     * (not combined with the directory's): {@code vaddr: paddr XGPDACTUW}. A 4 MiB page shows
     * its entry with bits 20:0 cleared, as QEMU masks it.
     */
    static List<String> infoTlb(PhysicalMemory memory, long cr3, long cr4) {
        boolean pse = (cr4 & Mmu.CR4_PSE) != 0;
        long directory = Addresses.alignDown(cr3);
        List<String> lines = new ArrayList<>();
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = memory.read32(directory + 4L * pdi);
            if (!Pde.isPresent(pde)) {
                continue;
            }
            long base = (long) pdi << Addresses.LARGE_PAGE_SHIFT;
            if (Pde.isLarge(pde) && pse) {
                lines.add(tlbLine(base, pde & ~((1 << 21) - 1) & 0xFFFF_FFFFL, pde));
                continue;
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = memory.read32(Pde.tablePaddr(pde) + 4L * pti);
                if (Pte.isPresent(pte)) {
                    lines.add(tlbLine(base | ((long) pti << Addresses.PAGE_SHIFT), Pte.paddr(pte), pte & ~Pde.PAGE_SIZE));
                }
            }
        }
        return lines;
    }

    private static String tlbLine(long vaddr, long paddr, int entry) {
        return String.format(Locale.ROOT, "%016x: %016x -%c%c%c%c%c%c%c%c", vaddr, paddr,
                flag(entry, Pte.GLOBAL, 'G'), flag(entry, Pde.PAGE_SIZE, 'P'), flag(entry, Pte.DIRTY, 'D'),
                flag(entry, Pte.ACCESSED, 'A'), flag(entry, Pte.CACHE_DISABLE, 'C'), flag(entry, Pte.WRITE_THROUGH, 'T'),
                flag(entry, Pte.USER, 'U'), flag(entry, Pte.WRITABLE, 'W'));
    }

    private static char flag(int entry, int bit, char letter) {
        return (entry & bit) != 0 ? letter : '-';
    }

    /**
     * {@code info mem}: the mapped ranges merged while the rights (U/S and R/W over both
     * levels) stay the same, whatever the physical addresses: {@code start-end size urw}.
     */
    static List<String> infoMem(List<PageTableDump.Range> ranges) {
        List<String> lines = new ArrayList<>();
        long start = -1;
        long end = -1;
        int rights = -1;
        for (PageTableDump.Range r : ranges) {
            int these = r.flags() & (Pte.USER | Pte.WRITABLE);
            if (r.vaddr() != end || these != rights) {
                if (start >= 0) {
                    lines.add(memLine(start, end, rights));
                }
                start = r.vaddr();
                rights = these;
            }
            end = r.endVaddr();
        }
        if (start >= 0) {
            lines.add(memLine(start, end, rights));
        }
        return lines;
    }

    private static String memLine(long start, long end, int rights) {
        return String.format(Locale.ROOT, "%016x-%016x %016x %cr%c", start, end, end - start,
                (rights & Pte.USER) != 0 ? 'u' : '-', (rights & Pte.WRITABLE) != 0 ? 'w' : '-');
    }

    /** The lines of a monitor answer, without the empty ones. */
    static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The 32-bit words of an {@code xp /Nwx ADDR} answer: {@code ADDR: 0x... 0x... 0x... 0x...} lines. */
    static int[] xpWords(String text, int count) {
        int[] words = new int[count];
        int n = 0;
        for (String line : lines(text)) {
            String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
            for (String w : f) {
                words[n++] = (int) Long.parseLong(w.substring(2), 16);
            }
        }
        if (n != count) {
            throw new IllegalStateException("xp gave " + n + " words, expected " + count + ":\n" + text);
        }
        return words;
    }

    /**
     * The physical address of a {@code gva2gpa} answer, or -1 for {@code Unmapped}. QEMU prints
     * it with {@code %#}, so 0 comes without its {@code 0x}: {@code gpa: 0x245000}, {@code gpa: 0}.
     */
    static long gpa(String text) {
        String t = text.strip();
        if (t.equals("Unmapped")) {
            return -1;
        }
        if (t.equals("gpa: 0")) {
            return 0;
        }
        if (!t.startsWith("gpa: 0x")) {
            throw new IllegalStateException("not a gva2gpa answer: " + t);
        }
        return Long.parseUnsignedLong(t.substring("gpa: 0x".length()), 16);
    }
}
