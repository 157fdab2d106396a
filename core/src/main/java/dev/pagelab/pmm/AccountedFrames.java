package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's door to its frame allocator: every frame it takes is recorded in the
 * {@link FrameAccounting} with the purpose it was taken for (page table, heap, ...), and every
 * frame it gives back is recorded as free again, so that reports always say who holds what.
 *
 * <p>Failure as in {@link FrameAllocator}: {@link FrameAllocator#NO_FRAME} when nothing is
 * left; misuse is a {@link FrameAllocatorException} and changes neither the allocator nor the
 * accounting. Not thread-safe.
 */
public final class AccountedFrames {
    private final FrameAllocator allocator;
    private final FrameAccounting accounting;

    /** Frames taken through this door and not given back, by owner ordinal. */
    private final long[] held = new long[FrameOwner.values().length];

    public AccountedFrames(FrameAllocator allocator, FrameAccounting accounting) {
        this.allocator = allocator;
        this.accounting = accounting;
    }

    /** The allocator behind this door. */
    public FrameAllocator allocator() {
        return allocator;
    }

    /** Who holds every frame. */
    public FrameAccounting accounting() {
        return accounting;
    }

    /** One frame, now held by {@code owner}, or {@link FrameAllocator#NO_FRAME}. */
    public long allocate(FrameOwner owner) {
        long pfn = allocator.allocate();
        if (pfn != FrameAllocator.NO_FRAME) {
            took(pfn, owner);
        }
        return pfn;
    }

    /**
     * One frame below {@code limitPfn}, now held by {@code owner}, or
     * {@link FrameAllocator#NO_FRAME} when the allocator has none below the limit. The allocators
     * have no zones (Linux's ZONE_NORMAL), so this asks again until a frame below the limit comes
     * out and then gives back the others, in the order they came: every allocator is left with
     * the same free frames as before, less the one handed out.
     */
    public long allocateBelow(long limitPfn, FrameOwner owner) {
        long pfn = allocator.allocate();
        if (pfn == FrameAllocator.NO_FRAME || pfn < limitPfn) {
            if (pfn != FrameAllocator.NO_FRAME) {
                took(pfn, owner);
            }
            return pfn;
        }
        List<Long> tooHigh = new ArrayList<>();
        try {
            while (pfn != FrameAllocator.NO_FRAME && pfn >= limitPfn) {
                tooHigh.add(pfn);
                pfn = allocator.allocate();
            }
        } finally {
            for (long high : tooHigh) {
                allocator.free(high);
            }
        }
        if (pfn != FrameAllocator.NO_FRAME) {
            took(pfn, owner);
        }
        return pfn;
    }

    /**
     * Gives back a frame taken through this door. An allocator that cannot free
     * ({@link FrameAllocator#canFree()}, the bump allocator) keeps it: the frame stays allocated,
     * accounted as {@link FrameOwner#ALLOCATED}, and is never handed out again.
     *
     * @return whether the allocator took the frame back
     * @throws FrameAllocatorException when the allocator does not hold it as allocated
     */
    public boolean free(long pfn) {
        FrameOwner owner = accounting.ownerOf(pfn);
        if (!allocator.canFree()) {
            if (!allocator.isAllocated(pfn)) {
                allocator.free(pfn); // throws, naming the frame
            }
            release(owner);
            accounting.record(pfn, 1, FrameOwner.ALLOCATED);
            return false;
        }
        allocator.free(pfn);
        release(owner);
        accounting.record(pfn, 1, FrameOwner.FREE);
        return true;
    }

    private void release(FrameOwner owner) {
        if (held[owner.ordinal()] > 0) {
            held[owner.ordinal()]--;
        }
    }

    /** Frames taken for {@code owner} through this door and not given back. */
    public long held(FrameOwner owner) {
        return held[owner.ordinal()];
    }

    /**
     * Whether {@code pfn} may be mapped: anything but a frame the allocator has free, which
     * would then have two users. Reserved frames (the kernel image, firmware tables, device
     * memory in a hole) may be mapped.
     */
    public boolean mayMap(long pfn) {
        return accounting.ownerOf(pfn) != FrameOwner.FREE;
    }

    /** {@code "frame 0x123 (paddr 0x123000, owner=free)"}, for messages. */
    public String describe(long pfn) {
        return "frame " + Addresses.hex(pfn) + " (paddr " + Addresses.hex(Addresses.pfnToPaddr(pfn)) + ", owner="
                + accounting.ownerOf(pfn).label() + ")";
    }

    private void took(long pfn, FrameOwner owner) {
        accounting.record(pfn, 1, owner);
        held[owner.ordinal()]++;
    }
}
