package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boot --dump-memory DIR}: a new or empty directory, --force to replace, nothing left on failure. */
class DumpMemoryTest {
    @TempDir
    Path dir;

    private static CliRun dump(String target, String... more) {
        String[] args = Stream.concat(Stream.of("boot", "--machine", "qemu-pc-16M", "--dump-memory", target),
                Stream.of(more)).toArray(String[]::new);
        return CliRun.of(args);
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void dump_newDirectory_writesFramesAndRegisters() throws IOException {
        Path target = dir.resolve("tables");

        CliRun run = dump(target.toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(names(target)).containsExactly("frames", "registers.json");
        assertThat(run.out()).contains("Wrote 3 page-table frames and registers.json to " + target);
    }

    @Test
    void dump_nonEmptyDirectory_isRefusedBeforeTheBootAndLeftAlone() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");

        CliRun run = dump(dir.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("pagelab boot: --dump-memory: " + dir + " is not empty (it holds notes.txt):"
                + " give a new or empty directory, or --force to replace its frames/ and registers.json"
                + System.lineSeparator());
        assertThat(run.out()).as("nothing was booted").isEmpty();
        assertThat(names(dir)).containsExactly("notes.txt");
    }

    @Test
    void dump_force_removesTheOldFramesAndKeepsOtherFiles() throws IOException {
        Files.createDirectories(dir.resolve("frames"));
        Files.write(dir.resolve("frames").resolve("DEAD0000.bin"), new byte[4096]);
        Files.writeString(dir.resolve("registers.json"), "{}");
        Files.writeString(dir.resolve("notes.txt"), "mine");

        CliRun run = dump(dir.toString(), "--force");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(names(dir)).containsExactly("frames", "notes.txt", "registers.json");
        assertThat(names(dir.resolve("frames"))).hasSize(3).doesNotContain("DEAD0000.bin");
        assertThat(dir.resolve("registers.json")).content().contains("\"cr3\"");
    }

    @Test
    void dump_emptyPath_isRefused() {
        CliRun run = dump("");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--dump-memory: an empty path is not a directory");
        assertThat(Path.of("frames")).as("nothing written in the working directory").doesNotExist();
    }

    @Test
    void dump_belowARegularFile_saysNotADirectoryAndLeavesNothing() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        CliRun run = dump(file.resolve("sub").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--dump-memory " + file.resolve("sub") + ": cannot write",
                "(not a directory); nothing was left behind");
        assertThat(names(dir)).containsExactly("file");
    }

    @Test
    void force_withoutDumpMemory_isAnError() {
        CliRun run = CliRun.of("boot", "--force");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--force goes with --dump-memory DIR");
    }
}
