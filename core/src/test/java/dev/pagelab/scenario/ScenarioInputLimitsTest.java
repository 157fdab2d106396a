package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario files built to hurt: endless, huge, nested deep, full of aliases, with raw control
 * characters or not UTF-8. Each is one {@link ScenarioException} with a line and column where
 * there is one, never a {@link StackOverflowError} or an {@link OutOfMemoryError}.
 */
class ScenarioInputLimitsTest {
    @TempDir
    Path dir;

    private ScenarioException problem(String name, byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve(name), bytes);
        return catchThrowableOfType(ScenarioException.class, () -> ScenarioReader.read(file));
    }

    private ScenarioException problem(String name, String text) throws IOException {
        return problem(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void read_nestedTenThousandDeep_isRefusedAtTheFirstLevelPastTheLimit() throws IOException {
        String deep = "steps:\n  - kmalloc: 8\n    note: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

        ScenarioException e = problem("deep.yaml", deep);

        assertThat(e).hasMessage(dir.resolve("deep.yaml") + ":3:" + (11 + ScenarioYaml.MAX_DEPTH - 3)
                + ": collections nested more than 50 deep (expected a scenario: a mapping of steps a few levels deep)");
    }

    @Test
    void read_depthAtTheLimit_isStillYaml() throws IOException {
        // The document, the steps list and the step's mapping are 3 levels: 47 more make 50.
        String atLimit = "steps:\n  - kmalloc: 8\n    note: " + "[".repeat(47) + "]".repeat(47) + "\n";

        ScenarioException e = problem("ok.yaml", atLimit);

        assertThat(e.getMessage()).as("read past the YAML").contains("note:").doesNotContain("nested");
    }

    @Test
    void read_billionLaughs_isRefusedAtTheAliasPastTheLimit() throws IOException {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        yaml.append("steps:\n  - check\n");

        ScenarioException e = problem("laughs.yaml", yaml.toString());

        assertThat(e.line()).isEqualTo(7);
        assertThat(e).hasMessageContaining("more than 50 aliases of lists or mappings");
    }

    @Test
    void read_rawControlCharacter_namesItsLineColumnAndCodePoint() throws IOException {
        ScenarioException e = problem("ctrl.yaml", "steps:\n  - kmalloc: 8\n    note: a\u0001b\n");

        assertThat(e).hasMessageStartingWith(dir.resolve("ctrl.yaml") + ":3:12: not valid YAML: character U+0001 is"
                + " not allowed");
    }

    @Test
    void read_latin1Text_isNotUtf8AtItsLineAndColumn() throws IOException {
        ScenarioException e = problem("latin.yaml", "title: caf\u00e9\nsteps: [check]\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(11);
        assertThat(e).hasMessageContaining("not UTF-8: byte 0xE9");
    }

    @Test
    void read_fileOfGigabytes_isRefusedBeforeReading() throws IOException {
        Path file = dir.resolve("huge.yaml");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3L << 30);
        }

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioReader.read(file));

        assertThat(e).hasMessage(file + ": expected a scenario (YAML) (at most 3 MiB, 3,145,728 bytes), found 3 GiB"
                + " (3,221,225,472 bytes)");
    }

    @Test
    void read_endlessDevice_isRefusedAtTheLimit() {
        assumeTrue(Files.isReadable(Path.of("/dev/urandom")), "needs /dev/urandom");

        ScenarioException e = catchThrowableOfType(ScenarioException.class,
                () -> ScenarioReader.read(Path.of("/dev/urandom")));

        assertThat(e).hasMessageContaining("/dev/urandom: expected a scenario (YAML) (at most 3 MiB");
    }

    @Test
    void read_e820FromAnEndlessDevice_isRefusedAtTheKeysLine() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/dev/zero")), "needs /dev/zero");

        ScenarioException e = problem("e820.yaml", "title: t\ne820: /dev/zero\nsteps: [check]\n");

        assertThat(e).hasMessage(dir.resolve("e820.yaml") + ":2:7: e820: /dev/zero: expected a dmesg paste with"
                + " BIOS-e820: lines (at most 16 MiB, 16,777,216 bytes), found more");
    }

    @Test
    void parseNumber_pastTheTopOf64BitsOrOverflowingSuffix_isTooLargeNotWrapped() {
        assertThat(ScenarioReader.parseNumber("0x8000000000000000")).isEqualTo(Long.MAX_VALUE);
        assertThat(ScenarioReader.parseNumber("0x8000000000001000")).isEqualTo(Long.MAX_VALUE);
        assertThat(ScenarioReader.parseNumber("17179869184G")).as("2^64, which shifting wraps to 0")
                .isEqualTo(Long.MAX_VALUE);
        assertThat(ScenarioReader.parseNumber("0xFFFFFFFF")).isEqualTo(0xFFFF_FFFFL);
        assertThat(ScenarioReader.parseNumber("4G")).isEqualTo(4L << 30);
        assertThat(ScenarioReaderTest.problem("steps:\n  - read: 0x8000000000001000\n", 2, 11))
                .hasMessageContaining("is past 0xFFFFFFFF");
    }
}
