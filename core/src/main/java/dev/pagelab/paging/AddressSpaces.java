package dev.pagelab.paging;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every page directory of one kernel: the kernel's own (the one the boot built) and each one
 * made for a process; what they share (the kernel half's page tables, the way tables are
 * reached); and the operations on directories as wholes: create, destroy, load into CR3.
 *
 * <h2>The kernel half is owned once</h2>
 * Directory entries 768-1023 are the same in every directory and point at one set of kernel
 * page tables, whose bookkeeping lives here. Two ways keep a kernel mapping made through one
 * directory visible from all: pre-allocate a table for every kernel-half entry at start-up, so
 * that no kernel-half directory entry ever changes after the first copy (Linux does this for
 * the PAE kernel PMDs), or keep the list of directories and write a new kernel-half entry into
 * each (Linux's {@code pgd_list}, walked by {@code sync_global_pgds} on 32-bit non-PAE).
 * Measured on the default machine ({@code qemu-pc-128M}, 32,224 free frames) with the layout of
 * {@link KernelLayout} ({@code AddressSpacesTest.kernelHalf_preallocation_costsFrames} keeps
 * these numbers true):
 * <table>
 *   <caption>cost of each way, in frames</caption>
 *   <tr><th></th><th>temporary-mapping</th><th>recursive</th><th>direct-map</th></tr>
 *   <tr><td>kernel tables after start-up</td><td>2</td><td>2</td><td>5</td></tr>
 *   <tr><td>pre-allocate the rest of PDE 768-1023</td><td>254 (1016 KiB)</td>
 *       <td>252 (1008 KiB; 1022-1023 are the windows)</td><td>251 (1004 KiB)</td></tr>
 *   <tr><td>propagate (this class)</td><td colspan="3">0 frames; a new or freed kernel table
 *       costs one directory-entry write per live directory</td></tr>
 * </table>
 * Propagation is chosen: pre-allocation costs about 0.8 % of this machine's memory (7 % of a
 * 16 MiB one) for kernel address space that the examples never touch (they use one kernel-heap
 * table at a time), and it would change what the {@code boot} and {@code run} outputs show: the
 * boot's frame counts, and a kmmap's "page tables +1" and a kunmap's "page tables -1". A kernel-half directory entry is therefore written through
 * {@link AddressSpace} only, which writes it in every live directory before it returns. A kernel
 * table that becomes empty is freed as before, but only after its entry is cleared in every
 * directory (and each strategy's window onto it is invalidated): never while referenced.
 *
 * <h2>create</h2>
 * <ol>
 *   <li>Take a frame for the directory (below the direct map's end for direct-map).</li>
 *   <li>Read the kernel directory's entries 768-1023 through the strategy.</li>
 *   <li>Write the new directory in one go through the strategy: user half zero, kernel half
 *       copied, the strategy's private entries set for the new directory (recursive: PDE 1023
 *       points at the new directory itself, PDE 1022 empty). One
 *       {@link KernelEvent.EntryWritten} for each non-zero entry.</li>
 *   <li>Add it to the list that kernel-half entries are written to.</li>
 * </ol>
 *
 * <h2>destroy</h2>
 * The space must be neither the kernel's nor loaded, and its user half must map nothing and
 * hold no swap entry (the frames and swap slots are the caller's: unmap first). Its remaining
 * user tables and its directory are freed; the kernel's tables are not touched. Recursive: any
 * live directory's alternate entry pointing at it is cleared first.
 *
 * <h2>switchTo</h2>
 * CR3 = the directory ({@link KernelEvent.Cr3Loaded}); the MMU drops every TLB entry that is not
 * global, and keeps global ones when CR4.PGE is set.
 *
 * <p>Not thread-safe.
 */
public final class AddressSpaces {
    private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    final Mmu mmu;
    final AccountedFrames frames;
    final EventSink events;
    private final long tableLimitPfn;
    /** How every directory's tables are reached: set by the boot once paging is on. */
    TableAccess access;
    /** The kernel half's tables, PDE 768-1023, shared by every directory. */
    final TableCounts kernelTables = new TableCounts();
    /**
     * The kernel's linear map, {@code [KERNEL_BASE, linearMapEnd)}: the boot mapped physical
     * memory there as it is (the kernel image; with direct-map, all of low memory; with 4 MiB
     * pages, whole 4 MiB blocks), so its entries point at frames whoever holds them, free ones
     * included. The invariant that mapped frames are held does not apply there.
     */
    long linearMapEnd = KernelLayout.KERNEL_BASE;
    /**
     * Whether every kernel-half page is mapped global: {@link AddressSpace} then adds G to each
     * kernel-half PTE and 4 MiB PDE it writes. Set by the boot before the first mapping.
     */
    boolean globalKernelPages;
    private final List<AddressSpace> spaces = new ArrayList<>();
    private final List<AddressSpace> view = Collections.unmodifiableList(spaces);

    AddressSpaces(Mmu mmu, AccountedFrames frames, long tableLimitPaddr, TableAccess access, EventSink events) {
        this.mmu = mmu;
        this.frames = frames;
        this.events = events;
        this.tableLimitPfn = tableLimitPaddr == Long.MAX_VALUE ? Long.MAX_VALUE : Addresses.paddrToPfn(tableLimitPaddr);
        useAccess(access);
    }

    /** The kernel's own space, in the (zeroed) directory at {@code directoryPaddr}: the boot's. */
    AddressSpace startKernel(long directoryPaddr) {
        if (!spaces.isEmpty()) {
            throw new AssertionError("the kernel's address space exists already: " + spaces.getFirst());
        }
        AddressSpace kernel = new AddressSpace(this, directoryPaddr);
        spaces.add(kernel);
        return kernel;
    }

    /** Swaps the way tables are reached: the boot does it once paging is on. */
    void useAccess(TableAccess access) {
        this.access = access;
        access.events = events;
    }

    /** A frame for a page table or directory, where the strategy can reach it; {@link FrameAllocator#NO_FRAME} if none. */
    long allocateTableFrame() {
        return tableLimitPfn == Long.MAX_VALUE ? frames.allocate(FrameOwner.PAGE_TABLE)
                : frames.allocateBelow(tableLimitPfn, FrameOwner.PAGE_TABLE);
    }

    // ---------------------------------------------------------------- views

    /** The kernel's own address space: the directory the boot built, the master copy of the kernel half. */
    public AddressSpace kernel() {
        return spaces.getFirst();
    }

    /** Every live address space, the kernel's first, then in the order they were created (unmodifiable). */
    public List<AddressSpace> all() {
        return view;
    }

    /** The space whose directory CR3 holds, or null when paging is off or CR3 holds no live directory. */
    public AddressSpace loaded() {
        if (!mmu.pagingEnabled()) {
            return null;
        }
        for (AddressSpace s : spaces) {
            if (s.isLoaded()) {
                return s;
            }
        }
        return null;
    }

    /** Whether frame {@code pfn} holds a live page directory. */
    public boolean isLiveDirectory(long pfn) {
        for (AddressSpace s : spaces) {
            if (s.directoryPfn() == pfn) {
                return true;
            }
        }
        return false;
    }

    /** How the kernel reaches the tables: null before paging is on. */
    public TableAccessStrategy strategy() {
        return access.strategy();
    }

    /** Page tables of the kernel half now: shared by every directory, counted once. */
    public long kernelPageTables() {
        return kernelTables.tablesAllocated - kernelTables.tablesFreed;
    }

    // ---------------------------------------------------------------- create, destroy, load

    /** What {@link #create} did. */
    public sealed interface CreateResult {
        /** A new directory: user half empty, kernel half shared. */
        record Created(AddressSpace space) implements CreateResult {
        }

        /** No frame was left for the directory; nothing changed. */
        record OutOfFrames() implements CreateResult {
            @Override
            public String toString() {
                return "no frame left for a page directory";
            }
        }
    }

    /**
     * A new address space: a directory whose kernel half is the kernel's (see the class comment).
     *
     * @throws IllegalStateException before paging is on
     */
    public CreateResult create() {
        if (access.strategy() == null) {
            throw new IllegalStateException("create: paging is not on yet (CR0=" + Addresses.hex(mmu.cr0())
                    + "); the kernel's directory is still being built");
        }
        long pfn = allocateTableFrame();
        if (pfn == FrameAllocator.NO_FRAME) {
            return new CreateResult.OutOfFrames();
        }
        byte[] page = new byte[Addresses.PAGE_BYTES];
        int from = 4 * KernelLayout.KERNEL_PDE;
        int cpl = mmu.cpl();
        mmu.setCpl(0);
        try {
            long master = access.openDirectory(kernel().directoryPfn());
            try {
                mmu.readBytes(master + from, page, from, page.length - from);
            } finally {
                access.close(master);
            }
            for (int pdi = KernelLayout.KERNEL_PDE; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
                if (access.isPrivateEntry(pdi)) {
                    LITTLE_ENDIAN_INT.set(page, 4 * pdi, access.privateEntry(pfn, pdi));
                }
            }
            long dir = access.openDirectory(pfn);
            try {
                mmu.writeBytes(dir, page, 0, page.length);
            } finally {
                access.close(dir);
            }
        } finally {
            mmu.setCpl(cpl);
        }
        if (events.enabled()) {
            for (int pdi = KernelLayout.KERNEL_PDE; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
                int entry = (int) LITTLE_ENDIAN_INT.get(page, 4 * pdi);
                if (entry != 0) {
                    events.emit(new KernelEvent.EntryWritten(pfn, pdi, KernelEvent.EntryWritten.DIRECTORY_ENTRY, 0, entry));
                }
            }
        }
        AddressSpace space = new AddressSpace(this, Addresses.pfnToPaddr(pfn));
        spaces.add(space);
        return new CreateResult.Created(space);
    }

    /**
     * Frees {@code space}'s directory and what is left of its user tables (see the class
     * comment); the space is unusable afterwards.
     *
     * @throws IllegalArgumentException for the kernel's space, or one that is not live
     * @throws IllegalStateException    when it is loaded, or still maps user pages or holds swap entries
     */
    public void destroy(AddressSpace space) {
        if (space == kernel()) {
            throw new IllegalArgumentException("destroy: " + space + " is the kernel's own; it lives as long as the kernel");
        }
        if (!spaces.contains(space)) {
            throw new IllegalArgumentException("destroy: " + space + " is not a live address space of this kernel");
        }
        if (space.isLoaded()) {
            throw new IllegalStateException("destroy: " + space + " is loaded (CR3=" + Addresses.hex(mmu.cr3())
                    + "); switch to another first");
        }
        TableCounts user = space.user;
        if (user.mappedPages != 0 || user.largePages != 0 || space.swapEntries() != 0) {
            throw new IllegalStateException("destroy: " + space + " still maps " + user.mappedPages + " pages of 4 KiB and "
                    + user.largePages + " of 4 MiB and holds " + space.swapEntries() + " swap entries in its user half;"
                    + " unmap them first (their frames and swap slots are the caller's)");
        }
        boolean canFree = frames.allocator().canFree();
        for (int pdi = 0; pdi < KernelLayout.KERNEL_PDE; pdi++) {
            long table = user.tablePfns[pdi];
            if (table >= 0 && canFree) {
                user.tablePfns[pdi] = -1;
                frames.free(table);
                user.tablesFreed++;
                if (events.enabled()) {
                    events.emit(new KernelEvent.TableFreed(space.directoryPfn(), pdi, table));
                }
            }
        }
        spaces.remove(space);
        long[] live = new long[spaces.size()];
        for (int i = 0; i < live.length; i++) {
            live[i] = spaces.get(i).directoryPfn();
        }
        int cpl = mmu.cpl();
        mmu.setCpl(0);
        try {
            access.directoryDestroyed(space.directoryPfn(), live);
        } finally {
            mmu.setCpl(cpl);
        }
        space.markDestroyed();
        frames.free(space.directoryPfn());
    }

    /**
     * Loads {@code space}'s directory into CR3: every non-global TLB entry is dropped (global
     * ones stay under CR4.PGE), even when it was loaded already.
     *
     * @throws IllegalArgumentException for a space that is not live
     * @throws IllegalStateException    before paging is on
     */
    public void switchTo(AddressSpace space) {
        if (!spaces.contains(space)) {
            throw new IllegalArgumentException("switchTo: " + space + " is not a live address space of this kernel");
        }
        if (!mmu.pagingEnabled()) {
            throw new IllegalStateException("switchTo: paging is off (CR0=" + Addresses.hex(mmu.cr0()) + ")");
        }
        mmu.setCr3(space.directoryPaddr());
        if (events.enabled()) {
            events.emit(new KernelEvent.Cr3Loaded(mmu.cr3()));
        }
    }

    /**
     * Runs {@code look} as an observer ({@link Mmu#observe}) that may read directories that are
     * not loaded, and leaves the way to them as it found it: under the recursive strategy a look
     * at another directory points the loaded directory's PDE 1022 at it, and this points the
     * entry back (with its INVLPGs). Two observers, one in the other: the inner one clears the A
     * and D flags the look's walks set while the entry still holds what the look left in it; the
     * entry is put back between them; the outer one clears the flags that took and gives the TLB
     * back, the old window pages included, now that the tables agree with them again. For
     * invariant checks and views of every process's tables, so that looking changes nothing a
     * later step sees. {@code look} must not load CR3 or write page tables.
     */
    public <T> T observe(Supplier<T> look) {
        return mmu.observe(() -> {
            Runnable restore = access.windowRestorer();
            try {
                return mmu.observe(look);
            } finally {
                restore.run();
            }
        });
    }

    /**
     * Checks every live space ({@link AddressSpace#checkInvariants}) and that no two share a
     * directory or a user table.
     *
     * @throws AssertionError naming the first disagreement
     */
    public void checkInvariants() {
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace s = spaces.get(i);
            s.checkInvariants();
            for (int j = 0; j < i; j++) {
                AddressSpace other = spaces.get(j);
                if (other.directoryPfn() == s.directoryPfn()) {
                    throw new AssertionError(s + " and " + other + " share their directory frame");
                }
                for (int pdi = 0; pdi < KernelLayout.KERNEL_PDE; pdi++) {
                    long table = s.user.tablePfns[pdi];
                    if (table >= 0 && other.tableOwnerOf(table) >= 0) {
                        throw new AssertionError("user page table " + Addresses.hex(table) + " of PDE " + pdi + " of " + s
                                + " is also a page table of " + other);
                    }
                }
            }
        }
    }
}
