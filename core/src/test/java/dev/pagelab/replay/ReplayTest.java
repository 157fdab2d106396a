package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyInfo;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.Pool;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replace.Visibility;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's semantics, pinned one by one with hand-made traces. */
class ReplayTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final long[] TEXTBOOK = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

    static ReplayResult replay(List<TraceReader> traces, ReplayConfig config, String... policies) throws IOException {
        return Replay.run(traces, List.of(policies), config, REGISTRY, null);
    }

    @Test
    void textbookString_fifoAndLru_15And12FaultsWith3Frames() throws IOException {
        ReplayResult result = replay(List.of(ArrayTraceReader.of("textbook", TEXTBOOK)), ReplayConfig.of(3, Scope.LOCAL),
                "fifo", "lru");
        assertThat(result.policy("fifo").faults()).isEqualTo(15);
        assertThat(result.policy("lru").faults()).isEqualTo(12);
        assertThat(result.policy("lru").references()).isEqualTo(20);
        assertThat(result.policy("lru").framesHeld()).isEqualTo(3);
        assertThat(result.inMemory()).isFalse();
    }

    @Test
    void oneProcess_defaultMinimumIsOne_butTwoProcessesNeedSix() throws IOException {
        assertThat(replay(List.of(ArrayTraceReader.of("a", TEXTBOOK)), ReplayConfig.of(1, Scope.LOCAL), "lru")
                .policy("lru").faults()).as("no page repeats at once: every reference faults").isEqualTo(20);
        assertThatThrownBy(() -> replay(List.of(ArrayTraceReader.of("a", TEXTBOOK), ArrayTraceReader.of("b", TEXTBOOK)),
                ReplayConfig.of(10, Scope.LOCAL), "lru"))
                .hasMessageContaining("gives process 0 5 frames, below the minimum of 6 per process");
        assertThat(replay(List.of(ArrayTraceReader.of("a", TEXTBOOK), ArrayTraceReader.of("b", TEXTBOOK)),
                ReplayConfig.of(10, Scope.LOCAL).withMinimumFrames(5), "lru").allocation().quotas())
                .containsExactly(5, 5);
    }

    @Test
    void writeThatFaults_makesThePageDirty_andEvictionCountsOneWriteback() throws IOException {
        // 1 frame: W1 (fault, dirty) R2 (evicts dirty 1: one write-back) R1 (evicts clean 2: none) W1 (hit)
        // R3 (evicts dirty 1: second write-back). Page 3 stays resident, dirty or not, and is not flushed.
        ArrayTraceReader trace = ArrayTraceReader.of("w", new int[] {1, 2, 1, 1, 3, 3},
                new boolean[] {true, false, false, true, false, true});
        PolicyResult result = replay(List.of(trace), ReplayConfig.of(1, Scope.LOCAL), "fifo").policy("fifo");
        assertThat(result.faults()).isEqualTo(4);
        assertThat(result.writebacks()).isEqualTo(2);
    }

    @Test
    void globalScope_writebackChargedToTheOwnerOfTheEvictedPage() throws IOException {
        // Quantum 1, two processes, one frame: A writes its page, B's read evicts it: A pays.
        List<TraceReader> traces = List.of(
                ArrayTraceReader.of("a", new int[] {1}, new boolean[] {true}),
                ArrayTraceReader.of("b", new int[] {1}, new boolean[] {false}));
        PolicyResult result = replay(traces, ReplayConfig.of(1, Scope.GLOBAL).withQuantum(1), "fifo").policy("fifo");
        assertThat(result.process(0).writebacks()).isEqualTo(1);
        assertThat(result.process(1).writebacks()).isZero();
        assertThat(result.process(0).framesHeld()).isZero();
        assertThat(result.process(1).framesHeld()).isEqualTo(1);
        assertThat(result.process(0).quota()).isEqualTo(-1);
    }

    @Test
    void samePageNumberInTwoProcesses_isTwoPages() throws IOException {
        List<TraceReader> traces = List.of(ArrayTraceReader.of("a", 5, 5, 5), ArrayTraceReader.of("b", 5, 5, 5));
        PolicyResult result = replay(traces, ReplayConfig.of(2, Scope.GLOBAL).withQuantum(1), "lru").policy("lru");
        assertThat(result.faults()).isEqualTo(2);
        assertThat(result.process(0).pages()).isEqualTo(1);
    }

    /** Records every call the engine makes, so the order of the stream and the frames are visible. */
    static final class Recorder implements ReplacementPolicy {
        static final List<String> LOG = new ArrayList<>();
        private final Pool pool;

        Recorder(PolicyConfig config, Pool pool) {
            this.pool = pool;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
            LOG.add("hit " + page + "@" + now);
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            int victim = pool.pageAt(0);
            LOG.add("victim " + victim + " for " + incoming + "@" + now);
            return victim;
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
            LOG.add("load " + page + "->" + frame + "@" + now);
        }
    }

    static PolicyRegistry recorderRegistry() {
        return PolicyRegistry.builtIn().register(
                new PolicyInfo("recorder", "records calls", Visibility.EVERY_REFERENCE, false, false), Recorder::new);
    }

    @Test
    void interleaving_roundRobinTurnsOfQuantum_exhaustedProcessSkipped() throws IOException {
        // a: 10 11 12 13 14 (5 refs), b: 20 21 (2 refs), c: 30 31 32 (3 refs); quantum 2, global scope.
        // Turns: a10 a11 | b20 b21 | c30 c31 | a12 a13 | (b done) c32 | a14
        Recorder.LOG.clear();
        List<TraceReader> traces = List.of(ArrayTraceReader.of("a", 10, 11, 12, 13, 14),
                ArrayTraceReader.of("b", 20, 21),
                ArrayTraceReader.of("c", 30, 31, 32));
        Replay.run(traces, List.of("recorder"), ReplayConfig.of(100, Scope.GLOBAL).withQuantum(2),
                recorderRegistry(), null);
        // Global ids in order of first use: a10=0 a11=1 b20=2 b21=3 c30=4 c31=5 a12=6 a13=7 c32=8 a14=9.
        assertThat(Recorder.LOG).containsExactly("load 0->0@0", "load 1->1@1", "load 2->2@2", "load 3->3@3",
                "load 4->4@4", "load 5->5@5", "load 6->6@6", "load 7->7@7", "load 8->8@8", "load 9->9@9");
    }

    @Test
    void localScope_poolTimeIsTheProcessesOwnCount_framesFromZero() throws IOException {
        Recorder.LOG.clear();
        List<TraceReader> traces = List.of(ArrayTraceReader.of("a", 1, 2, 1), ArrayTraceReader.of("b", 7, 7));
        Replay.run(traces, List.of("recorder"), ReplayConfig.of(4, Scope.LOCAL).withQuantum(1).withMinimumFrames(1),
                recorderRegistry(), null);
        // a1 b7 a2 b7 a1: local ids a:1=0 2=1, b:7=0; each pool counts its own time.
        assertThat(Recorder.LOG).containsExactly("load 0->0@0", "load 0->0@0", "load 1->1@1", "hit 0@1", "hit 0@2");
    }

    @Test
    void traceWithPids_replayedInItsOwnOrder_pidsBecomeProcessesByFirstAppearance() throws IOException {
        TraceReader trace = ArrayTraceReader.withPids("mixed", new long[] {1, 1, 2, 1}, null, new int[] {42, 7, 42, 7});
        ReplayResult result = replay(List.of(trace), ReplayConfig.of(8, Scope.LOCAL).withMinimumFrames(1), "lru");
        PolicyResult lru = result.policy("lru");
        assertThat(lru.processes()).hasSize(2);
        assertThat(lru.process(0).trace()).isEqualTo("mixed pid 42");
        assertThat(lru.process(0).references()).isEqualTo(2);
        assertThat(lru.process(0).faults()).isEqualTo(2);
        assertThat(lru.process(1).faults()).isEqualTo(1);
        assertThat(result.inMemory()).as("local scope needs the processes before it starts").isTrue();
    }

    @Test
    void traceWithPids_withOtherTraces_refused() {
        TraceReader trace = ArrayTraceReader.withPids("mixed", new long[] {1}, null, new int[] {3});
        assertThatThrownBy(() -> replay(List.of(trace, ArrayTraceReader.of("b", 1)), ReplayConfig.of(8, Scope.GLOBAL),
                "lru"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("carries pids (mixed)");
    }

    @Test
    void proportional_sizesFromDistinctPages() throws IOException {
        // a has 10 distinct pages, b 127: 62 frames → 4 and 57 (seed 001).
        long[] a = new long[10];
        long[] b = new long[127];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 1000 + i;
        }
        ReplayResult result = replay(List.of(ArrayTraceReader.of("a", a), ArrayTraceReader.of("b", b)),
                ReplayConfig.of(62, Scope.LOCAL).withAllocation(AllocationMode.PROPORTIONAL, null, null)
                        .withMinimumFrames(1), "lru");
        assertThat(result.allocation().quotas()).containsExactly(4, 57);
        assertThat(result.policy("lru").process(0).quota()).isEqualTo(4);
        assertThat(result.policy("lru").process(1).framesHeld()).isEqualTo(57);
    }

    @Test
    void equalAllocation_leftoverFramesStayUnused() throws IOException {
        // 3 processes, 20 frames: 6 each, 2 left over; each process touches 10 pages, holds only 6.
        List<TraceReader> traces = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            traces.add(ArrayTraceReader.of("p" + p, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        }
        ReplayResult result = replay(traces, ReplayConfig.of(20, Scope.LOCAL), "fifo");
        assertThat(result.allocation().leftover()).isEqualTo(2);
        assertThat(result.policy("fifo").framesHeld()).isEqualTo(18);
    }

    @Test
    void finishedProcess_keepsItsFrames_andUnderGlobalScopeTheyAreEvictedLater() throws IOException {
        // a touches 1 2 then ends; b touches 1 2 3 4 with 4 frames: b's 3rd and 4th pages fill the pool, a keeps 2.
        List<TraceReader> traces = List.of(ArrayTraceReader.of("a", 1, 2), ArrayTraceReader.of("b", 1, 2, 3, 4, 5));
        PolicyResult global = replay(traces, ReplayConfig.of(4, Scope.GLOBAL).withQuantum(2), "fifo").policy("fifo");
        // FIFO order a1 a2 b1 b2 b3(evicts a1) b4(evicts a2) b5(evicts b1)
        assertThat(global.process(0).framesHeld()).isZero();
        assertThat(global.process(1).framesHeld()).isEqualTo(4);
        List<TraceReader> again = List.of(ArrayTraceReader.of("a", 1, 2), ArrayTraceReader.of("b", 1, 2, 3, 4, 5));
        PolicyResult local = replay(again, ReplayConfig.of(4, Scope.LOCAL).withQuantum(2).withMinimumFrames(1), "fifo")
                .policy("fifo");
        assertThat(local.process(0).framesHeld()).as("local: its frames stay its own").isEqualTo(2);
        assertThat(local.process(1).faults()).isEqualTo(5);
    }

    @Test
    void unknownPolicy_orDuplicate_refusedBeforeReading() {
        assertThatThrownBy(() -> replay(List.of(ArrayTraceReader.of("a", 1)), ReplayConfig.of(3, Scope.LOCAL), "lur"))
                .hasMessageContaining("unknown replacement policy 'lur'");
        assertThatThrownBy(() -> replay(List.of(ArrayTraceReader.of("a", 1)), ReplayConfig.of(3, Scope.LOCAL), "lru",
                "lru"))
                .hasMessageContaining("named twice");
    }
}
