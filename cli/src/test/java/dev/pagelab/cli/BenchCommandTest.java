package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Runs the benchmark for a few milliseconds: checks what it prints, never how fast it is. */
class BenchCommandTest {
    private static final String[] TINY = {"--seconds", "0.02", "--rounds", "1", "--warmup", "0.01"};

    private static CliRun translate(String... more) {
        String[] args = new String[2 + TINY.length + more.length];
        args[0] = "bench";
        args[1] = "translate";
        System.arraycopy(TINY, 0, args, 2, TINY.length);
        System.arraycopy(more, 0, args, 2 + TINY.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void translate_tinyRun_printsOneLinePerPattern() {
        CliRun run = translate();

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("translations/s", "TLB hits", "walks")
                .containsPattern("(?m)^tlb-hit\\s+\\d+\\.\\d M/s\\s+\\d+\\.\\d - +\\d+\\.\\d M/s\\s+\\d+\\.\\d%\\s+(99|100)\\.\\d\\d%\\s+\\d")
                .containsPattern("(?m)^walk\\s+\\d+\\.\\d M/s\\s+.*\\s0\\.00%\\s+[\\d,]+$");
        assertThat(run.err()).contains("tlb-hit: round 1/1", "walk: round 1/1");
    }

    @Test
    void translate_json_parsesWithPositiveNumbers() throws Exception {
        CliRun run = translate("--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("translate");
        assertThat(root.path("java").path("version").asText()).isNotBlank();
        assertThat(root.path("os").path("arch").asText()).isNotBlank();
        assertThat(root.path("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(root.path("settings").path("rounds").asInt()).isEqualTo(1);
        JsonNode results = root.path("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("pattern").asText()).isEqualTo("tlb-hit");
        assertThat(results.get(1).path("pattern").asText()).isEqualTo("walk");
        for (JsonNode r : results) {
            assertThat(r.path("translationsPerSecond").asDouble()).isPositive();
            assertThat(r.path("statistics").path("min").asDouble()).isPositive();
            assertThat(r.path("rounds")).hasSize(1);
            assertThat(r.path("rounds").get(0).path("translations").asLong()).isPositive();
            assertThat(r.path("rounds").get(0).path("seconds").asDouble()).isPositive();
            JsonNode c = r.path("counters");
            assertThat(c.path("accesses").asLong()).isEqualTo(r.path("rounds").get(0).path("translations").asLong());
            assertThat(c.path("faults").asLong()).isZero();
        }
        JsonNode walk = results.get(1).path("counters");
        assertThat(walk.path("walks").asLong()).isEqualTo(walk.path("accesses").asLong());
        assertThat(results.get(0).path("tlbHitRate").asDouble()).isGreaterThan(0.99);
    }

    @Test
    void translate_onePattern_runsOnlyThatOne() {
        CliRun run = translate("--pattern", "walk");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^walk ").doesNotContainPattern("(?m)^tlb-hit ");
    }

    @Test
    void translate_unknownPattern_namesTheChoices() {
        CliRun run = CliRun.of("bench", "translate", "--pattern", "miss");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("'miss'", "tlb-hit, walk or all", "Usage: pagelab bench translate");
    }

    @Test
    void translate_badNumbers_areRefusedBeforeRunning() {
        assertThat(CliRun.of("bench", "translate", "--rounds", "0").err()).contains("--rounds", "0", "1 or more");
        assertThat(CliRun.of("bench", "translate", "--seconds", "-1").err()).contains("--seconds", "-1.0");
        assertThat(CliRun.of("bench", "translate", "--seconds", "soon").err()).contains("--seconds", "soon");
        assertThat(CliRun.of("bench", "translate", "--warmup", "NaN").err()).contains("--warmup", "NaN");
        assertThat(CliRun.of("bench", "translate", "--rounds", "0").status()).isEqualTo(2);
    }

    @Test
    void bench_noSubcommand_printsUsageListingTranslate() {
        CliRun run = CliRun.of("bench");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: pagelab bench [-hV] [COMMAND]", "translate", "Commands:");
    }
}
