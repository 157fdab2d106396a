package dev.pagelab.pmm;

import java.util.List;

/**
 * Hands out and takes back 4 KiB physical frames of the memory the boot found free.
 *
 * <p><b>Units.</b> Frames are numbered from 0 ({@code pfn = paddr >>> 12}); frame 0 is a valid
 * number. Runs are given as a first frame and a number of frames.
 *
 * <p><b>Expected failure</b> is a result: {@link #NO_FRAME} when no frame (or no run of the
 * size and alignment asked for) is left. <b>Misuse</b> is a {@link FrameAllocatorException}
 * naming the operation and the values: freeing a frame that is not allocated (twice, reserved,
 * outside RAM, the allocator's own metadata), freeing a run that was not allocated as one run of
 * that size, an alignment that is not a power of two. After an exception the allocator, its
 * counts and its bytes in RAM are exactly as they were.
 *
 * <p><b>State of a frame.</b> Every frame the allocator manages is either free or allocated to a
 * client; frames outside the pool (reserved by the boot, holes, the allocator's metadata) are
 * neither and {@link #isAllocated} is false for them.
 *
 * <p>Not thread-safe: one simulated CPU.
 */
public interface FrameAllocator {
    /** Returned when no frame, or no run, can be handed out. Not 0: frame 0 is valid. */
    long NO_FRAME = -1;

    /** The registry name: {@code bitmap}, {@code bump}, {@code free-list}, {@code buddy}. */
    String name();

    /**
     * One free frame, now allocated, or {@link #NO_FRAME}.
     *
     * @throws FrameAllocatorCorruptedException when the allocator's data in RAM was overwritten
     *                                          (an allocator that keeps links in free frames)
     */
    long allocate();

    /**
     * Gives back one frame that {@link #allocate} (or a run of one) handed out.
     *
     * @throws FrameAllocatorException when {@code pfn} is not an allocated frame, or this
     *                                 allocator cannot free ({@link #canFree()})
     */
    void free(long pfn);

    /**
     * {@code frames} consecutive free frames whose first frame number is a multiple of
     * {@code alignFrames}, now allocated as one run, or {@link #NO_FRAME}.
     *
     * @param frames      at least 1
     * @param alignFrames a power of two, at least 1
     * @throws FrameAllocatorException when {@code frames < 1} or {@code alignFrames} is not a power of two
     */
    long allocateRun(long frames, long alignFrames);

    /**
     * Gives back a run that {@link #allocateRun} handed out, all of it.
     *
     * @throws FrameAllocatorException when {@code [pfn, pfn + frames)} is not a run allocated
     *                                 with exactly that start and size
     */
    void freeRun(long pfn, long frames);

    /** Frames free now. */
    long freeFrames();

    /** Frames this allocator manages: free plus allocated, its own metadata excluded. */
    long totalFrames();

    /** Whether {@code pfn} is allocated to a client now. */
    boolean isAllocated(long pfn);

    /** Whether {@link #free} and {@link #freeRun} work; the bump allocator never reuses a frame. */
    default boolean canFree() {
        return true;
    }

    /**
     * What a person wants to know about this allocator's state beyond the counts, one line each:
     * where its metadata lives, per-order free counts, its next-fit position.
     */
    default List<String> describe() {
        return List.of();
    }

    /**
     * How many bytes at the start of frame {@code pfn} hold this allocator's own data now: the
     * links of a list threaded through the free frames themselves (free-list: 4 bytes in each
     * free frame on its stack; buddy: 8 in the first frame of each free block). 0 when it keeps
     * nothing there: an allocated frame, a frame outside the pool, an allocator whose metadata
     * lies in frames of its own (bitmap) or nowhere in RAM (bump). Kernel code that writes
     * these bytes while the frame is free corrupts the allocator; a scenario warns about it.
     */
    default int linkBytesIn(long pfn) {
        return 0;
    }

    /** The frames the allocator took from the pool for its own metadata, in address order. */
    List<FrameRange> metadataFrames();

    /**
     * Checks every invariant: each managed frame in exactly one state, the counts agree, and the
     * bytes the allocator keeps in RAM agree with its counts.
     *
     * @throws AssertionError with the state, when one is broken
     */
    void checkInvariants();
}
