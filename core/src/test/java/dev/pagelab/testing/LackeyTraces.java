package dev.pagelab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real program traces, recorded here by valgrind's lackey ({@code --trace-mem=yes}) once for the
 * whole test JVM and shared by the tests that need them: {@code sort} and {@code gzip -c} over a
 * small text file of our own, both 64-bit programs, so their pages lie far above a 32-bit process's
 * 3 GiB. Data references only (loads, stores, modifies; instruction fetches are left out to keep
 * the traces short), the last {@link #MAX_REFERENCES} of each run, which hold the program's own work
 * rather than the dynamic loader's.
 *
 * <p>Without valgrind on the PATH the calling test is skipped with one line saying so, unless the
 * environment variable {@code CI} is set (CI installs valgrind): then it fails.
 */
public final class LackeyTraces {
    /** References kept of each program's trace. */
    public static final int MAX_REFERENCES = 100_000;

    /**
     * One recorded program: its references as 4 KiB page numbers of its own (64-bit) address space
     * and whether each wrote.
     */
    public record Recorded(String name, long[] pages, boolean[] writes) {
        /** A fresh reader over the references, in odd-sized blocks as a file would give them ({@link ArrayTraceReader}). */
        public TraceReader reader() {
            return ArrayTraceReader.of(name, pages, writes);
        }

        public long distinctPages() {
            return Arrays.stream(pages).distinct().count();
        }

        public long writeCount() {
            long n = 0;
            for (boolean w : writes) {
                n += w ? 1 : 0;
            }
            return n;
        }
    }

    private static List<Recorded> programs;

    private LackeyTraces() {
    }

    /** sort and gzip, recorded at the first call; skips the caller when valgrind is missing outside CI. */
    public static synchronized List<Recorded> programs() {
        requireValgrind();
        if (programs == null) {
            programs = record();
        }
        return programs;
    }

    private static void requireValgrind() {
        boolean present = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            present |= !d.isBlank() && Files.isExecutable(Path.of(d, "valgrind"));
        }
        String ci = System.getenv("CI");
        boolean required = ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
        if (!present && required) {
            throw new IllegalStateException("valgrind not found on the PATH and CI is set: install it (apt-get install"
                    + " valgrind)");
        }
        Assumptions.assumeTrue(present, "valgrind not found on the PATH: the tests on real lackey traces are skipped"
                + " (apt-get install valgrind)");
    }

    private static List<Recorded> record() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("pagelab-lackey");
            Path input = dir.resolve("words.txt");
            StringBuilder text = new StringBuilder();
            long x = 12345;
            for (int line = 0; line < 400; line++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                text.append(Long.toString(x >>> 20, 36)).append(" line ").append(line).append('\n');
            }
            Files.writeString(input, text, StandardCharsets.US_ASCII);
            List<List<String>> commands = List.of(List.of("sort", input.toString()), List.of("gzip", "-c", input.toString()));
            List<String> names = List.of("sort", "gzip");
            // Both run at once: valgrind's start-up dominates and the two need not wait for each other.
            List<java.lang.Process> running = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                List<String> command = new ArrayList<>(List.of("valgrind", "--tool=lackey", "--trace-mem=yes",
                        "--log-file=" + dir.resolve(names.get(i) + ".lackey")));
                command.addAll(commands.get(i));
                running.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(names.get(i) + ".out").toFile()).start());
            }
            List<Recorded> recorded = new ArrayList<>();
            for (int i = 0; i < running.size(); i++) {
                java.lang.Process valgrind = running.get(i);
                assertThat(valgrind.waitFor(120, TimeUnit.SECONDS)).as("valgrind on %s finished within 2 minutes",
                        names.get(i)).isTrue();
                assertThat(valgrind.exitValue()).as("valgrind's exit status on %s", names.get(i)).isZero();
                recorded.add(read(names.get(i), dir.resolve(names.get(i) + ".lackey")));
            }
            return List.copyOf(recorded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while valgrind ran", e);
        } finally {
            delete(dir);
        }
    }

    private static Recorded read(String name, Path log) throws IOException {
        long[] pages = new long[1 << 17];
        boolean[] writes = new boolean[pages.length];
        int n = 0;
        try (TraceReader reader = Traces.open(log, TraceOptions.DEFAULTS.withInstructions(false))) {
            assertThat(reader.format()).isEqualTo(TraceFormat.LACKEY);
            TraceBlock block = new TraceBlock(TraceBlock.DEFAULT_CAPACITY);
            int got;
            while ((got = reader.read(block)) > 0) {
                for (int i = 0; i < got; i++) {
                    // A ring holding the last pages.length references.
                    pages[n % pages.length] = block.pages[i];
                    writes[n % pages.length] = RefKind.isWrite(block.kinds[i]);
                    n++;
                }
            }
        }
        int kept = Math.min(n, MAX_REFERENCES);
        long[] lastPages = new long[kept];
        boolean[] lastWrites = new boolean[kept];
        for (int i = 0; i < kept; i++) {
            int at = (n - kept + i) % pages.length;
            lastPages[i] = pages[at];
            lastWrites[i] = writes[at];
        }
        return new Recorded(name, lastPages, lastWrites);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary directory left behind is no test failure.
        }
    }
}
