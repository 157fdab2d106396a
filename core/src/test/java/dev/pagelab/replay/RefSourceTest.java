package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.testing.Seeded;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replay's reading side ({@link TraceTurns}, {@link RefSource}, {@link ReferenceStream#source()})
 * against rule 5 and the ids written out plainly ({@link Naive}), read with random limits and
 * buffers over traces read in random block sizes.
 */
class RefSourceTest {
    /** Random traces: page numbers shared between processes, empty traces, a trace with pids now and then. */
    record Scenario(List<ArrayTraceReader> traces, long quantum) {
        List<TraceReader> readers() {
            return new ArrayList<>(traces.stream().map(ArrayTraceReader::again).toList());
        }
    }

    static Scenario scenario(Seeded.Case c) {
        List<ArrayTraceReader> traces = new ArrayList<>();
        int block = c.pick(1, 2, 7, ArrayTraceReader.DEFAULT_BLOCK, c.between(1, 2_000));
        if (c.random().nextInt(4) == 0) {
            int length = c.length(0, 1_500);
            int[] pidValues = {c.between(0, 9), c.between(10, 99), c.between(100, 100_000), Integer.MAX_VALUE};
            int distinctPids = c.between(1, pidValues.length);
            long[] pages = new long[length];
            boolean[] writes = new boolean[length];
            int[] pids = new int[length];
            int pid = pidValues[0];
            for (int i = 0; i < length; i++) {
                if (c.random().nextInt(8) == 0) {
                    pid = pidValues[c.random().nextInt(distinctPids)];
                }
                pids[i] = pid;
                pages[i] = c.random().nextInt(3) == 0 && i > 0 ? pages[i - 1] : c.random().nextInt(40);
                writes[i] = c.random().nextInt(4) == 0;
            }
            traces.add(new ArrayTraceReader("vm", pages, writes, pids, block, new int[1]));
        } else {
            int processes = c.between(1, 4);
            for (int p = 0; p < processes; p++) {
                int length = c.random().nextInt(6) == 0 ? 0 : c.length(1, 1_500);
                long[] pages = new long[length];
                boolean[] writes = new boolean[length];
                for (int i = 0; i < length; i++) {
                    pages[i] = c.random().nextInt(3) == 0 && i > 0 ? pages[i - 1]
                            : c.random().nextInt(50) == 0 ? Long.MIN_VALUE + i % 3 : c.random().nextInt(40);
                    writes[i] = c.random().nextInt(4) == 0;
                }
                traces.add(new ArrayTraceReader("t" + p, pages, writes, null, block, new int[1]));
            }
        }
        long quantum = c.pick(1L, (long) c.between(1, 20), (long) c.between(1, 300), ReplayConfig.DEFAULT_QUANTUM);
        return new Scenario(traces, quantum);
    }

    /** Rule 5 and the ids, the slow and obvious way. */
    static final class Naive {
        final List<Integer> processOf = new ArrayList<>();
        final List<Long> pages = new ArrayList<>();
        final List<Integer> refs = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<Integer> pidOf = new ArrayList<>();
        final List<Integer> localOf = new ArrayList<>();
        final List<Integer> pagesOf = new ArrayList<>();
        final List<Long> referencesOf = new ArrayList<>();
        private final Map<List<Long>, Integer> ids = new HashMap<>();

        Naive(Scenario s) {
            List<ArrayTraceReader> traces = s.traces();
            if (traces.getFirst().pids() != null) {
                ArrayTraceReader t = traces.getFirst();
                Map<Integer, Integer> processOfPid = new HashMap<>();
                for (int i = 0; i < t.pages().length; i++) {
                    int pidValue = t.pids()[i];
                    int process = processOfPid.computeIfAbsent(pidValue, v -> newProcess(t.name() + " pid " + v));
                    add(process, t.pages()[i], t.writes()[i]);
                }
                return;
            }
            int[] position = new int[traces.size()];
            for (ArrayTraceReader t : traces) {
                newProcess(t.name());
            }
            boolean any = true;
            while (any) {
                any = false;
                for (int p = 0; p < traces.size(); p++) {
                    ArrayTraceReader t = traces.get(p);
                    for (long q = 0; q < s.quantum() && position[p] < t.pages().length; q++, position[p]++) {
                        add(p, t.pages()[position[p]], t.writes()[position[p]]);
                        any = true;
                    }
                }
            }
        }

        private int newProcess(String name) {
            names.add(name);
            pagesOf.add(0);
            referencesOf.add(0L);
            return names.size() - 1;
        }

        private void add(int process, long page, boolean write) {
            Integer id = ids.get(List.of((long) process, page));
            if (id == null) {
                id = ids.size();
                ids.put(List.of((long) process, page), id);
                pidOf.add(process);
                localOf.add(pagesOf.get(process));
                pagesOf.set(process, pagesOf.get(process) + 1);
            }
            processOf.add(process);
            pages.add(page);
            refs.add(write ? id | RefSource.WRITE : id);
            referencesOf.set(process, referencesOf.get(process) + 1);
        }
    }

    /** A property over {@link #scenario}s, each given with its {@link Naive} truth. */
    private interface Property {
        void check(Seeded.Case c, Scenario s, Naive naive) throws Exception;
    }

    /** Runs {@code property} over {@code cases}' scenarios, gated on several processes and on traces with pids too. */
    private static void forScenarios(Seeded cases, Property property) {
        cases.requireShare("several processes", 0.4).requireAtLeast("a trace with pids", 20).run(c -> {
            Scenario s = scenario(c);
            c.given(s);
            Naive naive = new Naive(s);
            property.check(c, s, naive);
            c.cover("several processes", naive.names.size() > 1);
            c.cover("a trace with pids", s.traces().getFirst().pids() != null);
        });
    }

    @Test
    void runs_randomTracesAndLimits_followRule5OneProcessARun() {
        forScenarios(Seeded.cases("turns follow rule 5", 300).requireAtLeast("a run cut by the limit", 50)
                .requireAtLeast("an empty trace among others", 10), (c, s, naive) -> {
                    TraceTurns turns = new TraceTurns(s.readers(), s.quantum());
                    int maxLimit = c.pick(1, 3, 64, 1 << 16);
                    int at = 0;
                    int length;
                    int limit = 1 + c.random().nextInt(maxLimit);
                    while ((length = turns.next(limit)) > 0) {
                        c.step(at, "run");
                        assertThat(length).isLessThanOrEqualTo(limit);
                        if (!turns.carriesPids()) {
                            assertThat((long) length).isLessThanOrEqualTo(s.quantum());
                        }
                        c.cover("a run cut by the limit", length == limit && limit < s.quantum());
                        TraceBlock block = turns.runBlock();
                        for (int i = 0; i < length; i++, at++) {
                            assertThat(turns.runProcess()).as("process of reference %d", at).isEqualTo(naive.processOf.get(at));
                            assertThat(block.pages[turns.runFrom() + i]).as("page %d", at).isEqualTo(naive.pages.get(at));
                            int expected = naive.refs.get(at);
                            assertThat(RefKind.isWrite(block.kinds[turns.runFrom() + i])).as("write %d", at).isEqualTo(expected < 0);
                        }
                        limit = 1 + c.random().nextInt(maxLimit);
                    }
                    assertThat(at).as("references").isEqualTo(naive.refs.size());
                    assertThat(turns.next(1)).as("after the end").isZero();
                    assertThat(turns.processes()).isEqualTo(naive.names.size());
                    for (int pid = 0; pid < turns.processes(); pid++) {
                        assertThat(turns.nameOf(pid)).isEqualTo(naive.names.get(pid));
                        assertThat(turns.referencesOf(pid)).as("references of %d", pid).isEqualTo(naive.referencesOf.get(pid));
                    }
                    assertThat(turns.carriesPids()).isEqualTo(s.traces().getFirst().pids() != null);
                    c.cover("an empty trace among others", s.traces().size() > 1
                            && s.traces().stream().anyMatch(t -> t.pages().length == 0));
                });
    }

    @Test
    void next_randomTracesAndBuffers_givesTheNaiveIdsStreamedAndInMemory() {
        forScenarios(Seeded.cases("sources give the naive ids", 300).requireAtLeast("a page number in two processes", 30),
                (c, s, naive) -> {
                    RefSource streamed = RefSource.of(s.readers(), s.quantum());
                    assertThat(streamed.processesAppear()).isEqualTo(s.traces().getFirst().pids() != null);
                    check(c, "streamed", streamed, naive);
                    RefSource inMemory = ReferenceStream.load(s.readers(), s.quantum()).source();
                    assertThat(inMemory.processesAppear()).isFalse();
                    check(c, "in memory", inMemory, naive);
                    c.cover("a page number in two processes", naive.pidOf.size() > naive.ids.keySet().stream()
                            .map(key -> key.get(1)).distinct().count());
                });
    }

    private static void check(Seeded.Case c, String what, RefSource source, Naive naive) throws IOException {
        int at = 0;
        int[] buffer = new int[c.pick(1, 5, 1 << 14)];
        int n;
        while ((n = source.next(buffer)) > 0) {
            for (int i = 0; i < n; i++, at++) {
                c.step(at, what);
                int ref = buffer[i];
                assertThat(ref).as("%s reference %d", what, at).isEqualTo(naive.refs.get(at));
                int id = ref & RefSource.ID_MASK;
                assertThat(id).as("id below pages()").isLessThan(source.pages());
                assertThat(source.pidOf()[id]).as("%s process of id %d", what, id).isEqualTo(naive.pidOf.get(id));
                assertThat(source.localOf()[id]).as("%s local id of id %d", what, id).isEqualTo(naive.localOf.get(id));
                assertThat(source.pidOf()[id]).as("process below processes()").isLessThan(source.processes());
            }
        }
        assertThat(at).as("%s references", what).isEqualTo(naive.refs.size());
        assertThat(source.pages()).as("%s pages", what).isEqualTo(naive.pidOf.size());
        assertThat(source.processes()).as("%s processes", what).isEqualTo(naive.names.size());
        for (int pid = 0; pid < source.processes(); pid++) {
            assertThat(source.nameOf(pid)).isEqualTo(naive.names.get(pid));
            assertThat(source.pagesOf(pid)).as("%s pages of %d", what, pid).isEqualTo(naive.pagesOf.get(pid));
            assertThat(source.referencesOf(pid)).as("%s references of %d", what, pid).isEqualTo(naive.referencesOf.get(pid));
        }
    }

    @Test
    void turns_badArguments_areRefusedBeforeReading() {
        ArrayTraceReader plain = ArrayTraceReader.of("a.trace", 1, 2, 3);
        ArrayTraceReader pids = ArrayTraceReader.withPids("b.vmsim", new long[] {1}, new boolean[1], new int[] {7});
        assertThatThrownBy(() -> new TraceTurns(List.of(), 1)).hasMessage("no traces to replay");
        assertThatThrownBy(() -> new TraceTurns(List.of(plain), 0))
                .hasMessage("the quantum must be at least 1 reference, not 0");
        assertThatThrownBy(() -> RefSource.of(List.of(plain, pids), 10))
                .hasMessage("a trace that carries pids (b.vmsim) is replayed in its own order, so it must be the only"
                        + " trace, but 2 traces were given: [a.trace, b.vmsim]; give its processes as one file, or"
                        + " convert it without pids");
        assertThat(plain.position()[0]).as("nothing read").isZero();
    }

    @Test
    void next_limitBelowOne_isRefused() throws IOException {
        TraceTurns turns = new TraceTurns(List.of(ArrayTraceReader.of("a", 1, 2)), 5);
        assertThatThrownBy(() -> turns.next(0))
                .hasMessage("a run of at most 0 references: the limit must be at least 1");
        assertThat(turns.next(5)).isEqualTo(2);
    }
}
