package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The page-directory entry against Intel SDM vol. 3A, table 4-4 (PDE mapping a 4 MiB page) and
 * table 4-5 (PDE referencing a page table).
 */
class PdeTest {

    @Test
    void constants_sdmTables4_4and4_5_matchBitPositions() {
        assertThat(Pde.PRESENT).isEqualTo(1 << 0);
        assertThat(Pde.WRITABLE).isEqualTo(1 << 1);
        assertThat(Pde.USER).isEqualTo(1 << 2);
        assertThat(Pde.WRITE_THROUGH).isEqualTo(1 << 3);
        assertThat(Pde.CACHE_DISABLE).isEqualTo(1 << 4);
        assertThat(Pde.ACCESSED).isEqualTo(1 << 5);
        assertThat(Pde.DIRTY).isEqualTo(1 << 6);
        assertThat(Pde.PAGE_SIZE).isEqualTo(1 << 7);
        assertThat(Pde.GLOBAL).isEqualTo(1 << 8);
        assertThat(Pde.AVAILABLE_MASK).isEqualTo(0b111 << 9);
        // Table 4-4: PAT is bit 12, bits (M-20):13 carry address bits (M-1):32, 21:(M-19) reserved,
        // 31:22 address bits 31:22.
        assertThat(Pde.LARGE_PAT).isEqualTo(1 << 12);
        assertThat(Pde.LARGE_HIGH_MASK).isEqualTo(0x001F_E000);
        assertThat(Pde.LARGE_RESERVED_BIT).isEqualTo(1 << 21);
        assertThat(Pde.LARGE_FRAME_MASK).isEqualTo(0xFFC0_0000);
        assertThat(Pde.TABLE_MASK).isEqualTo(0xFFFF_F000);
    }

    @ParameterizedTest
    @CsvSource({"0x00000, 0x003", "0x00002, 0x027", "0xFFFFF, 0x007", "0x80001, 0xE67"})
    void table_anyFrame_roundTripsThroughTablePaddrAndTablePfn(String pfnHex, String flagsHex) {
        long pfn = Long.decode(pfnHex);
        int flags = Integer.decode(flagsHex);

        int entry = Pde.table(pfn, flags);

        assertThat(Integer.toUnsignedLong(entry)).isEqualTo((pfn << 12) | flags);
        assertThat(Pde.tablePfn(entry)).isEqualTo(pfn);
        assertThat(Pde.tablePaddr(entry)).isEqualTo(pfn << 12).isNotNegative();
        assertThat(Pde.isLarge(entry)).isFalse();
        assertThat(Pde.isPresent(entry)).isEqualTo((flags & 1) != 0);
    }

    @Test
    void table_flagsWithPs_throws() {
        assertThatThrownBy(() -> Pde.table(2, Pde.PRESENT | Pde.PAGE_SIZE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PS");
    }

    @Test
    void table_frameBeyond20Bits_throwsNamingPdeTableAndTheFrame() {
        // DESIGN.md, Failure: the message names the operation the caller used.
        assertThatThrownBy(() -> Pde.table(0x10_0000, Pde.PRESENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pde.table")
                .hasMessageContaining("100000");
    }

    @Test
    void large_highestPage_addsPsAndKeepsAddressUnsigned() {
        int entry = Pde.large(0xFFC0_0000L, Pde.PRESENT | Pde.WRITABLE);

        assertThat(entry).isEqualTo(0xFFC0_0083);
        assertThat(Pde.isLarge(entry)).isTrue();
        assertThat(Pde.largePaddr(entry)).isEqualTo(0xFFC0_0000L);
    }

    @Test
    void large_patBit12_isAFlagNotAnAddressBit() {
        int entry = Pde.large(0x0040_0000L, Pde.PRESENT | Pde.LARGE_PAT);

        assertThat(entry & (1 << 12)).isNotZero();
        assertThat(Pde.largePaddr(entry)).isEqualTo(0x0040_0000L);
    }

    @ParameterizedTest
    @CsvSource({
        "0x0000000000, 0x0000_0000",
        "0x0000400000, 0x0000_0000",
        "0x0100000000, 0x0000_2000", // address bit 32 -> entry bit 13
        "0x0F00C00000, 0x0001_E000", // bits 35:32 -> bits 16:13 (PSE-36)
        "0x80FFC00000, 0x0010_0000", // bit 39 -> bit 20
        "0xFFFFC00000, 0x001F_E000",
    })
    void large_addressBits39to32_goToEntryBits20to13(String paddrHex, String highBitsHex) {
        long paddr = Long.decode(paddrHex);
        int expectedHigh = Integer.decode(highBitsHex.replace("_", ""));

        int entry = Pde.large(paddr, Pde.PRESENT);

        assertThat(entry & Pde.LARGE_HIGH_MASK).isEqualTo(expectedHigh);
        assertThat(Integer.toUnsignedLong(entry) & 0xFFC0_0000L).isEqualTo(paddr & 0xFFC0_0000L);
        assertThat(entry & Pde.LARGE_RESERVED_BIT).isZero();
        assertThat(Pde.largePaddr(entry)).isEqualTo(paddr);
    }

    @ParameterizedTest
    @ValueSource(longs = {0x0020_0000L, 0x0000_1000L, -0x0040_0000L, 1L << 40, 0x1_0000_0000_0000L})
    void large_addressNotAlignedOrBeyond40Bits_throwsNamingTheAddress(long paddr) {
        assertThatThrownBy(() -> Pde.large(paddr, Pde.PRESENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pde.large")
                .hasMessageContaining(Addresses.hex(paddr));
    }

    @Test
    void large_flagsPastBit12_throws() {
        assertThatThrownBy(() -> Pde.large(0x0040_0000L, 1 << 13))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flags 0x2000");
    }

    @Test
    void largeReservedMask_width32_isBits21to13() {
        // M = 32: no PSE-36 address bits, so 21:13 are all reserved.
        assertThat(Pde.largeReservedMask(32)).isEqualTo(0x003F_E000);
    }

    @Test
    void largeReservedMask_width36_isBits21to17() {
        // M = 36: bits 16:13 carry address bits 35:32, bits 21:17 reserved.
        assertThat(Pde.largeReservedMask(36)).isEqualTo(0x003E_0000);
    }

    @Test
    void largeReservedMask_width40_isBit21Only() {
        assertThat(Pde.largeReservedMask(40)).isEqualTo(0x0020_0000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 31, 41, 52})
    void largeReservedMask_widthOutside32to40_throws(int width) {
        assertThatThrownBy(() -> Pde.largeReservedMask(width))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(width));
    }

    @Test
    void flagNames_largeEntry_decodesDAndGButTablePointerDoesNot() {
        int large = 0x0040_0000 | 0x1E3; // G PS D A R/W P
        int table = 0x0000_2000 | 0x163; // ignored 8 and 6 set, A R/W P

        assertThat(Pde.flagNames(large)).isEqualTo("P R/W A D PS G");
        assertThat(Pde.flagNames(table)).isEqualTo("P R/W A");
    }

    @Test
    void describe_tableLargeAndAbsent_nameWhatTheEntryIs() {
        assertThat(Pde.describe(0x0000_2023)).isEqualTo("0x00002023 [table 0x00002000 P R/W A]");
        assertThat(Pde.describe(0x0040_0083)).isEqualTo("0x00400083 [4 MiB page 0x00400000 P R/W PS]");
        assertThat(Pde.describe(0x0040_0082)).isEqualTo("0x00400082 [not present]");
    }
}
