package dev.pagelab.pmm;

/**
 * A frame allocator was misused: a double free, a free of a frame it does not hold, a run with
 * the wrong size or alignment. The message names the operation and every value; the allocator
 * is unchanged.
 */
public final class FrameAllocatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} reads like {@code "free: frame 0x1f3 is not allocated (state=free)"}. */
    public FrameAllocatorException(String message) {
        super(message);
    }
}
