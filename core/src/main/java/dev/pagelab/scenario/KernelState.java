package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the runner compares before and after a step: every mapped page (read from the tables in
 * RAM, as a debugger would: no A bit, no TLB fill), the page-table counters, and the heap's
 * blocks in use; the frames whose owner changed come from the accounting's journal, which costs
 * what the step changed, not a look at every frame. An observer: taking one changes nothing.
 */
final class KernelState {
    private static final FrameOwner[] OWNERS = FrameOwner.values();
    /** Marks a page mapped by a 4 MiB entry in {@link #targets}; bit 0 is free since P is implied. */
    private static final long LARGE = 1;

    /** Mapped pages: virtual page addresses in increasing order, and their physical page | rights. */
    private final long[] vaddrs;
    private final long[] targets;
    private final long tablesAllocated;
    private final long tablesFreed;
    private final Set<Changes.Block> heapBlocks;

    private KernelState(long[] vaddrs, long[] targets, long tablesAllocated, long tablesFreed,
                        Set<Changes.Block> heapBlocks) {
        this.vaddrs = vaddrs;
        this.targets = targets;
        this.tablesAllocated = tablesAllocated;
        this.tablesFreed = tablesFreed;
        this.heapBlocks = heapBlocks;
    }

    /** The kernel's state now; {@code heapBlocks} are the heap's blocks in use (empty before the heap is used). */
    static KernelState of(Kernel kernel, List<Changes.Block> heapBlocks) {
        List<PageTableDump.Range> ranges = PageTableDump.ranges(kernel.mmu());
        int pages = 0;
        for (PageTableDump.Range r : ranges) {
            pages += (int) (r.bytes() >>> Addresses.PAGE_SHIFT);
        }
        long[] vaddrs = new long[pages];
        long[] targets = new long[pages];
        int i = 0;
        for (PageTableDump.Range r : ranges) {
            for (long off = 0; off < r.bytes(); off += Addresses.PAGE_BYTES, i++) {
                vaddrs[i] = r.vaddr() + off;
                targets[i] = (r.paddr() + off) | r.flags() | (r.large() ? LARGE : 0);
            }
        }
        return new KernelState(vaddrs, targets, kernel.space().tablesAllocated(), kernel.space().tablesFreed(),
                new LinkedHashSet<>(heapBlocks));
    }

    /**
     * What changed from {@code before} to this; {@code ownerChanges} are the accounting journal's
     * {@code [pfn, owner ordinal before]} pairs, in frame order.
     */
    Changes since(KernelState before, List<long[]> ownerChanges, FrameAccounting accounting) {
        List<Changes.FrameChange> frames = new ArrayList<>(ownerChanges.size());
        for (long[] change : ownerChanges) {
            frames.add(new Changes.FrameChange(change[0], OWNERS[(int) change[1]], accounting.ownerOf(change[0])));
        }
        List<Changes.PageChange> pages = new ArrayList<>();
        int a = 0;
        int b = 0;
        while (a < before.vaddrs.length || b < vaddrs.length) {
            long va = a < before.vaddrs.length ? before.vaddrs[a] : Long.MAX_VALUE;
            long vb = b < vaddrs.length ? vaddrs[b] : Long.MAX_VALUE;
            if (va < vb) {
                pages.add(change(va, before.targets[a++], -1));
            } else if (vb < va) {
                pages.add(change(vb, -1, targets[b++]));
            } else {
                if (before.targets[a] != targets[b]) {
                    pages.add(change(va, before.targets[a], targets[b]));
                }
                a++;
                b++;
            }
        }
        List<Changes.Block> allocated = heapBlocks.stream().filter(x -> !before.heapBlocks.contains(x)).toList();
        List<Changes.Block> freed = before.heapBlocks.stream().filter(x -> !heapBlocks.contains(x)).toList();
        return new Changes(frames, pages, tablesAllocated - before.tablesAllocated, tablesFreed - before.tablesFreed,
                allocated, freed);
    }

    private static Changes.PageChange change(long vaddr, long before, long after) {
        return new Changes.PageChange(vaddr, page(before), page(after), rights(before), rights(after));
    }

    private static long page(long target) {
        return target < 0 ? -1 : target & ~Addresses.PAGE_OFFSET_MASK;
    }

    private static int rights(long target) {
        return target < 0 ? 0 : (int) (target & Addresses.PAGE_OFFSET_MASK & ~LARGE);
    }
}
