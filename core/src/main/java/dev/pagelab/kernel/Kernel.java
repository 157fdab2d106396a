package dev.pagelab.kernel;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.heap.KernelHeap;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Cpu;
import dev.pagelab.hw.FaultHandler;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.AddressSpaces;
import dev.pagelab.paging.MapResult;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorConfig;
import dev.pagelab.pmm.FrameAllocatorException;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.vmm.KernelMemory;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.List;
import java.util.Objects;

/**
 * The running kernel after {@code kmain}'s memory set-up, the façade that the command line,
 * scenarios and tests drive: the machine the loader booted, the CPU with paging on, a frame
 * allocator over the free pool, the higher-half page directory, the two page-range bitmaps,
 * kmmap/kunmap and the heap.
 *
 * <h2>Start-up</h2>
 * The constructor makes the state the kernel keeps (the CPU as the loader leaves it, the frame
 * allocator and its accounting, the event sink) and hands it to {@link KernelStartup}, which runs
 * the boot sequence (paging on, the page-range bitmaps) and writes the start-up log; then the
 * kernel installs its page-fault handler. The static factories {@link #start} and {@link #boot}
 * are the ways in.
 *
 * <h2>Two doors</h2>
 * <ul>
 *   <li>Observers (the command line, reports, the web page) read {@link #view()}: figures,
 *       copies and dumps that change nothing.</li>
 *   <li>Drivers (the scenario runner, benchmarks, tests, later processes) reach the components
 *       ({@link #cpu()}, {@link #space()}, {@link #vm()}, {@link #heap()}, {@link #frames()}) and
 *       the kernel's own operations: {@link #freeFrame}, {@link #setFaultResolver},
 *       {@link #checkInvariants}. Everything they do is reported through {@link #events()}.</li>
 * </ul>
 *
 * <h2>Page faults</h2>
 * The kernel's handler on the {@link Cpu} asks the installed resolver (none by default: every
 * fault stands, as before there were processes) and reports each fault it saw as a
 * {@link KernelEvent.PageFaulted}. Accesses made through the {@link Mmu} alone never reach it.
 */
public final class Kernel {
    private final BootReport report;
    private final PhysicalMemory memory;
    private final KernelImage image;
    private final KernelConfig config;
    private final Cpu cpu;
    private final Mmu mmu;
    private final AccountedFrames frames;
    private final AddressSpace space;
    private final KernelMemory vm;
    private final List<String> log;
    private final EventSink events = new EventSink();
    private final KernelView view = new KernelView(this);
    private FaultHandler faultResolver = FaultHandler.NONE;
    private KernelHeap heap;

    private Kernel(BootReport report, PhysicalMemory memory, KernelImage image, KernelConfig config) {
        this.report = report;
        this.memory = memory;
        this.image = image;
        this.config = config;
        this.cpu = new Cpu(memory, config.tlb());
        this.mmu = cpu.mmu();
        mmu.setCr0(Mmu.CR0_PE);
        FrameAllocator allocator = FrameAllocatorRegistry.builtIn().create(config.allocator(),
                new FrameAllocatorConfig(memory, report.freeFrameRanges()));
        this.frames = new AccountedFrames(allocator, FrameAccounting.of(report.layout(), allocator));
        frames.accounting().setOwnerListener(this::ownerChanged);
        long ramTop = Addresses.pfnToPaddr(report.map().highestUsableFrame() + 1);
        KernelStartup started = KernelStartup.run(mmu, frames, image, config, ramTop, events);
        this.space = started.space();
        this.vm = started.vm();
        this.log = started.log();
        cpu.setFaultHandler(this::pageFault);
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
                "", LowMemory.FIRST_MIB), config);
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

    /** The CPU: data accesses and fetches whose page faults go to the kernel's handler. */
    public Cpu cpu() {
        return cpu;
    }

    /** The CPU's MMU: paging is on. Accesses through it alone do not reach the fault handler. */
    public Mmu mmu() {
        return mmu;
    }

    /** What observers may see: figures, copies and dumps that change nothing. */
    public KernelView view() {
        return view;
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

    /**
     * Installs what the kernel's page-fault handler does to resolve a fault (demand paging,
     * swap-in: {@link FaultHandler.Resolution#RESOLVED} once the page is there) and returns the
     * one it replaces; {@link FaultHandler#NONE}, the default, resolves nothing. The resolver runs
     * at CPL 0 with CR2 set; the kernel reports each fault it saw as a
     * {@link KernelEvent.PageFaulted}, resolved or not.
     */
    public FaultHandler setFaultResolver(FaultHandler resolver) {
        FaultHandler previous = faultResolver;
        faultResolver = Objects.requireNonNull(resolver, "setFaultResolver: resolver (FaultHandler.NONE for none)");
        return previous;
    }

    /** The kernel's #PF handler, installed on the CPU. */
    private FaultHandler.Resolution pageFault(PageFault fault) {
        FaultHandler.Resolution resolution = faultResolver.handle(fault);
        if (events.enabled()) {
            events.emit(new KernelEvent.PageFaulted(fault, resolution == FaultHandler.Resolution.RESOLVED));
        }
        return resolution;
    }

    /** The kernel's page directory and tables. */
    public AddressSpace space() {
        return space;
    }

    /** Every page directory of this kernel (its own and those made for processes): create, destroy, switch. */
    public AddressSpaces spaces() {
        return space.spaces();
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
        if (spaces().isLiveDirectory(pfn)) {
            throw new FrameAllocatorException("freeFrame: frame " + Addresses.hex(pfn) + " is the page directory of a"
                    + " live address space; destroy the space and the kernel frees it");
        }
        for (AddressSpace s : spaces().all()) {
            String whose = s == space ? "" : " in the address space of directory "
                    + Addresses.hex(s.directoryPaddr());
            int pde = s.tableOwnerOf(pfn);
            if (pde >= 0) {
                throw new FrameAllocatorException("freeFrame: frame " + Addresses.hex(pfn) + " is the page table of PDE "
                        + pde + " (" + Addresses.hex((long) pde << Addresses.LARGE_PAGE_SHIFT) + "-"
                        + Addresses.hex(((long) pde + 1 << Addresses.LARGE_PAGE_SHIFT) - 1) + ")" + whose
                        + "; unmapPage its pages and the kernel frees it when it is empty");
            }
            long vaddr = s.mappingOf(pfn);
            if (vaddr != AddressSpace.NOT_MAPPED) {
                throw new FrameAllocatorException("freeFrame: frame " + Addresses.hex(pfn) + " is still mapped at "
                        + Addresses.hex(vaddr) + whose + "; unmapPage it first (a freed frame must not stay reachable)");
            }
        }
        return frames.free(pfn);
    }

    /**
     * The seeds' {@code mapPage} as kernel code outside kmmap calls it: maps the page at
     * {@code vaddr} to frame {@code pfn} in the kernel's directory ({@link AddressSpace#mapPage}),
     * after checking that the page is not the kernel heap area's to hand out.
     *
     * <p>The kernel heap area ({@link KernelMemory#kernelPages()}, 0xC1000000 up) belongs to its
     * page-range allocator. Seed 004's {@code allocPages} finds a run in the pages bitmap alone,
     * and {@code kmmap} then calls {@code mapPage} on every page of the run without looking at the
     * page tables: the bitmap is the one record of what the area holds. A page the bitmap shows
     * free is therefore one that a later kmmap (or the heap's morecore) hands out and maps afresh;
     * mapping it by hand would make that kmmap find it mapped, so it is refused, naming the page
     * and the area. A page inside a block kmmap handed out may be mapped by hand (the block's owner
     * mapping a page it unmapped); kunmap then unmaps it and frees whatever frame it maps, as a C
     * kernel's would.
     *
     * @param flags the entry's flag bits 11:0 ({@link dev.pagelab.hw.Pte#WRITABLE}, {@link dev.pagelab.hw.Pte#USER}, ...)
     * @return what {@link AddressSpace#mapPage} returns
     * @throws IllegalArgumentException when the page is a free page of the kernel heap area, or as
     *                                  {@link AddressSpace#mapPage} throws; nothing is changed
     */
    public MapResult mapPage(long vaddr, long pfn, int flags) {
        PageRangeAllocator area = vm.kernelPages();
        if (vaddr >= area.areaStartVaddr() && vaddr < area.areaEndVaddr() && !area.isAllocated(vaddr)) {
            throw new IllegalArgumentException("mapPage: " + Addresses.hex(vaddr) + " is in the " + area.name() + " ["
                    + Addresses.hex(area.areaStartVaddr()) + ", " + Addresses.hex(area.areaEndVaddr()) + "), whose pages"
                    + " kmmap hands out from its pages bitmap, and the bitmap shows this page free (00): a later kmmap"
                    + " would take it and find it mapped. Map by hand outside the area, or kmmap the memory");
        }
        return space.mapPage(vaddr, pfn, flags);
    }

    /** What the kernel did after the entry, one line a step, for the boot log. */
    public List<String> log() {
        return log;
    }

    /**
     * Checks every structure: the allocator's, the page tables' (every frame a present entry
     * references is allocated and held: a page table, or whoever the page was mapped for), the
     * page-range bitmaps', that CR3 holds a live directory, and that the accounting
     * agrees with the allocator for every frame of the pool.
     *
     * @throws AssertionError naming the first disagreement
     */
    public void checkInvariants() {
        if (spaces().loaded() == null) {
            throw new AssertionError("CR3=" + Addresses.hex(mmu.cr3()) + " (CR0=" + Addresses.hex(mmu.cr0())
                    + ") but the kernel's page directory is at " + Addresses.hex(space.directoryPaddr())
                    + " and no other live directory is there");
        }
        allocator().checkInvariants();
        spaces().checkInvariants();
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
}
