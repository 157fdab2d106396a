package dev.pagelab.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class SweepChartsTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private Path sweep(List<Path> traces, boolean each, List<String> policies, int[] frames, List<Scope> scopes,
                       long timelineEvery, int[] timelineFrames) throws IOException {
        List<TraceFile> files = new ArrayList<>();
        for (Path trace : traces) {
            files.add(TraceFile.of(trace));
        }
        SweepSpec spec = new SweepSpec("pagelab test", files, each, policies, frames, scopes,
                List.of(AllocationMode.EQUAL), new long[] {100}, null, null, ReplayConfig.DEFAULT_MINIMUM,
                PolicyConfig.DEFAULTS, TraceOptions.DEFAULTS, timelineEvery, timelineFrames, null);
        Path out = dir.resolve("out");
        Sweep.Summary summary = Sweep.of(spec, out).jobs(2).run();
        assertThat(summary.refused()).isEmpty();
        return out.resolve(ResultsStore.RESULTS_CSV);
    }

    private Path twoProcesses() throws IOException {
        var random = SweepFixtures.random(5);
        Path a = SweepFixtures.write(dir, "a.vmsim", SweepFixtures.vmsim(random, 40_000, 80, 0.3));
        Path b = SweepFixtures.write(dir, "b.vmsim", SweepFixtures.vmsim(random, 30_000, 50, 0.3));
        return sweep(List.of(a, b), false, List.of("lru", "fifo", "clock"), new int[] {12, 24, 36, 48},
                List.of(Scope.LOCAL, Scope.GLOBAL), 5000, new int[] {24});
    }

    /** The total rows' (frames → [faults, references]) of each group and policy, read from the file by hand. */
    private static Map<String, TreeMap<Integer, long[]>> totalsByHand(Path results) throws IOException {
        Map<String, TreeMap<Integer, long[]>> curves = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(results);
        assertThat(lines.get(0)).startsWith("trace,policy,frames,scope,allocation,quantum,pid,");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f[6].equals("total")) {
                curves.computeIfAbsent(f[3] + " " + f[4] + " " + f[1], k -> new TreeMap<>())
                        .put(Integer.parseInt(f[2]), new long[] {Long.parseLong(f[10]), Long.parseLong(f[9])});
            }
        }
        return curves;
    }

    @Test
    void charts_everyKind_areValidPngAndSvgFiles() throws Exception {
        Path results = twoProcesses();
        List<SweepCharts.Chart> charts = SweepCharts.charts(results, true);
        Path out = dir.resolve("charts");

        List<Path> files = ChartFiles.write(charts, out);

        assertThat(charts.stream().map(SweepCharts.Chart::name)).containsExactly("miss-ratio_local-equal",
                "miss-ratio_global", "belady_local-equal", "belady_global", "timeline_lru_24frames",
                "timeline_fifo_24frames", "timeline_clock_24frames", "working-set");
        assertThat(files).hasSize(2 * charts.size());
        for (SweepCharts.Chart chart : charts) {
            Path png = out.resolve(chart.name() + ".png");
            byte[] bytes = Files.readAllBytes(png);
            assertThat(Arrays.copyOf(bytes, 8)).as(png.toString()).isEqualTo(PNG_MAGIC);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(ChartFiles.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ChartFiles.HEIGHT);
            // A drawn chart, not a blank canvas: many colours.
            assertThat(colours(image)).as(png.toString()).isGreaterThan(8);

            Path svg = out.resolve(chart.name() + ".svg");
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            Document document = factory.newDocumentBuilder().parse(svg.toFile());
            assertThat(document.getDocumentElement().getTagName()).as(svg.toString()).isEqualTo("svg");
            assertThat(document.getElementsByTagName("path").getLength()).as(svg.toString()).isGreaterThan(10);
        }
    }

    private static int colours(BufferedImage image) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    @Test
    void missRatio_series_equalTheResultsFile() throws IOException {
        Path results = twoProcesses();
        Map<String, TreeMap<Integer, long[]>> byHand = totalsByHand(results);

        List<SweepCharts.Chart> charts = SweepCharts.missRatio(SweepCharts.totals(results), false);

        assertThat(charts).hasSize(2);
        int points = 0;
        for (SweepCharts.Chart chart : charts) {
            String setup = chart.name().endsWith("global") ? "global none" : "local equal";
            assertThat(chart.series()).extracting(SweepCharts.Series::name).containsExactly("lru", "fifo", "clock");
            for (SweepCharts.Series series : chart.series()) {
                TreeMap<Integer, long[]> curve = byHand.get(setup + " " + series.name());
                assertThat(series.x()).containsExactly(curve.keySet().stream().mapToDouble(m -> m).toArray());
                for (int i = 0; i < series.x().length; i++) {
                    long[] counts = curve.get((int) series.x()[i]);
                    assertThat(series.y()[i]).isEqualTo((double) counts[0] / counts[1]);
                    points++;
                }
            }
        }
        assertThat(points).isEqualTo(2 * 3 * 4);
    }

    @Test
    void timelineAndWorkingSet_series_equalTheirFiles() throws IOException {
        Path results = twoProcesses();
        Path out = results.getParent();
        List<String[]> timeline = Csv.read(out.resolve(ResultsStore.TIMELINE_CSV), ResultsStore.TIMELINE_COLUMNS);
        List<String[]> workingSet = Csv.read(out.resolve(Sweep.WORKING_SET_CSV), Sweep.WORKING_SET_COLUMNS);

        List<SweepCharts.Chart> timelines = SweepCharts.timeline(timeline);
        List<SweepCharts.Chart> sizes = SweepCharts.workingSet(workingSet);

        assertThat(timelines).hasSize(3);
        SweepCharts.Chart lru = timelines.get(0);
        assertThat(lru.series()).extracting(SweepCharts.Series::name).containsExactly("pid 0 a.vmsim, local equal",
                "pid 1 b.vmsim, local equal", "pid 0 a.vmsim, global", "pid 1 b.vmsim, global");
        for (SweepCharts.Series series : lru.series()) {
            String scope = series.name().endsWith("global") ? "global" : "local";
            String pid = series.name().substring(4, 5);
            double[][] expected = timeline.stream()
                    .filter(f -> f[1].equals("lru") && f[3].equals(scope) && f[6].equals(pid))
                    .map(f -> new double[] {Double.parseDouble(f[8]), Double.parseDouble(f[9])}).toArray(double[][]::new);
            assertThat(series.x()).containsExactly(Arrays.stream(expected).mapToDouble(p -> p[0]).toArray());
            assertThat(series.y()).containsExactly(Arrays.stream(expected).mapToDouble(p -> p[1]).toArray());
            assertThat(series.x()[series.x().length - 1]).isEqualTo(70_000);
        }
        assertThat(sizes).hasSize(1);
        assertThat(sizes.get(0).logX()).isTrue();
        List<SweepCharts.Series> lines = sizes.get(0).series();
        assertThat(lines).extracting(SweepCharts.Series::name).containsExactly("pid 0 a.vmsim", "pid 1 b.vmsim");
        for (int pid = 0; pid < 2; pid++) {
            String p = String.valueOf(pid);
            double[] window = workingSet.stream().filter(f -> f[1].equals(p)).mapToDouble(f -> Double.parseDouble(f[4]))
                    .toArray();
            double[] size = workingSet.stream().filter(f -> f[1].equals(p)).mapToDouble(f -> Double.parseDouble(f[5]))
                    .toArray();
            assertThat(lines.get(pid).x()).containsExactly(window);
            assertThat(lines.get(pid).y()).containsExactly(size);
        }
    }

    @Test
    void belady_classicString_flagsFifoFrom3To4FramesOnly() throws IOException {
        Path trace = SweepFixtures.write(dir, "belady.txt", SweepFixtures.BELADY);
        Path results = sweep(List.of(trace), false, List.of("fifo", "lru", "opt"), new int[] {1, 2, 3, 4, 5, 6, 7},
                List.of(Scope.LOCAL), 0, new int[0]);
        List<SweepCharts.Total> totals = SweepCharts.totals(results);

        List<SweepCharts.Rise> rises = SweepCharts.rises(totals);
        List<SweepCharts.Chart> charts = SweepCharts.belady(totals, false);

        assertThat(rises).hasSize(1);
        SweepCharts.Rise rise = rises.get(0);
        assertThat(rise.policy()).isEqualTo("fifo");
        assertThat(List.of(rise.fewer(), rise.fewerFaults(), rise.more(), rise.moreFaults())).containsExactly(3, 9L, 4,
                10L);
        assertThat(rise.describe()).isEqualTo("fifo on belady.txt (local equal, quantum 100): 9 faults with 3 frames,"
                + " 10 with 4");
        assertThat(charts).hasSize(1);
        List<SweepCharts.Series> series = charts.get(0).series();
        assertThat(series).extracting(SweepCharts.Series::name).containsExactly("fifo", "fifo: faults rise");
        assertThat(series.get(0).y()).containsExactly(12, 12, 9, 10, 5, 5, 5);
        assertThat(series.get(1).markersOnly()).isTrue();
        assertThat(series.get(1).x()).containsExactly(4);
        assertThat(series.get(1).y()).containsExactly(10);
    }

    @Test
    void belady_eachTrace_chartsOnlyFifoAndPoliciesThatRise() throws IOException {
        Path classic = SweepFixtures.write(dir, "belady.txt", SweepFixtures.BELADY);
        Path plain = SweepFixtures.write(dir, "loop.txt", "1\n2\n3\n1\n2\n3\n");
        Path results = sweep(List.of(classic, plain), true, List.of("lru", "fifo"), new int[] {2, 3, 4},
                List.of(Scope.LOCAL), 0, new int[0]);

        List<SweepCharts.Chart> charts = SweepCharts.belady(SweepCharts.totals(results), false);

        assertThat(charts).extracting(SweepCharts.Chart::name).containsExactly("belady_belady.txt", "belady_loop.txt");
        assertThat(charts.get(0).series()).extracting(SweepCharts.Series::name)
                .containsExactly("fifo", "fifo: faults rise");
        assertThat(charts.get(1).series()).extracting(SweepCharts.Series::name).containsExactly("fifo");
    }
}
