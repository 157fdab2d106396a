package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A kernel executable as the bootloader sees it: the loadable segments of an ELF32 i386 file,
 * each with the virtual address it is linked at and the physical address it is loaded at.
 *
 * <p>The seeds link the kernel at 3 GiB + 1 MiB and load it at 1 MiB, so every segment has
 * {@code vaddr = paddr + 0xC0000000}; the linker labels {@code kernel_physical_start} and
 * {@code kernel_physical_end} are the lowest and highest physical addresses of the segments
 * ({@link #physicalStart()}, {@link #physicalEnd()}), bss included.
 *
 * <pre>
 *  ELF32 header (52 bytes)               program header (32 bytes each, at e_phoff)
 *  0x00 e_ident  7F 'E' 'L' 'F' 1 1 1     0x00 p_type    1 = PT_LOAD
 *  0x10 e_type   2 (ET_EXEC)              0x04 p_offset  file offset of the bytes
 *  0x12 e_machine 3 (EM_386)              0x08 p_vaddr   linked address
 *  0x18 e_entry                           0x0C p_paddr   load address
 *  0x1C e_phoff                           0x10 p_filesz  bytes in the file
 *  0x2A e_phentsize 32                    0x14 p_memsz   bytes in memory (rest zeroed: bss)
 *  0x2C e_phnum                           0x18 p_flags   4 R, 2 W, 1 X
 * </pre>
 *
 * A Multiboot 1 kernel must also carry the Multiboot header (magic 0x1BADB002, flags,
 * checksum) 4-byte aligned in the first 8 KiB of the file; {@link #readElf} records whether it
 * does and {@link Bootloader} refuses a kernel without one, as GRUB does.
 *
 * @param name     where the image came from, for messages
 * @param entry    the entry point (virtual)
 * @param segments the PT_LOAD segments, by physical address
 * @param multibootHeaderOffset file offset of the Multiboot header, or -1 when there is none
 */
public record KernelImage(String name, long entry, List<Segment> segments, long multibootHeaderOffset) {
    /** The seeds' higher-half offset: linked address minus load address. */
    public static final long HIGHER_HALF_OFFSET = 0xC000_0000L;
    /** Where the seeds' kernel is loaded. */
    public static final long DEFAULT_LOAD_PADDR = 0x10_0000L;
    /** The built-in image's default size. */
    public static final long DEFAULT_BYTES = 1L << 20;

    /** PT_LOAD segment flag: executable. */
    public static final int PF_X = 1;
    /** PT_LOAD segment flag: writable. */
    public static final int PF_W = 2;
    /** PT_LOAD segment flag: readable. */
    public static final int PF_R = 4;

    private static final int EHDR_BYTES = 52;
    private static final int PHDR_BYTES = 32;
    private static final int PT_LOAD = 1;
    private static final int EM_386 = 3;
    private static final int ET_EXEC = 2;
    private static final int MULTIBOOT_SEARCH_BYTES = 8192;

    /**
     * One loadable segment.
     *
     * @param name     a label for reports ({@code .text}, or {@code segment 0} for files)
     * @param vaddr    the linked (virtual) address
     * @param paddr    the load (physical) address
     * @param data     the bytes from the file ({@code p_filesz} of them)
     * @param memBytes the size in memory, at least {@code data.length}; the rest is zero (bss)
     * @param flags    {@link #PF_R}, {@link #PF_W}, {@link #PF_X}
     */
    public record Segment(String name, long vaddr, long paddr, byte[] data, long memBytes, int flags) {
        /** The first physical address after the segment. */
        public long paddrEnd() {
            return paddr + memBytes;
        }

        /** {@code R-X}, {@code RW-}. */
        public String flagNames() {
            return ((flags & PF_R) != 0 ? "R" : "-") + ((flags & PF_W) != 0 ? "W" : "-") + ((flags & PF_X) != 0 ? "X" : "-");
        }
    }

    /** Copies the list and sorts it by physical address. */
    public KernelImage {
        segments = segments.stream().sorted(Comparator.comparingLong(Segment::paddr)).toList();
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("kernel image " + name + " has no loadable segment");
        }
    }

    /** {@code kernel_physical_start}: the lowest physical address of any segment. */
    public long physicalStart() {
        return segments.get(0).paddr();
    }

    /** {@code kernel_physical_end}: the first physical address after every segment, bss included. */
    public long physicalEnd() {
        return segments.stream().mapToLong(Segment::paddrEnd).max().orElseThrow();
    }

    /** {@code kernel_virtual_start}. */
    public long virtualStart() {
        return segments.stream().mapToLong(Segment::vaddr).min().orElseThrow();
    }

    /** {@code kernel_virtual_end}. */
    public long virtualEnd() {
        return segments.stream().mapToLong(s -> s.vaddr() + s.memBytes()).max().orElseThrow();
    }

    /** Whether the file carries a Multiboot 1 header in its first 8 KiB. */
    public boolean hasMultibootHeader() {
        return multibootHeaderOffset >= 0;
    }

    // ---------------------------------------------------------------- built-in image

    /**
     * The built-in kernel of {@code bytes} (a multiple of 16 KiB, at least 16 KiB), laid out
     * as the seeds' linker script does: {@code .text} (half), {@code .rodata} (an eighth),
     * {@code .data} (an eighth) and {@code .bss} (the rest), each 4 KiB aligned, linked at
     * 0xC0100000 and loaded at 1 MiB. The text starts with a Multiboot header.
     */
    public static KernelImage builtIn(long bytes) {
        if (bytes < 16 * 1024 || bytes % (16 * 1024) != 0 || bytes > (256L << 20)) {
            throw new IllegalArgumentException("built-in kernel size " + bytes
                    + " must be a multiple of 16 KiB between 16 KiB and 256 MiB");
        }
        long text = bytes / 2;
        long rodata = bytes / 8;
        long data = bytes / 8;
        long bss = bytes - text - rodata - data;
        List<Segment> segments = new ArrayList<>();
        long paddr = DEFAULT_LOAD_PADDR;
        segments.add(segment(".text", paddr, filled((int) text, 0x90), text, PF_R | PF_X));
        byte[] header = multibootHeader();
        System.arraycopy(header, 0, segments.get(0).data(), 0, header.length);
        paddr += text;
        byte[] ro = filled((int) rodata, 0);
        byte[] banner = "pagelab built-in kernel\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(banner, 0, ro, 0, banner.length);
        segments.add(segment(".rodata", paddr, ro, rodata, PF_R));
        paddr += rodata;
        segments.add(segment(".data", paddr, filled((int) data, 0x5A), data, PF_R | PF_W));
        paddr += data;
        segments.add(segment(".bss", paddr, new byte[0], bss, PF_R | PF_W));
        // The Multiboot header sits at the start of .text, which toElf() puts at file offset 0x1000.
        return new KernelImage("built-in kernel (" + bytes / 1024 + " KiB)", HIGHER_HALF_OFFSET + DEFAULT_LOAD_PADDR,
                segments, 0x1000);
    }

    private static Segment segment(String name, long paddr, byte[] data, long memBytes, int flags) {
        return new Segment(name, paddr + HIGHER_HALF_OFFSET, paddr, data, memBytes, flags);
    }

    private static byte[] filled(int bytes, int value) {
        byte[] b = new byte[bytes];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** Magic, flags (bit 0: page-align modules, bit 1: memory information), checksum. */
    private static byte[] multibootHeader() {
        int flags = 0x3;
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Multiboot1Info.HEADER_MAGIC).putInt(flags).putInt(-(Multiboot1Info.HEADER_MAGIC + flags));
        return b.array();
    }

    // ---------------------------------------------------------------- ELF32

    /**
     * This image as an ELF32 i386 executable: the header, one program header a segment, and
     * each segment's bytes at a 4 KiB-aligned file offset (the first at 0x1000).
     */
    public byte[] toElf() {
        long offset = 0x1000;
        long[] offsets = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            offsets[i] = offset;
            offset = Addresses.alignUp(offset + segments.get(i).data().length);
        }
        ByteBuffer b = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0});
        b.position(16);
        b.putShort((short) ET_EXEC).putShort((short) EM_386).putInt(1).putInt((int) entry)
                .putInt(EHDR_BYTES).putInt(0).putInt(0)
                .putShort((short) EHDR_BYTES).putShort((short) PHDR_BYTES).putShort((short) segments.size())
                .putShort((short) 40).putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            b.putInt(PT_LOAD).putInt((int) offsets[i]).putInt((int) s.vaddr()).putInt((int) s.paddr())
                    .putInt(s.data().length).putInt((int) s.memBytes()).putInt(s.flags()).putInt(Addresses.PAGE_BYTES);
        }
        for (int i = 0; i < segments.size(); i++) {
            b.put((int) offsets[i], segments.get(i).data());
        }
        return b.array();
    }

    /**
     * Reads an ELF32 little-endian i386 executable: its PT_LOAD segments (with a non-zero
     * memory size) and whether it carries a Multiboot header.
     *
     * @param source the file's name, for messages
     * @throws BootException naming the file, the offset and what was expected, for anything
     *                       that is not a well-formed ELF32 i386 executable
     */
    public static KernelImage readElf(String source, byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 4 || b.getInt(0) != 0x464C457F) {
            throw new BootException(source, "offset 0x0", "not an ELF file (expected 7F 45 4C 46, found "
                    + leadingBytes(file) + ")");
        }
        if (file.length < EHDR_BYTES) {
            throw new BootException(source, "offset 0x0", "file of " + file.length
                    + " bytes is too short for an ELF header (52 bytes)");
        }
        expect(source, 4, file[4], 1, "EI_CLASS 1 (32-bit); a 64-bit kernel cannot boot a 32-bit machine");
        expect(source, 5, file[5], 1, "EI_DATA 1 (little-endian)");
        expect(source, 0x10, b.getShort(0x10) & 0xFFFF, ET_EXEC, "e_type 2 (ET_EXEC, an executable)");
        expect(source, 0x12, b.getShort(0x12) & 0xFFFF, EM_386, "e_machine 3 (EM_386)");
        long entry = Integer.toUnsignedLong(b.getInt(0x18));
        long phoff = Integer.toUnsignedLong(b.getInt(0x1C));
        int phentsize = b.getShort(0x2A) & 0xFFFF;
        int phnum = b.getShort(0x2C) & 0xFFFF;
        if (phnum > 0) {
            expect(source, 0x2A, phentsize, PHDR_BYTES, "e_phentsize 32");
        }
        if (phoff + (long) phnum * PHDR_BYTES > file.length) {
            throw new BootException(source, "offset 0x1C", "program headers at " + hexOff(phoff) + " (" + phnum
                    + " of 32 bytes) run past the end of the file (" + file.length + " bytes)");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_BYTES);
            if (b.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = Integer.toUnsignedLong(b.getInt(at + 4));
            long vaddr = Integer.toUnsignedLong(b.getInt(at + 8));
            long paddr = Integer.toUnsignedLong(b.getInt(at + 12));
            long filesz = Integer.toUnsignedLong(b.getInt(at + 16));
            long memsz = Integer.toUnsignedLong(b.getInt(at + 20));
            int flags = b.getInt(at + 24);
            String where = "program header " + i + " at " + hexOff(at);
            if (filesz > memsz) {
                throw new BootException(source, where, "p_filesz " + filesz + " is larger than p_memsz " + memsz);
            }
            if (offset + filesz > file.length) {
                throw new BootException(source, where, "segment bytes [" + hexOff(offset) + ", "
                        + hexOff(offset + filesz) + ") run past the end of the file (" + file.length + " bytes)");
            }
            if (paddr + memsz > Addresses.LINEAR_SPACE_BYTES) {
                throw new BootException(source, where, "segment [" + Addresses.hex(paddr) + " +" + memsz
                        + ") runs past 4 GiB");
            }
            if (memsz == 0) {
                continue;
            }
            byte[] data = new byte[(int) filesz];
            System.arraycopy(file, (int) offset, data, 0, (int) filesz);
            segments.add(new Segment("segment " + i, vaddr, paddr, data, memsz, flags));
        }
        if (segments.isEmpty()) {
            throw new BootException(source, "offset 0x2C", "no PT_LOAD segment with a non-zero size among "
                    + phnum + " program headers");
        }
        List<Segment> sorted = segments.stream().sorted(Comparator.comparingLong(Segment::paddr)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).paddr() < sorted.get(i - 1).paddrEnd()) {
                throw new BootException(source, "", sorted.get(i - 1).name() + " [" + Addresses.hex(sorted.get(i - 1).paddr())
                        + ", " + Addresses.hex(sorted.get(i - 1).paddrEnd()) + ") and " + sorted.get(i).name()
                        + " overlap in physical memory");
            }
        }
        return new KernelImage(source, entry, segments, findMultibootHeader(b));
    }

    private static long findMultibootHeader(ByteBuffer b) {
        int limit = Math.min(b.capacity(), MULTIBOOT_SEARCH_BYTES) - 12;
        for (int at = 0; at <= limit; at += 4) {
            if (b.getInt(at) == Multiboot1Info.HEADER_MAGIC && b.getInt(at) + b.getInt(at + 4) + b.getInt(at + 8) == 0) {
                return at;
            }
        }
        return -1;
    }

    private static void expect(String source, int offset, int found, int wanted, String what) {
        if (found != wanted) {
            throw new BootException(source, "offset " + hexOff(offset), "expected " + what + ", found " + found);
        }
    }

    private static String leadingBytes(byte[] file) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(4, file.length); i++) {
            out.append(i > 0 ? " " : "").append(String.format("%02X", file[i]));
        }
        return file.length == 0 ? "an empty file" : out.toString();
    }

    private static String hexOff(long offset) {
        return "0x" + Long.toHexString(offset);
    }
}
