package dev.pagelab.boot;

import dev.pagelab.hw.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Multiboot 1 information structure written byte by byte from the specification (0.6.96, 3.3),
 * laid out the way QEMU's {@code -kernel} loader lays it out: the e820-style mmap at 0x9000 and
 * the MBI at 0x9500 ({@code hw/i386/multiboot.c}: ADDR_E820_MAP, ADDR_MBI = ADDR_E820_MAP + 0x500).
 */
final class Mbi1Fixture {
    static final long MMAP = 0x9000;
    static final long MBI = 0x9500;
    static final long CMDLINE = 0x9600;
    static final long LOADER_NAME = 0x9680;
    static final long MODS = 0x9700;
    static final long MODULE_STRING = 0x9780;
    /** QEMU's flags: mem, boot_device, cmdline, mods, mmap, boot_loader_name. */
    static final int QEMU_FLAGS = 0x24F;

    private Mbi1Fixture() {
    }

    /** The six entries SeaBIOS reports for {@code -M pc -m 128M}, as (base, length, type). */
    static final long[][] QEMU_PC_128M = {
        {0x0000_0000L, 0x0009_FC00L, 1},
        {0x0009_FC00L, 0x0000_0400L, 2},
        {0x000F_0000L, 0x0001_0000L, 2},
        {0x0010_0000L, 0x07EE_0000L, 1},
        {0x07FE_0000L, 0x0002_0000L, 2},
        {0xFFFC_0000L, 0x0004_0000L, 2},
    };

    /** Writes mmap entries with {@code size} = 20 from {@code paddr}; returns mmap_length. */
    static int writeMmap(PhysicalMemory memory, long paddr, long[][] entries) {
        long at = paddr;
        for (long[] e : entries) {
            memory.write32(at, 20);              // size, at offset -4 of the entry
            memory.write64(at + 4, e[0]);        // base_addr
            memory.write64(at + 12, e[1]);       // length
            memory.write32(at + 20, (int) e[2]); // type
            at += 24;
        }
        return (int) (at - paddr);
    }

    static void writeString(PhysicalMemory memory, long paddr, String text) {
        byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_8);
        memory.writeBytes(paddr, bytes);
    }

    /** The whole QEMU-like structure for a 128 MiB pc machine, with one module, into {@code memory}. */
    static void writeQemuPc128M(PhysicalMemory memory) {
        int mmapLength = writeMmap(memory, MMAP, QEMU_PC_128M);
        memory.write32(MBI + 0, QEMU_FLAGS);    // flags
        memory.write32(MBI + 4, 639);           // mem_lower: KiB below 0x9FC00
        memory.write32(MBI + 8, 129_920);       // mem_upper: KiB from 1 MiB to 0x07FE0000
        memory.write32(MBI + 12, 0x8000_FFFF);  // boot_device: BIOS drive 0x80, no partition
        memory.write32(MBI + 16, (int) CMDLINE);
        memory.write32(MBI + 20, 1);            // mods_count
        memory.write32(MBI + 24, (int) MODS);   // mods_addr
        memory.write32(MBI + 44, mmapLength);   // mmap_length
        memory.write32(MBI + 48, (int) MMAP);   // mmap_addr
        memory.write32(MBI + 64, (int) LOADER_NAME);
        writeString(memory, CMDLINE, "kernel.elf console=serial");
        writeString(memory, LOADER_NAME, "qemu");
        memory.write32(MODS + 0, 0x20_0000);    // mod_start
        memory.write32(MODS + 4, 0x20_1234);    // mod_end
        memory.write32(MODS + 8, (int) MODULE_STRING);
        memory.write32(MODS + 12, 0);           // reserved
        writeString(memory, MODULE_STRING, "initrd.img");
    }

    /** A 1 MiB all-RAM memory holding {@link #writeQemuPc128M}. */
    static PhysicalMemory qemuPc128M() {
        PhysicalMemory memory = PhysicalMemory.ofSize(1L << 20);
        writeQemuPc128M(memory);
        return memory;
    }

    static List<MemoryRegion> regions(long[][] entries) {
        return java.util.Arrays.stream(entries).map(e -> new MemoryRegion(e[0], e[1], RegionType.of((int) e[2]))).toList();
    }
}
