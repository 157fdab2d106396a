package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Multiboot 1 information structure (MBI) as a kernel reads it from physical memory at entry,
 * with EAX = 0x2BADB002 and EBX = its physical address (Multiboot Specification 0.6.96, section 3.3
 * "Boot information format"). Every field is little-endian; pointers are 32-bit physical addresses.
 *
 * <pre>
 *  offset  field              present if     offset  field               present if
 *   0      flags              always          44     mmap_length         flags[6]
 *   4      mem_lower (KiB)    flags[0]        48     mmap_addr           flags[6]
 *   8      mem_upper (KiB)    flags[0]        52     drives_length       flags[7]
 *  12      boot_device        flags[1]        56     drives_addr         flags[7]
 *  16      cmdline            flags[2]        60     config_table        flags[8]
 *  20      mods_count         flags[3]        64     boot_loader_name    flags[9]
 *  24      mods_addr          flags[3]        68     apm_table           flags[10]
 *  28-40   syms (a.out/ELF)   flags[4]/[5]    72-86  vbe_*               flags[11]
 *                                             88-115 framebuffer_*       flags[12]
 *
 *  module record (16 bytes at mods_addr + 16 i):   mod_start, mod_end, string, reserved
 *
 *  mmap entry:     -4  size       u32   bytes of the entry after this field, at least 20
 *   (mmap_addr      0  base_addr  u64
 *    points at      8  length     u64
 *    its size)     16  type       u32   1 usable, 3 ACPI, 4 NVS, 5 bad, other reserved
 *                  the next entry's size field is at +size+4 (of this one's size field)
 * </pre>
 *
 * <h2>How {@link #read} reads it, as a careful kernel would</h2>
 * <ol>
 *   <li>Read {@code flags}; read a field only when its flag says it is valid.
 *   <li>Strings ({@code cmdline}, module strings, {@code boot_loader_name}) are read up to their
 *       NUL, at most {@value #MAX_STRING_BYTES} bytes. A module string pointer of 0 means "none".
 *   <li>With flags[6], walk the mmap from {@code mmap_addr} while the entry lies before
 *       {@code mmap_addr + mmap_length}: read {@code size}, check {@code size >= 20} and that the
 *       entry ends inside {@code mmap_length}, read base, length and type, step {@code size + 4}.
 *   <li>Without flags[6] but with flags[0], fall back to two usable regions, [0, mem_lower KiB)
 *       and [1 MiB, 1 MiB + mem_upper KiB), with a warning: holes above 1 MiB are then unknown.
 *       Without either, stop: there is no memory information. {@link #requireMmap()} refuses the
 *       fallback for a kernel that wants the map or nothing.
 * </ol>
 * Anything that cannot be read (a field or string outside physical memory, a bad entry size, an
 * entry past {@code mmap_length}, a region past 2^64, more than {@value #MAX_MODULES} modules or
 * an mmap longer than {@value #MAX_MMAP_BYTES} bytes) is a {@link MemoryMapException} naming the
 * MBI's address, the address and offset of the culprit, and what was expected. Bytes in holes read
 * as 0xFF, exactly as the kernel would see them.
 *
 * @param mbiPaddr        physical address of the structure (EBX)
 * @param flags           the flags word
 * @param memLowerKiB     KiB of memory from 0 ({@code mem_lower}), or {@link #ABSENT}
 * @param memUpperKiB     KiB of memory from 1 MiB up to the first hole ({@code mem_upper}), or {@link #ABSENT}
 * @param cmdline         the kernel command line, when flags[2] is set
 * @param modules         the boot modules, when flags[3] is set
 * @param mmapPaddr       {@code mmap_addr}, or {@link #ABSENT}
 * @param mmapBytes       {@code mmap_length}, or {@link #ABSENT}
 * @param regions         the mmap entries in order, unsanitised; or the mem_lower/mem_upper fallback
 * @param bootLoaderName  the loader's name, when flags[9] is set
 * @param warnings        what was odd but readable, one sentence each
 */
public record Multiboot1Info(long mbiPaddr, int flags, long memLowerKiB, long memUpperKiB, Optional<String> cmdline,
        List<BootModule> modules, long mmapPaddr, long mmapBytes, List<MemoryRegion> regions,
        Optional<String> bootLoaderName, List<String> warnings) {
    /** What the loader leaves in EAX for a Multiboot 1 kernel. */
    public static final int MAGIC = 0x2BAD_B002;
    /** The magic of the Multiboot 1 header inside the kernel image (not what EAX holds). */
    public static final int HEADER_MAGIC = 0x1BAD_B002;
    /** A field that its flag marks as absent. */
    public static final long ABSENT = -1;

    /** flags[0]: mem_lower and mem_upper are valid. */
    public static final int FLAG_MEMORY = 1;
    /** flags[1]: boot_device is valid. */
    public static final int FLAG_BOOT_DEVICE = 1 << 1;
    /** flags[2]: cmdline is valid. */
    public static final int FLAG_CMDLINE = 1 << 2;
    /** flags[3]: mods_count and mods_addr are valid. */
    public static final int FLAG_MODULES = 1 << 3;
    /** flags[4]: the a.out symbol table is valid. */
    public static final int FLAG_AOUT_SYMBOLS = 1 << 4;
    /** flags[5]: the ELF section header table is valid. */
    public static final int FLAG_ELF_SECTIONS = 1 << 5;
    /** flags[6]: mmap_length and mmap_addr are valid. */
    public static final int FLAG_MMAP = 1 << 6;
    /** flags[7]: drives_length and drives_addr are valid. */
    public static final int FLAG_DRIVES = 1 << 7;
    /** flags[8]: config_table is valid. */
    public static final int FLAG_CONFIG_TABLE = 1 << 8;
    /** flags[9]: boot_loader_name is valid. */
    public static final int FLAG_BOOT_LOADER_NAME = 1 << 9;
    /** flags[10]: apm_table is valid. */
    public static final int FLAG_APM_TABLE = 1 << 10;
    /** flags[11]: the vbe_* fields are valid. */
    public static final int FLAG_VBE = 1 << 11;
    /** flags[12]: the framebuffer_* fields are valid. */
    public static final int FLAG_FRAMEBUFFER = 1 << 12;
    /** The bits the specification defines; the others are reserved. */
    public static final int DEFINED_FLAGS = (1 << 13) - 1;

    public static final int OFFSET_FLAGS = 0;
    public static final int OFFSET_MEM_LOWER = 4;
    public static final int OFFSET_MEM_UPPER = 8;
    public static final int OFFSET_BOOT_DEVICE = 12;
    public static final int OFFSET_CMDLINE = 16;
    public static final int OFFSET_MODS_COUNT = 20;
    public static final int OFFSET_MODS_ADDR = 24;
    public static final int OFFSET_SYMS = 28;
    public static final int OFFSET_MMAP_LENGTH = 44;
    public static final int OFFSET_MMAP_ADDR = 48;
    public static final int OFFSET_DRIVES_LENGTH = 52;
    public static final int OFFSET_DRIVES_ADDR = 56;
    public static final int OFFSET_CONFIG_TABLE = 60;
    public static final int OFFSET_BOOT_LOADER_NAME = 64;
    public static final int OFFSET_APM_TABLE = 68;
    public static final int OFFSET_VBE = 72;
    public static final int OFFSET_FRAMEBUFFER = 88;
    /** Bytes in the whole structure, framebuffer fields included. */
    public static final int INFO_BYTES = 116;

    /** Bytes in a module record. */
    public static final int MODULE_BYTES = 16;
    /** The smallest valid mmap entry {@code size}: base_addr, length and type. */
    public static final int MMAP_ENTRY_MIN_SIZE = 20;
    /** Bytes of a minimal mmap entry with its size field: 4 + 20. */
    public static final int MMAP_ENTRY_BYTES = 4 + MMAP_ENTRY_MIN_SIZE;

    /** The longest string read before giving up on finding its NUL. */
    public static final int MAX_STRING_BYTES = 4096;
    /** The most modules accepted; more means the structure is garbage. */
    public static final int MAX_MODULES = 1024;
    /** The longest mmap accepted: 4096 minimal entries (Linux keeps at most 3200 E820 entries). */
    public static final int MAX_MMAP_BYTES = 4096 * MMAP_ENTRY_BYTES;

    private static final long MIB = 1L << 20;

    /** Validates and copies. */
    public Multiboot1Info {
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(bootLoaderName, "bootLoaderName");
        modules = List.copyOf(modules);
        regions = List.copyOf(regions);
        warnings = List.copyOf(warnings);
    }

    /**
     * Stops unless {@code eax} holds the Multiboot 1 magic, as a kernel's entry code checks EAX.
     *
     * @throws MemoryMapException saying what the value is instead, when it is not 0x2BADB002
     */
    public static void checkMagic(int eax) {
        if (eax == MAGIC) {
            return;
        }
        String hint = switch (eax) {
            case HEADER_MAGIC -> " (0x1BADB002 is the magic of the Multiboot header inside the kernel image;"
                    + " the loader passes 0x2BADB002)";
            case Multiboot2Info.MAGIC -> " (0x36D76289 is the Multiboot 2 magic: the kernel was loaded as Multiboot 2"
                    + " and EBX points at a tag list, not at an MBI)";
            default -> " (the kernel was not started by a Multiboot 1 loader, or EAX was overwritten before the check)";
        };
        throw new MemoryMapException("EAX at kernel entry", "", String.format(
                "0x%08X is not the Multiboot 1 bootloader magic 0x%08X%s", eax, MAGIC, hint));
    }

    /**
     * Reads the MBI at {@code mbiPaddr} and everything it points to, as described in the class
     * comment. Reads only; the memory is left as it was (apart from its hole-read counter).
     *
     * @throws MemoryMapException naming the MBI's address, the culprit's address and offset, and
     *                            what was expected
     */
    public static Multiboot1Info read(PhysicalMemory memory, long mbiPaddr) {
        return new Reader(memory, mbiPaddr).read();
    }

    /** Whether {@code flag} (one of the {@code FLAG_} constants) is set. */
    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    /** Whether mem_lower and mem_upper are valid (flags[0]). */
    public boolean hasMemoryInfo() {
        return hasFlag(FLAG_MEMORY);
    }

    /** Whether the regions come from a real memory map (flags[6]) rather than the mem_lower/mem_upper fallback. */
    public boolean hasMmap() {
        return hasFlag(FLAG_MMAP);
    }

    /**
     * This structure, if it carries a memory map; for a kernel that stops rather than guess from
     * mem_lower and mem_upper.
     *
     * @throws MemoryMapException when flags[6] is clear
     */
    public Multiboot1Info requireMmap() {
        if (!hasMmap()) {
            throw new MemoryMapException("MBI at " + Addresses.hex(mbiPaddr), "flags", String.format(
                    "flags 0x%08X has bit 6 clear: no memory map (mmap_length, mmap_addr); refusing to guess from"
                            + " mem_lower/mem_upper", flags));
        }
        return this;
    }

    /** The reading, with the MBI's address at hand for every message. */
    private static final class Reader {
        private final PhysicalMemory memory;
        private final long mbiPaddr;
        private final String source;
        private final List<String> warnings = new ArrayList<>();

        Reader(PhysicalMemory memory, long mbiPaddr) {
            this.memory = memory;
            this.mbiPaddr = mbiPaddr;
            this.source = "MBI at " + Addresses.hex(mbiPaddr);
        }

        Multiboot1Info read() {
            if ((mbiPaddr >>> 32) != 0) {
                throw new MemoryMapException(source, "", "the address does not fit in EBX (expected a 32-bit"
                        + " physical address)");
            }
            int flags = field(OFFSET_FLAGS, "flags");
            if ((flags & ~DEFINED_FLAGS) != 0) {
                warnings.add(String.format("flags 0x%08X sets reserved bits 0x%08X (bits 13-31 are undefined in"
                        + " Multiboot 0.6.96)", flags, flags & ~DEFINED_FLAGS));
            }
            if ((flags & FLAG_AOUT_SYMBOLS) != 0 && (flags & FLAG_ELF_SECTIONS) != 0) {
                warnings.add(String.format("flags 0x%08X sets both bit 4 (a.out symbols) and bit 5 (ELF sections),"
                        + " which exclude each other", flags));
            }
            long memLower = ABSENT;
            long memUpper = ABSENT;
            if ((flags & FLAG_MEMORY) != 0) {
                memLower = Integer.toUnsignedLong(field(OFFSET_MEM_LOWER, "mem_lower"));
                memUpper = Integer.toUnsignedLong(field(OFFSET_MEM_UPPER, "mem_upper"));
                if (memLower > 640) {
                    warnings.add("mem_lower " + memLower + " KiB is more than the 640 KiB below 0xA0000");
                }
            }
            Optional<String> cmdline = Optional.empty();
            if ((flags & FLAG_CMDLINE) != 0) {
                long paddr = Integer.toUnsignedLong(field(OFFSET_CMDLINE, "cmdline"));
                cmdline = Optional.of(string(paddr, "cmdline"));
            }
            List<BootModule> modules = (flags & FLAG_MODULES) != 0 ? modules() : List.of();
            Optional<String> loaderName = Optional.empty();
            if ((flags & FLAG_BOOT_LOADER_NAME) != 0) {
                long paddr = Integer.toUnsignedLong(field(OFFSET_BOOT_LOADER_NAME, "boot_loader_name"));
                loaderName = Optional.of(string(paddr, "boot_loader_name"));
            }

            long mmapPaddr = ABSENT;
            long mmapBytes = ABSENT;
            List<MemoryRegion> regions;
            if ((flags & FLAG_MMAP) != 0) {
                mmapBytes = Integer.toUnsignedLong(field(OFFSET_MMAP_LENGTH, "mmap_length"));
                mmapPaddr = Integer.toUnsignedLong(field(OFFSET_MMAP_ADDR, "mmap_addr"));
                regions = mmap(mmapPaddr, mmapBytes);
            } else if ((flags & FLAG_MEMORY) != 0) {
                regions = List.of(new MemoryRegion(0, memLower * 1024, RegionType.USABLE),
                        new MemoryRegion(MIB, memUpper * 1024, RegionType.USABLE));
                warnings.add(String.format("flags 0x%08X has bit 6 clear: no memory map; falling back to mem_lower"
                        + " = %d KiB and mem_upper = %d KiB, usable %s and %s (holes above 1 MiB are unknown)",
                        flags, memLower, memUpper, MemoryRegion.range(0, memLower * 1024),
                        MemoryRegion.range(MIB, MIB + memUpper * 1024)));
            } else {
                throw new MemoryMapException(source, "field flags at " + Addresses.hex(mbiPaddr) + " (offset 0)",
                        String.format("flags 0x%08X has neither bit 6 (mmap_length, mmap_addr) nor bit 0"
                                + " (mem_lower, mem_upper): there is no memory information", flags));
            }
            return new Multiboot1Info(mbiPaddr, flags, memLower, memUpper, cmdline, modules, mmapPaddr, mmapBytes,
                    regions, loaderName, warnings);
        }

        private List<BootModule> modules() {
            long count = Integer.toUnsignedLong(field(OFFSET_MODS_COUNT, "mods_count"));
            long table = Integer.toUnsignedLong(field(OFFSET_MODS_ADDR, "mods_addr"));
            if (count > MAX_MODULES) {
                throw new MemoryMapException(source, "field mods_count at " + Addresses.hex(mbiPaddr + OFFSET_MODS_COUNT)
                        + " (offset " + OFFSET_MODS_COUNT + ")", "mods_count " + count + " is more than "
                        + MAX_MODULES + " (expected a handful of modules)");
            }
            List<BootModule> modules = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                long record = table + (long) MODULE_BYTES * i;
                String where = "module #" + i + " at " + Addresses.hex(record) + " (mods_addr + " + MODULE_BYTES * i + ")";
                long start = Integer.toUnsignedLong(u32(record, where + ", mod_start"));
                long end = Integer.toUnsignedLong(u32(record + 4, where + ", mod_end"));
                long stringPaddr = Integer.toUnsignedLong(u32(record + 8, where + ", string"));
                if (end < start) {
                    throw new MemoryMapException(source, where, "mod_end " + Addresses.hex(end) + " is below mod_start "
                            + Addresses.hex(start) + " (expected mod_start <= mod_end)");
                }
                String string = stringPaddr == 0 ? "" : string(stringPaddr, "module #" + i + " string");
                modules.add(new BootModule(start, end, string));
            }
            return modules;
        }

        private List<MemoryRegion> mmap(long mmapPaddr, long mmapBytes) {
            String mmapField = "field mmap_length at " + Addresses.hex(mbiPaddr + OFFSET_MMAP_LENGTH) + " (offset "
                    + OFFSET_MMAP_LENGTH + ")";
            if (mmapBytes > MAX_MMAP_BYTES) {
                throw new MemoryMapException(source, mmapField, "mmap_length " + mmapBytes + " is more than "
                        + MAX_MMAP_BYTES + " bytes (4096 entries of 24 bytes)");
            }
            long end = mmapPaddr + mmapBytes;
            if (end > memory.sizeBytes()) {
                throw new MemoryMapException(source, mmapField, "the mmap " + MemoryRegion.range(mmapPaddr, end)
                        + " runs past the end of physical memory at " + Addresses.hex(memory.sizeBytes()));
            }
            if (mmapBytes == 0) {
                warnings.add("mmap_length is 0: the memory map has no entries");
            }
            List<MemoryRegion> regions = new ArrayList<>();
            long entry = mmapPaddr;
            while (entry < end) {
                String where = "mmap entry at " + Addresses.hex(entry) + " (offset 0x"
                        + Long.toHexString(entry - mmapPaddr) + " of mmap)";
                if (end - entry < 4) {
                    throw new MemoryMapException(source, where, (end - entry) + " bytes are left before mmap_length"
                            + " ends at " + Addresses.hex(end) + " (expected a 4-byte size field and at least 20 bytes)");
                }
                long size = Integer.toUnsignedLong(memory.read32(entry));
                if (size < MMAP_ENTRY_MIN_SIZE) {
                    throw new MemoryMapException(source, where, "size " + size + " is below " + MMAP_ENTRY_MIN_SIZE
                            + " (base_addr u64, length u64, type u32)");
                }
                if (size > end - entry - 4) {
                    throw new MemoryMapException(source, where, "size " + size + " runs past mmap_length: the entry"
                            + " would end at " + Addresses.hex(entry + 4 + size) + ", the mmap ends at " + Addresses.hex(end));
                }
                long base = memory.read64(entry + 4);
                long length = memory.read64(entry + 12);
                int type = memory.read32(entry + 20);
                if (MemoryRegion.wraps(base, length)) {
                    throw new MemoryMapException(source, where, "base_addr 0x" + Long.toHexString(base) + " + length 0x"
                            + Long.toHexString(length) + " runs past 0xffffffffffffffff (expected a region inside the"
                            + " 64-bit address space)");
                }
                regions.add(new MemoryRegion(base, length, RegionType.of(type)));
                entry += 4 + size;
            }
            return regions;
        }

        /** The 32-bit field at {@code offset} of the MBI. */
        private int field(int offset, String name) {
            return u32(mbiPaddr + offset, "field " + name + " at " + Addresses.hex(mbiPaddr + offset)
                    + " (offset " + offset + ")");
        }

        private int u32(long paddr, String where) {
            if (paddr < 0 || paddr > memory.sizeBytes() - 4) {
                throw new MemoryMapException(source, where, "lies outside physical memory [0x00000000, "
                        + Addresses.hex(memory.sizeBytes()) + ") (the structure is truncated or the pointer is wrong)");
            }
            return memory.read32(paddr);
        }

        /** The NUL-terminated string at {@code paddr}, at most {@link #MAX_STRING_BYTES} bytes before the NUL. */
        private String string(long paddr, String what) {
            byte[] bytes = new byte[MAX_STRING_BYTES];
            for (int i = 0; i <= MAX_STRING_BYTES; i++) {
                long at = paddr + i;
                if (at >= memory.sizeBytes()) {
                    throw new MemoryMapException(source, what + " at " + Addresses.hex(paddr), "runs past the end of"
                            + " physical memory at " + Addresses.hex(memory.sizeBytes()) + " without a NUL terminator");
                }
                int b = memory.read8(at);
                if (b == 0) {
                    return new String(bytes, 0, i, StandardCharsets.UTF_8);
                }
                if (i == MAX_STRING_BYTES) {
                    break;
                }
                bytes[i] = (byte) b;
            }
            throw new MemoryMapException(source, what + " at " + Addresses.hex(paddr), "no NUL terminator within "
                    + MAX_STRING_BYTES + " bytes (expected a NUL-terminated string)");
        }
    }
}
