package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryDumpTest {
    @TempDir
    Path dir;

    @Test
    void writeThenRead_bootedKernel_givesBackRegistersAndEveryTableFrame() {
        Kernel kernel = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT);
        MemoryDump dump = MemoryDump.of(kernel.mmu());

        dump.write(dir);
        MemoryDump back = MemoryDump.read(dir);

        assertThat(back.cr0()).isEqualTo(kernel.mmu().cr0()).isEqualTo(0x8001_0001L);
        assertThat(back.cr3()).isEqualTo(kernel.mmu().cr3());
        assertThat(back.cr4()).isZero();
        assertThat(back.frames().keySet()).containsExactlyElementsOf(
                PageTableDump.tableFrames(kernel.memory(), kernel.mmu().cr3(), false));
        back.frames().forEach((paddr, bytes) -> assertThat(bytes).isEqualTo(kernel.memory().readBytes(paddr, 4096)));
    }

    @Test
    void write_registers_areJsonWithDecimalNumbers() throws Exception {
        Kernel kernel = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT);

        MemoryDump.of(kernel.mmu()).write(dir);

        assertThat(Files.readString(dir.resolve("registers.json"))).isEqualToNormalizingNewlines(
                "{\n  \"cr0\" : 2147549185,\n  \"cr3\" : " + kernel.mmu().cr3() + ",\n  \"cr4\" : 0\n}\n");
        assertThat(dir.resolve("frames").resolve(String.format("%08X.bin", kernel.mmu().cr3()))).exists();
    }

    @Test
    void read_missingRegister_namesTheFileAndTheRegister() throws Exception {
        registers("{\"cr0\" : 1, \"cr3\" : 4096}");

        assertThatThrownBy(() -> MemoryDump.read(dir))
                .isInstanceOf(MemoryDump.BadDump.class)
                .hasMessage(dir.resolve("registers.json") + ": no \"cr4\" : number");
    }

    @Test
    void read_shortFrame_namesTheFile() throws Exception {
        registers("{\"cr0\" : 1, \"cr3\" : 4096, \"cr4\" : 0}");
        Files.write(dir.resolve("frames").resolve("00001000.bin"), new byte[100]);

        assertThatThrownBy(() -> MemoryDump.read(dir))
                .isInstanceOf(MemoryDump.BadDump.class)
                .hasMessageContaining("00001000.bin: expected 4096 bytes of a 4 KiB aligned frame, found 100 bytes");
    }

    @Test
    void read_noDirectoryFrame_saysWhichIsMissing() throws Exception {
        registers("{\"cr0\" : 1, \"cr3\" : 8192, \"cr4\" : 0}");
        Files.write(dir.resolve("frames").resolve("00001000.bin"), new byte[4096]);

        assertThatThrownBy(() -> MemoryDump.read(dir))
                .isInstanceOf(MemoryDump.BadDump.class)
                .hasMessageContaining("no frame file for the page directory at CR3 = 0x00002000");
    }

    @Test
    void write_nonEmptyDirectory_isRefusedAndLeftAsItWas() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        MemoryDump dump = MemoryDump.of(Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT).mmu());

        assertThatThrownBy(() -> dump.write(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir + " is not empty (it holds notes.txt): give a new or empty directory, or --force to"
                        + " replace its frames/ and registers.json");
        try (var children = Files.list(dir)) {
            assertThat(children.map(p -> p.getFileName().toString()).toList()).containsExactly("notes.txt");
        }
    }

    @Test
    void write_force_replacesTheOldDumpOnlyAndKeepsOtherFiles() throws Exception {
        registers("{\"cr0\" : 1, \"cr3\" : 4096, \"cr4\" : 0}");
        Files.write(dir.resolve("frames").resolve("DEAD0000.bin"), new byte[4096]);
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Kernel kernel = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT);

        MemoryDump.of(kernel.mmu()).write(dir, true);

        assertThat(dir.resolve("frames").resolve("DEAD0000.bin")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
        assertThat(MemoryDump.read(dir).cr3()).isEqualTo(kernel.mmu().cr3());
    }

    @Test
    void write_newNestedDirectory_isCreated() {
        Path target = dir.resolve("a").resolve("b");

        MemoryDump.of(Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT).mmu()).write(target);

        assertThat(target.resolve("registers.json")).exists();
    }

    @Test
    void write_failingHalfWay_leavesNothingBehindAndSaysWhy() {
        MemoryDump dump = MemoryDump.of(Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT).mmu());
        Path target = dir.resolve("new").resolve("dump");
        int[] writes = {0};

        assertThatThrownBy(() -> dump.write(target, false, (file, bytes) -> {
            if (++writes[0] == 3) {
                throw new java.nio.file.FileSystemException(file.toString(), null, "No space left on device");
            }
            Files.write(file, bytes);
        })).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContainingAll(target + ": cannot write " + target.resolve("frames"), "(no space left on device);"
                        + " nothing was left behind");
        assertThat(writes[0]).isEqualTo(3);
        assertThat(dir.resolve("new")).as("the directories it made are gone too").doesNotExist();
    }

    @Test
    void checkTarget_emptyPathOrAFile_isRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> MemoryDump.checkTarget(Path.of(""), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an empty path is not a directory");
        assertThatThrownBy(() -> MemoryDump.checkTarget(file, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + " exists and is not a directory");
    }

    @Test
    void read_frameFileLargerThanAFrame_isRefusedWithoutReadingItAll() throws Exception {
        registers("{\"cr0\" : 1, \"cr3\" : 4096, \"cr4\" : 0}");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(
                dir.resolve("frames").resolve("00001000.bin").toFile(), "rw")) {
            f.setLength(1L << 30);
        }

        assertThatThrownBy(() -> MemoryDump.read(dir)).isInstanceOf(MemoryDump.BadDump.class)
                .hasMessageContaining("00001000.bin: expected one 4 KiB frame (at most 4 KiB, 4,096 bytes), found 1 GiB");
    }

    /** A dump directory with {@code json} as its registers and no frames yet. */
    private void registers(String json) throws Exception {
        Files.createDirectories(dir.resolve("frames"));
        Files.writeString(dir.resolve("registers.json"), json);
    }
}
