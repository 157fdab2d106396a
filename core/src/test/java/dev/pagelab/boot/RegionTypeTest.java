package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegionTypeTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1          | usable               | System RAM",
        "2          | reserved             | Reserved",
        "3          | ACPI data            | ACPI Tables",
        "4          | ACPI NVS             | ACPI Non-volatile Storage",
        "5          | unusable             | Unusable memory",
        "7          | persistent (type 7)  | Persistent Memory",
        "12         | persistent (type 12) | Persistent Memory (legacy)",
        "-268435457 | soft reserved        | Soft Reserved",
        "13         | type 13              | Unknown E820 type",
        "0          | type 0               | Unknown E820 type",
        "-1         | type 4294967295      | Unknown E820 type",
    })
    void names_everyCode_areLinuxsNames(int code, String e820Name, String sysfsName) {
        RegionType type = RegionType.of(code);

        assertThat(type.code()).isEqualTo(code);
        assertThat(type.e820Name()).isEqualTo(e820Name);
        assertThat(type.sysfsName()).isEqualTo(sysfsName);
        assertThat(RegionType.fromE820Name(e820Name)).contains(type);
        assertThat(type.toString()).isEqualTo(e820Name);
    }

    @Test
    void of_namedCodes_returnsTheConstants() {
        assertThat(RegionType.of(1)).isSameAs(RegionType.USABLE);
        assertThat(RegionType.of(2)).isSameAs(RegionType.RESERVED);
        assertThat(RegionType.of(3)).isSameAs(RegionType.ACPI_RECLAIMABLE);
        assertThat(RegionType.of(4)).isSameAs(RegionType.ACPI_NVS);
        assertThat(RegionType.of(5)).isSameAs(RegionType.BAD);
        assertThat(RegionType.of(99)).isEqualTo(new RegionType(99));
    }

    @Test
    void isUsable_onlyTypeOne_isTrue() {
        assertThat(RegionType.USABLE.isUsable()).isTrue();
        assertThat(RegionType.RESERVED.isUsable()).isFalse();
        assertThat(RegionType.ACPI_RECLAIMABLE.isUsable()).isFalse();
        assertThat(RegionType.of(0).isUsable()).isFalse();
    }

    @Test
    void outranks_comparesCodesUnsigned() {
        assertThat(RegionType.RESERVED.outranks(RegionType.USABLE)).isTrue();
        assertThat(RegionType.USABLE.outranks(RegionType.RESERVED)).isFalse();
        assertThat(RegionType.USABLE.outranks(RegionType.USABLE)).isFalse();
        assertThat(RegionType.SOFT_RESERVED.outranks(RegionType.BAD)).isTrue(); // 0xEFFFFFFF is a negative int
        assertThat(RegionType.winner(RegionType.of(0x8000_0000), RegionType.of(7)).code()).isEqualTo(0x8000_0000);
        assertThat(RegionType.USABLE.outranks(RegionType.of(0))).isTrue();
    }

    @Test
    void fromE820Name_oldParenthesisedFormAndAnyCase_parses() {
        assertThat(RegionType.fromE820Name("(usable)")).contains(RegionType.USABLE);
        assertThat(RegionType.fromE820Name(" (ACPI NVS) ")).contains(RegionType.ACPI_NVS);
        assertThat(RegionType.fromE820Name("acpi data")).contains(RegionType.ACPI_RECLAIMABLE);
        assertThat(RegionType.fromE820Name("type 20")).contains(RegionType.of(20));
        assertThat(RegionType.fromE820Name("persistent (type 9)")).contains(RegionType.of(9));
    }

    @Test
    void fromE820Name_garbage_isEmpty() {
        assertThat(RegionType.fromE820Name("usabel")).isEmpty();
        assertThat(RegionType.fromE820Name("type")).isEmpty();
        assertThat(RegionType.fromE820Name("type -1")).isEmpty();
        assertThat(RegionType.fromE820Name("type 99999999999")).isEmpty();
        assertThat(RegionType.fromE820Name("")).isEmpty();
    }

    @Test
    void fromSysfsName_knownNames_parseAndUnknownTypeIsReserved() {
        assertThat(RegionType.fromSysfsName("System RAM\n")).contains(RegionType.USABLE);
        assertThat(RegionType.fromSysfsName("ACPI Non-volatile Storage")).contains(RegionType.ACPI_NVS);
        assertThat(RegionType.fromSysfsName("Persistent Memory (legacy)")).contains(RegionType.PERSISTENT_LEGACY);
        assertThat(RegionType.fromSysfsName("Unknown E820 type")).contains(RegionType.RESERVED);
        assertThat(RegionType.fromSysfsName("Video RAM")).isEmpty();
    }
}
