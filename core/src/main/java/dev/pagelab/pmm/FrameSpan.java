package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;

/**
 * A run of frames {@code [startPfn, endPfn)} with one owner.
 *
 * @param startPfn the first frame
 * @param endPfn   the frame after the last
 * @param owner    who holds the frames
 * @param label    what exactly: a region type, a module's name, a segment
 */
public record FrameSpan(long startPfn, long endPfn, FrameOwner owner, String label) {
    /** How many frames the span holds. */
    public long frames() {
        return endPfn - startPfn;
    }

    @Override
    public String toString() {
        return "[" + Addresses.hex(Addresses.pfnToPaddr(startPfn)) + ", " + Addresses.hex(Addresses.pfnToPaddr(endPfn))
                + ") " + owner.label() + (label.isEmpty() ? "" : " (" + label + ")");
    }
}
