package dev.pagelab.conformance;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the two programs the conformance tests need are, and what to do when they are not there.
 *
 * <p>{@code qemu-system-i386} and {@code nasm} are looked up on the {@code PATH} (or on the
 * directories in the system property {@value #PATH_PROPERTY}, which tests of the skip path use).
 * When one is missing the tests are skipped with one line saying how to install them, unless
 * they are required: the environment variable {@code CI} is set (to anything but
 * {@code false}), or {@code -D}{@value #MODE_PROPERTY}{@code =required}. Then a missing tool
 * fails the build, so that CI can never pass without having run them.
 */
record ConformanceTools(Optional<Path> qemu, Optional<Path> nasm, boolean required) {
    /** The system property that makes the tools required ({@code required}) or not. */
    static final String MODE_PROPERTY = "pagelab.conformance";
    /** The system property that replaces the {@code PATH} searched, for testing the skip path. */
    static final String PATH_PROPERTY = "pagelab.conformance.path";
    static final String QEMU = "qemu-system-i386";
    static final String NASM = "nasm";
    static final String INSTALL_HINT = "install with: apt-get install qemu-system-x86 nasm";

    /** The tools as this JVM finds them. */
    static ConformanceTools fromEnvironment() {
        String path = System.getProperty(PATH_PROPERTY, System.getenv().getOrDefault("PATH", ""));
        List<Path> dirs = new ArrayList<>();
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        String ci = System.getenv("CI");
        boolean required = "required".equals(System.getProperty(MODE_PROPERTY))
                || (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false"));
        return new ConformanceTools(find(dirs, QEMU), find(dirs, NASM), required);
    }

    static Optional<Path> find(List<Path> dirs, String name) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether both tools are there. */
    boolean present() {
        return qemu.isPresent() && nasm.isPresent();
    }

    /** One line: what is missing and how to install it; empty when nothing is. */
    String missingLine() {
        List<String> missing = new ArrayList<>();
        qemu.ifPresentOrElse(q -> { }, () -> missing.add(QEMU));
        nasm.ifPresentOrElse(n -> { }, () -> missing.add(NASM));
        if (missing.isEmpty()) {
            return "";
        }
        return "conformance: " + String.join(" and ", missing) + " not found; " + INSTALL_HINT;
    }

    /** The path of qemu-system-i386, or an exception with {@link #missingLine()}. */
    Path qemuPath() {
        return qemu.orElseThrow(() -> new IllegalStateException(missingLine()));
    }

    /** The path of nasm, or an exception with {@link #missingLine()}. */
    Path nasmPath() {
        return nasm.orElseThrow(() -> new IllegalStateException(missingLine()));
    }
}
