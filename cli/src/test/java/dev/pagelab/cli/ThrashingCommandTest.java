package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThrashingCommandTest {
    @Test
    void thrashing_fewAndMany_showsGlobalClockCollapsingAndLoadControlHolding() {
        CliRun run = CliRun.of("thrashing", "--processes", "2,12", "--references", "300000", "--controlled", "ws");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("clock, global", "ws, load control", "faults/Mref", "suspended")
                .containsPattern("clock, global: +CPU peaks at +\\d+ % with N = 2; +\\d+ % with N = 12: thrashing")
                .containsPattern("ws, load control: +CPU peaks at +\\d+ % with N = \\d+; +\\d+ % with N = 12\\n");
    }

    @Test
    void thrashing_badInput_exit2WithTheOption() {
        CliRun fixed = CliRun.of("thrashing", "--controlled", "clock");
        assertThat(fixed.status()).isEqualTo(2);
        assertThat(fixed.err()).contains("--controlled: clock is not a variable-allocation policy").doesNotContain("\tat ");
        CliRun zero = CliRun.of("thrashing", "--processes", "0");
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err()).contains("--processes: each N must be 1 to 64, not 0");
        CliRun locality = CliRun.of("thrashing", "--locality", "2");
        assertThat(locality.status()).isEqualTo(2);
        assertThat(locality.err()).contains("locality and writes are shares from 0 to 1");
    }
}
