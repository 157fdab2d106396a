package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    private static final String BELADY = "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static void assertBadOption(CliRun run, String... parts) {
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).contains(parts).doesNotContain("Exception", "\tat ");
    }

    @Test
    void sweep_classicString_writesResultsChartsAndFlagsBelady() throws IOException {
        Path trace = write("belady.txt", BELADY);
        Path out = dir.resolve("out");

        CliRun run = CliRun.of("sweep", trace.toString(), "--policy", "fifo,lru", "--frames", "1..5", "--out",
                out.toString(), "--chart", "--quiet", "--jobs", "2");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("pagelab sweep: 10 cells: 1 trace set x 1 scope-allocation pair x 1 quantum"
                        + " x 2 policies x 5 frame counts",
                "10 computed now, 0 done before, 0 refused",
                "Belady check: faults rise with more frames 1 time:",
                "  fifo on belady.txt (local equal, quantum 1000): 9 faults with 3 frames, 10 with 4",
                "miss-ratio.png", "belady.svg", "working-set.png");
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertThat(rows.get(0)).isEqualTo("trace,policy,frames,scope,allocation,quantum,pid,process,pages,references,"
                + "faults,fault_rate,writebacks,quota,method,elapsed_s");
        assertThat(rows).hasSize(1 + 10 * 2);
        assertThat(rows.get(5)).startsWith("belady.txt,fifo,3,local,equal,1000,0,belady.txt,5,12,9,0.750000,0,3,replay,");
        assertThat(rows.get(7)).startsWith("belady.txt,fifo,4,local,equal,1000,0,belady.txt,5,12,10,0.833333,0,4,replay,");
        JsonNode spec = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertThat(spec.get("traces").get(0).get("sha256").asText())
                .isEqualTo(sha256(BELADY)).hasSize(64);
        assertThat(spec.get("traces").get(0).get("bytes").asLong()).isEqualTo(BELADY.length());
        assertThat(spec.get("frames").toString()).isEqualTo("[1,2,3,4,5]");
        assertThat(spec.get("pagelab").asText()).startsWith("pagelab ");
        assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(10);
        assertThat(out.resolve("belady.png")).isNotEmptyFile();
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sweep_noCurves_replaysLruAndOptToTheSameCountsAsTheirCurves() throws IOException {
        // A vmsim trace of reads and writes: OPT's write-backs from its curve must equal its replays'.
        StringBuilder text = new StringBuilder();
        java.util.random.RandomGenerator random = java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(7);
        for (int i = 0; i < 3_000; i++) {
            long page = random.nextInt(i % 400 < 200 ? 12 : 60);
            text.append(Long.toHexString(page * 4096)).append(random.nextInt(5) == 0 ? " W\n" : " R\n");
        }
        Path trace = write("rw.vmsim", text.toString());
        String[] common = {"sweep", trace.toString(), "-p", "lru,opt", "-m", "2..40+2", "--scope", "global",
            "--quiet"};
        CliRun curves = CliRun.of(concat(common, "-o", dir.resolve("curves").toString()));
        CliRun replays = CliRun.of(concat(common, "-o", dir.resolve("replays").toString(), "--no-curves"));

        assertThat(curves.status()).as(curves.err()).isZero();
        assertThat(replays.status()).as(replays.err()).isZero();
        assertThat(curves.out()).contains("cells: 40 from one-pass curves");
        assertThat(replays.out()).doesNotContain("one-pass");
        List<String> fromCurves = Files.readAllLines(dir.resolve("curves/results.csv"));
        List<String> fromReplays = Files.readAllLines(dir.resolve("replays/results.csv"));
        assertThat(fromCurves).hasSize(fromReplays.size()).hasSize(1 + 40 * 2);
        long writebacks = 0;
        for (int i = 1; i < fromCurves.size(); i++) {
            String[] c = fromCurves.get(i).split(",", -1);
            String[] r = fromReplays.get(i).split(",", -1);
            assertThat(List.of(c).subList(0, 14)).as("row %d", i).isEqualTo(List.of(r).subList(0, 14));
            assertThat(c[14]).isEqualTo("one-pass");
            assertThat(r[14]).isEqualTo("replay");
            writebacks += c[1].equals("opt") ? Long.parseLong(c[12]) : 0;
        }
        assertThat(writebacks).as("OPT write-backs in the sweep").isPositive();
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void sweep_runAgain_skipsEveryCellAndOtherArgumentsAreRefused() throws IOException {
        Path trace = write("belady.txt", BELADY);
        Path out = dir.resolve("out");
        String[] args = {"sweep", trace.toString(), "-p", "fifo", "-m", "3,4", "-o", out.toString(), "--quiet"};
        assertThat(CliRun.of(args).status()).isZero();

        CliRun again = CliRun.of(args);
        CliRun other = CliRun.of("sweep", trace.toString(), "-p", "fifo", "-m", "3,4", "--quantum", "5", "-o",
                out.toString());

        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 computed now, 2 done before");
        assertBadOption(other, "pagelab sweep: " + out + " holds a sweep with other arguments (quanta was [1000],"
                + " now [5])");
    }

    @Test
    void sweep_badOptions_exit2NamingTheOption() throws IOException {
        Path trace = write("t.txt", BELADY);
        String t = trace.toString();
        String out = dir.resolve("out").toString();

        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8,abc", "-o", out),
                "--frames: item 2 of '8,abc': 'abc' in 'abc' is not a whole number; expected numbers and ranges");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "64..16*2", "-o", out),
                "--frames: item 1 of '64..16*2': '64..16*2' ends at 16, below its start 64");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--quantum", "0", "-o", out),
                "--quantum: item 1 of '0': 0 is out of range");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru,nope", "-m", "8", "-o", out), "--policy: unknown policy 'nope'");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--scope", "local,sideways", "-o", out),
                "--scope: expected local or global, got 'sideways'");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--allocation", "fair", "-o", out),
                "--allocation: expected equal, proportional or priority, got 'fair'");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8,16", "--timeline", "100", "--timeline-frames", "12",
                "-o", out), "--timeline-frames: 12 is not one of --frames ([8, 16])");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--timeline-frames", "8", "-o", out),
                "--timeline-frames: give --timeline K too");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--timeline", "0", "-o", out),
                "--timeline: expected a number of references of 1 or more, got 0");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--timeline", "10", "--stream", "-o", out),
                "--timeline: --stream records no timeline");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--jobs", "0", "-o", out),
                "--jobs: expected 1 or more, got 0");
        assertBadOption(CliRun.of("sweep", t, "-p", "lru", "-m", "8", "--clock-load-bit", "2", "-o", out),
                "clock load bit must be 0 or 1, not 2");
        assertBadOption(CliRun.of("sweep", dir.toString(), "-p", "lru", "-m", "8", "-o", out),
                dir + ": expected a regular file");
        assertBadOption(CliRun.of("sweep", dir.resolve("missing.txt").toString(), "-p", "lru", "-m", "8", "-o", out),
                "missing.txt: no such file");
        assertBadOption(CliRun.of("sweep", t, t, "--each", "-p", "lru", "-m", "8", "-o", out),
                "--each: two traces are named t.txt");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void sweep_tooFewFramesForSomeCells_exit1ListingThem() throws IOException {
        Path a = write("a.txt", BELADY);
        Path b = write("b.txt", BELADY);
        Path out = dir.resolve("out");

        CliRun run = CliRun.of("sweep", a.toString(), b.toString(), "-p", "fifo", "-m", "8,12", "-o", out.toString());
        CliRun none = CliRun.of("sweep", a.toString(), b.toString(), "-p", "fifo", "-m", "4", "-o",
                dir.resolve("none").toString());

        assertThat(run.status()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("pagelab sweep: the engine refused 1 cell (tried again on a restart):",
                "  fifo, 8 frames, local equal, quantum 1000, on a.txt+b.txt: ");
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 3);
        assertThat(none.status()).as(none.err()).isEqualTo(2);
    }

    @Test
    void chart_resultsFolder_redrawsIntoOutAndPrintsTheBeladyCheck() throws IOException {
        Path trace = write("belady.txt", BELADY);
        Path out = dir.resolve("out");
        assertThat(CliRun.of("sweep", trace.toString(), "-p", "fifo,lru", "-m", "2..5", "-o", out.toString(),
                "--timeline", "4", "--timeline-frames", "3,4").status()).isZero();
        Path charts = dir.resolve("charts");

        CliRun run = CliRun.of("chart", out.toString(), "--out", charts.toString(), "--log-x");
        CliRun missing = CliRun.of("chart", dir.resolve("nothing.csv").toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("fifo on belady.txt (local equal, quantum 1000): 9 faults with 3 frames, 10 with 4",
                "charts: 7 (PNG and SVG) in " + charts, "timeline_fifo_3frames.png", "timeline_lru_4frames.svg");
        assertThat(charts.resolve("miss-ratio.png")).isNotEmptyFile();
        assertThat(charts.resolve("working-set.svg")).isNotEmptyFile();
        assertThat(out.resolve("miss-ratio.png")).doesNotExist();
        assertBadOption(missing, "nothing.csv: no such file");
    }

    @Test
    void chart_notAResultsFile_exit2NamingTheLine() throws IOException {
        Path other = write("other.csv", "a,b,c\n1,2,3\n");

        assertBadOption(CliRun.of("chart", other.toString()), "other.csv: line 1: expected the header trace,policy,");
    }
}
