package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryRegionTest {
    @Test
    void end_regionAbove2To63_isComputedUnsigned() {
        MemoryRegion region = new MemoryRegion(0x8000_0000_0000_0000L, 0x1000, RegionType.RESERVED);

        assertThat(region.end()).isEqualTo(0x8000_0000_0000_1000L);
        assertThat(region.contains(0x8000_0000_0000_0FFFL)).isTrue();
        assertThat(region.contains(0x7FFF_FFFF_FFFF_FFFFL)).isFalse();
        assertThat(region.contains(0x8000_0000_0000_1000L)).isFalse();
    }

    @Test
    void constructor_regionRunningPast2To64_throwsNamingBaseAndLength() {
        assertThatThrownBy(() -> new MemoryRegion(0xFFFF_FFFF_FFFF_F000L, 0x2000, RegionType.USABLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0xFFFFFFFFFFFFF000").hasMessageContaining("length 0x00002000").hasMessageContaining("2^64");
    }

    @Test
    void wraps_endExactlyAt2To64_isRejectedAsLinuxDoes() {
        assertThat(MemoryRegion.wraps(0xFFFF_FFFF_FFFF_F000L, 0x1000)).isTrue();
        assertThat(MemoryRegion.wraps(0xFFFF_FFFF_FFFF_F000L, 0xFFF)).isFalse();
        assertThat(MemoryRegion.wraps(-1L, 0)).isFalse();
        assertThat(MemoryRegion.wraps(0, -1L)).isFalse(); // [0, 2^64 - 1): its last byte is 2^64 - 2
    }

    @Test
    void between_endBelowBase_throws() {
        assertThatThrownBy(() -> MemoryRegion.between(0x2000, 0x1000, RegionType.USABLE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x00001000 is below its base 0x00002000");
    }

    @Test
    void toString_showsHalfOpenRangeAndType() {
        assertThat(MemoryRegion.between(0x10_0000, 0x7FE_0000, RegionType.USABLE))
                .hasToString("[0x00100000, 0x07FE0000) usable");
        assertThat(new MemoryRegion(1L << 32, 1L << 30, RegionType.of(12)))
                .hasToString("[0x100000000, 0x140000000) persistent (type 12)");
    }
}
