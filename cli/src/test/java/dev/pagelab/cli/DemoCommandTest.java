package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void demo_default_runsTheBundledWalkthrough() {
        CliRun run = CliRun.of("demo");

        assertThat(run.status()).as(run.err()).isZero();
        String out = run.out();
        assertThat(out).startsWith("pagelab demo: examples/seeds-walkthrough.yaml\nThe seeds' walk-through")
                .contains("Booted machine qemu-pc-16M", "paging on", "identity mapping removed");
        // mapPage through the temporary slot: the new table is zeroed and filled through PTE 1023.
        assertThat(out).containsPattern("mapPage 0x00400000 frame \\$page writable user  =>  mapped 0x00400000 -> frame"
                        + " 0x[0-9A-F]{8} \\(new page table in frame 0x[0-9A-F]{8}\\)")
                .containsPattern("\\| temporary slot: PTE 1023 = frame 0x[0-9A-F]{8} \\(page table of PDE 1\\)")
                .containsPattern("\\| PTE 0 of PDE 1 \\(0x00400000\\) = 0x[0-9A-F]{5}007 \\(P R/W U/S\\)")
                .contains("| temporary slot: PTE 1023 = 0, INVLPG 0xC03FF000");
        // The MMU: A and D bits, a user fault with its error code, a walk explained.
        assertThat(out).contains("TLB miss; A set in PDE 1, A set in PTE 0, D set in PTE 0")
                .contains("#PF at 0xC0100000 error code 0x5 (P=1 protection, W/R=0 read, U/S=1 user, RSVD=0)")
                .contains("(failed as expected)", "CPL 3 write ok -> ");
        // kmmap, the pagesBitmap, kunmap, the heap.
        assertThat(out).contains("kmmap 12388 as buffer  =>  0xC1000000 (4 pages", "0xC1000000  01 10 10 11 00",
                "| morecore: kmmap(4 pages) = 0xC1000000, the first chunk", "read $a-8  =>  0x00000327");
        assertThat(out).contains("0 failed, 0 not run", "Next: pagelab run examples/stale-tlb.yaml");
    }

    @Test
    void demo_recursive_noSlotAndTablesThroughPde1023() {
        CliRun run = CliRun.of("demo", "--table-access", "recursive");

        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain("temporary slot: PTE").contains("recursive: PDE 1023 points at the directory")
                // PDE 1's new table shows up at its recursive window, 0xFFC00000 + 1 * 4 KiB.
                .containsPattern("pages \\+2 \\(0x00400000 -> 0x[0-9A-F]{8} RW USR, 0xFFC01000 -> 0x[0-9A-F]{8} RW\\)");
    }

    @Test
    void demo_noTlb_walksEveryTime() {
        CliRun run = CliRun.of("demo", "--no-tlb");

        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain("; TLB hit").contains("; TLB walk", " 0 TLB hits", "TLB (off)");
    }

    @Test
    void demo_json_isTheEventLog() throws IOException {
        CliRun run = CliRun.of("demo", "--json");

        assertThat(run.status()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.at("/scenario/source").asText()).isEqualTo("examples/seeds-walkthrough.yaml");
        assertThat(root.at("/scenario/onError").asText()).isEqualTo("continue");
        assertThat(root.get("events").size()).isGreaterThan(20);
    }

    @Test
    void demo_badOption_exitTwoNamingIt() {
        CliRun run = CliRun.of("demo", "--allocator", "slab");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("pagelab demo: unknown frame allocator 'slab'");
    }
}
