package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * The free pool of an allocator that keeps its links inside the free frames (the free list, the
 * buddy system), checked and normalised once: runs in address order, not overlapping, inside
 * the memory, every frame RAM (a link written into a hole would be dropped), and runs that touch
 * merged into one, so that {@code [0x100, 0x200)} and {@code [0x200, 0x300)} count as the one run
 * they are.
 *
 * <p>Immutable. {@link #limitPfn} is the frame after the last pool frame: side arrays indexed by
 * frame number cover {@code [0, limitPfn)}, like Linux's flat {@code mem_map}.
 */
final class PoolRuns {
    private final long[] startPfns;
    private final long[] endPfns;
    private final long frames;

    private PoolRuns(long[] startPfns, long[] endPfns, long frames) {
        this.startPfns = startPfns;
        this.endPfns = endPfns;
        this.frames = frames;
    }

    /**
     * The runs of {@code free}, checked against {@code memory}.
     *
     * @param allocator the allocator's name, which starts every message
     * @throws IllegalArgumentException when a run starts below the end of the one before it, lies
     *                                  outside {@code memory}, or holds a frame that is not RAM
     */
    static PoolRuns of(String allocator, PhysicalMemory memory, List<FrameRange> free) {
        List<long[]> runs = new ArrayList<>();
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
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                if (!memory.isRam(Addresses.pfnToPaddr(pfn))) {
                    throw new IllegalArgumentException(allocator + ": pool run " + i + " (" + range + ") holds frame "
                            + frame(pfn) + ", which is not RAM: the links kept in free frames cannot be stored there");
                }
            }
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == range.startPfn()) {
                runs.get(runs.size() - 1)[1] = range.endPfn();
            } else {
                runs.add(new long[] {range.startPfn(), range.endPfn()});
            }
            frames += range.frames();
            previousEnd = range.endPfn();
        }
        long[] starts = new long[runs.size()];
        long[] ends = new long[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            starts[i] = runs.get(i)[0];
            ends[i] = runs.get(i)[1];
        }
        return new PoolRuns(starts, ends, frames);
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
