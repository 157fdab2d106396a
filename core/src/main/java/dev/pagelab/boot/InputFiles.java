package dev.pagelab.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reading a file the user named without trusting it: never more bytes than the file can
 * legitimately hold. Every reader of pagelab takes its file through here with a limit that
 * matches its format (a sysfs attribute: one page; a dmesg paste: some megabytes; a module: the
 * machine's RAM), so that {@code /dev/zero}, {@code /dev/urandom}, a link to either or a sparse
 * file of gigabytes ends in one {@link InputFileException} naming the file, what was expected and
 * the limit, and never in an {@link OutOfMemoryError}.
 *
 * <p>The limit is enforced while reading: a regular file whose size is past it is refused before
 * a byte is read, and any other file (a device, a pipe) is read up to one byte past the limit
 * and then refused. Memory use is bounded by the limit.
 */
public final class InputFiles {
    /** The largest limit: what one Java array can hold, less a margin some JVMs keep. */
    public static final long MAX_LIMIT_BYTES = Integer.MAX_VALUE - 16;

    private InputFiles() {
    }

    /**
     * The bytes of {@code file}, at most {@code limitBytes} of them.
     *
     * @param expected what the file should be, for the message: {@code "a dmesg paste with BIOS-e820: lines"}
     * @throws InputFileException when the file cannot be read or holds more than {@code limitBytes}
     * @throws IllegalArgumentException when {@code limitBytes} is negative or past {@link #MAX_LIMIT_BYTES}
     */
    public static byte[] readBytes(Path file, long limitBytes, String expected) {
        if (limitBytes < 0 || limitBytes > MAX_LIMIT_BYTES) {
            throw new IllegalArgumentException("readBytes: limit " + limitBytes + " bytes is outside [0, "
                    + MAX_LIMIT_BYTES + "]");
        }
        String name = file.toString();
        if (Files.isRegularFile(file)) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException | SecurityException e) {
                throw new InputFileException(name, "cannot be read (" + reason(e) + ")");
            }
            if (size > limitBytes) {
                throw tooLarge(name, limitBytes, expected, size);
            }
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) limitBytes + 1);
        } catch (IOException | SecurityException e) {
            throw new InputFileException(name, "cannot be read (" + reason(e) + ")");
        }
        if (bytes.length > limitBytes) {
            throw tooLarge(name, limitBytes, expected, -1);
        }
        return bytes;
    }

    /** {@link #readBytes}, each byte one character (ISO-8859-1): for formats that are ASCII, read leniently. */
    public static String readLatin1(Path file, long limitBytes, String expected) {
        return new String(readBytes(file, limitBytes, expected), StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #readBytes}, decoded as strict UTF-8 (see {@link #decodeUtf8}).
     *
     * @throws InputFileException also when the bytes are not UTF-8, naming the line and column
     */
    public static String readUtf8(Path file, long limitBytes, String expected) {
        return decodeUtf8(file.toString(), readBytes(file, limitBytes, expected), expected);
    }

    /**
     * {@code bytes} as UTF-8 text. A byte sequence that is not UTF-8 (a Latin-1 {@code é}, a cut
     * sequence, an overlong form, a surrogate) is an error at its line and column, the column
     * counted in characters as an editor counts them.
     *
     * @param source   the file's name, for the message
     * @param expected what the file should be, for the message
     * @throws InputFileException "not UTF-8" with the line, column and the offending byte
     */
    public static String decodeUtf8(String source, byte[] bytes, String expected) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = 1;
            for (int i = lineStart; i < at; i++) {
                if ((bytes[i] & 0xC0) != 0x80) {
                    column++;
                }
            }
            throw new InputFileException(source, line, column, String.format(Locale.ROOT,
                    "not UTF-8: byte 0x%02X at offset 0x%X is not part of a UTF-8 character (expected %s in UTF-8;"
                            + " a file saved as Latin-1 or Windows-1252 must be converted)",
                    bytes[at] & 0xFF, at, expected));
        }
        out.flip();
        return out.toString();
    }

    /**
     * Throws unless {@code file} is a regular file (not a device, a pipe or a directory), for
     * inputs whose size must be known before they are read.
     */
    public static void requireRegularFile(Path file, String expected) {
        if (!Files.exists(file)) {
            throw new InputFileException(file.toString(), "cannot be read (no such file)");
        }
        if (!Files.isRegularFile(file)) {
            throw new InputFileException(file.toString(), "is not a regular file (" + (Files.isDirectory(file)
                    ? "a directory" : "a device, a pipe or a socket") + "); expected " + expected);
        }
    }

    /**
     * Why an I/O operation failed, in a few words: {@code "permission denied"},
     * {@code "not a directory"}, {@code "no such file"}, else the system's own reason.
     */
    public static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return lowerFirst(f.getReason());
        }
        if (e instanceof SecurityException) {
            return "not allowed: " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : lowerFirst(e.getMessage());
    }

    /** {@code "Is a directory"} as {@code "is a directory"}, the way the rest of a message reads. */
    private static String lowerFirst(String text) {
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    /** {@code 16 MiB}, {@code 127.5 MiB}, {@code 4 KiB}, {@code 100 bytes}: a byte count for messages. */
    public static String sizeText(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (30 - 10 * i);
            if (bytes >= unit) {
                String number = bytes % unit == 0 ? Long.toString(bytes / unit)
                        : String.format(Locale.ROOT, "%.2f", bytes / (double) unit).replaceAll("\\.?0+$", "");
                return number + " " + units[i];
            }
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }

    private static InputFileException tooLarge(String name, long limitBytes, String expected, long foundBytes) {
        return new InputFileException(name, String.format(Locale.ROOT, "expected %s (at most %s, %,d bytes), found %s",
                expected, sizeText(limitBytes), limitBytes, foundBytes < 0 ? "more"
                        : String.format(Locale.ROOT, "%s (%,d bytes)", sizeText(foundBytes), foundBytes)));
    }
}
