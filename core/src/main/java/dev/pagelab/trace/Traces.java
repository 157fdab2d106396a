package dev.pagelab.trace;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Opens trace readers and creates trace writers.
 *
 * <p><b>Reading.</b> {@link #open} recognises the compression by its magic bytes (gzip, zstd; xz and
 * bzip2 are named in the error) and, unless {@link TraceOptions#format()} forces one, the format
 * from the first 128 KiB of the decompressed content ({@link FormatDetector}: binary content is
 * oracle-general; text lines must all fit one of lackey, vmsim, plain). The readers:
 * <ul>
 *   <li>lackey ({@link LackeyReader}): {@code I  ADDR,SIZE} and {@code  L|S|M ADDR,SIZE}; an access
 *       that straddles a page boundary is a reference to each page; M is one write; I is dropped
 *       without {@link TraceOptions#instructions()}; valgrind's {@code ==PID==} lines are skipped;</li>
 *   <li>plain ({@link PlainReader}): one page number a line, decimal or {@code 0x} hex; blank lines and
 *       {@code #} comments skipped;</li>
 *   <li>vmsim ({@link VmsimReader}): {@code ADDRESS R|W [PID]}, a pid on every line or on none;</li>
 *   <li>oracle-general ({@link OracleGeneralReader}): 24-byte little-endian records, all reads.</li>
 * </ul>
 * Every reader streams through one 128 KiB buffer, whatever the file's size.
 *
 * <p><b>Writing.</b> {@link #create} writes plain, vmsim or oracle-general ({@link TraceWriter} says
 * what each keeps), compressed with gzip for a name ending in {@code .gz}, zstd for {@code .zst}.
 */
public final class Traces {
    private Traces() {
    }

    /**
     * Opens {@code file}, named in messages as given.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     * @throws TraceFormatException              when the format cannot be detected (naming the file
     *                                           and what each format would need), or the compressed
     *                                           data's header is bad
     */
    /**
     * Opens every file, each read ahead on a thread of its own ({@link PrefetchingTraceReader}), in
     * order; when one cannot be opened, those already open are closed before the exception leaves.
     * Close them with {@link #closeAll}.
     */
    public static List<TraceReader> openAhead(List<Path> files, TraceOptions options) throws IOException {
        List<TraceReader> readers = new ArrayList<>();
        try {
            for (Path file : files) {
                readers.add(new PrefetchingTraceReader(open(file, options)));
            }
        } catch (IOException | RuntimeException e) {
            closeAll(readers);
            throw e;
        }
        return readers;
    }

    /** Closes every reader, even when closing one fails (nothing is lost: they were only read). */
    public static void closeAll(List<? extends TraceReader> readers) {
        for (TraceReader reader : readers) {
            try {
                reader.close();
            } catch (IOException e) {
                // A file that was only read: closing it cannot lose anything.
            }
        }
    }

    public static TraceReader open(Path file, TraceOptions options) throws IOException {
        return open(file.toString(), Files.newInputStream(file), options);
    }

    /**
     * Opens a trace from {@code in}, which the reader closes (also when this throws).
     *
     * @param name what to call the trace in messages and reports
     * @throws TraceFormatException when the format cannot be detected or the content is bad at once
     */
    public static TraceReader open(String name, InputStream in, TraceOptions options) throws IOException {
        TraceInput input;
        try {
            input = TraceInput.open(name, in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        try {
            TraceFormat format = options.format() != null ? options.format() : FormatDetector.detect(input);
            return switch (format) {
                case LACKEY -> new LackeyReader(input, options);
                case PLAIN -> new PlainReader(input);
                case VMSIM -> new VmsimReader(input, options);
                case ORACLE_GENERAL -> new OracleGeneralReader(input);
            };
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
        }
    }

    /**
     * The compression a file name asks for: gzip for {@code .gz}, zstd for {@code .zst} (any case),
     * none otherwise.
     */
    public static Compression compressionFor(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") ? Compression.GZIP : name.endsWith(".zst") ? Compression.ZSTD : Compression.NONE;
    }

    /**
     * Creates (or truncates) {@code file} and a writer to it, compressed as its name asks
     * ({@link #compressionFor}).
     *
     * @param pageSize bytes a page: vmsim addresses are {@code page << log2(pageSize)}, oracle-general
     *                 object sizes are {@code pageSize}
     * @param pids     whether vmsim lines get the pid column (ignored by the other formats)
     * @throws IllegalArgumentException when {@code format} is not writable or the page size is bad
     */
    public static TraceWriter create(Path file, TraceFormat format, int pageSize, boolean pids) throws IOException {
        return create(file, format, compressionFor(file), pageSize, pids);
    }

    /** As {@link #create(Path, TraceFormat, int, boolean)}, with the compression given. */
    public static TraceWriter create(Path file, TraceFormat format, Compression compression, int pageSize, boolean pids)
            throws IOException {
        checkWritable(format, pageSize);
        Path dir = file.toAbsolutePath().getParent();
        OutputStream raw = Files.newOutputStream(file);
        try {
            return create(file.toString(), compressed(raw, compression), format, pageSize, pids, dir);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * A writer to {@code out}, which it closes at its close; no compression is added. An
     * oracle-general writer keeps its temporary files in the default temporary folder.
     */
    public static TraceWriter create(String name, OutputStream out, TraceFormat format, int pageSize, boolean pids)
            throws IOException {
        checkWritable(format, pageSize);
        return create(name, new BufferedOutputStream(out, 1 << 16), format, pageSize, pids, null);
    }

    private static TraceWriter create(String name, OutputStream out, TraceFormat format, int pageSize, boolean pids,
            Path tempDir) throws IOException {
        return format == TraceFormat.ORACLE_GENERAL ? new OracleGeneralWriter(name, out, pageSize, tempDir)
                : new TextTraceWriter(name, out, format, pageSize, pids);
    }

    private static void checkWritable(TraceFormat format, int pageSize) {
        if (!format.writable()) {
            throw new IllegalArgumentException("cannot write " + format + " traces; expected plain, vmsim or"
                    + " oracle-general");
        }
        TraceOptions.checkPageSize(pageSize);
    }

    private static OutputStream compressed(OutputStream raw, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> new BufferedOutputStream(raw, 1 << 16);
            case GZIP -> new GZIPOutputStream(raw, 1 << 16);
            case ZSTD -> new BufferedOutputStream(new ZstdOutputStream(raw), 1 << 16);
        };
    }
}
