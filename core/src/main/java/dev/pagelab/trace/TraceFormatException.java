package dev.pagelab.trace;

import java.io.IOException;

/**
 * A trace whose content cannot be read: the message names the {@linkplain #file() file}, the
 * {@linkplain #line() line} (text formats) or {@linkplain #offset() byte offset} (the binary format,
 * counted in the decompressed content), what was found and what was expected, e.g.
 * {@code "t.txt, line 12: found 'x17', expected a page number (decimal, or hex with 0x)"}.
 */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final long offset;

    private TraceFormatException(String file, long line, long offset, String where, String problem, Throwable cause) {
        super(file + where + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.offset = offset;
    }

    /** A problem on line {@code line} (1-based) of a text trace. */
    public static TraceFormatException atLine(String file, long line, String problem) {
        return new TraceFormatException(file, line, -1, ", line " + line, problem, null);
    }

    /** A problem at byte {@code offset} (0-based, in the decompressed content) of a binary trace. */
    public static TraceFormatException atOffset(String file, long offset, String problem) {
        return new TraceFormatException(file, -1, offset, ", byte offset " + offset, problem, null);
    }

    /** A problem of the whole file (its format cannot be detected, say). */
    public static TraceFormatException ofFile(String file, String problem) {
        return new TraceFormatException(file, -1, -1, "", problem, null);
    }

    /** Compressed data that does not decompress, at a line or an offset ({@code line} or {@code offset} is -1). */
    static TraceFormatException corrupt(String file, long line, long offset, Compression compression, Exception cause) {
        String where = line >= 0 ? ", line " + line : ", byte offset " + offset;
        return new TraceFormatException(file, line, offset, where, "the " + compression
                + " data is corrupt or truncated (" + cause.getMessage() + ")", cause);
    }

    /** The file as given. */
    public String file() {
        return file;
    }

    /** The 1-based line of a text trace, or -1 when the problem is not on a line. */
    public long line() {
        return line;
    }

    /** The byte offset in a binary trace's decompressed content, or -1 when the problem is not at an offset. */
    public long offset() {
        return offset;
    }
}
