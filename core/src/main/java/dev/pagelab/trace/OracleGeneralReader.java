package dev.pagelab.trace;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * libCacheSim's {@code oracleGeneral} binary trace: a sequence of 24-byte little-endian records,
 * no header.
 *
 * <pre>
 *   offset  0  u32  clock time (seconds in the traces libCacheSim publishes; ignored here)
 *   offset  4  u64  object id                  → the page (all 64 bits; 2^63 and up are negative longs)
 *   offset 12  u32  object size in bytes       (ignored: a page is a page)
 *   offset 16  i64  next access vtime: the 1-based number of the next request for the same object,
 *                   -1 when there is none     (checked, not used: the replay engine computes its own)
 * </pre>
 *
 * Every reference is a {@link RefKind#READ} by pid 0. Errors name the byte offset in the
 * decompressed content: a last record shorter than 24 bytes, and a next-access vtime that no
 * writer produces (0, or below -1). The layout is libCacheSim's {@code oracleGeneralBin.h} and
 * {@code traceConv}.
 */
final class OracleGeneralReader extends BufferedTraceReader {
    /** Bytes a record. */
    static final int RECORD_BYTES = 24;
    static final int ID_OFFSET = 4;
    static final int SIZE_OFFSET = 12;
    static final int NEXT_OFFSET = 16;
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    OracleGeneralReader(TraceInput input) {
        super(input, TraceFormat.ORACLE_GENERAL);
    }

    @Override
    public boolean hasPids() {
        return false;
    }

    @Override
    public int read(TraceBlock block) throws IOException {
        TraceInput in = input;
        int n = 0;
        int p = in.pos;
        try {
            while (n < block.capacity()) {
                if (in.limit - p < RECORD_BYTES) {
                    in.pos = p;
                    int added = in.refill(-1);
                    p = in.pos;
                    if (added > 0) {
                        continue;
                    }
                    if (p < in.limit) {
                        throw TraceFormatException.atOffset(in.name, in.offset(p), "found a last record of "
                                + (in.limit - p) + " bytes; expected " + RECORD_BYTES + "-byte records (the file is"
                                + " truncated)");
                    }
                    break;
                }
                long next = (long) LONG.get(in.buf, p + NEXT_OFFSET);
                if (!validNext(next)) {
                    throw TraceFormatException.atOffset(in.name, in.offset(p + NEXT_OFFSET), "found next-access vtime "
                            + next + " in record " + in.offset(p) / RECORD_BYTES + "; expected -1 (never again) or a"
                            + " 1-based request number");
                }
                n = put(block, n, (long) LONG.get(in.buf, p + ID_OFFSET), RefKind.READ, 0);
                p += RECORD_BYTES;
            }
        } finally {
            in.pos = p;
            block.size = n;
        }
        return n;
    }

    /** True when {@code next}, a next-access vtime, is one a writer can produce: -1 or at least 1. */
    static boolean validNext(long next) {
        return next == -1 || next >= 1;
    }
}
