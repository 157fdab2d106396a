package dev.pagelab.trace;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/**
 * A trace's decompressed bytes through one fixed buffer: the only memory a reader keeps.
 *
 * <pre>
 *   buf:  [ consumed | pos ... unparsed ... limit | free ]      base = offset of buf[0] in the content
 * </pre>
 *
 * {@link #refill} moves {@code [pos, limit)} to the front and reads until the buffer is full or the
 * content ends. The array has one byte more than {@link #CAPACITY}: room for the newline a text
 * reader puts after a last line that has none.
 *
 * <p>Compression is recognised by its magic bytes: gzip {@code 1f 8b} (the JDK's inflater), zstd
 * {@code 28 b5 2f fd} (aircompressor, pure Java); xz and bzip2 are recognised only to say so.
 */
final class TraceInput implements Closeable {
    /** Bytes read at a time; also the longest line a text reader accepts. */
    static final int CAPACITY = 1 << 17;

    final String name;
    final Compression compression;
    final byte[] buf = new byte[CAPACITY + 1];
    int pos;
    int limit;
    boolean eof;
    /** Offset of {@code buf[0]} in the decompressed content. */
    long base;
    private final InputStream in;

    private TraceInput(String name, InputStream in, Compression compression) {
        this.name = name;
        this.in = in;
        this.compression = compression;
    }

    /** Recognises the compression of {@code raw} and reads the first buffer. */
    static TraceInput open(String name, InputStream raw) throws IOException {
        PushbackInputStream pushback = new PushbackInputStream(raw, 6);
        byte[] magic = new byte[6];
        int n = 0;
        while (n < magic.length) {
            int r = pushback.read(magic, n, magic.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        pushback.unread(magic, 0, n);
        Compression compression = Compression.NONE;
        if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            compression = Compression.GZIP;
        } else if (n >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            compression = Compression.ZSTD;
        } else {
            String other = otherCompression(magic, n);
            if (other != null) {
                throw TraceFormatException.ofFile(name, "found " + other + " data; expected gzip, zstd or no"
                        + " compression (decompress it first)");
            }
        }
        TraceInput input;
        try {
            input = switch (compression) {
                case NONE -> new TraceInput(name, pushback, compression);
                // GZIPInputStream reads the member header in its constructor.
                case GZIP -> new TraceInput(name, new GZIPInputStream(pushback, 1 << 16), compression);
                case ZSTD -> new TraceInput(name, new ZstdInputStream(pushback), compression);
            };
        } catch (IOException | MalformedInputException e) {
            throw TraceFormatException.corrupt(name, -1, 0, compression, e);
        }
        try {
            input.refill(-1);
        } catch (IOException e) {
            input.close();
            throw e;
        }
        return input;
    }

    private static String otherCompression(byte[] m, int n) {
        if (n >= 6 && (m[0] & 0xff) == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0) {
            return "xz";
        }
        if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
            return "bzip2";
        }
        return null;
    }

    /**
     * Keeps {@code [pos, limit)}, moved to the front, and reads until the buffer is full or the
     * content ends.
     *
     * @param line the line at {@code pos} for a text reader's messages, or -1 for a byte offset
     * @return the bytes added; 0 at the end of the content
     */
    int refill(long line) throws IOException {
        int rest = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, rest);
            base += pos;
            pos = 0;
            limit = rest;
        }
        int added = 0;
        try {
            while (!eof && limit < CAPACITY) {
                int r = in.read(buf, limit, CAPACITY - limit);
                if (r < 0) {
                    eof = true;
                } else {
                    limit += r;
                    added += r;
                }
            }
        } catch (IOException | MalformedInputException e) {
            if (compression == Compression.NONE) {
                throw e;
            }
            throw TraceFormatException.corrupt(name, line, base + limit, compression, e);
        }
        return added;
    }

    /** The offset in the decompressed content of {@code buf[index]}. */
    long offset(int index) {
        return base + index;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
