package dev.pagelab.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the BIOS memory map that Linux prints at boot, from a {@code dmesg} paste or a file of
 * such lines. Two forms are understood, each anywhere on its line (after a timestamp or a syslog
 * prefix):
 *
 * <pre>
 *  since Linux 3.x    BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
 *                                     START              END (inclusive)     TYPE
 *  Linux 2.6 and 2.4  BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)
 *                                START              END (exclusive)  (TYPE)
 * </pre>
 *
 * TYPE is any name {@link RegionType#fromE820Name} accepts ({@code usable}, {@code reserved},
 * {@code ACPI data}, {@code ACPI NVS}, {@code unusable}, {@code persistent (type 7)},
 * {@code type 13}, ...). Lines without {@code BIOS-e820:} are ignored, so a whole boot log can be
 * pasted; a line with it that is not one of the two forms is an error naming the line.
 *
 * <p>The regions are returned as the lines list them, not sanitised: that is
 * {@link MemoryMap#sanitize}'s job, and its report then speaks of the firmware's own order.
 */
public final class E820Text {
    /** The marker that makes a line an E820 line. */
    public static final String MARKER = "BIOS-e820:";

    private static final String EXPECTED = "expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE'"
            + " or 'BIOS-e820: START - END (TYPE)'";
    private static final Pattern CURRENT = Pattern.compile(
            "BIOS-e820:\\s*\\[mem\\s+0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\\]\\s+(\\S.*?)\\s*");
    private static final Pattern OLD = Pattern.compile(
            "BIOS-e820:\\s*([0-9a-fA-F]+)\\s*-\\s*([0-9a-fA-F]+)\\s+(\\S.*?)\\s*");
    /** Longer lines are cut in messages. */
    private static final int QUOTED_CHARS = 120;
    /**
     * The most a file may hold: a whole {@code dmesg} or {@code journalctl -k} of a large machine
     * fits (Linux's log buffer is 16 MiB at most by default, {@code CONFIG_LOG_BUF_SHIFT} 24).
     */
    public static final long MAX_FILE_BYTES = 16L << 20;

    private E820Text() {
    }

    /**
     * The regions of every E820 line of {@code text}, in the order of the lines.
     *
     * @param sourceName what to call the text in messages, usually its file name
     * @throws MemoryMapException naming the source and the line, when an E820 line is malformed,
     *                            has its end before its start, runs past 2^64, or when the text has
     *                            no E820 line at all
     */
    public static List<MemoryRegion> parse(String sourceName, String text) {
        List<MemoryRegion> regions = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int at = line.indexOf(MARKER);
            if (at >= 0) {
                regions.add(parseLine(sourceName, n + 1, line.substring(at)));
            }
        }
        if (regions.isEmpty()) {
            throw new MemoryMapException(sourceName, "", "no '" + MARKER + "' line found in " + lines.length
                    + " lines (" + EXPECTED.substring("expected ".length()) + ", as Linux prints them at boot)");
        }
        return regions;
    }

    /**
     * Reads the file and {@linkplain #parse(String, String) parses} it, naming it by its file name.
     *
     * @throws MemoryMapException when the file cannot be read, holds more than {@link #MAX_FILE_BYTES}
     *                            or does not parse
     */
    public static List<MemoryRegion> parse(Path file) {
        String text;
        try {
            text = InputFiles.readLatin1(file, MAX_FILE_BYTES, "a dmesg paste with " + MARKER + " lines");
        } catch (InputFileException e) {
            throw new MemoryMapException(e.source(), e.location(), e.problem());
        }
        return parse(String.valueOf(file.getFileName()), text);
    }

    private static MemoryRegion parseLine(String source, int lineNumber, String line) {
        Matcher current = CURRENT.matcher(line);
        Matcher old = OLD.matcher(line);
        boolean inclusive;
        Matcher match;
        if (current.matches()) {
            match = current;
            inclusive = true;
        } else if (old.matches()) {
            match = old;
            inclusive = false;
        } else {
            throw MemoryMapException.atLine(source, lineNumber, EXPECTED + ", got '" + quote(line) + "'");
        }
        long start = hex(source, lineNumber, match.group(1), "start");
        long end = hex(source, lineNumber, match.group(2), "end");
        Optional<RegionType> type = RegionType.fromE820Name(match.group(3));
        if (type.isEmpty()) {
            throw MemoryMapException.atLine(source, lineNumber, "unknown type '" + quote(match.group(3))
                    + "' (expected one of " + RegionType.e820NamesForMessages() + ")");
        }
        if (inclusive) {
            if (Long.compareUnsigned(end, start) < 0) {
                throw MemoryMapException.atLine(source, lineNumber, "end 0x" + Long.toHexString(end)
                        + " is below start 0x" + Long.toHexString(start) + " (the end is the last byte, inclusive)");
            }
            if (end == -1L) {
                throw MemoryMapException.atLine(source, lineNumber, "range [0x" + Long.toHexString(start)
                        + ", 0xffffffffffffffff] runs to 2^64 (expected a region that ends below 0xffffffffffffffff)");
            }
            return MemoryRegion.between(start, end + 1, type.get());
        }
        if (Long.compareUnsigned(end, start) < 0) {
            throw MemoryMapException.atLine(source, lineNumber, "end 0x" + Long.toHexString(end)
                    + " is below start 0x" + Long.toHexString(start) + " (the end is exclusive in this form)");
        }
        return MemoryRegion.between(start, end, type.get());
    }

    private static long hex(String source, int lineNumber, String digits, String what) {
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw MemoryMapException.atLine(source, lineNumber, what + " 0x" + quote(digits)
                    + " does not fit in 64 bits (expected at most 16 hex digits)");
        }
    }

    private static String quote(String text) {
        String stripped = text.strip();
        return stripped.length() <= QUOTED_CHARS ? stripped : stripped.substring(0, QUOTED_CHARS) + "...";
    }
}
