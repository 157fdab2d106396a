package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.LackeyTraces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * Nothing is lost: processes write pattern bytes derived from (pid, page, a counter) through
 * {@link Processes#write8} while the kernel evicts, writes back and reads back their pages, and
 * after every fault every page of every live process holds exactly the bytes last written to it,
 * wherever it is: in a frame (read through the PTE found by walking the directory in physical
 * memory, never through the MMU, whose TLB and A and D bits are what is under test) or in its swap
 * slot. No frame is held twice, and when every process has ended every frame, page table and swap
 * slot is back.
 */
class ProcessesReliabilityTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final int PAGE = 4096;
    private static final int SPOTS = 16;

    static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /**
     * The kernel, its processes, and what each page of each process must hold: the byte last
     * written at each of its {@link #SPOTS} spots (spot k of page i of process pid lies at offset
     * k·256 + (13·i + 7·pid) mod 256), zero everywhere else.
     */
    static final class World {
        final Kernel kernel = KernelLedger.boot();
        final KernelLedger boot = KernelLedger.of(kernel);
        final PhysicalMemory memory = kernel.memory();
        final Processes procs;
        final String what;
        final Map<Process, byte[][]> model = new HashMap<>();
        long counter;
        long step;
        long faultsSeen;
        long checks;
        // coverage
        long pageIns;
        long crossVictims;
        long dirtyVictims;

        World(ProcessConfig config, String what) {
            this.procs = Processes.install(kernel, config, REGISTRY);
            this.what = what;
        }

        Process spawn(String name, long priority, List<Region.Spec> regions) {
            Process p = procs.spawn(name, priority, regions);
            int pages = 0;
            for (Region.Spec r : regions) {
                pages += (int) r.pages();
            }
            model.put(p, new byte[pages][SPOTS]);
            return p;
        }

        static int offset(Process p, int index, int spot) {
            return spot * 256 + ((13 * index + 7 * p.pid()) & 0xFF);
        }

        /** The pattern byte for (pid, page, counter): never 0, so a page zero-filled instead of read back shows. */
        static int pattern(Process p, int index, long counter) {
            long x = (p.pid() * 0x9E37_79B9L) ^ (index * 0x85EB_CA6BL) ^ (counter * 0xC2B2_AE35L);
            x ^= x >>> 29;
            return (int) (x & 0xFF) | 1;
        }

        boolean writable(Process p, int index) {
            return p.regionOf(KernelReplay.userPage(index)).writable();
        }

        void write(Process p, int index) {
            int spot = (int) (counter % SPOTS);
            int value = pattern(p, index, counter++);
            long before = procs.faultsResolved();
            procs.write8(p, KernelReplay.userPage(index) + offset(p, index, spot), value);
            model.get(p)[index][spot] = (byte) value;
            afterAccess(before);
        }

        void read(Process p, int index) {
            int spot = (int) (step % SPOTS);
            long before = procs.faultsResolved();
            int value = procs.read8(p, KernelReplay.userPage(index) + offset(p, index, spot));
            assertThat(value).as("%s step %d: %s page %d spot %d read through the MMU", what, step, p, index, spot)
                    .isEqualTo(model.get(p)[index][spot] & 0xFF);
            afterAccess(before);
        }

        void afterAccess(long faultsBefore) {
            step++;
            if (procs.faultsResolved() == faultsBefore) {
                return;
            }
            faultsSeen++;
            Processes.Fault fault = procs.lastFault();
            if (fault.fromSlot() >= 0) {
                pageIns++;
            }
            if (fault.evicted() && fault.victimPid() != fault.pid()) {
                crossVictims++;
            }
            if (fault.victimDirty()) {
                dirtyVictims++;
            }
            // The page just loaded, whole: from its slot or zero-filled, nothing else.
            Process p = byPid(fault.pid());
            int index = (int) ((fault.vaddr() - KernelReplay.userPage(0)) / PAGE);
            byte[] found = memory.readBytes(fault.pfn() * PAGE, PAGE);
            if (!Arrays.equals(found, expected(p, index))) {
                int at = Arrays.mismatch(found, expected(p, index));
                fail(p, index, (int) fault.pfn() << 12 | 1, "just loaded (from slot " + fault.fromSlot() + "), it holds "
                        + found[at] + " at offset " + at + " where " + expected(p, index)[at] + " was last written");
            }
            check(faultsSeen % 64 == 0);
        }

        Process byPid(int pid) {
            for (Process p : model.keySet()) {
                if (p.pid() == pid) {
                    return p;
                }
            }
            throw new AssertionError("no process " + pid);
        }

        byte[] expected(Process p, int index) {
            byte[] page = new byte[PAGE];
            byte[] spots = model.get(p)[index];
            for (int k = 0; k < SPOTS; k++) {
                page[offset(p, index, k)] = spots[k];
            }
            return page;
        }

        /** The PTE of {@code index} in {@code p}'s directory, read in physical memory as the MMU's walk would. */
        int pte(Process p, int index) {
            long vaddr = KernelReplay.userPage(index);
            long directory = p.space().directoryPaddr();
            int pde = memory.read32(directory + 4 * (vaddr >>> 22));
            if ((pde & 1) == 0) {
                return 0;
            }
            long table = pde & 0xFFFF_F000L;
            return memory.read32(table + 4 * ((vaddr >>> 12) & 0x3FF));
        }

        /**
         * Every page of every live process: resident ones hold their spots (all bytes when
         * {@code whole}) in a frame held once, as that process's; swapped-out ones have a slot in
         * use holding them; the others were never written. Plain comparisons: this runs after
         * every fault, over every page.
         */
        void check(boolean whole) {
            checks++;
            procs.checkInvariants();
            Set<Long> frames = new HashSet<>();
            long resident = 0;
            for (Process p : procs.live()) {
                byte[][] spots = model.get(p);
                long mine = 0;
                for (int index = 0; index < spots.length; index++) {
                    int pte = pte(p, index);
                    if ((pte & 1) != 0) {
                        long pfn = (pte & 0xFFFF_FFFFL) >>> 12;
                        if (!frames.add(pfn)) {
                            fail(p, index, pte, "its frame " + Long.toHexString(pfn) + " is mapped twice");
                        }
                        if (kernel.accounting().processOf(pfn) != p.pid()) {
                            fail(p, index, pte, "its frame is held as " + kernel.frames().describe(pfn));
                        }
                        if (whole) {
                            byte[] found = memory.readBytes(pfn * PAGE, PAGE);
                            if (!Arrays.equals(found, expected(p, index))) {
                                int at = Arrays.mismatch(found, expected(p, index));
                                fail(p, index, pte, "its frame holds " + found[at] + " at offset " + at + " where "
                                        + expected(p, index)[at] + " was last written");
                            }
                        } else {
                            for (int k = 0; k < SPOTS; k++) {
                                int found = memory.read8(pfn * PAGE + offset(p, index, k));
                                if ((byte) found != spots[index][k]) {
                                    fail(p, index, pte, "spot " + k + " holds " + found + ", last written "
                                            + (spots[index][k] & 0xFF));
                                }
                            }
                        }
                        mine++;
                    } else if (pte != 0) {
                        int slot = SwapDevice.slotOf(pte);
                        if (slot < 0 || p.swapSlotOf(KernelReplay.userPage(index)) != slot) {
                            fail(p, index, pte, "not a swap entry of its slot " + p.swapSlotOf(KernelReplay.userPage(index)));
                        }
                        if (whole && !Arrays.equals(procs.swap().contents(slot), expected(p, index))) {
                            fail(p, index, pte, "swap slot " + slot + " holds other bytes");
                        }
                    } else if (!Arrays.equals(spots[index], new byte[SPOTS])) {
                        fail(p, index, pte, "no frame, no slot, but it was written");
                    }
                }
                if (mine != p.stats().resident()) {
                    throw new AssertionError(what + " step " + step + ": " + p + " has " + mine + " pages in frames,"
                            + " its stats say " + p.stats().resident());
                }
                resident += mine;
            }
            if (resident > procs.config().frames()) {
                throw new AssertionError(what + " step " + step + ": " + resident + " pages in frames, more than "
                        + procs.config().frames());
            }
            if (whole) {
                long accounted = 0;
                for (long pfn = 0; pfn < kernel.accounting().topPfn(); pfn++) {
                    accounted += kernel.accounting().processOf(pfn) > 0 ? 1 : 0;
                }
                assertThat(accounted).as("%s step %d: frames the accounting gives processes", what, step)
                        .isEqualTo(resident);
                kernel.checkInvariants();
            }
        }

        private void fail(Process p, int index, int pte, String why) {
            throw new AssertionError(what + " step " + step + ": " + p + " page " + index + " (PTE "
                    + Integer.toHexString(pte) + "): " + why);
        }

        /** Ends every process; then everything the kernel had before must be back. */
        void endAll() {
            check(true);
            for (Process p : procs.live()) {
                procs.exit(p);
            }
            assertThat(procs.swap().used()).as("%s: swap slots in use after every process ended", what).isZero();
            procs.swap().checkInvariants();
            procs.uninstall();
            kernel.checkInvariants();
            assertThat(KernelLedger.of(kernel)).as("%s: every frame, table and directory back", what).isEqualTo(boot);
        }
    }

    /** code, data, heap and stack of random sizes, 13 to 72 pages in all. */
    static List<Region.Spec> layout(RandomGenerator random) {
        return List.of(Region.Spec.code(1 + random.nextInt(6)), Region.Spec.data(2 + random.nextInt(10)),
                Region.Spec.heap(8 + random.nextInt(40)), Region.Spec.stack(2 + random.nextInt(16)));
    }

    /** One process's next page: a hot set that drifts, with jumps. */
    static int nextPage(RandomGenerator random, int pages, int[] hot) {
        if (random.nextInt(200) == 0) {
            hot[0] = random.nextInt(pages);
        }
        return random.nextInt(6) == 0 ? random.nextInt(pages) : (hot[0] + random.nextInt(6)) % pages;
    }

    /** Runs {@code steps} accesses of the live processes in turns of random length; a third write. */
    static void run(World world, RandomGenerator random, int steps) {
        Map<Process, int[]> hot = new HashMap<>();
        Process p = null;
        int turn = 0;
        for (int s = 0; s < steps; s++) {
            List<Process> live = world.procs.live();
            if (p == null || turn-- == 0 || !live.contains(p)) {
                p = live.get(random.nextInt(live.size()));
                turn = random.nextInt(40);
            }
            int pages = world.model.get(p).length;
            int index = nextPage(random, pages, hot.computeIfAbsent(p, q -> new int[1]));
            if (random.nextInt(3) == 0 && world.writable(p, index)) {
                world.write(p, index);
            } else {
                world.read(p, index);
            }
            if (random.nextInt(500) == 0) {
                world.procs.tick();
            }
        }
    }

    @Test
    void globalScope_eightProcessesWithSwap_everyPageHoldsWhatWasLastWrittenAndEverythingComesBack() {
        List<String> policies = List.of("clock", "lru", "esc", "pff");
        long pageIns = 0;
        long crossVictims = 0;
        long dirtyVictims = 0;
        for (int seed = 0; seed < policies.size(); seed++) {
            RandomGenerator random = random(seed);
            String policy = policies.get(seed);
            int frames = 24 + random.nextInt(24);
            World world = new World(ProcessConfig.DEFAULT.withPolicy(policy).withScope(Scope.GLOBAL).withFrames(frames)
                    .withSwap(1024, 0), "seed " + seed + " (" + policy + ", global, " + frames + " frames)");
            for (int i = 0; i < 8; i++) {
                world.spawn("p" + i, 1, layout(random));
            }
            run(world, random, 4_000);
            world.endAll();
            assertThat(world.faultsSeen).as(world.what + ": faults").isGreaterThan(500);
            pageIns += world.pageIns;
            crossVictims += world.crossVictims;
            dirtyVictims += world.dirtyVictims;
        }
        assertThat(pageIns).as("pages read back from swap").isGreaterThan(1_500);
        assertThat(crossVictims).as("faults that took another process's frame").isGreaterThan(2_000);
        assertThat(dirtyVictims).as("dirty victims written back").isGreaterThan(1_500);
    }

    @Test
    void globalScope_realTraceSplitAmongEightProcesses_everyPageHoldsWhatWasLastWritten() {
        LackeyTraces.Recorded trace = LackeyTraces.programs().get(1);
        int processes = 8;
        // The first 60,000 references, 7,500 a process.
        int chunk = Math.min(trace.pages().length, 60_000) / processes;
        World world = new World(ProcessConfig.DEFAULT.withScope(Scope.GLOBAL).withFrames(24).withSwap(1024, 0),
                trace.name() + " in 8 parts, clock, global, 24 frames");
        Process[] byPart = new Process[processes];
        int[][] local = new int[processes][chunk];
        for (int part = 0; part < processes; part++) {
            Map<Long, Integer> rank = new HashMap<>();
            for (int i = 0; i < chunk; i++) {
                local[part][i] = rank.computeIfAbsent(trace.pages()[part * chunk + i], page -> rank.size());
            }
            byPart[part] = world.spawn(trace.name() + "." + part, 1, List.of(Region.Spec.heap(rank.size())));
        }
        // Round-robin turns of 100 references, as the replay interleaves traces.
        for (int from = 0; from < chunk; from += 100) {
            for (int part = 0; part < processes; part++) {
                for (int i = from; i < Math.min(chunk, from + 100); i++) {
                    if (trace.writes()[part * chunk + i]) {
                        world.write(byPart[part], local[part][i]);
                    } else {
                        world.read(byPart[part], local[part][i]);
                    }
                }
            }
        }
        world.endAll();
        assertThat(world.faultsSeen).as("faults").isGreaterThan(1_000);
        assertThat(world.pageIns).as("pages read back from swap").isGreaterThan(200);
        assertThat(world.crossVictims).as("faults that took another process's frame").isGreaterThan(200);
    }

    @Test
    void localScope_spawnsExitsAndKillsInTheMiddle_quotasChangeAndNothingIsLost() {
        long spawned = 0;
        long exited = 0;
        long killed = 0;
        long refused = 0;
        long pushedOut = 0;
        for (int seed = 100; seed < 102; seed++) {
            RandomGenerator random = random(seed);
            AllocationMode mode = AllocationMode.values()[seed % 3];
            World world = new World(ProcessConfig.DEFAULT.withPolicy(seed % 2 == 0 ? "clock" : "lru")
                    .withAllocation(mode).withFrames(60).withSwap(2048, 0),
                    "seed " + seed + " (local " + mode.cliName() + ", 60 frames)");
            for (int i = 0; i < 4; i++) {
                world.spawn("first" + i, 1 + random.nextInt(3), layout(random));
            }
            for (int round = 0; round < 20; round++) {
                run(world, random, 200);
                int event = random.nextInt(4);
                List<Process> live = world.procs.live();
                if (event == 0 && live.size() < 8) {
                    long outBefore = live.stream().mapToLong(p -> p.stats().evictions()).sum();
                    KernelLedger before = KernelLedger.of(world.kernel);
                    try {
                        world.spawn("later" + round, 1 + random.nextInt(3), layout(random));
                        spawned++;
                        pushedOut += live.stream().mapToLong(p -> p.stats().evictions()).sum() - outBefore;
                    } catch (ProcessException e) {
                        assertThat(e.getMessage()).as(world.what).contains("below the minimum");
                        assertThat(KernelLedger.of(world.kernel)).as("%s: a refused spawn changes nothing", world.what)
                                .isEqualTo(before);
                        refused++;
                    }
                } else if (event == 1 && live.size() > 1) {
                    world.procs.exit(live.get(random.nextInt(live.size())));
                    exited++;
                } else if (event == 2 && live.size() > 1) {
                    Process victim = live.get(random.nextInt(live.size()));
                    int pages = world.model.get(victim).length;
                    boolean write = random.nextBoolean();
                    // Past its last region, or a write to its code.
                    long vaddr = write ? KernelReplay.userPage(0) : KernelReplay.userPage(pages + random.nextInt(100));
                    assertThat(world.procs.touch(victim, vaddr, write)).as(world.what).isEqualTo(Processes.Outcome.KILLED);
                    assertThat(victim.killReport().cr2()).isEqualTo(vaddr);
                    killed++;
                }
                world.check(true);
                assertThat(Arrays.stream(world.procs.allocation().quotas()).sum()).as(world.what)
                        .isLessThanOrEqualTo(60);
                for (Process p : world.procs.live()) {
                    assertThat(p.stats().resident()).as("%s: %s within its quota", world.what, p)
                            .isLessThanOrEqualTo(p.stats().quota());
                }
            }
            world.endAll();
        }
        assertThat(Math.min(spawned, Math.min(exited, killed))).as("fewest of spawns %d, exits %d, kills %d", spawned,
                exited, killed).isGreaterThanOrEqualTo(3);
        assertThat(pushedOut).as("pages pushed out by a spawn's smaller quotas").isPositive();
        assertThat(refused + spawned).isPositive();
    }
}
