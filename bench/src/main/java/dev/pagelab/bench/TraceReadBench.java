package dev.pagelab.bench;

import dev.pagelab.trace.Compression;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.SyntheticTrace;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.TraceWriter;
import dev.pagelab.trace.Traces;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * How fast the trace readers read: a {@link SyntheticTrace} written in each format, plain and
 * gzip'd, then read to its end from memory (the file's bytes in an array) and from the file, a few
 * rounds each; the best round counts. Lackey has no writer, so its text is made here: every third
 * reference an instruction fetch ({@code I  ADDR,4}), the others {@code  L ADDR,8} or
 * {@code  S ADDR,8}, at 8-byte-aligned offsets (no access straddles a page).
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.pagelab.bench.TraceReadBench [REFERENCES [ROUNDS]]
 * </pre>
 * Not timed: writing the files. Timed: open, every {@code read} into one reused
 * {@link TraceBlock} of {@link TraceBlock#DEFAULT_CAPACITY}, and a checksum of the pages (so that
 * nothing is optimised away).
 */
public final class TraceReadBench {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory
            .getThreadMXBean();

    private TraceReadBench() {
    }

    /** One measurement: a format, a compression, memory or file, the best round. */
    public record Result(TraceFormat format, Compression compression, boolean fromMemory, long references, long bytes,
            long nanos, long cpuNanos, long checksum) {
        /** References a second. */
        public double referencesPerSecond() {
            return references * 1e9 / nanos;
        }

        /** References a second of this thread's CPU time: the rate on an idle machine, near enough. */
        public double referencesPerCpuSecond() {
            return references * 1e9 / cpuNanos;
        }

        /** Input bytes a second (compressed bytes for a compressed file). */
        public double bytesPerSecond() {
            return bytes * 1e9 / nanos;
        }
    }

    /** Writes the files into {@code dir}, reads each {@code rounds} times from memory and from the file. */
    public static List<Result> run(long references, int rounds, Path dir, Consumer<String> progress) throws IOException {
        SyntheticTrace.Config config = new SyntheticTrace.Config(references, 1 << 18, 0.25, 1, 1);
        List<Result> results = new ArrayList<>();
        for (TraceFormat format : TraceFormat.values()) {
            for (Compression compression : new Compression[] {Compression.NONE, Compression.GZIP}) {
                Path file = dir.resolve("bench." + format.cliName() + (compression == Compression.GZIP ? ".gz" : ""));
                progress.accept("writing " + file.getFileName());
                write(config, format, compression, file);
                byte[] bytes = Files.readAllBytes(file);
                for (boolean fromMemory : new boolean[] {true, false}) {
                    Result best = null;
                    for (int round = 0; round < rounds; round++) {
                        Result r = read(format, compression, fromMemory, file, bytes);
                        if (best == null || r.nanos() < best.nanos()) {
                            best = r;
                        }
                    }
                    progress.accept(String.format(Locale.ROOT, "%-15s %-5s %-6s %,14.0f refs/s", format, compression,
                            fromMemory ? "memory" : "file", best.referencesPerSecond()));
                    results.add(best);
                }
            }
        }
        return results;
    }

    private static Result read(TraceFormat format, Compression compression, boolean fromMemory, Path file, byte[] bytes)
            throws IOException {
        TraceBlock block = new TraceBlock(TraceBlock.DEFAULT_CAPACITY);
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long references = 0;
        long checksum = 0;
        try (TraceReader reader = fromMemory ? Traces.open("memory", new ByteArrayInputStream(bytes), TraceOptions.DEFAULTS)
                : Traces.open(file, TraceOptions.DEFAULTS)) {
            int n;
            while ((n = reader.read(block)) > 0) {
                references += n;
                long[] pages = block.pages;
                for (int i = 0; i < n; i++) {
                    checksum += pages[i];
                }
            }
            if (reader.format() != format) {
                throw new IllegalStateException("detected " + reader.format() + ", wrote " + format);
            }
        }
        long nanos = System.nanoTime() - start;
        long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
        return new Result(format, compression, fromMemory, references, bytes.length, nanos, cpuNanos, checksum);
    }

    private static void write(SyntheticTrace.Config config, TraceFormat format, Compression compression, Path file)
            throws IOException {
        TraceBlock block = new TraceBlock(TraceBlock.DEFAULT_CAPACITY);
        try (TraceReader synthetic = SyntheticTrace.reader(config)) {
            if (format == TraceFormat.LACKEY) {
                writeLackey(synthetic, block, compression, file);
                return;
            }
            try (TraceWriter writer = Traces.create(file, format, compression, TraceOptions.DEFAULT_PAGE_SIZE, false)) {
                while (synthetic.read(block) > 0) {
                    writer.write(block);
                }
            }
        }
    }

    private static void writeLackey(TraceReader synthetic, TraceBlock block, Compression compression, Path file)
            throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        try (OutputStream out = new BufferedOutputStream(compression == Compression.GZIP ? new GZIPOutputStream(raw,
                1 << 16) : raw, 1 << 16)) {
            out.write("==1== Lackey, an example Valgrind tool\n".getBytes(StandardCharsets.US_ASCII));
            long i = 0;
            StringBuilder line = new StringBuilder();
            while (synthetic.read(block) > 0) {
                for (int k = 0; k < block.size; k++, i++) {
                    long address = block.pages[k] << 12 | (i * 8 & 0xff8);
                    line.setLength(0);
                    if (i % 3 == 0) {
                        line.append("I  ").append(String.format("%08x", 0x400000 + (i & 0xffff))).append(",4\n");
                    } else {
                        line.append(block.kinds[k] == RefKind.WRITE ? " S " : " L ").append(Long.toHexString(address))
                                .append(",8\n");
                    }
                    out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }

    /** Runs the benchmark and prints a table. */
    public static void main(String[] args) throws IOException {
        long references = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("pagelab-trace-bench");
        try {
            List<Result> results = run(references, rounds, dir, System.err::println);
            System.out.printf(Locale.ROOT, "%-15s %-5s %-6s %12s %10s %14s %10s%n", "format", "gz", "from",
                    "references", "M refs/s", "M refs/cpu-s", "MB/s");
            for (Result r : results) {
                System.out.printf(Locale.ROOT, "%-15s %-5s %-6s %,12d %10.1f %14.1f %10.1f%n", r.format(), r.compression(),
                        r.fromMemory() ? "memory" : "file", r.references(), r.referencesPerSecond() / 1e6,
                        r.referencesPerCpuSecond() / 1e6, r.bytesPerSecond() / 1e6);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
