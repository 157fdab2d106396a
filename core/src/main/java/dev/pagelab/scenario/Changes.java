package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one step changed in the kernel: the frames whose owner changed, the virtual pages whose
 * mapping changed, the page tables made and freed, the heap blocks handed out and given back.
 * Worked out from the kernel's events during the step (see {@code ChangeRecorder}), each frame,
 * entry and block compared as it was before the step and after it, so it shows what happened,
 * not what was meant to, at the cost of what the step did.
 *
 * @param frames        frames whose owner changed, in frame order
 * @param pages         pages of the kernel's own address space whose mapping changed, in address order
 * @param processPages  user pages of processes whose entries say something else now (mapped, to or
 *                      from swap, unmapped), by process and address
 * @param tablesMade    page tables allocated during the step (the processes' included)
 * @param tablesFreed   page tables freed during the step
 * @param heapAllocated heap blocks in use after the step and not before
 * @param heapFreed     heap blocks in use before the step and not after
 */
public record Changes(List<FrameChange> frames, List<PageChange> pages, List<ProcessPageChange> processPages,
                      long tablesMade, long tablesFreed, List<Block> heapAllocated, List<Block> heapFreed) {
    /** No change at all. */
    public static final Changes NONE = new Changes(List.of(), List.of(), List.of(), 0, 0, List.of(), List.of());

    public Changes {
        frames = List.copyOf(frames);
        pages = List.copyOf(pages);
        processPages = List.copyOf(processPages);
        heapAllocated = List.copyOf(heapAllocated);
        heapFreed = List.copyOf(heapFreed);
    }

    /** Frame {@code pfn} went from {@code before} to {@code after}. */
    public record FrameChange(long pfn, FrameOwner before, FrameOwner after) {
    }

    /**
     * The mapping of the page at {@code vaddr} changed.
     *
     * @param paddrBefore the physical page it mapped, or -1 when it was not mapped
     * @param paddrAfter  the physical page it maps now, or -1 when it is not mapped
     * @param flagsBefore the rights it had (R/W, U/S, PWT, PCD, G bits), 0 when not mapped
     * @param flagsAfter  the rights it has now
     */
    public record PageChange(long vaddr, long paddrBefore, long paddrAfter, int flagsBefore, int flagsAfter) {
        /** Whether the page became mapped. */
        public boolean mapped() {
            return paddrBefore < 0;
        }

        /** Whether the page stopped being mapped. */
        public boolean unmapped() {
            return paddrAfter < 0;
        }
    }

    /**
     * What a process's user page is, as its page-table entry says: in a frame with rights, in a
     * swap slot (pagelab's swap entry, P = 0), or nothing.
     *
     * @param paddr the physical page, or -1 when not present
     * @param flags the rights when present (R/W, U/S, PWT, PCD, G), else 0
     * @param slot  the swap slot a not-present entry names, or -1
     */
    public record PageState(long paddr, int flags, int slot) {
        /** Not present, no swap entry. */
        public static final PageState NONE = new PageState(-1, 0, -1);

        /** Whether the page is in a frame. */
        public boolean present() {
            return paddr >= 0;
        }

        /** Whether the entry is a swap entry. */
        public boolean swapped() {
            return slot >= 0;
        }

        @Override
        public String toString() {
            return present() ? Addresses.hex(paddr) + rights(flags) : swapped() ? "swap slot " + slot : "nothing";
        }
    }

    /** User page {@code vaddr} of process {@code pid} (0: a directory of no process) went from {@code before} to {@code after}. */
    public record ProcessPageChange(int pid, long vaddr, PageState before, PageState after) {
        /** Whether the page came into a frame. */
        public boolean loaded() {
            return !before.present() && after.present();
        }

        /** Whether the page left its frame. */
        public boolean evicted() {
            return before.present() && !after.present();
        }

        /** {@code 0x00001000 nothing -> 0x00345000 RW USR}. */
        String text() {
            return Addresses.hex(vaddr) + " " + before + " -> " + after;
        }
    }

    /** A heap block: the address of its user data and its size. */
    public record Block(long vaddr, long bytes) {
    }

    /**
     * Whether the step left frames, mappings and heap as they were. Tables made and freed again do
     * not count, nor do the recursive strategy's windows onto another directory (the pages under
     * PDE 1022 and the alternate directory's page at 0xFFFFE000): the kernel points its alternate
     * entry at whichever directory it reaches last, a call that fails included, and leaves it, as a
     * cache is left.
     */
    public boolean unchanged() {
        return frames.isEmpty() && pages.stream().allMatch(p -> isAlternateWindow(p.vaddr())) && processPages.isEmpty()
                && heapAllocated.isEmpty() && heapFreed.isEmpty();
    }

    private static boolean isAlternateWindow(long vaddr) {
        return vaddr >= KernelLayout.ALTERNATE_TABLES && vaddr < KernelLayout.RECURSIVE_TABLES
                || vaddr == KernelLayout.ALTERNATE_DIRECTORY;
    }

    /** Frames that went from free to held. */
    public long framesTaken() {
        return frames.stream().filter(f -> f.before() == FrameOwner.FREE).count();
    }

    /** Frames that went back to free. */
    public long framesFreed() {
        return frames.stream().filter(f -> f.after() == FrameOwner.FREE).count();
    }

    /** Pages that became mapped. */
    public long pagesMapped() {
        return pages.stream().filter(PageChange::mapped).count();
    }

    /** Pages that stopped being mapped. */
    public long pagesUnmapped() {
        return pages.stream().filter(PageChange::unmapped).count();
    }

    /**
     * One line for people: {@code frames +1 page table (0x00000244), +1 allocated (0x00000243);
     * pages +1 (0x00400000 -> 0x00243000 RW USR); page tables +1}, or {@code nothing changed}
     * when frames, mappings and heap are as they were: a step that made page tables and freed
     * them again (a kmmap that failed half way and undid itself) changed nothing.
     */
    public String summary() {
        if (frames.isEmpty() && pages.isEmpty() && processPages.isEmpty() && heapAllocated.isEmpty()
                && heapFreed.isEmpty()) {
            return "nothing changed";
        }
        List<String> parts = new ArrayList<>();
        if (!frames.isEmpty()) {
            parts.add("frames " + frameSummary());
        }
        if (!pages.isEmpty()) {
            parts.add("pages " + pageSummary());
        }
        parts.addAll(processPageSummary());
        if (tablesMade > 0 || tablesFreed > 0) {
            parts.add("page tables" + (tablesMade > 0 ? " +" + tablesMade : "") + (tablesFreed > 0 ? " -" + tablesFreed : ""));
        }
        if (!heapAllocated.isEmpty()) {
            parts.add("heap +" + blocks(heapAllocated));
        }
        if (!heapFreed.isEmpty()) {
            parts.add("heap -" + blocks(heapFreed));
        }
        return parts.isEmpty() ? "nothing changed" : String.join("; ", parts);
    }

    private String frameSummary() {
        Map<String, List<Long>> groups = new LinkedHashMap<>();
        for (FrameChange f : frames) {
            String how;
            if (f.before() == FrameOwner.FREE) {
                how = "+%d " + f.after().label();
            } else if (f.after() == FrameOwner.FREE) {
                how = "-%d " + f.before().label();
            } else {
                how = "%d " + f.before().label() + " -> " + f.after().label();
            }
            groups.computeIfAbsent(how, k -> new ArrayList<>()).add(f.pfn());
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<Long>> g : groups.entrySet()) {
            out.add(String.format(Locale.ROOT, g.getKey(), g.getValue().size()) + " (" + runs(g.getValue()) + ")");
        }
        return String.join(", ", out);
    }

    private String pageSummary() {
        List<String> out = new ArrayList<>();
        List<PageChange> mapped = pages.stream().filter(PageChange::mapped).toList();
        List<PageChange> unmapped = pages.stream().filter(PageChange::unmapped).toList();
        List<PageChange> changed = pages.stream().filter(p -> !p.mapped() && !p.unmapped()).toList();
        if (!mapped.isEmpty()) {
            out.add("+" + mapped.size() + " (" + (mapped.size() <= 2 ? String.join(", ", mapped.stream()
                    .map(p -> Addresses.hex(p.vaddr()) + " -> " + Addresses.hex(p.paddrAfter()) + rights(p.flagsAfter()))
                    .toList()) : span(mapped)) + ")");
        }
        if (!unmapped.isEmpty()) {
            out.add("-" + unmapped.size() + " (" + (unmapped.size() <= 2 ? String.join(", ", unmapped.stream()
                    .map(p -> Addresses.hex(p.vaddr())).toList()) : span(unmapped)) + ")");
        }
        for (PageChange p : changed) {
            out.add(Addresses.hex(p.vaddr()) + (p.paddrBefore() != p.paddrAfter()
                    ? " remapped " + Addresses.hex(p.paddrBefore()) + " -> " + Addresses.hex(p.paddrAfter())
                    : " rights" + rights(p.flagsBefore()) + " ->" + rights(p.flagsAfter())));
        }
        return String.join(", ", out);
    }

    /**
     * {@code process 1 pages 0x00001000 nothing -> 0x00345000 RW USR}, one part a process; past
     * four pages, counts: {@code process 2 pages +3 loaded, -5 evicted, 1 other}.
     */
    private List<String> processPageSummary() {
        Map<Integer, List<ProcessPageChange>> byPid = new LinkedHashMap<>();
        for (ProcessPageChange c : processPages) {
            byPid.computeIfAbsent(c.pid(), k -> new ArrayList<>()).add(c);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, List<ProcessPageChange>> e : byPid.entrySet()) {
            List<ProcessPageChange> changes = e.getValue();
            String what;
            if (changes.size() <= 4) {
                what = String.join(", ", changes.stream().map(ProcessPageChange::text).toList());
            } else {
                long loaded = changes.stream().filter(ProcessPageChange::loaded).count();
                long evicted = changes.stream().filter(ProcessPageChange::evicted).count();
                long other = changes.size() - loaded - evicted;
                what = "+" + loaded + " loaded, -" + evicted + " evicted" + (other > 0 ? ", " + other + " other" : "");
            }
            out.add("process " + e.getKey() + " pages " + what);
        }
        return out;
    }

    private static String span(List<PageChange> pages) {
        return Addresses.hex(pages.get(0).vaddr()) + "-" + Addresses.hex(pages.get(pages.size() - 1).vaddr()
                + Addresses.PAGE_BYTES - 1);
    }

    private static String rights(int flags) {
        return ((flags & Pte.WRITABLE) != 0 ? " RW" : " ro") + ((flags & Pte.USER) != 0
                ? " USR" : "");
    }

    private static String blocks(List<Block> blocks) {
        if (blocks.size() > 3) {
            return blocks.size() + " blocks (" + blocks.stream().mapToLong(Block::bytes).sum() + " bytes)";
        }
        return blocks.size() + (blocks.size() == 1 ? " block (" : " blocks (") + String.join(", ", blocks.stream()
                .map(b -> Addresses.hex(b.vaddr()) + ", " + b.bytes() + " bytes").toList()) + ")";
    }

    /** Past this many runs, a group of frames is shown as its span and the number of runs. */
    static final int RUNS_SHOWN = 3;

    /**
     * {@code 0x00000245-0x00000248, 0x0000024A}: consecutive frames (in frame order) as runs; more
     * than {@link #RUNS_SHOWN} runs as the span they lie in, {@code 0x00000241-0x000002A4 in 7
     * runs}, so that a spawn's 48 bitmap frames, scattered by a fragmented allocator, stay one
     * short part of the line (the event log lists every frame).
     */
    static String runs(List<Long> pfns) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= pfns.size(); i++) {
            if (i == pfns.size() || pfns.get(i) != pfns.get(i - 1) + 1) {
                out.add(Addresses.hex(pfns.get(start)) + (i - 1 > start ? "-" + Addresses.hex(pfns.get(i - 1)) : ""));
                start = i;
            }
        }
        if (out.size() > RUNS_SHOWN) {
            return Addresses.hex(pfns.get(0)) + "-" + Addresses.hex(pfns.get(pfns.size() - 1)) + " in " + out.size()
                    + " runs";
        }
        return String.join(", ", out);
    }
}
