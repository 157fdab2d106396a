package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.pagelab.testing.Seeded;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KernelImageTest {
    @Test
    void builtIn_defaultSize_isTheSeedsLayout() {
        KernelImage image = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);
        // Linked at 3 GiB + 1 MiB, loaded at 1 MiB: the seeds' linker script.
        assertThat(image.physicalStart()).isEqualTo(0x100000L);
        assertThat(image.physicalEnd()).isEqualTo(0x200000L);
        assertThat(image.virtualStart()).isEqualTo(0xC0100000L);
        assertThat(image.virtualEnd()).isEqualTo(0xC0200000L);
        assertThat(image.segments()).extracting(KernelImage.Segment::name)
                .containsExactly(".text", ".rodata", ".data", ".bss");
        assertThat(image.segments()).allSatisfy(s -> {
            assertThat(s.vaddr() - s.paddr()).isEqualTo(0xC0000000L);
            assertThat(s.paddr() % 4096).isZero();
        });
        KernelImage.Segment bss = image.segments().get(3);
        assertThat(bss.data()).isEmpty();
        assertThat(bss.memBytes()).isEqualTo(256 * 1024);
        assertThat(image.hasMultibootHeader()).isTrue();
    }

    @Test
    void builtIn_badSize_refused() {
        assertThatThrownBy(() -> KernelImage.builtIn(5000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5000");
    }

    @Test
    void toElf_thenReadElf_roundTrips() {
        KernelImage image = KernelImage.builtIn(64 * 1024);
        byte[] elf = image.toElf();
        KernelImage read = KernelImage.readElf("kernel.elf", elf);
        assertThat(read.entry()).isEqualTo(image.entry());
        assertThat(read.physicalStart()).isEqualTo(image.physicalStart());
        assertThat(read.physicalEnd()).isEqualTo(image.physicalEnd());
        assertThat(read.segments()).hasSameSizeAs(image.segments());
        for (int i = 0; i < read.segments().size(); i++) {
            KernelImage.Segment a = image.segments().get(i);
            KernelImage.Segment b = read.segments().get(i);
            assertThat(b.vaddr()).isEqualTo(a.vaddr());
            assertThat(b.paddr()).isEqualTo(a.paddr());
            assertThat(b.memBytes()).isEqualTo(a.memBytes());
            assertThat(b.flags()).isEqualTo(a.flags());
            assertThat(b.data()).isEqualTo(a.data());
        }
        // The Multiboot header: magic, flags, checksum summing to zero (Multiboot 0.6.96, 3.1.1).
        assertThat(read.multibootHeaderOffset()).isEqualTo(0x1000);
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x1000)).isEqualTo(0x1BADB002);
        assertThat(b.getInt(0x1000) + b.getInt(0x1004) + b.getInt(0x1008)).isZero();
    }

    @Test
    void readElf_headerFieldsAtSpecOffsets() {
        byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        // System V ABI, ELF32: e_type at 16, e_machine at 18, e_entry at 24, e_phoff at 28, e_phnum at 44.
        assertThat(b.getShort(16)).isEqualTo((short) 2);
        assertThat(b.getShort(18)).isEqualTo((short) 3);
        assertThat(Integer.toUnsignedLong(b.getInt(24))).isEqualTo(0xC0100000L);
        assertThat(b.getInt(28)).isEqualTo(52);
        assertThat(b.getShort(44)).isEqualTo((short) 4);
        // First program header: PT_LOAD, offset 0x1000, vaddr, paddr.
        assertThat(b.getInt(52)).isEqualTo(1);
        assertThat(b.getInt(56)).isEqualTo(0x1000);
        assertThat(Integer.toUnsignedLong(b.getInt(60))).isEqualTo(0xC0100000L);
        assertThat(b.getInt(64)).isEqualTo(0x100000);
    }

    @Test
    void readElf_notElf_namesFileAndBytes() {
        assertThatThrownBy(() -> KernelImage.readElf("notes.txt", "hello, this is not an ELF file at all, really!!!!!!".getBytes()))
                .isInstanceOf(BootException.class).hasMessageContaining("notes.txt").hasMessageContaining("not an ELF file")
                .hasMessageContaining("68 65 6C 6C");
    }

    @Test
    void readElf_truncated_saysHowShort() {
        byte[] stub = java.util.Arrays.copyOf(KernelImage.builtIn(16 * 1024).toElf(), 10);
        assertThatThrownBy(() -> KernelImage.readElf("k", stub)).isInstanceOf(BootException.class)
                .hasMessageContaining("10 bytes");
    }

    @Test
    void readElf_64bit_refused() {
        byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
        elf[4] = 2;
        assertThatThrownBy(() -> KernelImage.readElf("k64", elf)).isInstanceOf(BootException.class)
                .hasMessageContaining("offset 0x4").hasMessageContaining("32-bit");
    }

    @Test
    void readElf_wrongMachine_refused() {
        byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
        elf[0x12] = 0x3E; // EM_X86_64
        assertThatThrownBy(() -> KernelImage.readElf("k", elf)).isInstanceOf(BootException.class)
                .hasMessageContaining("e_machine 3").hasMessageContaining("found 62");
    }

    @Test
    void readElf_fileSizeAboveMemorySize_refused() {
        byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putInt(52 + 16, 0x100000);
        assertThatThrownBy(() -> KernelImage.readElf("k", elf)).isInstanceOf(BootException.class)
                .hasMessageContaining("program header 0").hasMessageContaining("p_filesz");
    }

    @Test
    void readElf_segmentPastEndOfFile_refused() {
        byte[] elf = Arrays.copyOf(KernelImage.builtIn(16 * 1024).toElf(), 0x1800);
        assertThatThrownBy(() -> KernelImage.readElf("k", elf)).isInstanceOf(BootException.class)
                .hasMessageContaining("past the end of the file");
    }

    @Test
    void readElf_overlappingSegments_refused() {
        byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
        // Second segment's paddr moved onto the first.
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putInt(52 + 32 + 12, 0x100800);
        assertThatThrownBy(() -> KernelImage.readElf("k", elf)).isInstanceOf(BootException.class)
                .hasMessageContaining("overlap");
    }

    @Test
    void readElf_noMultibootHeader_recorded() {
        byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
        elf[0x1000] = 0;
        assertThat(KernelImage.readElf("k", elf).hasMultibootHeader()).isFalse();
    }

    @Test
    void readElf_mutatedFile_onlyImageOrBootException() {
        // A reader that rejects every file would pass the rest: a share of the mutated files must be read.
        Seeded.cases("KernelImage.readElf_mutatedFile", 300).requireShare("read", 0.03).run(c -> {
            int position = c.edgy(0, 0x10FF);
            byte value = (byte) c.edgy(Byte.MIN_VALUE, Byte.MAX_VALUE);
            int cut = c.edgy(0, 0x1200);
            c.given("byte " + position + " = " + value + ", " + cut * 8 + " bytes cut");
            byte[] elf = KernelImage.builtIn(16 * 1024).toElf();
            elf[position] = value;
            byte[] truncated = Arrays.copyOf(elf, Math.max(0, elf.length - cut * 8));
            try {
                KernelImage image = KernelImage.readElf("fuzz", truncated);
                assertThat(image.segments()).isNotEmpty();
                c.cover("read", true);
            } catch (BootException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz");
                c.cover("read", false);
            }
        });
    }
}
