package dev.pagelab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The example scenarios the cli module bundles under {@code examples/} (the repository's
 * {@code examples/*.yaml}), listed from the jar, or from the classes folder when run from a
 * build: {@code pagelab serve} offers them on its page.
 */
final class BundledExamples {
    private BundledExamples() {
    }

    /** Every bundled example, by file name, as text; empty when the build has none. */
    static Map<String, String> all() {
        Map<String, String> out = new TreeMap<>();
        for (String name : names()) {
            try (InputStream in = BundledExamples.class.getResourceAsStream("/examples/" + name)) {
                if (in != null) {
                    out.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled example " + name, e);
            }
        }
        return out;
    }

    private static Iterable<String> names() {
        TreeMap<String, Boolean> names = new TreeMap<>();
        try {
            Path source = Path.of(BundledExamples.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                Path folder = source.resolve("examples");
                if (Files.isDirectory(folder)) {
                    try (Stream<Path> files = Files.list(folder)) {
                        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                                .forEach(n -> names.put(n, true));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String entry = e.nextElement().getName();
                        if (entry.startsWith("examples/") && entry.endsWith(".yaml") && entry.indexOf('/', 9) < 0) {
                            names.put(entry.substring("examples/".length()), true);
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | SecurityException e) {
            return java.util.List.of(DemoCommand.EXAMPLE);
        }
        return names.keySet();
    }
}
