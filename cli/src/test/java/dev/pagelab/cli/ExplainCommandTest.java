package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExplainCommandTest {
    @Test
    void explain_kernelText_showsBothLevelsAndRights() {
        CliRun run = CliRun.of("explain", "0xC0100000");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("directory index 768", "table index 256")
                .contains("PDE 768 at 0x001C0C00 = 0x001C2003")
                .contains("PTE 256 at 0x001C2400 = 0x00100001")
                .contains("physical address 0x00100000")
                .containsPattern("CPL 0 read\\s+ok -> 0x00100000")
                .containsPattern("CPL 0 write #PF error code 0x3")
                .containsPattern("CPL 3 read\\s+#PF error code 0x5")
                .containsPattern("CPL 3 write #PF error code 0x7");
    }

    @Test
    void explain_largePage_usesPdeAddressBits() {
        CliRun run = CliRun.of("explain", "C0400123h");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("-> 4 MiB page at 0x00400000", "physical address 0x00400123")
                .doesNotContain("PTE ");
    }

    @Test
    void explain_severalAddresses_decimalToo() {
        CliRun run = CliRun.of("explain", "0", "134512640");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("not mapped: the page-table entry is not present")
                .contains("linear address 0x08048000").containsPattern("CPL 3 write ok -> 0x00800000");
    }

    @Test
    void explain_notANumber_namesTheInput() {
        CliRun run = CliRun.of("explain", "0xZZ");
        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("'0xZZ'");
    }

    @Test
    void explain_past32Bits_refused() {
        CliRun run = CliRun.of("explain", "0x100000000");
        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("past 0xFFFFFFFF");
    }
}
