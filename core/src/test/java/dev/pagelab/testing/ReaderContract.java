package dev.pagelab.testing;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.pagelab.boot.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The contract every input reader keeps, for the fuzz targets: it returns a result, or throws
 * its documented {@link BadInputException} subtype with a message that starts with the source
 * and says what was wrong. Anything else it throws (a NullPointerException, an index out of
 * bounds, an undocumented IllegalArgumentException, an OutOfMemoryError, a StackOverflowError)
 * goes through unchanged, for the fuzzer to report with its input; so does a documented
 * exception without its source or problem, as an AssertionError.
 */
public final class ReaderContract {
    private ReaderContract() {
    }

    /** The result of {@code read}, or null when it threw {@code documented} as the contract says. */
    public static <T> T resultOrDocumentedError(String source, Class<? extends BadInputException> documented,
                                                Supplier<T> read) {
        try {
            return read.get();
        } catch (BadInputException e) {
            if (!documented.isInstance(e)) {
                throw new AssertionError("expected a " + documented.getSimpleName() + ", got " + e, e);
            }
            if (!e.getMessage().startsWith(source) || e.problem().isBlank()) {
                throw new AssertionError("a " + documented.getSimpleName() + " must start with the source '" + source
                        + "' and say what was wrong: " + e.getMessage(), e);
            }
            return null;
        }
    }

    /**
     * The valid files of a fuzz target's corpus: every file in {@code <testClass>Inputs/<target>/}
     * (a test resource beside the class) but Jazzer's findings ({@code crash-}, {@code timeout-},
     * {@code slow-unit-} and {@code oom-} files).
     */
    public static List<Path> validCorpusFiles(Class<?> testClass, String target) throws IOException {
        URL dir = testClass.getResource(testClass.getSimpleName() + "Inputs/" + target);
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(URI.create(dir.toString())))) {
            return files.filter(f -> !f.getFileName().toString().matches("(crash|timeout|slow-unit|oom)-.*")).sorted().toList();
        }
    }

    /**
     * A new empty directory on an in-memory file system (Jimfs, Unix-like): a fuzz target writes
     * its input there as a file or a tree, at memory speed, and a path in an input (an
     * {@code e820:} file) can reach no real file.
     */
    public static Path scratchDirectory(String name) {
        try {
            return Files.createDirectory(Jimfs.newFileSystem(Configuration.unix()).getPath("/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes everything inside {@code dir}, leaving the directory. */
    public static void clear(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code dir} (its parent must exist). */
    public static Path createDirectory(Path dir) {
        try {
            return Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to {@code file}, replacing what was there. */
    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
