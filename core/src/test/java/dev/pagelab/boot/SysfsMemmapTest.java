package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsMemmapTest {
    @TempDir
    Path memmap;

    /** One entry as Linux's drivers/firmware/memmap.c writes it: "0x%llx\n" and "%s\n". */
    private void entry(int n, String start, String end, String type) throws IOException {
        Path dir = Files.createDirectories(memmap.resolve(Integer.toString(n)));
        Files.writeString(dir.resolve("start"), start + "\n");
        Files.writeString(dir.resolve("end"), end + "\n");
        Files.writeString(dir.resolve("type"), type + "\n");
    }

    /** The map of a QEMU pc machine with 4 GiB, as sysfs shows it, plus entries 10 and 11 to test the order. */
    private void qemuPc4G() throws IOException {
        entry(0, "0x0", "0x9fbff", "System RAM");
        entry(1, "0x9fc00", "0x9ffff", "Reserved");
        entry(2, "0xf0000", "0xfffff", "Reserved");
        entry(3, "0x100000", "0xbffdffff", "System RAM");
        entry(4, "0xbffe0000", "0xbfffffff", "Reserved");
        entry(5, "0xfeffc000", "0xfeffffff", "Reserved");
        entry(6, "0xfffc0000", "0xffffffff", "Reserved");
        entry(7, "0x100000000", "0x13fffffff", "System RAM");
        entry(8, "0x140000000", "0x140000fff", "ACPI Tables");
        entry(9, "0x140001000", "0x140001fff", "ACPI Non-volatile Storage");
        entry(10, "0x140002000", "0x140002fff", "Unusable memory");
        entry(11, "0x140003000", "0x140003fff", "Unknown E820 type");
    }

    @Test
    void read_qemuLikeTree_readsEntriesInNumericOrderWithInclusiveEnds() throws IOException {
        qemuPc4G();

        List<MemoryRegion> regions = SysfsMemmap.read(memmap);

        assertThat(regions).hasSize(12);
        assertThat(regions.get(0)).isEqualTo(MemoryRegion.between(0, 0x9FC00, RegionType.USABLE));
        assertThat(regions.get(3)).isEqualTo(MemoryRegion.between(0x10_0000, 0xBFFE_0000L, RegionType.USABLE));
        assertThat(regions.get(7)).isEqualTo(new MemoryRegion(1L << 32, 1L << 30, RegionType.USABLE));
        assertThat(regions.get(8).type()).isEqualTo(RegionType.ACPI_RECLAIMABLE);
        assertThat(regions.get(9).type()).isEqualTo(RegionType.ACPI_NVS);
        assertThat(regions.get(10).type()).isEqualTo(RegionType.BAD);
        assertThat(regions.get(11).type()).isEqualTo(RegionType.RESERVED);
        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(regions);
        assertThat(sanitized.changed()).isFalse();
        assertThat(sanitized.map().notAddressableBytes()).isEqualTo(1L << 30);
        assertThat(sanitized.map().usableFrames()).isEqualTo(159 + (0xBFFE0 - 0x100));
    }

    @Test
    void isReadable_treeWithEntries_isTrueAndEmptyOrMissingIsFalse() throws IOException {
        assertThat(SysfsMemmap.isReadable(memmap)).isFalse();
        assertThat(SysfsMemmap.isReadable(memmap.resolve("absent"))).isFalse();

        entry(0, "0x0", "0xfff", "System RAM");

        assertThat(SysfsMemmap.isReadable(memmap)).isTrue();
    }

    @Test
    void read_notHex_namesTheFileAndLine() throws IOException {
        entry(0, "0x0", "0x9fbff", "System RAM");
        entry(1, "655360", "0x9ffff", "Reserved");

        assertThatThrownBy(() -> SysfsMemmap.read(memmap))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage(memmap.resolve("1").resolve("start") + ":1: expected a hex address such as 0x9fc00, got '655360'");
    }

    @Test
    void read_unknownTypeName_listsTheNamesLinuxWrites() throws IOException {
        entry(0, "0x0", "0x9fbff", "Video RAM");

        assertThatThrownBy(() -> SysfsMemmap.read(memmap))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageStartingWith(memmap.resolve("0").resolve("type") + ":1: unknown type 'Video RAM' (expected one of"
                        + " System RAM, Reserved, ACPI Tables,");
    }

    @Test
    void read_endBelowStart_isRejected() throws IOException {
        entry(0, "0x2000", "0xfff", "System RAM");

        assertThatThrownBy(() -> SysfsMemmap.read(memmap))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageEndingWith("end:1: end 0xfff is below start 0x2000 (the end is the last byte, inclusive)");
    }

    @Test
    void read_missingTypeFile_namesIt() throws IOException {
        entry(0, "0x0", "0xfff", "System RAM");
        Files.delete(memmap.resolve("0").resolve("type"));

        assertThatThrownBy(() -> SysfsMemmap.read(memmap))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageStartingWith(memmap.resolve("0").resolve("type") + ": cannot be read");
    }

    @Test
    void read_noEntries_saysWhatWasExpected() throws IOException {
        Files.createDirectories(memmap.resolve("not-a-number"));

        assertThatThrownBy(() -> SysfsMemmap.read(memmap))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage(memmap + ": has no numbered entries (expected directories 0, 1, ... each with files start,"
                        + " end and type)");
    }

    @Test
    void read_missingDirectory_isAMemoryMapException() {
        assertThatThrownBy(() -> SysfsMemmap.read(memmap.resolve("absent")))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("cannot be listed");
    }

    @Test
    void read_thisMachine_givesASanitisableMapWithUsableMemory() {
        assumeTrue(SysfsMemmap.isReadable(SysfsMemmap.THIS_MACHINE), "no /sys/firmware/memmap here");

        MemoryMap map = MemoryMap.of(SysfsMemmap.read(SysfsMemmap.THIS_MACHINE));

        assertThat(map.usableBytes()).isPositive();
    }
}
