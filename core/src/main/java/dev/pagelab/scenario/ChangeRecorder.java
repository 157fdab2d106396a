package dev.pagelab.scenario;

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
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   <li><b>Pages</b> of the address space loaded in CR3, as {@link dev.pagelab.paging.PageTableDump}
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
 * </ul>
 * A step is one kernel call on the loaded address space: the recorder does not follow a CR3 load
 * in the middle of a step (no step does one). Reads physical memory directly, as a debugger does:
 * recording changes nothing. Not thread-safe; one recorder a runner, {@link #start} before each
 * step.
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

    private final Mmu mmu;
    private long directoryPfn;

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

    private long tablesMade;
    private long tablesFreed;
    /** Heap blocks: +1 handed out, -1 given back, in the order first seen. */
    private final Map<Changes.Block, Integer> blocks = new LinkedHashMap<>();

    ChangeRecorder(Mmu mmu) {
        this.mmu = mmu;
    }

    /** Forgets the last step: from now on, events count for the next one. */
    void start() {
        directoryPfn = Addresses.paddrToPfn(mmu.cr3() & Pde.TABLE_MASK & 0xFFFF_FFFFL);
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
            default -> {
                // INVLPG, CR3, the temporary slot, faults and the heap's inner steps change no frame, page or block.
            }
        }
    }

    /** What changed since {@link #start}. */
    Changes changes() {
        return new Changes(frameChanges(), pageChanges(), tablesMade, tablesFreed, blocks(1), blocks(-1));
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
        if (e.isDirectoryEntry()) {
            if (e.directoryPfn() == directoryPfn) {
                writtenPdes[e.pdi() >>> 6] |= 1L << e.pdi();
                anyPdeWritten = true;
                if (isTable(e.before())) {
                    keepTable(Pde.tablePfn(e.before()));
                }
            }
            logFirst(e.directoryPfn(), e.pdi(), e.before());
            return;
        }
        // The table written is the one the event's directory entry points at now.
        int pde = ram(e.directoryPfn(), e.pdi());
        if (isTable(pde)) {
            logFirst(Pde.tablePfn(pde), e.pti(), e.before());
            writtenPages.add((long) e.pdi() << INDEX_BITS | e.pti());
        }
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
        if (anyPdeWritten) {
            for (int pdi = 0; pdi < ENTRIES; pdi++) {
                boolean written = pdeWritten(pdi);
                if (written) {
                    for (int pti = 0; pti < ENTRIES; pti++) {
                        candidates.add((long) pdi << INDEX_BITS | pti);
                    }
                }
                // A directory entry that points back at the directory shows every directory entry as a page.
                if (pointsAtDirectory(entry(directoryPfn, pdi, true)) || pointsAtDirectory(entry(directoryPfn, pdi, false))) {
                    for (int written2 = 0; written2 < ENTRIES; written2++) {
                        if (pdeWritten(written2)) {
                            candidates.add((long) pdi << INDEX_BITS | written2);
                        }
                    }
                }
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

    private boolean pointsAtDirectory(int pde) {
        return isTable(pde) && Pde.tablePfn(pde) == directoryPfn;
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
