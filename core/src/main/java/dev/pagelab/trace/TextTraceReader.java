package dev.pagelab.trace;

import java.io.IOException;

/**
 * What the three text readers share: complete lines in the buffer, line numbers, and messages
 * that quote the line.
 *
 * <p>{@code [input.pos, end)} holds complete lines only, each ending in {@code '\n'}, so a parser
 * stops at the newline without checking the buffer's bounds: no accepted character class contains
 * {@code '\n'}. A last line without a newline gets one. A line longer than
 * {@link TraceInput#CAPACITY} is an error (memory stays constant).
 */
abstract class TextTraceReader extends BufferedTraceReader {
    /** The end of the complete lines in the buffer. */
    int end;
    /** The 1-based number of the line at {@code input.pos}. */
    long line = 1;

    TextTraceReader(TraceInput input, TraceFormat format) {
        super(input, format);
    }

    /**
     * Fills the block a buffer of lines at a time: {@link #parse} runs the format's hot loop over
     * the complete lines in the buffer, so the one virtual call is per buffer, not per line.
     */
    @Override
    public final int read(TraceBlock block) throws IOException {
        block.size = 0;
        begin(block);
        while (block.size < block.capacity() && (input.pos < end || moreLines())) {
            parse(block);
        }
        return block.size;
    }

    /** Stores what is owed from the previous read, if anything (lackey's straddling accesses). */
    void begin(TraceBlock block) {
    }

    /**
     * Parses lines from {@code input.pos} while {@code pos < end} and the block has room, appending
     * references at {@code block.size}; leaves {@code input.pos}, {@link #line} and {@code block.size}
     * after the last line parsed, also when it throws.
     */
    abstract void parse(TraceBlock block) throws TraceFormatException;

    /**
     * Makes {@code [input.pos, end)} hold the next complete lines; call only when {@code pos == end}.
     *
     * @return false at the end of the content
     */
    final boolean moreLines() throws IOException {
        TraceInput in = input;
        if (!in.eof) {
            in.refill(line);
            byte[] buf = in.buf;
            for (int i = in.limit - 1; i >= in.pos; i--) {
                if (buf[i] == '\n') {
                    end = i + 1;
                    return true;
                }
            }
            if (!in.eof) {
                throw TraceFormatException.atLine(in.name, line, "found a line longer than " + TraceInput.CAPACITY
                        + " bytes; expected one " + format() + " reference a line");
            }
        }
        if (in.pos < in.limit) {
            in.buf[in.limit++] = '\n';
            end = in.limit;
            return true;
        }
        end = in.pos;
        return false;
    }

    /** The index of the newline that ends the line at {@code p}. */
    final int eol(int p) {
        byte[] buf = input.buf;
        while (buf[p] != '\n') {
            p++;
        }
        return p;
    }

    /** True for a line of spaces and tabs only, or a comment when {@code comments}; starts at {@code p}. */
    final boolean blankOrComment(int p, boolean comments) {
        byte[] buf = input.buf;
        while (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r') {
            p++;
        }
        return buf[p] == '\n' || comments && buf[p] == '#';
    }

    /** The index after the spaces, tabs and carriage returns at {@code p}. */
    final int skipSpaces(int p) {
        byte[] buf = input.buf;
        while (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r') {
            p++;
        }
        return p;
    }

    /** An error on the line that starts at {@code lineStart}: "found 'the line', expected ...". */
    final TraceFormatException error(int lineStart, String expected) {
        return TraceFormatException.atLine(input.name, line, "found " + quote(input.buf, lineStart, eol(lineStart))
                + ", expected " + expected);
    }

    /** The bytes {@code [from, to)} in single quotes, at most 80 of them, a trailing CR dropped, others escaped. */
    static String quote(byte[] buf, int from, int to) {
        if (to > from && buf[to - 1] == '\r') {
            to--;
        }
        StringBuilder sb = new StringBuilder("'");
        for (int i = from; i < Math.min(to, from + 80); i++) {
            int c = buf[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append((char) c);
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append(to - from > 80 ? "'..." : "'").toString();
    }

    /** Hex digit values by byte ({@code 0-9a-fA-F}), -1 for every other byte. */
    static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['a' + i] = (byte) (10 + i);
            HEX['A' + i] = (byte) (10 + i);
        }
    }

    /**
     * Reads a hex number of 1 to 16 digits at {@code p} into {@link #number}.
     *
     * @return the index after it, or -1 when there is no digit or more than 16
     */
    final int hex(int p) {
        byte[] buf = input.buf;
        long v = 0;
        int start = p;
        int d;
        while ((d = HEX[buf[p] & 0xff]) >= 0) {
            v = v << 4 | d;
            p++;
        }
        number = v;
        return p == start || p - start > 16 ? -1 : p;
    }

    /**
     * Reads an unsigned decimal number of at most {@code maxDigits} digits (at most 20) into
     * {@link #number}.
     *
     * @return the index after it, or -1 when there is no digit, too many, or it exceeds 2^64 - 1
     */
    final int decimal(int p, int maxDigits) {
        byte[] buf = input.buf;
        long v = 0;
        int start = p;
        int d;
        while ((d = buf[p] - '0') >= 0 && d < 10) {
            if (p - start == 19) {
                // The 20th digit: v * 10 + d must stay below 2^64.
                if (Long.compareUnsigned(v, 1844674407370955161L) > 0 || v == 1844674407370955161L && d > 5) {
                    return -1;
                }
            }
            v = v * 10 + d;
            p++;
        }
        number = v;
        return p == start || p - start > maxDigits ? -1 : p;
    }

    /** The value of the last {@link #hex} or {@link #decimal}. */
    long number;
}
