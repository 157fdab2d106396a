package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a write step's bytes land, when they land in a frame the frame allocator has not handed
 * out: a stray pointer, or a use after free, such as a write through the kernel's linear map
 * (0xC0000000 + paddr) into a frame given back. The write happens as it would in C; the step
 * warns, naming the address, the physical address and the frame. An allocator that threads its
 * free list through the free frames (free-list, buddy: {@link FrameAllocator#linkBytesIn}) keeps
 * a link in the first bytes of such a frame: a write over it corrupts the allocator exactly as it
 * would corrupt xv6's. The warning then gives the link's value before and after, and the write is
 * recorded in the {@link StepContext}, so that the allocation that later trips on the link (a
 * {@link Failure.Kind#CORRUPTED} step) names the write that broke it: a kernel fails far from its
 * bug, and the tool's job is to point back at it.
 *
 * <p>Made just before the write (the bytes of each link then), finished just after it
 * ({@link #warn}); a write that faults leaves no warning.
 */
final class FreeFrameWrites {
    /**
     * A piece of the write that lands in a free frame.
     *
     * @param vaddr      where the piece starts
     * @param paddr      where it lands
     * @param linkBytes  the bytes at the frame's start that hold the allocator's link (0: none)
     * @param linkBefore the link before the write, when the piece covers some of its bytes
     * @param overLink   whether the piece covers some of the link's bytes
     */
    private record Target(long vaddr, long paddr, int linkBytes, long linkBefore, boolean overLink) {
        long pfn() {
            return Addresses.paddrToPfn(paddr);
        }
    }

    private final List<Target> targets;

    private FreeFrameWrites(List<Target> targets) {
        this.targets = targets;
    }

    /**
     * Looks, before a write of {@code bytes} bytes at {@code vaddr} at {@code cpl}, at the frames
     * it will go to: where the TLB says (a stale entry included), else where the walk says, as the
     * write itself will. An observer: no TLB fill, no A or D bit, no count.
     */
    static FreeFrameWrites before(StepContext c, long vaddr, int bytes, int cpl) {
        Mmu mmu = c.mmu();
        FrameAllocator allocator = c.kernel().allocator();
        PhysicalMemory memory = c.kernel().memory();
        List<Target> out = new ArrayList<>(0);
        long end = vaddr + bytes;
        for (long at = vaddr; at < end; at = Addresses.alignDown(at) + Addresses.PAGE_BYTES) {
            long cached = CpuSteps.cachedPaddr(mmu, at);
            Mmu.Outcome walk = cached >= 0 ? null : mmu.probe(at, true, cpl);
            long paddr = cached >= 0 ? cached : walk.translates() ? walk.paddr() : -1;
            if (paddr < 0 || c.kernel().accounting().ownerOf(Addresses.paddrToPfn(paddr)) != FrameOwner.FREE) {
                continue;
            }
            long pfn = Addresses.paddrToPfn(paddr);
            int linkBytes = allocator.linkBytesIn(pfn);
            boolean overLink = (paddr & Addresses.PAGE_OFFSET_MASK) < linkBytes;
            out.add(new Target(at, paddr, linkBytes, overLink ? link(memory, pfn, linkBytes) : 0, overLink));
        }
        return new FreeFrameWrites(out);
    }

    /** After the write: a warning for each free frame it went into, on the step's line and under it. */
    void warn(StepContext c, StepResult r) {
        String allocator = c.kernel().allocator().name();
        for (Target t : targets) {
            String frame = Addresses.hex(t.pfn());
            r.appendText("; WARNING: into free frame " + frame);
            r.details().add("WARNING: the write at " + Addresses.hex(t.vaddr()) + " went to paddr " + Addresses.hex(t.paddr())
                    + ", in frame " + frame + ", which is free: the " + allocator + " allocator has not handed it out"
                    + " (a stray pointer, or a use after free)");
            String link = "bytes 0-" + (t.linkBytes() - 1) + " of this free frame are the " + allocator + " allocator's"
                    + (t.linkBytes() > Integer.BYTES ? " links to the neighbouring free blocks" : " link to the next free"
                    + " frame");
            if (!t.overLink()) {
                r.details().add("WARNING: " + (t.linkBytes() > 0 ? link + ", and this write left them alone; " : "")
                        + "whoever is handed the frame next finds these bytes in it");
                continue;
            }
            long after = link(c.kernel().memory(), t.pfn(), t.linkBytes());
            if (after == t.linkBefore()) {
                r.details().add("WARNING: " + link + ": this write put back the value they held ("
                        + hexLink(after, t.linkBytes()) + "), so the list is intact");
                continue;
            }
            r.details().add("WARNING: " + link + ": this write changed them from " + hexLink(t.linkBefore(), t.linkBytes())
                    + " to " + hexLink(after, t.linkBytes()) + ". The allocation that reaches frame " + frame
                    + " follows them: a C kernel would go on to whatever they name (a frame in use, or none) and fail"
                    + " later, far from here; pagelab's allocator checks each link before it follows it and stops there");
            c.linkWritten(t.pfn(), "wrote " + hexLink(after, t.linkBytes()) + " over the link " + hexLink(t.linkBefore(),
                    t.linkBytes()) + " in free frame " + frame + " (paddr " + Addresses.hex(t.paddr()) + ") through "
                    + Addresses.hex(t.vaddr()));
        }
    }

    /** The link bytes of frame {@code pfn}, little-endian, as one number. */
    private static long link(PhysicalMemory memory, long pfn, int bytes) {
        long paddr = Addresses.pfnToPaddr(pfn);
        return bytes <= Integer.BYTES ? Integer.toUnsignedLong(memory.read32(paddr)) : memory.read64(paddr);
    }

    /** One u32 as {@code 0x00244000}, two as {@code [0x00244000, 0xFFFFFFFF]} (bytes 0-3, then 4-7). */
    private static String hexLink(long value, int bytes) {
        return bytes <= Integer.BYTES ? Addresses.hex(value)
                : "[" + Addresses.hex(value & 0xFFFF_FFFFL) + ", " + Addresses.hex(value >>> 32) + "]";
    }
}
