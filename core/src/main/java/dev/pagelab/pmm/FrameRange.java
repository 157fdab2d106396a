package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;

/**
 * A run of whole 4 KiB frames {@code [startPfn, endPfn)} that a frame allocator may hand out,
 * as {@link MemoryMap#usableFrameRanges()} lists them.
 *
 * @param startPfn the first frame of the run
 * @param endPfn   the frame after the last one; greater than {@code startPfn}
 */
public record FrameRange(long startPfn, long endPfn) {
    /** @throws IllegalArgumentException unless {@code 0 <= startPfn < endPfn} */
    public FrameRange {
        if (startPfn < 0 || endPfn <= startPfn) {
            throw new IllegalArgumentException("frame range [" + startPfn + ", " + endPfn
                    + ") must hold at least one frame and start at frame 0 or later");
        }
    }

    /** How many frames the run holds. */
    public long frames() {
        return endPfn - startPfn;
    }

    /** The physical address of the first byte of the run. */
    public long startPaddr() {
        return Addresses.pfnToPaddr(startPfn);
    }

    /** The physical address after the last byte of the run. */
    public long endPaddr() {
        return Addresses.pfnToPaddr(endPfn);
    }

    /** Whether frame {@code pfn} is in the run. */
    public boolean contains(long pfn) {
        return pfn >= startPfn && pfn < endPfn;
    }

    /** {@code frames [0x100, 0x7FE0) = [0x00100000, 0x07FE0000), 32480 frames}. */
    @Override
    public String toString() {
        return String.format("frames [0x%X, 0x%X) = %s, %d frames", startPfn, endPfn,
                "[" + Addresses.hex(startPaddr()) + ", " + Addresses.hex(endPaddr()) + ")", frames());
    }
}
