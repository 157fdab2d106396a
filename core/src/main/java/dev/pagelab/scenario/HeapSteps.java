package dev.pagelab.scenario;

import dev.pagelab.heap.KernelHeap;
import dev.pagelab.hw.Addresses;

/** How the kernel heap's steps run: kmalloc, kcalloc, krealloc, kmallocAligned and kfree. */
final class HeapSteps {
    private HeapSteps() {
    }

    static void kmalloc(Op.Kmalloc op, StepContext c, StepResult r) {
        long bytes = c.resolve(op.bytes());
        allocated("kmalloc(" + bytes + ")", c.kernel().heap().kmalloc(bytes), bytes, c, r);
    }

    static void kcalloc(Op.Kcalloc op, StepContext c, StepResult r) {
        long count = c.resolve(op.count());
        long size = c.resolve(op.size());
        allocated("kcalloc(" + count + ", " + size + ")", c.kernel().heap().kcalloc(count, size), count * size, c, r);
    }

    static void krealloc(Op.Krealloc op, StepContext c, StepResult r) {
        long old = c.resolve(op.vaddr());
        long bytes = c.resolve(op.bytes());
        long vaddr = c.kernel().heap().krealloc(old, bytes);
        String call = "krealloc(" + Addresses.hex(old) + ", " + bytes + ")";
        if (bytes == 0 && old != KernelHeap.NULL) {
            r.text(call + " freed the block and returned NULL");
            return;
        }
        allocated(call, vaddr, bytes, c, r);
    }

    static void kmallocAligned(Op.KmallocAligned op, StepContext c, StepResult r) {
        long bytes = c.resolve(op.bytes());
        long alignment = c.resolve(op.alignment());
        allocated("kmallocAligned(" + bytes + ", " + alignment + ")", c.kernel().heap().kmallocAligned(bytes, alignment),
                bytes, c, r);
    }

    static void kfree(Op.Kfree op, StepContext c, StepResult r) {
        long vaddr = c.resolve(op.vaddr());
        c.kernel().heap().kfree(vaddr);
        r.text(vaddr == KernelHeap.NULL ? "kfree(NULL) does nothing" : "freed");
    }

    /** What an allocation {@code call} of {@code bytes} returned: a block, NULL for nothing, or NULL for no memory. */
    private static void allocated(String call, long vaddr, long bytes, StepContext c, StepResult r) {
        if (vaddr == KernelHeap.NULL && bytes == 0) {
            r.text(call + " returned NULL: there is nothing to allocate (C allows it)");
        } else if (vaddr == KernelHeap.NULL) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, call + " returned NULL");
        } else {
            long paddr = c.observedPaddr(vaddr);
            r.value(vaddr, Addresses.hex(vaddr) + " (paddr " + Addresses.hex(paddr) + ")");
            r.paddr(paddr);
        }
    }
}
