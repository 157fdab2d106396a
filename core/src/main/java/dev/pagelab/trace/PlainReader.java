package dev.pagelab.trace;

/**
 * A plain list of page numbers, one a line: OSTEP's {@code paging-policy.py -f} files and
 * libCacheSim's {@code txt} traces. A number is decimal (up to 2^64 - 1) or hex with {@code 0x}
 * (up to 16 digits); spaces may surround it; blank lines and lines starting with {@code #} are
 * skipped. Every reference is a {@link RefKind#READ} by pid 0.
 *
 * <p>The hot path takes a line of 1 to 18 decimal digits and a newline with one comparison a byte;
 * everything else (hex, spaces, CR LF, comments, 19 and 20 digits, errors) goes to {@link #slowLine}.
 */
final class PlainReader extends TextTraceReader {
    private static final String EXPECTED = "a page number (decimal up to 2^64-1, or hex with 0x) alone on the line,"
            + " a blank line or a # comment";

    /** Whether the last {@link #slowLine} found a number (in {@link #number}). */
    private boolean found;

    PlainReader(TraceInput input) {
        super(input, TraceFormat.PLAIN);
    }

    @Override
    public boolean hasPids() {
        return false;
    }

    @Override
    void parse(TraceBlock block) throws TraceFormatException {
        byte[] buf = input.buf;
        int capacity = block.capacity();
        int n = block.size;
        int p = input.pos;
        try {
            while (n < capacity && p < end) {
                int start = p;
                long v = 0;
                int d;
                while ((d = buf[p] - '0') >= 0 && d < 10) {
                    v = v * 10 + d;
                    p++;
                }
                if (buf[p] != '\n' || p == start || p - start > 18) {
                    p = slowLine(start);
                    if (!found) {
                        continue;
                    }
                    v = number;
                }
                n = put(block, n, v, RefKind.READ, 0);
                p++;
                line++;
            }
        } finally {
            input.pos = p;
            block.size = n;
        }
    }

    /**
     * Parses the line at {@code start} the long way.
     *
     * @return the index of its newline when it holds a number ({@link #found}), else the index
     *         after its newline (the line is consumed)
     */
    private int slowLine(int start) throws TraceFormatException {
        byte[] buf = input.buf;
        found = false;
        if (blankOrComment(start, true)) {
            line++;
            return eol(start) + 1;
        }
        int p = skipSpaces(start);
        if (buf[p] == '0' && (buf[p + 1] == 'x' || buf[p + 1] == 'X')) {
            p = hex(p + 2);
        } else {
            p = decimal(p, 20);
        }
        if (p < 0 || buf[p = skipSpaces(p)] != '\n') {
            throw error(start, EXPECTED);
        }
        found = true;
        return p;
    }
}
