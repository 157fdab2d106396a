package dev.pagelab.paging;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameOwner;
import java.util.function.Supplier;

/**
 * One page directory and its page tables, as the kernel edits them: the seeds' {@code mapPage},
 * {@code unmapPage} and {@code getFrameAddr}, plus flag changes, 4 MiB pages, and the
 * entry-level operations page replacement needs (A and D bits, swap entries; see
 * {@link PageEntries}). The kernel's own directory and every directory made for a process are
 * address spaces alike; {@link AddressSpaces} makes, loads and destroys them.
 *
 * <p>Every entry is read and written through the {@link Mmu} at CPL 0, at the virtual address
 * the kernel's {@link TableAccessStrategy} gives for the table of this directory, whether CR3
 * holds this directory or not (before paging is on, at its physical address). Nothing here
 * reads physical memory behind the MMU's back, except the invariant checks and, for the old
 * value of an entry in an event, a read that must not count as an access.
 *
 * <h2>Two halves</h2>
 * <pre>
 *   directory A                 directory B
 *  +-----------+               +-----------+
 *  | PDE 0-767 |--> A's tables | PDE 0-767 |--> B's tables      user half: each its own
 *  +-----------+               +-----------+
 *  | PDE 768-  |--+            | PDE 768-  |--+                 kernel half: the same
 *  |     1023  |  |            |     1023  |  |                 entries, one set of tables
 *  +-----------+  +--> kernel tables <--------+
 * </pre>
 * The user half's tables belong to this space and are freed when they hold no entry. The
 * kernel half's tables are owned once, by {@link AddressSpaces}: a kernel-half directory entry
 * is written in every live directory at once, so a kernel mapping made through any space is
 * visible in all, and a kernel table that becomes empty is freed only after its entry is
 * cleared in every directory.
 *
 * <h2>mapPage(vaddr, pfn, flags)</h2>
 * <ol>
 *   <li>Read the directory entry {@code vaddr[31:22]}. A 4 MiB page there: already mapped.</li>
 *   <li>No table: take a frame for one ({@link FrameOwner#PAGE_TABLE}), zero it, point the
 *       entry at it with P, R/W, and U/S for the user half (the table's entries decide the
 *       rights); in the kernel half, in every directory. No frame left:
 *       {@link MapResult.OutOfFrames}, nothing changed.</li>
 *   <li>Open the table, read entry {@code vaddr[21:12]}: present means already mapped; else
 *       write {@code pfn << 12 | flags | P} (over a swap entry too: that is the swap-in).</li>
 * </ol>
 * A not-present entry is never cached by the TLB, so a new mapping needs no INVLPG. When the
 * kernel maps its half global ({@link dev.pagelab.kernel.KernelConfig#globalKernelPages}), G is
 * added to every kernel-half entry written here (by mapPage, mapLargePage and updateFlags): a
 * kernel page is the same in every directory, so its translation may outlive a CR3 load.
 *
 * <h2>unmapPage(vaddr)</h2>
 * Clear the entry, INVLPG {@code vaddr} (the TLB may hold the old translation), and when the
 * table has no present entry and no swap entry left, clear the directory entry (in every
 * directory, for the kernel half) and give the table's frame back. The mapped frame is returned
 * to the caller, who decides whether to free it; a swap entry is returned the same way
 * ({@link UnmapResult.SwapEntryCleared}), for the caller to free its slot.
 *
 * <h2>TLB</h2>
 * Every change to a present entry is followed by an INVLPG of the page, inside this class:
 * callers cannot forget it. It is left out when the TLB cannot hold the page of this directory:
 * the directory is not loaded (the CR3 load that unloaded it dropped its translations), the page
 * is in the user half and its entry is not global under CR4.PGE. {@link #setSkipInvlpg} turns
 * INVLPG off, for the lesson of what a forgotten INVLPG does, and for nothing else.
 *
 * <h2>Failure</h2>
 * Expected outcomes are results ({@link MapResult}, {@link UnmapResult}, {@link FlagsResult}).
 * Misuse — an address that is not page aligned or not 32-bit, flags outside bits 11:0, a frame
 * the allocator has free, a page reserved for the kernel's own windows, a destroyed space — is
 * an {@link IllegalArgumentException} (or {@link IllegalStateException}) naming the operation and
 * the values, and changes nothing. Not thread-safe.
 */
public final class AddressSpace {
    /** Returned by {@link #getFrameAddr} when nothing is mapped. */
    public static final long NOT_MAPPED = -1;

    private static final int PTE_FLAG_BITS = Pte.FLAGS_MASK;
    private static final int LARGE_FLAG_BITS = 0x1FFF & ~Pde.PAGE_SIZE;

    final Mmu mmu;
    final AccountedFrames frames;
    final AddressSpaces shared;
    private final long directoryPaddr;
    /** The user half's tables; the kernel half's are {@link AddressSpaces#kernelTables}. */
    final TableCounts user = new TableCounts();
    private final DirectoryAccess directory;
    private final PageEntries entries;
    private boolean skipInvlpg;
    private boolean destroyed;

    AddressSpace(AddressSpaces shared, long directoryPaddr) {
        this.shared = shared;
        this.mmu = shared.mmu;
        this.frames = shared.frames;
        this.directoryPaddr = directoryPaddr;
        this.directory = new DirectoryAccess(this, shared);
        this.entries = new PageEntries(this);
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
        return asKernel(() -> map(vaddr, pfn, flags | globalFor(vaddr)));
    }

    /**
     * Unmaps the 4 KiB page at {@code vaddr} and hands back its frame (not freed), INVLPG
     * included; frees the page table if it became empty. A swap entry there is cleared and
     * handed back as {@link UnmapResult.SwapEntryCleared}.
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
        checkLive("getFrameAddr");
        return asKernelUnchecked(() -> {
            int pde = directory.readPde(Addresses.directoryIndex(vaddr));
            if (!Pde.isPresent(pde)) {
                return NOT_MAPPED;
            }
            if (directory.isLarge(pde)) {
                return Pde.largePaddr(pde) | (vaddr & Addresses.LARGE_PAGE_OFFSET_MASK);
            }
            int pte = directory.readPte(Addresses.directoryIndex(vaddr), pde, Addresses.tableIndex(vaddr));
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
            int pde = directory.readPde(pdi);
            if (!Pde.isPresent(pde)) {
                return new NotMapped(vaddr);
            }
            if (directory.isLarge(pde)) {
                int after = (pde & ~LARGE_FLAG_BITS) | (flags & ~Pde.PAGE_SIZE) | globalFor(vaddr) | Pde.PRESENT;
                directory.writePde(pdi, after);
                directory.invalidate(vaddr, pde, KernelEvent.Invlpg.Why.ENTRY_CHANGED);
                return new FlagsResult.Updated(vaddr, pde, after);
            }
            checkFlags("updateFlags", vaddr, flags, PTE_FLAG_BITS);
            int pti = Addresses.tableIndex(vaddr);
            long table = directory.openTable(pdi, pde);
            try {
                int pte = mmu.read32(table + 4L * pti);
                if (!Pte.isPresent(pte)) {
                    return new NotMapped(vaddr);
                }
                int after = (pte & Pte.FRAME_MASK) | flags | globalFor(vaddr) | Pte.PRESENT;
                directory.writePte(table, pdi, pti, pte, after);
                directory.invalidate(vaddr, pte, KernelEvent.Invlpg.Why.ENTRY_CHANGED);
                return new FlagsResult.Updated(vaddr, pte, after);
            } finally {
                directory.closeTable(table);
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
        return asKernel(() -> mapLarge(vaddr, paddr, flags | globalFor(vaddr)));
    }

    /** Unmaps the 4 MiB page at {@code vaddr} (INVLPG included) and hands back its first frame. */
    public UnmapResult unmapLargePage(long vaddr) {
        checkLarge("unmapLargePage", vaddr);
        return asKernel(() -> {
            int pdi = Addresses.directoryIndex(vaddr);
            int pde = directory.readPde(pdi);
            if (!Pde.isPresent(pde)) {
                return new NotMapped(vaddr);
            }
            if (!directory.isLarge(pde)) {
                throw new IllegalArgumentException("unmapLargePage: " + Addresses.hex(vaddr)
                        + " is mapped by a page table (PDE " + pdi + " = " + Addresses.hex(pde & 0xFFFF_FFFFL)
                        + "), not a 4 MiB page; use unmapPage");
            }
            directory.writePde(pdi, 0);
            directory.invalidate(vaddr, pde, KernelEvent.Invlpg.Why.ENTRY_CHANGED);
            directory.tables(pdi).largePages--;
            return new UnmapResult.Unmapped(vaddr, Addresses.paddrToPfn(Pde.largePaddr(pde)), -1);
        });
    }

    // ---------------------------------------------------------------- views and switches

    /** The entry-level operations page replacement needs: A and D bits, swap entries, the walk over present pages. */
    public PageEntries entries() {
        return entries;
    }

    /** The physical address of the page directory (what CR3 holds when this space is loaded). */
    public long directoryPaddr() {
        return directoryPaddr;
    }

    /** The frame of the page directory. */
    public long directoryPfn() {
        return Addresses.paddrToPfn(directoryPaddr);
    }

    /** Whether CR3 holds this directory. */
    public boolean isLoaded() {
        return !destroyed && (mmu.cr3() & ~Addresses.PAGE_OFFSET_MASK) == directoryPaddr;
    }

    /** Whether {@link AddressSpaces#destroy} freed this space. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Every directory of this kernel, this one among them. */
    public AddressSpaces spaces() {
        return shared;
    }

    /** How the kernel reaches the tables now: null before paging is on. */
    public TableAccessStrategy strategy() {
        return access().strategy();
    }

    /** Whether {@code vaddr}'s page is one of the strategy's own windows, which mapPage refuses. */
    public boolean isReserved(long vaddr) {
        return access().isReserved(vaddr);
    }

    /** 4 KiB pages mapped now: this space's user pages and the kernel half's (the boot's included). */
    public long mappedPages() {
        return user.mappedPages + shared.kernelTables.mappedPages;
    }

    /** 4 MiB pages mapped now, user and kernel half. */
    public long largePages() {
        return user.largePages + shared.kernelTables.largePages;
    }

    /** Swap entries in this space's user half now. */
    public long swapEntries() {
        long n = 0;
        for (int pdi = 0; pdi < KernelLayout.KERNEL_PDE; pdi++) {
            n += user.swapEntries[pdi];
        }
        return n;
    }

    /** Page tables this directory points at now, user and kernel half (the directory not counted). */
    public long pageTables() {
        return tablesAllocated() - tablesFreed();
    }

    /** Page tables allocated so far: this space's user tables and the kernel half's. */
    public long tablesAllocated() {
        return user.tablesAllocated + shared.kernelTables.tablesAllocated;
    }

    /** Page tables of this space's own user half allocated so far (the shared kernel half's not counted). */
    public long userTablesAllocated() {
        return user.tablesAllocated;
    }

    /** Page tables of this space's own user half freed so far. */
    public long userTablesFreed() {
        return user.tablesFreed;
    }

    /** Page tables freed so far because they became empty: this space's user tables and the kernel half's. */
    public long tablesFreed() {
        return user.tablesFreed + shared.kernelTables.tablesFreed;
    }

    /** How often the temporary slot was loaded with a frame, for any directory (0 for the other strategies). */
    public long temporarySlotMappings() {
        return access().slotMappings();
    }

    /**
     * For the stale-TLB lesson only: {@code true} makes every later change to a present entry
     * of this space skip its INVLPG, as a kernel with the bug would.
     */
    public void setSkipInvlpg(boolean skip) {
        this.skipInvlpg = skip;
    }

    /** Whether INVLPG is being skipped (see {@link #setSkipInvlpg}). */
    public boolean skipsInvlpg() {
        return skipInvlpg;
    }

    /**
     * Where this space reports what it does to the tables (each entry written, each INVLPG, each
     * table taken or freed, each use of the temporary slot): the kernel's one sink.
     */
    public EventSink events() {
        return shared.events;
    }

    /**
     * Checks that the tables in RAM agree with the kernel's counts and with who holds the
     * frames: see {@link SpaceChecks}. Reads physical memory directly (no TLB, no A bits).
     *
     * @throws AssertionError with the state, when one does not hold
     */
    public void checkInvariants() {
        SpaceChecks.check(this);
    }

    /**
     * The first page mapped to frame {@code pfn} outside the kernel's linear map, or
     * {@link #NOT_MAPPED}: a scan of the tables in RAM (no TLB, no A bits), for the kernel's
     * check that a frame it frees is no longer used.
     */
    public long mappingOf(long pfn) {
        return SpaceChecks.mappingOf(this, pfn);
    }

    /** The directory entry whose page table is frame {@code pfn}, or -1. */
    public int tableOwnerOf(long pfn) {
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            if (directory.tables(pdi).tablePfns[pdi] == pfn) {
                return pdi;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "address space (directory in frame " + Addresses.hex(directoryPfn()) + (destroyed ? ", destroyed)" : ")");
    }

    // ---------------------------------------------------------------- for the boot

    /** mapPage without the frame check: the boot maps reserved and free low memory alike. */
    MapResult mapForBoot(long vaddr, long pfn, int flags) {
        return asKernelUnchecked(() -> map(vaddr, pfn, flags | globalFor(vaddr)));
    }

    /** mapLargePage without the frame and CR4 checks, for the boot. */
    MapResult mapLargeForBoot(long vaddr, long paddr, int flags) {
        return asKernelUnchecked(() -> mapLarge(vaddr, paddr, flags | globalFor(vaddr)));
    }

    /** G for a kernel-half page when the kernel maps its half global, else 0 (Pte.GLOBAL and Pde.GLOBAL are bit 8). */
    private int globalFor(long vaddr) {
        return shared.globalKernelPages && KernelLayout.isKernel(vaddr) ? Pte.GLOBAL : 0;
    }

    /** The directory entry {@code pdi}, read through the current access. */
    int directoryEntry(int pdi) {
        return asKernelUnchecked(() -> directory.readPde(pdi));
    }

    /** Writes directory entry {@code pdi} of this directory only, raw: the boot's identity and recursive entries. */
    void setDirectoryEntry(int pdi, int entry) {
        asKernelUnchecked(() -> {
            directory.writeOwnPde(pdi, entry);
            return null;
        });
    }

    /** The page-table frame of directory entry {@code pdi}, or -1. */
    long tablePfn(int pdi) {
        return directory.tables(pdi).tablePfns[pdi];
    }

    DirectoryAccess directory() {
        return directory;
    }

    TableAccess access() {
        return shared.access;
    }

    void markDestroyed() {
        destroyed = true;
    }

    // ---------------------------------------------------------------- the work

    private MapResult map(long vaddr, long pfn, int flags) {
        int pdi = Addresses.directoryIndex(vaddr);
        int pde = directory.readPde(pdi);
        long newTable = -1;
        if (Pde.isPresent(pde)) {
            if (directory.isLarge(pde)) {
                return new MapResult.AlreadyMapped(vaddr, Addresses.paddrToPfn(Pde.largePaddr(pde))
                        + Addresses.tableIndex(vaddr));
            }
        } else {
            newTable = directory.allocateTable(pdi, vaddr);
            if (newTable < 0) {
                return new MapResult.OutOfFrames(vaddr);
            }
            pde = directory.readPde(pdi);
        }
        int pti = Addresses.tableIndex(vaddr);
        long table = directory.openTable(pdi, pde);
        try {
            int pte = mmu.read32(table + 4L * pti);
            if (Pte.isPresent(pte)) {
                return new MapResult.AlreadyMapped(vaddr, Pte.pfn(pte));
            }
            directory.writePte(table, pdi, pti, pte, Pte.make(pfn, flags | Pte.PRESENT));
            if (pte != 0) {
                directory.tables(pdi).swapEntries[pdi]--;
            }
        } finally {
            directory.closeTable(table);
        }
        TableCounts t = directory.tables(pdi);
        t.presentEntries[pdi]++;
        t.mappedPages++;
        return new MapResult.Mapped(vaddr, pfn, newTable);
    }

    private UnmapResult unmap(long vaddr) {
        int pdi = Addresses.directoryIndex(vaddr);
        int pde = directory.readPde(pdi);
        if (!Pde.isPresent(pde)) {
            return new NotMapped(vaddr);
        }
        if (directory.isLarge(pde)) {
            throw new IllegalArgumentException("unmapPage: " + Addresses.hex(vaddr) + " is inside the 4 MiB page at "
                    + Addresses.hex(vaddr & ~Addresses.LARGE_PAGE_OFFSET_MASK) + "; use unmapLargePage");
        }
        int pti = Addresses.tableIndex(vaddr);
        long table = directory.openTable(pdi, pde);
        int pte;
        try {
            pte = mmu.read32(table + 4L * pti);
            if (pte == 0) {
                return new NotMapped(vaddr);
            }
            directory.writePte(table, pdi, pti, pte, 0);
        } finally {
            directory.closeTable(table);
        }
        TableCounts t = directory.tables(pdi);
        if (!Pte.isPresent(pte)) {
            // Not present, never cached: no INVLPG.
            t.swapEntries[pdi]--;
            return new UnmapResult.SwapEntryCleared(vaddr, pte, directory.releaseTableIfUnused(pdi));
        }
        directory.invalidate(vaddr, pte, KernelEvent.Invlpg.Why.ENTRY_CHANGED);
        t.mappedPages--;
        t.presentEntries[pdi]--;
        return new UnmapResult.Unmapped(vaddr, Pte.pfn(pte), directory.releaseTableIfUnused(pdi));
    }

    private MapResult mapLarge(long vaddr, long paddr, int flags) {
        int pdi = Addresses.directoryIndex(vaddr);
        int pde = directory.readPde(pdi);
        if (Pde.isPresent(pde)) {
            if (directory.isLarge(pde)) {
                return new MapResult.AlreadyMapped(vaddr, Addresses.paddrToPfn(Pde.largePaddr(pde)));
            }
            int pte = directory.readPte(pdi, pde, 0);
            return new MapResult.AlreadyMapped(vaddr, Pte.isPresent(pte) ? Pte.pfn(pte) : -1);
        }
        directory.writePde(pdi, Pde.large(paddr, flags | Pde.PRESENT));
        directory.tables(pdi).largePages++;
        return new MapResult.Mapped(vaddr, Addresses.paddrToPfn(paddr), -1);
    }

    /** Runs {@code work} at CPL 0, as kernel code runs, then checks the invariants when checks are on. */
    private <T> T asKernel(Supplier<T> work) {
        checkLive("address space");
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

    void checkLive(String operation) {
        if (destroyed) {
            throw new IllegalStateException(operation + ": " + this + " was destroyed; its frame may hold anything now");
        }
    }

    void checkPage(String operation, long vaddr) {
        Addresses.checkLinear(operation, vaddr);
        if (!Addresses.isPageAligned(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not page aligned");
        }
        if (access().isReserved(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is reserved for the kernel's "
                    + access().strategy() + " windows");
        }
    }

    private void checkLarge(String operation, long vaddr) {
        Addresses.checkLinear(operation, vaddr);
        if ((vaddr & Addresses.LARGE_PAGE_OFFSET_MASK) != 0) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not 4 MiB aligned");
        }
        if (access().isReserved(vaddr) || access().isReserved(vaddr + Addresses.LARGE_PAGE_BYTES - 1)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " overlaps the kernel's "
                    + access().strategy() + " windows");
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
