package dev.pagelab.pmm;

/**
 * A frame allocator found its own data in RAM overwritten and cannot go on: a link of a list
 * threaded through the free frames names no frame the list may go on to (one outside the pool,
 * an allocated one, one never handed out, itself), or the list ends before the count of frames on
 * it does. Only kernel code writing into a free frame (a stray pointer, a use after free through
 * the kernel's linear map) does that: a C kernel would follow the link and hand out a frame that
 * is not free, or crash; pagelab's allocators check each link before they follow it and throw
 * this instead. The allocator is unchanged, and every later call that reaches the same link
 * throws again.
 *
 * <p>Not a {@link FrameAllocatorException}: the caller did not misuse the allocator, the memory
 * under it was broken.
 */
public final class FrameAllocatorCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The frame whose link is wrong, or -1 when the damage shows elsewhere (the list ends too soon). */
    private final long pfn;

    /**
     * @param message names the operation, the frame, the link's value and why it cannot be followed
     * @param pfn     the frame holding the wrong link, or -1 when no one frame can be named
     */
    public FrameAllocatorCorruptedException(String message, long pfn) {
        super(message);
        this.pfn = pfn;
    }

    /** The frame whose link is wrong, or -1 when no one frame can be named. */
    public long pfn() {
        return pfn;
    }
}
