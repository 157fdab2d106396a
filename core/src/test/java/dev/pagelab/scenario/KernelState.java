package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The test oracle for {@link ChangeRecorder}: the whole kernel as the scenario runner used to
 * compare it before and after every step — the owner of every frame up to the top of the map,
 * every mapped page read from the tables in RAM through {@link PageTableDump}, the page-table
 * counters and the heap's blocks in use. {@link #since} is the old snapshot diff, which costs the
 * machine's size; it lives here only, to check that the events account exactly for a step.
 * An observer: taking one changes nothing.
 */
final class KernelState {
    /** Marks a page mapped by a 4 MiB entry in {@link #targets}; bit 0 is free since P is implied. */
    private static final long LARGE = 1;

    private static final FrameOwner[] OWNERS = FrameOwner.values();

    /** The owner of every frame up to the top of the map, by ordinal. */
    private final byte[] owners;
    /** Mapped pages: virtual page addresses in increasing order, and their physical page | rights. */
    private final long[] vaddrs;
    private final long[] targets;
    private final long tablesAllocated;
    private final long tablesFreed;
    private final Set<Changes.Block> heapBlocks;

    private KernelState(byte[] owners, long[] vaddrs, long[] targets, long tablesAllocated, long tablesFreed,
                        Set<Changes.Block> heapBlocks) {
        this.owners = owners;
        this.vaddrs = vaddrs;
        this.targets = targets;
        this.tablesAllocated = tablesAllocated;
        this.tablesFreed = tablesFreed;
        this.heapBlocks = heapBlocks;
    }

    /** The kernel's state now. */
    static KernelState of(Kernel kernel) {
        byte[] owners = new byte[(int) kernel.accounting().topPfn()];
        for (FrameSpan span : kernel.accounting().spans()) {
            Arrays.fill(owners, (int) span.startPfn(), (int) span.endPfn(), (byte) span.owner().ordinal());
        }
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
        List<Changes.Block> blocks = kernel.mmu().observe(() -> kernel.heap().blocks()).stream()
                .filter(b -> !b.free()).map(b -> new Changes.Block(b.vaddr(), b.requested())).toList();
        return new KernelState(owners, vaddrs, targets, kernel.space().tablesAllocated(), kernel.space().tablesFreed(),
                new LinkedHashSet<>(blocks));
    }

    /** What changed from {@code before} to this, compared whole. */
    Changes since(KernelState before) {
        List<Changes.FrameChange> frames = new ArrayList<>();
        for (int pfn = 0; pfn < owners.length; pfn++) {
            if (owners[pfn] != before.owners[pfn]) {
                frames.add(new Changes.FrameChange(pfn, OWNERS[before.owners[pfn]], OWNERS[owners[pfn]]));
            }
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
