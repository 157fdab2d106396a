package dev.pagelab.kernel;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.event.EventSink;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.KernelPaging;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.vmm.KernelMemory;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kernel's start-up, the memory half of the seeds' {@code kmain}, run once between the
 * entry (which read the Multiboot information: {@link KernelEntry}) and the running
 * {@link Kernel}:
 *
 * <ol>
 *   <li>The CPU starts as a Multiboot loader leaves it: protected mode (CR0.PE), paging off, CPL 0
 *       ({@link Kernel}'s constructor).</li>
 *   <li>The frame allocator named by the configuration takes the boot's free frames, behind the
 *       accounting door that records who holds each frame ({@link Kernel}'s constructor, which
 *       keeps what it makes).</li>
 *   <li>{@link #enablePaging}: the page directory, the kernel half at 0xC0000000, the
 *       strategy's windows, then the seeds' {@code enablePaging}: CR3, CR4.PSE, CR0.PG and WP
 *       (and CR4.PGE when the kernel maps its half global).</li>
 *   <li>{@link #pageRangeBitmaps}: the two page-range bitmaps (two bits a page) are kernel data
 *       at {@link KernelLayout#KERNEL_DATA_START}, the kernel heap area's first, then the user
 *       area's, in frames from the allocator; kmmap works from here on.</li>
 *   <li>The kernel installs its page-fault handler on the CPU ({@link Kernel}'s constructor).</li>
 * </ol>
 * Each step adds lines to the start-up log that {@code pagelab boot} prints. A step that cannot
 * finish (no frame left) throws {@link IllegalStateException} naming the step and the address;
 * a half-started kernel is never returned.
 *
 * @param space the kernel's address space, paging on
 * @param vm    kmmap and kunmap over the two page-range bitmaps
 * @param log   what the start-up did, one line a step
 */
record KernelStartup(AddressSpace space, KernelMemory vm, List<String> log) {

    /** Steps 3 and 4 on a CPU whose paging is off, with the allocator of step 2 in {@code frames}. */
    static KernelStartup run(Mmu mmu, AccountedFrames frames, KernelImage image, KernelConfig config,
                             long ramTopBytes, EventSink events) {
        List<String> log = new ArrayList<>();
        FrameAllocator allocator = frames.allocator();
        log.add(String.format(Locale.ROOT, "frame allocator %s: %,d free frames, %,d for its metadata",
                allocator.name(), allocator.freeFrames(),
                allocator.metadataFrames().stream().mapToLong(FrameRange::frames).sum()));
        KernelPaging paging = enablePaging(mmu, frames, image, config.tableAccess(), config.largePages(),
                config.globalKernelPages(), ramTopBytes, events);
        log.addAll(paging.log());
        KernelMemory vm = pageRangeBitmaps(mmu, frames, paging.space(), log);
        return new KernelStartup(paging.space(), vm, List.copyOf(log));
    }

    /**
     * The seeds' {@code enablePaging} (seed 002's {@code paging_enable.s}: {@code mov cr3, eax};
     * optionally {@code or} CR4.PSE, bit 4, for 4 MiB pages; {@code or} CR0.PG, bit 31, and
     * WP, bit 16), with everything a higher-half kernel must do around it, as
     * {@link KernelPaging#enable} does it: build the directory, map the kernel at 0xC0000000, set
     * CR4.PSE before the 4 MiB entries are used, identity-map the kernel for the switch, load CR3,
     * set CR0.PG | WP, then drop the identity mapping and reload CR3; with global kernel pages,
     * set CR4.PGE last.
     */
    static KernelPaging enablePaging(Mmu mmu, AccountedFrames frames, KernelImage image, TableAccessStrategy strategy,
                                     boolean largePages, boolean globalPages, long ramTopBytes, EventSink events) {
        return KernelPaging.enable(mmu, frames, image, strategy, largePages, globalPages, ramTopBytes, events);
    }

    /**
     * Maps fresh frames (owner {@link FrameOwner#KERNEL_DATA}) for the seeds' {@code pagesBitmap} of
     * the kernel heap area and of the user area, and makes their allocators.
     *
     * @throws IllegalStateException when a page cannot be mapped (no frame left for it or its table)
     */
    static KernelMemory pageRangeBitmaps(Mmu mmu, AccountedFrames frames, AddressSpace space, List<String> log) {
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
        log.add("page-range bitmaps (2 bits a page) at " + Addresses.hex(kernelBitmap) + ": kernel heap area "
                + Addresses.hex(KernelLayout.KERNEL_HEAP_START) + "-" + Addresses.hex(KernelLayout.KERNEL_DATA_START - 1)
                + String.format(Locale.ROOT, " (%,d pages, %,d bytes), user area ", kernelAreaPages,
                PageRangeAllocator.bitmapBytes(kernelAreaPages))
                + Addresses.hex(KernelLayout.USER_HEAP_START) + "-" + Addresses.hex(KernelLayout.USER_END - 1) + " at "
                + Addresses.hex(userBitmap) + String.format(Locale.ROOT, " (%,d pages, %,d bytes)",
                userAreaPages, PageRangeAllocator.bitmapBytes(userAreaPages)));
        return new KernelMemory(space, frames, kernelPages, userPages);
    }
}
