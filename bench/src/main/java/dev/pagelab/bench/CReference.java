package dev.pagelab.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The C reference of the bitmap allocator's benchmark: {@code bitmap_churn.c}, a resource of
 * this module (so it ships inside {@code pagelab.jar}), the same next-fit bitmap and the same
 * fill + churn as {@link FramesWorkload} in plain C. {@link #run} writes it to a temporary
 * folder, compiles it there with {@code gcc -O2} (or {@code cc -O2} when there is no gcc),
 * runs it, reads its rows back and deletes the folder.
 *
 * <p>By hand: {@code gcc -O2 -o bitmap_churn bench/src/main/resources/dev/pagelab/bench/bitmap_churn.c
 * && ./bitmap_churn 4294967296 10000000}.
 */
public final class CReference {
    /** The resource name, next to this class. */
    public static final String SOURCE = "bitmap_churn.c";
    /** How long the compiler and the program may run, each. */
    public static final long TIMEOUT_SECONDS = 600;

    private static final Pattern FILL = Pattern.compile("(?m)^fill\\s+([\\d,]+)\\s+([\\d.]+)\\s");
    private static final Pattern CHURN = Pattern.compile("(?m)^churn\\s+([\\d,]+)\\s+([\\d.]+)\\s");
    private static final Pattern CHECKSUM = Pattern.compile("(?m)^checksum: (\\d+)");
    private static final Pattern FREE_AT_START = Pattern.compile("([\\d,]+) free at start");

    private CReference() {
    }

    /**
     * What the C program printed.
     *
     * @param compiler            the compiler's command and its version line
     * @param freeFramesAtStart   free frames after the bitmap took its frames
     * @param fillAllocations     allocations of the fill
     * @param fillNsPerAllocation nanoseconds per fill allocation
     * @param churnSteps          churn steps
     * @param churnNsPerStep      nanoseconds per churn step
     * @param checksum            the sum of live after the churn
     * @param output              everything it printed
     */
    public record Result(String compiler, long freeFramesAtStart, long fillAllocations, double fillNsPerAllocation,
                         long churnSteps, double churnNsPerStep, long checksum, String output) {
    }

    /** The C compiler to use: {@code gcc}, else {@code cc}, found on the PATH; empty when neither is. */
    public static Optional<Path> findCompiler() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("gcc", "cc")) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The C source, as shipped. */
    public static String source() {
        try (InputStream in = CReference.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the C reference " + SOURCE + " is missing from the class path"
                        + " (next to " + CReference.class.getName() + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the C reference " + SOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Compiles the C reference with {@code compiler -O2} in a temporary folder and runs it on a
     * machine of {@code memoryBytes} for {@code churnSteps} steps.
     *
     * @param progress receives a line before compiling and before running
     * @throws IOException          when the folder cannot be written or a process cannot start
     * @throws IllegalStateException when the compiler or the program fails or times out (with
     *                               its output), or the output lacks a row
     */
    public static Result run(Path compiler, long memoryBytes, long churnSteps, Consumer<String> progress)
            throws IOException, InterruptedException {
        FramesWorkload.checkMemoryBytes(memoryBytes);
        Path dir = Files.createTempDirectory("pagelab-bitmap-churn");
        try {
            Path source = dir.resolve(SOURCE);
            Files.writeString(source, source());
            Path binary = dir.resolve("bitmap_churn");
            String version = firstLine(exec(dir, List.of(compiler.toString(), "--version"), "version"));
            progress.accept("C reference: " + compiler.getFileName() + " -O2 " + SOURCE + " (" + version + ")");
            exec(dir, List.of(compiler.toString(), "-O2", "-o", binary.toString(), source.toString()), "compile");
            progress.accept(String.format("C reference: fill and %,d churn steps", churnSteps));
            String output = exec(dir, List.of(binary.toString(), Long.toString(memoryBytes), Long.toString(churnSteps)),
                    "run");
            return parse(compiler.getFileName() + " -O2 (" + version + ")", output);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Reads the rows of the C program's output.
     *
     * @throws IllegalStateException naming the missing row
     */
    static Result parse(String compiler, String output) {
        Matcher fill = find(FILL, output, "fill");
        Matcher churn = find(CHURN, output, "churn");
        Matcher checksum = find(CHECKSUM, output, "checksum");
        Matcher free = find(FREE_AT_START, output, "free at start");
        return new Result(compiler, number(free.group(1)), number(fill.group(1)), Double.parseDouble(fill.group(2)),
                number(churn.group(1)), Double.parseDouble(churn.group(2)), Long.parseUnsignedLong(checksum.group(1)),
                output);
    }

    private static Matcher find(Pattern pattern, String output, String row) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("the C reference printed no '" + row + "' row; it printed:\n" + output);
        }
        return m;
    }

    private static long number(String grouped) {
        return Long.parseLong(grouped.replace(",", ""));
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "version unknown" : line;
    }

    /** Runs {@code command} in {@code dir} and returns what it printed, stdout and stderr merged. */
    private static String exec(Path dir, List<String> command, String what) throws IOException, InterruptedException {
        Path log = dir.resolve(what + ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("C reference: '" + String.join(" ", command) + "' did not finish within "
                    + TIMEOUT_SECONDS + " s");
        }
        String output = Files.exists(log) ? Files.readString(log) : "";
        if (process.exitValue() != 0) {
            throw new IllegalStateException("C reference: '" + String.join(" ", command) + "' failed with exit status "
                    + process.exitValue() + (output.isBlank() ? "" : ":\n" + output.strip()));
        }
        return output;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
