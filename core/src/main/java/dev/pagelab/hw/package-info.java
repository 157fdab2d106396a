/**
 * The simulated i386 memory hardware: {@link dev.pagelab.hw.PhysicalMemory}, the
 * {@link dev.pagelab.hw.Mmu} with its {@link dev.pagelab.hw.Tlb}, and the bit layouts of
 * page-directory and page-table entries ({@link dev.pagelab.hw.Pde}, {@link dev.pagelab.hw.Pte}).
 *
 * <p>Everything a kernel keeps in RAM lives as bytes in {@code PhysicalMemory}; the MMU walks
 * those bytes as Intel SDM vol. 3A, chapter 4 ("Paging", 32-bit paging) describes. Kernel code
 * reaches the machine only through these two doors.
 *
 * <p>Units: addresses, frame numbers and page numbers are primitive {@code long}s, named for
 * their unit ({@code paddr}, {@code vaddr}, {@code pfn}, {@code vpn}, {@code bytes}). Paging
 * entries are 32-bit {@code int}s. Nothing in this package is thread-safe: one simulated CPU
 * runs at a time.
 */
package dev.pagelab.hw;
