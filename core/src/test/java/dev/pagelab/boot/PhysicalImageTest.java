package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhysicalImageTest {
    @TempDir
    Path dir;

    @Test
    void read_pmemsaveImageWithMbi_readsTheStructureAsAKernelWould() throws IOException {
        // What "pmemsave 0 0xA000 ram.bin" would write for a machine whose loader left the MBI at 0x9500.
        PhysicalMemory original = PhysicalMemory.ofSize(0xA000);
        Mbi1Fixture.writeQemuPc128M(original);
        Path image = dir.resolve("ram.bin");
        Files.write(image, original.readBytes(0, 0xA000));

        PhysicalMemory memory = PhysicalImage.read(image);
        Multiboot1Info mbi = Multiboot1Info.read(memory, Mbi1Fixture.MBI);

        assertThat(memory.sizeBytes()).isEqualTo(0xA000);
        assertThat(mbi).isEqualTo(Multiboot1Info.read(original, Mbi1Fixture.MBI));
        assertThat(MemoryMap.of(mbi.regions()).usableFrames()).isEqualTo(32_639);
    }

    @Test
    void read_mostlyZeroImage_touchesOnlyNonZeroPages() throws IOException {
        byte[] bytes = new byte[1 << 20];
        bytes[0x1234] = 1;
        bytes[0xF_FFFF] = 2;
        Path image = dir.resolve("sparse.bin");
        Files.write(image, bytes);

        PhysicalMemory memory = PhysicalImage.read(image);

        assertThat(memory.touchedPages()).isEqualTo(2);
        assertThat(memory.read8(0x1234)).isEqualTo(1);
        assertThat(memory.read8(0xF_FFFF)).isEqualTo(2);
    }

    @Test
    void read_sizeNotAMultipleOf4KiB_roundsUpWithZeros() throws IOException {
        byte[] bytes = new byte[5000];
        bytes[4999] = (byte) 0xAB;
        Path image = dir.resolve("odd.bin");
        Files.write(image, bytes);

        PhysicalMemory memory = PhysicalImage.read(image);

        assertThat(memory.sizeBytes()).isEqualTo(8192);
        assertThat(memory.read8(4999)).isEqualTo(0xAB);
        assertThat(memory.read8(5000)).isZero();
    }

    @Test
    void read_emptyFile_isRejected() throws IOException {
        Path image = Files.createFile(dir.resolve("empty.bin"));

        assertThatThrownBy(() -> PhysicalImage.read(image))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("empty.bin: is empty");
    }

    @Test
    void read_missingFile_isRejected() {
        assertThatThrownBy(() -> PhysicalImage.read(dir.resolve("absent.bin")))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("absent.bin: cannot be read");
    }

    @Test
    void read_moreThan4GiB_isRejectedBeforeReading() throws IOException {
        Path image = dir.resolve("huge.bin");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength((1L << 32) + 1); // sparse: costs no disk
        }

        assertThatThrownBy(() -> PhysicalImage.read(image))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageEndingWith("huge.bin: 4294967297 bytes is more than the 4 GiB (4294967296 bytes) a 32-bit machine"
                        + " addresses without PAE");
    }
}
