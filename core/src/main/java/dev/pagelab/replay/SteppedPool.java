package dev.pagelab.replay;

import dev.pagelab.replace.FreeFrames;
import dev.pagelab.replace.Pool;
import dev.pagelab.replace.ReplacementPolicy;
import java.util.Arrays;

/**
 * One pool of a {@link SteppedRun}: {@link PoolState}'s arrays and rules, plus a record of every
 * change. Each change of a frame's page or of a resident page's A/D bits is told to the run (which
 * logs it against the machine frame {@code base + frame}), and while the policy chooses a victim
 * ({@link #choosing}) every {@link #testAndClearReferenced} is told as a probe: the page and its A
 * bit before.
 *
 * <pre>
 *   pageAt[frame]  page in the frame, or −1        frames 0 … capacity−1 (machine frames base + frame)
 *   frameOf[page]  frame of the page, or −1        the pool's pages, all known before the run
 *   bits[page]     REFERENCED | DIRTY of a resident page
 *   globalOf[page] the stream's global id of a local page (null under global scope: the same)
 * </pre>
 */
final class SteppedPool implements Pool {
    private final SteppedRun run;
    final int capacity;
    /** The process under local scope, −1 under global scope. */
    final int pid;
    /** The machine frame of this pool's frame 0. */
    final int base;
    private final int[] globalOf;
    final int[] pageAt;
    final int[] frameOf;
    private final byte[] bits;
    private final FreeFrames free;
    int resident;

    /** Pool time: the references this pool has seen. */
    long time;
    long nextTick = Long.MAX_VALUE;
    long tickInterval;
    ReplacementPolicy policy;
    boolean everyReference;
    /** Whether the policy is inside {@link ReplacementPolicy#victim}. */
    boolean choosing;

    SteppedPool(SteppedRun run, int capacity, int pid, int base, int pages, int[] globalOf) {
        this.run = run;
        this.capacity = capacity;
        this.pid = pid;
        this.base = base;
        this.globalOf = globalOf;
        this.pageAt = new int[capacity];
        Arrays.fill(pageAt, -1);
        this.frameOf = new int[pages];
        Arrays.fill(frameOf, -1);
        this.bits = new byte[pages];
        this.free = new FreeFrames(capacity, 0);
    }

    /** The stream's global id of this pool's {@code page}. */
    int globalId(int page) {
        return globalOf == null ? page : globalOf[page];
    }

    /** A hit: sets A, and D for a write. */
    void reference(int page, boolean write) {
        byte b = (byte) (bits[page] | (write ? PoolState.REFERENCED | PoolState.DIRTY : PoolState.REFERENCED));
        if (b != bits[page]) {
            setBits(page, b);
        }
    }

    int lowestFreeFrame() {
        return free.take();
    }

    /** Puts {@code page} into {@code frame}, clean and referenced (dirty for a write). */
    void place(int page, int frame, boolean write) {
        pageAt[frame] = page;
        frameOf[page] = frame;
        resident++;
        setBits(page, write ? PoolState.REFERENCED | PoolState.DIRTY : PoolState.REFERENCED);
    }

    /** Takes {@code page} out of its frame; returns whether it was dirty. The frame stays marked used. */
    boolean remove(int page) {
        int frame = frameOf[page];
        boolean dirty = (bits[page] & PoolState.DIRTY) != 0;
        run.changed(base + frame, -1, 0);
        pageAt[frame] = -1;
        frameOf[page] = -1;
        bits[page] = 0;
        resident--;
        return dirty;
    }

    private void setBits(int page, int b) {
        bits[page] = (byte) b;
        run.changed(base + frameOf[page], globalId(page), b);
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
        return (bits[residentPage(page, "isReferenced")] & PoolState.REFERENCED) != 0;
    }

    @Override
    public boolean testAndClearReferenced(int page) {
        byte b = bits[residentPage(page, "testAndClearReferenced")];
        boolean was = (b & PoolState.REFERENCED) != 0;
        if (choosing) {
            run.probed(globalId(page), was);
        }
        if (was) {
            setBits(page, b & ~PoolState.REFERENCED);
        }
        return was;
    }

    @Override
    public boolean isDirty(int page) {
        return (bits[residentPage(page, "isDirty")] & PoolState.DIRTY) != 0;
    }

    @Override
    public void release(int page) {
        residentPage(page, "release");
        int frame = frameOf[page];
        run.released(this, page, frame);
        free.free(frame);
    }

    private int residentPage(int page, String what) {
        if (page < 0 || page >= frameOf.length || frameOf[page] < 0) {
            throw new IllegalArgumentException(what + ": page " + page + " is not resident in this pool (policy "
                    + run.policy + ", pool time " + time + ")");
        }
        return page;
    }
}
