package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void help_noArguments_listsEveryCommand() {
        CliRun run = CliRun.of("--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("demo", "run", "explain", "bench", "Usage: pagelab");
    }

    @Test
    void run_noArguments_printsUsage() {
        CliRun run = CliRun.of();
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Commands:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "run", "explain", "bench"})
    void help_everyCommand_hasHelp(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: pagelab " + command, "--help", "--version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "run", "explain", "bench"})
    void version_everyCommand_printsVersion(String command) {
        CliRun run = CliRun.of(command, "--version");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("pagelab ");
    }

    @Test
    void run_unknownCommand_failsWithUsage() {
        CliRun run = CliRun.of("frobnicate");
        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("frobnicate");
    }

    @Test
    void outOfMemory_wrappedOrHppcs_isTheHeapRunningOut() {
        assertThat(Main.outOfMemory(new OutOfMemoryError("Java heap space"))).isTrue();
        assertThat(Main.outOfMemory(new IllegalStateException("cell", new OutOfMemoryError()))).isTrue();
        assertThat(Main.outOfMemory(new com.carrotsearch.hppc.BufferAllocationException(
                "Not enough memory to allocate buffers for rehashing: %,d -> %,d", 1, 2))).isTrue();
        assertThat(Main.outOfMemory(new IllegalArgumentException("bad input"))).isFalse();
        assertThat(Main.outOfMemory(new RuntimeException(new java.io.IOException("disk")))).isFalse();
    }
}
