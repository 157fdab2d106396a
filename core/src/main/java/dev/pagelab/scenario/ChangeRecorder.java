package dev.pagelab.scenario;

import com.carrotsearch.hppc.IntLongHashMap;
import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.LongIntHashMap;
import com.carrotsearch.hppc.LongObjectHashMap;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.event.KernelEventListener;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.SwapDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step changed, worked out from the kernel's {@link KernelEvent}s during the step: it
 * costs what the step did, never a look at every frame or every page of the machine.
 *
 * <ul>
 *   <li><b>Frames</b>: each {@link KernelEvent.FrameTaken}, {@link KernelEvent.FrameFreed} and
 *       {@link KernelEvent.FrameOwnerChanged} moves a frame from one owner to another; a frame's
 *       first owner in the step and its last are compared, so a frame taken and given back is
 *       no change.</li>
 *   <li><b>Pages</b> of the kernel's own address space, as {@link dev.pagelab.paging.PageTableDump}
 *       shows them (a page is its physical page, its rights combined over both levels, and
 *       whether a 4 MiB entry maps it). Every {@link KernelEvent.EntryWritten} is a write of
 *       entry {@code i} of one frame of paging structures (the directory for a PDE, the table a
 *       PDE points at for a PTE), and its {@code before} is what that entry held before the
 *       step when it is the first write there. So the entries as they were before the step are
 *       the logged first values, and RAM for every entry the step did not write; as they are
 *       after, RAM. A page may have changed when a PTE of it was written, when the directory
 *       entry above it was (all 1024 pages below it then; the old table's entries are kept when
 *       the entry is written, before the table can be reused), and, when a directory entry
 *       points back at the directory (the recursive strategy's PDE 1023), the window page that
 *       shows the directory entry written. Each such page is looked up in both versions and
 *       reported when they differ: present/not-present transitions, remaps and changes of
 *       rights of 4 KiB and 4 MiB pages.</li>
 *   <li><b>Page tables</b> made and freed: {@link KernelEvent.TableAllocated} and
 *       {@link KernelEvent.TableFreed}, counted.</li>
 *   <li><b>Heap blocks</b>: {@link KernelEvent.HeapBlockAllocated} and
 *       {@link KernelEvent.HeapBlockFreed}; a block handed out and given back in the same step
 *       (the same address and size) cancels.</li>
 *   <li><b>Pages of processes</b>: the same, in each process's own directory, for its user half
 *       (below 0xC0000000; the kernel half is shared and reported once, above): an entry written
 *       in a process's directory is that process's, whatever CR3 held (a global replacement evicts
 *       another process's page; an access switches CR3 first). A not-present entry that holds
 *       pagelab's swap entry is reported as the swap slot it names; a process that ended in the
 *       step has nothing mapped after it. Processes are known from {@link KernelEvent.ProcessSpawned}
 *       and {@link KernelEvent.ProcessExited}, which name their directories.</li>
 * </ul>
 * The pages above are those of the kernel's own directory, the one the boot built, whichever is
 * loaded. Reads physical memory directly, as a debugger does: recording changes nothing. Not
 * thread-safe; one recorder a runner, {@link #start} before each step.
 */
final class ChangeRecorder implements KernelEventListener {
    private static final FrameOwner[] OWNERS = FrameOwner.values();
    /** The entry flags that decide access, as the page-table dump compares them. */
    private static final int COMPARED_FLAGS = Pte.WRITABLE | Pte.USER | Pte.WRITE_THROUGH | Pte.CACHE_DISABLE
            | Pte.GLOBAL;
    /** Marks a page mapped by a 4 MiB entry in a target; bit 0 is free since P is implied. */
    private static final long LARGE = 1;
    private static final long NOT_MAPPED = -1;
    private static final int ENTRIES = Addresses.ENTRIES_PER_TABLE;
    private static final int INDEX_BITS = 10;

    /** Marks a user page whose not-present PTE holds a swap entry, in a target: {@code SWAPPED - slot}. */
    private static final long SWAPPED = -2;
    private static final int USER_PDES = KernelLayout.KERNEL_PDE;

    private final Mmu mmu;
    /** The kernel's own directory, whose pages {@link Changes#pages()} reports. */
    private final long directoryPfn;
    /** Each process's directory: its pid, and the other way; kept from step to step. */
    private final LongIntHashMap pidOfDirectory = new LongIntHashMap();
    private final IntLongHashMap directoryOfPid = new IntLongHashMap();

    private final LongIntHashMap frameSlots = new LongIntHashMap();
    private long[] framePfns = new long[16];
    private byte[] ownersBefore = new byte[16];
    private byte[] ownersAfter = new byte[16];
    private int frames;

    /** First values of the entries written in the step: key {@code frame << 10 | index}. */
    private final LongIntHashMap entriesBefore = new LongIntHashMap();
    /** Tables whose directory entry was rewritten: their entries as they were then. */
    private final LongObjectHashMap<int[]> tablesBefore = new LongObjectHashMap<>();
    /** Virtual page numbers whose PTE was written. */
    private final LongHashSet writtenPages = new LongHashSet();
    /** Directory entries of the loaded directory written in the step, one bit each. */
    private final long[] writtenPdes = new long[ENTRIES / Long.SIZE];
    private boolean anyPdeWritten;

    /** Process directories written in the step: the user pages whose PTE was, and the user PDEs. */
    private final LongObjectHashMap<DirectoryWrites> processWrites = new LongObjectHashMap<>();
    /** Process directories destroyed in the step (their process ended): nothing is mapped after it. */
    private final LongHashSet destroyed = new LongHashSet();

    private long tablesMade;
    private long tablesFreed;
    /** Heap blocks: +1 handed out, -1 given back, in the order first seen. */
    private final Map<Changes.Block, Integer> blocks = new LinkedHashMap<>();

    /** What the step wrote in one process's directory: its user pages whose PTE was, and its PDEs (both halves). */
    private static final class DirectoryWrites {
        final LongHashSet pages = new LongHashSet();
        final long[] pdes = new long[ENTRIES / Long.SIZE];
    }

    /** A recorder for the kernel whose own directory is in frame {@code kernelDirectoryPfn}. */
    ChangeRecorder(Mmu mmu, long kernelDirectoryPfn) {
        this.mmu = mmu;
        this.directoryPfn = kernelDirectoryPfn;
    }

    /** Forgets the last step: from now on, events count for the next one. */
    void start() {
        processWrites.clear();
        destroyed.clear();
        frameSlots.clear();
        frames = 0;
        entriesBefore.clear();
        tablesBefore.clear();
        writtenPages.clear();
        Arrays.fill(writtenPdes, 0);
        anyPdeWritten = false;
        tablesMade = 0;
        tablesFreed = 0;
        blocks.clear();
    }

    @Override
    public void on(KernelEvent event) {
        switch (event) {
            case KernelEvent.FrameTaken t -> frame(t.pfn(), FrameOwner.FREE, t.owner());
            case KernelEvent.FrameFreed f -> frame(f.pfn(), f.owner(), FrameOwner.FREE);
            case KernelEvent.FrameOwnerChanged c -> frame(c.pfn(), c.before(), c.after());
            case KernelEvent.EntryWritten e -> entry(e);
            case KernelEvent.TableAllocated t -> tablesMade++;
            case KernelEvent.TableFreed t -> tablesFreed++;
            case KernelEvent.HeapBlockAllocated b -> blocks.merge(new Changes.Block(b.vaddr(), b.bytes()), 1, Integer::sum);
            case KernelEvent.HeapBlockFreed b -> blocks.merge(new Changes.Block(b.vaddr(), b.bytes()), -1, Integer::sum);
            case KernelEvent.ProcessSpawned p -> {
                pidOfDirectory.put(p.directoryPfn(), p.pid());
                directoryOfPid.put(p.pid(), p.directoryPfn());
            }
            case KernelEvent.ProcessExited p -> {
                if (directoryOfPid.containsKey(p.pid())) {
                    destroyed.add(directoryOfPid.get(p.pid()));
                }
            }
            default -> {
                // INVLPG, CR3, the temporary slot, faults and the heap's inner steps change no frame, page or block.
            }
        }
    }

    /** What changed since {@link #start}. */
    Changes changes() {
        return new Changes(frameChanges(), pageChanges(), processPageChanges(), tablesMade, tablesFreed, blocks(1),
                blocks(-1));
    }

    // ---------------------------------------------------------------- recording

    private void frame(long pfn, FrameOwner before, FrameOwner after) {
        int slot = frameSlots.getOrDefault(pfn, -1);
        if (slot < 0) {
            if (frames == framePfns.length) {
                framePfns = Arrays.copyOf(framePfns, 2 * frames);
                ownersBefore = Arrays.copyOf(ownersBefore, 2 * frames);
                ownersAfter = Arrays.copyOf(ownersAfter, 2 * frames);
            }
            slot = frames++;
            frameSlots.put(pfn, slot);
            framePfns[slot] = pfn;
            ownersBefore[slot] = (byte) before.ordinal();
        }
        ownersAfter[slot] = (byte) after.ordinal();
    }

    private void entry(KernelEvent.EntryWritten e) {
        boolean kernels = e.directoryPfn() == directoryPfn;
        if (e.isDirectoryEntry()) {
            if (kernels) {
                writtenPdes[e.pdi() >>> 6] |= 1L << e.pdi();
                anyPdeWritten = true;
            } else {
                // Both halves: the kernel's directory may show this one through its alternate entry.
                DirectoryWrites w = writesOf(e.directoryPfn());
                w.pdes[e.pdi() >>> 6] |= 1L << e.pdi();
            }
            if ((kernels || e.pdi() < USER_PDES) && isTable(e.before())) {
                keepTable(Pde.tablePfn(e.before()));
            }
            logFirst(e.directoryPfn(), e.pdi(), e.before());
            return;
        }
        // The table written is the one the event's directory entry points at now.
        int pde = ram(e.directoryPfn(), e.pdi());
        if (isTable(pde)) {
            logFirst(Pde.tablePfn(pde), e.pti(), e.before());
            long vpn = (long) e.pdi() << INDEX_BITS | e.pti();
            // A kernel-half table is shared by every directory: its pages are the kernel's.
            if (kernels || e.pdi() >= USER_PDES) {
                writtenPages.add(vpn);
            } else {
                writesOf(e.directoryPfn()).pages.add(vpn);
            }
        }
    }

    private DirectoryWrites writesOf(long directory) {
        DirectoryWrites w = processWrites.get(directory);
        if (w == null) {
            w = new DirectoryWrites();
            processWrites.put(directory, w);
        }
        return w;
    }

    private void logFirst(long framePfn, int index, int before) {
        long key = framePfn << INDEX_BITS | index;
        if (!entriesBefore.containsKey(key)) {
            entriesBefore.put(key, before);
        }
    }

    /** Keeps what table {@code pfn} holds now, before its directory entry lets it go and it can be reused. */
    private void keepTable(long pfn) {
        if (tablesBefore.containsKey(pfn)) {
            return;
        }
        int[] entries = new int[ENTRIES];
        for (int i = 0; i < ENTRIES; i++) {
            entries[i] = ram(pfn, i);
        }
        tablesBefore.put(pfn, entries);
    }

    // ---------------------------------------------------------------- working out the change

    private List<Changes.FrameChange> frameChanges() {
        long[] keys = new long[frames];
        for (int i = 0; i < frames; i++) {
            keys[i] = framePfns[i] << 32 | i; // frame numbers are below 2^20
        }
        Arrays.sort(keys);
        List<Changes.FrameChange> out = new ArrayList<>();
        for (long key : keys) {
            int i = (int) key;
            if (ownersBefore[i] != ownersAfter[i]) {
                out.add(new Changes.FrameChange(framePfns[i], OWNERS[ownersBefore[i]], OWNERS[ownersAfter[i]]));
            }
        }
        return out;
    }

    private List<Changes.PageChange> pageChanges() {
        LongHashSet candidates = new LongHashSet(writtenPages);
        if (anyPdeWritten || !processWrites.isEmpty()) {
            for (int pdi = 0; pdi < ENTRIES; pdi++) {
                boolean written = pdeWritten(pdi);
                if (written) {
                    for (int pti = 0; pti < ENTRIES; pti++) {
                        candidates.add((long) pdi << INDEX_BITS | pti);
                    }
                }
                // A directory entry that points at a directory (back at this one: the recursive
                // entry; at another: the alternate one) shows each of that directory's entries as a page.
                windowOnto(entry(directoryPfn, pdi, true), pdi, candidates);
                windowOnto(entry(directoryPfn, pdi, false), pdi, candidates);
            }
        }
        long[] vpns = candidates.toArray();
        Arrays.sort(vpns);
        boolean pse = (mmu.cr4() & Mmu.CR4_PSE) != 0;
        List<Changes.PageChange> out = new ArrayList<>();
        for (long vpn : vpns) {
            long before = target(vpn, true, pse);
            long after = target(vpn, false, pse);
            if (before != after) {
                out.add(new Changes.PageChange(vpn << Addresses.PAGE_SHIFT, page(before), page(after), rights(before),
                        rights(after)));
            }
        }
        return out;
    }

    private boolean pdeWritten(int pdi) {
        return (writtenPdes[pdi >>> 6] & 1L << pdi) != 0;
    }

    /**
     * Adds the pages that directory entry {@code pdi}, holding {@code pde}, shows of the entries
     * written in the directory it points at, when it points at one whose entries were written.
     */
    private void windowOnto(int pde, int pdi, LongHashSet candidates) {
        if (!isTable(pde)) {
            return;
        }
        long table = Pde.tablePfn(pde);
        long[] written = table == directoryPfn ? (anyPdeWritten ? writtenPdes : null)
                : processWrites.containsKey(table) ? processWrites.get(table).pdes : null;
        if (written == null) {
            return;
        }
        for (int w = 0; w < ENTRIES; w++) {
            if ((written[w >>> 6] & 1L << w) != 0) {
                candidates.add((long) pdi << INDEX_BITS | w);
            }
        }
    }

    /**
     * Where page {@code vpn} of the loaded directory goes, before or after the step, as the
     * page-table dump sees it: {@code paddr | rights | LARGE}, or {@link #NOT_MAPPED}.
     */
    private long target(long vpn, boolean before, boolean pse) {
        int pdi = (int) (vpn >>> INDEX_BITS);
        int pti = (int) (vpn & (ENTRIES - 1));
        int pde = entry(directoryPfn, pdi, before);
        if (!Pde.isPresent(pde)) {
            return NOT_MAPPED;
        }
        if (Pde.isLarge(pde) && pse) {
            return Pde.largePaddr(pde) + ((long) pti << Addresses.PAGE_SHIFT) | (pde & COMPARED_FLAGS) | LARGE;
        }
        int pte = entry(Pde.tablePfn(pde), pti, before);
        if (!Pte.isPresent(pte)) {
            return NOT_MAPPED;
        }
        int rights = (pde & pte & (Pte.WRITABLE | Pte.USER)) | (pte & COMPARED_FLAGS & ~(Pte.WRITABLE | Pte.USER));
        return Pte.paddr(pte) | rights;
    }

    /**
     * The user pages of process directories whose entries say something else after the step:
     * by pid, then by address.
     */
    private List<Changes.ProcessPageChange> processPageChanges() {
        if (processWrites.isEmpty()) {
            return List.of();
        }
        boolean pse = (mmu.cr4() & Mmu.CR4_PSE) != 0;
        List<Changes.ProcessPageChange> out = new ArrayList<>();
        for (var cursor : processWrites) {
            long directory = cursor.key;
            DirectoryWrites w = cursor.value;
            LongHashSet candidates = new LongHashSet(w.pages);
            for (int pdi = 0; pdi < USER_PDES; pdi++) {
                if ((w.pdes[pdi >>> 6] & 1L << pdi) != 0) {
                    for (int pti = 0; pti < ENTRIES; pti++) {
                        candidates.add((long) pdi << INDEX_BITS | pti);
                    }
                }
            }
            int pid = pidOfDirectory.getOrDefault(directory, 0);
            boolean gone = destroyed.contains(directory);
            for (var vpn : candidates) {
                long before = userTarget(directory, vpn.value, true, pse);
                long after = gone ? NOT_MAPPED : userTarget(directory, vpn.value, false, pse);
                if (before != after) {
                    out.add(new Changes.ProcessPageChange(pid, vpn.value << Addresses.PAGE_SHIFT, state(before),
                            state(after)));
                }
            }
        }
        out.sort(Comparator.comparingInt(Changes.ProcessPageChange::pid).thenComparingLong(Changes.ProcessPageChange::vaddr));
        return out;
    }

    /**
     * What user page {@code vpn} of the directory in {@code directory} holds, before the step or
     * after it: as {@link #target}, or {@code SWAPPED - slot} for a swap entry.
     */
    private long userTarget(long directory, long vpn, boolean before, boolean pse) {
        int pdi = (int) (vpn >>> INDEX_BITS);
        int pde = entry(directory, pdi, before);
        if (!Pde.isPresent(pde)) {
            return NOT_MAPPED;
        }
        if (Pde.isLarge(pde) && pse) {
            return Pde.largePaddr(pde) + ((vpn & (ENTRIES - 1)) << Addresses.PAGE_SHIFT) | (pde & COMPARED_FLAGS) | LARGE;
        }
        int pte = entry(Pde.tablePfn(pde), (int) (vpn & (ENTRIES - 1)), before);
        if (Pte.isPresent(pte)) {
            int rights = (pde & pte & (Pte.WRITABLE | Pte.USER)) | (pte & COMPARED_FLAGS & ~(Pte.WRITABLE | Pte.USER));
            return Pte.paddr(pte) | rights;
        }
        int slot = SwapDevice.slotOf(pte);
        return slot >= 0 ? SWAPPED - slot : NOT_MAPPED;
    }

    private static Changes.PageState state(long target) {
        if (target <= SWAPPED) {
            return new Changes.PageState(-1, 0, (int) (SWAPPED - target));
        }
        return new Changes.PageState(page(target), rights(target), -1);
    }

    /** Entry {@code index} of the paging structure in frame {@code framePfn}, before the step or now. */
    private int entry(long framePfn, int index, boolean before) {
        if (before) {
            long key = framePfn << INDEX_BITS | index;
            if (entriesBefore.containsKey(key)) {
                return entriesBefore.get(key);
            }
            int[] kept = tablesBefore.get(framePfn);
            if (kept != null) {
                return kept[index];
            }
        }
        return ram(framePfn, index);
    }

    /** An entry as the MMU would read it from RAM; -1 (present, all bits) past the end, as the dump reads it. */
    private int ram(long framePfn, int index) {
        PhysicalMemory memory = mmu.memory();
        long paddr = Addresses.pfnToPaddr(framePfn) + 4L * index;
        return paddr <= memory.sizeBytes() - 4 ? memory.read32(paddr) : -1;
    }

    /** Whether a directory entry points at a page table (present, not a 4 MiB page under CR4.PSE). */
    private boolean isTable(int pde) {
        return Pde.isPresent(pde) && !(Pde.isLarge(pde) && (mmu.cr4() & Mmu.CR4_PSE) != 0);
    }

    private static long page(long target) {
        return target < 0 ? -1 : target & ~Addresses.PAGE_OFFSET_MASK;
    }

    private static int rights(long target) {
        return target < 0 ? 0 : (int) (target & Addresses.PAGE_OFFSET_MASK & ~LARGE);
    }

    private List<Changes.Block> blocks(int sign) {
        return blocks.entrySet().stream().filter(b -> Integer.signum(b.getValue()) == sign).map(Map.Entry::getKey)
                .sorted((a, b) -> Long.compare(a.vaddr(), b.vaddr())).toList();
    }
}
