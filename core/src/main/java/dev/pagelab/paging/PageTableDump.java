package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * An address space as Linux's page-table dump ({@code /sys/kernel/debug/page_tables/kernel})
 * shows it: the virtual ranges that are mapped, merged where virtual and physical addresses run
 * on with the same rights, with size, flags and the level of the entry.
 *
 * <p>An observer, like a debugger: it reads the tables from physical memory at CR3, so that
 * looking sets no Accessed bit and fills no TLB entry.
 */
public final class PageTableDump {
    private static final int COMPARED_FLAGS = Pte.WRITABLE | Pte.USER | Pte.WRITE_THROUGH | Pte.CACHE_DISABLE
            | Pte.GLOBAL;

    /**
     * One run of mapped pages.
     *
     * @param vaddr  the first virtual address
     * @param paddr  the physical address it maps to
     * @param bytes  how far the run goes, in both
     * @param flags  the entry flags that decide access (R/W, U/S, PWT, PCD, G), combined over both levels
     * @param large  whether 4 MiB directory entries map it ({@code pde}), or page-table entries ({@code pte})
     */
    public record Range(long vaddr, long paddr, long bytes, int flags, boolean large) {
        /** The first virtual address after the run. */
        public long endVaddr() {
            return vaddr + bytes;
        }

        /** Whether user mode may reach it (U/S in both levels). */
        public boolean user() {
            return (flags & Pte.USER) != 0;
        }

        /** Whether it is writable (R/W in both levels). */
        public boolean writable() {
            return (flags & Pte.WRITABLE) != 0;
        }

        /** One line in the style of Linux's dump, plus the physical target. */
        public String render() {
            return String.format(Locale.ROOT, "0x%08x-0x%08x %6s  %s %s %s %s %s %s %s -> 0x%08x", vaddr, endVaddr(),
                    size(bytes), user() ? "USR" : "   ", writable() ? "RW" : "ro",
                    (flags & Pte.WRITE_THROUGH) != 0 ? "PWT" : "   ", (flags & Pte.CACHE_DISABLE) != 0 ? "PCD" : "   ",
                    large ? "PSE" : "   ", (flags & Pte.GLOBAL) != 0 ? "GLB" : "   ", large ? "pde" : "pte", paddr);
        }
    }

    /** The section headers Linux's dump prints, at their virtual addresses. */
    private static final long[] MARKERS = {0, KernelLayout.KERNEL_BASE, KernelLayout.KERNEL_HEAP_START,
        KernelLayout.KERNEL_DATA_START, KernelLayout.RECURSIVE_TABLES};
    private static final String[] MARKER_NAMES = {"User Space", "Kernel Mapping", "Kernel Heap Area (kmmap)",
        "Kernel Data (page-range bitmaps)", "Recursive Page Tables (0xFFC00000, if PDE 1023 points home)"};

    private PageTableDump() {
    }

    /** The mapped ranges of the address space whose directory is at {@code cr3}, in address order. */
    public static List<Range> ranges(PhysicalMemory memory, long cr3, boolean pse) {
        List<Range> out = new ArrayList<>();
        long directory = cr3 & Pde.TABLE_MASK & 0xFFFF_FFFFL;
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = entry(memory, directory + 4L * pdi);
            if (!Pde.isPresent(pde)) {
                continue;
            }
            long base = (long) pdi << Addresses.LARGE_PAGE_SHIFT;
            if (Pde.isLarge(pde) && pse) {
                add(out, new Range(base, Pde.largePaddr(pde), Addresses.LARGE_PAGE_BYTES, pde & COMPARED_FLAGS, true));
                continue;
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = entry(memory, Pde.tablePaddr(pde) + 4L * pti);
                if (Pte.isPresent(pte)) {
                    int rights = (pde & pte & (Pte.WRITABLE | Pte.USER)) | (pte & COMPARED_FLAGS & ~(Pte.WRITABLE | Pte.USER));
                    add(out, new Range(base + ((long) pti << Addresses.PAGE_SHIFT), Pte.paddr(pte), Addresses.PAGE_BYTES,
                            rights, false));
                }
            }
        }
        return out;
    }

    /** The ranges of the address space the MMU is using now. */
    public static List<Range> ranges(Mmu mmu) {
        return ranges(mmu.memory(), mmu.cr3(), (mmu.cr4() & Mmu.CR4_PSE) != 0);
    }

    /** The dump as text: a header line per section that has ranges (Linux prints them all), one line a range. */
    public static List<String> render(List<Range> ranges) {
        List<String> lines = new ArrayList<>();
        int marker = -1;
        for (Range r : ranges) {
            int m = MARKERS.length - 1;
            while (Long.compareUnsigned(r.vaddr(), MARKERS[m]) < 0) {
                m--;
            }
            if (m != marker) {
                lines.add("---[ " + MARKER_NAMES[m] + " ]---");
                marker = m;
            }
            lines.add(r.render());
        }
        return lines;
    }

    /**
     * The physical addresses of the page directory at {@code cr3} and of every page table it
     * points at (not 4 MiB pages), each once, in address order: what an x86 machine needs to
     * use the same tables.
     */
    public static List<Long> tableFrames(PhysicalMemory memory, long cr3, boolean pse) {
        TreeSet<Long> out = new TreeSet<>();
        long directory = cr3 & Pde.TABLE_MASK & 0xFFFF_FFFFL;
        out.add(directory);
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = entry(memory, directory + 4L * pdi);
            if (Pde.isPresent(pde) && !(Pde.isLarge(pde) && pse)) {
                out.add(Pde.tablePaddr(pde));
            }
        }
        return List.copyOf(out);
    }

    private static void add(List<Range> out, Range next) {
        if (!out.isEmpty()) {
            Range last = out.get(out.size() - 1);
            if (last.endVaddr() == next.vaddr() && last.paddr() + last.bytes() == next.paddr()
                    && last.flags() == next.flags() && last.large() == next.large()) {
                out.set(out.size() - 1, new Range(last.vaddr(), last.paddr(), last.bytes() + next.bytes(), last.flags(),
                        last.large()));
                return;
            }
        }
        out.add(next);
    }

    private static int entry(PhysicalMemory memory, long paddr) {
        return paddr <= memory.sizeBytes() - 4 ? memory.read32(paddr) : -1;
    }

    /** {@code 4K}, {@code 640K}, {@code 4M}, {@code 1G}, as Linux prints sizes. */
    static String size(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >>> 30) + "G";
        }
        if (bytes % (1L << 20) == 0) {
            return (bytes >>> 20) + "M";
        }
        return (bytes >>> 10) + "K";
    }
}
