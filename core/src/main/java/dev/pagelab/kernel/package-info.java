/**
 * The kernel itself: the boot of a simulated PC ({@link dev.pagelab.kernel.Boot}), the entry that
 * reads the Multiboot information ({@link dev.pagelab.kernel.KernelEntry}), the start-up that
 * turns paging on and sets up the page-range bitmaps ({@link dev.pagelab.kernel.KernelStartup}),
 * and the running {@link dev.pagelab.kernel.Kernel}: the façade that scenarios, benchmarks and
 * tests drive, with a read-only {@link dev.pagelab.kernel.KernelView} for observers such as the
 * command line. Nothing here is thread-safe.
 *
 * <h2>The seeds' words → code</h2>
 * <table>
 *   <caption>Where each kernel-level notion of the seeds lives</caption>
 *   <tr><th>seeds</th><th>code</th></tr>
 *   <tr><td>{@code loader}: the entry symbol GRUB jumps to, EAX = magic, EBX = the information</td>
 *       <td>{@link dev.pagelab.kernel.Boot#run} (the loader's side: {@code dev.pagelab.boot.Bootloader})</td></tr>
 *   <tr><td>{@code kmain} / {@code kernel_main(mboot_magic, mboot_header)}: check the magic
 *       0x2BADB002, check flags bit 6, read the memory map, keep the kernel
 *       ({@code kernel_physical_start}, {@code kernel_physical_end}) out of the free frames</td>
 *       <td>{@link dev.pagelab.kernel.KernelEntry#enter}</td></tr>
 *   <tr><td>the rest of {@code kmain}'s memory set-up: frame allocator, paging, page bitmaps</td>
 *       <td>{@link dev.pagelab.kernel.Kernel#start}, steps 1–5 of
 *       {@link dev.pagelab.kernel.KernelStartup}</td></tr>
 *   <tr><td>{@code enablePaging} (seed 002's {@code paging_enable.s}: {@code mov cr3, eax};
 *       CR4.PSE, bit 4, for 4 MB pages; CR0.PG, bit 31, and WP, bit 16)</td>
 *       <td>{@code KernelStartup.enablePaging}, which runs
 *       {@link dev.pagelab.paging.KernelPaging#enable}: step 5 there ("Paging on") is the seed's
 *       three instructions, CR4.PSE having been set in step 1 before any 4 MiB entry is written;
 *       the registers are {@link dev.pagelab.hw.Mmu#setCr3}, {@link dev.pagelab.hw.Mmu#setCr4},
 *       {@link dev.pagelab.hw.Mmu#setCr0}</td></tr>
 *   <tr><td>CR3 load (switching page directories)</td>
 *       <td>{@link dev.pagelab.hw.Mmu#setCr3}; the kernel's directory is
 *       {@link dev.pagelab.kernel.KernelView#kernelDirectoryPaddr()}</td></tr>
 *   <tr><td>INVLPG after changing or removing a mapping</td>
 *       <td>{@link dev.pagelab.hw.Mmu#invlpg}, issued by {@link dev.pagelab.paging.AddressSpace}
 *       for every present entry it changes</td></tr>
 *   <tr><td>{@code freeFrame} as kernel code calls it</td>
 *       <td>{@link dev.pagelab.kernel.Kernel#freeFrame} (refuses a frame the paging structures
 *       still use), over {@link dev.pagelab.pmm.FrameAllocator#free}</td></tr>
 *   <tr><td>page fault handler ("replacing pages in case of a page fault", seed 001)</td>
 *       <td>the kernel's handler on {@link dev.pagelab.hw.Cpu}, installed at start-up, which
 *       calls the resolver of {@link dev.pagelab.kernel.Kernel#setFaultResolver} and reports
 *       {@link dev.pagelab.event.KernelEvent.PageFaulted}</td></tr>
 *   <tr><td>"GRUB modules", "the multiboot structure passed to us by GRUB"</td>
 *       <td>{@link dev.pagelab.kernel.Boot#run} with modules, {@link dev.pagelab.kernel.Boot#fromImage}</td></tr>
 * </table>
 */
package dev.pagelab.kernel;
