package dev.pagelab.trace;

import java.io.IOException;

/**
 * The {@code ADDRESS R|W [PID]} lines of OS courses' vmsim assignments:
 *
 * <pre>
 *   0041f7a0 R          address in hex (0x optional, 1 to 16 digits), R or W (either case)
 *   0x13f5e2c0 w 3      ... and an optional pid, decimal, 0 to 2^31-1
 * </pre>
 *
 * Fields are separated by spaces or tabs; spaces may start and end a line; blank lines and lines
 * starting with {@code #} are skipped. R is {@link RefKind#READ}, W {@link RefKind#WRITE}; the page is
 * {@code address >>> log2(pageSize)}. A file is consistent: the first reference line decides
 * whether every line has a pid, and a line that differs is an error naming both lines.
 * {@link #hasPids()} is known at open: the constructor looks at the first reference line.
 */
final class VmsimReader extends TextTraceReader {
    private static final String EXPECTED = "'ADDRESS R|W' or 'ADDRESS R|W PID' (ADDRESS in hex, 0x optional;"
            + " PID decimal), a blank line or a # comment";

    private final int shift;
    /** Whether the first reference line has a pid; valid once {@link #firstLine} is positive. */
    private boolean withPids;
    /** The line of the first reference, 0 while none has been seen. */
    private long firstLine;

    /** What {@link #parseLine} found: the kind (-1 for no reference), the address and the pid (-1 for none). */
    private byte kind;
    private long address;
    private int pid;

    VmsimReader(TraceInput input, TraceOptions options) throws IOException {
        super(input, TraceFormat.VMSIM);
        this.shift = options.pageShift();
        findFirstReference();
    }

    /** Skips the lines before the first reference and parses that one without consuming it. */
    private void findFirstReference() throws IOException {
        while (true) {
            if (input.pos >= end && !moreLines()) {
                return;
            }
            int next = parseLine(input.pos);
            if (kind >= 0) {
                withPids = pid >= 0;
                firstLine = line;
                return;
            }
            input.pos = next;
            line++;
        }
    }

    @Override
    public boolean hasPids() {
        return withPids;
    }

    @Override
    void parse(TraceBlock block) throws TraceFormatException {
        int n = block.size;
        int p = input.pos;
        try {
            while (n < block.capacity() && p < end) {
                int start = p;
                p = parseLine(p);
                if (kind < 0) {
                    line++;
                    continue;
                }
                if (pid >= 0 != withPids) {
                    throw error(start, (withPids ? "a pid" : "no pid") + " as on line " + firstLine
                            + ", the first reference (a vmsim trace has a pid on every line or on none)");
                }
                n = put(block, n, address >>> shift, kind, withPids ? pid : 0);
                line++;
            }
        } finally {
            input.pos = p;
            block.size = n;
        }
    }

    /**
     * Parses the line at {@code start} into {@link #kind}, {@link #address} and {@link #pid}.
     *
     * @return the index after its newline
     */
    private int parseLine(int start) throws TraceFormatException {
        byte[] buf = input.buf;
        int p = start;
        while (buf[p] == ' ' || buf[p] == '\t') {
            p++;
        }
        if (buf[p] == '0' && (buf[p + 1] == 'x' || buf[p + 1] == 'X')) {
            p += 2;
        } else if (blankOrComment(p, true)) {
            kind = -1;
            return eol(p) + 1;
        }
        p = hex(p);
        if (p < 0 || buf[p] != ' ' && buf[p] != '\t') {
            throw error(start, EXPECTED);
        }
        address = number;
        while (buf[p] == ' ' || buf[p] == '\t') {
            p++;
        }
        byte c = buf[p];
        if (c == 'R' || c == 'r') {
            kind = RefKind.READ;
        } else if (c == 'W' || c == 'w') {
            kind = RefKind.WRITE;
        } else {
            throw error(start, EXPECTED);
        }
        p++;
        int afterKind = p;
        p = skipSpaces(p);
        pid = -1;
        if (buf[p] != '\n') {
            if (p == afterKind) {
                throw error(start, EXPECTED);
            }
            p = decimal(p, 10);
            if (p < 0 || number > Integer.MAX_VALUE) {
                throw error(start, "a pid from 0 to " + Integer.MAX_VALUE + " after R or W");
            }
            pid = (int) number;
            p = skipSpaces(p);
            if (buf[p] != '\n') {
                throw error(start, EXPECTED);
            }
        }
        return p + 1;
    }
}
