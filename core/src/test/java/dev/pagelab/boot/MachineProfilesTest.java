package dev.pagelab.boot;

import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MachineProfilesTest {
    private static final long GIB = 1L << 30;

    @Test
    void names_areTheSevenBuiltInMachines() {
        assertThat(MachineProfiles.names()).containsExactly("qemu-pc-16M", "qemu-pc-128M", "qemu-pc-1G", "qemu-pc-3G",
                "qemu-pc-4G", "qemu-q35-128M", "qemu-q35-3G");
    }

    @Test
    void byName_unknownName_listsTheKnownOnes() {
        assertThatThrownBy(() -> MachineProfiles.byName("qemu-pc-2G"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown machine 'qemu-pc-2G' (known machines: qemu-pc-16M, qemu-pc-128M, qemu-pc-1G, qemu-pc-3G,"
                        + " qemu-pc-4G, qemu-q35-128M, qemu-q35-3G)");
    }

    @Test
    void byName_anyCase_findsTheMachine() {
        assertThat(MachineProfiles.byName("QEMU-PC-128m").name()).isEqualTo("qemu-pc-128M");
    }

    /**
     * Whole usable frames: 159 below the EBDA ([0, 0x9FC00) holds frames 0x00-0x9E) plus those from
     * 1 MiB to the 128 KiB SeaBIOS keeps at the top of low RAM.
     */
    @ParameterizedTest
    @CsvSource({
        "qemu-pc-16M,    3967,   0",
        "qemu-pc-128M,  32639,   0",
        "qemu-pc-1G,   262015,   0",
        "qemu-pc-3G,   786303,   0",
        "qemu-pc-4G,   786303,   1073741824",
        "qemu-q35-128M, 32639,   0",
        "qemu-q35-3G,  524159,   1073741824",
    })
    void usableFrames_everyProfile_countsWholeFramesBelow4GiB(String name, long frames, long notAddressable) {
        MachineProfile machine = MachineProfiles.byName(name);

        assertThat(machine.map().usableFrames()).isEqualTo(frames);
        assertThat(machine.map().usableFrameRanges().get(0)).isEqualTo(new FrameRange(0, 0x9F));
        assertThat(machine.map().usableFrameRanges().get(1).startPfn()).isEqualTo(0x100);
        assertThat(machine.map().notAddressableBytes()).isEqualTo(notAddressable);
        assertThat(machine.map().highestUsableFrame()).isEqualTo((machine.lowRamBytes() - (128 << 10)) / 4096 - 1);
    }

    @Test
    void qemuPc128M_frameCount_is32639() {
        // [0, 0x9FC00): frames 0x00..0x9E = 159; [0x100000, 0x7FE0000): frames 0x100..0x7FDF = 0x7EE0 = 32480
        assertThat(MachineProfiles.byName("qemu-pc-128M").map().usableFrames()).isEqualTo(159 + 32_480).isEqualTo(32_639);
    }

    @Test
    void qemuPc4G_map_splitsAt3GiBAndPutsTheRestAt4GiB() {
        MachineProfile machine = MachineProfiles.byName("qemu-pc-4G");

        assertThat(machine.lowRamBytes()).isEqualTo(3 * GIB);
        assertThat(machine.highRamBytes()).isEqualTo(GIB);
        assertThat(machine.map().e820Lines()).containsExactly(
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable",
                "BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable");
    }

    @Test
    void qemuPc3G_map_keepsAllRamBelow4GiB() {
        MachineProfile machine = MachineProfiles.byName("qemu-pc-3G");

        assertThat(machine.lowRamBytes()).isEqualTo(3 * GIB);
        assertThat(machine.highRamBytes()).isZero();
        assertThat(machine.map().typeAt(0xBFFD_F000L)).contains(RegionType.USABLE);
        assertThat(machine.map().typeAt(0xBFFE_0000L)).contains(RegionType.RESERVED);
        assertThat(machine.map().typeAt(0xC000_0000L)).isEmpty();
    }

    @Test
    void qemuQ35_3G_map_splitsAt2GiBAndReservesMmconfigAndRcba() {
        MachineProfile machine = MachineProfiles.byName("qemu-q35-3G");

        assertThat(machine.lowRamBytes()).isEqualTo(2 * GIB);
        assertThat(machine.map().e820Lines()).containsExactly(
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable",
                "BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved",
                "BIOS-e820: [mem 0x00000000b0000000-0x00000000bfffffff] reserved",
                "BIOS-e820: [mem 0x00000000fed1c000-0x00000000fed1ffff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable");
    }

    /** As QEMU 7.2 hands it over (checked by the conformance suite): the pc map, MMCONFIG and the ICH9 RCBA. */
    @Test
    void qemuQ35_128M_map_isThePcMapPlusMmconfigAndRcba() {
        MemoryMap q35 = MachineProfiles.byName("qemu-q35-128M").map();
        MemoryMap pc = MachineProfiles.byName("qemu-pc-128M").map();

        assertThat(q35.regions()).containsAll(pc.regions()).hasSize(pc.regions().size() + 2);
        assertThat(q35.regionAt(0xB000_0000L)).contains(new MemoryRegion(0xB000_0000L, 256L << 20, RegionType.RESERVED));
        assertThat(q35.regionAt(0xFED1_F000L)).contains(new MemoryRegion(0xFED1_C000L, 16L << 10, RegionType.RESERVED));
    }

    @Test
    void qemuQ35_belowTheSplitThreshold_keepsUpTo2Point75GiBLow() {
        assertThat(MachineProfiles.qemuQ35(2 * GIB + (512L << 20)).lowRamBytes()).isEqualTo(2 * GIB + (512L << 20));
        assertThat(MachineProfiles.qemuQ35(0xB000_0000L).lowRamBytes()).isEqualTo(2 * GIB);
        assertThat(MachineProfiles.qemuPc(0xE000_0000L - (1L << 20)).lowRamBytes()).isEqualTo(0xE000_0000L - (1L << 20));
        assertThat(MachineProfiles.qemuPc(0xE000_0000L).lowRamBytes()).isEqualTo(3 * GIB);
    }

    @Test
    void maps_ofEveryProfile_areAlreadyClean() {
        for (MachineProfile machine : MachineProfiles.all()) {
            assertThat(MemoryMap.sanitize(machine.map().regions()).changed()).as(machine.name()).isFalse();
        }
    }

    @Test
    void qemuPc_oddSize_isRejected() {
        assertThatThrownBy(() -> MachineProfiles.qemuPc(1L << 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 2 MiB and 1 TiB");
        assertThatThrownBy(() -> MachineProfiles.qemuPc((3L << 20) + 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number of MiB");
    }

    @Test
    void physicalMemory_qemuPc128M_hasRamWhereTheMachineHasRam() {
        PhysicalMemory memory = MachineProfiles.byName("qemu-pc-128M").physicalMemory();

        assertThat(memory.sizeBytes()).isEqualTo(PhysicalMemory.MAX_BYTES);
        assertThat(memory.isRam(0x9_F000)).isTrue();
        assertThat(memory.isRam(0xA_0000)).isFalse();
        assertThat(memory.isRam(0xF_F000)).isFalse();
        assertThat(memory.isRam(0x10_0000)).isTrue();
        assertThat(memory.isRam(0x7FF_F000)).isTrue();
        assertThat(memory.isRam(0x800_0000)).isFalse();
        assertThat(memory.isRam(0xFFFF_F000L)).isFalse();
        assertThat(memory.touchedPages()).isZero();
        assertThat(memory.read32(0xFFFF_FFF0L)).isEqualTo(-1); // an empty bus reads all ones
    }

    @Test
    void physicalMemory_qemuPc4G_stopsAtTheLowRam() {
        PhysicalMemory memory = MachineProfiles.byName("qemu-pc-4G").physicalMemory();

        assertThat(memory.isRam(3 * GIB - 4096)).isTrue();
        assertThat(memory.isRam(3 * GIB)).isFalse();
    }
}
