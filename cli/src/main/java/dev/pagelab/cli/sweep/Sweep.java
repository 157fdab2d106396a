package dev.pagelab.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Runs a sweep ({@link SweepSpec}) into a folder: every cell not done yet, in parallel, each
 * result written as it finishes ({@link ResultsStore}), so that a sweep stopped and started again
 * with the same spec does only what is left.
 *
 * <p>Steps:
 * <ol>
 *   <li>The folder's {@code sweep.json}, if any, must hold the same spec (else the sweep is
 *       refused, naming every difference); otherwise it is written.</li>
 *   <li>The results there are read back; the cells done are skipped.</li>
 *   <li>The cells are taken a stream group at a time: one trace set with one quantum. Its
 *       references are read once into memory ({@link ReferenceStream}, 4 bytes a reference; the
 *       next group's are read on another thread meanwhile, so at most two groups' are held), and
 *       every cell of the group left to do is a task on a pool of {@code jobs} threads sharing the
 *       stream read only: a replay by {@link Replay#run(ReferenceStream, List, ReplayConfig,
 *       PolicyRegistry, LongConsumer)} with one policy, or, for a whole curve group (policy, scope,
 *       allocation) that a {@link CurveSource} supports, one task for all its frame counts. With
 *       {@code --stream} nothing is held: each cell reads its traces itself, as {@code pagelab
 *       replay} does.</li>
 *   <li>This thread collects finished cells and writes them, one at a time, and tells the
 *       listener the progress about four times a second.</li>
 *   <li>A cell that the engine refuses (its processes would get fewer frames than the minimum) is
 *       not written; it is listed in the summary, and tried again on a restart.</li>
 *   <li>When every cell is done the results are written again in the sweep's order, and the
 *       working-set curves of every trace set ({@code working-set.csv}, from the streams read
 *       anyway) are written whole.</li>
 * </ol>
 *
 * <p>Results equal {@code pagelab replay}'s for the same options: the engine is the same, and a
 * stream read into memory replays exactly as one streamed from the files.
 */
public final class Sweep {
    /** The working-set curves' file in a sweep's folder. */
    public static final String WORKING_SET_CSV = "working-set.csv";

    /** The columns of working-set.csv: {@code average_pages} is s(τ) with {@code window} τ. */
    static final List<String> WORKING_SET_COLUMNS = List.of("trace", "pid", "process", "references", "window",
            "average_pages");

    private static final long PROGRESS_NANOS = 250_000_000L;

    /** Told the progress, from the sweep's own thread. */
    public interface Listener {
        /**
         * @param cellsDone  cells done, including those done before this run
         * @param cellsTotal all cells (those refused included)
         * @param references references replayed by this run so far, over all cells
         */
        void progress(long cellsDone, long cellsTotal, long references);
    }

    /**
     * What a run did.
     *
     * @param cells      the sweep's cells
     * @param before     cells done before this run
     * @param computed   cells computed by this run
     * @param refused    one message a cell the engine refused
     * @param references references replayed by this run
     * @param seconds    this run's wall-clock time
     * @param stopped    whether the run stopped early ({@link Builder#stopAfter})
     * @param byMethod   the cells computed by this run, by how: {@code replay}, {@code one-pass}
     */
    public record Summary(int cells, int before, int computed, List<String> refused, long references,
                         double seconds, boolean stopped, Map<String, Integer> byMethod) {
        public Summary {
            refused = List.copyOf(refused);
            byMethod = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byMethod));
        }
    }

    private final SweepSpec spec;
    private final Path dir;
    private final int jobs;
    private final boolean streaming;
    private final List<CurveSource> sources;
    private final PolicyRegistry registry;
    private final Listener listener;
    private final int stopAfter;

    private Sweep(Builder b) {
        this.spec = b.spec;
        this.dir = b.dir;
        this.jobs = b.jobs;
        this.streaming = b.streaming;
        this.sources = List.copyOf(b.sources);
        this.registry = b.registry;
        this.listener = b.listener;
        this.stopAfter = b.stopAfter;
    }

    /** A sweep of {@code spec} into {@code dir}. */
    public static Builder of(SweepSpec spec, Path dir) {
        return new Builder(spec, dir);
    }

    /** How to run a sweep; every setting but the spec and the folder has a default. */
    public static final class Builder {
        private final SweepSpec spec;
        private final Path dir;
        private int jobs = Runtime.getRuntime().availableProcessors();
        private boolean streaming;
        private List<CurveSource> sources = CurveSources.installed();
        private PolicyRegistry registry = PolicyRegistry.builtIn();
        private Listener listener = (done, total, references) -> { };
        private int stopAfter = -1;

        private Builder(SweepSpec spec, Path dir) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Cells computed at once (default: the processors). */
        public Builder jobs(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("--jobs: expected 1 or more, got " + value);
            }
            jobs = value;
            return this;
        }

        /** Each cell reads its traces itself instead of one stream held in memory a group. */
        public Builder streaming(boolean value) {
            streaming = value;
            return this;
        }

        /** The curve sources to consult (default: {@link CurveSources#installed()}). */
        public Builder sources(List<CurveSource> value) {
            sources = List.copyOf(value);
            return this;
        }

        public Builder registry(PolicyRegistry value) {
            registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        public Builder listener(Listener value) {
            listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /**
         * Stops after writing {@code cells} cells, as if killed there, leaving the files as a
         * killed sweep would (for tests of resuming; no final rewrite).
         */
        public Builder stopAfter(int cells) {
            stopAfter = cells;
            return this;
        }

        public Summary run() throws IOException {
            return new Sweep(this).run();
        }
    }

    /** What a task hands back to the sweep's thread. */
    private sealed interface Outcome {
    }

    private record Done(List<CellResult> results, List<Timeline> timelines) implements Outcome {
    }

    private record Refused(Cell cell, String message) implements Outcome {
    }

    private record WorkingSet(int set, List<String> lines) implements Outcome {
    }

    private record Failed(Throwable error) implements Outcome {
    }

    /** A task was stopped because the sweep stops. */
    private static final class Stopping extends RuntimeException {
        Stopping() {
            super("the sweep stops", null, false, false);
        }
    }

    private final LinkedBlockingQueue<Outcome> finished = new LinkedBlockingQueue<>();
    private final AtomicLong replayed = new AtomicLong();
    private volatile boolean stopping;

    private Summary run() throws IOException {
        long started = System.nanoTime();
        Files.createDirectories(dir);
        checkSpec();
        List<Cell> plan = spec.cells();
        boolean workingSetNeeded = !streaming && !Files.exists(dir.resolve(WORKING_SET_CSV));
        Map<Integer, List<String>> workingSets = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        int computed = 0;
        Map<String, Integer> byMethod = new java.util.TreeMap<>();
        int before;
        ExecutorService pool = Executors.newFixedThreadPool(jobs, task -> {
            Thread thread = new Thread(task, "sweep");
            thread.setDaemon(true);
            return thread;
        });
        try (ResultsStore store = ResultsStore.open(dir, plan)) {
            before = store.doneCount();
            long lastProgress = 0;
            List<Group> groups = groups(plan, store, workingSetNeeded, spec.sets(), spec.quanta());
            try (Loader loader = streaming ? null : new Loader(groups)) {
                for (int g = 0; g < groups.size(); g++) {
                    Group group = groups.get(g);
                    int set = group.set();
                    List<Cell> pending = group.pending();
                    ReferenceStream stream = loader == null ? null : loader.take(g);
                    int tasks = submit(pool, set, stream, pending, group.workingSet());
                    while (tasks > 0) {
                        Outcome outcome;
                        try {
                            outcome = finished.poll(PROGRESS_NANOS, TimeUnit.NANOSECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("the sweep was interrupted", e);
                        }
                        if (outcome != null) {
                            tasks--;
                            switch (outcome) {
                                case Done done -> {
                                    for (int i = 0; i < done.results().size(); i++) {
                                        store.write(done.results().get(i), done.timelines().get(i));
                                        computed++;
                                        byMethod.merge(done.results().get(i).method(), 1, Integer::sum);
                                        if (computed == stopAfter) {
                                            stopping = true;
                                            return new Summary(plan.size(), before, computed, refused,
                                                    replayed.get(), seconds(started), true, byMethod);
                                        }
                                    }
                                }
                                case Refused r -> refused.add(r.cell().describe() + ": " + r.message());
                                case WorkingSet w -> workingSets.put(w.set(), w.lines());
                                case Failed f -> {
                                    stopping = true;
                                    throw rethrow(f.error());
                                }
                            }
                        }
                        long now = System.nanoTime();
                        if (outcome != null || now - lastProgress >= PROGRESS_NANOS) {
                            lastProgress = now;
                            listener.progress(store.doneCount(), plan.size(), replayed.get());
                        }
                    }
                }
            }
            store.finish();
        } finally {
            stopping = true;
            pool.shutdownNow();
        }
        if (workingSetNeeded) {
            StringBuilder text = new StringBuilder(Csv.line(WORKING_SET_COLUMNS));
            workingSets.values().forEach(lines -> lines.forEach(text::append));
            ResultsStore.replace(dir.resolve(WORKING_SET_CSV), text.toString());
        }
        return new Summary(plan.size(), before, computed, refused, replayed.get(), seconds(started), false, byMethod);
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    private static RuntimeException rethrow(Throwable error) throws IOException {
        if (error instanceof IOException e) {
            throw e;
        }
        if (error instanceof RuntimeException e) {
            return e;
        }
        if (error instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(error);
    }

    /** Refuses a folder that holds another sweep; writes the spec into a new one. */
    private void checkSpec() throws IOException {
        Path file = dir.resolve(SweepSpec.FILE);
        ObjectMapper mapper = new ObjectMapper();
        if (Files.exists(file)) {
            JsonNode stored;
            try {
                stored = mapper.readTree(file.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": expected the JSON spec of a sweep ("
                        + e.getOriginalMessage() + ")");
            }
            if (stored == null || !stored.isObject()) {
                throw new IllegalArgumentException(file + ": expected the JSON spec of a sweep");
            }
            List<String> differences = spec.differences(stored);
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException(dir + " holds a sweep with other arguments (" + String.join("; ",
                        differences) + "): give another --out, or delete " + dir + " to start again");
            }
            return;
        }
        try (var entries = Files.list(dir)) {
            if (entries.anyMatch(p -> p.getFileName().toString().startsWith("results."))) {
                throw new IllegalArgumentException(dir + " holds results but no " + SweepSpec.FILE
                        + ": give another --out");
            }
        }
        ResultsStore.replace(file, mapper.enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(spec.toJson()) + "\n");
    }

    /** One trace set with one quantum: the cells left to do, and whether its working-set curve is wanted. */
    private record Group(int set, long quantum, List<Cell> pending, boolean workingSet) {
    }

    /** The stream groups with something to do, in the sweep's order; the working-set curve goes with a set's first. */
    private static List<Group> groups(List<Cell> plan, ResultsStore store, boolean workingSetNeeded, int sets,
                                      long[] quanta) {
        List<Group> groups = new ArrayList<>();
        for (int set = 0; set < sets; set++) {
            boolean workingSet = workingSetNeeded;
            for (long quantum : quanta) {
                List<Cell> pending = new ArrayList<>();
                for (Cell cell : plan) {
                    if (cell.set() == set && cell.quantum() == quantum && !store.isDone(cell)) {
                        pending.add(cell);
                    }
                }
                if (!pending.isEmpty() || workingSet) {
                    groups.add(new Group(set, quantum, pending, workingSet));
                    workingSet = false;
                }
            }
        }
        return groups;
    }

    /**
     * Reads the groups' streams in order, the next one on its own thread while the cells of the
     * current one run (reading a trace is one thread's work, gunzip and parsing, and a one-pass
     * curve is one task: without this a core would wait). So at most two streams are held at once.
     * One process's stream does not depend on the quantum: it is kept for the set's next quantum.
     */
    private final class Loader implements AutoCloseable {
        private final List<Group> groups;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "sweep-loader");
            t.setDaemon(true);
            return t;
        });
        private Future<ReferenceStream> next;
        private int nextIndex = -1;
        private ReferenceStream last;
        private int lastSet = -1;

        Loader(List<Group> groups) {
            this.groups = groups;
        }

        /** The stream of group {@code g}, the groups taken in order; starts reading the next one's. */
        ReferenceStream take(int g) throws IOException {
            Group group = groups.get(g);
            ReferenceStream stream;
            if (nextIndex == g) {
                stream = await(next);
                next = null;
            } else if (lastSet == group.set() && last != null && last.processes() == 1) {
                stream = last;
            } else {
                stream = load(group.set(), group.quantum());
            }
            last = stream;
            lastSet = group.set();
            if (g + 1 < groups.size()) {
                Group following = groups.get(g + 1);
                if (following.set() != group.set() || stream.processes() != 1) {
                    nextIndex = g + 1;
                    next = thread.submit(() -> load(following.set(), following.quantum()));
                }
            }
            return stream;
        }

        private ReferenceStream await(Future<ReferenceStream> future) throws IOException {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the sweep was interrupted", e);
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }

        @Override
        public void close() {
            if (next != null) {
                next.cancel(true);
            }
            thread.shutdownNow();
        }
    }

    private ReferenceStream load(int set, long quantum) throws IOException {
        List<TraceReader> readers = Traces.openAhead(spec.setPaths(set), spec.traceOptions());
        try {
            return ReferenceStream.load(readers, quantum);
        } finally {
            Traces.closeAll(readers);
        }
    }

    /** Submits the tasks of one stream group; returns how many. */
    private int submit(ExecutorService pool, int set, ReferenceStream stream, List<Cell> pending, boolean workingSet) {
        int tasks = 0;
        if (workingSet) {
            pool.execute(guarded(() -> finished.add(new WorkingSet(set, workingSetLines(set, stream)))));
            tasks++;
        }
        // Curve groups: same policy, scope and allocation; the frame counts of their cells.
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell cell : pending) {
            groups.computeIfAbsent(cell.policy() + "\t" + cell.scope() + "\t" + cell.allocation(),
                    k -> new ArrayList<>()).add(cell);
        }
        for (List<Cell> group : groups.values()) {
            List<Cell> replayed = new ArrayList<>(group);
            if (stream != null && !sources.isEmpty()) {
                tasks += submitCurve(pool, stream, group, replayed);
            }
            for (Cell cell : replayed) {
                pool.execute(guarded(() -> finished.add(replay(cell, stream))));
                tasks++;
            }
        }
        return tasks;
    }

    /**
     * Submits the cells of {@code group} that a curve source computes as one task, taking them out
     * of {@code replayed}, which keeps those left to replay; returns the tasks submitted (0 or 1).
     */
    private int submitCurve(ExecutorService pool, ReferenceStream stream, List<Cell> group, List<Cell> replayed) {
        List<Cell> cells = new ArrayList<>();
        List<ReplayConfig> configs = new ArrayList<>();
        List<FrameAllocation> allocations = new ArrayList<>();
        for (Cell cell : group) {
            if (spec.timeline(cell)) {
                continue;
            }
            ReplayConfig config = spec.config(cell);
            try {
                allocations.add(cell.allocation() == null ? null : allocation(config, stream));
            } catch (IllegalArgumentException e) {
                continue;
            }
            cells.add(cell);
            configs.add(config);
        }
        if (cells.isEmpty()) {
            return 0;
        }
        CurveGroup curveGroup = new CurveGroup(stream, cells.get(0).policy(),
                cells.stream().mapToInt(Cell::frames).toArray(), configs.toArray(ReplayConfig[]::new),
                cells.get(0).allocation() == null ? null : allocations.toArray(FrameAllocation[]::new));
        for (CurveSource source : sources) {
            if (source.supports(curveGroup)) {
                replayed.removeAll(cells);
                pool.execute(guarded(() -> finished.add(curve(source, curveGroup, cells))));
                return 1;
            }
        }
        return 0;
    }

    /**
     * Each process's frames under local scope for {@code config} over {@code stream}, as the
     * engine divides them: sizes from {@code --sizes}, else each process's distinct pages.
     */
    static FrameAllocation allocation(ReplayConfig config, ReferenceStream stream) {
        int processes = stream.processes();
        config.checkProcesses(processes);
        long[] sizes = config.sizes();
        if (sizes == null) {
            sizes = new long[processes];
            for (int pid = 0; pid < processes; pid++) {
                sizes[pid] = Math.max(1, stream.pagesOf(pid));
            }
        }
        return FrameAllocation.divide(config.allocation(), config.frames(), sizes, config.priorities(),
                config.minimumFor(processes));
    }

    /** Runs {@code task}, turning whatever it throws into a {@link Failed} outcome. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                if (!stopping) {
                    task.run();
                }
            } catch (Stopping e) {
                // The sweep no longer waits for it.
            } catch (Throwable e) {
                finished.add(new Failed(e instanceof UncheckedIOException u ? u.getCause() : e));
            }
        };
    }

    /** A progress callback for one task: adds what it replayed to the sweep's count; stops it when the sweep stops. */
    private LongConsumer counter() {
        long[] last = {0};
        return done -> {
            if (stopping) {
                throw new Stopping();
            }
            replayed.addAndGet(done - last[0]);
            last[0] = done;
        };
    }

    private Outcome replay(Cell cell, ReferenceStream stream) {
        ReplayConfig config = spec.config(cell);
        List<String> policies = List.of(cell.policy());
        long started = System.nanoTime();
        ReplayResult result;
        Timeline timeline = null;
        try {
            if (stream == null) {
                List<TraceReader> readers = Traces.openAhead(spec.setPaths(cell.set()), spec.traceOptions());
                try {
                    result = Replay.run(readers, policies, config, registry, counter());
                } finally {
                    Traces.closeAll(readers);
                }
            } else if (spec.timeline(cell)) {
                TimelineRecorder recorder = new TimelineRecorder(stream, cell.scope(), spec.timelineEvery());
                result = Replay.run(stream, policies, config, recorder.registry(registry, cell.policy()),
                        recorder.progress(counter()));
                timeline = recorder.finish(result.policy(cell.policy()));
            } else {
                result = Replay.run(stream, policies, config, registry, counter());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            return new Refused(cell, e.getMessage());
        }
        double seconds = seconds(started);
        PolicyResult counts = result.policy(cell.policy());
        List<ProcessCounts> processes = new ArrayList<>();
        List<TraceFile> traces = spec.setTraces(cell.set());
        for (ProcessResult p : counts.processes()) {
            processes.add(new ProcessCounts(p.pid(), processName(traces, p.pid(), p.trace()), p.pages(),
                    p.references(), p.faults(), p.writebacks(), p.quota()));
        }
        List<Timeline> timelines = new ArrayList<>();
        timelines.add(timeline);
        return new Done(List.of(new CellResult(cell, processes, CellResult.REPLAY, seconds)), timelines);
    }

    private Outcome curve(CurveSource source, CurveGroup group, List<Cell> cells) {
        long started = System.nanoTime();
        CurveSource.Curve curve = source.compute(group, counter());
        double seconds = seconds(started) / cells.size();
        ReferenceStream stream = group.stream();
        int processes = stream.processes();
        if (curve.faults().length != cells.size() || curve.writebacks().length != cells.size()) {
            throw new IllegalStateException("curve source " + source.method() + " answered " + curve.faults().length
                    + " fault rows and " + curve.writebacks().length + " write-back rows for " + cells.size()
                    + " frame counts");
        }
        List<TraceFile> traces = spec.setTraces(cells.get(0).set());
        List<CellResult> results = new ArrayList<>();
        List<Timeline> timelines = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            if (curve.faults()[i].length != processes || curve.writebacks()[i].length != processes) {
                throw new IllegalStateException("curve source " + source.method() + " answered counts of "
                        + curve.faults()[i].length + " processes for a stream of " + processes);
            }
            List<ProcessCounts> counts = new ArrayList<>();
            for (int pid = 0; pid < processes; pid++) {
                int quota = group.allocations() == null ? -1 : group.allocations()[i].quota(pid);
                counts.add(new ProcessCounts(pid, processName(traces, pid, stream.nameOf(pid)), stream.pagesOf(pid),
                        stream.referencesOf(pid), curve.faults()[i][pid], curve.writebacks()[i][pid], quota));
            }
            results.add(new CellResult(cells.get(i), counts, source.method(), seconds));
            timelines.add(null);
        }
        return new Done(results, timelines);
    }

    /**
     * A process's name in the results: its trace's file name, where the engine names it by the path
     * given (a trace with pids adds {@code pid N}), so that results do not depend on where the
     * sweep was started.
     */
    static String processName(List<TraceFile> traces, int pid, String engineName) {
        if (traces.size() == 1) {
            String path = traces.get(0).path().toString();
            return engineName.startsWith(path) ? traces.get(0).name() + engineName.substring(path.length())
                    : engineName;
        }
        return pid < traces.size() ? traces.get(pid).name() : engineName;
    }

    private List<String> workingSetLines(int set, ReferenceStream stream) {
        long longest = 0;
        for (int pid = 0; pid < stream.processes(); pid++) {
            longest = Math.max(longest, stream.referencesOf(pid));
        }
        long[] windows = spec.workingSetWindows() != null ? spec.workingSetWindows()
                : WorkingSetCurve.defaultWindows(longest);
        double[][] sizes = WorkingSetCurve.averageSizes(stream, windows);
        List<TraceFile> traces = spec.setTraces(set);
        List<String> lines = new ArrayList<>();
        for (int pid = 0; pid < stream.processes(); pid++) {
            for (int j = 0; j < windows.length; j++) {
                lines.add(Csv.line(List.of(spec.setName(set), String.valueOf(pid),
                        processName(traces, pid, stream.nameOf(pid)), String.valueOf(stream.referencesOf(pid)),
                        String.valueOf(windows[j]), String.format(java.util.Locale.ROOT, "%.4f", sizes[pid][j]))));
            }
        }
        return lines;
    }
}
