package dev.pagelab.boot;

import static dev.pagelab.boot.Mbi1Fixture.MBI;
import static dev.pagelab.boot.Mbi1Fixture.MMAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pagelab.hw.PhysicalMemory;
import org.junit.jupiter.api.Test;

class Multiboot1InfoTest {
    @Test
    void read_qemuLikeMbi_decodesEveryPresentField() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();

        Multiboot1Info mbi = Multiboot1Info.read(memory, MBI);

        assertThat(mbi.mbiPaddr()).isEqualTo(MBI);
        assertThat(mbi.flags()).isEqualTo(0x24F);
        assertThat(mbi.memLowerKiB()).isEqualTo(639);
        assertThat(mbi.memUpperKiB()).isEqualTo(129_920);
        assertThat(mbi.cmdline()).contains("kernel.elf console=serial");
        assertThat(mbi.bootLoaderName()).contains("qemu");
        assertThat(mbi.modules()).containsExactly(new BootModule(0x20_0000, 0x20_1234, "initrd.img"));
        assertThat(mbi.mmapPaddr()).isEqualTo(MMAP);
        assertThat(mbi.mmapBytes()).isEqualTo(6 * 24);
        assertThat(mbi.regions()).isEqualTo(Mbi1Fixture.regions(Mbi1Fixture.QEMU_PC_128M));
        assertThat(mbi.warnings()).isEmpty();
        assertThat(mbi.hasMmap()).isTrue();
        assertThat(mbi.hasMemoryInfo()).isTrue();
    }

    @Test
    void read_qemuLikeMbi_sanitisesToTheQemuPc128MProfile() {
        MachineProfile machine = MachineProfiles.byName("qemu-pc-128M");
        PhysicalMemory memory = machine.physicalMemory();
        Mbi1Fixture.writeQemuPc128M(memory);

        MemoryMap map = MemoryMap.of(Multiboot1Info.read(memory, MBI).regions());

        assertThat(map).isEqualTo(machine.map());
        assertThat(map.usableFrames()).isEqualTo(32_639);
    }

    @Test
    void read_entriesWithLargerSize_stepsBySizePlusFour() {
        // Two entries whose size is 28: 8 bytes of padding follow each type field.
        PhysicalMemory memory = PhysicalMemory.ofSize(0x1_0000);
        memory.write32(0x2000, 28);
        memory.write64(0x2004, 0);
        memory.write64(0x200C, 0x9_F000);
        memory.write32(0x2014, 1);
        memory.write64(0x2018, 0xFFFF_FFFF_FFFF_FFFFL); // padding the reader must skip
        memory.write32(0x2020, 28);
        memory.write64(0x2024, 0x10_0000);
        memory.write64(0x202C, 0x10_0000);
        memory.write32(0x2034, 1);
        memory.write32(0x1000, Multiboot1Info.FLAG_MMAP);
        memory.write32(0x1000 + 44, 64);
        memory.write32(0x1000 + 48, 0x2000);

        Multiboot1Info mbi = Multiboot1Info.read(memory, 0x1000);

        assertThat(mbi.regions()).containsExactly(new MemoryRegion(0, 0x9_F000, RegionType.USABLE),
                new MemoryRegion(0x10_0000, 0x10_0000, RegionType.USABLE));
        assertThat(mbi.memLowerKiB()).isEqualTo(Multiboot1Info.ABSENT);
        assertThat(mbi.cmdline()).isEmpty();
        assertThat(mbi.modules()).isEmpty();
    }

    @Test
    void read_entrySizeBelow20_namesEntryAddressAndOffset() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MMAP + 24, 12); // the second entry's size

        MemoryMapException e = catchThrowableOfType(MemoryMapException.class, () -> Multiboot1Info.read(memory, MBI));

        assertThat(e).hasMessage("MBI at 0x00009500, mmap entry at 0x00009018 (offset 0x18 of mmap): size 12 is below 20"
                + " (base_addr u64, length u64, type u32)");
        assertThat(e.source()).isEqualTo("MBI at 0x00009500");
        assertThat(e.location()).isEqualTo("mmap entry at 0x00009018 (offset 0x18 of mmap)");
    }

    @Test
    void read_entryRunningPastMmapLength_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI + 44, 6 * 24 - 1); // mmap_length cuts the last entry short

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009500, mmap entry at 0x00009078 (offset 0x78 of mmap): size 20 runs past"
                        + " mmap_length: the entry would end at 0x00009090, the mmap ends at 0x0000908F");
    }

    @Test
    void read_tooFewBytesForASizeField_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI + 44, 6 * 24 + 2);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageContaining("mmap entry at 0x00009090 (offset 0x90 of mmap): 2 bytes are left before mmap_length");
    }

    @Test
    void read_mbiAtTheEndOfMemory_reportsTheTruncatedField() {
        PhysicalMemory memory = PhysicalMemory.ofSize(0xA000);
        memory.write32(0x9FF0, Multiboot1Info.FLAG_MMAP);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, 0x9FF0))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009FF0, field mmap_length at 0x0000A01C (offset 44): lies outside physical memory"
                        + " [0x00000000, 0x0000A000) (the structure is truncated or the pointer is wrong)");
    }

    @Test
    void read_mmapPastTheEndOfMemory_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI + 48, 0xFFFF0);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageContaining("runs past the end of physical memory at 0x00100000");
    }

    @Test
    void read_entryWrappingPast2To64_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write64(MMAP + 4, 0xFFFF_FFFF_FFFF_F000L);
        memory.write64(MMAP + 12, 0x1000);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009500, mmap entry at 0x00009000 (offset 0x0 of mmap): base_addr 0xfffffffffffff000"
                        + " + length 0x1000 runs past 0xffffffffffffffff (expected a region inside the 64-bit address space)");
    }

    @Test
    void read_cmdlineWithoutNul_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.fill(0x2_0000, 5000, 'x');
        memory.write32(MBI + 16, 0x2_0000);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009500, cmdline at 0x00020000: no NUL terminator within 4096 bytes (expected a"
                        + " NUL-terminated string)");
    }

    @Test
    void read_moduleStringPointerZero_givesAnEmptyString() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(Mbi1Fixture.MODS + 8, 0);

        assertThat(Multiboot1Info.read(memory, MBI).modules().get(0).string()).isEmpty();
    }

    @Test
    void read_moduleEndBelowStart_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(Mbi1Fixture.MODS + 4, 0x1F_0000);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009500, module #0 at 0x00009700 (mods_addr + 0): mod_end 0x001F0000 is below"
                        + " mod_start 0x00200000 (expected mod_start <= mod_end)");
    }

    @Test
    void read_absurdModsCount_isRejected() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI + 20, -1);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageContaining("mods_count 4294967295 is more than 1024");
    }

    @Test
    void read_noBit6ButBit0_fallsBackToMemLowerAndMemUpperWithAWarning() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI, Multiboot1Info.FLAG_MEMORY);

        Multiboot1Info mbi = Multiboot1Info.read(memory, MBI);

        assertThat(mbi.hasMmap()).isFalse();
        assertThat(mbi.regions()).containsExactly(new MemoryRegion(0, 639 * 1024, RegionType.USABLE),
                new MemoryRegion(0x10_0000, 129_920L * 1024, RegionType.USABLE));
        assertThat(mbi.warnings()).containsExactly("flags 0x00000001 has bit 6 clear: no memory map; falling back to"
                + " mem_lower = 639 KiB and mem_upper = 129920 KiB, usable [0x00000000, 0x0009FC00) and [0x00100000,"
                + " 0x07FE0000) (holes above 1 MiB are unknown)");
        assertThat(MemoryMap.of(mbi.regions()).usableFrames()).isEqualTo(32_639);
        assertThatThrownBy(mbi::requireMmap).isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009500, flags: flags 0x00000001 has bit 6 clear: no memory map (mmap_length,"
                        + " mmap_addr); refusing to guess from mem_lower/mem_upper");
    }

    @Test
    void read_neitherBit6NorBit0_stopsWithAClearMessage() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI, Multiboot1Info.FLAG_CMDLINE);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, MBI))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("MBI at 0x00009500, field flags at 0x00009500 (offset 0): flags 0x00000004 has neither bit 6"
                        + " (mmap_length, mmap_addr) nor bit 0 (mem_lower, mem_upper): there is no memory information");
    }

    @Test
    void read_reservedFlagBits_warns() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI, Mbi1Fixture.QEMU_FLAGS | 0x8000_0000);

        assertThat(Multiboot1Info.read(memory, MBI).warnings())
                .containsExactly("flags 0x8000024F sets reserved bits 0x80000000 (bits 13-31 are undefined in Multiboot 0.6.96)");
    }

    @Test
    void read_mmapInAHole_readsTheBusAsAKernelWouldAndRejectsIt() {
        PhysicalMemory memory = PhysicalMemory.builder(0x1_0000).hole(0x5000, 0x1000).build();
        memory.write32(0x1000, Multiboot1Info.FLAG_MMAP);
        memory.write32(0x1000 + 44, 24);
        memory.write32(0x1000 + 48, 0x5000);

        assertThatThrownBy(() -> Multiboot1Info.read(memory, 0x1000))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageContaining("size 4294967295 runs past mmap_length");
    }

    @Test
    void read_emptyMmap_warns() {
        PhysicalMemory memory = Mbi1Fixture.qemuPc128M();
        memory.write32(MBI + 44, 0);

        Multiboot1Info mbi = Multiboot1Info.read(memory, MBI);

        assertThat(mbi.regions()).isEmpty();
        assertThat(mbi.warnings()).containsExactly("mmap_length is 0: the memory map has no entries");
    }

    @Test
    void read_addressBeyond32Bits_isRejected() {
        assertThatThrownBy(() -> Multiboot1Info.read(PhysicalMemory.ofSize(0x1000), 1L << 32))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("does not fit in EBX");
    }

    @Test
    void checkMagic_bootloaderMagic_passes() {
        assertThatCode(() -> Multiboot1Info.checkMagic(0x2BADB002)).doesNotThrowAnyException();
    }

    @Test
    void checkMagic_headerMagic_explainsTheMixUp() {
        assertThatThrownBy(() -> Multiboot1Info.checkMagic(0x1BADB002))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("EAX at kernel entry: 0x1BADB002 is not the Multiboot 1 bootloader magic 0x2BADB002 (0x1BADB002"
                        + " is the magic of the Multiboot header inside the kernel image; the loader passes 0x2BADB002)");
    }

    @Test
    void checkMagic_multiboot2Magic_saysSo() {
        assertThatThrownBy(() -> Multiboot1Info.checkMagic(0x36D76289))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("the kernel was loaded as Multiboot 2");
    }

    @Test
    void checkMagic_anythingElse_namesTheValue() {
        assertThatThrownBy(() -> Multiboot1Info.checkMagic(0))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageStartingWith("EAX at kernel entry: 0x00000000 is not the Multiboot 1 bootloader magic 0x2BADB002");
    }
}
