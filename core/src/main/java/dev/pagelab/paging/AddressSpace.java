package dev.pagelab.paging;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One page directory and its page tables, as the kernel edits them: the seeds' {@code mapPage},
 * {@code unmapPage} and {@code getFrameAddr}, plus flag changes and 4 MiB pages.
 *
 * <p>Every entry is read and written through the {@link Mmu} at CPL 0, at the virtual address
 * the kernel's {@link TableAccessStrategy} gives for the table (before paging is on, at its
 * physical address). Nothing here reads physical memory behind the MMU's back, except
 * {@link #checkInvariants()}.
 *
 * <h2>mapPage(vaddr, pfn, flags)</h2>
 * <ol>
 *   <li>Read the directory entry {@code vaddr[31:22]}. A 4 MiB page there: already mapped.</li>
 *   <li>No table: take a frame for one ({@link FrameOwner#PAGE_TABLE}), zero it, point the
 *       entry at it with P, R/W, and U/S for the user half (the table's entries decide the
 *       rights). No frame left: {@link MapResult.OutOfFrames}, nothing changed.</li>
 *   <li>Open the table, read entry {@code vaddr[21:12]}: present means already mapped; else
 *       write {@code pfn << 12 | flags | P}.</li>
 * </ol>
 * A not-present entry is never cached by the TLB, so a new mapping needs no INVLPG.
 *
 * <h2>unmapPage(vaddr)</h2>
 * Clear the entry, INVLPG {@code vaddr} (the TLB may hold the old translation), and when the
 * table has no present entry left, clear the directory entry and give the table's frame back.
 * The mapped frame is returned to the caller, who decides whether to free it.
 *
 * <h2>TLB</h2>
 * Every change to a present entry is followed by an INVLPG of the page, inside this class:
 * callers cannot forget it. {@link #setSkipInvlpg} turns that off, for the lesson of what a
 * forgotten INVLPG does, and for nothing else.
 *
 * <h2>Failure</h2>
 * Expected outcomes are results ({@link MapResult}, {@link UnmapResult}, {@link FlagsResult}).
 * Misuse — an address that is not page aligned or not 32-bit, flags outside bits 11:0, a frame
 * the allocator has free, a page reserved for the kernel's own windows — is an
 * {@link IllegalArgumentException} naming the operation and the values, and changes nothing.
 * Not thread-safe.
 */
public final class AddressSpace {
    /** Returned by {@link #getFrameAddr} when nothing is mapped. */
    public static final long NOT_MAPPED = -1;

    private static final byte[] ZERO_PAGE = new byte[Addresses.PAGE_BYTES];
    private static final int PTE_FLAG_BITS = Pte.FLAGS_MASK;
    private static final int LARGE_FLAG_BITS = 0x1FFF & ~Pde.PAGE_SIZE;

    private final Mmu mmu;
    private final AccountedFrames frames;
    private final long directoryPaddr;
    private final long tableLimitPfn;
    private TableAccess access;

    /** Page-table frame of each directory entry this space made, or -1 (large pages, empty, the recursive entry). */
    private final long[] tablePfns = new long[Addresses.ENTRIES_PER_TABLE];
    /** Present entries of each of those tables: the table is freed when this drops to 0. */
    private final int[] presentEntries = new int[Addresses.ENTRIES_PER_TABLE];

    /**
     * The kernel's linear map, {@code [KERNEL_BASE, linearMapEnd)}: the boot mapped physical
     * memory there as it is (the kernel image; with direct-map, all of low memory; with 4 MiB
     * pages, whole 4 MiB blocks), so its entries point at frames whoever holds them, free ones
     * included. The invariant that mapped frames are held does not apply there.
     */
    private long linearMapEnd = KernelLayout.KERNEL_BASE;

    private boolean skipInvlpg;
    private final EventSink events;
    private long mappedPages;
    private long largePages;
    private long tablesAllocated;
    private long tablesFreed;

    AddressSpace(Mmu mmu, AccountedFrames frames, long directoryPaddr, long tableLimitPaddr, TableAccess access,
                 EventSink events) {
        this.mmu = mmu;
        this.events = events;
        this.frames = frames;
        this.directoryPaddr = directoryPaddr;
        this.tableLimitPfn = tableLimitPaddr == Long.MAX_VALUE ? Long.MAX_VALUE : Addresses.paddrToPfn(tableLimitPaddr);
        this.access = access;
        access.events = events;
        Arrays.fill(tablePfns, -1);
    }

    // ---------------------------------------------------------------- the seeds' three

    /**
     * Maps the 4 KiB page at {@code vaddr} to frame {@code pfn}.
     *
     * @param flags the entry's flag bits 11:0 ({@link Pte#WRITABLE}, {@link Pte#USER}, ...); P is added
     * @throws IllegalArgumentException on misuse (see the class comment)
     */
    public MapResult mapPage(long vaddr, long pfn, int flags) {
        checkPage("mapPage", vaddr);
        checkFlags("mapPage", vaddr, flags, PTE_FLAG_BITS);
        checkFrame("mapPage", vaddr, pfn);
        return asKernel(() -> map(vaddr, pfn, flags));
    }

    /**
     * Unmaps the 4 KiB page at {@code vaddr} and hands back its frame (not freed), INVLPG
     * included; frees the page table if it became empty.
     *
     * @throws IllegalArgumentException on misuse, or when a 4 MiB page covers {@code vaddr}
     *                                  (use {@link #unmapLargePage})
     */
    public UnmapResult unmapPage(long vaddr) {
        checkPage("unmapPage", vaddr);
        return asKernel(() -> unmap(vaddr));
    }

    /**
     * The physical address {@code vaddr} translates to in these tables, or {@link #NOT_MAPPED}:
     * a software walk through the kernel's windows, rights and the TLB not considered.
     */
    public long getFrameAddr(long vaddr) {
        Addresses.checkLinear("getFrameAddr", vaddr);
        return asKernelUnchecked(() -> {
            int pde = readPde(Addresses.directoryIndex(vaddr));
            if (!Pde.isPresent(pde)) {
                return NOT_MAPPED;
            }
            if (isLarge(pde)) {
                return Pde.largePaddr(pde) | (vaddr & Addresses.LARGE_PAGE_OFFSET_MASK);
            }
            int pte = readPte(Addresses.directoryIndex(vaddr), pde, Addresses.tableIndex(vaddr));
            return Pte.isPresent(pte) ? Pte.paddr(pte) | Addresses.pageOffset(vaddr) : NOT_MAPPED;
        });
    }

    // ---------------------------------------------------------------- flags and large pages

    /**
     * Replaces the flag bits of the entry mapping {@code vaddr} with {@code flags} (P is kept),
     * and invalidates its TLB entry: bits 11:0 of a 4 KiB page's PTE, or bits 12:0 of a 4 MiB
     * page's PDE (PAT in bit 12 as {@link #mapLargePage} takes it; PS is kept).
     *
     * @throws IllegalArgumentException on misuse, and for bit 12 on a 4 KiB page, where it is
     *                                  an address bit
     */
    public FlagsResult updateFlags(long vaddr, int flags) {
        checkPage("updateFlags", vaddr);
        checkFlags("updateFlags", vaddr, flags, PTE_FLAG_BITS | LARGE_FLAG_BITS);
        return asKernel(() -> {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = readPde(pdi);
            if (!Pde.isPresent(pde)) {
                return new NotMapped(vaddr);
            }
            if (isLarge(pde)) {
                int after = (pde & ~LARGE_FLAG_BITS) | (flags & ~Pde.PAGE_SIZE) | Pde.PRESENT;
                writePde(pdi, after);
                invalidate(vaddr);
                return new FlagsResult.Updated(vaddr, pde, after);
            }
            checkFlags("updateFlags", vaddr, flags, PTE_FLAG_BITS);
            long table = access.open(pdi, Pde.tablePaddr(pde));
            try {
                long entry = table + 4L * Addresses.tableIndex(vaddr);
                int pte = mmu.read32(entry);
                if (!Pte.isPresent(pte)) {
                    return new NotMapped(vaddr);
                }
                int after = (pte & Pte.FRAME_MASK) | flags | Pte.PRESENT;
                mmu.write32(entry, after);
                if (events.enabled()) {
                    events.emit(new KernelEvent.EntryWritten(directoryPfn(), pdi, Addresses.tableIndex(vaddr), pte, after));
                }
                invalidate(vaddr);
                return new FlagsResult.Updated(vaddr, pte, after);
            } finally {
                access.close(table);
            }
        });
    }

    /**
     * Maps the 4 MiB page at {@code vaddr} to physical {@code paddr} (both 4 MiB aligned) with
     * one directory entry. Needs CR4.PSE once paging is on. Every one of the 1024 frames must be
     * held by someone (allocate them as one aligned run).
     *
     * @param flags the entry's flag bits (PS is added, and P)
     */
    public MapResult mapLargePage(long vaddr, long paddr, int flags) {
        checkLarge("mapLargePage", vaddr);
        checkFlags("mapLargePage", vaddr, flags, LARGE_FLAG_BITS);
        if ((paddr & Addresses.LARGE_PAGE_OFFSET_MASK) != 0 || paddr < 0 || paddr >= Addresses.LINEAR_SPACE_BYTES) {
            throw new IllegalArgumentException("mapLargePage: physical address " + Addresses.hex(paddr)
                    + " is not a 4 MiB boundary below 4 GiB");
        }
        if (mmu.pagingEnabled() && (mmu.cr4() & Mmu.CR4_PSE) == 0) {
            throw new IllegalStateException("mapLargePage: CR4.PSE is off (CR4=" + Addresses.hex(mmu.cr4())
                    + "); a PDE with PS=1 would point at a page table");
        }
        long firstPfn = Addresses.paddrToPfn(paddr);
        for (long pfn = firstPfn; pfn < firstPfn + Addresses.ENTRIES_PER_TABLE; pfn++) {
            checkFrame("mapLargePage", vaddr, pfn);
        }
        return asKernel(() -> mapLarge(vaddr, paddr, flags));
    }

    /** Unmaps the 4 MiB page at {@code vaddr} (INVLPG included) and hands back its first frame. */
    public UnmapResult unmapLargePage(long vaddr) {
        checkLarge("unmapLargePage", vaddr);
        return asKernel(() -> {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = readPde(pdi);
            if (!Pde.isPresent(pde)) {
                return new NotMapped(vaddr);
            }
            if (!isLarge(pde)) {
                throw new IllegalArgumentException("unmapLargePage: " + Addresses.hex(vaddr)
                        + " is mapped by a page table (PDE " + pdi + " = " + Addresses.hex(pde & 0xFFFF_FFFFL)
                        + "), not a 4 MiB page; use unmapPage");
            }
            writePde(pdi, 0);
            invalidate(vaddr);
            largePages--;
            return new UnmapResult.Unmapped(vaddr, Addresses.paddrToPfn(Pde.largePaddr(pde)), -1);
        });
    }

    // ---------------------------------------------------------------- views and switches

    /** The physical address of the page directory (what CR3 holds). */
    public long directoryPaddr() {
        return directoryPaddr;
    }

    /** How the kernel reaches the tables now: null before paging is on. */
    public TableAccessStrategy strategy() {
        return access.strategy();
    }

    /** Whether {@code vaddr}'s page is one of the strategy's own windows, which mapPage refuses. */
    public boolean isReserved(long vaddr) {
        return access.isReserved(vaddr);
    }

    /** 4 KiB pages mapped now (the boot's included). */
    public long mappedPages() {
        return mappedPages;
    }

    /** 4 MiB pages mapped now. */
    public long largePages() {
        return largePages;
    }

    /** Page tables this address space holds now (the directory not counted). */
    public long pageTables() {
        return tablesAllocated - tablesFreed;
    }

    /** Page tables allocated so far. */
    public long tablesAllocated() {
        return tablesAllocated;
    }

    /** Page tables freed so far because they became empty. */
    public long tablesFreed() {
        return tablesFreed;
    }

    /** How often the temporary slot was loaded with a frame (0 for the other strategies). */
    public long temporarySlotMappings() {
        return access instanceof TableAccess.Temporary t ? t.slotMappings() : 0;
    }

    /**
     * For the stale-TLB lesson only: {@code true} makes every later change to a present entry
     * skip its INVLPG, as a kernel with the bug would.
     */
    public void setSkipInvlpg(boolean skip) {
        this.skipInvlpg = skip;
    }

    /**
     * Where this space reports what it does to the tables (each entry written, each INVLPG, each
     * table taken or freed, each use of the temporary slot): the kernel's one sink.
     */
    public EventSink events() {
        return events;
    }

    /** Whether INVLPG is being skipped (see {@link #setSkipInvlpg}). */
    public boolean skipsInvlpg() {
        return skipInvlpg;
    }

    /**
     * Checks that the tables in RAM agree with this space's counts and with who holds the
     * frames: each directory entry it made points at the frame it took, that frame is allocated
     * and accounted as a page table (so is the directory, which the recursive entry points at),
     * the table has as many present entries as counted, and every frame a present entry maps
     * outside the kernel's linear map is held by someone (allocated, or reserved at boot), never
     * free. Reads physical memory directly (no TLB, no A bits).
     *
     * @throws AssertionError with the state, when one does not hold
     */
    public void checkInvariants() {
        PhysicalMemory memory = mmu.memory();
        long mapped = 0;
        checkTableFrame("the page directory (CR3)", Addresses.paddrToPfn(directoryPaddr));
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = memory.read32(directoryPaddr + 4L * pdi);
            long pdeVaddr = (long) pdi << Addresses.LARGE_PAGE_SHIFT;
            if (tablePfns[pdi] < 0) {
                boolean recursive = access instanceof TableAccess.Recursive && pdi == KernelLayout.RECURSIVE_PDE;
                if (Pde.isPresent(pde) && !isLarge(pde) && !recursive) {
                    throw new AssertionError("PDE " + pdi + " = " + Addresses.hex(pde & 0xFFFF_FFFFL)
                            + " points at a table this address space did not make");
                }
                if (recursive && Pde.tablePfn(pde) != Addresses.paddrToPfn(directoryPaddr)) {
                    throw new AssertionError("the recursive PDE " + pdi + " = " + Addresses.hex(pde & 0xFFFF_FFFFL)
                            + " does not point at the directory " + Addresses.hex(directoryPaddr));
                }
                if (Pde.isPresent(pde) && isLarge(pde)) {
                    for (long page = 0; page < Addresses.ENTRIES_PER_TABLE; page++) {
                        checkMappedFrame(pdeVaddr + (page << Addresses.PAGE_SHIFT),
                                Addresses.paddrToPfn(Pde.largePaddr(pde)) + page, "PDE " + pdi + " (4 MiB)");
                    }
                }
                continue;
            }
            if (!Pde.isPresent(pde) || isLarge(pde) || Pde.tablePfn(pde) != tablePfns[pdi]) {
                throw new AssertionError("PDE " + pdi + " = " + Addresses.hex(pde & 0xFFFF_FFFFL)
                        + " but the table of this entry is frame " + Addresses.hex(tablePfns[pdi]));
            }
            checkTableFrame("page table frame " + Addresses.hex(tablePfns[pdi]) + " of PDE " + pdi, tablePfns[pdi]);
            int present = 0;
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = memory.read32(Pde.tablePaddr(pde) + 4L * pti);
                if (Pte.isPresent(pte)) {
                    present++;
                    checkMappedFrame(pdeVaddr | ((long) pti << Addresses.PAGE_SHIFT), Pte.pfn(pte),
                            "PTE " + pti + " of PDE " + pdi);
                }
            }
            if (present != presentEntries[pdi]) {
                throw new AssertionError("page table of PDE " + pdi + " has " + present
                        + " present entries, counted " + presentEntries[pdi]);
            }
            mapped += present;
        }
        if (mapped < mappedPages) {
            throw new AssertionError(mappedPages + " pages counted as mapped, " + mapped + " present entries in tables");
        }
    }

    /** A frame the paging structures live in: allocated, and accounted as a page table. */
    private void checkTableFrame(String what, long pfn) {
        FrameOwner owner = frames.accounting().ownerOf(pfn);
        if (owner != FrameOwner.PAGE_TABLE || !frames.allocator().isAllocated(pfn)) {
            throw new AssertionError(what + " is accounted as " + owner.label() + " and is " + (frames.allocator()
                    .isAllocated(pfn) ? "" : "not ") + "allocated in " + frames.allocator().name()
                    + "; a live table must be an allocated page-table frame");
        }
    }

    /**
     * A frame a present entry maps at {@code vaddr}: held by someone (its owner is not free, and
     * a frame the allocator manages is allocated), unless the page is in the linear map.
     */
    private void checkMappedFrame(long vaddr, long pfn, String entry) {
        if (vaddr >= KernelLayout.KERNEL_BASE && vaddr < linearMapEnd) {
            return;
        }
        FrameOwner owner = frames.accounting().ownerOf(pfn);
        boolean held = owner != FrameOwner.FREE && (!owner.isHandedOut() || frames.allocator().isAllocated(pfn));
        if (!held) {
            throw new AssertionError(entry + " maps " + Addresses.hex(vaddr) + " to frame " + Addresses.hex(pfn)
                    + ", which is accounted as " + owner.label() + " and is " + (frames.allocator().isAllocated(pfn) ? ""
                    : "not ") + "allocated in " + frames.allocator().name() + ": a mapped frame must be held");
        }
    }

    /**
     * The first page mapped to frame {@code pfn} outside the kernel's linear map, or
     * {@link #NOT_MAPPED}: a scan of the tables in RAM (no TLB, no A bits), for the kernel's
     * check that a frame it frees is no longer used.
     */
    public long mappingOf(long pfn) {
        PhysicalMemory memory = mmu.memory();
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = memory.read32(directoryPaddr + 4L * pdi);
            long pdeVaddr = (long) pdi << Addresses.LARGE_PAGE_SHIFT;
            boolean linear = pdeVaddr >= KernelLayout.KERNEL_BASE && pdeVaddr < linearMapEnd;
            if (!Pde.isPresent(pde) || linear && isLarge(pde)) {
                continue;
            }
            if (isLarge(pde)) {
                long first = Addresses.paddrToPfn(Pde.largePaddr(pde));
                if (pfn >= first && pfn < first + Addresses.ENTRIES_PER_TABLE) {
                    return pdeVaddr + ((pfn - first) << Addresses.PAGE_SHIFT);
                }
                continue;
            }
            if (tablePfns[pdi] < 0) {
                continue; // the recursive entry: its "pages" are the tables, which are not freed this way
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = memory.read32(Pde.tablePaddr(pde) + 4L * pti);
                long vaddr = pdeVaddr | ((long) pti << Addresses.PAGE_SHIFT);
                if (Pte.isPresent(pte) && Pte.pfn(pte) == pfn && !(vaddr >= KernelLayout.KERNEL_BASE
                        && vaddr < linearMapEnd)) {
                    return vaddr;
                }
            }
        }
        return NOT_MAPPED;
    }

    /** The directory entry whose page table is frame {@code pfn}, or -1. */
    public int tableOwnerOf(long pfn) {
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            if (tablePfns[pdi] == pfn) {
                return pdi;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- for the boot

    /** The end of the kernel's linear map (see {@link #linearMapEnd}): the boot sets it once. */
    void setLinearMapEnd(long vaddr) {
        this.linearMapEnd = vaddr;
    }

    /** Swaps the way tables are reached: the boot does it once paging is on. */
    void useAccess(TableAccess access) {
        this.access = access;
        access.events = events;
    }

    TableAccess access() {
        return access;
    }

    /** mapPage without the frame check: the boot maps reserved and free low memory alike. */
    MapResult mapForBoot(long vaddr, long pfn, int flags) {
        return asKernelUnchecked(() -> map(vaddr, pfn, flags));
    }

    /** mapLargePage without the frame and CR4 checks, for the boot. */
    MapResult mapLargeForBoot(long vaddr, long paddr, int flags) {
        return asKernelUnchecked(() -> mapLarge(vaddr, paddr, flags));
    }

    /** The directory entry {@code pdi}, read through the current access. */
    int directoryEntry(int pdi) {
        return asKernelUnchecked(() -> readPde(pdi));
    }

    /** Writes directory entry {@code pdi} raw: the boot's identity and recursive entries. */
    void setDirectoryEntry(int pdi, int entry) {
        asKernelUnchecked(() -> {
            writePde(pdi, entry);
            return null;
        });
    }

    /** The page-table frame of directory entry {@code pdi}, or -1. */
    long tablePfn(int pdi) {
        return tablePfns[pdi];
    }

    // ---------------------------------------------------------------- the work

    private MapResult map(long vaddr, long pfn, int flags) {
        int pdi = Addresses.directoryIndex(vaddr);
        int pde = readPde(pdi);
        long newTable = -1;
        if (Pde.isPresent(pde)) {
            if (isLarge(pde)) {
                return new MapResult.AlreadyMapped(vaddr, Addresses.paddrToPfn(Pde.largePaddr(pde))
                        + Addresses.tableIndex(vaddr));
            }
        } else {
            newTable = allocateTable(pdi, vaddr);
            if (newTable < 0) {
                return new MapResult.OutOfFrames(vaddr);
            }
            pde = readPde(pdi);
        }
        long table = access.open(pdi, Pde.tablePaddr(pde));
        try {
            long entry = table + 4L * Addresses.tableIndex(vaddr);
            int pte = mmu.read32(entry);
            if (Pte.isPresent(pte)) {
                return new MapResult.AlreadyMapped(vaddr, Pte.pfn(pte));
            }
            int value = Pte.make(pfn, flags | Pte.PRESENT);
            mmu.write32(entry, value);
            if (events.enabled()) {
                events.emit(new KernelEvent.EntryWritten(directoryPfn(), pdi, Addresses.tableIndex(vaddr), pte, value));
            }
        } finally {
            access.close(table);
        }
        presentEntries[pdi]++;
        mappedPages++;
        return new MapResult.Mapped(vaddr, pfn, newTable);
    }

    private UnmapResult unmap(long vaddr) {
        int pdi = Addresses.directoryIndex(vaddr);
        int pde = readPde(pdi);
        if (!Pde.isPresent(pde)) {
            return new NotMapped(vaddr);
        }
        if (isLarge(pde)) {
            throw new IllegalArgumentException("unmapPage: " + Addresses.hex(vaddr) + " is inside the 4 MiB page at "
                    + Addresses.hex(vaddr & ~Addresses.LARGE_PAGE_OFFSET_MASK) + "; use unmapLargePage");
        }
        long table = access.open(pdi, Pde.tablePaddr(pde));
        int pte;
        try {
            long entry = table + 4L * Addresses.tableIndex(vaddr);
            pte = mmu.read32(entry);
            if (!Pte.isPresent(pte)) {
                return new NotMapped(vaddr);
            }
            mmu.write32(entry, 0);
            if (events.enabled()) {
                events.emit(new KernelEvent.EntryWritten(directoryPfn(), pdi, Addresses.tableIndex(vaddr), pte, 0));
            }
        } finally {
            access.close(table);
        }
        invalidate(vaddr);
        mappedPages--;
        long freedTable = -1;
        // An allocator that cannot free (bump) would only leak the table: keep it, as Linux keeps kernel tables.
        if (--presentEntries[pdi] == 0 && tablePfns[pdi] >= 0 && frames.allocator().canFree()) {
            freedTable = tablePfns[pdi];
            writePde(pdi, 0);
            access.tableRemoved(pdi);
            tablePfns[pdi] = -1;
            frames.free(freedTable);
            tablesFreed++;
            if (events.enabled()) {
                events.emit(new KernelEvent.TableFreed(directoryPfn(), pdi, freedTable));
            }
        }
        return new UnmapResult.Unmapped(vaddr, Pte.pfn(pte), freedTable);
    }

    private MapResult mapLarge(long vaddr, long paddr, int flags) {
        int pdi = Addresses.directoryIndex(vaddr);
        int pde = readPde(pdi);
        if (Pde.isPresent(pde)) {
            if (isLarge(pde)) {
                return new MapResult.AlreadyMapped(vaddr, Addresses.paddrToPfn(Pde.largePaddr(pde)));
            }
            int pte = readPte(pdi, pde, 0);
            return new MapResult.AlreadyMapped(vaddr, Pte.isPresent(pte) ? Pte.pfn(pte) : -1);
        }
        writePde(pdi, Pde.large(paddr, flags | Pde.PRESENT));
        largePages++;
        return new MapResult.Mapped(vaddr, Addresses.paddrToPfn(paddr), -1);
    }

    /** A zeroed table behind directory entry {@code pdi}, or -1 when no frame is left. */
    private long allocateTable(int pdi, long vaddr) {
        long pfn = tableLimitPfn == Long.MAX_VALUE ? frames.allocate(FrameOwner.PAGE_TABLE)
                : frames.allocateBelow(tableLimitPfn, FrameOwner.PAGE_TABLE);
        if (pfn == FrameAllocator.NO_FRAME) {
            return -1;
        }
        if (events.enabled()) {
            events.emit(new KernelEvent.TableAllocated(directoryPfn(), pdi, pfn));
        }
        long paddr = Addresses.pfnToPaddr(pfn);
        int pde = Pde.table(pfn, Pde.PRESENT | Pde.WRITABLE | (KernelLayout.isKernel(vaddr) ? 0 : Pde.USER));
        if (access.reachesUninstalledTables()) {
            zeroTable(pdi, paddr);
            writePde(pdi, pde);
        } else {
            writePde(pdi, pde);
            zeroTable(pdi, paddr);
        }
        tablePfns[pdi] = pfn;
        presentEntries[pdi] = 0;
        tablesAllocated++;
        return pfn;
    }

    private void zeroTable(int pdi, long paddr) {
        long table = access.open(pdi, paddr);
        try {
            mmu.writeBytes(table, ZERO_PAGE, 0, ZERO_PAGE.length);
        } finally {
            access.close(table);
        }
    }

    private int readPde(int pdi) {
        return mmu.read32(access.directoryVaddr() + 4L * pdi);
    }

    private void writePde(int pdi, int entry) {
        // The old value for the event is read from RAM directly: watching must not change the MMU's counters.
        int before = events.enabled() ? mmu.memory().read32(directoryPaddr + 4L * pdi) : 0;
        mmu.write32(access.directoryVaddr() + 4L * pdi, entry);
        if (events.enabled()) {
            events.emit(new KernelEvent.EntryWritten(directoryPfn(), pdi, KernelEvent.EntryWritten.DIRECTORY_ENTRY,
                    before, entry));
        }
    }

    private long directoryPfn() {
        return Addresses.paddrToPfn(directoryPaddr);
    }

    private int readPte(int pdi, int pde, int pti) {
        long table = access.open(pdi, Pde.tablePaddr(pde));
        try {
            return mmu.read32(table + 4L * pti);
        } finally {
            access.close(table);
        }
    }

    private boolean isLarge(int pde) {
        // PS means a 4 MiB page only under CR4.PSE; before paging the boot sets PSE first.
        return Pde.isLarge(pde) && (mmu.cr4() & Mmu.CR4_PSE) != 0;
    }

    private void invalidate(long vaddr) {
        if (!skipInvlpg) {
            mmu.invlpg(vaddr);
        }
        if (events.enabled()) {
            events.emit(new KernelEvent.Invlpg(vaddr, skipInvlpg ? KernelEvent.Invlpg.Why.SKIPPED : KernelEvent.Invlpg.Why.ENTRY_CHANGED));
        }
    }

    /** Runs {@code work} at CPL 0, as kernel code runs, then checks the invariants when checks are on. */
    private <T> T asKernel(Supplier<T> work) {
        T result = asKernelUnchecked(work);
        if (Checks.ENABLED) {
            checkInvariants();
        }
        return result;
    }

    private <T> T asKernelUnchecked(Supplier<T> work) {
        int cpl = mmu.cpl();
        mmu.setCpl(0);
        try {
            return work.get();
        } finally {
            mmu.setCpl(cpl);
        }
    }

    private void checkPage(String operation, long vaddr) {
        Addresses.checkLinear(operation, vaddr);
        if (!Addresses.isPageAligned(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not page aligned");
        }
        if (access.isReserved(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is reserved for the kernel's "
                    + access.strategy() + " windows");
        }
    }

    private void checkLarge(String operation, long vaddr) {
        Addresses.checkLinear(operation, vaddr);
        if ((vaddr & Addresses.LARGE_PAGE_OFFSET_MASK) != 0) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not 4 MiB aligned");
        }
        if (access.isReserved(vaddr) || access.isReserved(vaddr + Addresses.LARGE_PAGE_BYTES - 1)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " overlaps the kernel's "
                    + access.strategy() + " windows");
        }
    }

    private static void checkFlags(String operation, long vaddr, int flags, int allowed) {
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException(operation + ": flags " + Addresses.hex(flags & 0xFFFF_FFFFL) + " for "
                    + Addresses.hex(vaddr) + " have bits outside " + Addresses.hex(allowed));
        }
    }

    private void checkFrame(String operation, long vaddr, long pfn) {
        if (pfn < 0 || pfn >= 1L << (32 - Addresses.PAGE_SHIFT)) {
            throw new IllegalArgumentException(operation + ": frame " + Addresses.hex(pfn) + " for " + Addresses.hex(vaddr)
                    + " is outside the 32-bit physical address space");
        }
        if (!frames.mayMap(pfn)) {
            throw new IllegalArgumentException(operation + ": " + frames.describe(pfn) + " for " + Addresses.hex(vaddr)
                    + " is not allocated; allocate it before mapping it");
        }
    }
}
