package dev.pagelab.pmm;

import static dev.pagelab.pmm.PoolRuns.checkRunArguments;
import static dev.pagelab.pmm.PoolRuns.frame;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.PhysicalMemory;
import java.util.List;

/**
 * Seed 003's frame counter ({@code next_free_frame}, {@code allocate_frame}, {@code mmap_read}):
 * the pool's frames are numbered 0, 1, 2, ... in map order, across its runs, and allocating is
 * handing out the frame the counter names and counting on. It never reuses a frame.
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li><b>pool</b>: the free frames the boot found, runs {@code r = 0 .. R-1} in address order
 *       (runs that touch are merged into one);</li>
 *   <li><b>index</b>: a frame's number in map order, seed 003's "frame number": index 0 is the
 *       pool's first frame, and run {@code r} holds indexes {@code [first[r], first[r] + frames(r))},
 *       where {@code first[r]} is the frames of the runs before it;</li>
 *   <li><b>next</b>: the counter, the index of the next frame to hand out; every index below it
 *       has been handed out (or lost, see runs);</li>
 *   <li><b>run</b>: the cursor, the run that holds index next, so that {@link #allocate} need not
 *       walk the map as the seed's {@code mmap_read} does on every call.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * <pre>
 *  pool (three runs), and the indexes the counter walks through:
 *
 *   pfn    0x1 .. 0x8      0xA .. 0x9E           0x200 .................... 0x7FDF
 *         +--------------+ +--------------------+ +-------------------------------+
 *         |##############| |######|....         | |...............................|
 *         +--------------+ +--------------------+ +-------------------------------+
 *   index  0 .. 7           8 .. 156               157 ......................... 32380
 *                                  ^ next = 14, run = 1: frames below are allocated (#)
 *
 *  the whole state: two numbers (next, run) that a kernel keeps in .data, plus the boot's
 *  map, which it only reads. No frame is taken for metadata.
 * </pre>
 *
 * <p><b>The two look-ups</b> are seed 003's {@code mmap_read} modes, with indexes from 0 (the
 * seed counts from 1 because it returns 0 for "not found"; here {@link #NO_FRAME} is -1):
 * {@link #pfnAt(long)} ({@code MMAP_GET_ADDR}: index → frame, {@link #paddrAt} for the address)
 * and {@link #indexOf(long)} ({@code MMAP_GET_NUM}: frame → index, {@link #indexOfPaddr} from an
 * address). Both binary-search the runs' first indexes or first frames, O(log R), where the seed
 * walks the map frame by frame.
 *
 * <h2>allocate</h2>
 * <ol>
 *   <li>If next is past the last index, return {@link #NO_FRAME}.</li>
 *   <li>The frame is {@code start(run) + next - first[run]}.</li>
 *   <li>next = next + 1; if that is the next run's first index, run = run + 1.</li>
 * </ol>
 *
 * <h2>allocateRun</h2>
 * <ol>
 *   <li>Check the arguments. From the frame next names, in the current run: round it up to the
 *       alignment; if the run has room for {@code frames} frames from there, that is the run.</li>
 *   <li>Otherwise try the next run from its first frame, the same way; no run left:
 *       {@link #NO_FRAME}, and nothing has moved.</li>
 *   <li>next = the index after the run, run = the run that holds it.</li>
 * </ol>
 * The frames skipped on the way, to reach the alignment or the next run, are <b>lost</b>: below
 * the counter, so they count as allocated ({@link #isAllocated} is true, {@link #freeFrames}
 * drops by them too), yet nobody holds them, and they never come back.
 * {@link #describe} reports how many.
 *
 * <h2>free</h2>
 * There is none: {@link #free} and {@link #freeRun} throw {@link FrameAllocatorException} and
 * change nothing, and {@link #canFree()} is false. A kernel uses a counter like this until it has
 * something better (Linux's memblock before the buddy allocator takes over), or hands the
 * frames above the counter to a real allocator.
 *
 * <p><b>Cost.</b> allocate is O(1), allocateRun O(R). No RAM is read or written.
 *
 * <p><b>References.</b> Seed 003 (a page frame allocator that piggybacks off the Multiboot
 * memory map: {@code next_free_frame}, {@code mmap_read}, {@code allocate_frame}); the OSDev wiki,
 * "Page Frame Allocation" (watermark allocator); Linux {@code mm/memblock.c} (the boot-time
 * allocator that only gives out).
 *
 * <p>Not thread-safe.
 */
final class BumpFrameAllocator implements FrameAllocator {
    /** The registry name. */
    static final String NAME = "bump";
    /** What the registry shows of it. */
    static final FrameAllocatorInfo INFO = new FrameAllocatorInfo(NAME,
            "seed 003's frame counter: hands frames out in map order and never takes one back", false);

    /** The first frame of each run. */
    private final long[] startPfns;
    /** The frame after the last frame of each run. */
    private final long[] endPfns;
    /** The index of each run's first frame: the frames of the runs before it. */
    private final long[] firstIndexes;
    private final long totalFrames;

    /** The counter: the index of the next frame to hand out. */
    private long next;
    /** The cursor: the run holding index next (the last run once next reaches the end). */
    private int run;
    /** Frames skipped by allocateRun to reach an alignment or the next run; for people, not for allocating. */
    private long lostFrames;

    /**
     * A counter at the pool's first frame.
     *
     * @param memory the machine's memory; the pool must lie in it, nothing is written to it
     * @param free   the pool, runs in address order, not overlapping; runs that touch are taken as one
     * @throws IllegalArgumentException when the pool is out of order, overlaps, or lies outside {@code memory}
     */
    BumpFrameAllocator(PhysicalMemory memory, List<FrameRange> free) {
        // Runs that touch are one run: a run of frames may cross the seam, and nothing is lost there.
        PoolRuns pool = PoolRuns.of(NAME, memory, free);
        startPfns = new long[pool.count()];
        endPfns = new long[pool.count()];
        firstIndexes = new long[pool.count()];
        long frames = 0;
        for (int r = 0; r < pool.count(); r++) {
            startPfns[r] = pool.startPfn(r);
            endPfns[r] = pool.endPfn(r);
            firstIndexes[r] = frames;
            frames += endPfns[r] - startPfns[r];
        }
        totalFrames = frames;
        if (Checks.ENABLED) {
            checkInvariants();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    // ---------------------------------------------------------------- handing out

    @Override
    public long allocate() {
        if (next == totalFrames) {
            return NO_FRAME;
        }
        long pfn = startPfns[run] + (next - firstIndexes[run]);
        advanceTo(next + 1);
        if (Checks.ENABLED) {
            checkInvariants();
        }
        return pfn;
    }

    @Override
    public long allocateRun(long frames, long alignFrames) {
        checkRunArguments("allocateRun", frames, alignFrames);
        if (frames > totalFrames - next) {
            return NO_FRAME;
        }
        long from = startPfns[run] + (next - firstIndexes[run]);
        for (int r = run; r < startPfns.length; r++) {
            if (r > run) {
                from = startPfns[r];
            }
            long start = from + (-from & (alignFrames - 1));
            if (start <= endPfns[r] - frames) {
                long startIndex = firstIndexes[r] + (start - startPfns[r]);
                lostFrames += startIndex - next;
                run = r;
                advanceTo(startIndex + frames);
                if (Checks.ENABLED) {
                    checkInvariants();
                }
                return start;
            }
        }
        return NO_FRAME;
    }

    /** Moves the counter to {@code index} (at most the total), the cursor with it. */
    private void advanceTo(long index) {
        next = index;
        while (run + 1 < firstIndexes.length && next >= firstIndexes[run + 1]) {
            run++;
        }
    }

    // ---------------------------------------------------------------- no taking back

    /** @throws FrameAllocatorException always: a counter cannot take a frame back */
    @Override
    public void free(long pfn) {
        throw new FrameAllocatorException("free: the bump allocator cannot free (canFree() is false): it only counts"
                + " forward, so frame " + frame(pfn) + " stays as it is (state=" + stateOf(pfn) + ")");
    }

    /** @throws FrameAllocatorException always: a counter cannot take a run back */
    @Override
    public void freeRun(long pfn, long frames) {
        throw new FrameAllocatorException("freeRun: the bump allocator cannot free (canFree() is false): it only counts"
                + " forward, so frames [" + frame(pfn) + ", +" + frames + ") stay as they are (first frame state="
                + stateOf(pfn) + ")");
    }

    @Override
    public boolean canFree() {
        return false;
    }

    // ---------------------------------------------------------------- the seed's look-ups

    /**
     * Seed 003's {@code mmap_read(index, MMAP_GET_ADDR)} as a frame: the frame whose index in map
     * order is {@code index}, or {@link #NO_FRAME} when {@code index} is not below {@link #totalFrames}.
     */
    long pfnAt(long index) {
        if (index < 0 || index >= totalFrames) {
            return NO_FRAME;
        }
        int r = lastAtOrBelow(firstIndexes, index);
        return startPfns[r] + (index - firstIndexes[r]);
    }

    /** The physical address of the frame {@link #pfnAt} names, or {@link #NO_FRAME}. */
    long paddrAt(long index) {
        long pfn = pfnAt(index);
        return pfn == NO_FRAME ? NO_FRAME : Addresses.pfnToPaddr(pfn);
    }

    /**
     * Seed 003's {@code mmap_read(address, MMAP_GET_NUM)} from a frame: the index in map order of
     * frame {@code pfn}, or {@link #NO_FRAME} when {@code pfn} is not a pool frame.
     */
    long indexOf(long pfn) {
        int r = lastAtOrBelow(startPfns, pfn);
        if (r < 0 || pfn >= endPfns[r]) {
            return NO_FRAME;
        }
        return firstIndexes[r] + (pfn - startPfns[r]);
    }

    /** The index of the frame holding physical address {@code paddr}, or {@link #NO_FRAME}. */
    long indexOfPaddr(long paddr) {
        return paddr < 0 ? NO_FRAME : indexOf(Addresses.paddrToPfn(paddr));
    }

    /** The counter: frames handed out or lost so far, and the index of the next frame. */
    long nextIndex() {
        return next;
    }

    /** Frames allocateRun skipped and lost. */
    long lostFrames() {
        return lostFrames;
    }

    /** The last {@code i} with {@code sorted[i] <= value}, or -1. */
    private static int lastAtOrBelow(long[] sorted, long value) {
        int low = 0;
        int high = sorted.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return high;
    }

    // ---------------------------------------------------------------- views

    @Override
    public long freeFrames() {
        return totalFrames - next;
    }

    @Override
    public long totalFrames() {
        return totalFrames;
    }

    /** Whether {@code pfn} is a pool frame below the counter: handed out, or lost to an alignment. */
    @Override
    public boolean isAllocated(long pfn) {
        long index = indexOf(pfn);
        return index != NO_FRAME && index < next;
    }

    @Override
    public List<FrameRange> metadataFrames() {
        return List.of();
    }

    @Override
    public List<String> describe() {
        String position = next == totalFrames ? "every frame is used"
                : "the next frame is " + frame(pfnAt(next)) + " (index " + next + ", in run " + run + " of "
                        + startPfns.length + ": frames [" + frame(startPfns[run]) + ", " + frame(endPfns[run]) + "))";
        return List.of(
                "counter: " + next + " of " + totalFrames + " pool frames used; " + position,
                "lost: " + lostFrames + " frames skipped by allocateRun to reach an alignment or the next run",
                "metadata: none; the counter and the cursor are two numbers a kernel keeps in .data");
    }

    @Override
    public void checkInvariants() {
        if (next < 0 || next > totalFrames) {
            throw new AssertionError("bump: the counter " + next + " is outside [0, " + totalFrames + "]");
        }
        if (lostFrames < 0 || lostFrames > next) {
            throw new AssertionError("bump: " + lostFrames + " frames lost but only " + next + " passed");
        }
        int runs = startPfns.length;
        if (runs == 0 ? run != 0 : run < 0 || run >= runs) {
            throw new AssertionError("bump: the cursor names run " + run + " of " + runs);
        }
        if (next < totalFrames && (next < firstIndexes[run] || next >= firstIndexes[run] + endPfns[run] - startPfns[run])) {
            throw new AssertionError("bump: the cursor names run " + run + " (indexes [" + firstIndexes[run] + ", "
                    + (firstIndexes[run] + endPfns[run] - startPfns[run]) + ")) but the counter is " + next);
        }
    }

    // ---------------------------------------------------------------- messages

    private String stateOf(long pfn) {
        long index = indexOf(pfn);
        if (index == NO_FRAME) {
            return "not in the pool";
        }
        return index < next ? "allocated" : "free";
    }
}
