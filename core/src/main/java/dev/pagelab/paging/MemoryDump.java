package dev.pagelab.paging;

import dev.pagelab.boot.BadInputException;
import dev.pagelab.boot.InputFileException;
import dev.pagelab.boot.InputFiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
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

    /** {@link #write(Path, boolean)} without force: into a new or empty directory. */
    public void write(Path dir) {
        write(dir, false);
    }

    /**
     * Writes {@code DIR/frames/*.bin} and {@code DIR/registers.json}.
     *
     * <p>{@code dir} must be a new directory (it is created with its parents) or an empty one; a
     * directory that holds anything is refused, unless {@code force}, which first removes its old
     * {@code frames/} and {@code registers.json} (and nothing else). When a write fails, every file
     * and directory this call created is removed again, so that no half dump is left behind, and
     * the exception says which file and why (permission denied, not a directory, no space left).
     *
     * @throws IllegalArgumentException when {@code dir} is refused (see {@link #checkTarget})
     * @throws UncheckedIOException     when a write fails, naming the file and the reason
     */
    public void write(Path dir, boolean force) {
        write(dir, force, Files::write);
    }

    /** How {@link #write} writes one file: a seam for tests that make a write fail. */
    interface FileWriter {
        void write(Path file, byte[] bytes) throws IOException;
    }

    void write(Path dir, boolean force, FileWriter writer) {
        checkTarget(dir, force);
        Deque<Path> created = new ArrayDeque<>();
        Path current = dir;
        try {
            List<Path> missing = new ArrayList<>();
            for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
                missing.add(0, p);
            }
            for (Path p : missing) {
                current = p;
                Files.createDirectory(p);
                created.push(p);
            }
            if (force) {
                current = dir.resolve("frames");
                deleteTree(current);
                current = dir.resolve("registers.json");
                Files.deleteIfExists(current);
            }
            current = dir.resolve("frames");
            created.push(Files.createDirectory(current));
            for (Map.Entry<Long, byte[]> frame : frames.entrySet()) {
                current = dir.resolve("frames").resolve(fileName(frame.getKey()));
                created.push(current);
                writer.write(current, frame.getValue());
            }
            current = dir.resolve("registers.json");
            created.push(current);
            writer.write(current, String.format(Locale.ROOT, "{%n  \"cr0\" : %d,%n  \"cr3\" : %d,%n  \"cr4\" : %d%n}%n",
                    cr0, cr3, cr4).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            while (!created.isEmpty()) {
                try {
                    Files.deleteIfExists(created.pop());
                } catch (IOException | SecurityException ignored) {
                    // best effort: the first failure is the one reported
                }
            }
            IOException cause = e instanceof IOException io ? io : new IOException(e);
            throw new UncheckedIOException(dir + ": cannot write " + current + " (" + InputFiles.reason(e)
                    + "); nothing was left behind", cause);
        }
    }

    /**
     * Throws unless {@link #write} may write into {@code dir}: a path that is not empty, and
     * either no file at all, an empty directory, or (with {@code force}) any directory. Checked
     * before the write, and by the command line before the boot, so that a refused target costs
     * no work.
     *
     * @throws IllegalArgumentException naming the directory and why, with what to do instead
     */
    public static void checkTarget(Path dir, boolean force) {
        if (dir.toString().isEmpty()) {
            throw new IllegalArgumentException("an empty path is not a directory (expected DIR, a new or empty"
                    + " directory)");
        }
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a directory (expected a new or empty"
                    + " directory)");
        }
        if (force) {
            return;
        }
        List<String> names;
        try (Stream<Path> children = Files.list(dir)) {
            names = children.map(p -> String.valueOf(p.getFileName())).sorted().limit(4).toList();
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(dir + " cannot be listed (" + InputFiles.reason(e) + ")");
        }
        if (!names.isEmpty()) {
            throw new IllegalArgumentException(dir + " is not empty (it holds " + String.join(", ", names)
                    + (names.size() == 4 ? ", ..." : "") + "): give a new or empty directory, or --force to replace"
                    + " its frames/ and registers.json");
        }
    }

    /** Removes {@code dir} and everything under it, if it exists. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
        }
        Files.delete(dir);
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
            Matcher m = REGISTER.matcher(InputFiles.readLatin1(registers, Addresses.PAGE_BYTES,
                    "registers.json with \"cr0\", \"cr3\" and \"cr4\""));
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
                    byte[] bytes = InputFiles.readBytes(file, Addresses.PAGE_BYTES, "one 4 KiB frame");
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
        } catch (InputFileException e) {
            throw new BadDump(e.source(), e.location(), e.problem());
        } catch (IOException e) {
            throw new BadDump(dir.toString(), "", "cannot read (" + InputFiles.reason(e) + ")");
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
