package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void demo_defaultTlb_showsTranslationsFaultsAndStaleEntry() {
        CliRun run = CliRun.of("demo");
        assertThat(run.status()).isZero();
        String out = run.out();
        // First access walks and sets A in both levels; the second hits the TLB.
        assertThat(out).containsPattern("1  0    read\\s+0xC0100000  0x00100000 .*miss\\s+A in PDE 768, A in PTE 256");
        assertThat(out).containsPattern("2  0    read\\s+0xC0100004  0x00100004 .*hit");
        // Write to read-only kernel text with CR0.WP=1: P=1, W=1, U=0.
        assertThat(out).contains("CR2=0xC0100000 error code 0x3 = P=1 protection, W/R=1 write, U/S=0 supervisor");
        // User read of a supervisor page: P=1, W=0, U=1.
        assertThat(out).contains("error code 0x5 = P=1 protection, W/R=0 read, U/S=1 user");
        // NULL and an empty directory entry: not present.
        assertThat(out).contains("CR2=0x00000000 error code 0x0", "CR2=0xD0000000 error code 0x0");
        // The hole reads as 0xFF bytes.
        assertThat(out).containsPattern("0xC00B8000  0x000B8000  0xFFFFFFFF");
        assertThat(out).containsPattern("3  0    write\\s+0xC01A0000  0x001A0000 .*miss\\s+A in PTE 416, D in PTE 416");
        assertThat(out).contains("Booted qemu-pc-16M", "kernel image [0x00100000, 0x00200000)");
        // The stale entry, then the fresh one after INVLPG.
        assertThat(out).contains("-> 0x600DF00D  (the TLB still holds the old frame: stale)",
                "read again -> 0x0BADC0DE");
    }

    @Test
    void demo_noTlb_walksEveryTimeAndNeverStale() {
        CliRun run = CliRun.of("demo", "--no-tlb");
        assertThat(run.status()).isZero();
        assertThat(run.out()).doesNotContain(" hit ").contains("(no TLB: the walk sees the new PTE at once)")
                .contains("0 TLB hits");
    }

    @Test
    void demo_badTlbShape_reportsTheValues() {
        CliRun run = CliRun.of("demo", "--tlb-entries", "48", "--tlb-ways", "5");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("48", "5-way");
    }
}
