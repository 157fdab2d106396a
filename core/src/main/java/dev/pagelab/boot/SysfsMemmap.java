package dev.pagelab.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the firmware memory map that Linux exports under {@code /sys/firmware/memmap}
 * ({@code drivers/firmware/memmap.c}): one numbered directory a region, each with three one-line
 * files.
 *
 * <pre>
 *  /sys/firmware/memmap/0/start   0x0             first byte, hex
 *                        0/end     0x9fbff         last byte, hex, inclusive
 *                        0/type    System RAM      RegionType#sysfsName
 *                        1/...
 * </pre>
 *
 * This is the map the firmware handed to the running kernel (before Linux's own changes), so
 * {@code pagelab boot --this-machine} can boot from the computer it runs on. Reading it needs no
 * privileges on most distributions; where the directory is missing (non-x86 machines, some
 * containers) {@link #isReadable} says so.
 *
 * <p>Entries are read in numeric order (2 before 10) and returned unsanitised.
 */
public final class SysfsMemmap {
    /** Where Linux exports the firmware memory map. */
    public static final Path THIS_MACHINE = Path.of("/sys/firmware/memmap");
    /** The most an entry's file may hold: a sysfs attribute is at most one page. */
    public static final long MAX_FILE_BYTES = 4096;

    private SysfsMemmap() {
    }

    /** Whether {@code dir} exists and holds at least one numbered entry. */
    public static boolean isReadable(Path dir) {
        try {
            return !entries(dir).isEmpty();
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * The regions of every numbered entry of {@code dir}, in numeric order.
     *
     * @throws MemoryMapException naming the directory, or the file and line 1, when the directory
     *                            cannot be listed or has no entries, a file is missing,
     *                            unreadable or longer than {@link #MAX_FILE_BYTES}, a number is not
     *                            hex, an end lies below its start, a region runs past 2^64, or a
     *                            type is not a name Linux writes
     */
    public static List<MemoryRegion> read(Path dir) {
        List<Path> entries;
        try {
            entries = entries(dir);
        } catch (IOException | SecurityException e) {
            throw new MemoryMapException(dir.toString(), "", "cannot be listed (" + e + ")");
        }
        if (entries.isEmpty()) {
            throw new MemoryMapException(dir.toString(), "", "has no numbered entries (expected directories 0, 1, ..."
                    + " each with files start, end and type)");
        }
        List<MemoryRegion> regions = new ArrayList<>(entries.size());
        for (Path entry : entries) {
            long start = address(entry.resolve("start"));
            long end = address(entry.resolve("end"));
            Path typeFile = entry.resolve("type");
            String typeName = text(typeFile);
            Optional<RegionType> type = RegionType.fromSysfsName(typeName);
            if (type.isEmpty()) {
                throw MemoryMapException.atLine(typeFile.toString(), 1, "unknown type '" + typeName
                        + "' (expected one of " + RegionType.sysfsNamesForMessages() + ")");
            }
            if (Long.compareUnsigned(end, start) < 0) {
                throw MemoryMapException.atLine(entry.resolve("end").toString(), 1, "end 0x" + Long.toHexString(end)
                        + " is below start 0x" + Long.toHexString(start) + " (the end is the last byte, inclusive)");
            }
            if (end == -1L) {
                throw MemoryMapException.atLine(entry.resolve("end").toString(), 1,
                        "end 0xffffffffffffffff runs to 2^64 (expected a region that ends below it)");
            }
            regions.add(MemoryRegion.between(start, end + 1, type.get()));
        }
        return regions;
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches("\\d{1,9}"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .toList();
        }
    }

    private static long address(Path file) {
        String text = text(file);
        if (!text.startsWith("0x") && !text.startsWith("0X")) {
            throw MemoryMapException.atLine(file.toString(), 1, "expected a hex address such as 0x9fc00, got '" + text + "'");
        }
        try {
            return Long.parseUnsignedLong(text.substring(2), 16);
        } catch (NumberFormatException e) {
            throw MemoryMapException.atLine(file.toString(), 1, "expected a hex address of at most 16 digits such as"
                    + " 0x9fc00, got '" + text + "'");
        }
    }

    private static String text(Path file) {
        String text;
        try {
            text = InputFiles.readLatin1(file, MAX_FILE_BYTES, "a sysfs attribute of one line").strip();
        } catch (InputFileException e) {
            throw new MemoryMapException(e.source(), e.location(), e.problem());
        }
        if (text.length() > 100) {
            text = text.substring(0, 100) + "...";
        }
        return text;
    }
}
