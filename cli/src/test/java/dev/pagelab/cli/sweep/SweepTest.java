package dev.pagelab.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    @TempDir
    Path dir;

    private Path a;
    private Path b;

    @BeforeEach
    void traces() {
        RandomGenerator random = SweepFixtures.random(17);
        a = SweepFixtures.write(dir, "a.vmsim", SweepFixtures.vmsim(random, 3000, 40, 0.3));
        b = SweepFixtures.write(dir, "b.vmsim", SweepFixtures.vmsim(random, 2000, 60, 0.5));
    }

    private static SweepSpec spec(List<Path> traces, boolean each, List<String> policies, int[] frames,
                                  List<Scope> scopes, List<AllocationMode> allocations, long[] quanta,
                                  long timelineEvery, int[] timelineFrames) throws IOException {
        List<TraceFile> files = new ArrayList<>();
        for (Path trace : traces) {
            files.add(TraceFile.of(trace));
        }
        return new SweepSpec("pagelab test", files, each, policies, frames, scopes, allocations, quanta, null, null,
                ReplayConfig.DEFAULT_MINIMUM, PolicyConfig.DEFAULTS, TraceOptions.DEFAULTS, timelineEvery,
                timelineFrames, null);
    }

    /** Two processes: five policies, five frame counts, local equal and proportional and global, two quanta. */
    private SweepSpec wide() throws IOException {
        return spec(List.of(a, b), false, List.of("lru", "fifo", "opt", "clock", "random"),
                new int[] {16, 22, 28, 34, 40}, List.of(Scope.LOCAL, Scope.GLOBAL),
                List.of(AllocationMode.EQUAL, AllocationMode.PROPORTIONAL), new long[] {10, 1000}, 0, new int[0]);
    }

    /** The lines of a results file without the elapsed column (CSV) or field (JSON). */
    private static List<String> withoutElapsed(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (file.toString().endsWith(".csv")) {
                lines.add(line.substring(0, line.lastIndexOf(',')));
            } else {
                lines.add(line.replaceAll("\"elapsedSeconds\":[0-9.Ee-]+,", ""));
            }
        }
        return lines;
    }

    /** CSV lines without their last column (after {@link #withoutElapsed}: the method). */
    private static List<String> withoutMethod(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.substring(0, line.lastIndexOf(',')));
        }
        return out;
    }

    private static void assertSameResults(Path expected, Path actual) throws IOException {
        for (String file : List.of(ResultsStore.RESULTS_CSV, ResultsStore.RESULTS_JSONL, ResultsStore.TIMELINE_CSV,
                Sweep.WORKING_SET_CSV)) {
            assertThat(withoutElapsed(actual.resolve(file))).as(file)
                    .isEqualTo(withoutElapsed(expected.resolve(file)));
        }
    }

    @Test
    void run_everyCell_equalsReplayRunOverTheFiles() throws IOException {
        SweepSpec spec = wide();
        Path out = dir.resolve("out");
        Sweep.Summary summary = Sweep.of(spec, out).jobs(2).run();
        assertThat(summary.refused()).isEmpty();
        assertThat(summary.computed()).isEqualTo(spec.cells().size()).isEqualTo(150);

        Map<String, List<String[]>> rows = new HashMap<>();
        for (String[] row : Csv.read(out.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS)) {
            rows.computeIfAbsent(Cell.key(row[0], row[1], row[2], row[3], row[4], row[5]), k -> new ArrayList<>())
                    .add(row);
        }
        PolicyRegistry registry = PolicyRegistry.builtIn();
        int writebacksSeen = 0;
        for (Cell cell : spec.cells()) {
            List<TraceReader> readers = Traces.openAhead(List.of(a, b), TraceOptions.DEFAULTS);
            PolicyResult expected;
            try {
                expected = Replay.run(readers, List.of(cell.policy()), spec.config(cell), registry, null)
                        .policy(cell.policy());
            } finally {
                Traces.closeAll(readers);
            }
            List<String[]> cellRows = rows.get(cell.key());
            assertThat(cellRows).as(cell.describe()).hasSize(3);
            for (ProcessResult p : expected.processes()) {
                String[] row = cellRows.get(p.pid());
                assertThat(row[6]).isEqualTo(String.valueOf(p.pid()));
                assertThat(row[7]).isEqualTo(p.pid() == 0 ? "a.vmsim" : "b.vmsim");
                assertThat(List.of(row[8], row[9], row[10], row[12], row[13], row[14])).as(cell.describe())
                        .containsExactly(String.valueOf(p.pages()), String.valueOf(p.references()),
                                String.valueOf(p.faults()), String.valueOf(p.writebacks()),
                                p.quota() < 0 ? "" : String.valueOf(p.quota()),
                                cell.policy().equals("lru") || cell.policy().equals("opt") ? "one-pass" : "replay");
            }
            String[] total = cellRows.get(2);
            assertThat(List.of(total[6], total[9], total[10], total[12], total[13])).as(cell.describe())
                    .containsExactly("total", String.valueOf(expected.references()), String.valueOf(expected.faults()),
                            String.valueOf(expected.writebacks()),
                            cell.scope() == Scope.GLOBAL ? "" : String.valueOf(cell.frames()));
            writebacksSeen += expected.writebacks() > 0 ? 1 : 0;
        }
        assertThat(writebacksSeen).as("cells with write-backs").isGreaterThan(100);
    }

    @Test
    void run_globalScope_madeOnceWhateverTheAllocations() throws IOException {
        SweepSpec spec = wide();
        assertThat(spec.cells().stream().filter(c -> c.scope() == Scope.GLOBAL).map(Cell::allocationName).distinct())
                .containsExactly("none");
        assertThat(spec.cells()).hasSize(2 * 5 * 5 * 3);
    }

    @Test
    void run_stoppedAndStartedAgain_endsWithTheUninterruptedResults() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru", "fifo", "opt"), new int[] {12, 20, 28, 36},
                List.of(Scope.LOCAL, Scope.GLOBAL), List.of(AllocationMode.EQUAL), new long[] {10, 100}, 1000,
                new int[] {20});
        Path whole = dir.resolve("whole");
        Sweep.of(spec, whole).jobs(2).run();
        int cells = spec.cells().size();
        for (int stop : new int[] {1, 7, cells - 1}) {
            Path out = dir.resolve("stopped-" + stop);
            Sweep.Summary first = Sweep.of(spec, out).jobs(2).stopAfter(stop).run();
            assertThat(first.stopped()).isTrue();
            assertThat(first.computed()).isEqualTo(stop);

            Sweep.Summary second = Sweep.of(spec, out).jobs(1).run();

            assertThat(second.before()).as("stop after %d", stop).isEqualTo(stop);
            assertThat(second.computed()).as("stop after %d", stop).isEqualTo(cells - stop);
            assertSameResults(whole, out);
        }
    }

    @Test
    void run_tornLinesAndCellsCutShort_areDroppedAndComputedAgain() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru", "clock"), new int[] {12, 24, 36},
                List.of(Scope.LOCAL, Scope.GLOBAL), List.of(AllocationMode.EQUAL), new long[] {100}, 500,
                new int[] {24});
        Path whole = dir.resolve("whole");
        Sweep.of(spec, whole).run();
        Path out = dir.resolve("killed");
        Sweep.of(spec, out).jobs(1).stopAfter(5).run();
        // As a kill would leave them: the next cell's rows cut in the middle of a line, its total row
        // missing, its JSON line half written, its timeline half written.
        Path csv = out.resolve(ResultsStore.RESULTS_CSV);
        List<String> allRows = Files.readAllLines(whole.resolve(ResultsStore.RESULTS_CSV));
        String cut = allRows.get(allRows.size() - 3);
        Files.writeString(csv, allRows.get(allRows.size() - 4) + "\n" + cut.substring(0, cut.length() / 2),
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(out.resolve(ResultsStore.RESULTS_JSONL), "{\"trace\":\"a.vmsim+b.vm",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(out.resolve(ResultsStore.TIMELINE_CSV), "a.vmsim+b.vmsim,lru,24,glo",
                java.nio.file.StandardOpenOption.APPEND);

        Sweep.Summary again = Sweep.of(spec, out).jobs(2).run();

        assertThat(again.before()).isEqualTo(5);
        assertSameResults(whole, out);
    }

    @Test
    void run_cellWhoseCsvRowsAreThereButNotItsJsonLine_isComputedAgain() throws IOException {
        SweepSpec spec = spec(List.of(a), false, List.of("lru"), new int[] {4, 8, 16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        Path out = dir.resolve("out");
        Sweep.of(spec, out).jobs(1).stopAfter(2).run();
        Path jsonl = out.resolve(ResultsStore.RESULTS_JSONL);
        List<String> lines = Files.readAllLines(jsonl);
        Files.writeString(jsonl, lines.get(0) + "\n");

        Sweep.Summary again = Sweep.of(spec, out).run();

        assertThat(again.before()).isEqualTo(1);
        assertThat(again.computed()).isEqualTo(2);
        assertThat(Csv.read(out.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS)).hasSize(6);
    }

    @Test
    void run_cellMissingARowInTheMiddle_isComputedAgain() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru"), new int[] {12, 16, 20}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        Path whole = dir.resolve("whole");
        Sweep.of(spec, whole).run();
        Path out = dir.resolve("edited");
        Sweep.of(spec, out).run();
        // The first cell's pid 0 row, then the second cell's pid 1 row, are lost.
        Path csv = out.resolve(ResultsStore.RESULTS_CSV);
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.remove(5);
        lines.remove(1);
        Files.writeString(csv, String.join("\n", lines) + "\n");

        Sweep.Summary again = Sweep.of(spec, out).run();

        assertThat(again.before()).isEqualTo(1);
        assertThat(again.computed()).isEqualTo(2);
        assertSameResults(whole, out);
    }

    @Test
    void run_otherArgumentsInTheSameFolder_areRefusedNamingWhatDiffers() throws IOException {
        Path out = dir.resolve("out");
        Sweep.of(spec(List.of(a), false, List.of("lru"), new int[] {8, 16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]), out).run();
        SweepSpec more = spec(List.of(a), false, List.of("lru"), new int[] {8, 16, 32}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);

        assertThatThrownBy(() -> Sweep.of(more, out).run()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(out + " holds a sweep with other arguments")
                .hasMessageContaining("frames was [8,16], now [8,16,32]").hasMessageContaining("give another --out");

        Files.writeString(a, "1000 R\n", java.nio.file.StandardOpenOption.APPEND);
        SweepSpec changedTrace = spec(List.of(a), false, List.of("lru"), new int[] {8, 16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        assertThatThrownBy(() -> Sweep.of(changedTrace, out).run())
                .hasMessageContaining("trace 1 (a.vmsim) bytes was").hasMessageContaining("sha256 was");
    }

    @Test
    void run_sameTracesElsewhere_resumesWithoutComparingPaths() throws IOException {
        SweepSpec spec = spec(List.of(a), false, List.of("lru"), new int[] {8, 16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        Path out = dir.resolve("out");
        Sweep.of(spec, out).stopAfter(1).run();
        Path moved = Files.createDirectories(dir.resolve("moved")).resolve("a.vmsim");
        Files.copy(a, moved);
        SweepSpec again = spec(List.of(moved), false, List.of("lru"), new int[] {8, 16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);

        Sweep.Summary summary = Sweep.of(again, out).run();

        assertThat(summary.before()).isEqualTo(1);
        assertThat(summary.computed()).isEqualTo(1);
    }

    /** A curve source made of separate replays: what a one-pass source must answer. */
    private static final class ReplayedCurves implements CurveSource {
        int groups;

        @Override
        public String method() {
            return "one-pass";
        }

        @Override
        public boolean supports(CurveGroup group) {
            return group.policy().equals("lru") || group.policy().equals("opt");
        }

        @Override
        public Curve compute(CurveGroup group, LongConsumer progress) {
            groups++;
            int processes = group.stream().processes();
            long[][] faults = new long[group.frames().length][processes];
            long[][] writebacks = new long[group.frames().length][processes];
            for (int i = 0; i < group.frames().length; i++) {
                assertThat(group.config(i).frames()).isEqualTo(group.frames()[i]);
                PolicyResult r = Replay.run(group.stream(), List.of(group.policy()), group.config(i),
                        PolicyRegistry.builtIn(), progress).policy(group.policy());
                for (int pid = 0; pid < processes; pid++) {
                    faults[i][pid] = r.process(pid).faults();
                    writebacks[i][pid] = r.process(pid).writebacks();
                    int quota = group.allocations() == null ? -1 : group.allocations()[i].quota(pid);
                    assertThat(quota).as("quota of %d at %d frames", pid, group.frames()[i])
                            .isEqualTo(r.process(pid).quota());
                }
            }
            return new Curve(faults, writebacks);
        }
    }

    @Test
    void run_curveSource_rowsEqualReplayedRowsButTheirMethod() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru", "fifo", "opt"), new int[] {16, 24, 32},
                List.of(Scope.LOCAL, Scope.GLOBAL), List.of(AllocationMode.EQUAL, AllocationMode.PROPORTIONAL),
                new long[] {50}, 2000, new int[] {24});
        Path replayed = dir.resolve("replayed");
        Sweep.of(spec, replayed).jobs(2).sources(List.of()).run();
        Path curves = dir.resolve("curves");
        ReplayedCurves source = new ReplayedCurves();

        Sweep.of(spec, curves).jobs(2).sources(List.of(source)).run();

        assertThat(source.groups).as("curve groups: lru and opt, three setups").isEqualTo(6);
        List<String[]> expected = Csv.read(replayed.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS);
        List<String[]> actual = Csv.read(curves.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS);
        assertThat(actual).hasSameSizeAs(expected);
        int onePass = 0;
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i);
            String[] c = actual.get(i);
            assertThat(Arrays.copyOf(c, 14)).as("row %d", i).containsExactly(Arrays.copyOf(e, 14));
            // Timeline cells (24 frames) are replayed: the engine's own run is what they record.
            String method = (e[1].equals("fifo") || e[2].equals("24")) ? "replay" : "one-pass";
            assertThat(c[14]).as("row %d: %s", i, String.join(",", c)).isEqualTo(method);
            onePass += method.equals("one-pass") ? 1 : 0;
        }
        assertThat(onePass).isEqualTo(2 * 3 * 2 * 3);
    }

    @Test
    void run_timeline_samplesEndAtTheCellsFaultsForLocalAndGlobal() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru", "opt", "clock"), new int[] {16, 32},
                List.of(Scope.LOCAL, Scope.GLOBAL), List.of(AllocationMode.EQUAL), new long[] {100}, 1000,
                new int[] {32});
        Path out = dir.resolve("out");
        Sweep.of(spec, out).run();

        Map<String, Long> faults = new HashMap<>();
        for (String[] row : Csv.read(out.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS)) {
            faults.put(String.join(",", row[0], row[1], row[2], row[3], row[4], row[5], row[6]), Long.parseLong(row[10]));
        }
        Map<String, List<long[]>> lines = new HashMap<>();
        for (String[] row : Csv.read(out.resolve(ResultsStore.TIMELINE_CSV), ResultsStore.TIMELINE_COLUMNS)) {
            lines.computeIfAbsent(String.join(",", row[0], row[1], row[2], row[3], row[4], row[5], row[6]),
                    k -> new ArrayList<>()).add(new long[] {Long.parseLong(row[8]), Long.parseLong(row[9])});
        }
        assertThat(lines).hasSize(3 * 2 * 2);
        for (Map.Entry<String, List<long[]>> line : lines.entrySet()) {
            List<long[]> samples = line.getValue();
            assertThat(line.getKey()).contains(",32,");
            assertThat(samples.get(0)).as(line.getKey()).containsExactly(0, 0);
            assertThat(samples.get(samples.size() - 1)).as(line.getKey()).containsExactly(5000, faults.get(line.getKey()));
            for (int s = 1; s < samples.size(); s++) {
                assertThat(samples.get(s)[0]).isGreaterThan(samples.get(s - 1)[0]);
                assertThat(samples.get(s)[1]).isGreaterThanOrEqualTo(samples.get(s - 1)[1]);
            }
        }
    }

    @Test
    void timelineRecorder_sampleTimes_areTheFirstBlockEndsPastEachMultiple() throws IOException {
        RandomGenerator random = SweepFixtures.random(3);
        String text = SweepFixtures.vmsim(random, 100_000, 500, 0.2);
        ReferenceStream stream = SweepFixtures.stream(1000, text);
        TimelineRecorder recorder = new TimelineRecorder(stream, Scope.LOCAL, 40_000);
        ReplayConfig config = ReplayConfig.of(64, Scope.LOCAL);
        PolicyResult result = Replay.run(stream, List.of("fifo"), config,
                recorder.registry(PolicyRegistry.builtIn(), "fifo"), recorder.progress(done -> { })).policy("fifo");

        Timeline timeline = recorder.finish(result);

        // Blocks of 16,384: 49,152 is the first end past 40,000, 81,920 past 80,000; then the end.
        assertThat(timeline.times()).containsExactly(0, 49_152, 81_920, 100_000);
        assertThat(timeline.faults(3, 0)).isEqualTo(result.faults());
        PolicyResult plain = Replay.run(stream, List.of("fifo"), config, PolicyRegistry.builtIn(), null).policy("fifo");
        assertThat(result.faults()).isEqualTo(plain.faults());
        assertThat(result.writebacks()).isEqualTo(plain.writebacks());
    }

    @Test
    void run_framesBelowTheMinimum_refusedCellsListedOthersWritten() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru"), new int[] {8, 12, 16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        Path out = dir.resolve("out");

        Sweep.Summary summary = Sweep.of(spec, out).run();

        assertThat(summary.refused()).hasSize(1);
        assertThat(summary.refused().get(0)).startsWith("lru, 8 frames, local equal, quantum 1000, on a.vmsim+b.vmsim: ")
                .contains("6");
        assertThat(summary.computed()).isEqualTo(2);
        assertThat(Csv.read(out.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS)).hasSize(6);
    }

    @Test
    void run_streamingAndEach_equalInMemoryAndTogether() throws IOException {
        SweepSpec each = spec(List.of(a, b), true, List.of("lru", "clock", "opt"), new int[] {8, 24},
                List.of(Scope.LOCAL, Scope.GLOBAL), List.of(AllocationMode.EQUAL), new long[] {100, 1000}, 0,
                new int[0]);
        Path memory = dir.resolve("memory");
        Sweep.of(each, memory).jobs(2).run();
        Path streamed = dir.resolve("streamed");
        Sweep.of(each, streamed).jobs(2).streaming(true).run();

        // Streamed cells are replayed; in memory, LRU's come from the one-pass curve: the same counts.
        assertThat(withoutMethod(withoutElapsed(streamed.resolve(ResultsStore.RESULTS_CSV))))
                .isEqualTo(withoutMethod(withoutElapsed(memory.resolve(ResultsStore.RESULTS_CSV))));
        assertThat(Files.exists(streamed.resolve(Sweep.WORKING_SET_CSV))).isFalse();
        // Each trace alone is a set of its own; its rows equal a sweep of that trace by itself.
        Path alone = dir.resolve("alone");
        Sweep.of(spec(List.of(b), false, List.of("lru", "clock", "opt"), new int[] {8, 24},
                List.of(Scope.LOCAL, Scope.GLOBAL), List.of(AllocationMode.EQUAL), new long[] {100, 1000}, 0,
                new int[0]), alone).run();
        assertThat(withoutElapsed(memory.resolve(ResultsStore.RESULTS_CSV)))
                .containsAll(withoutElapsed(alone.resolve(ResultsStore.RESULTS_CSV)));
    }

    @Test
    void run_eachWithABrokenLaterTrace_writesTheCellsBeforeItAndNamesItsLine() throws IOException {
        // The second set's stream is read while the first set's cells run: its error must wait its turn.
        Path broken = SweepFixtures.write(dir, "c.vmsim", "1000 R\n2000 W\nnot a reference\n");
        SweepSpec each = spec(List.of(a, broken, b), true, List.of("lru", "fifo"), new int[] {8, 24},
                List.of(Scope.GLOBAL), List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> Sweep.of(each, out).jobs(2).run()).hasMessageContaining("c.vmsim")
                .hasMessageContaining("line 3");

        List<String[]> rows = Csv.read(out.resolve(ResultsStore.RESULTS_CSV), ResultsStore.COLUMNS);
        assertThat(rows).extracting(row -> row[0]).containsOnly("a.vmsim").hasSize(4 * 2);
    }

    @Test
    void run_workingSetFile_holdsTheCurveOfEveryProcess() throws IOException {
        SweepSpec spec = spec(List.of(a, b), false, List.of("lru"), new int[] {16}, List.of(Scope.LOCAL),
                List.of(AllocationMode.EQUAL), new long[] {1000}, 0, new int[0]);
        Path out = dir.resolve("out");
        Sweep.of(spec, out).run();

        List<String[]> rows = Csv.read(out.resolve(Sweep.WORKING_SET_CSV), Sweep.WORKING_SET_COLUMNS);
        ReferenceStream stream = SweepFixtures.stream(1000, Files.readString(a), Files.readString(b));
        long[] windows = WorkingSetCurve.defaultWindows(3000);
        double[][] sizes = WorkingSetCurve.averageSizes(stream, windows);
        assertThat(rows).hasSize(2 * windows.length);
        for (String[] row : rows) {
            int pid = Integer.parseInt(row[1]);
            int j = Arrays.binarySearch(windows, Long.parseLong(row[4]));
            assertThat(row[2]).isEqualTo(pid == 0 ? "a.vmsim" : "b.vmsim");
            assertThat(Double.parseDouble(row[5])).isCloseTo(sizes[pid][j], org.assertj.core.api.Assertions.within(1e-4));
        }
    }
}
