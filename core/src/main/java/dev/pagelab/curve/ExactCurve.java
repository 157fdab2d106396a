package dev.pagelab.curve;

import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.util.List;
import java.util.Objects;

/**
 * A curve counted exactly in one pass: what {@code pagelab replay} would count at every frame
 * count, each process apart ({@link ProcessCurve}).
 *
 * <p>Reading it:
 * <ul>
 *   <li>Global scope: {@link #faultsAt}, {@link #writebacksAt}, {@link #missRatioAt} are the totals
 *       with that many frames in the one pool; {@link #countsAt(int)} gives each process's share.</li>
 *   <li>Local scope: each process has its own curve over its own frames; a replay divides the
 *       frames first. {@link #countsAt(ReplayConfig)} divides them as the replay does and reads
 *       each process at its quota; {@link #countsAt(FrameAllocation)} takes quotas already
 *       divided. The totals at a frame count exist only for one process.</li>
 * </ul>
 *
 * @param policy     {@code lru} or {@code opt}
 * @param scope      the scope of the pools
 * @param quantum    the quantum several traces were interleaved with, or 0 when there was no
 *                   turn-taking (one trace, or one trace with pids)
 * @param references the references of all processes
 * @param pages      the distinct pages of all processes
 * @param processes  one curve a process, by pid
 */
public record ExactCurve(String policy, Scope scope, long quantum, long references, int pages,
                         List<ProcessCurve> processes) implements MissRatioCurve {
    public ExactCurve {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(scope, "scope");
        processes = List.copyOf(processes);
        if (processes.isEmpty()) {
            throw new IllegalArgumentException("a curve needs at least one process (a trace with pids has none until"
                    + " its first reference)");
        }
    }

    /** The curve of process {@code pid}. */
    public ProcessCurve process(int pid) {
        return processes.get(pid);
    }

    /** Whether the curve counts write-backs (LRU's does; OPT's are counted by {@link OptCurve}). */
    public boolean hasWritebacks() {
        return processes.get(0).hasWritebacks();
    }

    /** The largest frame count of any process's curve. */
    @Override
    public int frames() {
        return processes.stream().mapToInt(ProcessCurve::frames).max().orElse(0);
    }

    /** Whether every process's curve reaches its pool's pages. */
    @Override
    public boolean complete() {
        return processes.stream().allMatch(ProcessCurve::complete);
    }

    /**
     * The faults of all processes with {@code frames} frames.
     *
     * @throws IllegalStateException    for a local-scope curve of several processes
     * @throws IllegalArgumentException as {@link ProcessCurve#faultsAt}
     */
    public long faultsAt(int frames) {
        return countsAt(frames).totalFaults();
    }

    /**
     * The write-backs of all processes with {@code frames} frames.
     *
     * @throws IllegalStateException    for a local-scope curve of several processes, or a curve
     *                                  without write-backs
     * @throws IllegalArgumentException as {@link ProcessCurve#faultsAt}
     */
    public long writebacksAt(int frames) {
        return countsAt(frames).totalWritebacks();
    }

    @Override
    public double missRatioAt(int frames) {
        long faults = faultsAt(frames);
        return references == 0 ? 0 : (double) faults / references;
    }

    /**
     * Each process's counts with {@code frames} frames in the one pool (global scope, or a single
     * process under local scope).
     *
     * @throws IllegalStateException    for a local-scope curve of several processes: divide the
     *                                  frames ({@link #countsAt(ReplayConfig)})
     * @throws IllegalArgumentException as {@link ProcessCurve#faultsAt}
     */
    public CurveCounts countsAt(int frames) {
        if (scope == Scope.LOCAL && processes.size() > 1) {
            throw new IllegalStateException("a local-scope curve of " + processes.size() + " processes has no count at "
                    + frames + " frames until the frames are divided: use countsAt(ReplayConfig) or"
                    + " countsAt(FrameAllocation)");
        }
        int n = processes.size();
        long[] faults = new long[n];
        long[] writebacks = hasWritebacks() ? new long[n] : null;
        for (int pid = 0; pid < n; pid++) {
            faults[pid] = processes.get(pid).faultsAt(frames);
            if (writebacks != null) {
                writebacks[pid] = processes.get(pid).writebacksAt(frames);
            }
        }
        return new CurveCounts(frames, null, faults, writebacks);
    }

    /**
     * Each process's counts at its quota in {@code allocation} (local scope).
     *
     * @throws IllegalStateException    for a global-scope curve
     * @throws IllegalArgumentException when the allocation has another number of processes, or a
     *                                  quota is beyond an incomplete curve
     */
    public CurveCounts countsAt(FrameAllocation allocation) {
        if (scope != Scope.LOCAL) {
            throw new IllegalStateException("a global-scope curve has no quotas: use countsAt(frames)");
        }
        int n = processes.size();
        int[] quotas = allocation.quotas();
        if (quotas.length != n) {
            throw new IllegalArgumentException("the allocation divides " + allocation.frames() + " frames among "
                    + quotas.length + " processes, but the curve has " + n);
        }
        long[] faults = new long[n];
        long[] writebacks = hasWritebacks() ? new long[n] : null;
        for (int pid = 0; pid < n; pid++) {
            faults[pid] = processes.get(pid).faultsAt(quotas[pid]);
            if (writebacks != null) {
                writebacks[pid] = processes.get(pid).writebacksAt(quotas[pid]);
            }
        }
        return new CurveCounts(allocation.frames(), quotas, faults, writebacks);
    }

    /**
     * What {@code Replay.run} with {@code config} would count for each process: global scope reads
     * the curve at {@code config.frames()}; local scope divides the frames as the replay does
     * (sizes given, or each process's distinct pages; priorities; the minimum) and reads each
     * process at its quota.
     *
     * @throws IllegalArgumentException when the config's scope or quantum is not the curve's, the
     *                                  frames cannot be divided (as the replay refuses them), or a
     *                                  frame count is beyond an incomplete curve
     */
    public CurveCounts countsAt(ReplayConfig config) {
        checkReplay(config);
        if (scope == Scope.GLOBAL) {
            return countsAt(config.frames());
        }
        return countsAt(allocation(config));
    }

    /** Refuses a replay configuration of another scope or quantum than the curve's. */
    void checkReplay(ReplayConfig config) {
        if (config.scope() != scope) {
            throw new IllegalArgumentException("the curve is of " + scope.cliName() + " scope, the replay of "
                    + config.scope().cliName());
        }
        if (quantum != 0 && config.quantum() != quantum) {
            throw new IllegalArgumentException("the curve interleaves its traces with quantum " + quantum
                    + ", the replay with " + config.quantum());
        }
    }

    /** The frames {@code config} gives each process under local scope, divided as the replay divides them. */
    public FrameAllocation allocation(ReplayConfig config) {
        int n = processes.size();
        config.checkProcesses(n);
        long[] sizes = config.sizes();
        if (sizes == null) {
            sizes = new long[n];
            for (int pid = 0; pid < n; pid++) {
                sizes[pid] = Math.max(1, processes.get(pid).pages());
            }
        }
        return FrameAllocation.divide(config.allocation(), config.frames(), sizes, config.priorities(),
                config.minimumFor(n));
    }
}
