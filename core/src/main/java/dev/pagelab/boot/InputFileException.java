package dev.pagelab.boot;

/**
 * A file named by the user that cannot be taken in as a whole: it cannot be read, it is not a
 * regular file where one is needed, it holds more than it legitimately can, or its text is not
 * what its format allows (not UTF-8). Thrown by {@link InputFiles} before anything is parsed.
 *
 * <p>The message names the file, where in it when that is known (a line and column), what was
 * expected, and the limit that was passed:
 * <pre>
 *  /dev/zero: expected a dmesg paste with BIOS-e820: lines of at most 16 MiB (16,777,216 bytes), found more
 *  my.yaml:3:9: not UTF-8: byte 0xE9 does not start a UTF-8 sequence (expected a UTF-8 text file)
 * </pre>
 */
public final class InputFileException extends BadInputException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /** A problem with {@code file} as a whole; the message reads {@code "file: problem"}. */
    public InputFileException(String file, String problem) {
        super(file, "", problem);
        this.line = 0;
        this.column = 0;
    }

    /** A problem at {@code line}:{@code column} (1-based); the message reads {@code "file:line:column: problem"}. */
    public InputFileException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem, file, "line " + line + ", column " + column, problem);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The 1-based column (in characters), or 0 when the problem concerns the whole file. */
    public int column() {
        return column;
    }
}
