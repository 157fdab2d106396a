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

    /** A dump directory with {@code json} as its registers and no frames yet. */
    private void registers(String json) throws Exception {
        Files.createDirectories(dir.resolve("frames"));
        Files.writeString(dir.resolve("registers.json"), json);
    }
}
