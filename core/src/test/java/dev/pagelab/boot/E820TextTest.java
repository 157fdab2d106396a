package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.pagelab.testing.Seeded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class E820TextTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = E820TextTest.class.getResourceAsStream("/boot/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parse_qemuDmesgPaste_readsTheSixBiosLinesAndIgnoresTheRest() throws IOException {
        List<MemoryRegion> regions = E820Text.parse("dmesg-qemu-pc-128M.txt", resource("dmesg-qemu-pc-128M.txt"));

        assertThat(regions).containsExactly(
                MemoryRegion.between(0, 0x9FC00, RegionType.USABLE),
                MemoryRegion.between(0x9FC00, 0xA0000, RegionType.RESERVED),
                MemoryRegion.between(0xF0000, 0x10_0000, RegionType.RESERVED),
                MemoryRegion.between(0x10_0000, 0x7FE_0000, RegionType.USABLE),
                MemoryRegion.between(0x7FE_0000, 0x800_0000, RegionType.RESERVED),
                MemoryRegion.between(0xFFFC_0000L, 0x1_0000_0000L, RegionType.RESERVED));
        assertThat(MemoryMap.of(regions)).isEqualTo(MachineProfiles.byName("qemu-pc-128M").map());
    }

    @Test
    void parse_oldLinux26Form_givesTheSameMapWithExclusiveEnds() throws IOException {
        List<MemoryRegion> old = E820Text.parse("old.txt", resource("dmesg-linux-2.6-old-form.txt"));
        List<MemoryRegion> current = E820Text.parse("new.txt", resource("dmesg-qemu-pc-128M.txt"));

        assertThat(old).isEqualTo(current);
    }

    @Test
    void parse_bothFormsInOnePaste_readsEveryLine() {
        String paste = """
                [    0.000000] BIOS-provided physical RAM map:
                [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                 BIOS-e820: 000000000009fc00 - 00000000000a0000 (reserved)
                 BIOS-e820: 0000000000100000 - 0000000001000000 (ACPI NVS)
                 BIOS-e820: 0000000001000000 - 0000000002000000 type 20
                [    0.000000] BIOS-e820: [mem 0x0000000002000000-0x0000000002ffffff] persistent (type 12)
                """;

        List<MemoryRegion> regions = E820Text.parse("paste", paste);

        assertThat(regions).containsExactly(
                MemoryRegion.between(0, 0x9FC00, RegionType.USABLE),
                MemoryRegion.between(0x9FC00, 0xA0000, RegionType.RESERVED),
                MemoryRegion.between(0x10_0000, 0x100_0000, RegionType.ACPI_NVS),
                MemoryRegion.between(0x100_0000, 0x200_0000, RegionType.of(20)),
                MemoryRegion.between(0x200_0000, 0x300_0000, RegionType.PERSISTENT_LEGACY));
    }

    @Test
    void parse_laptopJournal_readsAcpiTypesAndMemoryAbove4GiB() throws IOException {
        List<MemoryRegion> regions = E820Text.parse("dmesg-laptop.txt", resource("dmesg-laptop.txt"));
        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(regions);

        assertThat(regions).hasSize(20);
        assertThat(sanitized.changed()).isFalse();
        assertThat(sanitized.map().typeAt(0x5A1D_8000L)).contains(RegionType.ACPI_RECLAIMABLE);
        assertThat(sanitized.map().typeAt(0x4F0C_2000L)).contains(RegionType.ACPI_NVS);
        assertThat(sanitized.map().notAddressableBytes()).isEqualTo(0x4_A080_0000L - 0x1_0000_0000L);
        assertThat(sanitized.notes()).anyMatch(note -> note.startsWith("usable [0x100000000, 0x4A0800000) lies at or above 4 GiB"));
    }

    @Test
    void parse_garbageE820Line_namesFileLineAndExpectedForm() {
        String text = "BIOS-provided physical RAM map:\n"
                + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                + "BIOS-e820: [mem 0x000000000009fc00-] reserved\n";

        MemoryMapException e = catchThrowableOfType(MemoryMapException.class, () -> E820Text.parse("e820.txt", text));

        assertThat(e).hasMessage("e820.txt:3: expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE' or"
                + " 'BIOS-e820: START - END (TYPE)', got 'BIOS-e820: [mem 0x000000000009fc00-] reserved'");
        assertThat(e.source()).isEqualTo("e820.txt");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.location()).isEqualTo("line 3");
    }

    @Test
    void parse_unknownTypeName_listsTheKnownOnes() {
        assertThatThrownBy(() -> E820Text.parse("e820.txt", "BIOS-e820: [mem 0x0-0xfff] usabel"))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageStartingWith("e820.txt:1: unknown type 'usabel' (expected one of usable, reserved, ACPI data,")
                .hasMessageEndingWith("type N)");
    }

    @Test
    void parse_endBelowStart_isRejected() {
        assertThatThrownBy(() -> E820Text.parse("e820.txt", "\n\nBIOS-e820: [mem 0x2000-0x0fff] usable"))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("e820.txt:3: end 0xfff is below start 0x2000 (the end is the last byte, inclusive)");
    }

    @Test
    void parse_oldFormEndBelowStart_isRejected() {
        assertThatThrownBy(() -> E820Text.parse("e820.txt", " BIOS-e820: 0000000000002000 - 0000000000001000 (usable)"))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("e820.txt:1: end 0x1000 is below start 0x2000 (the end is exclusive in this form)");
    }

    @Test
    void parse_rangeToTheTopOf64Bits_isRejectedAsRunningTo2To64() {
        assertThatThrownBy(() -> E820Text.parse("e820.txt", "BIOS-e820: [mem 0xfffffffffffff000-0xffffffffffffffff] reserved"))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageStartingWith("e820.txt:1: range [0xfffffffffffff000, 0xffffffffffffffff] runs to 2^64");
    }

    @Test
    void parse_seventeenHexDigits_isRejected() {
        assertThatThrownBy(() -> E820Text.parse("e820.txt", "BIOS-e820: [mem 0x10000000000000000-0x10000000000000fff] usable"))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("e820.txt:1: start 0x10000000000000000 does not fit in 64 bits (expected at most 16 hex digits)");
    }

    @Test
    void parse_noE820LineAtAll_saysWhatWasExpected() {
        assertThatThrownBy(() -> E820Text.parse("notes.txt", "hello\nworld\n"))
                .isInstanceOf(MemoryMapException.class)
                .hasMessageStartingWith("notes.txt: no 'BIOS-e820:' line found in 3 lines");
    }

    @Test
    void parse_file_namesItByItsFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("qemu.log");
        Files.writeString(file, "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\r\nBIOS-e820: junk\r\n");

        assertThatThrownBy(() -> E820Text.parse(file))
                .isInstanceOf(MemoryMapException.class).hasMessageStartingWith("qemu.log:2: expected");
    }

    @Test
    void parse_missingFile_isAMemoryMapException(@TempDir Path dir) {
        assertThatThrownBy(() -> E820Text.parse(dir.resolve("absent.txt")))
                .isInstanceOf(MemoryMapException.class).hasMessageContaining("absent.txt: cannot be read");
    }

    /** The characters an E820 line is made of. */
    private static final String LINE_CHARS = "0123456789abcdefABCDEFx-[] \t\n";

    /**
     * Up to 255 characters, as jqwik's default strings were; each a printable ASCII character,
     * one of the characters an E820 line is made of, or any UTF-16 unit (control characters and
     * lone surrogates included).
     */
    static String text(Seeded.Case c) {
        int length = c.length(0, 255);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(switch (c.weighted(2, 1, 1)) {
                case 0 -> (char) c.between(0x20, 0x7E);
                case 1 -> LINE_CHARS.charAt(c.between(0, LINE_CHARS.length() - 1));
                default -> (char) c.between(0, 0xFFFF);
            });
        }
        return out.toString();
    }

    @Test
    void parse_randomText_returnsRegionsOrItsOwnError() {
        Seeded.cases("E820Text.parse_randomText", 300).run(c -> {
            String noise = text(c);
            String tail = text(c);
            c.given("noise '" + noise + "', tail '" + tail + "'");
            String text = noise + "\nBIOS-e820: " + tail + "\n[mem 0x" + tail;
            try {
                E820Text.parse("fuzz.txt", text);
            } catch (MemoryMapException e) {
                assertThat(e.getMessage()).startsWith("fuzz.txt");
            }
        });
    }
}
