package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Multiboot 2 boot information as a loader leaves it for the kernel (EAX = 0x36D76289, EBX =
 * its 8-byte-aligned physical address; Multiboot2 Specification 2.0, section 3.6 "Boot
 * information"): a fixed header, then tags, each starting on an 8-byte boundary, up to an end tag.
 * Little-endian throughout.
 *
 * <pre>
 *  offset  0  total_size  u32   bytes of the whole structure, header and end tag included
 *          4  reserved    u32   ignored
 *          8  tags:  +0 type u32, +4 size u32 (header included, padding excluded), +8 contents;
 *                    the next tag starts at the next multiple of 8 after +size
 *
 *  tag 0  end               size 8
 *  tag 1  command line      +8 NUL-terminated string
 *  tag 2  boot loader name  +8 NUL-terminated string
 *  tag 3  module            +8 mod_start u32, +12 mod_end u32, +16 NUL-terminated string
 *  tag 4  basic meminfo     +8 mem_lower u32 (KiB), +12 mem_upper u32 (KiB)
 *  tag 6  memory map        +8 entry_size u32 (a multiple of 8, at least 24), +12 entry_version u32 (0),
 *                           +16 entries, each: +0 base_addr u64, +8 length u64, +16 type u32,
 *                           +20 reserved u32, any further bytes of entry_size ignored
 * </pre>
 *
 * <h2>How {@link #read} reads it</h2>
 * <ol>
 *   <li>Check that the 8-byte header is there and that {@code total_size} is at least 16, at most
 *       {@value #MAX_TOTAL_BYTES} and no more than the bytes available.
 *   <li>Walk the tags from offset 8: every tag needs {@code size >= 8} and must end inside
 *       {@code total_size}; stop at the end tag. Running out of {@code total_size} without an end
 *       tag is an error.
 *   <li>Decode tags 1, 2, 3, 4 and 6; skip the others by their size. From tag 6, read
 *       {@code (size - 16) / entry_size} entries; the entries must fill the tag exactly.
 *   <li>Without tag 6 but with tag 4, fall back to [0, mem_lower KiB) and [1 MiB, 1 MiB + mem_upper
 *       KiB) as usable, with a warning. Without either, stop.
 * </ol>
 * Errors are {@link MemoryMapException}s naming the source, the offset (and address, in memory) of
 * the tag or entry, and what was expected.
 *
 * @param totalSizeBytes  {@code total_size}
 * @param cmdline         the command line (tag 1), if present
 * @param bootLoaderName  the loader's name (tag 2), if present
 * @param memLowerKiB     mem_lower of tag 4, or {@link #ABSENT}
 * @param memUpperKiB     mem_upper of tag 4, or {@link #ABSENT}
 * @param modules         the module tags (tag 3), in order
 * @param entrySizeBytes  {@code entry_size} of the memory-map tag, or {@link #ABSENT}
 * @param entryVersion    {@code entry_version} of the memory-map tag, or {@link #ABSENT}
 * @param regions         the memory-map entries in order, unsanitised; or the tag-4 fallback
 * @param warnings        what was odd but readable, one sentence each
 */
public record Multiboot2Info(long totalSizeBytes, Optional<String> cmdline, Optional<String> bootLoaderName,
        long memLowerKiB, long memUpperKiB, List<BootModule> modules, long entrySizeBytes, long entryVersion,
        List<MemoryRegion> regions, List<String> warnings) {
    /** What the loader leaves in EAX for a Multiboot 2 kernel. */
    public static final int MAGIC = 0x36D7_6289;
    /** A field whose tag is absent. */
    public static final long ABSENT = -1;

    public static final int TAG_END = 0;
    public static final int TAG_CMDLINE = 1;
    public static final int TAG_BOOT_LOADER_NAME = 2;
    public static final int TAG_MODULE = 3;
    public static final int TAG_BASIC_MEMINFO = 4;
    public static final int TAG_BOOT_DEVICE = 5;
    public static final int TAG_MMAP = 6;

    /** Bytes of the fixed header: total_size and reserved. */
    public static final int HEADER_BYTES = 8;
    /** Bytes of a tag's type and size. */
    public static final int TAG_HEADER_BYTES = 8;
    /** Tags start on multiples of this. */
    public static final int TAG_ALIGN = 8;
    /** Bytes of the memory-map tag before its entries. */
    public static final int MMAP_TAG_HEADER_BYTES = 16;
    /** The smallest entry_size: base_addr, length, type, reserved. */
    public static final int MMAP_ENTRY_MIN_BYTES = 24;
    /** The largest total_size accepted; real structures are a few KiB. */
    public static final int MAX_TOTAL_BYTES = 1 << 20;
    /** The most memory-map entries accepted (Linux keeps at most 3200 E820 entries). */
    public static final int MAX_MMAP_ENTRIES = 4096;

    private static final long MIB = 1L << 20;

    /** Validates and copies. */
    public Multiboot2Info {
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(bootLoaderName, "bootLoaderName");
        modules = List.copyOf(modules);
        regions = List.copyOf(regions);
        warnings = List.copyOf(warnings);
    }

    /**
     * Stops unless {@code eax} holds the Multiboot 2 magic.
     *
     * @throws MemoryMapException saying what the value is instead, when it is not 0x36D76289
     */
    public static void checkMagic(int eax) {
        if (eax == MAGIC) {
            return;
        }
        String hint = eax == Multiboot1Info.MAGIC
                ? " (0x2BADB002 is the Multiboot 1 magic: EBX points at a Multiboot 1 MBI, not at a tag list)"
                : " (the kernel was not started by a Multiboot 2 loader, or EAX was overwritten before the check)";
        throw new MemoryMapException("EAX at kernel entry", "", String.format(
                "0x%08X is not the Multiboot 2 bootloader magic 0x%08X%s", eax, MAGIC, hint));
    }

    /**
     * Reads the structure at the start of {@code bytes}: a file holding it exactly as the loader
     * left it in memory.
     *
     * @param sourceName what to call the bytes in messages, usually the file name
     * @throws MemoryMapException naming the source, the offset and what was expected
     */
    public static Multiboot2Info read(String sourceName, byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new Reader(sourceName, new Bytes() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public int u8(long offset) {
                return bytes[(int) offset] & 0xFF;
            }

            @Override
            public int u32(long offset) {
                return buffer.getInt((int) offset);
            }

            @Override
            public long u64(long offset) {
                return buffer.getLong((int) offset);
            }

            @Override
            public String where(long offset) {
                return "offset 0x" + Long.toHexString(offset);
            }
        }).read();
    }

    /**
     * Reads the structure from the start of {@code file} (at most {@value #MAX_TOTAL_BYTES} bytes
     * are read; {@code total_size} says how many count), naming it by its file name in messages.
     *
     * @throws MemoryMapException when the file cannot be read or the structure is bad
     */
    public static Multiboot2Info read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_TOTAL_BYTES);
        } catch (IOException | SecurityException e) {
            throw new MemoryMapException(file.toString(), "", "cannot be read (" + e + ")");
        }
        return read(String.valueOf(file.getFileName()), bytes);
    }

    /**
     * Reads the structure at {@code paddr} of simulated physical memory, as the kernel would.
     *
     * @throws MemoryMapException naming the structure's address, the address and offset of the
     *                            culprit, and what was expected
     */
    public static Multiboot2Info read(PhysicalMemory memory, long paddr) {
        String source = "Multiboot 2 information at " + Addresses.hex(paddr);
        if (paddr < 0 || (paddr >>> 32) != 0 || paddr >= memory.sizeBytes()) {
            throw new MemoryMapException(source, "", "the address lies outside physical memory [0x00000000, "
                    + Addresses.hex(memory.sizeBytes()) + ") or does not fit in EBX");
        }
        long available = memory.sizeBytes() - paddr;
        Reader reader = new Reader(source, new Bytes() {
            @Override
            public long size() {
                return available;
            }

            @Override
            public int u8(long offset) {
                return memory.read8(paddr + offset);
            }

            @Override
            public int u32(long offset) {
                return memory.read32(paddr + offset);
            }

            @Override
            public long u64(long offset) {
                return memory.read64(paddr + offset);
            }

            @Override
            public String where(long offset) {
                return Addresses.hex(paddr + offset) + " (offset 0x" + Long.toHexString(offset) + ")";
            }
        });
        if (paddr % TAG_ALIGN != 0) {
            reader.warnings.add("the structure starts at " + Addresses.hex(paddr)
                    + ", which is not 8-byte aligned as the specification requires");
        }
        return reader.read();
    }

    /** Whether the regions come from a memory-map tag rather than the basic-meminfo fallback. */
    public boolean hasMmap() {
        return entrySizeBytes != ABSENT;
    }

    /** Little-endian reads at offsets from the structure's start; callers keep inside {@link #size()}. */
    private interface Bytes {
        long size();

        int u8(long offset);

        int u32(long offset);

        long u64(long offset);

        /** How a message names an offset: {@code offset 0x48}, or an address and an offset. */
        String where(long offset);
    }

    private static final class Reader {
        private final String source;
        private final Bytes bytes;
        private final List<String> warnings = new ArrayList<>();

        private long memLower = ABSENT;
        private long memUpper = ABSENT;
        private long entrySize = ABSENT;
        private long entryVersion = ABSENT;
        private Optional<String> cmdline = Optional.empty();
        private Optional<String> loaderName = Optional.empty();
        private final List<BootModule> modules = new ArrayList<>();
        private List<MemoryRegion> regions;

        Reader(String source, Bytes bytes) {
            this.source = source;
            this.bytes = bytes;
        }

        Multiboot2Info read() {
            if (bytes.size() < HEADER_BYTES) {
                throw new MemoryMapException(source, bytes.where(0), "only " + bytes.size() + " bytes (expected at least"
                        + " the 8-byte header: total_size u32, reserved u32)");
            }
            long total = Integer.toUnsignedLong(bytes.u32(0));
            if (total < HEADER_BYTES + TAG_HEADER_BYTES) {
                throw new MemoryMapException(source, bytes.where(0), "total_size " + total + " is below 16 (the 8-byte"
                        + " header and the 8-byte end tag)");
            }
            if (total > MAX_TOTAL_BYTES) {
                throw new MemoryMapException(source, bytes.where(0), "total_size " + total + " is more than "
                        + MAX_TOTAL_BYTES + " bytes (expected a structure of a few KiB)");
            }
            if (total > bytes.size()) {
                throw new MemoryMapException(source, bytes.where(0), "total_size " + total + " but only " + bytes.size()
                        + " bytes are there (the structure is truncated)");
            }
            long offset = HEADER_BYTES;
            boolean ended = false;
            while (offset + TAG_HEADER_BYTES <= total) {
                long type = Integer.toUnsignedLong(bytes.u32(offset));
                long size = Integer.toUnsignedLong(bytes.u32(offset + 4));
                String where = "tag type " + type + " at " + bytes.where(offset);
                if (size < TAG_HEADER_BYTES) {
                    throw new MemoryMapException(source, where, "size " + size + " is below 8 (type u32, size u32)");
                }
                if (size > total - offset) {
                    throw new MemoryMapException(source, where, "size " + size + " overruns total_size: the tag would end"
                            + " at offset 0x" + Long.toHexString(offset + size) + ", the structure at 0x"
                            + Long.toHexString(total));
                }
                if (type == TAG_END) {
                    if (size != TAG_HEADER_BYTES) {
                        warnings.add("the end tag at offset 0x" + Long.toHexString(offset) + " has size " + size
                                + " (expected 8)");
                    }
                    if (offset + size != total) {
                        warnings.add((total - offset - size) + " bytes follow the end tag up to total_size " + total);
                    }
                    ended = true;
                    break;
                }
                tag((int) type, offset, size, where);
                offset += (size + TAG_ALIGN - 1) & -TAG_ALIGN;
            }
            if (!ended) {
                throw new MemoryMapException(source, bytes.where(Math.min(offset, total)), "no end tag (type 0, size 8)"
                        + " before total_size " + total);
            }
            if (regions == null) {
                if (memLower == ABSENT) {
                    throw new MemoryMapException(source, "", "no memory-map tag (type 6) and no basic memory"
                            + " information tag (type 4): there is no memory information");
                }
                regions = List.of(new MemoryRegion(0, memLower * 1024, RegionType.USABLE),
                        new MemoryRegion(MIB, memUpper * 1024, RegionType.USABLE));
                warnings.add("no memory-map tag (type 6): falling back to mem_lower = " + memLower + " KiB and mem_upper = "
                        + memUpper + " KiB of tag 4, usable " + MemoryRegion.range(0, memLower * 1024) + " and "
                        + MemoryRegion.range(MIB, MIB + memUpper * 1024) + " (holes above 1 MiB are unknown)");
            }
            return new Multiboot2Info(total, cmdline, loaderName, memLower, memUpper, modules, entrySize, entryVersion,
                    regions, warnings);
        }

        private void tag(int type, long offset, long size, String where) {
            switch (type) {
                case TAG_CMDLINE -> cmdline = Optional.of(string(offset + 8, offset + size, where));
                case TAG_BOOT_LOADER_NAME -> loaderName = Optional.of(string(offset + 8, offset + size, where));
                case TAG_MODULE -> {
                    need(size, 17, where, "mod_start u32, mod_end u32 and a NUL-terminated string");
                    long start = Integer.toUnsignedLong(bytes.u32(offset + 8));
                    long end = Integer.toUnsignedLong(bytes.u32(offset + 12));
                    if (end < start) {
                        throw new MemoryMapException(source, where, "mod_end " + Addresses.hex(end) + " is below"
                                + " mod_start " + Addresses.hex(start) + " (expected mod_start <= mod_end)");
                    }
                    modules.add(new BootModule(start, end, string(offset + 16, offset + size, where)));
                }
                case TAG_BASIC_MEMINFO -> {
                    need(size, 16, where, "mem_lower u32 and mem_upper u32");
                    memLower = Integer.toUnsignedLong(bytes.u32(offset + 8));
                    memUpper = Integer.toUnsignedLong(bytes.u32(offset + 12));
                }
                case TAG_MMAP -> {
                    if (regions != null && entrySize != ABSENT) {
                        warnings.add("a second memory-map tag at offset 0x" + Long.toHexString(offset)
                                + " is ignored; the first one counts");
                    } else {
                        regions = mmap(offset, size, where);
                    }
                }
                default -> {
                    // other tags (boot device, framebuffer, ELF sections, APM, EFI, ACPI...) carry no memory map
                }
            }
        }

        private List<MemoryRegion> mmap(long offset, long size, String where) {
            need(size, MMAP_TAG_HEADER_BYTES, where, "entry_size u32 and entry_version u32");
            long entryBytes = Integer.toUnsignedLong(bytes.u32(offset + 8));
            long version = Integer.toUnsignedLong(bytes.u32(offset + 12));
            if (entryBytes < MMAP_ENTRY_MIN_BYTES) {
                throw new MemoryMapException(source, where, "entry_size " + entryBytes + " is below "
                        + MMAP_ENTRY_MIN_BYTES + " (base_addr u64, length u64, type u32, reserved u32)");
            }
            if (entryBytes % 8 != 0) {
                warnings.add("entry_size " + entryBytes + " of the memory-map tag is not a multiple of 8, as the"
                        + " specification guarantees");
            }
            if (version != 0) {
                warnings.add("entry_version " + version + " of the memory-map tag is not 0; reading the version 0"
                        + " fields, which later versions keep");
            }
            long body = size - MMAP_TAG_HEADER_BYTES;
            if (body % entryBytes != 0) {
                throw new MemoryMapException(source, where, "the " + body + " bytes of entries are not a whole number"
                        + " of entries of entry_size " + entryBytes + " (size - 16 must be a multiple of entry_size)");
            }
            long count = body / entryBytes;
            if (count > MAX_MMAP_ENTRIES) {
                throw new MemoryMapException(source, where, count + " entries are more than " + MAX_MMAP_ENTRIES);
            }
            entrySize = entryBytes;
            entryVersion = version;
            List<MemoryRegion> entries = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                long at = offset + MMAP_TAG_HEADER_BYTES + i * entryBytes;
                long base = bytes.u64(at);
                long length = bytes.u64(at + 8);
                int type = bytes.u32(at + 16);
                if (MemoryRegion.wraps(base, length)) {
                    throw new MemoryMapException(source, "memory-map entry #" + i + " at " + bytes.where(at),
                            "base_addr 0x" + Long.toHexString(base) + " + length 0x" + Long.toHexString(length)
                                    + " runs past 0xffffffffffffffff (expected a region inside the 64-bit address space)");
                }
                entries.add(new MemoryRegion(base, length, RegionType.of(type)));
            }
            return entries;
        }

        private void need(long size, int minimum, String where, String contents) {
            if (size < minimum) {
                throw new MemoryMapException(source, where, "size " + size + " is below " + minimum
                        + " (type u32, size u32, " + contents + ")");
            }
        }

        /** The NUL-terminated string in {@code [from, to)}, which must hold its NUL. */
        private String string(long from, long to, String where) {
            for (long at = from; at < to; at++) {
                if (bytes.u8(at) == 0) {
                    byte[] text = new byte[(int) (at - from)];
                    for (int i = 0; i < text.length; i++) {
                        text[i] = (byte) bytes.u8(from + i);
                    }
                    return new String(text, StandardCharsets.UTF_8);
                }
            }
            throw new MemoryMapException(source, where, "the string is not NUL-terminated within the tag"
                    + " (expected a NUL before offset 0x" + Long.toHexString(to) + ")");
        }
    }
}
