/**
 * How the kernel learns what memory it has: the physical memory map, where it comes from, and
 * which frames the kernel keeps before a frame allocator takes the rest.
 *
 * <ul>
 *   <li>{@link dev.pagelab.boot.MemoryMap} of {@link dev.pagelab.boot.MemoryRegion}s, each with a
 *       {@link dev.pagelab.boot.RegionType}: sanitised the way Linux sanitises E820 (higher type
 *       wins an overlap), with the usable whole 4 KiB frames below 4 GiB that a 32-bit kernel can
 *       use as {@link dev.pagelab.pmm.FrameRange}s.
 *   <li>Readers, each returning the raw regions in the order the source lists them:
 *       {@link dev.pagelab.boot.Multiboot1Info} (the MBI and its mmap, read from
 *       {@link dev.pagelab.hw.PhysicalMemory} as a kernel reads it),
 *       {@link dev.pagelab.boot.Multiboot2Info} (the tag list and tag 6),
 *       {@link dev.pagelab.boot.E820Text} (Linux's {@code BIOS-e820:} boot lines),
 *       {@link dev.pagelab.boot.SysfsMemmap} ({@code /sys/firmware/memmap}),
 *       {@link dev.pagelab.boot.PhysicalImage} (a raw {@code pmemsave} image to read an MBI from).
 *   <li>{@link dev.pagelab.boot.MachineProfiles}: QEMU {@code pc} and {@code q35} machines with
 *       the map SeaBIOS gives them; {@link dev.pagelab.boot.Bootloader}: a Multiboot loader that
 *       places a {@link dev.pagelab.boot.KernelImage}, its modules and the MBI in memory.
 *   <li>{@link dev.pagelab.boot.FrameLayout}: who holds every frame at the kernel's entry (firmware,
 *       kernel image, modules, boot information, {@link dev.pagelab.boot.LowMemory}), the rest
 *       free: the frame allocator's pool.
 * </ul>
 *
 * <h2>Seed name → code</h2>
 * <table>
 *   <caption>Where each name of the seeds is implemented</caption>
 *   <tr><th>name</th><th>seed</th><th>code</th></tr>
 *   <tr><td>{@code kernel_physical_start}, {@code kernel_physical_end}</td><td>000–002</td>
 *       <td>{@link dev.pagelab.boot.KernelImage#physicalStart()}, {@link dev.pagelab.boot.KernelImage#physicalEnd()}
 *       (the linker labels, from the ELF segments); reserved by {@link dev.pagelab.boot.FrameLayout}</td></tr>
 *   <tr><td>{@code kernel_virtual_start}, {@code kernel_virtual_end}</td><td>000–002</td>
 *       <td>{@link dev.pagelab.boot.KernelImage#virtualStart()}, {@link dev.pagelab.boot.KernelImage#virtualEnd()}</td></tr>
 *   <tr><td>{@code loader}, the Multiboot header</td><td>000–003</td><td>{@link dev.pagelab.boot.Bootloader#load}
 *       (what GRUB does), {@link dev.pagelab.boot.KernelImage#hasMultibootHeader()}</td></tr>
 *   <tr><td>{@code kmain} / {@code kernel_main}, {@code mboot_magic}</td><td>000–003</td><td>{@code
 *       dev.pagelab.kernel.KernelEntry.enter}: {@link dev.pagelab.boot.Multiboot1Info#checkMagic}
 *       (EAX = 0x2BADB002), then the reads below</td></tr>
 *   <tr><td>{@code mboot_header}, {@code verified_mboot_hdr}, {@code multiboot_info_t}</td><td>003</td>
 *       <td>{@link dev.pagelab.boot.Multiboot1Info#read} (EBX = {@code mbiPaddr()})</td></tr>
 *   <tr><td>{@code mmap_addr}, {@code mmap_length}, {@code multiboot_memory_map_t},
 *       {@code cur_mmap_addr}, {@code mmap_end_addr}</td><td>003</td><td>{@link dev.pagelab.boot.Multiboot1Info}
 *       ({@code mmapPaddr()}, {@code mmapBytes()}, {@code regions()}: the walk of the entries, each
 *       {@code size + 4} bytes long)</td></tr>
 *   <tr><td>{@code mmap_read}</td><td>003</td><td>its walk of the map's usable frames is
 *       {@link dev.pagelab.boot.MemoryMap#usableFrameRanges()} (after sanitising: {@link
 *       dev.pagelab.boot.MemoryMap#sanitize}); its numbering of them is
 *       {@code dev.pagelab.pmm.BumpFrameAllocator}'s</td></tr>
 *   <tr><td>{@code MULTIBOOT_MEMORY_RESERVED}, the entry {@code type}</td><td>003</td>
 *       <td>{@link dev.pagelab.boot.RegionType}</td></tr>
 *   <tr><td>{@code mboot_reserved_start}, {@code mboot_reserved_end}</td><td>003</td>
 *       <td>{@link dev.pagelab.boot.FrameLayout}: the MBI and everything it points to
 *       ({@link dev.pagelab.pmm.FrameOwner#BOOT_INFORMATION}), kept out of the pool rather than
 *       skipped by {@code allocate_frame}</td></tr>
 *   <tr><td>"don't mark the kernel's memory as free"</td><td>000–002</td>
 *       <td>{@link dev.pagelab.boot.FrameLayout#of}; {@link dev.pagelab.boot.BootReport#freeFrameRanges()}
 *       is the pool the allocator gets</td></tr>
 * </table>
 *
 * <p>Bad input is a {@link dev.pagelab.boot.MemoryMapException} naming the source, the line or
 * offset, and what was expected; readers throw before returning anything. Addresses and lengths
 * in maps are unsigned 64-bit values held in {@code long}s. Nothing here is thread-safe, and
 * nothing needs to be: maps and records are immutable.
 */
package dev.pagelab.boot;
