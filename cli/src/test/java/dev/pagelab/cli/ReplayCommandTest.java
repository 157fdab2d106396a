package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {
    private static final String TEXTBOOK = "7\n0\n1\n2\n0\n3\n0\n4\n2\n3\n0\n3\n2\n1\n2\n0\n1\n7\n0\n1\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void replay_textbookPlainTrace_printsFaultsPerPolicy() throws IOException {
        Path trace = write("textbook.txt", TEXTBOOK);
        CliRun run = CliRun.of("replay", trace.toString(), "--frames", "3", "--policy", "fifo,lru");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 process, 3 frames, local replacement, equal allocation: 3 (0 left over)",
                "textbook.txt: 20 references, 6 distinct pages");
        assertThat(run.out()).containsPattern("(?m)^  fifo\\s+15\\s+75.0000%\\s+0\\s+3$");
        assertThat(run.out()).containsPattern("(?m)^  lru \\s+12\\s+60.0000%\\s+0\\s+3$");
    }

    @Test
    void replay_json_hasTheDocumentedFields() throws IOException {
        Path a = write("a.vmsim", "0x1000 W\n0x2000 R\n0x1000 R\n0x3000 W\n");
        Path b = write("b.vmsim", "0x1000 R\n0x1000 W\n0x5000 R\n");
        CliRun run = CliRun.of("replay", a.toString(), b.toString(), "--frames", "4", "--policy", "lru",
                "--policy", "fifo", "--scope", "global", "--quantum", "2", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("frames").asInt()).isEqualTo(4);
        assertThat(root.get("scope").asText()).isEqualTo("global");
        assertThat(root.get("allocation").isNull()).isTrue();
        JsonNode policies = root.get("policies");
        assertThat(policies).hasSize(2);
        assertThat(policies.get(0).get("policy").asText()).isEqualTo("lru");
        JsonNode processes = policies.get(0).get("processes");
        assertThat(processes).hasSize(2);
        assertThat(processes.get(0).get("pid").asInt()).isZero();
        assertThat(processes.get(0).get("trace").asText()).endsWith("a.vmsim");
        assertThat(processes.get(0).get("references").asLong()).isEqualTo(4);
        assertThat(processes.get(1).get("references").asLong()).isEqualTo(3);
        // 4 frames hold all 5 pages but one: a1 a2 | b1 b1 | a1 a3 | b5 → 5 distinct pages, 4 frames:
        // LRU evicts a2 (least recent) for b5; no dirty page was evicted... a2 is clean.
        assertThat(policies.get(0).get("total").get("faults").asLong()).isEqualTo(5);
        assertThat(policies.get(0).get("total").get("writebacks").asLong()).isZero();
        assertThat(policies.get(0).get("total").get("references").asLong()).isEqualTo(7);
        for (JsonNode p : processes) {
            assertThat(p.has("faults") && p.has("writebacks") && p.has("frames")).isTrue();
        }
    }

    @Test
    void replay_csv_rowPerProcessAndTotal() throws IOException {
        Path a = write("a.txt", "1\n2\n3\n");
        Path b = write("b.txt", "1\n1\n");
        CliRun run = CliRun.of("replay", a.toString(), b.toString(), "--frames", "12", "--policy", "lru", "--csv");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "policy,pid,trace,pages,references,faults,fault_rate,writebacks,frames,quota",
                "lru,0," + a + ",3,3,3,1.000000,0,3,6",
                "lru,1," + b + ",1,2,1,0.500000,0,1,6",
                "lru,total,,4,5,4,0.800000,0,4,12");
    }

    @Test
    void replay_gzipLackeyLog_detectedAndReplayed() throws IOException {
        Path trace = dir.resolve("tiny.lackey.gz");
        String log = "==1== Lackey\nI  04000ffe,4\n S 7ff000ffc,8\n L 04001000,4\n M 7ff001000,4\n";
        try (var out = new GZIPOutputStream(Files.newOutputStream(trace))) {
            out.write(log.getBytes());
        }
        CliRun run = CliRun.of("replay", trace.toString(), "--frames", "8", "--policy", "lru", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode total = new ObjectMapper().readTree(run.out()).get("policies").get(0).get("total");
        // I straddles 0x4000/0x4001 (2 refs), S straddles 0x7ff000/0x7ff001 (2), L 0x4001, M 0x7ff001: 6 refs, 4 pages.
        assertThat(total.get("references").asLong()).isEqualTo(6);
        assertThat(total.get("faults").asLong()).isEqualTo(4);
    }

    @Test
    void replay_belowTheMinimum_exit2WithTheNumbers() throws IOException {
        Path a = write("a.txt", "1\n");
        Path b = write("b.txt", "1\n");
        CliRun run = CliRun.of("replay", a.toString(), b.toString(), "--frames", "10", "--policy", "lru");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("gives process 0 5 frames, below the minimum of 6 per process");
    }

    @Test
    void replay_badInput_exit2NamingFileAndLine() throws IOException {
        Path bad = write("bad.txt", "1\n2\nthree\n");
        CliRun run = CliRun.of("replay", bad.toString(), "--frames", "3", "--policy", "lru", "--format", "plain");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("bad.txt", "line 3").doesNotContain("at dev.pagelab");
        CliRun missing = CliRun.of("replay", dir.resolve("nope.txt").toString(), "--frames", "3", "--policy", "lru");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.txt");
    }

    @Test
    void replay_badOptions_exit2() throws IOException {
        Path a = write("a.txt", "1\n");
        assertThat(CliRun.of("replay", a.toString(), "--frames", "3", "--policy", "lur").err())
                .contains("unknown policy 'lur'");
        assertThat(CliRun.of("replay", a.toString(), "--frames", "3", "--policy", "lru", "--scope", "both").status())
                .isEqualTo(2);
        assertThat(CliRun.of("replay", a.toString(), "--frames", "0", "--policy", "lru").err())
                .contains("frames must be at least 1");
        assertThat(CliRun.of("replay", a.toString(), "--frames", "3", "--policy", "lru", "--json", "--csv").status())
                .isEqualTo(2);
    }

    @Test
    void replay_listPolicies_namesEveryRegisteredPolicy() {
        CliRun run = CliRun.of("replay", "--list-policies");
        assertThat(run.status()).isZero();
        for (String name : dev.pagelab.replace.PolicyRegistry.builtIn().names()) {
            assertThat(run.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(name) + " ");
        }
    }

    @Test
    void replay_help_documentsTheSemantics() {
        CliRun run = CliRun.of("replay", "--help");
        assertThat(run.out()).contains("lowest-", "write-back", "round-robin", "Local scope", "Global scope",
                "floor(m/N)", "Minimum", "OPT", "Clock", "--clock-load-bit");
    }
}
