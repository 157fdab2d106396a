package dev.pagelab.proc;

import dev.pagelab.hw.Pte;
import dev.pagelab.replace.FreeFrames;
import dev.pagelab.replace.Pool;
import dev.pagelab.replace.ReplacementPolicy;
import java.util.Arrays;

/**
 * The kernel's side of one replacement pool: the {@link Pool} a policy sees, on real page tables.
 * Under local scope there is one a process (its quota of frames), under global scope one for all.
 * The reference and dirty bits are the PTEs' Accessed and Dirty bits, read and cleared through the
 * owning process's {@link dev.pagelab.paging.PageEntries}, with the INVLPG a kernel needs.
 *
 * <pre>
 *   pool frame f (0 … capacity−1)   pageAt[f]  the page in it, or −1
 *                                   pfnAt[f]   the physical frame behind it while it holds a page
 *   page id p (0, 1, … in order of first fault in this pool)
 *                                   frameOf[p] its pool frame, or −1
 *                                   ownerOf[p], indexOf[p]  the process and user page index it is
 *   free pool frames: {@link FreeFrames}, lowest first as in the replay engine (a frame a page
 *   left without another taking it, at a release, an exit or a new quota, goes back to it), so
 *   Clock's circle is the frames in the order the pool received them
 * </pre>
 *
 * A pool frame holds a physical frame only while a page is in it: the frame comes from the
 * kernel's frame allocator at the fault that fills the pool frame, passes from victim to newcomer
 * at a replacement, and goes back to the allocator when the pool frame is left empty.
 */
final class PagePool implements Pool {
    private final Processes owner;
    /** The process under local scope, null under global scope. */
    final Process process;
    int capacity;
    int[] pageAt;
    long[] pfnAt;
    int[] frameOf = new int[0];
    Process[] ownerOf = new Process[0];
    int[] indexOf = new int[0];
    int pages;
    int resident;
    private FreeFrames free;

    ReplacementPolicy policy;
    boolean everyReference;
    /** Pool time: the references this pool has seen. */
    long time;
    long nextTick = Long.MAX_VALUE;
    long tickInterval;

    PagePool(Processes owner, Process process, int capacity) {
        this.owner = owner;
        this.process = process;
        this.capacity = capacity;
        this.pageAt = new int[capacity];
        this.pfnAt = new long[capacity];
        Arrays.fill(pageAt, -1);
        Arrays.fill(pfnAt, -1);
        this.free = new FreeFrames(capacity, 0);
    }

    /** The id of {@code process}'s user page {@code index}, made at its first fault in this pool. */
    int idOf(Process p, int index) {
        int id = p.poolId(index);
        if (id >= 0) {
            return id;
        }
        id = pages++;
        if (id >= frameOf.length) {
            int length = Math.max(64, frameOf.length * 2);
            frameOf = Arrays.copyOf(frameOf, length);
            Arrays.fill(frameOf, id, length, -1);
            ownerOf = Arrays.copyOf(ownerOf, length);
            indexOf = Arrays.copyOf(indexOf, length);
        }
        ownerOf[id] = p;
        indexOf[id] = index;
        p.setPoolId(index, id);
        return id;
    }

    /** The lowest-numbered free pool frame (the pool is not full). */
    int lowestFreeFrame() {
        return free.take();
    }

    /** Puts {@code page} into pool frame {@code frame}, backed by physical frame {@code pfn}. */
    void place(int page, int frame, long pfn) {
        pageAt[frame] = page;
        pfnAt[frame] = pfn;
        frameOf[page] = frame;
        resident++;
    }

    /** Takes {@code page} out of its frame, which keeps its physical frame for the caller to reuse or free. */
    void remove(int page) {
        pageAt[frameOf[page]] = -1;
        frameOf[page] = -1;
        resident--;
    }

    /** Marks pool frame {@code frame} free after its page left without another taking it. */
    void frameLeftEmpty(int frame) {
        pfnAt[frame] = -1;
        free.free(frame);
    }

    /**
     * Starts the pool afresh with {@code newCapacity} frames and a new policy: the resident pages
     * keep their physical frames and their A and D bits, and move to pool frames 0, 1, … in the
     * order of their old pool frames; the policy is told of each as loaded. The caller has already
     * removed the pages that do not fit. The policy is made once the pool has its new capacity,
     * which policies size their state by.
     */
    void rebuild(int newCapacity, java.util.function.Supplier<ReplacementPolicy> newPolicy) {
        if (resident > newCapacity) {
            throw new IllegalStateException(resident + " pages resident in a pool rebuilt with " + newCapacity + " frames");
        }
        int[] oldPages = pageAt;
        long[] oldPfns = pfnAt;
        capacity = newCapacity;
        pageAt = new int[newCapacity];
        pfnAt = new long[newCapacity];
        Arrays.fill(pageAt, -1);
        Arrays.fill(pfnAt, -1);
        int next = 0;
        for (int f = 0; f < oldPages.length; f++) {
            int page = oldPages[f];
            if (page >= 0) {
                pageAt[next] = page;
                pfnAt[next] = oldPfns[f];
                frameOf[page] = next;
                next++;
            }
        }
        free = new FreeFrames(newCapacity, next);
        installPolicy(newPolicy.get());
        for (int f = 0; f < next; f++) {
            policy.loaded(pageAt[f], f, false, time, ReplacementPolicy.NEVER);
        }
    }

    void installPolicy(ReplacementPolicy newPolicy) {
        policy = newPolicy;
        long interval = newPolicy.tickInterval();
        if (interval < 0) {
            throw new IllegalStateException("a policy has a negative tick interval " + interval);
        }
        tickInterval = interval;
        nextTick = interval > 0 ? (time / interval + 1) * interval : Long.MAX_VALUE;
    }

    long vaddrOf(int page) {
        return Process.vaddrOf(indexOf[page]);
    }

    // ---------------------------------------------------------------- Pool

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int residentPages() {
        return resident;
    }

    @Override
    public int pageAt(int frame) {
        return pageAt[frame];
    }

    @Override
    public int frameOf(int page) {
        return page >= 0 && page < pages ? frameOf[page] : -1;
    }

    @Override
    public boolean isReferenced(int page) {
        return (pte(page, "isReferenced") & Pte.ACCESSED) != 0;
    }

    @Override
    public boolean testAndClearReferenced(int page) {
        residentPage(page, "testAndClearReferenced");
        return owner.testAndClearAccessed(ownerOf[page], vaddrOf(page));
    }

    @Override
    public boolean isDirty(int page) {
        return (pte(page, "isDirty") & Pte.DIRTY) != 0;
    }

    @Override
    public void release(int page) {
        residentPage(page, "release");
        owner.release(this, page);
    }

    private int pte(int page, String what) {
        residentPage(page, what);
        return ownerOf[page].space.entries().pte(vaddrOf(page));
    }

    private void residentPage(int page, String what) {
        if (page < 0 || page >= pages || frameOf[page] < 0) {
            throw new IllegalArgumentException(what + ": page " + page + " is not resident in this pool"
                    + (process == null ? " (global)" : " of " + process) + " at pool time " + time);
        }
    }
}
