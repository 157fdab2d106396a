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
final class OracleGeneralReader implements TraceReader {
    /** Bytes a record. */
    static final int RECORD_BYTES = 24;
    static final int ID_OFFSET = 4;
    static final int SIZE_OFFSET = 12;
    static final int NEXT_OFFSET = 16;
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final TraceInput input;

    OracleGeneralReader(TraceInput input) {
        this.input = input;
    }

    @Override
    public TraceFormat format() {
        return TraceFormat.ORACLE_GENERAL;
    }

    @Override
    public String name() {
        return input.name;
    }

    @Override
    public boolean hasPids() {
        return false;
    }

    @Override
    public Compression compression() {
        return input.compression;
    }

    @Override
    public int read(TraceBlock block) throws IOException {
        long[] pages = block.pages;
        byte[] kinds = block.kinds;
        int[] pids = block.pids;
        int capacity = pages.length;
        TraceInput in = input;
        byte[] buf = in.buf;
        int n = 0;
        int p = in.pos;
        try {
            while (n < capacity) {
                if (in.limit - p < RECORD_BYTES) {
                    in.pos = p;
                    int added = in.refill(-1);
                    p = in.pos;
                    if (added == 0) {
                        if (in.pos < in.limit) {
                            throw TraceFormatException.atOffset(in.name, in.offset(in.pos), "found a last record of "
                                    + (in.limit - in.pos) + " bytes; expected " + RECORD_BYTES + "-byte records"
                                    + " (the file is truncated)");
                        }
                        break;
                    }
                    continue;
                }
                long next = (long) LONG.get(buf, p + NEXT_OFFSET);
                if (!validNext(next)) {
                    throw TraceFormatException.atOffset(in.name, in.offset(p + NEXT_OFFSET), "found next-access vtime "
                            + next + " in record " + in.offset(p) / RECORD_BYTES + "; expected -1 (never again) or a"
                            + " 1-based request number");
                }
                pages[n] = (long) LONG.get(buf, p + ID_OFFSET);
                kinds[n] = RefKind.READ;
                pids[n] = 0;
                n++;
                p += RECORD_BYTES;
            }
        } finally {
            in.pos = p;
            block.size = n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        input.close();
    }

    /** True when {@code next}, a next-access vtime, is one a writer can produce: -1 or at least 1. */
    static boolean validNext(long next) {
        return next == -1 || next >= 1;
    }
}
