package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void demo_default_bootKmmapThroughTheSlotTourStaleEntryKunmap() {
        CliRun run = CliRun.of("demo");
        assertThat(run.status()).as(run.err()).isZero();
        String out = run.out();
        assertThat(out).contains("Booted machine qemu-pc-16M", "kernel image [0x00100000, 0x00200000)")
                .contains("paging on").contains("identity mapping removed");
        // kmmap: the heap area's first page table is zeroed and filled through the slot.
        assertThat(out).contains("kmmap(12,388): 4 pages")
                .containsPattern("temporary slot: PTE 1023 = frame 0x[0-9A-F]+ \\(page table of PDE 772\\)")
                .contains("PTE 0 of PDE 772 (0xC1000000) = ")
                .contains("-> 0xC1000000; 5 frames taken (pages and page table); pagesBitmap now 01 10 10 11 00 00");
        // First access walks and sets A; the second hits the TLB.
        assertThat(out).containsPattern("1  0    read\\s+0xC0100000  0x00100000 .*miss\\s+A in PTE 256");
        assertThat(out).containsPattern("2  0    read\\s+0xC0100004  0x00100004 .*hit");
        assertThat(out).containsPattern("3  0    write\\s+0xC1002000  0x[0-9A-F]+ .*miss\\s+A in PTE 2, D in PTE 2");
        // Write to read-only kernel text with CR0.WP=1: P=1, W=1, U=0; user read of a supervisor page: P=1, U=1.
        assertThat(out).contains("CR2=0xC0100000 error code 0x3 = P=1 protection, W/R=1 write, U/S=0 supervisor");
        assertThat(out).contains("CR2=0xC1000000 error code 0x5 = P=1 protection, W/R=0 read, U/S=1 user");
        // The identity mapping is gone, NULL and the empty slot are not present.
        assertThat(out).contains("CR2=0x00100000 error code 0x0", "CR2=0x00000000 error code 0x0",
                "CR2=0xC03FF000 error code 0x0");
        assertThat(out).contains("-> 0x600DF00D  (the TLB still holds the old frame: stale)",
                "read again -> 0x0BADC0DE");
        assertThat(out).contains("PDE 772 = 0x00000000 (not present)")
                .contains("page table of PDE 772 was empty")
                .contains("-> 4 pages freed; 3,486 frames free, as before kmmap: yes");
    }

    @Test
    void demo_recursive_noSlotAndTablesThroughPde1023() {
        CliRun run = CliRun.of("demo", "--table-access", "recursive");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("temporary slot: PTE").contains("recursive: PDE 1023 points at the directory")
                .contains("INVLPG 0xFFF04000"); // the table's recursive window, dropped when PDE 772 goes
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
