package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
    private static final Path DEV_ZERO = Path.of("/dev/zero");

    @TempDir
    Path dir;

    private Path sparse(String name, long bytes) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes); // sparse: costs no disk
        }
        return file;
    }

    @Test
    void readBytes_withinTheLimit_returnsTheWholeFile() throws IOException {
        Path file = Files.write(dir.resolve("small.bin"), new byte[] {1, 2, 3});

        assertThat(InputFiles.readBytes(file, 3, "three bytes")).containsExactly(1, 2, 3);
    }

    @Test
    void readBytes_regularFilePastTheLimit_isRefusedWithItsSizeBeforeReading() throws IOException {
        Path file = sparse("kernel.elf", 3L << 30);

        InputFileException e = catchThrowableOfType(InputFileException.class,
                () -> InputFiles.readBytes(file, 128L << 20, "an ELF32 kernel"));

        assertThat(e).hasMessage(file + ": expected an ELF32 kernel (at most 128 MiB, 134,217,728 bytes), found 3 GiB"
                + " (3,221,225,472 bytes)");
        assertThat(e.source()).isEqualTo(file.toString());
    }

    @Test
    void readBytes_endlessDevice_isRefusedOneBytePastTheLimit() {
        assumeTrue(Files.isReadable(DEV_ZERO), "needs /dev/zero");

        assertThatThrownBy(() -> InputFiles.readBytes(DEV_ZERO, 4096, "a sysfs attribute"))
                .isInstanceOf(InputFileException.class)
                .hasMessage("/dev/zero: expected a sysfs attribute (at most 4 KiB, 4,096 bytes), found more");
    }

    @Test
    void readBytes_linkToAnEndlessDevice_isRefusedToo() throws IOException {
        assumeTrue(Files.isReadable(DEV_ZERO), "needs /dev/zero");
        Path link = Files.createSymbolicLink(dir.resolve("start"), DEV_ZERO);

        assertThatThrownBy(() -> InputFiles.readBytes(link, 100, "one line"))
                .isInstanceOf(InputFileException.class).hasMessageContaining("start: expected one line (at most 100 bytes");
    }

    @Test
    void readBytes_missingFileOrDirectory_saysWhyInAFewWords() {
        assertThatThrownBy(() -> InputFiles.readBytes(dir.resolve("absent"), 10, "x"))
                .isInstanceOf(InputFileException.class).hasMessageEndingWith("absent: cannot be read (no such file)");
        assertThatThrownBy(() -> InputFiles.readBytes(dir, 10, "x"))
                .isInstanceOf(InputFileException.class).hasMessageContaining("cannot be read (is a directory)");
    }

    @Test
    void readBytes_limitPastOneArray_isAnError() {
        assertThatThrownBy(() -> InputFiles.readBytes(dir, InputFiles.MAX_LIMIT_BYTES + 1, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readUtf8_latin1Byte_isNotUtf8AtItsLineAndColumn() throws IOException {
        Path file = Files.write(dir.resolve("s.yaml"), "title: ok\nnote: caf\u00e9 au lait\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        InputFileException e = catchThrowableOfType(InputFileException.class,
                () -> InputFiles.readUtf8(file, 1000, "a scenario"));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(10);
        assertThat(e).hasMessageStartingWith(file + ":2:10: not UTF-8: byte 0xE9 at offset 0x13");
    }

    @Test
    void decodeUtf8_columnsCountCharactersNotBytes() {
        byte[] bytes = "\u00e9\u00e9x\n\u20ac \u00ff".getBytes(StandardCharsets.UTF_8);
        byte[] broken = java.util.Arrays.copyOf(bytes, bytes.length - 1); // cuts the last character in two

        InputFileException e = catchThrowableOfType(InputFileException.class,
                () -> InputFiles.decodeUtf8("t.txt", broken, "text"));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).as("after a 3-byte euro sign and a space").isEqualTo(3);
        assertThat(InputFiles.decodeUtf8("t.txt", bytes, "text")).isEqualTo("\u00e9\u00e9x\n\u20ac \u00ff");
    }

    @Test
    void requireRegularFile_deviceOrDirectory_isRefused() {
        assumeTrue(Files.exists(DEV_ZERO), "needs /dev/zero");

        assertThatThrownBy(() -> InputFiles.requireRegularFile(DEV_ZERO, "an image"))
                .hasMessage("/dev/zero: is not a regular file (a device, a pipe or a socket); expected an image");
        assertThatThrownBy(() -> InputFiles.requireRegularFile(dir, "an image")).hasMessageContaining("(a directory)");
    }

    @Test
    void reason_commonFailures_inAFewWords() {
        assertThat(InputFiles.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(InputFiles.reason(new NoSuchFileException("/x"))).isEqualTo("no such file");
        assertThat(InputFiles.reason(new FileSystemException("/x", null, "Not a directory"))).isEqualTo("not a directory");
        assertThat(InputFiles.reason(new IOException("No space left on device"))).isEqualTo("no space left on device");
    }

    @Test
    void sizeText_exactAndFractionalUnits() {
        assertThat(InputFiles.sizeText(16L << 20)).isEqualTo("16 MiB");
        assertThat(InputFiles.sizeText(133_689_344)).isEqualTo("127.5 MiB");
        assertThat(InputFiles.sizeText(4096)).isEqualTo("4 KiB");
        assertThat(InputFiles.sizeText(3L << 30)).isEqualTo("3 GiB");
        assertThat(InputFiles.sizeText(100)).isEqualTo("100 bytes");
        assertThat(InputFiles.sizeText(1)).isEqualTo("1 byte");
    }
}
