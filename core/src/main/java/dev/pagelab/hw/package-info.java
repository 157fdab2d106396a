/**
 * The simulated i386 memory hardware: {@link dev.pagelab.hw.PhysicalMemory}, the
 * {@link dev.pagelab.hw.Cpu} with its {@link dev.pagelab.hw.Mmu} and {@link dev.pagelab.hw.Tlb},
 * and the bit layouts of page-directory and page-table entries ({@link dev.pagelab.hw.Pde},
 * {@link dev.pagelab.hw.Pte}).
 *
 * <p>Everything a kernel keeps in RAM lives as bytes in {@code PhysicalMemory}; the MMU walks
 * those bytes as Intel SDM vol. 3A, chapter 4 ("Paging", 32-bit paging) describes. Kernel code
 * reaches the machine only through these two doors. The CPU adds the page-fault exception: an
 * access that faults goes to the operating system's {@link dev.pagelab.hw.FaultHandler} and
 * restarts when the handler resolves it. This package imports nothing above it.
 *
 * <p>Units: addresses, frame numbers and page numbers are primitive {@code long}s, named for
 * their unit ({@code paddr}, {@code vaddr}, {@code pfn}, {@code vpn}, {@code bytes}). Paging
 * entries are 32-bit {@code int}s. Nothing in this package is thread-safe: one simulated CPU
 * runs at a time.
 *
 * <h2>The seeds' words → code</h2>
 * <table>
 *   <caption>Where each hardware notion of the seeds lives (seed 002 "Virtual Memory and Paging",
 *   seed 000's and 001's paging sections, seed 004's getFrameAddr)</caption>
 *   <tr><th>seeds</th><th>code</th></tr>
 *   <tr><td>{@code mov cr3, eax}: "writing the address of a page directory to cr3"</td>
 *       <td>{@link dev.pagelab.hw.Mmu#setCr3} (drops every non-global TLB entry)</td></tr>
 *   <tr><td>{@code or ebx, 0x80000000; mov cr0, ebx}: "setting bit 31 (the PG paging-enable bit)
 *       of cr0"; {@code 0x80010000} "also sets the WP bit"</td>
 *       <td>{@link dev.pagelab.hw.Mmu#setCr0}, {@link dev.pagelab.hw.Mmu#CR0_PG},
 *       {@link dev.pagelab.hw.Mmu#CR0_WP} (PG needs {@link dev.pagelab.hw.Mmu#CR0_PE})</td></tr>
 *   <tr><td>{@code or ebx, 0x00000010; mov cr4, ebx}: "set the PSE bit (Page Size Extensions,
 *       bit 4) of cr4" for 4 MB pages</td>
 *       <td>{@link dev.pagelab.hw.Mmu#setCr4}, {@link dev.pagelab.hw.Mmu#CR4_PSE}; the 4 MiB
 *       walk is step 3 of {@link dev.pagelab.hw.Mmu}'s class comment</td></tr>
 *   <tr><td>{@code enablePaging} as a whole (seed 002's {@code paging_enable.s})</td>
 *       <td>the three register writes above, made in that order by
 *       {@code dev.pagelab.kernel.KernelStartup#enablePaging}</td></tr>
 *   <tr><td>PDT and PT, page directory entry with index 768</td>
 *       <td>{@link dev.pagelab.hw.Pde} and {@link dev.pagelab.hw.Pte} (one constant and one
 *       line a flag), {@link dev.pagelab.hw.Addresses#directoryIndex},
 *       {@link dev.pagelab.hw.Addresses#tableIndex}</td></tr>
 *   <tr><td>{@code (768 << 22) | (1023 << 12) | 0x000 = 0xC03FF000}</td>
 *       <td>{@link dev.pagelab.hw.Addresses#linear}</td></tr>
 *   <tr><td>"translates a virtual address to its physical address using the page tables"
 *       (what the hardware does for seed 004's {@code getFrameAddr})</td>
 *       <td>{@link dev.pagelab.hw.Mmu#translate}; without side effects {@link dev.pagelab.hw.Mmu#probe}
 *       and, flag by flag, {@link dev.pagelab.hw.Mmu#explain}</td></tr>
 *   <tr><td>"remove the temporary mapping" (the stale translation it leaves): INVLPG</td>
 *       <td>{@link dev.pagelab.hw.Mmu#invlpg}, {@link dev.pagelab.hw.Tlb#invalidatePage}</td></tr>
 *   <tr><td>page fault</td>
 *       <td>{@link dev.pagelab.hw.PageFault} (CR2 and the error code of SDM 4.7), raised by the
 *       walk in {@link dev.pagelab.hw.Mmu}; delivered by {@link dev.pagelab.hw.Cpu} to the
 *       {@link dev.pagelab.hw.FaultHandler}; a fault that stands is a
 *       {@link dev.pagelab.hw.PageFaultException}</td></tr>
 *   <tr><td>page fault handler</td>
 *       <td>the interface {@link dev.pagelab.hw.FaultHandler}; the kernel's own is
 *       {@code dev.pagelab.kernel.Kernel#setFaultResolver}</td></tr>
 *   <tr><td>"enough frames to contain all of the pages that might be referenced by any single
 *       instruction" (seed 001)</td>
 *       <td>why: a faulting access restarts whole ({@link dev.pagelab.hw.Cpu}, step 3), so an
 *       access over two pages needs both at once; with one frame it never completes and is
 *       reported after {@link dev.pagelab.hw.Cpu#MAX_RESTARTS}</td></tr>
 * </table>
 */
package dev.pagelab.hw;
