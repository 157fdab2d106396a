package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The free pool of an allocator, checked and normalised once, for every allocator: runs in
 * address order, not overlapping, inside the memory, and runs that touch merged into one, so that
 * {@code [0x100, 0x200)} and {@code [0x200, 0x300)} count as the one run they are. An allocator
 * that writes into its pool frames (links in every free frame for the free list and the buddy
 * system, the bitmap in the frames it takes) also needs those frames to be RAM: a write into a
 * hole would be dropped. This is the one place those rules and their messages live.
 *
 * <p>Immutable. {@link #limitPfn} is the frame after the last pool frame: side arrays indexed by
 * frame number cover {@code [0, limitPfn)}, like Linux's flat {@code mem_map}.
 */
final class PoolRuns {
    /** Why the free list and the buddy system need every pool frame to be RAM. */
    static final String LINKS_NEED_RAM = "the links kept in free frames cannot be stored there";

    private final long[] startPfns;
    private final long[] endPfns;
    private final long frames;

    private PoolRuns(long[] startPfns, long[] endPfns, long frames) {
        this.startPfns = startPfns;
        this.endPfns = endPfns;
        this.frames = frames;
    }

    /**
     * The runs of {@code free}, checked against {@code memory}, for an allocator that writes
     * nothing into them, or checks the frames it writes with {@link #requireRam}.
     *
     * @param allocator the allocator's name, which starts every message
     * @throws IllegalArgumentException when a run starts below the end of the one before it or
     *                                  lies outside {@code memory}
     */
    static PoolRuns of(String allocator, PhysicalMemory memory, List<FrameRange> free) {
        return check(allocator, memory, free, null);
    }

    /**
     * The runs of {@code free}, checked against {@code memory}, every frame RAM: for an
     * allocator that may write into any pool frame.
     *
     * @param allocator the allocator's name, which starts every message
     * @param why       why the frames must be RAM, the end of the message when one is not
     * @throws IllegalArgumentException when a run starts below the end of the one before it, lies
     *                                  outside {@code memory}, or holds a frame that is not RAM
     */
    static PoolRuns ofRam(String allocator, PhysicalMemory memory, List<FrameRange> free, String why) {
        return check(allocator, memory, free, Objects.requireNonNull(why, "why"));
    }

    private static PoolRuns check(String allocator, PhysicalMemory memory, List<FrameRange> free, String ramWhy) {
        Objects.requireNonNull(memory, "memory");
        long[] starts = new long[free.size()];
        long[] ends = new long[free.size()];
        int runs = 0;
        long previousEnd = 0;
        long frames = 0;
        for (int i = 0; i < free.size(); i++) {
            FrameRange range = free.get(i);
            if (range.startPfn() < previousEnd) {
                throw new IllegalArgumentException(allocator + ": the pool must be runs in address order that do not"
                        + " overlap; run " + i + " (" + range + ") starts below the end of the run before it (frame "
                        + frame(previousEnd) + ")");
            }
            if (range.endPaddr() > memory.sizeBytes()) {
                throw new IllegalArgumentException(allocator + ": pool run " + i + " (" + range + ") lies outside the"
                        + " physical memory of " + Addresses.hex(memory.sizeBytes()) + " bytes");
            }
            if (ramWhy != null) {
                requireRam(allocator, memory, i, range, range.startPfn(), range.endPfn(), ramWhy);
            }
            if (runs > 0 && ends[runs - 1] == range.startPfn()) {
                ends[runs - 1] = range.endPfn();
            } else {
                starts[runs] = range.startPfn();
                ends[runs] = range.endPfn();
                runs++;
            }
            frames += range.frames();
            previousEnd = range.endPfn();
        }
        return new PoolRuns(Arrays.copyOf(starts, runs), Arrays.copyOf(ends, runs), frames);
    }

    /**
     * Throws unless frames {@code [fromPfn, toPfn)} of pool run {@code run} ({@code range}) are
     * all RAM.
     *
     * @param why why they must be, the end of the message
     * @throws IllegalArgumentException naming the allocator, the run and the first frame that is not RAM
     */
    static void requireRam(String allocator, PhysicalMemory memory, int run, FrameRange range, long fromPfn,
                           long toPfn, String why) {
        for (long pfn = fromPfn; pfn < toPfn; pfn++) {
            if (!memory.isRam(Addresses.pfnToPaddr(pfn))) {
                throw new IllegalArgumentException(allocator + ": pool run " + run + " (" + range + ") holds frame "
                        + frame(pfn) + ", which is not RAM: " + why);
            }
        }
    }

    /** How many runs, after merging the ones that touch. */
    int count() {
        return startPfns.length;
    }

    /** The first frame of run {@code i}. */
    long startPfn(int i) {
        return startPfns[i];
    }

    /** The frame after the last one of run {@code i}. */
    long endPfn(int i) {
        return endPfns[i];
    }

    /** Run {@code i} as a range, for messages. */
    FrameRange range(int i) {
        return new FrameRange(startPfns[i], endPfns[i]);
    }

    /** Frames in the pool. */
    long frames() {
        return frames;
    }

    /** The frame after the last pool frame; 0 for an empty pool. */
    long limitPfn() {
        return endPfns.length == 0 ? 0 : endPfns[endPfns.length - 1];
    }

    /** Whether frame {@code pfn} is in the pool: a binary search over the runs. */
    boolean contains(long pfn) {
        int lo = 0;
        int hi = startPfns.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pfn < startPfns[mid]) {
                hi = mid - 1;
            } else if (pfn >= endPfns[mid]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** {@code 0x1f3}, as the frame numbers of every message; {@code -0x1} for negative ones. */
    static String frame(long pfn) {
        return pfn < 0 ? "-0x" + Long.toHexString(-pfn) : "0x" + Long.toHexString(pfn);
    }

    /** Throws unless {@code frames >= 1} and {@code alignFrames} is a power of two, at least 1. */
    static void checkRunArguments(String operation, long frames, long alignFrames) {
        if (frames < 1) {
            throw new FrameAllocatorException(operation + ": a run holds at least 1 frame (frames=" + frames
                    + ", alignFrames=" + alignFrames + ")");
        }
        if (alignFrames < 1 || (alignFrames & (alignFrames - 1)) != 0) {
            throw new FrameAllocatorException(operation + ": the alignment must be a power of two, at least 1 (frames="
                    + frames + ", alignFrames=" + alignFrames + ")");
        }
    }
}
