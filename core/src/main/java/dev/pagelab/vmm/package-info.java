/**
 * The kernel's virtual memory above the page tables: {@link dev.pagelab.vmm.PageRangeAllocator},
 * seed 004's 2-bit page bitmap ({@code pagesBitmap}, {@code allocPages}, {@code freePages}) that
 * hands out runs of virtual pages in the kernel heap area ({@code KERNEL_HEAP_START},
 * 0xC1000000) and in a process's user area ({@code USER_HEAP_START}, 0x1000), and, later,
 * {@code kmmap}/{@code kunmap}, which back those pages with frames.
 *
 * <p>Like every kernel structure in pagelab, the bitmap is real bytes in simulated memory,
 * reached only through the {@link dev.pagelab.hw.Mmu} at virtual addresses, so it can be seen,
 * dumped and faulted on. Addresses and page counts are primitive {@code long}s named for their
 * unit ({@code vaddr}, {@code pages}, {@code bytes}). Nothing here is thread-safe.
 */
package dev.pagelab.vmm;
