package dev.pagelab.proc;

import dev.pagelab.hw.Addresses;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.Arrays;
import java.util.List;

/**
 * One process: a page directory that shares the kernel half ({@link #space()}), a user area run by
 * its own seed-004 page-range allocator from {@link KernelLayout#USER_HEAP_START}, its regions,
 * and what the kernel keeps per user page: the page's id in its replacement pool and the swap slot
 * holding its copy. Made and ended by {@link Processes}; read-only to everybody else.
 *
 * <pre>
 *   user page index i = (vaddr − USER_HEAP_START) / 4096     0 … 786,430
 *   poolIds[i]   the page's id in its pool (dense, in order of first fault), −1 before its first fault
 *   slots[i]     the swap slot holding its copy, −1 for none
 *   both arrays grow with the highest index touched
 * </pre>
 */
public final class Process {
    /** Pages of the user area: 0x1000 up to the kernel base. */
    public static final long USER_AREA_PAGES = (KernelLayout.USER_END - KernelLayout.USER_HEAP_START)
            >>> Addresses.PAGE_SHIFT;

    /** Where a process is in its life. */
    public enum State {
        /** Made, not on the CPU. */
        READY,
        /** Its directory is in CR3. */
        RUNNING,
        /** Taken off the CPU and out of memory to stop thrashing; it holds no frames. */
        SUSPENDED,
        /** Killed for a fault the kernel could not resolve; everything it held is freed. */
        KILLED,
        /** Ended by exit; everything it held is freed. */
        EXITED;

        /** Whether the process has ended (killed or exited). */
        public boolean ended() {
            return this == KILLED || this == EXITED;
        }
    }

    /**
     * Why the kernel killed a process.
     *
     * @param cr2       the faulting address
     * @param errorCode the page fault's error code
     * @param region    the region the address is in, or null
     * @param why       one sentence
     */
    public record KillReport(long cr2, int errorCode, Region region, String why) {
        @Override
        public String toString() {
            return why + " (CR2=" + Addresses.hex(cr2) + ", error code " + Addresses.hex(errorCode) + " = "
                    + dev.pagelab.hw.PageFault.decodeErrorCode(errorCode) + (region == null ? "" : ", region " + region)
                    + ")";
        }
    }

    final int pid;
    final String name;
    final long priority;
    final long size;
    final AddressSpace space;
    final PageRangeAllocator userArea;
    final long bitmapVaddr;
    final List<Region> regions;
    State state = State.READY;
    KillReport killReport;
    /** The process's own pool under local scope (null under global scope). */
    PagePool pool;

    int[] poolIds = new int[0];
    int[] slots = new int[0];

    long references;
    long faults;
    long zeroFills;
    long pageIns;
    long pageOuts;
    long writesAvoided;
    long evictions;
    int resident;
    int slotsHeld;
    long suspensions;
    /** Its resident pages when it was last suspended (load control resumes it when that many frames are free). */
    int residentAtSuspension;
    /** When it was last admitted (spawned or resumed), in admissions: load control suspends the latest first. */
    long admitted;

    Process(int pid, String name, long priority, long size, AddressSpace space, PageRangeAllocator userArea,
            long bitmapVaddr, List<Region> regions) {
        this.pid = pid;
        this.name = name;
        this.priority = priority;
        this.size = size;
        this.space = space;
        this.userArea = userArea;
        this.bitmapVaddr = bitmapVaddr;
        this.regions = List.copyOf(regions);
    }

    /** The user page index of {@code vaddr} (see the class comment). */
    static int indexOf(long vaddr) {
        return (int) ((vaddr - KernelLayout.USER_HEAP_START) >>> Addresses.PAGE_SHIFT);
    }

    /** The page address of user page index {@code index}. */
    static long vaddrOf(int index) {
        return KernelLayout.USER_HEAP_START + ((long) index << Addresses.PAGE_SHIFT);
    }

    /** The pool id of user page {@code index}, or −1. */
    int poolId(int index) {
        return index < poolIds.length ? poolIds[index] : -1;
    }

    void setPoolId(int index, int id) {
        if (index >= poolIds.length) {
            int old = poolIds.length;
            poolIds = Arrays.copyOf(poolIds, grow(old, index));
            Arrays.fill(poolIds, old, poolIds.length, -1);
        }
        poolIds[index] = id;
    }

    /** The swap slot of user page {@code index}, or −1. */
    int slot(int index) {
        return index < slots.length ? slots[index] : -1;
    }

    void setSlot(int index, int slot) {
        if (index >= slots.length) {
            int old = slots.length;
            slots = Arrays.copyOf(slots, grow(old, index));
            Arrays.fill(slots, old, slots.length, -1);
        }
        slots[index] = slot;
    }

    private static int grow(int old, int index) {
        return (int) Math.min(USER_AREA_PAGES, Math.max(index + 1L, Math.max(64, old * 2L)));
    }

    /** The process id (1, 2, 3, … in the order of spawn). */
    public int pid() {
        return pid;
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** Its priority (at least 1; higher gets more frames under priority allocation). */
    public long priority() {
        return priority;
    }

    /** Its size for proportional and priority allocation: its regions' pages, unless it was spawned with another. */
    public long size() {
        return size;
    }

    /** Its page directory and tables. */
    public AddressSpace space() {
        return space;
    }

    /** Its user area's page-range allocator (seed 004's two bits a page). */
    public PageRangeAllocator userArea() {
        return userArea;
    }

    /** Its regions, in the order they were made. */
    public List<Region> regions() {
        return regions;
    }

    /** The region holding {@code vaddr}, or null. */
    public Region regionOf(long vaddr) {
        for (Region r : regions) {
            if (r.contains(vaddr)) {
                return r;
            }
        }
        return null;
    }

    /** Where it is in its life. */
    public State state() {
        return state;
    }

    /** Why it was killed, or null. */
    public KillReport killReport() {
        return killReport;
    }

    /** The swap slot holding a copy of the page at {@code vaddr}, or −1. */
    public int swapSlotOf(long vaddr) {
        return vaddr < KernelLayout.USER_HEAP_START || vaddr >= KernelLayout.USER_END ? -1 : slot(indexOf(vaddr));
    }

    /** Its counts now. */
    public ProcessStats stats() {
        return new ProcessStats(references, faults, zeroFills, pageIns, pageOuts, writesAvoided, evictions, resident,
                pool == null ? -1 : pool.capacity, slotsHeld, suspensions);
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + name + ")";
    }
}
