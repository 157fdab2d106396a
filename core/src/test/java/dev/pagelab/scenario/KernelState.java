package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameSpan;
import dev.pagelab.proc.Process;
import dev.pagelab.proc.Processes;
import dev.pagelab.proc.Region;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The test oracle for {@link ChangeRecorder}: the whole kernel as the scenario runner used to
 * compare it before and after every step — the owner of every frame up to the top of the map,
 * every mapped page of the kernel's own directory read from the tables in RAM through
 * {@link PageTableDump}, the page-table counters and the heap's blocks in use; and with processes,
 * each live process's user half (its present pages from its own directory's dump, its swapped-out
 * pages from the kernel's record of their slots). {@link #since} is the old snapshot diff, which
 * costs the machine's size; it lives here only, to check that the events account exactly for a
 * step. An observer: taking one changes nothing.
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
    /** Each live process's user pages, by {@code pid << 32 | vaddr >>> 12}. */
    private final TreeMap<Long, Changes.PageState> processPages;

    private KernelState(byte[] owners, long[] vaddrs, long[] targets, long tablesAllocated, long tablesFreed,
                        Set<Changes.Block> heapBlocks, TreeMap<Long, Changes.PageState> processPages) {
        this.owners = owners;
        this.vaddrs = vaddrs;
        this.targets = targets;
        this.tablesAllocated = tablesAllocated;
        this.tablesFreed = tablesFreed;
        this.heapBlocks = heapBlocks;
        this.processPages = processPages;
    }

    /** The kernel's state now, without processes. */
    static KernelState of(Kernel kernel) {
        return of(kernel, null);
    }

    /** The kernel's state now, with the processes of {@code processes} (null: none). */
    static KernelState of(Kernel kernel, Processes processes) {
        byte[] owners = new byte[(int) kernel.accounting().topPfn()];
        for (FrameSpan span : kernel.accounting().spans()) {
            Arrays.fill(owners, (int) span.startPfn(), (int) span.endPfn(), (byte) span.owner().ordinal());
        }
        boolean pse = (kernel.mmu().cr4() & Mmu.CR4_PSE) != 0;
        List<PageTableDump.Range> ranges = PageTableDump.ranges(kernel.memory(), kernel.space().directoryPaddr(), pse);
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
        long tablesAllocated = kernel.space().tablesAllocated();
        long tablesFreed = kernel.space().tablesFreed();
        TreeMap<Long, Changes.PageState> processPages = new TreeMap<>();
        if (processes != null) {
            for (Process p : processes.all()) {
                tablesAllocated += p.space().userTablesAllocated();
                tablesFreed += p.space().userTablesFreed();
                if (!p.state().ended()) {
                    userHalf(kernel, p, pse, processPages);
                }
            }
        }
        return new KernelState(owners, vaddrs, targets, tablesAllocated, tablesFreed, new LinkedHashSet<>(blocks),
                processPages);
    }

    /** {@code p}'s present user pages from its directory's dump, and its pages whose copy is only in swap. */
    private static void userHalf(Kernel kernel, Process p, boolean pse, TreeMap<Long, Changes.PageState> out) {
        long key = (long) p.pid() << 32;
        for (PageTableDump.Range r : PageTableDump.ranges(kernel.memory(), p.space().directoryPaddr(), pse)) {
            for (long v = r.vaddr(); v < r.endVaddr() && v < KernelLayout.USER_END; v += Addresses.PAGE_BYTES) {
                out.put(key | v >>> Addresses.PAGE_SHIFT, new Changes.PageState(r.paddr() + (v - r.vaddr()), r.flags(), -1));
            }
        }
        for (Region region : p.regions()) {
            for (long v = region.start(); v < region.end(); v += Addresses.PAGE_BYTES) {
                int slot = p.swapSlotOf(v);
                if (slot >= 0 && !out.containsKey(key | v >>> Addresses.PAGE_SHIFT)) {
                    out.put(key | v >>> Addresses.PAGE_SHIFT, new Changes.PageState(-1, 0, slot));
                }
            }
        }
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
        List<Changes.ProcessPageChange> processChanges = new ArrayList<>();
        java.util.TreeSet<Long> keys = new java.util.TreeSet<>(processPages.keySet());
        keys.addAll(before.processPages.keySet());
        for (long key : keys) {
            Changes.PageState was = before.processPages.getOrDefault(key, Changes.PageState.NONE);
            Changes.PageState is = processPages.getOrDefault(key, Changes.PageState.NONE);
            if (!was.equals(is)) {
                processChanges.add(new Changes.ProcessPageChange((int) (key >>> 32), (key & 0xFFFF_FFFFL)
                        << Addresses.PAGE_SHIFT, was, is));
            }
        }
        return new Changes(frames, pages, processChanges, tablesAllocated - before.tablesAllocated,
                tablesFreed - before.tablesFreed, allocated, freed);
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
