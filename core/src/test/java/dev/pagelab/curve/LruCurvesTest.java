package dev.pagelab.curve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The one-pass LRU curve against the replay engine, one replay a frame count: every frame count
 * from 1 to past the distinct pages, faults and write-backs of every process, global and local
 * (equal, proportional and priority allocation), one trace, several interleaved with a quantum,
 * and one trace with pids; with time slots so few that the stack compacts all the time.
 */
class LruCurvesTest {
    /** One random scenario: its traces and how they are replayed. */
    record Scenario(List<ArrayTraceReader> traces, Scope scope, long quantum, int slots) {
        @Override
        public String toString() {
            return traces.size() + " trace(s) of " + traces.stream().map(t -> t.pages().length + (t.pids() == null ? ""
                    : " with pids")).toList() + " references, " + scope.cliName() + ", quantum " + quantum + ", "
                    + slots + " initial slots";
        }
    }

    static Scenario scenario(Seeded.Case c) {
        RandomGenerator random = c.random();
        List<ArrayTraceReader> traces = new ArrayList<>();
        double writeShare = c.pick(0.0, 0.1, 0.3, 0.7);
        if (random.nextInt(6) == 0) {
            int processes = 1 + random.nextInt(4);
            int length = random.nextInt(3_000);
            long[] pages = new long[length];
            int[] pids = new int[length];
            long[][] strings = new long[processes][];
            for (int p = 0; p < processes; p++) {
                strings[p] = Workloads.pages(random, length, 1 + random.nextInt(40), 1L << 40);
            }
            int pid = 0;
            for (int i = 0; i < length; i++) {
                if (random.nextInt(30) == 0) {
                    pid = random.nextInt(processes);
                }
                // pid values far from 0 … n−1: the curve numbers processes by first appearance.
                pids[i] = 100 + 7 * pid;
                pages[i] = strings[pid][i];
            }
            traces.add(ArrayTraceReader.withPids("pids", pages, Workloads.writes(random, length, writeShare), pids));
        } else {
            int processes = c.weighted(3, 2, 2, 2) + 1;
            for (int p = 0; p < processes; p++) {
                int length = c.length(0, 2_000);
                traces.add(ArrayTraceReader.of("p" + p, Workloads.pages(random, length, 1 + random.nextInt(50), p * 1000L),
                        Workloads.writes(random, length, writeShare)));
            }
        }
        Scope scope = c.coin() ? Scope.GLOBAL : Scope.LOCAL;
        long quantum = c.oneOf(1, 1 + random.nextInt(20), 1 + random.nextInt(300), ReplayConfig.DEFAULT_QUANTUM);
        int slots = c.oneOf(1, 2, 3, 5, 17, LruStack.DEFAULT_SLOTS);
        return new Scenario(traces, scope, quantum, slots);
    }

    @Test
    void lru_randomTraces_equalsReplayAtEveryFrameCount() {
        Seeded.cases("lru curve equals replays", 70)
                .requireShare("several processes", 0.4)
                .requireShare("local scope", 0.3)
                .requireShare("global scope", 0.3)
                .requireAtLeast("a trace with pids", 3)
                .requireShare("write-backs at some frame count", 0.6)
                .requireShare("the stack compacted", 0.5)
                .run(c -> {
                    Scenario s = scenario(c);
                    c.given(s);
                    LruCurves engine = new LruCurves(s.scope(), CurveOptions.ALL_FRAMES, s.slots());
                    Turns turns = new Turns(Workloads.again(s.traces()), s.quantum());
                    long quantum = Curves.quantumOf(turns, CurveOptions.of(s.scope()).withQuantum(s.quantum()));
                    ExactCurve curve = engine.run(new TraceInput(turns), quantum, null);
                    int processes = curve.processes().size();
                    c.cover("several processes", processes > 1);
                    c.cover("local scope", s.scope() == Scope.LOCAL);
                    c.cover("global scope", s.scope() == Scope.GLOBAL);
                    c.cover("a trace with pids", s.traces().get(0).pids() != null);
                    c.cover("the stack compacted", engine.compactions() > 0);
                    assertThat(curve.complete()).as("curve of every frame count").isTrue();
                    assertThat(curve.references()).isEqualTo(s.traces().stream().mapToLong(t -> t.pages().length).sum());
                    long writebacks = 0;
                    if (s.scope() == Scope.GLOBAL) {
                        for (int frames = 1; frames <= curve.pages() + 2; frames++) {
                            c.step(frames, "frames, global");
                            ReplayConfig config = ReplayConfig.of(frames, Scope.GLOBAL).withQuantum(s.quantum());
                            CurveCounts expected = Workloads.replay(s.traces(), "lru", config);
                            assertThat(curve.countsAt(config)).as("%d frames", frames).isEqualTo(expected);
                            writebacks += expected.totalWritebacks();
                        }
                    } else {
                        AllocationMode mode = c.pick(AllocationMode.values());
                        long[] priorities = null;
                        if (mode == AllocationMode.PRIORITY) {
                            priorities = new long[processes];
                            for (int pid = 0; pid < processes; pid++) {
                                priorities[pid] = 1 + c.random().nextInt(3);
                            }
                        }
                        int most = curve.processes().stream().mapToInt(ProcessCurve::pages).max().orElse(0);
                        for (int frames = processes; frames <= processes * (most + 2); frames++) {
                            c.step(frames, "frames, local " + mode.cliName() + " " + Arrays.toString(priorities));
                            ReplayConfig config = ReplayConfig.of(frames, Scope.LOCAL).withQuantum(s.quantum())
                                    .withMinimumFrames(1).withAllocation(mode, null, priorities);
                            CurveCounts expected;
                            try {
                                expected = Workloads.replay(s.traces(), "lru", config);
                            } catch (IllegalArgumentException refused) {
                                assertThatThrownBy(() -> curve.countsAt(config)).as("%d frames", frames)
                                        .isInstanceOf(IllegalArgumentException.class).hasMessage(refused.getMessage());
                                continue;
                            }
                            assertThat(curve.countsAt(config)).as("%d frames", frames).isEqualTo(expected);
                            writebacks += expected.totalWritebacks();
                        }
                    }
                    c.cover("write-backs at some frame count", writebacks > 0);
                });
    }

    @Test
    void lru_streamInMemory_equalsTheStreamedCurve() {
        Seeded.cases("lru curve from memory", 20).run(c -> {
            Scenario s = scenario(c);
            c.given(s);
            CurveOptions options = CurveOptions.of(s.scope()).withQuantum(s.quantum());
            ExactCurve streamed = Curves.lru(Workloads.again(s.traces()), options, null);
            ReferenceStream stream = ReferenceStream.load(Workloads.again(s.traces()), s.quantum());
            ExactCurve inMemory = Curves.lru(stream, options);
            assertThat(inMemory.processes()).isEqualTo(streamed.processes());
            assertThat(inMemory.references()).isEqualTo(streamed.references());
        });
    }
}
