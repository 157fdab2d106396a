package dev.pagelab.paging;

import dev.pagelab.boot.BadInputException;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an x86 machine needs to use the same page tables as a pagelab MMU: the page directory
 * and every page table it points at, and CR0, CR3, CR4. On disk ({@code pagelab boot
 * --dump-memory DIR}, and what the conformance suite loads into QEMU):
 * <pre>
 *  DIR/frames/XXXXXXXX.bin   4096 bytes each, named by the frame's physical address in eight
 *                            upper-case hex digits
 *  DIR/registers.json        {"cr0" : N, "cr3" : N, "cr4" : N}, decimal numbers
 * </pre>
 *
 * @param cr0    CR0
 * @param cr3    CR3: the directory is the frame at {@code cr3 & ~0xFFF}
 * @param cr4    CR4: PSE decides which directory entries point at tables
 * @param frames the table frames' bytes by physical address, in address order (unmodifiable)
 */
public record MemoryDump(long cr0, long cr3, long cr4, SortedMap<Long, byte[]> frames) {
    private static final Pattern REGISTER = Pattern.compile("\"(cr[034])\"\\s*:\\s*(\\d+)");
    private static final Pattern FRAME_FILE = Pattern.compile("([0-9A-F]{8})\\.bin");

    /** Sorts and wraps the frames. */
    public MemoryDump {
        frames = Collections.unmodifiableSortedMap(new TreeMap<>(frames));
    }

    /**
     * The tables {@code mmu} uses now: the directory at CR3 and every page table it points at
     * (not 4 MiB pages), read from physical memory without going through the MMU.
     */
    public static MemoryDump of(Mmu mmu) {
        PhysicalMemory memory = mmu.memory();
        SortedMap<Long, byte[]> frames = new TreeMap<>();
        for (long paddr : PageTableDump.tableFrames(memory, mmu.cr3(), (mmu.cr4() & Mmu.CR4_PSE) != 0)) {
            frames.put(paddr, memory.readBytes(paddr, Addresses.PAGE_BYTES));
        }
        return new MemoryDump(mmu.cr0(), mmu.cr3(), mmu.cr4(), frames);
    }

    /** Writes {@code DIR/frames/*.bin} and {@code DIR/registers.json}, creating the directories. */
    public void write(Path dir) {
        try {
            Path framesDir = Files.createDirectories(dir.resolve("frames"));
            for (Map.Entry<Long, byte[]> frame : frames.entrySet()) {
                Files.write(framesDir.resolve(fileName(frame.getKey())), frame.getValue());
            }
            Files.writeString(dir.resolve("registers.json"), String.format(Locale.ROOT,
                    "{%n  \"cr0\" : %d,%n  \"cr3\" : %d,%n  \"cr4\" : %d%n}%n", cr0, cr3, cr4));
        } catch (IOException e) {
            throw new UncheckedIOException("--dump-memory " + dir + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads a dump that {@link #write} wrote.
     *
     * @throws BadDump naming the file and what was wrong, when the directory is not such a dump
     */
    public static MemoryDump read(Path dir) {
        Path registers = dir.resolve("registers.json");
        long[] values = {-1, -1, -1};
        try {
            Matcher m = REGISTER.matcher(Files.readString(registers));
            while (m.find()) {
                values["cr0cr3cr4".indexOf(m.group(1)) / 3] = parseRegister(registers, m.group(1), m.group(2));
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 0) {
                    throw new BadDump(registers.toString(), "", "no \"cr" + "034".charAt(i) + "\" : number");
                }
            }
            SortedMap<Long, byte[]> frames = new TreeMap<>();
            try (Stream<Path> files = Files.list(dir.resolve("frames"))) {
                for (Path file : files.sorted().toList()) {
                    Matcher name = FRAME_FILE.matcher(file.getFileName().toString());
                    if (!name.matches()) {
                        throw new BadDump(file.toString(), "", "not a frame file: expected XXXXXXXX.bin, eight upper-case"
                                + " hex digits of a 4 KiB aligned physical address");
                    }
                    long paddr = Long.parseLong(name.group(1), 16);
                    byte[] bytes = Files.readAllBytes(file);
                    if (!Addresses.isPageAligned(paddr) || bytes.length != Addresses.PAGE_BYTES) {
                        throw new BadDump(file.toString(), "", "expected 4096 bytes of a 4 KiB aligned frame, found "
                                + bytes.length + " bytes at " + Addresses.hex(paddr));
                    }
                    frames.put(paddr, bytes);
                }
            }
            if (!frames.containsKey(Addresses.alignDown(values[1]))) {
                throw new BadDump(dir.toString(), "", "no frame file for the page directory at CR3 = "
                        + Addresses.hex(values[1]));
            }
            return new MemoryDump(values[0], values[1], values[2], frames);
        } catch (IOException e) {
            throw new BadDump(dir.toString(), "", "cannot read (" + e + ")");
        }
    }

    private static long parseRegister(Path file, String name, String digits) {
        try {
            long value = Long.parseLong(digits);
            if ((value >>> 32) == 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // too long for a long: reported below
        }
        throw new BadDump(file.toString(), "\"" + name + "\"", digits + " does not fit in 32 bits");
    }

    /** {@code 00201000.bin}. */
    private static String fileName(long paddr) {
        return String.format(Locale.ROOT, "%08X.bin", paddr);
    }

    /** A directory that is not a memory dump. */
    public static final class BadDump extends BadInputException {
        private static final long serialVersionUID = 1L;

        BadDump(String source, String location, String problem) {
            super(source, location, problem);
        }
    }
}
