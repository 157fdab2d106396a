/**
 * How the kernel learns what memory it has: the physical memory map and where it comes from.
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
 *       the map SeaBIOS gives them.
 * </ul>
 *
 * <p>Bad input is a {@link dev.pagelab.boot.MemoryMapException} naming the source, the line or
 * offset, and what was expected; readers throw before returning anything. Addresses and lengths
 * in maps are unsigned 64-bit values held in {@code long}s. Nothing here is thread-safe, and
 * nothing needs to be: maps and records are immutable.
 */
package dev.pagelab.boot;

