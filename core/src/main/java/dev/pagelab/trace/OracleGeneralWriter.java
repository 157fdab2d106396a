package dev.pagelab.trace;

import com.carrotsearch.hppc.LongLongHashMap;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes libCacheSim's oracleGeneral records ({@link OracleGeneralReader} has the layout). Each
 * record needs the number of the next reference to the same page, which only the future knows, so
 * the writer works in three passes over two temporary files beside the output:
 * <ol>
 *   <li>{@link #write}: the page of each reference goes to {@code ids}, 8 bytes each, in trace order.</li>
 *   <li>{@link #close}, backward: {@code ids} is read from its end a chunk at a time; a map from page to
 *       the 1-based number of its nearest later reference gives each reference its next-access vtime
 *       (-1 when there is none), appended to {@code nexts} (so {@code nexts} is in reverse order).</li>
 *   <li>{@link #close}, forward: {@code ids} from its start and {@code nexts} from its end, a chunk at a
 *       time, make the records, written in trace order.</li>
 * </ol>
 * Memory: the map, about 32 bytes a distinct page (hppc's open addressing at its default load factor
 * 0.75 with two 8-byte arrays), plus fixed 512 KiB chunks; never a reference's worth a reference.
 * Disk: 16 bytes a reference in the temporary files, deleted at close. libCacheSim's
 * {@code traceConv} computes the same field (reading its input backward with a hash map).
 */
final class OracleGeneralWriter extends StreamTraceWriter {
    /** References a chunk. */
    private static final int CHUNK = 1 << 16;

    private final int pageSize;
    private final Path idsFile;
    private final FileChannel ids;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private boolean closed;

    OracleGeneralWriter(String name, OutputStream out, int pageSize, Path tempDir) throws IOException {
        super(name, out, TraceFormat.ORACLE_GENERAL, pageSize);
        this.pageSize = pageSize;
        this.idsFile = tempDir == null ? Files.createTempFile("pagelab-", ".ids") : Files.createTempFile(tempDir,
                ".pagelab-", ".ids");
        this.ids = FileChannel.open(idsFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public void write(TraceBlock block) throws IOException {
        for (int i = 0; i < block.size; i++) {
            chunk.putLong(block.pages[i]);
            if (!chunk.hasRemaining()) {
                flushIds();
            }
        }
        references += block.size;
    }

    private void flushIds() throws IOException {
        chunk.flip();
        while (chunk.hasRemaining()) {
            ids.write(chunk);
        }
        chunk.clear();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Path nextsFile = null;
        try (OutputStream o = out; FileChannel i = ids) {
            flushIds();
            nextsFile = idsFile.resolveSibling(idsFile.getFileName() + ".next");
            try (FileChannel nexts = FileChannel.open(nextsFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                backward(nexts);
                forward(nexts, o);
            }
        } finally {
            Files.deleteIfExists(idsFile);
            if (nextsFile != null) {
                Files.deleteIfExists(nextsFile);
            }
        }
    }

    /** Pass 2: the next-access vtimes, last reference first. */
    private void backward(FileChannel nexts) throws IOException {
        LongLongHashMap nextUse = new LongLongHashMap();
        long[] pages = new long[CHUNK];
        ByteBuffer result = ByteBuffer.allocate(CHUNK * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long end = references; end > 0; end -= CHUNK) {
            long start = Math.max(0, end - CHUNK);
            int count = (int) (end - start);
            readLongs(ids, start, pages, count);
            result.clear();
            for (int k = count - 1; k >= 0; k--) {
                long number = start + k + 1;
                int slot = nextUse.indexOf(pages[k]);
                if (nextUse.indexExists(slot)) {
                    result.putLong(nextUse.indexGet(slot));
                    nextUse.indexReplace(slot, number);
                } else {
                    result.putLong(-1);
                    nextUse.indexInsert(slot, pages[k], number);
                }
            }
            result.flip();
            while (result.hasRemaining()) {
                nexts.write(result);
            }
        }
    }

    /** Pass 3: the records in trace order. */
    private void forward(FileChannel nexts, OutputStream o) throws IOException {
        long[] pages = new long[CHUNK];
        long[] next = new long[CHUNK];
        byte[] records = new byte[CHUNK * OracleGeneralReader.RECORD_BYTES];
        for (long start = 0; start < references; start += CHUNK) {
            int count = (int) Math.min(CHUNK, references - start);
            readLongs(ids, start, pages, count);
            // nexts holds reference r at position references - 1 - r.
            readLongs(nexts, references - start - count, next, count);
            for (int k = 0; k < count; k++) {
                int at = k * OracleGeneralReader.RECORD_BYTES;
                long number = start + k;
                OracleGeneralReader.INT.set(records, at, (int) Math.min(number, 0xFFFF_FFFFL));
                OracleGeneralReader.LONG.set(records, at + OracleGeneralReader.ID_OFFSET, pages[k]);
                OracleGeneralReader.INT.set(records, at + OracleGeneralReader.SIZE_OFFSET, pageSize);
                OracleGeneralReader.LONG.set(records, at + OracleGeneralReader.NEXT_OFFSET, next[count - 1 - k]);
            }
            o.write(records, 0, count * OracleGeneralReader.RECORD_BYTES);
        }
    }

    /** Reads {@code count} little-endian longs from long index {@code first} of {@code channel}. */
    private void readLongs(FileChannel channel, long first, long[] into, int count) throws IOException {
        ByteBuffer bytes = chunk;
        bytes.clear().limit(count * Long.BYTES);
        long position = first * Long.BYTES;
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, position + bytes.position()) < 0) {
                throw new IOException(name + ": a temporary file of the oracle-general writer ended at byte "
                        + (position + bytes.position()) + " of " + (position + (long) count * Long.BYTES));
            }
        }
        bytes.flip();
        bytes.asLongBuffer().get(into, 0, count);
    }
}
