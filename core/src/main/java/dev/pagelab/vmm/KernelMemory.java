package dev.pagelab.vmm;

import com.carrotsearch.hppc.LongIntHashMap;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.util.Arrays;

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
 * frame freed. A block kmmapped for an owner (the heap's chunks, held as
 * {@link FrameOwner#HEAP}) goes back only through {@link #kunmap(long, FrameOwner)} with that
 * owner: plain kunmap of a heap chunk, a use after free of a stale address, is refused. The
 * owners of the live blocks are the one thing kept on the Java side (as Linux keeps a
 * {@code vm_struct} for each vmalloc area); the blocks themselves live in the bitmap.
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
    /** The owner (ordinal) each live block was kmmapped for, by its first page. */
    private final LongIntHashMap blockOwners = new LongIntHashMap();
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
            if (!mapFresh("kmmap", vaddr + (i << Addresses.PAGE_SHIFT), owner)) {
                unmapAndFree(vaddr, i);
                kernelPages.freePages(vaddr);
                lastFailure = Failure.OUT_OF_FRAMES;
                return FAILED;
            }
        }
        kmmaps++;
        pagesMapped += pages;
        blockOwners.put(vaddr, owner.ordinal());
        return vaddr;
    }

    /**
     * Unmaps the block kmmap returned at {@code vaddr} for {@link FrameOwner#KERNEL_DATA} and frees its frames.
     *
     * @return the number of pages freed
     * @throws IllegalArgumentException when {@code vaddr} does not start a block of the kernel
     *                                  heap area, or starts one kmmapped for another owner;
     *                                  nothing is changed
     */
    public long kunmap(long vaddr) {
        return kunmap(vaddr, FrameOwner.KERNEL_DATA);
    }

    /**
     * Unmaps the block kmmap returned at {@code vaddr} for {@code owner} and frees its frames.
     *
     * @return the number of pages freed
     * @throws IllegalArgumentException when {@code vaddr} does not start a block of the kernel
     *                                  heap area, or starts one kmmapped for another owner;
     *                                  nothing is changed
     */
    public long kunmap(long vaddr, FrameOwner owner) {
        if (vaddr < kernelPages.areaStartVaddr() || vaddr >= kernelPages.areaEndVaddr()) {
            throw new IllegalArgumentException("kunmap: " + Addresses.hex(vaddr) + " is outside the kernel heap area ["
                    + Addresses.hex(kernelPages.areaStartVaddr()) + ", " + Addresses.hex(kernelPages.areaEndVaddr()) + ")");
        }
        int kmmappedFor = blockOwners.getOrDefault(vaddr, owner.ordinal());
        if (kmmappedFor != owner.ordinal()) {
            throw new IllegalArgumentException("kunmap: the block at " + Addresses.hex(vaddr) + " was kmmapped for the "
                    + FrameOwner.values()[kmmappedFor].label() + ", not as " + owner.label() + ": only its owner gives it"
                    + " back (a stale address, used after its block was freed?)");
        }
        long pages = kernelPages.freePages(vaddr);
        blockOwners.remove(vaddr);
        unmapAndFree(vaddr, pages);
        kunmaps++;
        pagesMapped -= pages;
        return pages;
    }

    // ---------------------------------------------------------------- frames behind a block, given back and taken again

    /**
     * Whether the page holding {@code vaddr} is mapped: the kernel's software walk
     * ({@code getFrameAddr}), through the kernel's way to the tables.
     */
    public boolean isMapped(long vaddr) {
        return space.getFrameAddr(vaddr) != AddressSpace.NOT_MAPPED;
    }

    /** How many of the {@code pages} pages from {@code vaddr} are mapped, each found as {@link #isMapped} finds it. */
    public long mappedPages(long vaddr, long pages) {
        long n = 0;
        for (long i = 0; i < pages; i++) {
            if (isMapped(vaddr + (i << Addresses.PAGE_SHIFT))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Gives back the frames behind {@code pages} pages from {@code vaddr}, inside a block kmmap
     * returned, and keeps the virtual pages: each page that is mapped is unmapped (INVLPG, an
     * empty page table freed) and its frame freed, one page after the other; a page given back
     * already is passed over. The block stays allocated in the page-range bitmap, and
     * {@link #kunmap} takes it back whole later; {@link #repopulate} maps its pages again.
     *
     * @return the pages whose frames went back
     * @throws IllegalArgumentException when {@code vaddr} is not page aligned or the pages are not
     *                                  inside the kernel heap area; nothing is changed
     */
    public long release(long vaddr, long pages) {
        checkBlockPages("release", vaddr, pages);
        return unmapAndFree(vaddr, pages);
    }

    /**
     * Maps every page of the {@code pages} pages from {@code vaddr} that {@link #release} gave
     * back, each to a fresh frame held by {@code owner}, writable and supervisor-only, one page
     * after the other; pages that are mapped are left as they are. All or nothing: when a frame
     * (for a page or its page table) cannot be had, the pages mapped by this call are given back
     * again and their frames freed.
     *
     * @return {@link Repopulated.Done} with the first page mapped and the count (0 when every page
     *         was mapped already), or {@link Repopulated.OutOfFrames} naming the page that could
     *         not be mapped, with nothing changed
     * @throws IllegalArgumentException when {@code vaddr} is not page aligned or the pages are not
     *                                  inside the kernel heap area; nothing is changed
     */
    public Repopulated repopulate(long vaddr, long pages, FrameOwner owner) {
        checkBlockPages("repopulate", vaddr, pages);
        long[] mapped = null;
        int count = 0;
        for (long i = 0; i < pages; i++) {
            long page = vaddr + (i << Addresses.PAGE_SHIFT);
            if (isMapped(page)) {
                continue;
            }
            if (!mapFresh("repopulate", page, owner)) {
                for (int j = 0; j < count; j++) {
                    if (space.unmapPage(mapped[j]) instanceof UnmapResult.Unmapped u) {
                        frames.free(u.pfn());
                    }
                }
                return new Repopulated.OutOfFrames(page);
            }
            if (mapped == null) {
                mapped = new long[(int) Math.min(pages, 16)];
            } else if (count == mapped.length) {
                mapped = Arrays.copyOf(mapped, 2 * count);
            }
            mapped[count++] = page;
        }
        return new Repopulated.Done(count == 0 ? -1 : mapped[0], count);
    }

    /** What {@link #repopulate} did. */
    public sealed interface Repopulated {
        /** {@code pages} pages were mapped again, the first at {@code firstVaddr} (-1 when none was needed). */
        record Done(long firstVaddr, long pages) implements Repopulated {
        }

        /** No frame for the page at {@code vaddr}: nothing was mapped. */
        record OutOfFrames(long vaddr) implements Repopulated {
        }
    }

    private void checkBlockPages(String operation, long vaddr, long pages) {
        if (!Addresses.isPageAligned(vaddr) || pages < 0 || vaddr < kernelPages.areaStartVaddr()
                || vaddr + (pages << Addresses.PAGE_SHIFT) > kernelPages.areaEndVaddr()) {
            throw new IllegalArgumentException(operation + ": " + pages + " pages from " + Addresses.hex(vaddr)
                    + " are not page-aligned pages of the kernel heap area [" + Addresses.hex(kernelPages.areaStartVaddr())
                    + ", " + Addresses.hex(kernelPages.areaEndVaddr()) + ")");
        }
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

    /**
     * Maps {@code page} to a fresh frame held by {@code owner}, writable and supervisor-only;
     * false, with the frame given back, when no frame for it or its page table can be had.
     */
    private boolean mapFresh(String operation, long page, FrameOwner owner) {
        long pfn = frames.allocate(owner);
        MapResult result = pfn == FrameAllocator.NO_FRAME ? new MapResult.OutOfFrames(page)
                : space.mapPage(page, pfn, Pte.WRITABLE);
        if (!result.mapped()) {
            if (pfn != FrameAllocator.NO_FRAME) {
                frames.free(pfn);
            }
            if (result instanceof MapResult.AlreadyMapped already) {
                throw new AssertionError(operation + ": " + Addresses.hex(page) + " was to be mapped afresh in "
                        + kernelPages.name() + " but is mapped: " + already);
            }
        }
        return result.mapped();
    }

    /** Unmaps each mapped page of {@code pages} from {@code vaddr} and frees its frame; returns how many were mapped. */
    private long unmapAndFree(long vaddr, long pages) {
        long freed = 0;
        for (long i = 0; i < pages; i++) {
            if (space.unmapPage(vaddr + (i << Addresses.PAGE_SHIFT)) instanceof UnmapResult.Unmapped unmapped) {
                frames.free(unmapped.pfn());
                freed++;
            }
        }
        return freed;
    }
}
