package dev.pagelab.bench;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.Pte;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.vmm.KernelMemory;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The workloads of {@code pagelab bench paging}, on a booted {@link Kernel}: pairs of
 * {@code mapPage} + {@code unmapPage} in the kernel's {@link AddressSpace}, and pairs of
 * {@code kmmap} + {@code kunmap} of 1 to 64 pages in its {@link KernelMemory}. Shared by the
 * macro benchmark ({@link PagingBench}) and the JMH benchmark
 * ({@code dev.pagelab.bench.jmh.PagingBenchmark}); it uses no JMH.
 *
 * <h2>What the constructor takes from the kernel (untimed)</h2>
 * <ol>
 *   <li>A virtual range from the kernel heap area's page-range allocator, {@value #RESERVED_PAGES}
 *       pages ({@value #TABLES} + 1 page tables' worth), so that no kmmap can land in it;
 *       <b>base</b> is its first 4 MiB boundary. On a fresh kernel that is
 *       {@code 0xC1000000}, PDE 772, and the set below lies in PDE 772-779.</li>
 *   <li>{@value #POOL_FRAMES} frames for the pages of the set and {@value #TABLES} for the
 *       anchors, from the frame allocator, once: the allocator is not part of map-unmap.</li>
 *   <li>One page kmmap'd and kept (on a fresh kernel at {@code 0xC3400000}, PDE 781), so that the
 *       page table under the kmmap blocks that follow it stays.</li>
 * </ol>
 *
 * <h2>map-unmap</h2>
 * The set: {@value #SET_PAGES} pages, {@value #PAGES_PER_TABLE} in each of {@value #TABLES}
 * page tables; page {@code i} is at {@code base + (i % 8) * 4 MiB + (i / 8) * 4 KiB} (PTE 0-511
 * of PDE base+0 .. base+7) and maps frame {@code pool[i % 64]}. One pair is
 * <pre>
 *  mapPage(page[i], pool[i % 64], R/W)    // Mapped, or the run stops
 *  unmapPage(page[i])                     // Unmapped (with its INVLPG), or the run stops
 *  i = (i + 1) % 4096</pre>
 * so consecutive pairs use different page tables, and one page of the set at most is mapped at
 * any time (no frame of the pool is ever mapped twice at once).
 * <ul>
 *   <li>{@link Variant#TABLE_KEPT}: an anchor page, PTE 1023 of each of the eight tables, is
 *       mapped throughout, so every table exists: a pair writes one PTE and clears it.</li>
 *   <li>{@link Variant#TABLE_CHURN}: no anchors, so the page of a pair is the only page of its
 *       directory entry: mapPage takes a frame for the page table from the allocator, zeroes it
 *       (4 KiB through the MMU) and writes the PDE; unmapPage clears the PTE, finds the table
 *       empty, clears the PDE and frees the table's frame. One table allocated per pair.</li>
 * </ul>
 *
 * <h2>kmmap-kunmap</h2>
 * One pair of {@code pages} is {@code v = kmmap(pages * 4096)} then {@code kunmap(v)}: a run of
 * pages in the page-range bitmap (first fit: the same run every time, right after the kept page),
 * a frame from the allocator and a mapPage for each page, then the reverse. The page table exists
 * throughout (the kept page), so no table is allocated; the frame allocator is part of it.
 *
 * <h2>Counters</h2>
 * {@link #counters()} reads the MMU's counters, the temporary slot's loads and the tables the
 * address space allocated, so a caller can tell what a block did per pair.
 * {@link #release()} gives everything back: the kernel then has the free frames, mappings and
 * page-range blocks it had before the constructor.
 *
 * <p>Not thread-safe.
 */
public final class PagingWorkload {
    /** The machine unless told otherwise. */
    public static final String DEFAULT_MACHINE = "qemu-pc-128M";
    /** Page tables the set of map-unmap spans. */
    public static final int TABLES = 8;
    /** Pages of the set in each table: PTE 0 to 511. */
    public static final int PAGES_PER_TABLE = 512;
    /** Pages in the set: 4096. */
    public static final int SET_PAGES = TABLES * PAGES_PER_TABLE;
    /** The page-table entry of the anchor page in each table of the set. */
    public static final int ANCHOR_PTE = Addresses.ENTRIES_PER_TABLE - 1;
    /** Frames mapped by the set's pages, in turn. */
    public static final int POOL_FRAMES = 64;
    /** Pages taken from the kernel heap area's page-range allocator: nine tables' worth, for the alignment. */
    public static final int RESERVED_PAGES = (TABLES + 1) * Addresses.ENTRIES_PER_TABLE;
    /** The kmmap sizes, in pages. */
    public static final List<Integer> KMMAP_PAGES = List.of(1, 2, 4, 8, 16, 32, 64);

    /** Whether the set's page tables stay or come and go with every pair. */
    public enum Variant {
        /** An anchor page in each table is mapped throughout: no table is allocated or freed. */
        TABLE_KEPT("table-kept"),
        /** No anchors: every pair allocates, zeroes and frees a page table. */
        TABLE_CHURN("table-churn");

        private final String id;

        Variant(String id) {
            this.id = id;
        }

        /** The name on the command line, in reports and in JMH's parameters. */
        public String id() {
            return id;
        }

        /**
         * The variant called {@code id}.
         *
         * @throws IllegalArgumentException naming the known ones
         */
        public static Variant byId(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown variant '" + id + "' (expected table-kept or table-churn)");
        }
    }

    /**
     * Counts that rise as the workload runs.
     *
     * @param translations    MMU translations (every read or write of a table entry, the bitmap, ...)
     * @param walks           page walks the MMU made (TLB misses and re-walks)
     * @param invlpgs         INVLPG instructions
     * @param slotLoads       frames loaded into the temporary slot (temporary-mapping only)
     * @param tablesAllocated page tables the address space allocated
     */
    public record Counters(long translations, long walks, long invlpgs, long slotLoads, long tablesAllocated) {
        /** What happened between {@code earlier} and this. */
        public Counters minus(Counters earlier) {
            return new Counters(translations - earlier.translations, walks - earlier.walks,
                    invlpgs - earlier.invlpgs, slotLoads - earlier.slotLoads,
                    tablesAllocated - earlier.tablesAllocated);
        }
    }

    private final Kernel kernel;
    private final AddressSpace space;
    private final KernelMemory vm;
    private final long reservedVaddr;
    private final long baseVaddr;
    private final long[] vaddrs = new long[SET_PAGES];
    private final long[] pfns = new long[SET_PAGES];
    private final long[] poolPfns = new long[POOL_FRAMES];
    private final long[] anchorPfns = new long[TABLES];
    private final long kmmapAnchorVaddr;
    private Variant variant = Variant.TABLE_CHURN;
    private int next;
    private boolean released;

    /**
     * Takes the virtual range, the frames and the kept kmmap page from {@code kernel} (see the
     * class comment). The variant is {@link Variant#TABLE_CHURN} until {@link #setVariant}.
     *
     * @throws IllegalArgumentException when the kernel's allocator cannot free (every kunmap would leak)
     * @throws IllegalStateException    when the kernel has no room for them; nothing is kept then
     */
    public PagingWorkload(Kernel kernel) {
        FrameAllocator allocator = kernel.allocator();
        if (!allocator.canFree()) {
            throw new IllegalArgumentException("bench paging: frame allocator " + allocator.name()
                    + " cannot free: unmapPage would keep every page table and kunmap would leak every frame");
        }
        this.kernel = kernel;
        this.space = kernel.space();
        this.vm = kernel.vm();
        PageRangeAllocator pages = vm.kernelPages();
        this.reservedVaddr = pages.allocPages(RESERVED_PAGES);
        if (reservedVaddr == PageRangeAllocator.NO_PAGES) {
            throw new IllegalStateException("bench paging: no run of " + RESERVED_PAGES + " free pages in the "
                    + pages.name());
        }
        this.baseVaddr = (reservedVaddr + Addresses.LARGE_PAGE_OFFSET_MASK) & ~Addresses.LARGE_PAGE_OFFSET_MASK;
        Arrays.fill(poolPfns, FrameAllocator.NO_FRAME);
        Arrays.fill(anchorPfns, FrameAllocator.NO_FRAME);
        try {
            takeFrames(poolPfns);
            takeFrames(anchorPfns);
        } catch (IllegalStateException e) {
            freeFrames();
            pages.freePages(reservedVaddr);
            throw e;
        }
        for (int i = 0; i < SET_PAGES; i++) {
            vaddrs[i] = pageVaddr(i);
            pfns[i] = poolPfns[i % POOL_FRAMES];
        }
        this.kmmapAnchorVaddr = vm.kmmap(Addresses.PAGE_BYTES);
        if (kmmapAnchorVaddr == KernelMemory.FAILED) {
            freeFrames();
            pages.freePages(reservedVaddr);
            throw new IllegalStateException("bench paging: kmmap of the kept page failed: " + vm.lastFailure());
        }
    }

    /** The virtual address of page {@code i} of the set. */
    public long pageVaddr(int i) {
        return baseVaddr + ((long) (i % TABLES) << Addresses.LARGE_PAGE_SHIFT)
                + ((long) (i / TABLES) << Addresses.PAGE_SHIFT);
    }

    /** The virtual address of the anchor page of table {@code t} of the set. */
    public long anchorVaddr(int t) {
        return baseVaddr + ((long) t << Addresses.LARGE_PAGE_SHIFT) + ((long) ANCHOR_PTE << Addresses.PAGE_SHIFT);
    }

    /** The first page of the set: the start of its first page table's 4 MiB. */
    public long baseVaddr() {
        return baseVaddr;
    }

    /** The kmmap'd page kept throughout. */
    public long kmmapAnchorVaddr() {
        return kmmapAnchorVaddr;
    }

    /** The kernel worked on. */
    public Kernel kernel() {
        return kernel;
    }

    /** The variant {@link #mapUnmap} runs. */
    public Variant variant() {
        return variant;
    }

    /** Maps the anchor pages (kept) or unmaps them (churn); untimed, outside {@link #mapUnmap}. */
    public void setVariant(Variant wanted) {
        checkNotReleased();
        if (wanted == variant) {
            return;
        }
        for (int t = 0; t < TABLES; t++) {
            long vaddr = anchorVaddr(t);
            if (wanted == Variant.TABLE_KEPT) {
                MapResult r = space.mapPage(vaddr, anchorPfns[t], Pte.WRITABLE);
                if (!r.mapped()) {
                    for (int mapped = 0; mapped < t; mapped++) {
                        space.unmapPage(anchorVaddr(mapped));
                    }
                    throw new IllegalStateException("bench paging: cannot map the anchor page " + Addresses.hex(vaddr)
                            + ": " + r);
                }
            } else if (!(space.unmapPage(vaddr) instanceof UnmapResult.Unmapped)) {
                throw new AssertionError("bench paging: the anchor page " + Addresses.hex(vaddr) + " was not mapped");
            }
        }
        variant = wanted;
    }

    /**
     * {@code pairs} pairs of mapPage + unmapPage, continuing in the set where the last call stopped.
     *
     * @return the sum of the frames unmapped, for a caller (JMH) to consume
     * @throws IllegalStateException when a map or an unmap does not succeed (out of frames for a table)
     */
    public long mapUnmap(long pairs) {
        checkNotReleased();
        final AddressSpace space = this.space;
        final long[] vaddrs = this.vaddrs;
        final long[] pfns = this.pfns;
        int i = next;
        long sum = 0;
        for (long p = 0; p < pairs; p++) {
            long vaddr = vaddrs[i];
            MapResult mapped = space.mapPage(vaddr, pfns[i], Pte.WRITABLE);
            if (!mapped.mapped()) {
                next = i;
                throw new IllegalStateException("map-unmap: " + mapped);
            }
            if (!(space.unmapPage(vaddr) instanceof UnmapResult.Unmapped unmapped)) {
                next = i;
                throw new AssertionError("map-unmap: " + Addresses.hex(vaddr) + " was mapped and is not any more");
            }
            sum += unmapped.pfn();
            i = (i + 1) & (SET_PAGES - 1);
        }
        next = i;
        return sum;
    }

    /**
     * {@code pairs} pairs of kmmap({@code pages} * 4096) + kunmap.
     *
     * @return the sum of the addresses kmmap returned, for a caller (JMH) to consume
     * @throws IllegalArgumentException when {@code pages} is not 1 to 64
     * @throws IllegalStateException    when a kmmap fails
     */
    public long kmmapKunmap(int pages, long pairs) {
        checkNotReleased();
        checkKmmapPages(pages);
        final KernelMemory vm = this.vm;
        final long bytes = (long) pages << Addresses.PAGE_SHIFT;
        long sum = 0;
        for (long p = 0; p < pairs; p++) {
            long vaddr = vm.kmmap(bytes);
            if (vaddr == KernelMemory.FAILED) {
                throw new IllegalStateException("kmmap-kunmap: kmmap of " + pages + " pages failed: " + vm.lastFailure());
            }
            vm.kunmap(vaddr);
            sum += vaddr;
        }
        return sum;
    }

    /** The counts now; subtract two readings with {@link Counters#minus}. */
    public Counters counters() {
        MmuStats s = kernel.mmu().stats();
        return new Counters(s.accesses(), s.walks(), s.invlpgs(), space.temporarySlotMappings(),
                space.tablesAllocated());
    }

    /**
     * Checks that a map-unmap block of {@code pairs} did what {@link #variant()} promises: one page
     * table allocated per pair for churn, none for kept.
     *
     * @throws AssertionError with the counts otherwise (something else maps in the set's tables)
     */
    public void checkTables(long pairs, Counters block) {
        long expected = variant == Variant.TABLE_CHURN ? pairs : 0;
        if (block.tablesAllocated() != expected) {
            throw new AssertionError(String.format(Locale.ROOT, "map-unmap, %s: %,d page tables allocated in %,d pairs,"
                    + " expected %,d", variant.id(), block.tablesAllocated(), pairs, expected));
        }
    }

    /**
     * Gives back everything the constructor and {@link #setVariant} took: anchors unmapped, the
     * kept kmmap page, the frames, the virtual range. Later calls do nothing.
     */
    public void release() {
        if (released) {
            return;
        }
        setVariant(Variant.TABLE_CHURN);
        vm.kunmap(kmmapAnchorVaddr);
        freeFrames();
        vm.kernelPages().freePages(reservedVaddr);
        released = true;
    }

    /** @throws IllegalArgumentException unless {@code pages} is 1 to 64, the range of {@link #KMMAP_PAGES} */
    public static void checkKmmapPages(int pages) {
        if (pages < 1 || pages > KMMAP_PAGES.get(KMMAP_PAGES.size() - 1)) {
            throw new IllegalArgumentException("kmmap size of " + pages + " pages must be 1 to "
                    + KMMAP_PAGES.get(KMMAP_PAGES.size() - 1));
        }
    }

    private void takeFrames(long[] into) {
        for (int k = 0; k < into.length; k++) {
            into[k] = kernel.frames().allocate(FrameOwner.KERNEL_DATA);
            if (into[k] == FrameAllocator.NO_FRAME) {
                throw new IllegalStateException("bench paging: no free frame left for the workload's "
                        + (POOL_FRAMES + TABLES) + " frames");
            }
        }
    }

    private void freeFrames() {
        for (long[] taken : new long[][] {poolPfns, anchorPfns}) {
            for (int k = 0; k < taken.length; k++) {
                if (taken[k] != FrameAllocator.NO_FRAME) {
                    kernel.frames().free(taken[k]);
                    taken[k] = FrameAllocator.NO_FRAME;
                }
            }
        }
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException("bench paging: the workload was released");
        }
    }
}
