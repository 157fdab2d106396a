package dev.pagelab.boot;

import dev.pagelab.pmm.FrameRange;
import java.util.List;
import org.junit.jupiter.api.Test;
import static dev.pagelab.boot.RegionType.ACPI_NVS;
import static dev.pagelab.boot.RegionType.ACPI_RECLAIMABLE;
import static dev.pagelab.boot.RegionType.RESERVED;
import static dev.pagelab.boot.RegionType.USABLE;
import static org.assertj.core.api.Assertions.assertThat;

class MemoryMapTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static MemoryRegion r(long base, long end, RegionType type) {
        return MemoryRegion.between(base, end, type);
    }

    @Test
    void sanitize_cleanMap_changesNothing() {
        List<MemoryRegion> raw = List.of(r(0, 0x9FC00, USABLE), r(0x9FC00, 0xA0000, RESERVED),
                r(0x10_0000, 0x800_0000, USABLE));

        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(raw);

        assertThat(sanitized.changed()).isFalse();
        assertThat(sanitized.changes()).isEmpty();
        assertThat(sanitized.map().regions()).isEqualTo(raw);
    }

    @Test
    void sanitize_reservedInsideUsable_splitsUsableAndReportsWhoWins() {
        List<MemoryRegion> raw = List.of(r(0, 0x10_0000, USABLE), r(0x4_0000, 0x6_0000, RESERVED));

        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(raw);

        assertThat(sanitized.map().regions()).containsExactly(r(0, 0x4_0000, USABLE), r(0x4_0000, 0x6_0000, RESERVED),
                r(0x6_0000, 0x10_0000, USABLE));
        assertThat(sanitized.changes()).containsExactly(
                "overlap [0x00040000, 0x00060000): reserved (#1) wins over usable (#0)");
    }

    @Test
    void sanitize_partialOverlap_higherTypeWinsWhateverTheOrder() {
        List<MemoryRegion> raw = List.of(r(0x3000, 0x8000, ACPI_RECLAIMABLE), r(0x1000, 0x5000, ACPI_NVS),
                r(0x0, 0x4000, USABLE));

        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(raw);

        assertThat(sanitized.map().regions()).containsExactly(r(0, 0x1000, USABLE), r(0x1000, 0x5000, ACPI_NVS),
                r(0x5000, 0x8000, ACPI_RECLAIMABLE));
        assertThat(sanitized.changes()).containsExactly(
                "sorted the regions by base address (#1 at 0x00001000 came after #0 at 0x00003000)",
                "overlap [0x00001000, 0x00003000): ACPI NVS (#1) wins over usable (#2)",
                "overlap [0x00003000, 0x00004000): ACPI NVS (#1) wins over ACPI data (#0), usable (#2)",
                "overlap [0x00004000, 0x00005000): ACPI NVS (#1) wins over ACPI data (#0)");
    }

    @Test
    void sanitize_touchingRegionsOfOneType_mergesThem() {
        List<MemoryRegion> raw = List.of(r(0, 0x1000, USABLE), r(0x1000, 0x3000, USABLE), r(0x3000, 0x4000, RESERVED));

        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(raw);

        assertThat(sanitized.map().regions()).containsExactly(r(0, 0x3000, USABLE), r(0x3000, 0x4000, RESERVED));
        assertThat(sanitized.changes()).containsExactly(
                "merged usable regions #0 [0x00000000, 0x00001000), #1 [0x00001000, 0x00003000) into [0x00000000, 0x00003000)");
    }

    @Test
    void sanitize_duplicateRegions_keepsOneAndSaysSo() {
        List<MemoryRegion> raw = List.of(r(0x10_0000, 0x20_0000, USABLE), r(0x10_0000, 0x20_0000, USABLE));

        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(raw);

        assertThat(sanitized.map().regions()).containsExactly(r(0x10_0000, 0x20_0000, USABLE));
        assertThat(sanitized.changes()).contains(
                "overlap [0x00100000, 0x00200000): regions #0, #1 are all usable; kept once");
    }

    @Test
    void sanitize_emptyRegion_isDroppedAndReported() {
        List<MemoryRegion> raw = List.of(r(0, 0x1000, USABLE), new MemoryRegion(0x5000, 0, RESERVED));

        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(raw);

        assertThat(sanitized.map().regions()).containsExactly(r(0, 0x1000, USABLE));
        assertThat(sanitized.changes()).containsExactly("dropped empty region #1 at 0x00005000 (reserved)");
    }

    @Test
    void sanitize_unknownTypes_keepTheirNumberAndWinByNumber() {
        List<MemoryRegion> raw = List.of(r(0, 0x2000, RegionType.of(20)), r(0x1000, 0x3000, RegionType.of(12)));

        MemoryMap map = MemoryMap.sanitize(raw).map();

        assertThat(map.regions()).containsExactly(r(0, 0x2000, RegionType.of(20)), r(0x2000, 0x3000, RegionType.of(12)));
        assertThat(map.e820Lines()).containsExactly(
                "BIOS-e820: [mem 0x0000000000000000-0x0000000000001fff] type 20",
                "BIOS-e820: [mem 0x0000000000002000-0x0000000000002fff] persistent (type 12)");
    }

    @Test
    void sanitize_regionsNear2To64_sortUnsigned() {
        long high = 0xFFFF_FFFF_0000_0000L;
        List<MemoryRegion> raw = List.of(r(high, high + 0x1000, RESERVED), r(0, 0x1000, USABLE));

        MemoryMap map = MemoryMap.sanitize(raw).map();

        assertThat(map.regions()).containsExactly(r(0, 0x1000, USABLE), r(high, high + 0x1000, RESERVED));
        assertThat(map.typeAt(high + 0x10)).contains(RESERVED);
        assertThat(map.typeAt(-1L)).isEmpty();
    }

    @Test
    void usableFrames_unalignedUsableRegion_countsOnlyWholeFrames() {
        MemoryMap map = MemoryMap.of(r(0x800, 0x3800, USABLE));

        assertThat(map.usableFrames()).isEqualTo(2); // frames 1 and 2; the halves of 0 and 3 do not count
        assertThat(map.usableFrameRanges()).containsExactly(new FrameRange(1, 3));
        assertThat(map.highestUsableFrame()).isEqualTo(2);
        assertThat(map.usableBytes()).isEqualTo(0x3000);
    }

    @Test
    void usableFrames_usableStraddling4GiB_countsBelowAndReportsTheRest() {
        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(List.of(r(3 * GIB, 5 * GIB, USABLE)));
        MemoryMap map = sanitized.map();

        assertThat(map.usableFrames()).isEqualTo(GIB / 4096);
        assertThat(map.notAddressableBytes()).isEqualTo(GIB);
        assertThat(map.highestUsableFrame()).isEqualTo(0xF_FFFF);
        assertThat(map.regions()).hasSize(1); // kept in the map
        assertThat(sanitized.notes()).containsExactly("usable [0xC0000000, 0x140000000): its part [0x100000000,"
                + " 0x140000000) lies at or above 4 GiB: kept in the map, not addressable by a 32-bit kernel without PAE"
                + " (1 GiB)");
    }

    @Test
    void notes_partialFrames_sayHowMuchIsLost() {
        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(List.of(r(0, 0x9FC00, USABLE)));

        assertThat(sanitized.notes()).containsExactly(
                "3 KiB of usable memory below 4 GiB lies in partial 4 KiB frames and does not count (only whole frames do)");
    }

    @Test
    void highestUsableFrame_noUsableMemory_isNoFrame() {
        MemoryMap map = MemoryMap.of(r(0, 0x800, USABLE), r(0x1000, 0x2000, RESERVED), r(4 * GIB, 5 * GIB, USABLE));

        assertThat(map.usableFrames()).isZero();
        assertThat(map.usableFrameRanges()).isEmpty();
        assertThat(map.highestUsableFrame()).isEqualTo(MemoryMap.NO_FRAME);
    }

    @Test
    void regionAt_gapsAndEdges_answerExactly() {
        MemoryMap map = MemoryMap.of(r(0, 0x9FC00, USABLE), r(0xF0000, 0x10_0000, RESERVED), r(MIB, 2 * MIB, USABLE));

        assertThat(map.typeAt(0)).contains(USABLE);
        assertThat(map.typeAt(0x9FBFF)).contains(USABLE);
        assertThat(map.typeAt(0x9FC00)).isEmpty();
        assertThat(map.typeAt(0xEFFFF)).isEmpty();
        assertThat(map.typeAt(0xF0000)).contains(RESERVED);
        assertThat(map.regionAt(MIB)).contains(r(MIB, 2 * MIB, USABLE));
        assertThat(map.typeAt(2 * MIB)).isEmpty();
    }

    @Test
    void e820Lines_qemuMap_printsLikeLinux() {
        MemoryMap map = MachineProfiles.byName("qemu-pc-128M").map();

        assertThat(map.e820Lines()).containsExactly(
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x0000000007fdffff] usable",
                "BIOS-e820: [mem 0x0000000007fe0000-0x0000000007ffffff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved");
    }

    @Test
    void equals_sameRegions_isEqual() {
        assertThat(MemoryMap.of(r(0, 0x1000, USABLE), r(0x1000, 0x2000, USABLE)))
                .isEqualTo(MemoryMap.of(r(0, 0x2000, USABLE)))
                .hasSameHashCodeAs(MemoryMap.of(r(0, 0x2000, USABLE)));
    }

    @Test
    void sizeText_picksTheLargestExactUnit() {
        assertThat(MemoryMap.sizeText(3 * 1024)).isEqualTo("3 KiB");
        assertThat(MemoryMap.sizeText(GIB)).isEqualTo("1 GiB");
        assertThat(MemoryMap.sizeText(1536 * 1024)).isEqualTo("1536 KiB");
        assertThat(MemoryMap.sizeText(100)).isEqualTo("100 bytes");
        assertThat(MemoryMap.sizeText(-1L)).isEqualTo("18446744073709551615 bytes");
    }
}
