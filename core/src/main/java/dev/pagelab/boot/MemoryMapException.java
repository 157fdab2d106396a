package dev.pagelab.boot;

/**
 * A memory map, or a structure that carries one, that cannot be read: a truncated Multiboot
 * information structure, an mmap entry with a bad size, a tag that overruns its structure, a
 * garbage E820 line, an unreadable sysfs entry.
 *
 * <p>The message always names three things, so that the user can find and fix the input:
 * <ul>
 *   <li>the {@linkplain #source() source}: a file name, a directory, {@code "MBI at 0x00009000"};
 *   <li>the {@linkplain #location() location} inside it: a line number, an offset, a physical
 *       address (empty when the problem concerns the source as a whole);
 *   <li>the {@linkplain #problem() problem}, which says what was expected and what was found.
 * </ul>
 *
 * <pre>
 *  e820.txt:7: expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE', got 'BIOS-e820: [mem 0x0-]'
 *  MBI at 0x00009000, mmap entry at 0x00009124 (offset 0x24 of mmap): size 12 is below 20
 * </pre>
 *
 * Readers throw it before they return anything: nothing is half-read.
 */
public final class MemoryMapException extends BadInputException {
    private static final long serialVersionUID = 1L;

    private final int line;

    /**
     * A problem at {@code location} (an offset or an address, or {@code ""} for the whole source).
     * The message reads {@code "source, location: problem"} or {@code "source: problem"}.
     */
    public MemoryMapException(String source, String location, String problem) {
        super(source, location, problem);
        this.line = 0;
    }

    private MemoryMapException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem, source, "line " + line, problem);
        this.line = line;
    }

    /** A problem on line {@code line} (1-based) of a text source; the message reads {@code "source:line: problem"}. */
    public static MemoryMapException atLine(String source, int line, String problem) {
        return new MemoryMapException(source, line, problem);
    }

    /** The 1-based line of a text source, or 0 when the problem is not tied to a line. */
    public int line() {
        return line;
    }
}
