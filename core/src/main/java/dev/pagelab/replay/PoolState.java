package dev.pagelab.replay;

import dev.pagelab.replace.FreeFrames;
import dev.pagelab.replace.Pool;
import dev.pagelab.replace.ReplacementPolicy;
import java.util.Arrays;

/**
 * One pool of frames in the replay engine, on primitive arrays: the {@link Pool} a policy sees.
 * Under local scope there is one a process (page ids are the process's own), under global scope
 * one for all (page ids are global).
 *
 * <pre>
 *   pageAt[frame]  page in the frame, or −1          frames 0 … capacity−1
 *   frameOf[page]  frame of the page, or −1          pages 0 … (pages known)−1
 *   bits[page]     REFERENCED | DIRTY of a resident page
 *   free frames: {@link FreeFrames}, lowest first; release() gives a frame back to it
 * </pre>
 */
final class PoolState implements Pool {
    static final byte REFERENCED = 1;
    static final byte DIRTY = 2;

    final int capacity;
    /** The process this pool belongs to under local scope, −1 under global scope. */
    final int pid;
    final int[] pageAt;
    int[] frameOf = new int[0];
    byte[] bits = new byte[0];
    int resident;
    /** Pool time: the references this pool has seen. */
    long time;
    long nextTick = Long.MAX_VALUE;
    long tickInterval;

    private final FreeFrames free;

    ReplacementPolicy policy;
    boolean everyReference;
    private final PolicyRun run;

    PoolState(PolicyRun run, int capacity, int pid) {
        this.run = run;
        this.capacity = capacity;
        this.pid = pid;
        this.pageAt = new int[capacity];
        Arrays.fill(pageAt, -1);
        this.free = new FreeFrames(capacity, 0);
    }

    /** Makes room for page ids below {@code pages}. */
    void ensurePages(int pages) {
        if (pages <= frameOf.length) {
            return;
        }
        int old = frameOf.length;
        int length = Math.max(pages, (int) Math.min(Integer.MAX_VALUE - 16L, old * 2L));
        frameOf = Arrays.copyOf(frameOf, length);
        Arrays.fill(frameOf, old, length, -1);
        bits = Arrays.copyOf(bits, length);
    }

    /** The lowest-numbered free frame (the pool is not full). */
    int lowestFreeFrame() {
        return free.take();
    }

    /** Puts {@code page} into {@code frame}, clean and referenced (dirty for a write). */
    void place(int page, int frame, boolean write) {
        pageAt[frame] = page;
        frameOf[page] = frame;
        bits[page] = write ? REFERENCED | DIRTY : REFERENCED;
        resident++;
    }

    /** Takes {@code page} out of its frame; returns whether it was dirty. The frame stays marked used. */
    boolean remove(int page) {
        int frame = frameOf[page];
        boolean dirty = (bits[page] & DIRTY) != 0;
        pageAt[frame] = -1;
        frameOf[page] = -1;
        bits[page] = 0;
        resident--;
        return dirty;
    }

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
        return page >= 0 && page < frameOf.length ? frameOf[page] : -1;
    }

    @Override
    public boolean isReferenced(int page) {
        return (bits[residentPage(page, "isReferenced")] & REFERENCED) != 0;
    }

    @Override
    public boolean testAndClearReferenced(int page) {
        byte b = bits[residentPage(page, "testAndClearReferenced")];
        bits[page] = (byte) (b & ~REFERENCED);
        return (b & REFERENCED) != 0;
    }

    @Override
    public boolean isDirty(int page) {
        return (bits[residentPage(page, "isDirty")] & DIRTY) != 0;
    }

    @Override
    public void release(int page) {
        residentPage(page, "release");
        int frame = frameOf[page];
        run.evicted(this, page);
        free.free(frame);
    }

    private int residentPage(int page, String what) {
        if (page < 0 || page >= frameOf.length || frameOf[page] < 0) {
            throw new IllegalArgumentException(what + ": page " + page + " is not resident in this pool (policy "
 + run.name + ", pool time " + time + ")");
        }
        return page;
    }
}
