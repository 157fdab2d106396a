package dev.pagelab.kernel;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.heap.KernelHeap;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.KernelPaging;
import dev.pagelab.paging.MapResult;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorException;
import dev.pagelab.pmm.FrameAllocators;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.vmm.KernelMemory;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel after {@code kmain}'s memory set-up, the façade that the command line, scenarios and
 * tests drive: the machine the loader booted, a frame allocator over the free pool, the higher-half
 * page directory with paging on, the two page-range bitmaps, and kmmap/kunmap.
 *
 * <ol>
 *   <li>The MMU starts as a Multiboot loader leaves the CPU: protected mode (CR0.PE), paging off, CPL 0.</li>
 *   <li>The frame allocator named by the configuration takes the boot's free frames.</li>
 *   <li>{@link KernelPaging#enable}: the directory, the kernel half, the strategy's windows, paging on.</li>
 *   <li>The page-range bitmaps (two bits a page) are kernel data at {@link KernelLayout#KERNEL_DATA_START}:
 *       the kernel heap area's first, then the user area's, in frames from the allocator.</li>
 * </ol>
 */
public final class Kernel {
    private final BootReport report;
    private final PhysicalMemory memory;
    private final KernelImage image;
    private final KernelConfig config;
    private final Mmu mmu;
    private final AccountedFrames frames;
    private final AddressSpace space;
    private final KernelMemory vm;
    private final List<String> log;
    private final EventSink events = new EventSink();
    private KernelHeap heap;

    private Kernel(BootReport report, PhysicalMemory memory, KernelImage image, KernelConfig config) {
        this.report = report;
        this.memory = memory;
        this.image = image;
        this.config = config;
        this.mmu = new Mmu(memory, config.tlb());
        mmu.setCr0(Mmu.CR0_PE);
        FrameAllocator allocator = FrameAllocators.create(config.allocator(), memory, report.freeFrameRanges());
        this.frames = new AccountedFrames(allocator, FrameAccounting.of(report, allocator));
        frames.accounting().setOwnerListener(this::ownerChanged);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(java.util.Locale.ROOT, "frame allocator %s: %,d free frames, %,d for its metadata",
                allocator.name(), allocator.freeFrames(), metadataFrames(allocator)));
        long ramTop = Addresses.pfnToPaddr(report.map().highestUsableFrame() + 1);
        KernelPaging paging = KernelPaging.enable(mmu, frames, image, config.tableAccess(), config.largePages(), ramTop,
                events);
        lines.addAll(paging.log());
        this.space = paging.space();

        long kernelAreaPages = (KernelLayout.KERNEL_DATA_START - KernelLayout.KERNEL_HEAP_START) >>> Addresses.PAGE_SHIFT;
        long userAreaPages = (KernelLayout.USER_END - KernelLayout.USER_HEAP_START) >>> Addresses.PAGE_SHIFT;
        long kernelBitmap = KernelLayout.KERNEL_DATA_START;
        long userBitmap = kernelBitmap + Addresses.alignUp(PageRangeAllocator.bitmapBytes(kernelAreaPages));
        long end = userBitmap + Addresses.alignUp(PageRangeAllocator.bitmapBytes(userAreaPages));
        for (long vaddr = kernelBitmap; vaddr < end; vaddr += Addresses.PAGE_BYTES) {
            long pfn = frames.allocate(FrameOwner.KERNEL_DATA);
            MapResult r = pfn == FrameAllocator.NO_FRAME ? new MapResult.OutOfFrames(vaddr)
                    : space.mapPage(vaddr, pfn, Pte.WRITABLE);
            if (!r.mapped()) {
                throw new IllegalStateException("kernel start-up: cannot map the page-range bitmaps at "
                        + Addresses.hex(vaddr) + ": " + (pfn == FrameAllocator.NO_FRAME ? "no free frame left" : r));
            }
        }
        PageRangeAllocator kernelPages = new PageRangeAllocator("kernel heap area", mmu, kernelBitmap,
                KernelLayout.KERNEL_HEAP_START, kernelAreaPages);
        PageRangeAllocator userPages = new PageRangeAllocator("user area", mmu, userBitmap,
                KernelLayout.USER_HEAP_START, userAreaPages);
        lines.add("page-range bitmaps (2 bits a page) at " + Addresses.hex(kernelBitmap) + ": kernel heap area "
                + Addresses.hex(KernelLayout.KERNEL_HEAP_START) + "-" + Addresses.hex(KernelLayout.KERNEL_DATA_START - 1)
                + String.format(java.util.Locale.ROOT, " (%,d pages, %,d bytes), user area ", kernelAreaPages,
                PageRangeAllocator.bitmapBytes(kernelAreaPages))
                + Addresses.hex(KernelLayout.USER_HEAP_START) + "-" + Addresses.hex(KernelLayout.USER_END - 1) + " at "
                + Addresses.hex(userBitmap) + String.format(java.util.Locale.ROOT, " (%,d pages, %,d bytes)",
                userAreaPages, PageRangeAllocator.bitmapBytes(userAreaPages)));
        this.vm = new KernelMemory(space, frames, kernelPages, userPages);
        this.log = List.copyOf(lines);
    }

    /** The kernel on a machine the loader has booted. */
    public static Kernel start(Boot boot, KernelConfig config) {
        return new Kernel(boot.report(), boot.memory(), boot.kernel(), config);
    }

    /**
     * The kernel on a machine whose entry already ran: {@code report} describes {@code memory},
     * and {@code image} is the kernel it holds (for its segments' rights).
     */
    public static Kernel start(BootReport report, PhysicalMemory memory, KernelImage image, KernelConfig config) {
        return new Kernel(report, memory, image, config);
    }

    /** The built-in 1 MiB kernel booted on the built-in machine {@code machine}. */
    public static Kernel boot(String machine, KernelConfig config) {
        return start(Boot.run(MachineProfiles.byName(machine), KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(),
                "", KernelEntry.LowMemory.FIRST_MIB), config);
    }

    /** What the boot learned. */
    public BootReport report() {
        return report;
    }

    /** The machine's physical memory. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** The kernel image. */
    public KernelImage image() {
        return image;
    }

    /** The configuration. */
    public KernelConfig config() {
        return config;
    }

    /** The CPU's MMU: paging is on. */
    public Mmu mmu() {
        return mmu;
    }

    /** The frame allocator, through the door that records owners. */
    public AccountedFrames frames() {
        return frames;
    }

    /** The frame allocator itself. */
    public FrameAllocator allocator() {
        return frames.allocator();
    }

    /** Who holds every frame. */
    public FrameAccounting accounting() {
        return frames.accounting();
    }

    /** Where every component of this kernel reports what it does: install one listener to watch. */
    public EventSink events() {
        return events;
    }

    private void ownerChanged(long pfn, FrameOwner before, FrameOwner after) {
        if (events.enabled()) {
            events.emit(before == FrameOwner.FREE ? new KernelEvent.FrameTaken(pfn, after)
                    : after == FrameOwner.FREE ? new KernelEvent.FrameFreed(pfn, before)
                    : new KernelEvent.FrameOwnerChanged(pfn, before, after));
        }
    }

    /** The kernel's page directory and tables. */
    public AddressSpace space() {
        return space;
    }

    /** kmmap, kunmap and the page-range bitmaps. */
    public KernelMemory vm() {
        return vm;
    }

    /** The kernel heap (K&R malloc over kmmap), made on first use: it takes no memory until the first kmalloc. */
    public KernelHeap heap() {
        if (heap == null) {
            heap = new KernelHeap(mmu, vm, events);
        }
        return heap;
    }

    /**
     * The seeds' {@code freeFrame} as kernel code calls it: gives frame {@code pfn} back to the
     * allocator through the accounting door, after checking that nothing still uses it. Freeing
     * the live page directory, a page table, or a frame some page is still mapped to would hand
     * the next caller of allocFrame a frame the MMU keeps using: that is refused as misuse.
     *
     * @return whether the allocator took the frame back (false for an allocator that cannot free)
     * @throws FrameAllocatorException naming the frame and what still uses it, or what the
     *                                 allocator found wrong (not allocated, reserved); nothing changes
     */
    public boolean freeFrame(long pfn) {
        long cr3Pfn = Addresses.paddrToPfn(mmu.cr3() & ~Addresses.PAGE_OFFSET_MASK);
        if (pfn == cr3Pfn && mmu.pagingEnabled()) {
            throw new FrameAllocatorException("freeFrame: frame " + Addresses.hex(pfn) + " is the live page directory"
                    + " (CR3=" + Addresses.hex(mmu.cr3()) + "); the MMU walks it on every TLB miss");
        }
        int pde = space.tableOwnerOf(pfn);
        if (pde >= 0) {
            throw new FrameAllocatorException("freeFrame: frame " + Addresses.hex(pfn) + " is the page table of PDE "
                    + pde + " (" + Addresses.hex((long) pde << Addresses.LARGE_PAGE_SHIFT) + "-"
                    + Addresses.hex(((long) pde + 1 << Addresses.LARGE_PAGE_SHIFT) - 1) + "); unmapPage its pages and"
                    + " the kernel frees it when it is empty");
        }
        long vaddr = space.mappingOf(pfn);
        if (vaddr != AddressSpace.NOT_MAPPED) {
            throw new FrameAllocatorException("freeFrame: frame " + Addresses.hex(pfn) + " is still mapped at "
                    + Addresses.hex(vaddr) + "; unmapPage it first (a freed frame must not stay reachable)");
        }
        return frames.free(pfn);
    }

    /** What the kernel did after the entry, one line a step, for the boot log. */
    public List<String> log() {
        return log;
    }

    /**
     * Checks every structure: the allocator's, the page tables' (every frame a present entry
     * references is allocated and held: a page table, or whoever the page was mapped for), the
     * page-range bitmaps', that CR3 holds the kernel's live directory, and that the accounting
     * agrees with the allocator for every frame of the pool.
     *
     * @throws AssertionError naming the first disagreement
     */
    public void checkInvariants() {
        if (!mmu.pagingEnabled() || (mmu.cr3() & ~Addresses.PAGE_OFFSET_MASK) != space.directoryPaddr()) {
            throw new AssertionError("CR3=" + Addresses.hex(mmu.cr3()) + " (CR0=" + Addresses.hex(mmu.cr0())
                    + ") but the kernel's page directory is at " + Addresses.hex(space.directoryPaddr()));
        }
        allocator().checkInvariants();
        space.checkInvariants();
        vm.kernelPages().checkInvariants();
        vm.userPages().checkInvariants();
        if (heap != null) {
            heap.checkInvariants();
        }
        for (FrameRange range : report.freeFrameRanges()) {
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                FrameOwner owner = accounting().ownerOf(pfn);
                boolean free = owner == FrameOwner.FREE || owner == FrameOwner.ALLOCATOR_METADATA;
                if (allocator().isAllocated(pfn) == free) {
                    throw new AssertionError("frame " + Addresses.hex(pfn) + " is " + (free ? "" : "not ")
                            + "allocated in " + allocator().name() + " but accounted as " + owner.label());
                }
            }
        }
    }

    private static long metadataFrames(FrameAllocator allocator) {
        return allocator.metadataFrames().stream().mapToLong(FrameRange::frames).sum();
    }
}
