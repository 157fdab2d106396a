package dev.pagelab.ostep;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a simulator may see of the world it runs in.
 *
 * @param workingDirectory where relative file names (paging-policy's {@code -f}) are looked up
 * @param columns          the {@code COLUMNS} environment variable, null when unset: the width
 *                         {@code --help} wraps to, as Python's {@code optparse} reads it
 */
public record OstepEnvironment(Path workingDirectory, String columns) {
    public OstepEnvironment {
        Objects.requireNonNull(workingDirectory, "workingDirectory");
    }

    /** The process's own: the current directory and its {@code COLUMNS}. */
    public static OstepEnvironment current() {
        return new OstepEnvironment(Path.of("").toAbsolutePath(), System.getenv("COLUMNS"));
    }
}
