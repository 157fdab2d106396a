package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCommandTest {
    private static final String LACKEY = """
            ==7== Lackey, an example Valgrind tool
            I  00400ffe,4
             L 1fff000688,8
             S 00403ffc,8
             M 00404010,4
            I  00401000,2
            ==7== done
            """;

    private static final String VMSIM_PIDS = """
            0x1000 R 0
            0x1fff W 0
            0x2000 r 1
            0x1000 w 1
            """;

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        if (name.endsWith(".gz")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            bytes = out.toByteArray();
        }
        Files.write(file, bytes);
        return file;
    }

    private static List<String> pagesOf(Path file, TraceOptions options) throws IOException {
        List<String> refs = new ArrayList<>();
        try (TraceReader reader = Traces.open(file, options)) {
            TraceBlock block = new TraceBlock(3);
            while (reader.read(block) > 0) {
                for (int i = 0; i < block.size; i++) {
                    refs.add(Long.toHexString(block.pages[i]) + "/" + block.kinds[i] + "/" + block.pids[i]);
                }
            }
        }
        return refs;
    }

    @Test
    void stats_gzippedLackeyLog_printsKindsWritesAndDistinctPages() throws IOException {
        Path log = file("ls.lackey.gz", LACKEY);

        CliRun run = CliRun.of("trace", "stats", log.toString());

        assertThat(run.status()).as(run.err()).isZero();
        // The fetch at 0x400ffe straddles pages 0x400 and 0x401; the store at 0x403ffc too (0x403, 0x404).
        assertThat(run.out()).isEqualTo(String.format("""
                %s: lackey, gzip, 4,096-byte pages
                  references                     7
                    read                         1  (14.3%%)
                    write                        2  (28.6%%)
                    modify                       1  (14.3%%)
                    fetch                        3  (42.9%%)
                  writes                         3  (42.9%%)
                  distinct pages                 5
                """, log));
    }

    @Test
    void stats_noInstructionsAndPageSize_changeTheCounts() throws IOException {
        Path log = file("ls.lackey", LACKEY);

        CliRun run = CliRun.of("trace", "stats", log.toString(), "--no-instructions", "--page-size", "2M");

        assertThat(run.status()).as(run.err()).isZero();
        // With 2 MiB pages the store at 0x403ffc no longer straddles: L, S and M are three references.
        assertThat(run.out()).contains(": lackey, 2,097,152-byte pages", "  references                     3\n",
                "    fetch                        0  (0.0%)", "  distinct pages                 2\n");
    }

    @Test
    void stats_vmsimWithPids_printsPerProcessAndJson() throws IOException {
        Path trace = file("two.vmsim", VMSIM_PIDS);

        CliRun text = CliRun.of("trace", "stats", trace.toString());
        CliRun json = CliRun.of("trace", "stats", trace.toString(), trace.toString(), "--json");

        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).contains("""
                  per process:
                           pid      references          writes  distinct pages
                             0               2               1               1
                             1               2               1               2
                """);
        assertThat(json.status()).as(json.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("traces")).hasSize(2);
        JsonNode t = root.get("traces").get(0);
        assertThat(t.get("trace").asText()).isEqualTo(trace.toString());
        assertThat(t.get("format").asText()).isEqualTo("vmsim");
        assertThat(t.get("compression").asText()).isEqualTo("none");
        assertThat(t.get("pageSize").asInt()).isEqualTo(4096);
        assertThat(t.get("references").asLong()).isEqualTo(4);
        assertThat(t.get("kinds").get("write").asLong()).isEqualTo(2);
        assertThat(t.get("writes").asLong()).isEqualTo(2);
        assertThat(t.get("distinctPages").asLong()).isEqualTo(3);
        assertThat(t.get("hasPids").asBoolean()).isTrue();
        assertThat(t.get("processes").get(1).get("pid").asInt()).isEqualTo(1);
        assertThat(t.get("processes").get(1).get("distinctPages").asLong()).isEqualTo(2);
    }

    @Test
    void stats_badLine_isOneLineWithFileAndLineAndExitTwo() throws IOException {
        Path trace = file("bad.txt", "1\n2\nthree\n");

        CliRun run = CliRun.of("trace", "stats", trace.toString(), "--format", "plain");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("pagelab trace stats: " + trace + ", line 3: found 'three', expected a page number"
                + " (decimal up to 2^64-1, or hex with 0x) alone on the line, a blank line or a # comment\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void stats_missingFileUndetectableFormatBadOptions_areOneLineErrors() throws IOException {
        Path missing = dir.resolve("missing.txt");
        CliRun noFile = CliRun.of("trace", "stats", missing.toString());
        assertThat(noFile.status()).isEqualTo(2);
        assertThat(noFile.err()).isEqualTo("pagelab trace stats: " + missing + ": no such file\n");

        Path prose = file("prose.txt", "hello world\n");
        CliRun undetectable = CliRun.of("trace", "stats", prose.toString());
        assertThat(undetectable.status()).isEqualTo(2);
        assertThat(undetectable.err()).startsWith("pagelab trace stats: " + prose + ", line 1: cannot detect the format")
                .contains("--format forces one").hasLineCount(1);

        CliRun badFormat = CliRun.of("trace", "stats", prose.toString(), "--format", "csv");
        assertThat(badFormat.status()).isEqualTo(2);
        assertThat(badFormat.err()).contains("unknown trace format 'csv' (expected one of lackey, plain, vmsim,"
                + " oracle-general)");

        CliRun badPage = CliRun.of("trace", "stats", prose.toString(), "--page-size", "3000");
        assertThat(badPage.status()).isEqualTo(2);
        assertThat(badPage.err()).contains("Invalid value for option '--page-size': page size 3000 bytes: expected a"
                + " power of two");
    }

    @Test
    void convert_lackeyToEachFormat_readsBackTheSamePages() throws IOException {
        Path log = file("ls.lackey", LACKEY);
        List<String> original = pagesOf(log, TraceOptions.DEFAULTS);

        for (String target : new String[] {"plain", "vmsim", "oracle-general"}) {
            for (String suffix : new String[] {"", ".gz", ".zst"}) {
                Path out = dir.resolve("ls." + target + suffix);
                CliRun run = CliRun.of("trace", "convert", log.toString(), out.toString(), "--to", target);

                assertThat(run.status()).as(target + suffix + ": " + run.err()).isZero();
                assertThat(run.out()).as(target + suffix).startsWith(log + " (lackey) -> " + out + " (" + target
                        + (suffix.isEmpty() ? "" : suffix.equals(".gz") ? ", gzip" : ", zstd") + "): 7 references\n");
                List<String> back = pagesOf(out, TraceOptions.DEFAULTS);
                assertThat(back).as(target + suffix).hasSize(original.size());
                for (int i = 0; i < back.size(); i++) {
                    assertThat(back.get(i).split("/")[0]).as(target + suffix + " reference " + i)
                            .isEqualTo(original.get(i).split("/")[0]);
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no partial file is left")
                    .noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void convert_reportsWhatTheTargetDrops() throws IOException {
        Path log = file("ls.lackey", LACKEY);
        Path vmsim = file("two.vmsim", VMSIM_PIDS);

        CliRun toVmsim = CliRun.of("trace", "convert", log.toString(), dir.resolve("a.vmsim").toString(), "--to", "vmsim");
        CliRun toPlain = CliRun.of("trace", "convert", vmsim.toString(), dir.resolve("b.txt").toString(), "--to", "plain");
        CliRun keepPids = CliRun.of("trace", "convert", vmsim.toString(), dir.resolve("c.vmsim").toString(), "--to",
                "vmsim");

        assertThat(toVmsim.out()).contains("  merged: 3 instruction fetches written as R, 1 modifies as W");
        assertThat(toPlain.out()).contains("  dropped: 2 writes are reads now (plain has no kinds)",
                "  dropped: the pids (plain has none");
        assertThat(keepPids.out()).doesNotContain("dropped", "merged");
        assertThat(Files.readString(dir.resolve("c.vmsim"))).isEqualTo("0x1000 R 0\n0x1000 W 0\n0x2000 R 1\n0x1000 W 1\n");
    }

    @Test
    void convert_badInputOrTarget_leavesNoOutput() throws IOException {
        Path bad = file("bad.vmsim", "1000 R\n2000 X\n");
        Path out = dir.resolve("out.txt");

        CliRun badInput = CliRun.of("trace", "convert", bad.toString(), out.toString(), "--to", "plain", "--format",
                "vmsim");
        CliRun toLackey = CliRun.of("trace", "convert", bad.toString(), out.toString(), "--to", "lackey");

        assertThat(badInput.status()).isEqualTo(2);
        assertThat(badInput.err()).isEqualTo("pagelab trace convert: " + bad + ", line 2: found '2000 X', expected"
                + " 'ADDRESS R|W' or 'ADDRESS R|W PID' (ADDRESS in hex, 0x optional; PID decimal), a blank line or a #"
                + " comment\n");
        CliRun noFolder = CliRun.of("trace", "convert", bad.toString(), dir.resolve("nowhere/out.txt").toString(), "--to",
                "plain");
        assertThat(noFolder.status()).isEqualTo(2);
        assertThat(noFolder.err()).startsWith("Cannot write " + dir.resolve("nowhere/out.txt") + ": there is no folder "
                + dir.resolve("nowhere"));
        assertThat(toLackey.status()).isEqualTo(2);
        assertThat(toLackey.err()).contains("Invalid value for option '--to': 'lackey' (expected plain, vmsim or"
                + " oracle-general; lackey is read only)");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bad.vmsim");
        }
    }

    @Test
    void help_documentsEveryFormatAndFitsEightyColumns() {
        for (String command : new String[] {"stats", "convert"}) {
            CliRun run = CliRun.of("trace", command, "--help");

            assertThat(run.status()).isZero();
            assertThat(run.out()).contains("lackey ", "plain ", "vmsim ", "oracle-general ", "straddles",
                    "--no-instructions", "--page-size", "--format");
            assertThat(run.out().lines()).as(command).allMatch(line -> line.length() <= 80);
        }
        assertThat(CliRun.of("--help").out()).contains("trace");
        assertThat(TraceFormat.values()).hasSize(4);
    }
}
