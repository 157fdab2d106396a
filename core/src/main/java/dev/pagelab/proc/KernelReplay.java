package dev.pagelab.proc;

import dev.pagelab.hw.MmuStats;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * {@code pagelab replay --kernel}: the replay engine's traces, quanta, policies and options, run
 * through the kernel. Each policy gets a freshly booted kernel with {@link Processes} installed;
 * trace process i is spawned as process i + 1 with one read-write region of its distinct pages;
 * every reference is a {@link Processes#touch} of the process that makes it, through its MMU and
 * TLB, faults through the handler, CR3 loaded whenever the stream passes from one process to
 * another (every quantum).
 *
 * <p>Page identity: traces of 64-bit programs use addresses far above a 32-bit process's 3 GiB
 * user area, so the kernel path maps a process's distinct trace pages, in order of first use, to
 * user pages 0x1000, 0x2000, … ({@link #userPage}). Faults depend only on page identity, so the
 * counts are the fast replay's: that is the contract the tests hold it to for FIFO, LRU, OPT and
 * Clock, local and global, equal and proportional.
 */
public final class KernelReplay {
    /** Pages a progress report comes after. */
    private static final int CHUNK = 1 << 14;

    private KernelReplay() {
    }

    /**
     * The kernel path's own settings.
     *
     * @param machine     the machine profile each kernel boots
     * @param kernel      the kernel's configuration
     * @param swapSlots   slots of each kernel's swap device, or −1 for as many as the traces have pages
     * @param ioCostNanos the cost of one swap transfer
     * @param skipInvlpg  the lesson switch (A cleared without INVLPG)
     */
    public record Options(String machine, KernelConfig kernel, int swapSlots, long ioCostNanos, boolean skipInvlpg) {
        /** qemu-pc-128M, the seeds' kernel, swap as large as the traces, 8 ms a transfer, INVLPG on. */
        public static final Options DEFAULT = new Options("qemu-pc-128M", KernelConfig.DEFAULT, -1,
                SwapDevice.DEFAULT_IO_COST_NANOS, false);

        public Options {
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(kernel, "kernel");
        }

        public Options withMachine(String value) {
            return new Options(value, kernel, swapSlots, ioCostNanos, skipInvlpg);
        }

        public Options withKernel(KernelConfig value) {
            return new Options(machine, value, swapSlots, ioCostNanos, skipInvlpg);
        }

        public Options withSwap(int slots, long costNanos) {
            return new Options(machine, kernel, slots, costNanos, skipInvlpg);
        }

        public Options withSkipInvlpg(boolean value) {
            return new Options(machine, kernel, swapSlots, ioCostNanos, value);
        }
    }

    /**
     * What the kernel did for one policy, beyond the replay's counts.
     *
     * @param policy        the policy
     * @param referenceHook whether it needed the simulator's reference hook (not implementable in a real kernel)
     * @param mmu           the MMU's counts over the replay (TLB hits and misses, walks, A and D set, INVLPGs, flushes)
     * @param processSwitches CR3 loads for process switches
     * @param pageIns       pages read from swap
     * @param pageOuts      pages written to swap
     * @param writesAvoided clean evictions that swap's valid copy saved from a write
     * @param swapNanos     simulated time in swap transfers
     * @param nanos         wall-clock time of the replay itself (boot and spawn excluded)
     */
    public record KernelStats(String policy, boolean referenceHook, MmuStats.Snapshot mmu, long processSwitches,
                              long pageIns, long pageOuts, long writesAvoided, long swapNanos, long nanos) {
    }

    /**
     * The replay's counts (same shape as the fast engine's) and the kernel's.
     *
     * @param replay the counts per policy and process, as {@link dev.pagelab.replay.Replay} reports them
     * @param kernel one entry a policy, in the same order
     */
    public record Result(ReplayResult replay, List<KernelStats> kernel) {
        public Result {
            kernel = List.copyOf(kernel);
        }
    }

    /** The user page that the {@code localId}-th distinct page of a process's trace becomes. */
    public static long userPage(int localId) {
        return Process.vaddrOf(localId);
    }

    /**
     * Replays {@code stream} through a kernel for each of {@code policies}.
     *
     * @param progress told the references replayed so far, summed over the policies (may be null)
     * @throws IllegalArgumentException for a configuration that cannot run (an unknown policy, an
     *                                  allocation below the minimum, a process with more pages
     *                                  than a 32-bit user area, a machine too small)
     */
    public static Result run(ReferenceStream stream, List<String> policies, ReplayConfig config, PolicyRegistry registry,
                             Options options, LongConsumer progress) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("no policy to replay");
        }
        if (new LinkedHashSet<>(policies).size() != policies.size()) {
            throw new IllegalArgumentException("a policy is named twice in " + policies);
        }
        for (String name : policies) {
            registry.info(name);
        }
        int processes = stream.processes();
        for (int pid = 0; pid < processes; pid++) {
            if (stream.pagesOf(pid) > Process.USER_AREA_PAGES) {
                throw new IllegalArgumentException("trace " + stream.nameOf(pid) + " has " + stream.pagesOf(pid)
                        + " distinct pages, more than the " + Process.USER_AREA_PAGES + " pages of a 32-bit process's"
                        + " user area");
            }
        }
        long[] sizes = config.sizes();
        long[] priorities = config.priorities();
        if (sizes != null && sizes.length != processes) {
            throw new IllegalArgumentException(sizes.length + " sizes given for " + processes + " processes");
        }
        if (priorities != null && priorities.length != processes) {
            throw new IllegalArgumentException(priorities.length + " priorities given for " + processes + " processes");
        }
        List<PolicyResult> results = new ArrayList<>();
        List<KernelStats> stats = new ArrayList<>();
        FrameAllocation allocation = null;
        long[] done = {0};
        for (String policy : policies) {
            One one = runOne(stream, policy, config, registry, options, progress, done);
            results.add(one.result);
            stats.add(one.stats);
            allocation = one.allocation;
        }
        return new Result(new ReplayResult(config, allocation, results, true), stats);
    }

    private record One(PolicyResult result, KernelStats stats, FrameAllocation allocation) {
    }

    private static One runOne(ReferenceStream stream, String policy, ReplayConfig config, PolicyRegistry registry,
                              Options options, LongConsumer progress, long[] done) {
        int processes = stream.processes();
        Kernel kernel = Kernel.boot(options.machine(), options.kernel());
        int slots = options.swapSlots() >= 0 ? options.swapSlots() : Math.min(SwapDevice.MAX_SLOTS, stream.pages());
        ProcessConfig pc = new ProcessConfig(policy, config.policy(), config.scope(), config.allocation(),
                config.frames(), config.minimumFrames() == ReplayConfig.DEFAULT_MINIMUM ? ReplayConfig.DEFAULT_MINIMUM
                : config.minimumFrames(), slots, options.ioCostNanos(), options.skipInvlpg());
        Processes procs;
        try {
            procs = Processes.install(kernel, pc, registry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (machine " + options.machine() + ")", e);
        }
        long[] sizes = config.sizes();
        long[] priorities = config.priorities();
        Process[] byPid = new Process[processes];
        for (int pid = 0; pid < processes; pid++) {
            long pages = Math.max(1, stream.pagesOf(pid));
            long size = sizes != null ? sizes[pid] : pages;
            long priority = config.allocation() == AllocationMode.PRIORITY && priorities != null ? priorities[pid] : 1;
            try {
                byPid[pid] = procs.spawn(stream.nameOf(pid), priority, List.of(new Region.Spec("trace pages", pages, true)),
                        size);
            } catch (ProcessException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        boolean future = registry.info(policy).needsFuture();
        int[] nextUse = future ? stream.nextUse(config.scope()) : null;
        MmuStats.Snapshot before = kernel.mmu().stats().snapshot();
        long switches = 0;
        Process running = null;
        long start = System.nanoTime();
        int length = stream.length();
        for (int from = 0; from < length; from += CHUNK) {
            int to = Math.min(length, from + CHUNK);
            for (int i = from; i < to; i++) {
                int page = stream.pageAt(i);
                Process p = byPid[stream.processOf(page)];
                if (p != running) {
                    running = p;
                    switches++;
                }
                long use = nextUse == null || nextUse[i] == Integer.MAX_VALUE ? ReplacementPolicy.NEVER : nextUse[i];
                if (procs.touch(p, userPage(stream.localIdOf(page)), stream.isWrite(i), use) == Processes.Outcome.KILLED) {
                    throw new IllegalStateException(p + " was killed at reference " + i + ": " + p.killReport());
                }
            }
            done[0] += to - from;
            if (progress != null) {
                progress.accept(done[0]);
            }
        }
        long nanos = System.nanoTime() - start;
        MmuStats.Snapshot mmu = kernel.mmu().stats().snapshot().minus(before);
        List<ProcessResult> perProcess = new ArrayList<>();
        long pageIns = 0;
        long pageOuts = 0;
        long avoided = 0;
        for (int pid = 0; pid < processes; pid++) {
            ProcessStats s = byPid[pid].stats();
            perProcess.add(new ProcessResult(pid, stream.nameOf(pid), stream.pagesOf(pid), s.references(), s.faults(),
                    s.pageOuts(), s.resident(), config.scope() == Scope.LOCAL ? s.quota() : -1));
            pageIns += s.pageIns();
            pageOuts += s.pageOuts();
            avoided += s.writesAvoided();
        }
        FrameAllocation allocation = procs.allocation();
        return new One(new PolicyResult(policy, perProcess),
                new KernelStats(policy, procs.needsReferenceHook(), mmu, switches, pageIns, pageOuts, avoided,
                        procs.swap().ioNanos(), nanos), allocation);
    }
}
