package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address arithmetic for 32-bit paging (SDM vol. 3A, figures 4-2 and 4-3). */
class AddressesTest {

    @Test
    void constants_pageAndTableSizes_areThoseOf32BitPaging() {
        assertThat(Addresses.PAGE_BYTES).isEqualTo(4096);
        assertThat(Addresses.PAGE_OFFSET_MASK).isEqualTo(0xFFFL);
        assertThat(Addresses.LARGE_PAGE_BYTES).isEqualTo(4 << 20);
        assertThat(Addresses.LARGE_PAGE_OFFSET_MASK).isEqualTo(0x3F_FFFFL);
        assertThat(Addresses.ENTRIES_PER_TABLE).isEqualTo(1024);
        assertThat(Addresses.MAX_VADDR).isEqualTo(0xFFFF_FFFFL);
        assertThat(Addresses.LINEAR_SPACE_BYTES).isEqualTo(1L << 32);
    }

    @ParameterizedTest
    @CsvSource({
        "0x00000000, 0, 0, 0x000",
        "0x00401ABC, 1, 1, 0xABC",
        "0xC0100000, 768, 256, 0x000",
        "0xC03FF123, 768, 1023, 0x123",
        "0xFFFFFFFF, 1023, 1023, 0xFFF",
    })
    void indexes_linearAddress_splitIntoBits31to22And21to12And11to0(String vaddrHex, int dir, int table,
                                                                  String offsetHex) {
        long vaddr = Long.decode(vaddrHex);
        int offset = Integer.decode(offsetHex);

        assertThat(Addresses.directoryIndex(vaddr)).isEqualTo(dir);
        assertThat(Addresses.tableIndex(vaddr)).isEqualTo(table);
        assertThat(Addresses.pageOffset(vaddr)).isEqualTo(offset);
        assertThat(Addresses.linear(dir, table, offset)).isEqualTo(vaddr);
        assertThat(Addresses.vpn(vaddr)).isEqualTo(vaddr >>> 12);
    }

    @Test
    void pfnToPaddrAndBack_highestFrame_staysUnsigned() {
        assertThat(Addresses.pfnToPaddr(0xFFFFF)).isEqualTo(0xFFFF_F000L);
        assertThat(Addresses.paddrToPfn(0xFFFF_FFFFL)).isEqualTo(0xFFFFFL);
        assertThat(Addresses.paddrToPfn(0x1234)).isEqualTo(1);
    }

    @Test
    void alignDownAndUp_anyAddress_roundToPageBoundaries() {
        assertThat(Addresses.alignDown(0x1FFF)).isEqualTo(0x1000);
        assertThat(Addresses.alignDown(0x2000)).isEqualTo(0x2000);
        assertThat(Addresses.alignUp(0x1001)).isEqualTo(0x2000);
        assertThat(Addresses.alignUp(0x2000)).isEqualTo(0x2000);
        assertThat(Addresses.alignUp(0xFFFF_F001L)).isEqualTo(0x1_0000_0000L);
        assertThat(Addresses.isPageAligned(0x3000)).isTrue();
        assertThat(Addresses.isPageAligned(0x3001)).isFalse();
    }

    @Test
    void hex_32BitAndWiderValues_eightDigitsOrAsManyAsNeeded() {
        assertThat(Addresses.hex(0)).isEqualTo("0x00000000");
        assertThat(Addresses.hex(0xC010_0000L)).isEqualTo("0xC0100000");
        assertThat(Addresses.hex(0x1_0000_0000L)).isEqualTo("0x100000000");
        assertThat(Addresses.hex(-1)).isEqualTo("0xFFFFFFFFFFFFFFFF");
    }

    @ParameterizedTest
    @CsvSource({"0xC0100000, 3222274048", "0XC0100000, 3222274048", "C0100000h, 3222274048", "c0100000H, 3222274048",
        "3222274048, 3222274048", "0xC010_0000, 3222274048", "'  0x10  ', 16", "0, 0"})
    void parse_userSpellings_giveTheSameNumber(String text, long expected) {
        assertThat(Addresses.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0x", "xyz", "-1", "0xG", "12h3"})
    void parse_notANumber_throwsQuotingTheText(String text) {
        assertThatThrownBy(() -> Addresses.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void checkLinear_32BitAddress_isReturnedAndOthersThrowNamingTheOperation() {
        assertThat(Addresses.checkLinear("op", 0xFFFF_FFFFL)).isEqualTo(0xFFFF_FFFFL);
        assertThatThrownBy(() -> Addresses.checkLinear("frobnicate", 0x1_0000_0000L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frobnicate")
                .hasMessageContaining("0x100000000");
        assertThatThrownBy(() -> Addresses.checkLinear("op", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
