package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text a snapshot and the final report show, from read-only views of the kernel. */
final class Views {
    private static final int BITMAP_PAGES_A_LINE = 16;

    private Views() {
    }

    /** Frames by owner, those held only, with the allocator's free count first. */
    static List<String> frames(Map<FrameOwner, Long> byOwner, String allocator, long free, long total) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "frames (4 KiB): %,d of %,d free in the %s allocator; by owner:", free,
                total, allocator));
        for (Map.Entry<FrameOwner, Long> e : byOwner.entrySet()) {
            if (e.getValue() > 0 && e.getKey() != FrameOwner.NOT_IN_MAP) {
                lines.add(String.format(Locale.ROOT, "  %-18s %,9d", e.getKey().label(), e.getValue()));
            }
        }
        return lines;
    }

    /** Seed 004's picture of {@code pages} pages from {@code fromVaddr}, 16 a line. */
    static List<String> bitmap(PageRangeAllocator area, long fromVaddr, int pages) {
        long from = Addresses.alignDown(fromVaddr);
        int shown = (int) Math.min(pages, (area.areaEndVaddr() - from) >>> Addresses.PAGE_SHIFT);
        List<String> lines = new ArrayList<>();
        lines.add("pagesBitmap of the " + area.name() + " from " + Addresses.hex(from)
                + " (00 free, 01 first, 10 middle, 11 last); " + area.usedPageCount() + " pages in use:");
        for (int i = 0; i < shown; i += BITMAP_PAGES_A_LINE) {
            long at = from + ((long) i << Addresses.PAGE_SHIFT);
            lines.add("  " + Addresses.hex(at) + "  " + area.render(at, Math.min(BITMAP_PAGES_A_LINE, shown - i)));
        }
        return lines;
    }

    /** The MMU's counters and the TLB's occupancy. */
    static List<String> mmu(MmuStats s, TlbConfig tlb, int tlbEntries, long slotMappings) {
        return List.of(
                String.format(Locale.ROOT, "MMU: %,d accesses, %,d TLB hits, %,d misses, %,d re-walks, %,d walks,"
                        + " %,d page faults", s.accesses(), s.tlbHits(), s.tlbMisses(), s.tlbRewalks(), s.walks(),
                        s.faults()),
                String.format(Locale.ROOT, "  %,d A and %,d D bits set, %,d INVLPG, %,d TLB flushes; TLB %s holds %d"
                        + " entries; temporary slot loaded %,d times", s.accessedBitsSet(), s.dirtyBitsSet(),
                        s.invlpgs(), s.tlbFlushes(), tlb.enabled() ? "(" + tlb.entries() + " entries, " + tlb.ways()
                        + "-way)" : "(off)", tlbEntries, slotMappings));
    }
}
