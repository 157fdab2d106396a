package dev.pagelab.proc;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.pmm.FrameOwner;
import java.util.Map;

/**
 * What a kernel holds, taken before processes are spawned and compared after they have all ended:
 * every frame, page table and address space must be back where it was.
 *
 * @param freeFrames the frame allocator's free frames
 * @param owners     frames by owner in the kernel's accounting
 * @param spaces     live address spaces (the kernel's and the processes')
 * @param kernelPageTables page tables of the kernel half (a process's kmmap'd bitmap may have taken one)
 */
record KernelLedger(long freeFrames, Map<FrameOwner, Long> owners, int spaces, long kernelPageTables) {
    /** The small machine the process tests boot: 16 MiB, about 3,800 free frames. */
    static final String MACHINE = "qemu-pc-16M";

    static Kernel boot() {
        return Kernel.boot(MACHINE, KernelConfig.DEFAULT);
    }

    static KernelLedger of(Kernel kernel) {
        return new KernelLedger(kernel.allocator().freeFrames(), kernel.accounting().counts(),
                kernel.spaces().all().size(), kernel.spaces().kernelPageTables());
    }
}
