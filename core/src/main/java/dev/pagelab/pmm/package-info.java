/**
 * Physical frame allocators: the seeds' bitmap (next-fit) and frame counter, an xv6-style free
 * list and a Linux-style buddy system, behind one {@link dev.pagelab.pmm.FrameAllocator}
 * interface and one {@link dev.pagelab.pmm.FrameAllocatorRegistry registry} by name. Their
 * metadata (the bitmap, the links of the free list, the buddy lists) is bytes in simulated
 * physical memory, in frames they take from the free pool, so it can be seen and dumped. The
 * frame vocabulary ({@link dev.pagelab.pmm.FrameOwner}, {@link dev.pagelab.pmm.FrameRange},
 * {@link dev.pagelab.pmm.FrameSpan}) and the record of who holds every frame
 * ({@link dev.pagelab.pmm.FrameAccounting}) live here too; this package needs only {@code hw}.
 *
 * <h2>Seed name → code</h2>
 * <table>
 *   <caption>Where each name of the seeds (and of the kernels they cite) is implemented</caption>
 *   <tr><th>name</th><th>seed</th><th>code</th></tr>
 *   <tr><td>{@code framesBitmap}</td><td>004</td><td>{@link dev.pagelab.pmm.BitmapFrameAllocator}: one
 *       bit a frame in RAM at {@code bitmapPaddr()}, for frames {@code [0, top)} of the pool rather
 *       than the seed's {@code THEORICAL_FRAMES_NUMBER} of a whole 4 GiB</td></tr>
 *   <tr><td>{@code allocFrame}</td><td>004</td><td>{@link dev.pagelab.pmm.FrameAllocator#allocate}
 *       (the bitmap's next fit: {@code BitmapFrameAllocator.allocate}, its position
 *       {@code nextFitPfn()}); kernel code calls it through
 *       {@link dev.pagelab.pmm.AccountedFrames#allocate(dev.pagelab.pmm.FrameOwner)}, which records the owner</td></tr>
 *   <tr><td>{@code freeFrame}</td><td>004</td><td>{@link dev.pagelab.pmm.FrameAllocator#free}
 *       ({@link dev.pagelab.pmm.AccountedFrames#free}); {@code dev.pagelab.kernel.Kernel.freeFrame}
 *       first refuses a frame that is still mapped or is a page table</td></tr>
 *   <tr><td>{@code next_free_frame}</td><td>003</td><td>the counter of
 *       {@link dev.pagelab.pmm.BumpFrameAllocator} ({@code nextIndex()}), counting from 0</td></tr>
 *   <tr><td>{@code allocate_frame}</td><td>003</td><td>{@code BumpFrameAllocator.allocate}: no
 *       walk of the map per call, and it never reuses a frame</td></tr>
 *   <tr><td>{@code mmap_read}</td><td>003</td><td>{@code BumpFrameAllocator.pfnAt} /
 *       {@code paddrAt} ({@code MMAP_GET_ADDR}) and {@code indexOf} / {@code indexOfPaddr}
 *       ({@code MMAP_GET_NUM}); reading the map itself is {@code dev.pagelab.boot}'s</td></tr>
 *   <tr><td>{@code mboot_reserved_start} / {@code _end}, {@code kernel_physical_start} / {@code _end}</td>
 *       <td>003, 000–002</td><td>not here: the frames they reserve never enter the pool
 *       ({@code dev.pagelab.boot.FrameLayout}); {@link dev.pagelab.pmm.FrameOwner#BOOT_INFORMATION},
 *       {@link dev.pagelab.pmm.FrameOwner#KERNEL_IMAGE} name them in the accounting</td></tr>
 *   <tr><td>{@code kalloc} / {@code kfree} ({@code struct run})</td><td>xv6</td>
 *       <td>{@link dev.pagelab.pmm.FreeListFrameAllocator}</td></tr>
 *   <tr><td>{@code __rmqueue_smallest}, {@code expand}, {@code __free_one_page},
 *       {@code alloc_contig_range}</td><td>Linux</td><td>{@link dev.pagelab.pmm.BuddyFrameAllocator}
 *       ({@code takeBlock}, {@code freeBlock}, {@code takeRange})</td></tr>
 *   <tr><td>{@code struct page} flags (who holds a frame)</td><td>Linux</td>
 *       <td>{@link dev.pagelab.pmm.FrameAccounting}</td></tr>
 * </table>
 *
 * <h2>Metadata behind the MMU</h2>
 * Once paging is on, every other kernel structure (page tables, the page-range bitmaps, the
 * heap) is read and written through the {@link dev.pagelab.hw.Mmu} at CPL 0. The allocators'
 * metadata is not: it is reached through {@link dev.pagelab.hw.PhysicalMemory} by physical
 * address, with no TLB look-up, no A or D bit set and no possible fault. That is an exemption on
 * purpose. A real kernel reaches its allocator's metadata through a mapping made once at
 * start-up and never changed: linear ({@code vaddr = paddr + PAGE_OFFSET}), supervisor-only,
 * global, never swapped (Linux's direct map of low memory, where {@code mem_map} lives and
 * {@code __va()} points; xv6's {@code P2V} map of all RAM up to {@code PHYSTOP}; the seeds'
 * mapping of the first 4 MiB at 0xC0000000, which holds a bitmap placed right after
 * {@code kernel_physical_end}). A translation through such a mapping cannot fail and its A and
 * D bits are read by nobody, so an access through it and an access by physical address have the
 * same result; only the TLB entries it would take are not modelled. Building it would also put
 * the allocator above paging, which asks the allocator for the frames of the very page tables
 * that would map it. What a 32-bit kernel cannot do is map all of a large RAM that way (Linux's
 * direct map stops at 896 MiB): links written into free frames above it (the free list, the
 * buddy system here) would need a temporary mapping a store ({@code kmap_atomic}), which is why
 * Linux keeps its lists in {@code struct page} and never touches a free page. pagelab's kernel
 * maps its own image, and with the direct-map strategy low memory up to 16 MiB; the allocators'
 * metadata has no virtual address there.
 *
 * <p>Nothing here is thread-safe: one simulated CPU.
 */
package dev.pagelab.pmm;
