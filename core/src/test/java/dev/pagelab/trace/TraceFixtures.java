package dev.pagelab.trace;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Builds trace bytes and reads whole traces into lists, for tests. */
final class TraceFixtures {
    private TraceFixtures() {
    }

    /** One reference as a test sees it. */
    record Ref(long page, byte kind, int pid) {
        static Ref read(long page) {
            return new Ref(page, RefKind.READ, 0);
        }

        @Override
        public String toString() {
            return "0x" + Long.toHexString(page) + "/" + RefKind.name(kind) + "/" + pid;
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One oracleGeneral record. */
    static byte[] record(int time, long id, int size, long next) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(time).putLong(id).putInt(size).putLong(next)
                .array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static TraceReader open(byte[] bytes, TraceOptions options) throws IOException {
        return Traces.open("t", new ByteArrayInputStream(bytes), options);
    }

    /** Every reference of {@code bytes}, read in blocks of {@code capacity}. */
    static List<Ref> readAll(byte[] bytes, TraceOptions options, int capacity) throws IOException {
        try (TraceReader reader = open(bytes, options)) {
            return readAll(reader, capacity);
        }
    }

    static List<Ref> readAll(byte[] bytes, TraceOptions options) throws IOException {
        return readAll(bytes, options, 7);
    }

    static List<Ref> readAll(TraceReader reader, int capacity) throws IOException {
        List<Ref> refs = new ArrayList<>();
        TraceBlock block = new TraceBlock(capacity);
        int n;
        while ((n = reader.read(block)) > 0) {
            for (int i = 0; i < n; i++) {
                refs.add(new Ref(block.pages[i], block.kinds[i], block.pids[i]));
            }
        }
        return refs;
    }

    static TraceOptions format(TraceFormat format) {
        return TraceOptions.DEFAULTS.withFormat(format);
    }
}
