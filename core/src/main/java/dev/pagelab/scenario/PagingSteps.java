package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.FlagsResult;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.vmm.KernelMemory;

/**
 * How the steps on frames, page tables and kmmap run: allocFrame, freeFrame, mapPage, unmapPage,
 * updateFlags, getFrameAddr, skipInvlpg, kmmap and kunmap.
 */
final class PagingSteps {
    private PagingSteps() {
    }

    static void allocFrame(Op.AllocFrame op, StepContext c, StepResult r) {
        long pfn = c.kernel().frames().allocate(op.owner());
        if (pfn == FrameAllocator.NO_FRAME) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, "allocFrame returned NO_FRAME: the allocator has no free frame");
            return;
        }
        r.value(pfn, "frame " + Addresses.hex(pfn) + " (paddr " + Addresses.hex(Addresses.pfnToPaddr(pfn)) + ")");
        r.paddr(Addresses.pfnToPaddr(pfn));
    }

    static void freeFrame(Op.FreeFrame op, StepContext c, StepResult r) {
        long pfn = c.resolve(op.frame());
        boolean back = c.kernel().freeFrame(pfn);
        r.text("frame " + Addresses.hex(pfn) + (back ? " is free again"
                : " stays allocated: the " + c.kernel().allocator().name() + " allocator cannot free"));
    }

    static void mapPage(Op.MapPage op, StepContext c, StepResult r) {
        long pfn = c.resolve(op.frame());
        MapResult result = c.kernel().mapPage(c.resolve(op.vaddr()), pfn, flags(op.writable(), op.user()));
        switch (result) {
            case MapResult.Mapped mapped -> {
                r.text(mapped.toString());
                r.paddr(Addresses.pfnToPaddr(pfn));
            }
            case MapResult.AlreadyMapped already -> r.fail(Failure.Kind.ALREADY_MAPPED, already.toString());
            case MapResult.OutOfFrames none -> r.fail(Failure.Kind.OUT_OF_MEMORY, none.toString());
        }
    }

    static void unmapPage(Op.UnmapPage op, StepContext c, StepResult r) {
        UnmapResult result = c.space().unmapPage(c.resolve(op.vaddr()));
        if (result instanceof UnmapResult.Unmapped unmapped) {
            r.value(unmapped.pfn(), result + "; the frame is still allocated");
        } else {
            r.fail(Failure.Kind.NOT_MAPPED, result.toString());
        }
    }

    static void updateFlags(Op.UpdateFlags op, StepContext c, StepResult r) {
        FlagsResult result = c.space().updateFlags(c.resolve(op.vaddr()), flags(op.writable(), op.user()));
        if (result instanceof FlagsResult.Updated) {
            r.text(result.toString());
        } else {
            r.fail(Failure.Kind.NOT_MAPPED, result.toString());
        }
    }

    static void getFrameAddr(Op.GetFrameAddr op, StepContext c, StepResult r) {
        long vaddr = c.resolve(op.vaddr());
        long paddr = c.space().getFrameAddr(vaddr);
        if (paddr == AddressSpace.NOT_MAPPED) {
            r.fail(Failure.Kind.NOT_MAPPED, "getFrameAddr(" + Addresses.hex(vaddr) + ") = NOT_MAPPED (-1)");
            return;
        }
        r.value(paddr, Addresses.hex(paddr));
        r.paddr(paddr);
    }

    static void skipInvlpg(Op.SkipInvlpg op, StepContext c, StepResult r) {
        c.space().setSkipInvlpg(op.skip());
        r.text(op.skip() ? "mapPage, unmapPage and updateFlags now skip their INVLPG (the bug, on purpose)"
                : "mapPage, unmapPage and updateFlags INVLPG again");
    }

    static void kmmap(Op.Kmmap op, StepContext c, StepResult r) {
        long bytes = c.resolve(op.bytes());
        long vaddr = c.kernel().vm().kmmap(bytes);
        if (vaddr == KernelMemory.FAILED) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, "kmmap(" + bytes + ") returned FAILED: " + c.kernel().vm().lastFailure());
            return;
        }
        long pages = (bytes + Addresses.PAGE_BYTES - 1) >>> Addresses.PAGE_SHIFT;
        long paddr = c.observedPaddr(vaddr);
        r.value(vaddr, Addresses.hex(vaddr) + " (" + pages + (pages == 1 ? " page" : " pages") + ", the first in frame "
                + Addresses.hex(Addresses.paddrToPfn(paddr)) + ")");
        r.paddr(paddr);
    }

    static void kunmap(Op.Kunmap op, StepContext c, StepResult r) {
        long pages = c.kernel().vm().kunmap(c.resolve(op.vaddr()));
        r.value(pages, pages + (pages == 1 ? " page" : " pages") + " unmapped and their frames freed");
    }

    private static int flags(boolean writable, boolean user) {
        return (writable ? Pte.WRITABLE : 0) | (user ? Pte.USER : 0);
    }
}
