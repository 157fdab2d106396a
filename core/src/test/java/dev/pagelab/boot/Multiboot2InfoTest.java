package dev.pagelab.boot;

import static dev.pagelab.boot.Mb2Fixture.MMAP_TAG_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Multiboot2InfoTest {
    @Test
    void grubLike_layout_isWhatTheSpecificationDraws() {
        byte[] bytes = Mb2Fixture.grubLike();

        assertThat(bytes).hasSize(Mb2Fixture.TOTAL);
        assertThat(Arrays.copyOfRange(bytes, 0, 16)).containsExactly(
                0x10, 0x01, 0, 0,   // total_size = 272
                0, 0, 0, 0,         // reserved
                1, 0, 0, 0,         // tag type 1: command line
                25, 0, 0, 0);       // size 8 + "kernel.elf quiet\0"
        assertThat(Arrays.copyOfRange(bytes, MMAP_TAG_OFFSET, MMAP_TAG_OFFSET + 16)).containsExactly(
                6, 0, 0, 0,         // tag type 6: memory map
                (byte) 160, 0, 0, 0, // size 16 + 6 x 24
                24, 0, 0, 0,        // entry_size
                0, 0, 0, 0);        // entry_version
    }

    @Test
    void read_grubLikeStructure_decodesEveryTag() {
        Multiboot2Info info = Multiboot2Info.read("mb2.bin", Mb2Fixture.grubLike());

        assertThat(info.totalSizeBytes()).isEqualTo(272);
        assertThat(info.cmdline()).contains("kernel.elf quiet");
        assertThat(info.bootLoaderName()).contains("GRUB 2.06");
        assertThat(info.memLowerKiB()).isEqualTo(639);
        assertThat(info.memUpperKiB()).isEqualTo(129_920);
        assertThat(info.modules()).containsExactly(new BootModule(0x20_0000, 0x20_1234, "initrd"));
        assertThat(info.entrySizeBytes()).isEqualTo(24);
        assertThat(info.entryVersion()).isZero();
        assertThat(info.hasMmap()).isTrue();
        assertThat(info.regions()).isEqualTo(Mbi1Fixture.regions(Mbi1Fixture.QEMU_PC_128M));
        assertThat(info.warnings()).isEmpty();
        assertThat(MemoryMap.of(info.regions())).isEqualTo(MachineProfiles.byName("qemu-pc-128M").map());
    }

    @Test
    void read_inPhysicalMemory_readsTheSameAndNamesAddresses() {
        PhysicalMemory memory = PhysicalMemory.ofSize(0x2_0000);
        memory.writeBytes(0x1_0000, Mb2Fixture.grubLike());

        Multiboot2Info info = Multiboot2Info.read(memory, 0x1_0000);

        assertThat(info).isEqualTo(Multiboot2Info.read("mb2.bin", Mb2Fixture.grubLike()));
        memory.write32(0x1_0000 + MMAP_TAG_OFFSET + 8, 16);
        assertThatThrownBy(() -> Multiboot2Info.read(memory, 0x1_0000))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("Multiboot 2 information at 0x00010000, tag type 6 at 0x00010068 (offset 0x68): entry_size 16"
                        + " is below 24 (base_addr u64, length u64, type u32, reserved u32)");
    }

    @Test
    void read_misalignedInMemory_warns() {
        PhysicalMemory memory = PhysicalMemory.ofSize(0x2_0000);
        memory.writeBytes(0x1_0004, Mb2Fixture.grubLike());

        assertThat(Multiboot2Info.read(memory, 0x1_0004).warnings())
                .containsExactly("the structure starts at 0x00010004, which is not 8-byte aligned as the specification requires");
    }

    @Test
    void read_tagOverrunningTotalSize_namesTagAndOffsets() {
        byte[] bytes = Mb2Fixture.grubLike();
        LeBytes.put32(bytes, MMAP_TAG_OFFSET + 4, 16 + 24 * 7);

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, tag type 6 at offset 0x68: size 184 overruns total_size: the tag would end at offset"
                        + " 0x120, the structure at 0x110");
    }

    @Test
    void read_totalSizeBeyondTheFile_saysItIsTruncated() {
        byte[] bytes = Arrays.copyOf(Mb2Fixture.grubLike(), 200);

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, offset 0x0: total_size 272 but only 200 bytes are there (the structure is truncated)");
    }

    @Test
    void read_fewerThanEightBytes_isRejected() {
        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", new byte[5]))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, offset 0x0: only 5 bytes (expected at least the 8-byte header: total_size u32,"
                        + " reserved u32)");
    }

    @Test
    void read_totalSizeBelow16OrHuge_isRejected() {
        byte[] small = new LeBytes().u32(8).u32(0).toArray();
        byte[] huge = new LeBytes().u32(0x7FFF_FFFF).u32(0).u32(0).u32(8).toArray();

        assertThatThrownBy(() -> Multiboot2Info.read("a.bin", small)).isInstanceOf(MemoryMapException.class)
                .hasMessage("a.bin, offset 0x0: total_size 8 is below 16 (the 8-byte header and the 8-byte end tag)");
        assertThatThrownBy(() -> Multiboot2Info.read("b.bin", huge)).isInstanceOf(MemoryMapException.class)
                .hasMessageContaining("total_size 2147483647 is more than 1048576 bytes");
    }

    @Test
    void read_noEndTag_isRejected() {
        byte[] bytes = Mb2Fixture.grubLike();
        LeBytes.put32(bytes, Mb2Fixture.END_TAG_OFFSET, 99); // the end tag becomes an unknown tag

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, offset 0x110: no end tag (type 0, size 8) before total_size 272");
    }

    @Test
    void read_tagSizeBelow8_isRejected() {
        byte[] bytes = Mb2Fixture.grubLike();
        LeBytes.put32(bytes, 8 + 4, 4);

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, tag type 1 at offset 0x8: size 4 is below 8 (type u32, size u32)");
    }

    @Test
    void read_entriesNotAWholeNumber_isRejected() {
        byte[] bytes = Mb2Fixture.grubLike();
        LeBytes.put32(bytes, MMAP_TAG_OFFSET + 4, 16 + 24 * 5 + 12);

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, tag type 6 at offset 0x68: the 132 bytes of entries are not a whole number of entries"
                        + " of entry_size 24 (size - 16 must be a multiple of entry_size)");
    }

    @Test
    void read_stringWithoutNul_isRejected() {
        byte[] bytes = Mb2Fixture.grubLike();
        LeBytes.put32(bytes, 8 + 4, 8 + 16); // the cmdline tag now ends before its NUL

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin, tag type 1 at offset 0x8: the string is not NUL-terminated within the tag (expected a"
                        + " NUL before offset 0x20)");
    }

    @Test
    void read_largerEntriesAndNewerVersion_readsVersion0FieldsWithAWarning() {
        LeBytes b = new LeBytes().u32(0).u32(0);
        Mb2Fixture.mmapTag(b, Mbi1Fixture.QEMU_PC_128M, 32, 1);
        byte[] bytes = b.u32(0).u32(8).toArray();
        LeBytes.put32(bytes, 0, bytes.length);

        Multiboot2Info info = Multiboot2Info.read("mb2.bin", bytes);

        assertThat(info.regions()).isEqualTo(Mbi1Fixture.regions(Mbi1Fixture.QEMU_PC_128M));
        assertThat(info.entrySizeBytes()).isEqualTo(32);
        assertThat(info.warnings()).containsExactly("entry_version 1 of the memory-map tag is not 0; reading the version 0"
                + " fields, which later versions keep");
        assertThat(info.cmdline()).isEmpty();
        assertThat(info.memLowerKiB()).isEqualTo(Multiboot2Info.ABSENT);
    }

    @Test
    void read_onlyBasicMeminfo_fallsBackWithAWarning() {
        byte[] bytes = new LeBytes().u32(32).u32(0).u32(4).u32(16).u32(639).u32(129_920).u32(0).u32(8).toArray();

        Multiboot2Info info = Multiboot2Info.read("mb2.bin", bytes);

        assertThat(info.hasMmap()).isFalse();
        assertThat(MemoryMap.of(info.regions()).usableFrames()).isEqualTo(32_639);
        assertThat(info.warnings()).singleElement().asString().startsWith("no memory-map tag (type 6): falling back to"
                + " mem_lower = 639 KiB and mem_upper = 129920 KiB");
    }

    @Test
    void read_noMemoryInformation_stops() {
        byte[] bytes = new LeBytes().u32(16).u32(0).u32(0).u32(8).toArray();

        assertThatThrownBy(() -> Multiboot2Info.read("mb2.bin", bytes))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("mb2.bin: no memory-map tag (type 6) and no basic memory information tag (type 4): there is no"
                        + " memory information");
    }

    @Test
    void read_secondMmapTag_isIgnoredWithAWarning() {
        LeBytes b = new LeBytes().u32(0).u32(0);
        Mb2Fixture.mmapTag(b, Mbi1Fixture.QEMU_PC_128M, 24, 0);
        Mb2Fixture.mmapTag(b, new long[][] {{0, 0x1000, 1}}, 24, 0);
        byte[] bytes = b.u32(0).u32(8).toArray();
        LeBytes.put32(bytes, 0, bytes.length);

        Multiboot2Info info = Multiboot2Info.read("mb2.bin", bytes);

        assertThat(info.regions()).hasSize(6);
        assertThat(info.warnings()).containsExactly("a second memory-map tag at offset 0xa8 is ignored; the first one counts");
    }

    @Test
    void read_file_namesItByItsFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mbi2.bin");
        byte[] bytes = Mb2Fixture.grubLike();
        LeBytes.put32(bytes, 8 + 4, 4);
        Files.write(file, bytes);

        assertThatThrownBy(() -> Multiboot2Info.read(file))
                .isInstanceOf(MemoryMapException.class).hasMessageStartingWith("mbi2.bin, tag type 1 at offset 0x8:");
        Files.write(file, Mb2Fixture.grubLike());
        assertThat(Multiboot2Info.read(file).regions()).hasSize(6);
        assertThatThrownBy(() -> Multiboot2Info.read(dir.resolve("absent.bin")))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void checkMagic_onlyTheMultiboot2Magic_passes() {
        assertThatCode(() -> Multiboot2Info.checkMagic(0x36D76289)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Multiboot2Info.checkMagic(0x2BADB002))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("EAX at kernel entry: 0x2BADB002 is not the Multiboot 2 bootloader magic 0x36D76289 (0x2BADB002"
                        + " is the Multiboot 1 magic: EBX points at a Multiboot 1 MBI, not at a tag list)");
    }
}
