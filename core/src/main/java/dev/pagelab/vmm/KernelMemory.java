package dev.pagelab.vmm;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;

/**
 * Seed 004's {@code kmmap} and {@code kunmap}: virtually contiguous kernel memory made of
 * frames that need not be contiguous, as Linux's {@code vmalloc}.
 *
 * <h2>kmmap(bytes)</h2>
 * <ol>
 *   <li>Round up to pages: {@code n = ceil(bytes / 4096)}.</li>
 *   <li>{@code allocPages(n)} in the kernel heap area's page-range bitmap: the virtual range.</li>
 *   <li>For each page: take a frame, {@code mapPage(vaddr + i * 4096, frame, R/W)} (which may take a
 *       frame for a page table too).</li>
 *   <li>Anything fails half way (no frame for a page or a page table): unmap what was mapped,
 *       give back every frame and the virtual range, and return {@link #FAILED}. No frame, page
 *       or page table leaks.</li>
 * </ol>
 * The memory is not zeroed, as in C: it holds whatever the frames held.
 *
 * <h2>kunmap(vaddr)</h2>
 * {@code freePages(vaddr)} gives the number of pages (and rejects an address that does not start
 * a block, changing nothing); each page is unmapped (INVLPG, empty page tables freed) and its
 * frame freed.
 *
 * <p>Not thread-safe.
 */
public final class KernelMemory {
    /** Returned by {@link #kmmap} when it cannot map the request; see {@link #lastFailure()}. */
    public static final long FAILED = -1;

    /** Why the last kmmap failed. */
    public enum Failure {
        /** No run of free virtual pages long enough in the kernel heap area. */
        OUT_OF_VIRTUAL_PAGES("no run of free virtual pages long enough"),
        /** No free frame for a page or one of its page tables. */
        OUT_OF_FRAMES("no free frame left");

        private final String text;

        Failure(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final AddressSpace space;
    private final AccountedFrames frames;
    private final PageRangeAllocator kernelPages;
    private final PageRangeAllocator userPages;
    private Failure lastFailure;
    private long kmmaps;
    private long kunmaps;
    private long pagesMapped;

    public KernelMemory(AddressSpace space, AccountedFrames frames, PageRangeAllocator kernelPages,
                        PageRangeAllocator userPages) {
        this.space = space;
        this.frames = frames;
        this.kernelPages = kernelPages;
        this.userPages = userPages;
    }

    /** Maps {@code bytes} (rounded up to pages) of fresh kernel memory; frames held as {@link FrameOwner#KERNEL_DATA}. */
    public long kmmap(long bytes) {
        return kmmap(bytes, FrameOwner.KERNEL_DATA);
    }

    /**
     * Maps {@code bytes} (rounded up to pages) of fresh, writable, supervisor-only memory in the
     * kernel heap area.
     *
     * @param owner what the frames are held as in the accounting (the heap passes {@link FrameOwner#HEAP})
     * @return the virtual address of the first page, or {@link #FAILED} with nothing changed
     * @throws IllegalArgumentException when {@code bytes < 1} or the request exceeds the area
     */
    public long kmmap(long bytes, FrameOwner owner) {
        if (bytes < 1 || bytes > kernelPages.pages() * Addresses.PAGE_BYTES) {
            throw new IllegalArgumentException("kmmap: " + bytes + " bytes is not between 1 and the kernel heap area's "
                    + kernelPages.pages() * Addresses.PAGE_BYTES + " bytes");
        }
        long pages = (bytes + Addresses.PAGE_BYTES - 1) >>> Addresses.PAGE_SHIFT;
        long vaddr = kernelPages.allocPages(pages);
        if (vaddr == PageRangeAllocator.NO_PAGES) {
            lastFailure = Failure.OUT_OF_VIRTUAL_PAGES;
            return FAILED;
        }
        for (long i = 0; i < pages; i++) {
            long page = vaddr + (i << Addresses.PAGE_SHIFT);
            long pfn = frames.allocate(owner);
            MapResult result = pfn == FrameAllocator.NO_FRAME ? new MapResult.OutOfFrames(page)
                    : space.mapPage(page, pfn, Pte.WRITABLE);
            if (!result.mapped()) {
                if (pfn != FrameAllocator.NO_FRAME) {
                    frames.free(pfn);
                }
                if (result instanceof MapResult.AlreadyMapped already) {
                    throw new AssertionError("kmmap: " + Addresses.hex(page) + " is free in " + kernelPages.name()
                            + " but mapped: " + already);
                }
                unmapAndFree(vaddr, i);
                kernelPages.freePages(vaddr);
                lastFailure = Failure.OUT_OF_FRAMES;
                return FAILED;
            }
        }
        kmmaps++;
        pagesMapped += pages;
        return vaddr;
    }

    /**
     * Unmaps the block kmmap returned at {@code vaddr} and frees its frames.
     *
     * @return the number of pages freed
     * @throws IllegalArgumentException when {@code vaddr} does not start a block of the kernel
     *                                  heap area; nothing is changed
     */
    public long kunmap(long vaddr) {
        if (vaddr < kernelPages.areaStartVaddr() || vaddr >= kernelPages.areaEndVaddr()) {
            throw new IllegalArgumentException("kunmap: " + Addresses.hex(vaddr) + " is outside the kernel heap area ["
                    + Addresses.hex(kernelPages.areaStartVaddr()) + ", " + Addresses.hex(kernelPages.areaEndVaddr()) + ")");
        }
        long pages = kernelPages.freePages(vaddr);
        unmapAndFree(vaddr, pages);
        kunmaps++;
        pagesMapped -= pages;
        return pages;
    }

    /** Why the last {@link #kmmap} returned {@link #FAILED}, or null if none did. */
    public Failure lastFailure() {
        return lastFailure;
    }

    /** The kernel heap area's page-range allocator (0xC1000000 up). */
    public PageRangeAllocator kernelPages() {
        return kernelPages;
    }

    /** The user area's page-range allocator (0x1000 up). */
    public PageRangeAllocator userPages() {
        return userPages;
    }

    /** The address space kmmap maps into. */
    public AddressSpace space() {
        return space;
    }

    /** Successful kmmap calls so far. */
    public long kmmaps() {
        return kmmaps;
    }

    /** kunmap calls so far. */
    public long kunmaps() {
        return kunmaps;
    }

    /** Pages kmmap'd and not yet kunmap'd. */
    public long pagesMapped() {
        return pagesMapped;
    }

    private void unmapAndFree(long vaddr, long pages) {
        for (long i = 0; i < pages; i++) {
            UnmapResult r = space.unmapPage(vaddr + (i << Addresses.PAGE_SHIFT));
            if (r instanceof UnmapResult.Unmapped unmapped) {
                frames.free(unmapped.pfn());
            }
        }
    }
}
