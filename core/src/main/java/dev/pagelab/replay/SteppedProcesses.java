package dev.pagelab.replay;

import dev.pagelab.replace.PolicyRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several processes over one machine's frames, step by step: the resident sets over time of the
 * web page's <i>Replacement</i> view, local against global. Process i is reference string i; the
 * strings interleave in round-robin turns of {@link ReplayConfig#quantum()} references
 * ({@link TraceTurns}); under local scope the frames are divided by {@link ReplayConfig}'s
 * allocation ({@link FrameAllocation}, with {@link Replay}'s rules: sizes from the strings' distinct
 * pages unless given, the minimum of {@link ReplayConfig#minimumFor}), under global scope one pool
 * holds them all. The {@link #results()} are {@code Replay.run}'s for the same strings, policy and
 * configuration (an oracle test pins this).
 *
 * <p>Machine frames: under global scope the pool's frames 0 … m−1; under local scope the processes'
 * pools end to end in pid order, process i holding frames {@code firstFrame()[i]} … that plus its
 * quota − 1, the frames the allocation left over last (always empty).
 *
 * <p>Samples: after every k-th reference and after the last, each process's resident pages, its
 * faults so far, and the owner of every frame. k is 1 for short runs and grows so that there are
 * at most {@link #MAX_SAMPLES} samples and at most {@link #MAX_SAMPLE_CELLS} owner entries in all
 * (samples × frames): k = ⌈n / min(MAX_SAMPLES, ⌊MAX_SAMPLE_CELLS / m⌋)⌉. Any single step's frames
 * are available exactly from {@link #step}.
 *
 * <p>Bounds: at most {@link #MAX_PROCESSES} processes, {@link SteppedString#MAX_REFERENCES}
 * references in all, {@link SteppedReplacement#MAX_FRAMES} frames.
 */
public final class SteppedProcesses {
    /** The most processes a recording takes. */
    public static final int MAX_PROCESSES = 16;

    /** The most samples. */
    public static final int MAX_SAMPLES = 2000;

    /** The most frame-owner entries over all samples. */
    public static final int MAX_SAMPLE_CELLS = 1 << 18;

    /**
     * The state after reference {@code step} (of the interleaved stream).
     *
     * @param resident each process's resident pages, by pid
     * @param faults   each process's faults so far, by pid
     * @param owners   the process whose page each frame holds, −1 for an empty frame
     */
    public record Sample(int step, int[] resident, long[] faults, int[] owners) {
    }

    /**
     * Reference {@code index} of the interleaved stream and the frames after it.
     *
     * @param pid         the process that made it
     * @param page        its page (the process's own page number)
     * @param victimPid   the process whose page its fault evicted, or −1
     * @param victimPage  that page, or −1
     * @param writtenBack whether the victim was dirty
     * @param owners      the process whose page each frame holds, −1 for an empty frame
     * @param pages       the page each frame holds (its process's own number), −1 for none
     */
    public record Step(int index, int pid, int page, boolean write, boolean hit, int victimPid, int victimPage,
                       boolean writtenBack, int[] owners, int[] pages) {
    }

    private final SteppedRun run;
    private final int[] userPage;
    private final int every;

    private SteppedProcesses(SteppedRun run, int[] userPage, int every) {
        this.run = run;
        this.userPage = userPage;
        this.every = every;
    }

    /**
     * Records {@code policy} over {@code processes} (string i is process i) as {@code config} says.
     *
     * @throws IllegalArgumentException for an unknown policy, no processes or more than
     *                                  {@link #MAX_PROCESSES}, more than
     *                                  {@link SteppedString#MAX_REFERENCES} references in all, frames
     *                                  above {@link SteppedReplacement#MAX_FRAMES}, or an allocation
     *                                  {@link FrameAllocation#divide} refuses
     */
    public static SteppedProcesses record(List<SteppedString> processes, String policy, ReplayConfig config,
                                          PolicyRegistry registry) {
        Objects.requireNonNull(config, "config");
        Replay.checkPolicies(List.of(policy), registry);
        if (processes.isEmpty() || processes.size() > MAX_PROCESSES) {
            throw new IllegalArgumentException(processes.size() + " processes; a stepped recording takes 1 … "
                    + MAX_PROCESSES);
        }
        long references = 0;
        for (SteppedString string : processes) {
            references += string.length();
        }
        if (references > SteppedString.MAX_REFERENCES) {
            throw new IllegalArgumentException(references + " references in all, more than the "
                    + SteppedString.MAX_REFERENCES + " a stepped recording takes");
        }
        if (config.frames() > SteppedReplacement.MAX_FRAMES) {
            throw new IllegalArgumentException("frames " + config.frames() + " must be 1 … "
                    + SteppedReplacement.MAX_FRAMES);
        }
        ReferenceStream stream = SteppedTrace.interleave(processes, config.quantum());
        FrameAllocation allocation = config.scope() == Scope.LOCAL
                ? Replay.divide(config, stream.processes(), stream) : null;
        int limit = Math.min(MAX_SAMPLES, MAX_SAMPLE_CELLS / config.frames());
        int every = (int) ((references + limit - 1) / limit);
        SteppedRun run = SteppedRun.record(policy, registry, config.policy(), stream, config.scope(), allocation,
                config.frames(), every);
        return new SteppedProcesses(run, SteppedRun.userPages(processes, stream), every);
    }

    public String policy() {
        return run.policy;
    }

    public Scope scope() {
        return run.scope;
    }

    /** The machine's frames. */
    public int frames() {
        return run.machineFrames;
    }

    /** The references of all processes. */
    public int length() {
        return run.length;
    }

    public int processes() {
        return run.stream.processes();
    }

    /** The quotas under local scope; null under global scope. */
    public FrameAllocation allocation() {
        return run.allocation;
    }

    /** Under local scope, the first machine frame of each process's pool; under global scope, empty. */
    public int[] firstFrame() {
        return run.scope == Scope.LOCAL ? run.base.clone() : new int[0];
    }

    /** Each process's counts, as {@code Replay.run} gives them (trace names {@code "process i"}). */
    public List<ProcessResult> results() {
        List<ProcessResult> results = new ArrayList<>();
        for (int pid = 0; pid < processes(); pid++) {
            results.add(new ProcessResult(pid, run.stream.nameOf(pid), run.stream.pagesOf(pid),
                    run.stream.referencesOf(pid), run.faults[pid], run.writebacks[pid], run.resident[pid],
                    run.allocation == null ? -1 : run.allocation.quota(pid)));
        }
        return results;
    }

    /** k: a sample is taken after every k references (and after the last). */
    public int sampleEvery() {
        return every;
    }

    public List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < run.sampleStep.size(); s++) {
            samples.add(new Sample(run.sampleStep.get(s), run.sampleResident.get(s).clone(),
                    run.sampleFaults.get(s).clone(), run.sampleOwners.get(s).clone()));
        }
        return samples;
    }

    /** Reference {@code step} of the interleaved stream and every frame after it. */
    public Step step(int step) {
        if (step < 0 || step >= run.length) {
            throw new IllegalArgumentException("step " + step + " is outside the references 0 … " + (run.length - 1));
        }
        int[] state = run.stateAfter(step);
        int[] owners = new int[state.length];
        int[] pages = new int[state.length];
        for (int frame = 0; frame < state.length; frame++) {
            int id = SteppedRun.pageOf(state[frame]);
            owners[frame] = id < 0 ? -1 : run.stream.processOf(id);
            pages[frame] = id < 0 ? -1 : userPage[id];
        }
        int id = run.stream.pageAt(step);
        int victim = run.victim[step];
        return new Step(step, run.stream.processOf(id), userPage[id], run.stream.isWrite(step),
                run.is(step, SteppedRun.HIT), victim < 0 ? -1 : run.stream.processOf(victim),
                victim < 0 ? -1 : userPage[victim], run.is(step, SteppedRun.WRITTEN_BACK), owners, pages);
    }
}
