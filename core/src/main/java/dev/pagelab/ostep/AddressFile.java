package dev.pagelab.ostep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * paging-policy.py's {@code -f FILE}: {@code open(FILE)} in text mode (UTF-8, universal newlines:
 * {@code \n}, {@code \r\n} and {@code \r} each end a line, read as {@code \n}) and {@code int()}
 * of every line, all before anything else is printed. The failures are the script's: a missing
 * file, a directory, a file that cannot be read, bytes that are not UTF-8, a line that is not a
 * number (its text, newline included, quoted in the message).
 *
 * <p>Python decodes the file 8 KiB at a time and converts the lines of a piece before it decodes
 * the next, so a bad line in an earlier piece fails before bad bytes in a later one; that order
 * is kept. Memory: the file's bytes while it is read, and 8 bytes a line.
 */
final class AddressFile {
    private static final int PIECE = 8192;

    private AddressFile() {
    }

    /** The page numbers of the file's lines. */
    static long[] read(OstepEnvironment environment, String name) {
        if (name.indexOf('\0') >= 0) {
            throw PythonError.valueError("embedded null byte");
        }
        Path path;
        try {
            path = environment.workingDirectory().resolve(name);
        } catch (InvalidPathException e) {
            throw new PythonError("FileNotFoundError", "[Errno 2] No such file or directory: " + Py.repr(name));
        }
        byte[] bytes;
        if (Files.isDirectory(path)) {
            throw new PythonError("IsADirectoryError", "[Errno 21] Is a directory: " + Py.repr(name));
        }
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new PythonError("FileNotFoundError", "[Errno 2] No such file or directory: " + Py.repr(name));
        } catch (AccessDeniedException e) {
            throw new PythonError("PermissionError", "[Errno 13] Permission denied: " + Py.repr(name));
        } catch (IOException e) {
            throw new PythonError("OSError", "[Errno 5] Input/output error: " + Py.repr(name));
        }
        int bad = firstMalformed(bytes);
        // Lines whose end lies before the piece holding the bad bytes are converted first.
        int decodable = bad < 0 ? bytes.length : (bad / PIECE) * PIECE;
        String text = new String(bytes, 0, decodable, StandardCharsets.UTF_8);
        long[] pages = new long[16];
        int count = 0;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (end == n && bad >= 0) {
                break;
            }
            String line = text.substring(start, end) + (end < n ? "\n" : "");
            if (end < n && text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n') {
                end++;
            } else if (end < n && text.charAt(end) == '\r' && end + 1 == n && bad >= 0) {
                // A \r at a piece's end may be the first half of \r\n: Python reads on first.
                break;
            }
            if (count == pages.length) {
                pages = Arrays.copyOf(pages, count * 2);
            }
            pages[count++] = Simulator.toLong(Py.parseInt(line), "page");
            start = end + 1;
        }
        if (bad >= 0) {
            throw decodeError(bytes, bad);
        }
        return Arrays.copyOf(pages, count);
    }

    /** The offset of the first byte that does not decode as UTF-8, or -1. */
    private static int firstMalformed(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        return decoder.flush(out).isError() ? in.position() : -1;
    }

    private static PythonError decodeError(byte[] bytes, int at) {
        int b = bytes[at] & 0xFF;
        int expected = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
        String reason;
        if (expected == 0 || b > 0xF4) {
            reason = "invalid start byte";
        } else if (at + expected > bytes.length && continuationRun(bytes, at, bytes.length - at)) {
            reason = "unexpected end of data";
        } else {
            reason = "invalid continuation byte";
        }
        return new PythonError("UnicodeDecodeError", "'utf-8' codec can't decode byte 0x" + String.format("%02x", b)
                + " in position " + (at % PIECE) + ": " + reason);
    }

    private static boolean continuationRun(byte[] bytes, int at, int length) {
        for (int i = at + 1; i < at + length && i < bytes.length; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return false;
            }
        }
        return true;
    }
}
