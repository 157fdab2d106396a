package dev.pagelab.trace;

/**
 * valgrind's lackey memory trace ({@code valgrind --tool=lackey --trace-mem=yes}):
 *
 * <pre>
 *   I  0401ab70,3         instruction fetch: 'I', two spaces, address (hex), ',', size (decimal bytes)
 *    L 1fff000688,8       data load:   ' ', 'L', ' ', address, ',', size
 *    S 1fff000680,8       data store
 *    M 0403c418,4         modify: a load and a store of the same bytes (one reference, a write)
 *   ==5386== Lackey, ...  valgrind's own lines: skipped, as are '--PID--' lines and blank lines
 * </pre>
 *
 * Kinds: I → {@link RefKind#FETCH} (dropped when {@link TraceOptions#instructions()} is false), L →
 * {@link RefKind#READ}, S → {@link RefKind#WRITE}, M → {@link RefKind#MODIFY}. An access touches
 * every page from {@code address >>> shift} to {@code (address + size - 1) >>> shift}: one reference
 * a page, in address order, all of the line's kind (so an access that straddles a page boundary is
 * two references, and an M that straddles is two writes). Size 0 touches the address's page. The
 * reader also takes more spaces than valgrind writes (any before the letter, one or more after it)
 * and spaces or a CR at the end of the line; anything else is an error naming the line. Pages still
 * owed when a block fills are kept for the next read.
 */
final class LackeyReader extends TextTraceReader {
    private static final String EXPECTED = "a lackey line ('I  ADDR,SIZE' or ' L|S|M ADDR,SIZE' with ADDR in hex"
            + " and SIZE in decimal), a valgrind '==PID==' line or a blank line";
    private static final int MAX_SIZE_DIGITS = 9;

    private final int shift;
    private final boolean instructions;

    /** Pages of an access that did not fit the last block: {@code pendingNext..pendingLast}, unsigned. */
    private long pendingNext;
    private long pendingLast;
    private byte pendingKind;
    private boolean pending;

    /** What {@link #slowLine} found: a kind, or -1 for a line without a reference. */
    private byte slowKind;
    private long slowAddress;
    private long slowSize;

    LackeyReader(TraceInput input, TraceOptions options) {
        super(input, TraceFormat.LACKEY);
        this.shift = options.pageShift();
        this.instructions = options.instructions();
    }

    @Override
    public boolean hasPids() {
        return false;
    }

    @Override
    void begin(TraceBlock block) {
        if (pending) {
            block.size = drain(block, 0);
        }
    }

    @Override
    void parse(TraceBlock block) throws TraceFormatException {
        int p = input.pos;
        int n = block.size;
        int capacity = block.capacity();
        byte[] buf = input.buf;
        try {
            while (n < capacity && p < end) {
                int start = p;
                byte kind;
                byte c = buf[p];
                byte c1;
                if (c == 'I' && buf[p + 1] == ' ' && buf[p + 2] == ' ') {
                    kind = RefKind.FETCH;
                } else if (c == ' ' && ((c1 = buf[p + 1]) == 'L' || c1 == 'S' || c1 == 'M') && buf[p + 2] == ' ') {
                    kind = c1 == 'L' ? RefKind.READ : c1 == 'S' ? RefKind.WRITE : RefKind.MODIFY;
                } else {
                    kind = -1;
                }
                long address = 0;
                long size = 0;
                if (kind >= 0) {
                    p += 3;
                    int digits = p;
                    int d;
                    while ((d = HEX[buf[p] & 0xff]) >= 0) {
                        address = address << 4 | d;
                        p++;
                    }
                    if (buf[p] == ',' && p > digits && p - digits <= 16) {
                        digits = ++p;
                        while ((d = buf[p] - '0') >= 0 && d < 10) {
                            size = size * 10 + d;
                            p++;
                        }
                        if (buf[p] != '\n' || p == digits || p - digits > MAX_SIZE_DIGITS) {
                            kind = -1;
                        }
                    } else {
                        kind = -1;
                    }
                }
                if (kind < 0) {
                    p = slowLine(start);
                    kind = slowKind;
                    if (kind < 0) {
                        continue;
                    }
                    address = slowAddress;
                    size = slowSize;
                }
                long last = address + (size == 0 ? 0 : size - 1);
                if (Long.compareUnsigned(last, address) < 0) {
                    throw error(start, "an access that ends below 2^64 (address 0x" + Long.toHexString(address)
                            + " + size " + size + " wraps around)");
                }
                p++;
                line++;
                if (kind == RefKind.FETCH && !instructions) {
                    continue;
                }
                long first = address >>> shift;
                n = put(block, n, first, kind, 0);
                if (last >>> shift != first) {
                    pendingNext = first + 1;
                    pendingLast = last >>> shift;
                    pendingKind = kind;
                    pending = true;
                    n = drain(block, n);
                }
            }
        } finally {
            input.pos = p;
            block.size = n;
        }
    }

    /** Appends the pending pages from index {@code n} while there is room; returns the new size. */
    private int drain(TraceBlock block, int n) {
        while (n < block.capacity()) {
            n = put(block, n, pendingNext, pendingKind, 0);
            if (pendingNext == pendingLast) {
                pending = false;
                return n;
            }
            pendingNext++;
        }
        return n;
    }

    /**
     * Parses the line at {@code start} the long way: more spaces than valgrind writes, valgrind's
     * own lines, blank lines, a trailing CR, errors.
     *
     * @return the index of its newline when it holds a reference ({@link #slowKind} at least 0),
     *         else the index after its newline (the line is consumed)
     */
    private int slowLine(int start) throws TraceFormatException {
        byte[] buf = input.buf;
        slowKind = -1;
        if (blankOrComment(start, false) || buf[start] == '=' && buf[start + 1] == '='
                || buf[start] == '-' && buf[start + 1] == '-' && buf[start + 2] >= '0' && buf[start + 2] <= '9') {
            line++;
            return eol(start) + 1;
        }
        int p = start;
        while (buf[p] == ' ' || buf[p] == '\t') {
            p++;
        }
        byte kind = switch (buf[p]) {
            case 'I' -> RefKind.FETCH;
            case 'L' -> RefKind.READ;
            case 'S' -> RefKind.WRITE;
            case 'M' -> RefKind.MODIFY;
            default -> -1;
        };
        if (kind < 0 || buf[p + 1] != ' ' && buf[p + 1] != '\t') {
            throw error(start, EXPECTED);
        }
        p++;
        while (buf[p] == ' ' || buf[p] == '\t') {
            p++;
        }
        int digits = p;
        p = hex(p);
        if (p < 0 || buf[p] != ',') {
            int q = digits;
            while (HEX[buf[q] & 0xff] >= 0) {
                q++;
            }
            throw error(start, q - digits > 16 ? "an address of at most 16 hex digits" : EXPECTED);
        }
        slowAddress = number;
        p = decimal(p + 1, MAX_SIZE_DIGITS);
        if (p < 0) {
            throw error(start, "a size in decimal bytes of at most " + MAX_SIZE_DIGITS + " digits after the comma");
        }
        slowSize = number;
        p = skipSpaces(p);
        if (buf[p] != '\n') {
            throw error(start, EXPECTED);
        }
        slowKind = kind;
        return p;
    }
}
