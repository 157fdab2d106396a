package dev.pagelab.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page's files, read from the jar once at start-up: the names listed in
 * {@code static/files.txt} beside them, and nothing else. A request names one of these or gets a
 * 404; no part of a request ever becomes a path, in the jar or on the file system.
 */
final class StaticFiles {
    private static final String BASE = "/dev/pagelab/web/static/";

    /** One file: its bytes and its media type. */
    record File(byte[] bytes, String contentType) {
    }

    private final Map<String, File> files;

    private StaticFiles(Map<String, File> files) {
        this.files = Collections.unmodifiableMap(files);
    }

    /**
     * Loads every file of the manifest.
     *
     * @throws IllegalStateException when the manifest or a file it names is missing (a broken build)
     */
    static StaticFiles load() {
        Map<String, File> files = new LinkedHashMap<>();
        String manifest = new String(read("files.txt"), StandardCharsets.UTF_8);
        for (String line : manifest.split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (!name.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)+")) {
                throw new IllegalStateException("static/files.txt: '" + name + "' is not a plain file name");
            }
            files.put(name, new File(read(name), contentType(name)));
        }
        return new StaticFiles(files);
    }

    /** The file called {@code name}, or null. */
    File get(String name) {
        return files.get(name);
    }

    /** The names served, in the manifest's order. */
    Iterable<String> names() {
        return files.keySet();
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + BASE + name + " is not in this build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the page's file " + name, e);
        }
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }
}
