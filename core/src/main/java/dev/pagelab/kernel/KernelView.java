package dev.pagelab.kernel;

import dev.pagelab.boot.BootReport;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.ControlRegisters;
import dev.pagelab.hw.CpuStats;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.paging.MemoryDump;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameSpan;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What observers (the command line, reports, later the web page) may see of a running
 * {@link Kernel}: figures, copies and dumps, never the mutable MMU, address space or allocator.
 * Looking changes nothing: no TLB entry, no Accessed bit, no counter, no CR2. Each method reads
 * the kernel as it is when called (nothing is cached); what it returns is a copy or an
 * unmodifiable list, except the two statistics views, which stay live and read-only.
 * Not thread-safe, like the kernel.
 */
public final class KernelView {
    private final Kernel kernel;

    KernelView(Kernel kernel) {
        this.kernel = kernel;
    }

    /** What the boot learned: the map, the reserved frames, the Multiboot information. */
    public BootReport report() {
        return kernel.report();
    }

    /** The configuration the kernel was started with. */
    public KernelConfig config() {
        return kernel.config();
    }

    /** What the start-up did, one line a step, for the boot log. */
    public List<String> startupLog() {
        return kernel.log();
    }

    /** CR0, CR2, CR3, CR4 and the CPL now. */
    public ControlRegisters registers() {
        return ControlRegisters.of(kernel.mmu());
    }

    /** The kernel's own page directory (the one CR3 holds while the kernel runs). */
    public long kernelDirectoryPaddr() {
        return kernel.space().directoryPaddr();
    }

    /** Page tables the kernel's directory points at. */
    public long kernelPageTables() {
        return kernel.space().pageTables();
    }

    /** The frame allocator's figures now. */
    public AllocatorMetrics allocator() {
        return AllocatorMetrics.of(kernel.allocator());
    }

    /** Frames held by each owner, zero counts included, in owner order. */
    public Map<FrameOwner, Long> framesByOwner() {
        return Collections.unmodifiableMap(kernel.accounting().counts());
    }

    /** Runs of frames with one owner, in address order, from frame 0 to the top of the accounting. */
    public List<FrameSpan> frameSpans() {
        return List.copyOf(kernel.accounting().spans());
    }

    /**
     * The mapped ranges of the address space whose page directory is at {@code directoryPaddr},
     * read from physical memory as Linux's page-table dump reads them, 4 MiB entries honoured when
     * CR4.PSE is set now.
     */
    public List<PageTableDump.Range> addressSpace(long directoryPaddr) {
        checkDirectory("addressSpace", directoryPaddr);
        Mmu mmu = kernel.mmu();
        return List.copyOf(PageTableDump.ranges(mmu.memory(), directoryPaddr, (mmu.cr4() & Mmu.CR4_PSE) != 0));
    }

    /**
     * The directory at {@code directoryPaddr} and every page table it points at, copied, with CR0
     * and CR4 as they are now and CR3 as it would be loaded for it (as it is, flags included, when
     * it is the directory in use): what {@code pagelab boot --dump-memory} writes for QEMU.
     */
    public MemoryDump memoryDump(long directoryPaddr) {
        checkDirectory("memoryDump", directoryPaddr);
        Mmu mmu = kernel.mmu();
        PhysicalMemory memory = mmu.memory();
        long cr3 = (mmu.cr3() & ~Addresses.PAGE_OFFSET_MASK) == directoryPaddr ? mmu.cr3() : directoryPaddr;
        SortedMap<Long, byte[]> frames = new TreeMap<>();
        for (long paddr : PageTableDump.tableFrames(memory, cr3, (mmu.cr4() & Mmu.CR4_PSE) != 0)) {
            frames.put(paddr, memory.readBytes(paddr, Addresses.PAGE_BYTES));
        }
        return new MemoryDump(mmu.cr0(), cr3, mmu.cr4(), frames);
    }

    /** Every step of the walk for {@code vaddr} in the address space loaded now, and what each access would do. */
    public WalkExplanation explain(long vaddr) {
        return kernel.mmu().explain(vaddr);
    }

    /** What the MMU has done since the counters were last reset: a live, read-only view. */
    public MmuStats mmuStats() {
        return kernel.mmu().stats();
    }

    /** What the CPU did with the page faults of accesses made through it: a live, read-only view. */
    public CpuStats cpuStats() {
        return kernel.cpu().stats();
    }

    private static void checkDirectory(String operation, long directoryPaddr) {
        if (directoryPaddr < 0 || directoryPaddr > Addresses.MAX_VADDR || !Addresses.isPageAligned(directoryPaddr)) {
            throw new IllegalArgumentException(operation + ": page directory at " + Addresses.hex(directoryPaddr)
                    + " is not a page-aligned 32-bit physical address");
        }
    }
}
