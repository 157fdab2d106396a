package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ArrayTraceReader;
import dev.pagelab.testing.LackeyTraces;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The main test: the kernel path (every reference through a process's MMU and TLB, faults
 * through the handler, victims from the PTEs' A and D bits, dirty victims to swap) counts exactly
 * the fast replay's faults and write-backs per process, and ends with the same resident frames and
 * quotas, for FIFO, LRU, OPT and Clock (load bit 1), local and global scope, equal, proportional and
 * priority allocation; on real program traces recorded here by valgrind and on synthetic ones over
 * many seeds.
 */
class KernelReplayExactnessTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final List<String> POLICIES = List.of("fifo", "lru", "opt", "clock");
    private static final KernelReplay.Options OPTIONS = KernelReplay.Options.DEFAULT.withMachine(KernelLedger.MACHINE);
    private static final int SEEDS = 16;

    static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    // ---------------------------------------------------------------- real traces

    @Test
    void run_realProgramTracesEveryPolicyScopeAndAllocation_countsTheFastReplaysFaultsAndWritebacks()
            throws IOException {
        List<LackeyTraces.Recorded> programs = LackeyTraces.programs();
        // sort and gzip have different numbers of pages, so proportional and priority differ from equal.
        List<ReplayConfig> configs = List.of(
                ReplayConfig.of(32, Scope.LOCAL).withQuantum(250),
                ReplayConfig.of(32, Scope.LOCAL).withAllocation(AllocationMode.PROPORTIONAL, null, null).withQuantum(250),
                ReplayConfig.of(48, Scope.LOCAL).withAllocation(AllocationMode.PRIORITY, null, new long[] {1, 2})
                        .withQuantum(250),
                ReplayConfig.of(32, Scope.GLOBAL).withQuantum(250));
        List<FrameAllocation> allocations = new ArrayList<>();
        for (ReplayConfig config : configs) {
            ReplayResult fast = Replay.run(readers(programs), POLICIES, config, REGISTRY, null);
            KernelReplay.Result kernel = KernelReplay.run(ReferenceStream.load(readers(programs), config.quantum()),
                    POLICIES, config, REGISTRY, OPTIONS, null);
            String what = describe(config);
            assertSameCounts(what, fast, kernel.replay());
            for (String policy : POLICIES) {
                // Coverage: pages were replaced and dirty ones written back.
                PolicyResult counted = fast.policy(policy);
                long pages = counted.processes().stream().mapToLong(ProcessResult::pages).sum();
                assertThat(counted.faults()).as("%s %s: faults beyond the %d pages", what, policy, pages)
                        .isGreaterThan(pages);
                assertThat(counted.writebacks()).as("%s %s: write-backs", what, policy).isPositive();
            }
            assertThat(kernel.kernel()).extracting(KernelReplay.KernelStats::referenceHook)
                    .as("%s: LRU and OPT need the reference hook, FIFO and Clock do not", what)
                    .containsExactly(false, true, true, false);
            allocations.add(fast.allocation());
        }
        assertThat(allocations.get(0).quotas()).as("equal").containsExactly(16, 16);
        assertThat(allocations.get(1).quotas()).as("proportional").isNotEqualTo(allocations.get(0).quotas());
        assertThat(allocations.get(2).quotas()).as("priority")
                .isNotEqualTo(allocations.get(0).quotas()).isNotEqualTo(allocations.get(1).quotas());
    }

    @Test
    void run_sixtyFourBitTrace_mapsPagesInOrderOfFirstUseAndCountsStayEqual() throws IOException {
        LackeyTraces.Recorded program = LackeyTraces.programs().get(0);
        long highestPage = Arrays.stream(program.pages()).max().orElseThrow();
        assertThat(highestPage << 12).as("%s: a 64-bit program's stack lies far above 4 GiB", program.name())
                .isGreaterThan(1L << 32);
        // The first-use order, computed here the obvious way.
        Map<Long, Integer> rank = new HashMap<>();
        long[] renamed = new long[program.pages().length];
        for (int i = 0; i < renamed.length; i++) {
            renamed[i] = rank.computeIfAbsent(program.pages()[i], page -> rank.size());
        }
        ReferenceStream stream = ReferenceStream.load(List.of(program.reader()), ReplayConfig.DEFAULT_QUANTUM);
        for (int i = 0; i < stream.length(); i++) {
            int local = stream.localIdOf(stream.pageAt(i));
            assertThat(local).as("reference %d: its page's id is its rank in first use", i).isEqualTo((int) renamed[i]);
        }
        for (int r = 0; r < rank.size(); r++) {
            assertThat(KernelReplay.userPage(r)).as("user page of the %d-th distinct page", r)
                    .isEqualTo(KernelLayout.USER_HEAP_START + 4096L * r).isLessThan(KernelLayout.USER_END);
        }

        // The kernel, driven as KernelReplay drives it: the n-th page first touched is loaded at 0x1000 + n pages.
        Kernel kernel = KernelLedger.boot();
        ReplayConfig config = ReplayConfig.of(24, Scope.LOCAL);
        List<ProcessResult> driven = drive(kernel, stream, "clock", config, new Coverage(), true);

        ReplayResult raw = Replay.run(List.of(program.reader()), List.of("clock", "lru"), config, REGISTRY, null);
        ReplayResult low = Replay.run(List.of(ArrayTraceReader.of("renamed", renamed, program.writes())),
                List.of("clock", "lru"),
                config, REGISTRY, null);
        KernelReplay.Result slow = KernelReplay.run(stream, List.of("clock", "lru"), config, REGISTRY, OPTIONS, null);
        for (String policy : List.of("clock", "lru")) {
            long[] counts = {raw.policy(policy).faults(), raw.policy(policy).writebacks()};
            assertThat(new long[] {low.policy(policy).faults(), low.policy(policy).writebacks()})
                    .as("%s: pages renamed to their first-use rank", policy).containsExactly(counts);
            assertThat(new long[] {slow.replay().policy(policy).faults(), slow.replay().policy(policy).writebacks()})
                    .as("%s: the kernel path", policy).containsExactly(counts);
            assertThat(counts[0]).as("%s: faults beyond the %d distinct pages", policy, rank.size())
                    .isGreaterThan(rank.size());
        }
        assertThat(driven).as("the kernel driven directly").isEqualTo(raw.policy("clock").processes());
    }

    private static List<TraceReader> readers(List<LackeyTraces.Recorded> programs) {
        List<TraceReader> readers = new ArrayList<>();
        for (LackeyTraces.Recorded p : programs) {
            readers.add(p.reader());
        }
        return readers;
    }

    // ---------------------------------------------------------------- synthetic traces

    /** What the seeds covered, for the gates. */
    static final class Coverage {
        int evicting;
        int writingBack;
        int globalCrossVictims;
        int swapIns;
        int proportionalUnequal;
        int priority;
        int global;
    }

    /**
     * A process's trace: a hot set that drifts, jumps anywhere, repeats; a quarter writes. Its pages
     * are 64-bit page numbers spread far apart, as in a real program's address space.
     */
    static ArrayTraceReader synthetic(RandomGenerator random, String name, int length, int distinct, long base) {
        long[] pages = new long[length];
        boolean[] writes = new boolean[length];
        int hot = random.nextInt(distinct);
        int width = 1 + random.nextInt(Math.max(1, distinct / 3));
        int previous = 0;
        for (int i = 0; i < length; i++) {
            if (random.nextInt(100) == 0) {
                hot = random.nextInt(distinct);
            }
            int r = random.nextInt(8);
            int x = r == 0 ? random.nextInt(distinct) : r < 3 ? previous : (hot + random.nextInt(width)) % distinct;
            previous = x;
            pages[i] = base + 17L * x;
            writes[i] = random.nextInt(4) == 0;
        }
        return ArrayTraceReader.of(name, pages, writes);
    }

    @Test
    void drive_syntheticTracesOverManySeeds_countsTheFastReplaysFaultsAndWritebacks() throws IOException {
        Kernel kernel = KernelLedger.boot();
        KernelLedger before = KernelLedger.of(kernel);
        Coverage coverage = new Coverage();
        for (int seed = 0; seed < SEEDS; seed++) {
            RandomGenerator random = random(seed);
            int n = 2 + random.nextInt(3);
            List<ArrayTraceReader> traces = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                traces.add(synthetic(random, "p" + p, 300 + random.nextInt(900), 4 + random.nextInt(12 + 12 * p),
                        0x7f00_0000_0L + ((long) p << 24)));
            }
            Scope scope = seed % 4 == 3 ? Scope.GLOBAL : Scope.LOCAL;
            AllocationMode mode = AllocationMode.values()[seed % 3];
            long quantum = 1 + random.nextInt(150);
            ReferenceStream stream = ReferenceStream.load(copies(traces), quantum);
            long[] priorities = null;
            if (mode == AllocationMode.PRIORITY) {
                priorities = new long[n];
                for (int p = 0; p < n; p++) {
                    priorities[p] = 1 + random.nextInt(4);
                }
            }
            int minimum = 1 + random.nextInt(2);
            int frames = scope == Scope.GLOBAL ? 2 + random.nextInt(8 * n) : feasible(mode, 2 * n + random.nextInt(10 * n),
                    stream, priorities, minimum);
            ReplayConfig config = ReplayConfig.of(frames, scope).withMinimumFrames(minimum).withQuantum(quantum)
                    .withAllocation(mode, null, priorities);
            String what = "seed " + seed + ": " + n + " processes, " + describe(config);
            ReplayResult fast = Replay.run(copies(traces), POLICIES, config, REGISTRY, null);
            for (String policy : POLICIES) {
                List<ProcessResult> kernelCounts = drive(kernel, stream, policy, config, coverage, false);
                assertThat(kernelCounts).as("%s, %s: per process (pid, trace, pages, references, faults, write-backs,"
                        + " frames held, quota)", what, policy).isEqualTo(fast.policy(policy).processes());
                if (fast.policy(policy).writebacks() > 0) {
                    coverage.writingBack++;
                }
                if (fast.policy(policy).faults() > stream.pages()) {
                    coverage.evicting++;
                }
            }
            assertThat(KernelLedger.of(kernel)).as("%s: the kernel after every process exited", what).isEqualTo(before);
            if (scope == Scope.GLOBAL) {
                coverage.global++;
            } else if (mode == AllocationMode.PRIORITY) {
                coverage.priority++;
            } else if (mode == AllocationMode.PROPORTIONAL) {
                int[] quotas = fast.allocation().quotas();
                if (Arrays.stream(quotas).distinct().count() > 1) {
                    coverage.proportionalUnequal++;
                }
            }
        }
        kernel.checkInvariants();
        int runs = SEEDS * POLICIES.size();
        assertThat(coverage.evicting).as("runs that evicted, of %d", runs).isGreaterThan(runs / 2);
        assertThat(coverage.writingBack).as("runs with write-backs, of %d", runs).isGreaterThan(runs / 2);
        assertThat(coverage.swapIns).as("runs with a page read back from swap, of %d", runs).isGreaterThan(runs / 2);
        assertThat(coverage.globalCrossVictims).as("global runs where a fault took another process's frame")
                .isGreaterThanOrEqualTo(8);
        assertThat(coverage.global).as("global seeds").isGreaterThanOrEqualTo(4);
        assertThat(coverage.priority).as("priority seeds").isGreaterThanOrEqualTo(4);
        assertThat(coverage.proportionalUnequal).as("proportional seeds with unequal quotas").isGreaterThanOrEqualTo(3);
    }

    static List<TraceReader> copies(List<ArrayTraceReader> traces) {
        List<TraceReader> readers = new ArrayList<>();
        for (ArrayTraceReader t : traces) {
            readers.add(t.again());
        }
        return readers;
    }

    /** The fewest frames from {@code frames} up that give every process its minimum. */
    private static int feasible(AllocationMode mode, int frames, ReferenceStream stream, long[] priorities, int minimum) {
        long[] sizes = new long[stream.processes()];
        for (int pid = 0; pid < sizes.length; pid++) {
            sizes[pid] = Math.max(1, stream.pagesOf(pid));
        }
        for (int m = frames; ; m++) {
            try {
                FrameAllocation.divide(mode, m, sizes, priorities, minimum);
                return m;
            } catch (IllegalArgumentException e) {
                // one frame more
            }
        }
    }

    /**
     * Runs {@code stream} through {@link Processes} on {@code kernel} as {@link KernelReplay} does
     * (process i spawned as one read-write region of its pages, page k of a process at user page
     * k, OPT told each reference's next use), then ends every process and uninstalls; returns the
     * counts in the fast replay's shape. With {@code checkFirstUse}, every first fault of a page
     * must load the user page of its first-use rank.
     */
    static List<ProcessResult> drive(Kernel kernel, ReferenceStream stream, String policy, ReplayConfig config,
                                     Coverage coverage, boolean checkFirstUse) {
        int processes = stream.processes();
        ProcessConfig pc = new ProcessConfig(policy, config.policy(), config.scope(), config.allocation(), config.frames(),
                config.minimumFrames(), Math.max(1, stream.pages()), 1, false);
        Processes procs = Processes.install(kernel, pc, REGISTRY);
        Process[] byPid = new Process[processes];
        long[] sizes = config.sizes();
        long[] priorities = config.priorities();
        for (int pid = 0; pid < processes; pid++) {
            long pages = Math.max(1, stream.pagesOf(pid));
            byPid[pid] = procs.spawn(stream.nameOf(pid), config.allocation() == AllocationMode.PRIORITY
                    && priorities != null ? priorities[pid] : 1, List.of(new Region.Spec("trace pages", pages, true)),
                    sizes != null ? sizes[pid] : pages);
        }
        int[] nextUse = REGISTRY.info(policy).needsFuture() ? stream.nextUse(config.scope()) : null;
        int[] firstTouched = new int[processes];
        boolean crossVictim = false;
        for (int i = 0; i < stream.length(); i++) {
            int page = stream.pageAt(i);
            int pid = stream.processOf(page);
            int local = stream.localIdOf(page);
            long use = nextUse == null || nextUse[i] == Integer.MAX_VALUE ? ReplacementPolicy.NEVER : nextUse[i];
            Processes.Outcome outcome = procs.touch(byPid[pid], KernelReplay.userPage(local), stream.isWrite(i), use);
            assertThat(outcome).as("%s reference %d", policy, i).isNotEqualTo(Processes.Outcome.KILLED);
            if (outcome == Processes.Outcome.FAULT) {
                Processes.Fault fault = procs.lastFault();
                crossVictim |= fault.evicted() && fault.victimPid() != fault.pid();
                if (checkFirstUse && local == firstTouched[pid]) {
                    assertThat(fault.vaddr()).as("the %d-th distinct page of process %d", local, pid)
                            .isEqualTo(KernelLayout.USER_HEAP_START + 4096L * local);
                    assertThat(fault.fromSlot()).as("a first touch is zero-filled").isEqualTo(-1);
                    firstTouched[pid]++;
                }
            }
        }
        procs.checkInvariants();
        List<ProcessResult> results = new ArrayList<>();
        boolean swappedIn = false;
        for (int pid = 0; pid < processes; pid++) {
            ProcessStats s = byPid[pid].stats();
            results.add(new ProcessResult(pid, stream.nameOf(pid), stream.pagesOf(pid), s.references(), s.faults(),
                    s.pageOuts(), s.resident(), s.quota()));
            assertThat(s.zeroFills() + s.pageIns()).as("%s process %d: every fault zero-filled or read back", policy, pid)
                    .isEqualTo(s.faults());
            swappedIn |= s.pageIns() > 0;
        }
        if (swappedIn) {
            coverage.swapIns++;
        }
        if (crossVictim && config.scope() == Scope.GLOBAL) {
            coverage.globalCrossVictims++;
        }
        assertThat(crossVictim && config.scope() == Scope.LOCAL).as("a local fault took another process's frame")
                .isFalse();
        for (Process p : byPid) {
            procs.exit(p);
        }
        assertThat(procs.swap().used()).as("swap slots in use after every process exited").isZero();
        procs.uninstall();
        return results;
    }

    static String describe(ReplayConfig config) {
        return config.frames() + " frames, " + config.scope().name().toLowerCase() + (config.scope() == Scope.LOCAL
                ? " " + config.allocation().cliName() + (config.priorities() == null ? ""
                : " " + Arrays.toString(config.priorities())) : "") + ", quantum " + config.quantum();
    }

    private static void assertSameCounts(String what, ReplayResult fast, ReplayResult kernel) {
        for (String policy : POLICIES) {
            assertThat(kernel.policy(policy).processes()).as("%s, %s: per process (pid, trace, pages, references,"
                    + " faults, write-backs, frames held, quota)", what, policy)
                    .isEqualTo(fast.policy(policy).processes());
        }
        assertThat(kernel.allocation()).as("%s: the division of frames", what).isEqualTo(fast.allocation());
    }
}
