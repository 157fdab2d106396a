package dev.pagelab.trace;

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
        PushbackInputStream pushback = new PushbackInputStream(raw, ZSTD_HEADER_MAX);
        byte[] magic = new byte[ZSTD_HEADER_MAX];
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
            long window = zstdWindowBytes(magic, n);
            if (window > ZSTD_MAX_WINDOW) {
                throw TraceFormatException.ofFile(name, String.format(java.util.Locale.ROOT, "the zstd frame asks for a"
                        + " window of %,d bytes; expected at most %,d (128 MiB, zstd's own default limit): decompress"
                        + " it with zstd --long first", window, ZSTD_MAX_WINDOW));
            }
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
        } catch (IOException | RuntimeException e) {
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

    /** The longest zstd frame header: magic, descriptor, window, dictionary id, content size. */
    private static final int ZSTD_HEADER_MAX = 4 + 1 + 1 + 4 + 8;
    /** The largest zstd window accepted: the decompressor allocates it whole. */
    static final long ZSTD_MAX_WINDOW = 128L << 20;

    /**
     * The window the first zstd frame asks for (RFC 8878, 3.1.1.1), or -1 when the header is cut
     * short: Window_Descriptor = exponent (5 bits) and mantissa (3 bits), window = 2^(10+e) plus
     * m eighths of it; a single-segment frame's window is its content size.
     */
    static long zstdWindowBytes(byte[] h, int n) {
        if (n < 5) {
            return -1;
        }
        int descriptor = h[4] & 0xff;
        boolean singleSegment = (descriptor & 0x20) != 0;
        if (!singleSegment) {
            if (n < 6) {
                return -1;
            }
            int wd = h[5] & 0xff;
            long base = 1L << (10 + (wd >>> 3));
            return base + (base / 8) * (wd & 7);
        }
        int dictionaryBytes = new int[] {0, 1, 2, 4}[descriptor & 3];
        int sizeFlag = descriptor >>> 6;
        int sizeBytes = new int[] {1, 2, 4, 8}[sizeFlag];
        int at = 5 + dictionaryBytes;
        if (n < at + sizeBytes) {
            return -1;
        }
        long size = 0;
        for (int i = sizeBytes - 1; i >= 0; i--) {
            size = (size << 8) | (h[at + i] & 0xff);
        }
        return sizeFlag == 1 ? size + 256 : size < 0 ? Long.MAX_VALUE : size;
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
        } catch (IOException | RuntimeException e) {
            // A decompressor meets corrupt data with whatever it throws (aircompressor: a
            // MalformedInputException, an ArithmeticException on an absurd frame header, ...).
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
