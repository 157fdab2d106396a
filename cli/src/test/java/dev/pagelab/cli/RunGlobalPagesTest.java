package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code run --global-pages}: the kernel half global, so a process switch keeps the kernel's TLB entries. */
class RunGlobalPagesTest {
    @Test
    void run_globalPages_setsCr4PgeAndTheRunStaysGreen() {
        CliRun plain = CliRun.of("run", "../examples/two-processes-global.yaml");
        CliRun global = CliRun.of("run", "../examples/two-processes-global.yaml", "--global-pages");
        assertThat(plain.status()).as(plain.err()).isZero();
        assertThat(global.status()).as(global.err()).isZero();
        assertThat(plain.out()).doesNotContain("CR4.PGE set");
        assertThat(global.out()).contains("CR4.PGE set (CR4=0x00000080)", "4 KiB kernel pages, global)");
    }
}
