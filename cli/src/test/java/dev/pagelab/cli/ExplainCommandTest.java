package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ExplainCommandTest {
    @Test
    void explain_kernelText_showsBothLevelsAndRights() {
        CliRun run = CliRun.of("explain", "0xC0100000");
        assertThat(run.status()).as(run.err()).isZero();
        // qemu-pc-128M, bitmap: its bitmap takes frame 0x200, the directory 0x201, the kernel's table 0x202.
        assertThat(run.out())
                .contains("directory index 768", "table index 256")
                .contains("PDE 768 at 0x00201C00 = 0x00202023")
                .contains("PTE 256 at 0x00202400 = 0x00100001")
                .contains("physical address 0x00100000")
                .containsPattern("CPL 0 read\\s+ok -> 0x00100000")
                .containsPattern("CPL 0 write #PF error code 0x3")
                .containsPattern("CPL 3 read\\s+#PF error code 0x5")
                .containsPattern("CPL 3 write #PF error code 0x7");
    }

    @Test
    void explain_largePages_usesPdeAddressBits() {
        CliRun run = CliRun.of("explain", "0xC0100123", "--large-pages", "--table-access", "recursive");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("-> 4 MiB page at 0x00000000", "physical address 0x00100123")
                .doesNotContain("PTE ");
    }

    @Test
    void explain_severalAddressesDecimalToo_temporarySlotEmpty() {
        CliRun run = CliRun.of("explain", "3225415680", "0x1000");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("linear address 0xC03FF000", "PTE 1023 at 0x00202FFC = 0x00000000")
                .contains("not mapped: the page-table entry is not present")
                .contains("linear address 0x00001000", "not mapped: the page-directory entry is not present");
    }

    @Test
    void explain_recursive_directorySeenAsAPage() {
        CliRun run = CliRun.of("explain", "0xFFFFF000", "--table-access", "recursive", "--machine", "qemu-pc-16M");
        assertThat(run.out()).contains("PDE 1023 at 0x00201FFC", "physical address 0x00201000");
    }

    @Test
    void explain_json_rawEntriesPaddrAndRights() throws Exception {
        CliRun run = CliRun.of("explain", "0xC01A0000", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode walk = new ObjectMapper().readTree(run.out());
        assertThat(walk.get("vaddr").asLong()).isEqualTo(0xC01A_0000L);
        assertThat(walk.get("pde").asLong() & ~0x20L).isEqualTo(0x0020_2003L);
        assertThat(walk.get("pte").asLong() & ~0x60L).isEqualTo(0x001A_0003L);
        assertThat(walk.get("paddr").asLong()).isEqualTo(0x1A_0000L);
        assertThat(walk.get("user").asBoolean()).isFalse();
        assertThat(walk.get("writable").asBoolean()).isTrue();
    }

    @Test
    void explain_jsonNotMapped_noPteNoPaddrAndAnArrayForSeveral() throws Exception {
        CliRun run = CliRun.of("explain", "0x1000", "0xC03FF000", "--json");
        JsonNode walks = new ObjectMapper().readTree(run.out());
        assertThat(walks.isArray()).isTrue();
        assertThat(walks.get(0).get("pde").asLong()).isZero();
        assertThat(walks.get(0).has("pte")).isFalse();
        assertThat(walks.get(0).has("paddr")).isFalse();
        assertThat(walks.get(1).get("pte").asLong()).isZero();
        assertThat(walks.get(1).get("verdicts").get(0).get("errorCode").asInt()).isZero();
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
