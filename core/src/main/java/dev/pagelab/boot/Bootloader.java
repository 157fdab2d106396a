package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What GRUB or QEMU's {@code -kernel} loader does before the kernel's first instruction: load
 * the kernel's segments and the modules into physical memory, write the Multiboot 1 information
 * structure (MBI) with the firmware's memory map and the command line into low memory, and jump
 * to the kernel with EAX = 0x2BADB002 and EBX = the MBI's physical address.
 *
 * <pre>
 *  low memory, from {@link #MBI_PADDR}:            after the kernel, page aligned:
 *  +-------------------------------+ 0x9000        +-------------------+ kernel_physical_end
 *  | multiboot_info (128 bytes)    |               | module 0          |   (aligned up)
 *  +-------------------------------+               +-------------------+
 *  | mmap: size=20, base, len, type| x n           | module 1 ...      |
 *  +-------------------------------+               +-------------------+
 *  | module records (16 bytes) x m |
 *  +-------------------------------+
 *  | cmdline\0 module strings\0    |
 *  | "pagelab"\0 (boot loader name)|
 *  +-------------------------------+
 * </pre>
 * flags = bit 0 (mem_lower/mem_upper), bit 2 (cmdline), bit 3 (mods), bit 6 (mmap),
 * bit 9 (boot_loader_name). mem_lower is the KiB of usable memory from address 0 (at most
 * 640), mem_upper the KiB of usable memory that starts at 1 MiB without a gap, as the BIOS
 * reports them (Multiboot 0.6.96, section 3.3).
 *
 * <p>Everything is checked before anything is written: the kernel must carry a Multiboot
 * header; every segment and module must lie in usable RAM and not on top of another; the MBI
 * must fit below 0x9FC00. A {@link BootException} says what did not fit, and the memory is as
 * it was.
 */
public final class Bootloader {
    /** Where the MBI is written. */
    public static final long MBI_PADDR = 0x9000;
    /** Bytes reserved for the multiboot_info structure itself (the 0.6.96 layout needs 116). */
    public static final int MBI_BYTES = 128;
    /** The end of conventional memory below the EBDA: the MBI and its strings must end before. */
    public static final long LOW_MEMORY_LIMIT = 0x9FC00;
    /** What this loader calls itself in the MBI. */
    public static final String LOADER_NAME = "pagelab";

    private static final int MMAP_ENTRY_BYTES = 4 + Multiboot1Info.MMAP_ENTRY_MIN_SIZE;
    private static final int MODULE_RECORD_BYTES = Multiboot1Info.MODULE_BYTES;

    private Bootloader() {
    }

    /**
     * A file handed to the kernel as a Multiboot module.
     *
     * @param name  its string in the MBI (GRUB passes the file name and arguments)
     * @param bytes its contents
     */
    public record Module(String name, byte[] bytes) {
    }

    /**
     * Where a module ended up.
     *
     * @param name  its string
     * @param start physical address of its first byte (4 KiB aligned)
     * @param end   physical address after its last byte
     */
    public record LoadedModule(String name, long start, long end) {
    }

    /**
     * The state the kernel starts in.
     *
     * @param eax     {@link Multiboot1Info#MAGIC}
     * @param ebx     the MBI's physical address
     * @param mbiEnd  the first byte after the MBI and everything it points to in low memory
     * @param modules where each module was loaded
     */
    public record Handoff(int eax, long ebx, long mbiEnd, List<LoadedModule> modules) {
    }

    /**
     * Loads {@code kernel} and {@code modules} into {@code memory} and writes the MBI.
     *
     * @param firmwareMap the map the firmware reports (E820), passed on to the kernel as is
     * @param commandLine the kernel command line
     * @throws BootException when the kernel is not a Multiboot kernel, or something does not fit;
     *                       memory is unchanged then
     */
    public static Handoff load(PhysicalMemory memory, List<MemoryRegion> firmwareMap, KernelImage kernel,
                               List<Module> modules, String commandLine) {
        MemoryMap map = MemoryMap.sanitize(firmwareMap).map();
        if (!kernel.hasMultibootHeader()) {
            throw new BootException(kernel.name(), "", "no Multiboot header (magic 0x1BADB002, flags, checksum) in"
                    + " the first 8 KiB; a Multiboot loader refuses to boot it");
        }
        for (KernelImage.Segment s : kernel.segments()) {
            requireUsable(memory, map, kernel.name(), s.name(), s.paddr(), s.paddrEnd());
        }
        List<LoadedModule> placed = new ArrayList<>();
        long next = Addresses.alignUp(kernel.physicalEnd());
        for (Module m : modules) {
            long end = next + m.bytes().length;
            requireUsable(memory, map, m.name(), "module", next, Math.max(end, next + 1));
            placed.add(new LoadedModule(m.name(), next, end));
            next = Addresses.alignUp(end);
        }

        // The MBI's low-memory layout, computed in full before a byte is written.
        long mmapAddr = MBI_PADDR + MBI_BYTES;
        long modsAddr = mmapAddr + (long) MMAP_ENTRY_BYTES * firmwareMap.size();
        long stringsAddr = modsAddr + (long) MODULE_RECORD_BYTES * modules.size();
        List<byte[]> strings = new ArrayList<>();
        strings.add(cString(commandLine));
        for (Module m : modules) {
            strings.add(cString(m.name()));
        }
        strings.add(cString(LOADER_NAME));
        long mbiEnd = stringsAddr + strings.stream().mapToLong(b -> b.length).sum();
        if (mbiEnd > LOW_MEMORY_LIMIT) {
            throw new BootException("Multiboot information", "", "the structure, " + firmwareMap.size()
                    + " map entries, " + modules.size() + " module records and the strings need "
                    + (mbiEnd - MBI_PADDR) + " bytes from " + Addresses.hex(MBI_PADDR) + ", past "
                    + Addresses.hex(LOW_MEMORY_LIMIT));
        }
        requireUsable(memory, map, "Multiboot information", "structure", MBI_PADDR, mbiEnd);
        for (KernelImage.Segment seg : kernel.segments()) {
            if (seg.paddr() < mbiEnd && seg.paddrEnd() > MBI_PADDR) {
                throw new BootException(kernel.name(), seg.name(), "[" + Addresses.hex(seg.paddr()) + ", "
                        + Addresses.hex(seg.paddrEnd()) + ") overlaps the Multiboot information the loader writes at ["
                        + Addresses.hex(MBI_PADDR) + ", " + Addresses.hex(mbiEnd) + ")");
            }
        }

        for (KernelImage.Segment s : kernel.segments()) {
            memory.writeBytes(s.paddr(), s.data());
            memory.fill(s.paddr() + s.data().length, s.memBytes() - s.data().length, 0);
        }
        for (int i = 0; i < modules.size(); i++) {
            memory.writeBytes(placed.get(i).start(), modules.get(i).bytes());
        }

        memory.fill(MBI_PADDR, MBI_BYTES, 0);
        long at = mmapAddr;
        for (MemoryRegion r : firmwareMap) {
            memory.write32(at, MMAP_ENTRY_BYTES - 4);
            memory.write64(at + 4, r.base());
            memory.write64(at + 12, r.length());
            memory.write32(at + 20, r.type().code());
            at += MMAP_ENTRY_BYTES;
        }
        long[] stringAddr = new long[strings.size()];
        long s = stringsAddr;
        for (int i = 0; i < strings.size(); i++) {
            stringAddr[i] = s;
            memory.writeBytes(s, strings.get(i));
            s += strings.get(i).length;
        }
        for (int i = 0; i < modules.size(); i++) {
            long record = modsAddr + (long) MODULE_RECORD_BYTES * i;
            memory.write32(record, (int) placed.get(i).start());
            memory.write32(record + 4, (int) placed.get(i).end());
            memory.write32(record + 8, (int) stringAddr[1 + i]);
            memory.write32(record + 12, 0);
        }
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_FLAGS, Multiboot1Info.FLAG_MEMORY | Multiboot1Info.FLAG_CMDLINE
                | Multiboot1Info.FLAG_MODULES | Multiboot1Info.FLAG_MMAP | Multiboot1Info.FLAG_BOOT_LOADER_NAME);
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_MEM_LOWER, (int) memLowerKiB(map));
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_MEM_UPPER, (int) memUpperKiB(map));
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_CMDLINE, (int) stringAddr[0]);
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_MODS_COUNT, modules.size());
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_MODS_ADDR, (int) modsAddr);
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_MMAP_LENGTH, MMAP_ENTRY_BYTES * firmwareMap.size());
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_MMAP_ADDR, (int) mmapAddr);
        memory.write32(MBI_PADDR + Multiboot1Info.OFFSET_BOOT_LOADER_NAME, (int) stringAddr[strings.size() - 1]);
        return new Handoff(Multiboot1Info.MAGIC, MBI_PADDR, mbiEnd, List.copyOf(placed));
    }

    /** KiB of usable memory from address 0, at most 640: the BIOS's INT 12h answer. */
    static long memLowerKiB(MemoryMap map) {
        Optional<MemoryRegion> first = map.regionAt(0);
        if (first.isEmpty() || !first.get().isUsable()) {
            return 0;
        }
        // Unsigned: the region may end past 2^63.
        return Long.compareUnsigned(first.get().end(), 640 * 1024L) < 0 ? first.get().end() / 1024 : 640;
    }

    /** KiB of usable memory starting at 1 MiB without a gap: the BIOS's INT 15h E801/88h answer. */
    static long memUpperKiB(MemoryMap map) {
        Optional<MemoryRegion> upper = map.regionAt(0x10_0000);
        if (upper.isEmpty() || !upper.get().isUsable()) {
            return 0;
        }
        long end = Long.compareUnsigned(upper.get().end(), MemoryMap.ADDRESSABLE_LIMIT) < 0 ? upper.get().end()
                : MemoryMap.ADDRESSABLE_LIMIT;
        return (end - 0x10_0000) / 1024;
    }

    private static void requireUsable(PhysicalMemory memory, MemoryMap map, String source, String what,
                                      long start, long end) {
        Optional<MemoryRegion> region = map.regionAt(start);
        boolean inMemory = end <= memory.sizeBytes();
        if (inMemory && region.isPresent() && region.get().isUsable()
                && Long.compareUnsigned(end, region.get().end()) <= 0) {
            for (long p = Addresses.alignDown(start); p < end; p += Addresses.PAGE_BYTES) {
                if (!memory.isRam(p)) {
                    throw new BootException(source, what, "[" + Addresses.hex(start) + ", " + Addresses.hex(end)
                            + ") includes " + Addresses.hex(p) + ", which is not RAM in this machine");
                }
            }
            return;
        }
        String found = !inMemory ? "the machine's memory ends at " + Addresses.hex(memory.sizeBytes())
                : region.map(r -> "the map says " + r + " there").orElse("the map has nothing at " + Addresses.hex(start));
        if (inMemory && region.isPresent() && region.get().isUsable()) {
            found = "usable memory there ends at " + Addresses.hex(region.get().end());
        }
        throw new BootException(source, what, "[" + Addresses.hex(start) + ", " + Addresses.hex(end)
                + ") is not inside usable RAM: " + found);
    }

    private static byte[] cString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, z, 0, bytes.length);
        return z;
    }
}
