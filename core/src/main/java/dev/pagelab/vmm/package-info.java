/**
 * The kernel's virtual memory above the page tables: {@link dev.pagelab.vmm.PageRangeAllocator},
 * seed 004's 2-bit page bitmap ({@code pagesBitmap}, {@code allocPages}, {@code freePages}) that
 * hands out runs of virtual pages in the kernel heap area ({@code KERNEL_HEAP_START},
 * 0xC1000000) and in a process's user area ({@code USER_HEAP_START}, 0x1000), and
 * {@link dev.pagelab.vmm.KernelMemory}'s {@code kmmap}/{@code kunmap}, which back those pages with
 * frames, and give back and take again the frames behind a block's pages for the kernel heap.
 *
 * <h2>Seed name → code</h2>
 * <table>
 *   <caption>Where each name of seed 004 lives</caption>
 *   <tr><th>seed 004</th><th>here</th></tr>
 *   <tr><td>{@code pagesBitmap}, two bits a page (00 free, 01 first, 10 middle, 11 last)</td>
 *       <td>{@link dev.pagelab.vmm.PageRangeAllocator}: the bytes at {@code bitmapVaddr()}, the states
 *       {@code FREE}, {@code FIRST}, {@code MIDDLE}, {@code LAST}; drawn by {@code render}</td></tr>
 *   <tr><td>{@code allocPages(numberOfPages)}</td>
 *       <td>{@link dev.pagelab.vmm.PageRangeAllocator#allocPages}</td></tr>
 *   <tr><td>{@code freePages(ptr)}</td><td>{@link dev.pagelab.vmm.PageRangeAllocator#freePages}</td></tr>
 *   <tr><td>{@code heapStart}, {@code KERNEL_HEAP_START} 0xC1000000, {@code USER_HEAP_START} 0x00001000</td>
 *       <td>{@link dev.pagelab.vmm.PageRangeAllocator#areaStartVaddr},
 *       {@link dev.pagelab.vmm.PageRangeAllocator#KERNEL_HEAP_START},
 *       {@link dev.pagelab.vmm.PageRangeAllocator#USER_HEAP_START}</td></tr>
 *   <tr><td>{@code kmmap(size)}: pages from the bitmap, a frame each, {@code mapPage}</td>
 *       <td>{@link dev.pagelab.vmm.KernelMemory#kmmap(long)}</td></tr>
 *   <tr><td>{@code kunmap(vaddr)}: {@code freePages}, {@code unmapPage}, the frames freed</td>
 *       <td>{@link dev.pagelab.vmm.KernelMemory#kunmap(long)}</td></tr>
 *   <tr><td>(seed 000: "return page frames to the page frame allocator ... whenever sufficiently large
 *       blocks of memory are freed")</td>
 *       <td>{@link dev.pagelab.vmm.KernelMemory#release} and
 *       {@link dev.pagelab.vmm.KernelMemory#repopulate}, which the kernel heap calls</td></tr>
 * </table>
 *
 * <p>Like every kernel structure in pagelab, the bitmap is real bytes in simulated memory,
 * reached only through the {@link dev.pagelab.hw.Mmu} at virtual addresses, so it can be seen,
 * dumped and faulted on; the pages are mapped through {@code paging}'s
 * {@link dev.pagelab.paging.AddressSpace} and the frames taken through {@code pmm}'s
 * {@link dev.pagelab.pmm.AccountedFrames}, whose events (entries written, frames taken and freed)
 * reach the kernel's {@link dev.pagelab.event.EventSink}. Addresses and page counts are primitive
 * {@code long}s named for their unit ({@code vaddr}, {@code pages}, {@code bytes}). Nothing here
 * is thread-safe.
 */
package dev.pagelab.vmm;
