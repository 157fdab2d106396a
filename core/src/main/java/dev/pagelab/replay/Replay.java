package dev.pagelab.replay;

import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The trace-driven replay engine: seed 001's demand paging with frames divided among processes
 * and local or global replacement, for any registered policy, several side by side over one read
 * of the traces. No MMU: processes are streams of page ids, and a policy's pool is primitive
 * arrays ({@link PoolState}).
 *
 * <p>The semantics (the contract; tests pin each):
 * <ol>
 *   <li>Demand paging, frames start empty; a reference to a page that is not resident is a fault
 *       and always loads it.</li>
 *   <li>Frames of a pool are numbered from 0; a fault takes the lowest-numbered free frame while
 *       one is free, otherwise the victim's frame receives the new page.</li>
 *   <li>A write makes its page dirty, including the write whose fault loaded it (loading makes a
 *       page clean first); evicting a dirty page is one write-back, charged to the process that
 *       owns the evicted page. Pages resident at the end are not flushed.</li>
 *   <li>Each process's pages are its own. Local scope: one pool a process of its allocated frames
 *       ({@link FrameAllocation}), its own policy state, its own pool time; global scope: one pool
 *       of all frames, one policy state over the interleaved stream.</li>
 *   <li>Interleaving: round-robin turns of {@code quantum} references in the order given
 *       ({@link TraceTurns}); a trace with pids in its own order.</li>
 *   <li>Frames are never freed when a process's trace ends.</li>
 * </ol>
 *
 * <p>The stream is held in memory first ({@link ReferenceStream}, 4 bytes a reference) when it
 * must be known before the replay starts: a policy needs the future (OPT), proportional or
 * priority allocation takes sizes from the traces, or a trace with pids is replayed under local
 * scope (its processes are known only at the end): {@link #mustHoldStream}. Otherwise the traces
 * stream through in blocks ({@link RefSource}) and memory does not grow with their length.
 */
public final class Replay {
    private static final int CHUNK = 1 << 14;

    private Replay() {
    }

    /**
     * Replays {@code traces} (trace i is process i, or one trace with pids) under each of
     * {@code policies}. The readers are read to their end but not closed.
     *
     * @param progress told the number of references replayed so far after every block (may be null)
     * @throws IllegalArgumentException for a configuration that cannot run (an unknown policy, an
     *                                  allocation below the minimum, sizes that do not match the
     *                                  processes), before any reference is replayed where possible
     */
    public static ReplayResult run(List<TraceReader> traces, List<String> policies, ReplayConfig config,
                                   PolicyRegistry registry, LongConsumer progress) throws IOException {
        List<String> names = checkPolicies(policies, registry);
        RefSource source = RefSource.of(traces, config.quantum());
        if (mustHoldStream(source, names, config, registry)) {
            return run(ReferenceStream.load(source), names, config, registry, progress, true);
        }
        boolean local = config.scope() == Scope.LOCAL;
        FrameAllocation allocation = local ? divide(config, source.processes(), null) : null;
        List<PolicyRun> runs = newRuns(names, config, registry, allocation);
        int[] buffer = new int[CHUNK];
        long done = 0;
        int n;
        while ((n = source.next(buffer)) > 0) {
            for (PolicyRun run : runs) {
                run.prepare(source);
                run.process(buffer, 0, n, null);
            }
            done += n;
            if (progress != null) {
                progress.accept(done);
            }
        }
        return result(runs, source, config, allocation, false);
    }

    /**
     * Whether a replay of {@code source} under {@code policies} and {@code config} must hold the
     * whole stream in memory before it starts (the class comment's rule), rather than stream it
     * through in blocks: a policy needs the future (OPT: every reference's next use), proportional
     * or priority allocation takes each process's size from the traces (local scope, no sizes
     * given), or the processes of a trace with pids, known only at its end, divide the frames
     * (local scope). Other replays over the same reading side (the kernel path) ask the same
     * question here.
     *
     * @throws IllegalArgumentException for a policy {@code registry} does not know
     */
    public static boolean mustHoldStream(RefSource source, List<String> policies, ReplayConfig config,
                                         PolicyRegistry registry) {
        boolean future = false;
        for (String name : policies) {
            future |= registry.info(name).needsFuture();
        }
        boolean local = config.scope() == Scope.LOCAL;
        boolean sizesFromTraces = local && config.allocation() != AllocationMode.EQUAL && config.sizes() == null;
        return future || sizesFromTraces || (local && source.processesAppear());
    }

    /** Replays a stream held in memory under each of {@code policies}. */
    public static ReplayResult run(ReferenceStream stream, List<String> policies, ReplayConfig config,
                                   PolicyRegistry registry, LongConsumer progress) {
        return run(stream, checkPolicies(policies, registry), config, registry, progress, true);
    }

    private static ReplayResult run(ReferenceStream stream, List<String> names, ReplayConfig config,
                                    PolicyRegistry registry, LongConsumer progress, boolean inMemory) {
        boolean local = config.scope() == Scope.LOCAL;
        FrameAllocation allocation = local ? divide(config, stream.processes(), stream) : null;
        List<PolicyRun> runs = newRuns(names, config, registry, allocation);
        RefSource source = stream.source();
        int[] nextUse = null;
        for (PolicyRun run : runs) {
            run.prepare(source);
            if (run.info.needsFuture() && nextUse == null) {
                nextUse = stream.nextUse(config.scope());
            }
        }
        int[] refs = stream.refs();
        int length = stream.length();
        for (int from = 0; from < length; from += CHUNK) {
            int to = Math.min(length, from + CHUNK);
            for (PolicyRun run : runs) {
                run.process(refs, from, to, run.info.needsFuture() ? nextUse : null);
            }
            if (progress != null) {
                progress.accept(to);
            }
        }
        return result(runs, source, config, allocation, inMemory);
    }

    /**
     * The policies as given, checked: at least one, each known to {@code registry}, none twice.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static List<String> checkPolicies(List<String> policies, PolicyRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("no policy to replay");
        }
        for (String name : policies) {
            registry.info(name);
        }
        if (new LinkedHashSet<>(policies).size() != policies.size()) {
            throw new IllegalArgumentException("a policy is named twice in " + policies);
        }
        return List.copyOf(policies);
    }

    static FrameAllocation divide(ReplayConfig config, int processes, ReferenceStream stream) {
        config.checkProcesses(processes);
        long[] sizes = config.sizes();
        long[] priorities = config.priorities();
        if (sizes == null) {
            sizes = new long[processes];
            for (int pid = 0; pid < processes; pid++) {
                sizes[pid] = stream == null ? 1 : Math.max(1, stream.pagesOf(pid));
            }
        }
        return FrameAllocation.divide(config.allocation(), config.frames(), sizes, priorities,
                config.minimumFor(processes));
    }

    private static List<PolicyRun> newRuns(List<String> names, ReplayConfig config, PolicyRegistry registry,
                                           FrameAllocation allocation) {
        List<PolicyRun> runs = new ArrayList<>();
        for (String name : names) {
            runs.add(new PolicyRun(name, registry, config.policy(), config.scope(), allocation, config.frames()));
        }
        return runs;
    }

    private static ReplayResult result(List<PolicyRun> runs, RefSource source, ReplayConfig config,
                                       FrameAllocation allocation, boolean inMemory) {
        List<PolicyResult> results = new ArrayList<>();
        int processes = source.processes();
        for (PolicyRun run : runs) {
            run.prepare(source);
            List<ProcessResult> perProcess = new ArrayList<>();
            for (int pid = 0; pid < processes; pid++) {
                perProcess.add(new ProcessResult(pid, source.nameOf(pid), source.pagesOf(pid), source.referencesOf(pid),
                        run.faults[pid], run.writebacks[pid], run.resident[pid], run.quota(pid)));
            }
            results.add(new PolicyResult(run.name, perProcess));
        }
        return new ReplayResult(config, allocation, results, inMemory);
    }
}
