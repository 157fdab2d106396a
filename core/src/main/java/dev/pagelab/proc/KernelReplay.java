package dev.pagelab.proc;

import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Cpu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.RefSource;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.vmm.PageRangeAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * {@code pagelab replay --kernel}: the replay engine's traces, quanta, policies and options, run
 * through the kernel. Each policy gets a freshly booted kernel with {@link Processes} installed;
 * trace process i is spawned as process i + 1 with one read-write region of its distinct pages
 * (of its whole user area when streamed: see below); every reference is a
 * {@link Processes#touch} of the process that makes it, through its MMU and TLB, faults through
 * the handler, CR3 loaded whenever the stream passes from one process to another (every quantum).
 * The references come through the replay's own reading side ({@link RefSource}): the order and
 * the page ids are the fast replay's.
 *
 * <p>Page identity: traces of 64-bit programs use addresses far above a 32-bit process's 3 GiB
 * user area, so the kernel path maps a process's distinct trace pages, in order of first use, to
 * user pages 0x1000, 0x2000, … ({@link #userPage}). Faults depend only on page identity, so the
 * counts are the fast replay's: that is the contract the tests hold it to for FIFO, LRU, OPT and
 * Clock, local and global, equal and proportional.
 *
 * <h2>The machine</h2>
 * The kernel needs frames of its own besides the {@code m} frames the processes share
 * ({@link #kernelFrames}): per process a page directory, the 48 frames of its user area's
 * page-range bitmap (2 bits for each of 786,431 pages), and the page tables its region can need
 * (one per 4 MiB of it); and the kernel-half page tables that map those bitmaps. With
 * {@link Options#AUTO_MACHINE} the smallest built-in machine whose free frames after boot hold
 * both is booted ({@link #chooseMachine}); a named machine that cannot is refused before anything
 * runs. The swap device lives outside RAM (a disk), and its slots holding zeros cost nothing.
 *
 * <h2>Memory: streamed or held</h2>
 * From traces ({@link #run(List, List, ReplayConfig, PolicyRegistry, Options, LongConsumer)}) the
 * references stream through in blocks of the replay's own {@link RefSource}, every policy's kernel
 * fed each block in turn, and memory does not grow with the references: the ids' tables and maps
 * grow with the distinct pages, each kernel with the pages its processes touch. The stream is
 * held in memory first ({@link ReferenceStream}: 4 bytes a reference, 8 bytes a distinct page;
 * at most {@code Integer.MAX_VALUE − 16} references) and the policies run one after the other
 * when
 * <ol>
 *   <li>the fast replay would hold it: {@link Replay#mustHoldStream} (a policy needs the future,
 *       which adds 4 bytes a reference for the next uses; sizes for the allocation come from the
 *       traces; a trace with pids under local scope), the same decision, not a copy of it;</li>
 *   <li>processes appear as the stream goes (one trace with pids, under either scope): the
 *       machine is sized by the processes before it boots;</li>
 *   <li>or no machine holds the streamed worst case. A streamed process's distinct pages are
 *       known only at the end, so its region is the whole user area and the kernel's frames are
 *       counted for page tables over all of it ({@link #kernelFrames}); when neither the machine
 *       named nor any built-in one has those free, the stream's exact sizes may need less.</li>
 * </ol>
 * Streamed, the swap device has {@link SwapDevice#MAX_SLOTS} slots unless told otherwise (held, as
 * many as the traces have pages: the same behaviour, as a page holds at most one slot), and the
 * automatic machine may be a larger one than held; the counts are the same. Simulated RAM costs
 * Java heap only for the pages written (page tables, bitmaps; a trace's pages are zero-filled and
 * never written with data).
 */
public final class KernelReplay {
    /** Pages a progress report comes after. */
    private static final int CHUNK = 1 << 14;

    private KernelReplay() {
    }

    /**
     * The kernel path's own settings.
     *
     * @param machine     the machine profile each kernel boots, or {@link #AUTO_MACHINE}
     * @param kernel      the kernel's configuration
     * @param swapSlots   slots of each kernel's swap device, or −1 for as many as the traces have pages
     * @param ioCostNanos the cost of one swap transfer
     * @param skipInvlpg  the lesson switch (A cleared without INVLPG)
     */
    public record Options(String machine, KernelConfig kernel, int swapSlots, long ioCostNanos, boolean skipInvlpg) {
        /** The machine name that asks for the smallest built-in machine that holds the replay ({@link #chooseMachine}). */
        public static final String AUTO_MACHINE = "auto";

        /**
         * The smallest machine that holds the replay; the seeds' kernel with its half mapped
         * global (a CR3 load keeps the kernel's translations, as every kernel since the Pentium
         * Pro does); swap as large as the traces; 8 ms a transfer; INVLPG on.
         */
        public static final Options DEFAULT = new Options(AUTO_MACHINE, KernelConfig.DEFAULT.withGlobalKernelPages(true),
                -1, SwapDevice.DEFAULT_IO_COST_NANOS, false);

        public Options {
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(kernel, "kernel");
            if (swapSlots < -1 || swapSlots > SwapDevice.MAX_SLOTS) {
                throw new IllegalArgumentException("a swap device has 0 to " + SwapDevice.MAX_SLOTS + " slots, not "
                        + swapSlots);
            }
            if (ioCostNanos < 0) {
                throw new IllegalArgumentException("the cost of a swap transfer cannot be negative: " + ioCostNanos
                        + " ns");
            }
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
     * @param policy          the policy
     * @param referenceHook   whether it needed the simulator's reference hook (not implementable in a real kernel)
     * @param references      references replayed
     * @param faults          faults the handler resolved
     * @param mmu             the MMU's counts over the replay (TLB hits and misses, walks, A and D set, INVLPGs,
     *                        flushes): the processes' references and the kernel's own accesses
     * @param handlerMmu      the part of {@code mmu} inside the fault handler: the kernel's own accesses
     *                        ({@link Processes#handlerMmu})
     * @param processSwitches CR3 loads for process switches
     * @param pageIns         pages read from swap
     * @param pageOuts        pages written to swap
     * @param writesAvoided   clean evictions that swap's valid copy saved from a write
     * @param swapNanos       simulated time in swap transfers
     * @param kernelFrames    frames the kernel itself held at the end (directories, page tables, bitmaps)
     * @param processes       each process's counts, in trace order
     * @param handlerNanos    wall-clock time inside the fault handler, part of {@code nanos}
     * @param nanos           wall-clock time of the replay itself (boot and spawn excluded)
     */
    public record KernelStats(String policy, boolean referenceHook, long references, long faults,
                              MmuStats.Snapshot mmu, MmuStats.Snapshot handlerMmu, long processSwitches, long pageIns, long pageOuts,
                              long writesAvoided, long swapNanos, long kernelFrames, List<ProcessStats> processes,
                              long handlerNanos, long nanos) {
        public KernelStats {
            processes = List.copyOf(processes);
        }

        /** The MMU's counts for the processes' own references: {@code mmu − handlerMmu}. */
        public MmuStats.Snapshot referencesMmu() {
            return mmu.minus(handlerMmu);
        }

        /** The fault rate p: faults over references (0 for none). */
        public double faultRate() {
            return references == 0 ? 0 : (double) faults / references;
        }

        /**
         * The average service time of a fault: {@code memoryAccessNanos} plus the swap time over
         * the faults (a page-in, and a page-out when the victim was dirty; a first touch is
         * zero-filled without I/O).
         */
        public double faultServiceNanos(double memoryAccessNanos) {
            return memoryAccessNanos + (faults == 0 ? 0 : (double) swapNanos / faults);
        }

        /**
         * The textbooks' effective access time (Silberschatz §10.2.2):
         * {@code EAT = (1 − p) · ma + p · s}, p the fault rate, ma {@code memoryAccessNanos}, s
         * {@link #faultServiceNanos}.
         */
        public double effectiveAccessNanos(double memoryAccessNanos) {
            double p = faultRate();
            return (1 - p) * memoryAccessNanos + p * faultServiceNanos(memoryAccessNanos);
        }
    }

    /**
     * The replay's counts (same shape as the fast engine's) and the kernel's.
     *
     * @param replay       the counts per policy and process, as {@link dev.pagelab.replay.Replay} reports them
     * @param kernel       one entry a policy, in the same order
     * @param machine      the machine every kernel booted
     * @param freeFrames   its free frames after boot
     * @param kernelFrames the frames reserved for the kernel's own needs ({@link #kernelFrames})
     * @param swapSlots    the slots of each kernel's swap device
     */
    public record Result(ReplayResult replay, List<KernelStats> kernel, String machine, long freeFrames,
                         long kernelFrames, int swapSlots) {
        public Result {
            kernel = List.copyOf(kernel);
        }
    }

    /** The user page that the {@code localId}-th distinct page of a process's trace becomes. */
    public static long userPage(int localId) {
        return Process.vaddrOf(localId);
    }

    /** Frames of one process's user-area page-range bitmap: 2 bits for each page of the user area. */
    public static final long BITMAP_FRAMES_PER_PROCESS = (PageRangeAllocator.bitmapBytes(Process.USER_AREA_PAGES)
            + Addresses.PAGE_BYTES - 1) >>> Addresses.PAGE_SHIFT;

    /**
     * The most frames the kernel needs for itself to run processes of {@code pagesOf[i]} distinct
     * pages each: per process its directory, its user-area bitmap ({@link #BITMAP_FRAMES_PER_PROCESS})
     * and one page table for each 4 MiB its region reaches from 0x1000; plus the kernel-half page
     * tables mapping the bitmaps (one per 4 MiB of them, and one for a straddle).
     */
    public static long kernelFrames(long[] pagesOf) {
        long frames = 0;
        for (long pages : pagesOf) {
            long lastVaddr = userPage((int) Math.max(0, Math.max(1, pages) - 1));
            frames += 1 + BITMAP_FRAMES_PER_PROCESS + Addresses.directoryIndex(lastVaddr) + 1;
        }
        long bitmapPages = pagesOf.length * BITMAP_FRAMES_PER_PROCESS;
        return frames + (bitmapPages + Addresses.ENTRIES_PER_TABLE - 1) / Addresses.ENTRIES_PER_TABLE + 1;
    }

    /** {@link #kernelFrames(long[])} for the processes of {@code stream}. */
    public static long kernelFrames(ReferenceStream stream) {
        long[] pages = new long[stream.processes()];
        for (int pid = 0; pid < pages.length; pid++) {
            pages[pid] = stream.pagesOf(pid);
        }
        return kernelFrames(pages);
    }

    /**
     * The smallest built-in machine (fewest usable frames; the first listed on a tie) whose frame
     * allocator has at least {@code frames} free after booting with {@code kernel}.
     *
     * @throws IllegalArgumentException when none has
     */
    public static String chooseMachine(long frames, KernelConfig kernel) {
        return pick(frames, kernel).name();
    }

    /** A machine and its free frames after boot. */
    private record Machine(String name, long freeFrames) {
    }

    private static Machine pick(long frames, KernelConfig kernel) {
        List<MachineProfile> profiles = new ArrayList<>(MachineProfiles.all());
        profiles.sort(Comparator.comparingLong(p -> p.map().usableFrames()));
        Machine largest = null;
        for (MachineProfile profile : profiles) {
            if (profile.map().usableFrames() < frames) {
                continue;
            }
            Machine m = new Machine(profile.name(), Kernel.boot(profile.name(), kernel).allocator().freeFrames());
            if (m.freeFrames() >= frames) {
                return m;
            }
            if (largest == null || m.freeFrames() > largest.freeFrames()) {
                largest = m;
            }
        }
        MachineProfile biggest = profiles.getLast();
        throw new IllegalArgumentException(String.format(Locale.ROOT, "no built-in machine has %,d free frames;"
                + " the largest, %s, has %s", frames, largest != null ? largest.name() : biggest.name(),
                largest != null ? String.format(Locale.ROOT, "%,d after boot", largest.freeFrames())
                        : String.format(Locale.ROOT, "%,d usable", biggest.map().usableFrames())));
    }

    /**
     * Replays {@code traces} (trace i is process i, or one trace with pids; the readers are read to
     * their end but not closed) through a kernel for each of {@code policies}: streamed, every
     * policy's kernel side by side over one read of the traces, unless the class comment's rule
     * holds the stream in memory first, and then as {@link #run(ReferenceStream, List, ReplayConfig,
     * PolicyRegistry, Options, LongConsumer)}.
     *
     * @param progress told the references replayed so far, summed over the policies (may be null)
     * @throws IllegalArgumentException as the other {@code run}, and for no traces or a trace with
     *                                  pids among others; a streamed process whose distinct pages
     *                                  outgrow the user area is refused when its block is read,
     *                                  before any of that block is replayed
     * @throws IllegalStateException    when a process is killed (the swap device is full)
     */
    public static Result run(List<TraceReader> traces, List<String> policies, ReplayConfig config,
                             PolicyRegistry registry, Options options, LongConsumer progress) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        checkPolicies(policies, config, registry);
        RefSource source = RefSource.of(traces, config.quantum());
        Machine machine = null;
        long[] worstPages = null;
        if (!Replay.mustHoldStream(source, policies, config, registry) && !source.processesAppear()) {
            config.checkProcesses(source.processes());
            worstPages = new long[source.processes()];
            Arrays.fill(worstPages, Process.USER_AREA_PAGES);
            machine = holding(config.frames() + kernelFrames(worstPages), options);
        }
        if (machine == null) {
            return run(ReferenceStream.load(source), policies, config, registry, options, progress);
        }
        int swapSlots = options.swapSlots() >= 0 ? options.swapSlots() : SwapDevice.MAX_SLOTS;
        Options booting = options.withMachine(machine.name());
        List<Session> sessions = new ArrayList<>();
        for (String policy : policies) {
            sessions.add(Session.boot(source, null, null, policy, config, registry, booting, swapSlots));
        }
        int[] buffer = new int[CHUNK];
        long done = 0;
        int n;
        while ((n = source.next(buffer)) > 0) {
            checkUserArea(source, false);
            for (Session session : sessions) {
                session.replayBlock(buffer, n, 0);
                done += n;
                if (progress != null) {
                    progress.accept(done);
                }
            }
        }
        List<PolicyResult> results = new ArrayList<>();
        List<KernelStats> stats = new ArrayList<>();
        for (Session session : sessions) {
            results.add(session.result());
            stats.add(session.stats());
        }
        return new Result(new ReplayResult(config, sessions.getLast().processes.allocation(), results, false), stats,
                machine.name(), machine.freeFrames(), kernelFrames(worstPages), swapSlots);
    }

    /**
     * The machine for {@code frames} in all: the smallest built-in one that holds them, or the
     * one named if it does; null when none does (a streamed replay then holds the stream in
     * memory, whose exact sizes may need less).
     */
    private static Machine holding(long frames, Options options) {
        if (Options.AUTO_MACHINE.equalsIgnoreCase(options.machine().strip())) {
            try {
                return pick(frames, options.kernel());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        String name = MachineProfiles.byName(options.machine()).name();
        Machine named = new Machine(name, Kernel.boot(name, options.kernel()).allocator().freeFrames());
        return named.freeFrames() >= frames ? named : null;
    }

    private static void checkPolicies(List<String> policies, ReplayConfig config, PolicyRegistry registry) {
        Replay.checkPolicies(policies, registry);
        if (config.policy().clockLoadBit() == 0 && policies.contains("clock")) {
            throw new IllegalArgumentException("clock with load bit 0 cannot run through the kernel: the handler tells"
                    + " the policy of a loaded page before the retried access sets A, so the bit a policy clears at"
                    + " load is set again (the kernel counts load bit 1's faults); use load bit 1 with --kernel");
        }
    }

    /**
     * Refuses a process with more distinct pages than a user area: all of them known
     * ({@code whole}), or those read so far.
     */
    private static void checkUserArea(RefSource ids, boolean whole) {
        for (int pid = 0; pid < ids.processes(); pid++) {
            if (ids.pagesOf(pid) > Process.USER_AREA_PAGES) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "trace %s has %s%,d distinct pages, more"
                        + " than the %,d pages of a 32-bit process's user area (0x00001000-0xBFFFFFFF)",
                        ids.nameOf(pid), whole ? "" : "at least ", ids.pagesOf(pid), Process.USER_AREA_PAGES));
            }
        }
    }

    /**
     * Replays {@code stream} through a kernel for each of {@code policies}, one after the other.
     *
     * @param progress told the references replayed so far, summed over the policies (may be null)
     * @throws IllegalArgumentException for a configuration that cannot run (an unknown policy or
     *                                  machine, an allocation below the minimum, a process with
     *                                  more pages than a 32-bit user area, a machine without the
     *                                  free frames the processes and the kernel need)
     * @throws IllegalStateException    when a process is killed (the swap device is full)
     */
    public static Result run(ReferenceStream stream, List<String> policies, ReplayConfig config, PolicyRegistry registry,
                             Options options, LongConsumer progress) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        checkPolicies(policies, config, registry);
        int processes = stream.processes();
        checkUserArea(stream.source(), true);
        config.checkProcesses(processes);
        long kernelFrames = kernelFrames(stream);
        long needed = config.frames() + kernelFrames;
        Machine chosen;
        if (Options.AUTO_MACHINE.equalsIgnoreCase(options.machine().strip())) {
            chosen = pick(needed, options.kernel());
        } else {
            String name = MachineProfiles.byName(options.machine()).name();
            chosen = new Machine(name, Kernel.boot(name, options.kernel()).allocator().freeFrames());
        }
        String machine = chosen.name();
        long free = chosen.freeFrames();
        if (free < needed) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "machine %s has %,d free frames after boot;"
                    + " %,d frames for the processes and %,d for the kernel's own (%d process%s: directories,"
                    + " page tables, %d-frame user-area bitmaps) need %,d: choose a larger machine or fewer frames",
                    machine, free, config.frames(), kernelFrames, processes, processes == 1 ? "" : "es",
                    BITMAP_FRAMES_PER_PROCESS, needed));
        }
        List<PolicyResult> results = new ArrayList<>();
        List<KernelStats> stats = new ArrayList<>();
        FrameAllocation allocation = null;
        long[] done = {0};
        for (String policy : policies) {
            One one = runOne(stream, policy, config, registry, options.withMachine(machine), progress, done);
            results.add(one.result);
            stats.add(one.stats);
            allocation = one.allocation;
        }
        return new Result(new ReplayResult(config, allocation, results, true), stats, machine, free, kernelFrames,
                swapSlots(stream, options));
    }

    private static int swapSlots(ReferenceStream stream, Options options) {
        return options.swapSlots() >= 0 ? options.swapSlots() : Math.min(SwapDevice.MAX_SLOTS, stream.pages());
    }

    private record One(PolicyResult result, KernelStats stats, FrameAllocation allocation) {
    }

    private static One runOne(ReferenceStream stream, String policy, ReplayConfig config, PolicyRegistry registry,
                              Options options, LongConsumer progress, long[] done) {
        Session session = Session.start(stream, policy, config, registry, options);
        int length = stream.length();
        for (int from = 0; from < length; from += CHUNK) {
            int to = Math.min(length, from + CHUNK);
            session.replay(from, to);
            done[0] += to - from;
            if (progress != null) {
                progress.accept(done[0]);
            }
        }
        return new One(session.result(), session.stats(), session.processes.allocation());
    }

    /**
     * One policy's replay through one freshly booted kernel, a range of references at a time:
     * what {@link #run} does for each policy, open to benchmarks that time the references alone
     * (the boot and the spawns happen in {@link #start}). Not thread-safe.
     *
     * <p>Over a stream in memory ({@link #start}) or, inside {@link #run(List, List, ReplayConfig,
     * PolicyRegistry, Options, LongConsumer)}, over blocks of a {@link RefSource} as they are read:
     * either way the references are packed blocks and the ids' tables are the source's, and one
     * loop touches them.
     */
    public static final class Session {
        private final ReferenceStream stream;
        private final RefSource ids;
        private final String policy;
        private final ReplayConfig config;
        private final Kernel kernel;
        private final Processes processes;
        private final Process[] byPid;
        private final int[] nextUse;
        private final long freeAtStart;
        private final MmuStats.Snapshot mmuBefore;
        private final MmuStats.Snapshot handlerBefore;
        private final long handlerNanosBefore;
        private int[] block;
        private Process running;
        private long switches;
        private long references;
        private long nanos;

        private Session(ReferenceStream stream, RefSource ids, String policy, ReplayConfig config, Kernel kernel,
                        Processes processes, Process[] byPid, int[] nextUse, long freeAtStart) {
            this.stream = stream;
            this.ids = ids;
            this.policy = policy;
            this.config = config;
            this.kernel = kernel;
            this.processes = processes;
            this.byPid = byPid;
            this.nextUse = nextUse;
            this.freeAtStart = freeAtStart;
            this.mmuBefore = kernel.mmu().stats().snapshot();
            this.handlerBefore = processes.handlerMmu();
            this.handlerNanosBefore = processes.handlerNanos();
        }

        /**
         * Boots {@code options.machine()} (a built-in machine's name, not {@link Options#AUTO_MACHINE}),
         * installs {@link Processes} for {@code policy} and spawns the stream's processes.
         *
         * @throws IllegalArgumentException when the configuration cannot run on that machine
         */
        public static Session start(ReferenceStream stream, String policy, ReplayConfig config,
                                    PolicyRegistry registry, Options options) {
            int[] nextUse = registry.info(policy).needsFuture() ? stream.nextUse(config.scope()) : null;
            return boot(stream.source(), stream, nextUse, policy, config, registry, options, swapSlots(stream, options));
        }

        /**
         * Boots and spawns the processes {@code ids} knows now: each a region of its distinct pages
         * when {@code stream} holds them all, else of the whole user area (a streamed process's
         * pages are known only at the end; nothing is mapped until touched, so only the bitmap
         * says so).
         */
        private static Session boot(RefSource ids, ReferenceStream stream, int[] nextUse, String policy,
                                    ReplayConfig config, PolicyRegistry registry, Options options, int swapSlots) {
            int count = ids.processes();
            Kernel kernel = Kernel.boot(options.machine(), options.kernel());
            ProcessConfig pc = new ProcessConfig(policy, config.policy(), config.scope(), config.allocation(),
                    config.frames(), config.minimumFrames(), swapSlots, options.ioCostNanos(), options.skipInvlpg());
            Processes procs;
            try {
                procs = Processes.install(kernel, pc, registry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (machine " + options.machine() + ")", e);
            }
            long freeAtStart = kernel.allocator().freeFrames();
            long[] sizes = config.sizes();
            long[] priorities = config.priorities();
            Process[] byPid = new Process[count];
            for (int pid = 0; pid < count; pid++) {
                long pages = stream != null ? Math.max(1, ids.pagesOf(pid)) : Process.USER_AREA_PAGES;
                long size = sizes != null ? sizes[pid] : pages;
                long priority = config.allocation() == AllocationMode.PRIORITY && priorities != null
                        ? priorities[pid] : 1;
                try {
                    byPid[pid] = procs.spawn(ids.nameOf(pid), priority,
                            List.of(new Region.Spec("trace pages", pages, true)), size);
                } catch (ProcessException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            return new Session(stream, ids, policy, config, kernel, procs, byPid, nextUse, freeAtStart);
        }

        /**
         * Replays references {@code [from, to)} of the stream, each a {@link Processes#touch} of
         * its process at its user page. Ranges are meant to follow one another from 0; a range
         * replayed again is replayed as new references (a policy that needs the future then sees
         * next uses that are in its past).
         *
         * @throws IllegalStateException when a process is killed (the swap device is full)
         * @throws UnsupportedOperationException for a session over a stream being read (inside {@link KernelReplay#run})
         */
        public void replay(int from, int to) {
            if (stream == null) {
                throw new UnsupportedOperationException("replay(from, to): this session replays blocks as its source"
                        + " reads them, not a stream in memory");
            }
            if (block == null) {
                block = new int[CHUNK];
            }
            for (int at = from; at < to; at += CHUNK) {
                int n = Math.min(CHUNK, to - at);
                stream.copy(at, at + n, block);
                replayBlock(block, n, at);
            }
        }

        /**
         * Replays the packed references {@code refs[0, n)} ({@link RefSource}'s format; ids in
         * {@link #ids}' tables); reference i's next use, for a policy that needs it, is
         * {@code nextUse[nextFrom + i]}.
         */
        private void replayBlock(int[] refs, int n, int nextFrom) {
            long start = System.nanoTime();
            Processes procs = processes;
            Process[] pids = byPid;
            int[] pidOf = ids.pidOf();
            int[] localOf = ids.localOf();
            int[] next = nextUse;
            Process last = running;
            long loads = 0;
            Cpu cpu = kernel.cpu();
            int cpl = cpu.cpl();
            // User mode for the whole block: touch then leaves the CPL alone (the handler still runs at CPL 0).
            cpu.setCpl(3);
            try {
                for (int i = 0; i < n; i++) {
                    int ref = refs[i];
                    int id = ref & RefSource.ID_MASK;
                    Process p = pids[pidOf[id]];
                    if (p != last) {
                        last = p;
                        loads++;
                    }
                    long use = next == null || next[nextFrom + i] == Integer.MAX_VALUE ? ReplacementPolicy.NEVER
                            : next[nextFrom + i];
                    if (procs.touch(p, userPage(localOf[id]), ref < 0, use) == Processes.Outcome.KILLED) {
                        throw new IllegalStateException(p + " was killed at reference " + (references + i) + ": "
                                + p.killReport());
                    }
                }
            } finally {
                cpu.setCpl(cpl);
                running = last;
            }
            switches += loads;
            references += n;
            nanos += System.nanoTime() - start;
        }

        /**
         * Replays the whole stream from reference 0, in ranges of {@value KernelReplay#CHUNK} as
         * {@link KernelReplay#run} does (a method that runs for long in one call is compiled by
         * on-stack replacement only, and runs slower than one called often).
         */
        public void replayAll() {
            int length = stream.length();
            for (int from = 0; from < length; from += CHUNK) {
                replay(from, Math.min(length, from + CHUNK));
            }
        }

        /** The kernel (for looking at, not for driving). */
        public Kernel kernel() {
            return kernel;
        }

        /** The replay's counts so far, as the fast engine reports them. */
        public PolicyResult result() {
            List<ProcessResult> perProcess = new ArrayList<>();
            for (int pid = 0; pid < byPid.length; pid++) {
                ProcessStats s = byPid[pid].stats();
                perProcess.add(new ProcessResult(pid, ids.nameOf(pid), ids.pagesOf(pid), s.references(),
                        s.faults(), s.pageOuts(), s.resident(), config.scope() == Scope.LOCAL ? s.quota() : -1));
            }
            return new PolicyResult(policy, perProcess);
        }

        /** The kernel's counts so far. */
        public KernelStats stats() {
            List<ProcessStats> counts = new ArrayList<>();
            long pageIns = 0;
            long pageOuts = 0;
            long avoided = 0;
            long faults = 0;
            long resident = 0;
            for (Process p : byPid) {
                ProcessStats s = p.stats();
                counts.add(s);
                pageIns += s.pageIns();
                pageOuts += s.pageOuts();
                avoided += s.writesAvoided();
                faults += s.faults();
                resident += s.resident();
            }
            long kernelFrames = freeAtStart - kernel.allocator().freeFrames() - resident;
            return new KernelStats(policy, processes.needsReferenceHook(), references, faults,
                    kernel.mmu().stats().snapshot().minus(mmuBefore), processes.handlerMmu().minus(handlerBefore),
                    switches, pageIns, pageOuts, avoided, processes.swap().ioNanos(), kernelFrames, counts,
                    processes.handlerNanos() - handlerNanosBefore, nanos);
        }
    }
}
