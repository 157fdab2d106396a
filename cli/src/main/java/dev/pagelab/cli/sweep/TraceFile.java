package dev.pagelab.cli.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A trace file as a sweep's spec records it, enough to know it again: its name, its size and the
 * SHA-256 of its bytes (as stored, before any decompression).
 *
 * @param path   the path as given (kept for reproducing the sweep; not compared on a restart,
 *               so a trace may move)
 * @param name   its file name: what the results call it
 * @param bytes  its size
 * @param sha256 the SHA-256 of its content, lowercase hex
 */
public record TraceFile(Path path, String name, long bytes, String sha256) {
    private static final int BUFFER_BYTES = 1 << 20;

    /**
     * Reads {@code path} once, streaming, to hash it.
     *
     * @throws IllegalArgumentException when it is not a regular file (a directory, a device or a
     *                                  pipe cannot be hashed and then read again), or its name has
     *                                  a control character (it could not be one field of a CSV line)
     */
    public static TraceFile of(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(path + ": expected a regular file (a sweep hashes each trace, then"
                    + " reads it again), found " + (Files.isDirectory(path) ? "a directory" : "a device or pipe"));
        }
        Path fileName = path.getFileName();
        String name = fileName == null ? path.toString() : fileName.toString();
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(path + ": expected a file name without control characters (it is"
                    + " a field of results.csv)");
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
        long bytes = 0;
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(path)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                bytes += n;
            }
        }
        long size = Files.size(path);
        if (size != bytes) {
            throw new IllegalStateException(path + ": changed while it was hashed (" + bytes + " bytes read, "
                    + size + " now)");
        }
        return new TraceFile(path, name, bytes, HexFormat.of().formatHex(digest.digest()));
    }
}
