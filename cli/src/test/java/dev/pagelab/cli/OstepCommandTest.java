package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.ostep.Ostep;
import dev.pagelab.ostep.OstepEnvironment;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pagelab ostep}: the modes get their arguments untouched (picocli's {@code -h},
 * {@code --}, {@code @file} and option syntax stay out of the way), print what the core mode
 * prints, and return its status.
 */
class OstepCommandTest {
    private static String core(String mode, String... args) {
        StringWriter out = new StringWriter();
        Ostep.run(mode, List.of(args), OstepEnvironment.current(), out, new StringWriter());
        return out.toString();
    }

    @Test
    void pagingPolicy_solve_sameAsCoreMode() {
        CliRun run = CliRun.of("ostep", "paging-policy", "-s", "0", "-n", "10", "-p", "LRU", "-c");
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(core("paging-policy", "-s", "0", "-n", "10", "-p", "LRU", "-c"));
        assertThat(run.out()).startsWith("ARG addresses -1\n").contains("FINALSTATS hits ");
    }

    @Test
    void help_dashH_scriptsHelpPlusVersionLine() {
        CliRun run = CliRun.of("ostep", "malloc", "-h");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("Usage: malloc.py [options]\n\nOptions:\n  -h, --help            show this help")
                .endsWith(Ostep.follows("malloc") + "\n");
        assertThat(CliRun.of("ostep", "malloc", "--help").out()).isEqualTo(run.out());
    }

    @Test
    void arguments_doubleDashAndAtFile_reachTheScript() {
        // optparse: "--" ends the options, so -c after it is a positional argument: no answers.
        CliRun dashes = CliRun.of("ostep", "paging-policy", "--", "-c");
        assertThat(dashes.status()).isZero();
        assertThat(dashes.out()).contains("Access: ").doesNotContain("FINALSTATS");
        // "@x" is an ordinary value to the script, not a file for picocli to expand.
        CliRun at = CliRun.of("ostep", "paging-policy", "-p", "@nosuchfile");
        assertThat(at.status()).isZero();
        assertThat(at.out()).contains("ARG policy @nosuchfile");
    }

    @Test
    void parse_badIntegerValue_optparseMessageAndStatus2() {
        CliRun run = CliRun.of("ostep", "paging-multilevel-translate", "-s", "x");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("Usage: paging-multilevel-translate.py [options]\n\n"
                + "paging-multilevel-translate.py: error: option -s: invalid integer value: 'x'\n");
    }

    @Test
    void run_badNumaddrs_lastTracebackLineAndStatus1() {
        CliRun run = CliRun.of("ostep", "paging-policy", "-n", "ten");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).startsWith("ARG addresses -1\n");
        assertThat(run.err()).isEqualTo("ValueError: invalid literal for int() with base 10: 'ten'\n");
    }

    @Test
    void pagelabSwitch_pagingPolicy_replayAgreesWithScript() {
        CliRun run = CliRun.of("ostep", "paging-policy", "-s", "0", "-n", "50", "-p", "LRU", "-C", "4", "--pagelab");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("policy LRU = pagelab's lru", "The counts agree.",
                "pagelab replay FILE --frames 4 --policy lru --scope global");
    }

    @Test
    void pagelabSwitch_multilevel_printsExplainWalks() {
        CliRun run = CliRun.of("ostep", "paging-multilevel-translate", "-s", "0", "-n", "3", "--pagelab");
        assertThat(run.status()).as(run.err()).isZero();
        // seed 0's first address, 0x611c, is PDE 24, PTE 8, offset 0x1c; the script's answer: 0x6bc, value 08.
        assertThat(run.out()).contains("Virtual Address 611c = linear address 0x0600801C", "PDE 24 at ", "PTE 8 at ",
                "value: 08\nthe script: Translates to Physical Address 0x6bc --> Value: 08\n");
    }

    @Test
    void ostep_noMode_listsTheModes() {
        CliRun run = CliRun.of("ostep");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("paging-policy", "malloc", "paging-multilevel-translate",
                "paging-linear-translate", "quirks");
        assertThat(CliRun.of("help", "ostep", "malloc").out()).contains("malloc.py: a free list");
    }

    @Test
    void quirks_all_listedWithinEightyColumns() {
        CliRun run = CliRun.of("ostep", "quirks");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("clock-random-probes:", "opt-ties-rightmost:", "malloc-align-before-header:",
                "malloc-front-split:", "malloc-list-adjacent-coalesce:", "malloc-returned-value:");
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void benchOstep_tinyRun_reportsTheSameAnswersAsTheMode() {
        CliRun run = CliRun.of("bench", "ostep", "-n", "2000", "--warmup", "0", "--rounds", "1", "-p", "LRU,OPT");
        assertThat(run.status()).as(run.err()).isZero();
        for (String policy : List.of("LRU", "OPT")) {
            String stats = core("paging-policy", "-s", "0", "-n", "2000", "-m", "200", "-C", "100", "-p", policy, "-c",
                    "-N").lines().filter(l -> l.startsWith("FINALSTATS")).findFirst().orElseThrow();
            assertThat(run.out()).containsPattern("(?m)^  " + policy + " .*" + stats.replace("FINALSTATS ", ""));
        }
    }

    @Test
    void benchOstep_badOptions_refusedBeforeRunning() {
        assertThat(CliRun.of("bench", "ostep", "--rounds", "0").err()).contains("--rounds", "expected 1 to 10,000");
        assertThat(CliRun.of("bench", "ostep", "--policy", "LFU").err()).contains("--policy", "'LFU'", "CLOCK");
        assertThat(CliRun.of("bench", "ostep", "--references", "0").status()).isEqualTo(2);
    }
}
