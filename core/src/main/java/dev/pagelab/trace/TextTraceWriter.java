package dev.pagelab.trace;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The plain and vmsim writers: each line is formatted into a byte buffer by hand (no String a
 * line) and the buffer goes out when it is nearly full.
 */
final class TextTraceWriter extends StreamTraceWriter {
    private static final int CAPACITY = 1 << 16;
    /** The longest line: "0x" + 16 hex digits + " W " + 10 digits + '\n', rounded up. */
    private static final int LONGEST_LINE = 64;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final boolean vmsim;
    private final int shift;
    private final boolean pids;
    private final byte[] buf = new byte[CAPACITY];
    private int length;

    TextTraceWriter(String name, OutputStream out, TraceFormat format, int pageSize, boolean pids) {
        super(name, out, format, pageSize);
        if (format != TraceFormat.PLAIN && format != TraceFormat.VMSIM) {
            throw new IllegalArgumentException("TextTraceWriter: " + format + " is not a text format it writes");
        }
        this.vmsim = format == TraceFormat.VMSIM;
        this.shift = Integer.numberOfTrailingZeros(pageSize);
        this.pids = pids;
    }

    @Override
    public void write(TraceBlock block) throws IOException {
        long[] pages = block.pages;
        for (int i = 0; i < block.size; i++) {
            if (length > CAPACITY - LONGEST_LINE) {
                out.write(buf, 0, length);
                length = 0;
            }
            if (!vmsim) {
                length = unsignedDecimal(buf, length, pages[i]);
            } else {
                long page = pages[i];
                if (shift > 0 && page >>> (64 - shift) != 0) {
                    throw new IllegalArgumentException(name + ": reference " + references + ": page 0x"
                            + Long.toHexString(page) + " times " + (1L << shift) + " bytes does not fit a 64-bit"
                            + " address (a smaller --page-size keeps it)");
                }
                buf[length++] = '0';
                buf[length++] = 'x';
                length = hex(buf, length, page << shift);
                buf[length++] = ' ';
                buf[length++] = RefKind.isWrite(block.kinds[i]) ? (byte) 'W' : (byte) 'R';
                if (pids) {
                    int pid = block.pids[i];
                    if (pid < 0) {
                        throw new IllegalArgumentException(name + ": reference " + references + ": pid " + pid
                                + " is negative; expected 0 to " + Integer.MAX_VALUE);
                    }
                    buf[length++] = ' ';
                    length = unsignedDecimal(buf, length, pid);
                }
            }
            buf[length++] = '\n';
            references++;
        }
    }

    /** Writes {@code value} as an unsigned decimal at {@code at}; returns the index after it. */
    static int unsignedDecimal(byte[] buf, int at, long value) {
        if (value < 0) {
            // 2^63 and up: the quotient by 10 fits a signed long.
            long quotient = (value >>> 1) / 5;
            at = unsignedDecimal(buf, at, quotient);
            buf[at] = (byte) ('0' + (value - quotient * 10));
            return at + 1;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = at + digits;
        for (int i = end - 1; i >= at; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }

    /** Writes {@code value} in lower-case hex without leading zeros at {@code at}; returns the index after it. */
    static int hex(byte[] buf, int at, long value) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 3) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            buf[at + i] = HEX_DIGITS[(int) (value & 0xf)];
            value >>>= 4;
        }
        return at + digits;
    }

    @Override
    public void close() throws IOException {
        try (OutputStream o = out) {
            o.write(buf, 0, length);
            length = 0;
        }
    }
}
