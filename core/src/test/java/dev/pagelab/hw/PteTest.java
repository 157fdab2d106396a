package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The 4 KiB page-table entry against Intel SDM vol. 3A, table 4-6 (32-bit paging PTE). */
class PteTest {

    @Test
    void constants_sdmTable4_6_matchBitPositions() {
        // Table 4-6: P 0, R/W 1, U/S 2, PWT 3, PCD 4, A 5, D 6, PAT 7, G 8, ignored 11:9, address 31:12.
        assertThat(Pte.PRESENT).isEqualTo(1 << 0);
        assertThat(Pte.WRITABLE).isEqualTo(1 << 1);
        assertThat(Pte.USER).isEqualTo(1 << 2);
        assertThat(Pte.WRITE_THROUGH).isEqualTo(1 << 3);
        assertThat(Pte.CACHE_DISABLE).isEqualTo(1 << 4);
        assertThat(Pte.ACCESSED).isEqualTo(1 << 5);
        assertThat(Pte.DIRTY).isEqualTo(1 << 6);
        assertThat(Pte.PAT).isEqualTo(1 << 7);
        assertThat(Pte.GLOBAL).isEqualTo(1 << 8);
        assertThat(Pte.AVAILABLE_MASK).isEqualTo(0b111 << 9);
        assertThat(Pte.AVAILABLE_SHIFT).isEqualTo(9);
        assertThat(Pte.FRAME_MASK).isEqualTo(0xFFFF_F000);
        assertThat(Pte.FLAGS_MASK).isEqualTo(0x0000_0FFF);
    }

    @Test
    void bits_decodingTable_listsEveryFlagOnceWithSdmName() {
        assertThat(Pte.BITS).extracting(EntryBit::name)
                .containsExactly("P", "R/W", "U/S", "PWT", "PCD", "A", "D", "PAT", "G");
        assertThat(Pte.BITS).extracting(EntryBit::mask)
                .containsExactly(1, 2, 4, 8, 16, 32, 64, 128, 256);
    }

    @ParameterizedTest
    @CsvSource({
        "0x00000, 0x000",
        "0x00001, 0x001",
        "0x12345, 0x163",
        "0x7FFFF, 0xFFF",
        "0x80000, 0x001", // bit 31 set: the int is negative, the frame must not be
        "0xFFFFF, 0x007",
        "0xFFFFF, 0xFFF",
    })
    void make_anyFrameAndFlags_roundTripsThroughPfnPaddrAndFlags(String pfnHex, String flagsHex) {
        long pfn = Long.decode(pfnHex);
        int flags = Integer.decode(flagsHex);

        int entry = Pte.make(pfn, flags);

        assertThat(Integer.toUnsignedLong(entry)).isEqualTo((pfn << 12) | flags);
        assertThat(Pte.pfn(entry)).isEqualTo(pfn);
        assertThat(Pte.paddr(entry)).isEqualTo(pfn << 12).isNotNegative();
        assertThat(Pte.flags(entry)).isEqualTo(flags);
        assertThat(Pte.isPresent(entry)).isEqualTo((flags & 1) != 0);
    }

    @Test
    void paddr_highestFrame_isUnsigned0xFFFFF000() {
        int entry = Pte.make(0xFFFFF, Pte.PRESENT);

        assertThat(entry).isNegative();
        assertThat(Pte.paddr(entry)).isEqualTo(0xFFFF_F000L);
        assertThat(Pte.pfn(entry)).isEqualTo(0xFFFFFL);
    }

    @Test
    void available_bits11to9_readBackAsThreeBitNumber() {
        assertThat(Pte.available(Pte.make(0x10, 0b101 << 9 | Pte.PRESENT))).isEqualTo(0b101);
        assertThat(Pte.available(Pte.make(0x10, 0b111 << 9))).isEqualTo(7);
        assertThat(Pte.available(0xFFFF_F1FF)).isZero();
    }

    @Test
    void isPresent_otherBitsSetOrClear_looksOnlyAtBit0() {
        assertThat(Pte.isPresent(0xFFFF_FFFE)).isFalse();
        assertThat(Pte.isPresent(0x0000_0001)).isTrue();
    }

    @Test
    void flagNames_setBits_listedInBitOrder() {
        // 0x163 = G, D, A, R/W, P
        assertThat(Pte.flagNames(0x0010_0163)).isEqualTo("P R/W A D G");
        assertThat(Pte.flagNames(0x0010_0000)).isEmpty();
    }

    @Test
    void describe_presentAndNotPresent_nameFrameOrAbsence() {
        assertThat(Pte.describe(0x0010_1023)).isEqualTo("0x00101023 [frame 0x00101000 P R/W A]");
        assertThat(Pte.describe(0xFFFF_F002)).isEqualTo("0xFFFFF002 [not present]");
    }

    @ParameterizedTest
    @CsvSource({"-1", "0x100000", "0x7FFFFFFF"})
    void make_frameBeyond20Bits_throwsNamingTheFrame(String pfnHex) {
        long pfn = Long.decode(pfnHex);

        assertThatThrownBy(() -> Pte.make(pfn, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pte.make")
                .hasMessageContaining(Long.toHexString(pfn));
    }

    @ParameterizedTest
    @CsvSource({"0x1000", "0x80000000", "-1"})
    void make_flagsPastBit11_throwsNamingTheFlags(String flagsHex) {
        int flags = (int) (long) Long.decode(flagsHex);

        assertThatThrownBy(() -> Pte.make(1, flags))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flags 0x" + Integer.toHexString(flags));
    }
}
