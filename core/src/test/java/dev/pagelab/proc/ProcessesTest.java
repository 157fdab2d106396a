package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pte;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The process subsystem's own paths: kills, a full swap device, refused spawns, exits, quotas. */
class ProcessesTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final int USER = PageFault.ERR_USER;
    private static final int WRITE = PageFault.ERR_WRITE;
    private static final int PRESENT = PageFault.ERR_PRESENT;
    /** The kernel image's first page: the built-in kernel is loaded at 1 MiB. */
    private static final long KERNEL_IMAGE_PAGE = KernelLayout.KERNEL_BASE + 0x10_0000;

    private final Kernel kernel = KernelLedger.boot();
    private final KernelLedger boot = KernelLedger.of(kernel);

    private Processes install(ProcessConfig config) {
        return Processes.install(kernel, config, REGISTRY);
    }

    private static ProcessConfig config(Scope scope, int frames, int swapSlots) {
        return ProcessConfig.DEFAULT.withScope(scope).withFrames(frames).withSwap(swapSlots, 0);
    }

    /** code (2 pages, read-only), data (4), heap (8), stack (2): pages 0x1000-0x2fff, 0x3000-0x6fff, 0x7000-0xefff, 0xf000-0x10fff. */
    private static List<Region.Spec> layout() {
        return List.of(Region.Spec.code(2), Region.Spec.data(4), Region.Spec.heap(8), Region.Spec.stack(2));
    }

    private static long page(int i) {
        return KernelLayout.USER_HEAP_START + 4096L * i;
    }

    /** Frames the accounting holds for process {@code pid}. */
    private long framesOf(int pid) {
        long n = 0;
        for (long pfn = 0; pfn < kernel.accounting().topPfn(); pfn++) {
            n += kernel.accounting().processOf(pfn) == pid ? 1 : 0;
        }
        return n;
    }

    // ---------------------------------------------------------------- kills

    private record KillCase(String name, Consumer<Process> warmUp, long vaddr, boolean write, int errorCode,
                            String region, String why) {
    }

    @Test
    void touch_faultTheKernelCannotResolve_killsOnlyThatProcessWithAReportAndFreesWhatItHeld() {
        List<KillCase> cases = List.of(
                new KillCase("outside every region", p -> { }, page(16) + 8, false, USER, null,
                        "no region of the process holds 0x00011008"),
                new KillCase("write to the read-only code", p -> { }, page(1) + 4, true, USER | WRITE, "code",
                        "a write to the read-only region code"),
                new KillCase("write to a present read-only page", null, page(0) + 12, true, USER | WRITE | PRESENT,
                        "code", "a write to the read-only region code"),
                new KillCase("user access to the kernel image", p -> { }, KERNEL_IMAGE_PAGE + 0x20, false,
                        USER | PRESENT, null, "a user access to a kernel page"),
                new KillCase("user write to an unmapped kernel page", p -> { }, KernelLayout.KERNEL_BASE + 0x1000, true,
                        USER | WRITE, null, "a user access to a kernel page"),
                new KillCase("page 0", p -> { }, 0x10, false, USER, null, "page 0"));
        assertThat(kernel.space().getFrameAddr(KERNEL_IMAGE_PAGE)).as("the kernel image is mapped")
                .isNotEqualTo(dev.pagelab.paging.AddressSpace.NOT_MAPPED);
        assertThat(kernel.space().getFrameAddr(KernelLayout.KERNEL_BASE + 0x1000)).as("the second kernel page is not")
                .isEqualTo(dev.pagelab.paging.AddressSpace.NOT_MAPPED);
        for (KillCase c : cases) {
            Processes procs = install(config(Scope.GLOBAL, 8, 64));
            Process survivor = procs.spawn("survivor", 1, layout());
            procs.write8(survivor, page(2) + 1, 0x11);
            Process victim = procs.spawn("victim", 1, layout());
            // The victim holds frames, a page table and swap slots when it dies.
            for (int i = 2; i < 14; i++) {
                procs.write8(victim, page(i), i);
            }
            procs.read8(victim, page(0));
            if (c.warmUp() != null) {
                c.warmUp().accept(victim);
            }
            assertThat(victim.stats().swapSlots()).as("%s: the victim holds swap slots", c.name()).isPositive();
            assertThat(framesOf(victim.pid())).as("%s: the victim holds frames", c.name()).isPositive();

            Processes.Outcome outcome = procs.touch(victim, c.vaddr(), c.write());

            assertThat(outcome).as(c.name()).isEqualTo(Processes.Outcome.KILLED);
            assertThat(victim.state()).as(c.name()).isEqualTo(Process.State.KILLED);
            Process.KillReport report = victim.killReport();
            assertThat(report.cr2()).as("%s: CR2", c.name()).isEqualTo(c.vaddr());
            assertThat(report.errorCode()).as("%s: error code %s", c.name(), PageFault.decodeErrorCode(report.errorCode()))
                    .isEqualTo(c.errorCode());
            assertThat(report.region() == null ? null : report.region().name()).as("%s: region", c.name())
                    .isEqualTo(c.region());
            assertThat(report.why()).as(c.name()).contains(c.why());
            assertThat(report.toString()).as(c.name()).contains("CR2=").contains("error code");
            assertThat(framesOf(victim.pid())).as("%s: frames of the dead", c.name()).isZero();
            assertThat(victim.space().isDestroyed()).as("%s: its directory and tables", c.name()).isTrue();
            assertThat(procs.swap().used()).as("%s: swap slots are the survivor's", c.name())
                    .isEqualTo(survivor.stats().swapSlots());
            assertThat(procs.live()).as(c.name()).containsExactly(survivor);
            assertThatThrownBy(() -> procs.touch(victim, page(2), false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("killed");
            procs.checkInvariants();
            kernel.checkInvariants();

            assertThat(procs.read8(survivor, page(2) + 1)).as("%s: the survivor runs on, its byte intact", c.name())
                    .isEqualTo(0x11);
            procs.exit(survivor);
            procs.uninstall();
            assertThat(KernelLedger.of(kernel)).as("%s: everything back", c.name()).isEqualTo(boot);
        }
    }

    @Test
    void read8AndWrite8_killingAccess_throwNamingTheReport() {
        Processes procs = install(config(Scope.LOCAL, 8, 8));
        Process p = procs.spawn("p", 1, layout());
        assertThatThrownBy(() -> procs.write8(p, page(0), 1)).isInstanceOf(ProcessException.class)
                .hasMessageContaining("was killed writing 0x00001000").hasMessageContaining("read-only region code");
        Process q = procs.spawn("q", 1, layout());
        assertThatThrownBy(() -> procs.read8(q, 0)).isInstanceOf(ProcessException.class)
                .hasMessageContaining("was killed reading 0x00000000").hasMessageContaining("page 0");
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void readAndWrite_oneToFourBytesInAPage_areOneReferenceEachLittleEndian() {
        Processes procs = install(config(Scope.LOCAL, 8, 8));
        Process p = procs.spawn("p", 1, layout());

        assertThat(procs.write(p, page(3) + 0xFFC, 4, 0x1122_3344L)).isEqualTo(Processes.Outcome.FAULT);
        procs.write(p, page(3) + 0x10, 2, 0xBEEFL);

        assertThat(procs.read(p, page(3) + 0xFFC, 4)).isEqualTo(0x1122_3344L);
        assertThat(procs.read(p, page(3) + 0xFFD, 2)).isEqualTo(0x2233L);
        assertThat(procs.read8(p, page(3) + 0x11)).isEqualTo(0xBE);
        assertThat(p.stats().references()).isEqualTo(5);
        assertThat(p.stats().faults()).isEqualTo(1);
        procs.exit(p);
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void readAndWrite_crossingAPageOrAnOddSize_areRefusedBeforeAnythingCounts() {
        Processes procs = install(config(Scope.LOCAL, 8, 8));
        Process p = procs.spawn("p", 1, layout());

        assertThatThrownBy(() -> procs.read(p, page(3) + 0xFFE, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("read: 4 bytes at 0x00004FFE cross into the next page: a process's access is one reference"
                        + " to one page, so split it");
        assertThatThrownBy(() -> procs.write(p, page(3), 3, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("write: 3 bytes at 0x00004000: a process reads and writes 1, 2 or 4 bytes at a time");
        assertThat(p.stats().references()).isZero();
        assertThat(procs.residentPages(p)).isEmpty();
        procs.exit(p);
        procs.uninstall();
    }

    @Test
    void touch_fullSwapDevice_killsTheFaultingProcessWithAClearReport() {
        Processes procs = install(config(Scope.LOCAL, 4, 2));
        Process p = procs.spawn("writer", 1, layout());
        for (int i = 2; i < 8; i++) {
            assertThat(procs.touch(p, page(i), true)).as("page %d", i).isEqualTo(Processes.Outcome.FAULT);
        }
        assertThat(procs.swap().free()).as("two dirty victims took both slots").isZero();
        Processes.Outcome outcome = procs.touch(p, page(8), false);
        assertThat(outcome).isEqualTo(Processes.Outcome.KILLED);
        Process.KillReport report = p.killReport();
        assertThat(report.cr2()).isEqualTo(page(8));
        assertThat(report.errorCode()).isEqualTo(USER);
        assertThat(report.region().name()).isEqualTo("heap");
        assertThat(report.why()).contains("the swap device is full (2 slots)").contains("no slot for dirty page 0x00005000");
        assertThat(procs.swap().used()).isZero();
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void touch_fullSwapUnderGlobalScope_killsTheFaulterNotTheVictimsOwner() {
        Processes procs = install(config(Scope.GLOBAL, 4, 1));
        Process owner = procs.spawn("owner", 1, layout());
        for (int i = 2; i < 6; i++) {
            procs.write8(owner, page(i), i);
        }
        Process reader = procs.spawn("reader", 1, layout());
        assertThat(procs.touch(reader, page(2), false)).as("one slot for the first dirty victim")
                .isEqualTo(Processes.Outcome.FAULT);
        assertThat(procs.touch(reader, page(3), false)).isEqualTo(Processes.Outcome.KILLED);
        assertThat(reader.killReport().why()).contains("swap device is full (1 slots)").contains(owner.toString());
        assertThat(owner.state()).isNotEqualTo(Process.State.KILLED);
        assertThat(procs.read8(owner, page(2))).as("the owner's page comes back from its slot").isEqualTo(2);
        procs.checkInvariants();
        procs.exit(owner);
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void variableAllocationRelease_fullSwapDevice_killsTheRunningProcessOnceThePolicyReturns() {
        for (String policy : List.of("ws", "pff")) {
            ProcessConfig c = config(Scope.LOCAL, 16, 2).withPolicy(policy)
                    .withPolicyConfig(PolicyConfig.DEFAULTS.withWindow(2).withPffTau(1));
            Processes procs = install(c);
            Process p = procs.spawn("writer", 1, layout());
            Process other = procs.spawn("other", 1, layout());
            procs.write8(other, page(2), 7);
            Processes.Outcome last = null;
            int i = 2;
            for (; i < 9 && !p.state().ended(); i++) {
                try {
                    last = procs.write8(p, page(i), i);
                    for (int k = 0; k < 2 && last != Processes.Outcome.KILLED; k++) {
                        last = procs.touch(p, page(i), false);
                    }
                } catch (ProcessException e) {
                    assertThat(e).as(policy).hasMessageContaining("was killed writing");
                    last = Processes.Outcome.KILLED;
                }
            }
            assertThat(last).as(policy + ": the writes ended in a kill").isEqualTo(Processes.Outcome.KILLED);
            assertThat(p.state()).as(policy).isEqualTo(Process.State.KILLED);
            assertThat(p.killReport().why()).as(policy).contains("the swap device is full (2 slots)")
                    .contains("which the policy released, is dirty and has no slot");
            procs.checkInvariants();
            assertThat(procs.read8(other, page(2))).as(policy + ": the other process runs on").isEqualTo(7);
            procs.exit(other);
            procs.uninstall();
            assertThat(KernelLedger.of(kernel)).as(policy).isEqualTo(boot);
        }
    }

    // ---------------------------------------------------------------- spawn and exit

    private record Snapshot(KernelLedger ledger, List<Process> live, FrameAllocation allocation, List<List<Long>> resident,
                            List<ProcessStats> stats, int swapUsed) {
    }

    private Snapshot snapshot(Processes procs) {
        List<List<Long>> resident = new ArrayList<>();
        List<ProcessStats> stats = new ArrayList<>();
        for (Process p : procs.live()) {
            resident.add(procs.residentPages(p));
            stats.add(p.stats());
        }
        return new Snapshot(KernelLedger.of(kernel), procs.live(), procs.allocation(), resident, stats, procs.swap().used());
    }

    @Test
    void spawn_quotaBelowTheMinimum_isRefusedWithNothingChanged() {
        Processes procs = install(config(Scope.LOCAL, 12, 16));
        Process a = procs.spawn("a", 1, layout());
        Process b = procs.spawn("b", 1, layout());
        for (int i = 2; i < 10; i++) {
            procs.write8(a, page(i), i);
            procs.touch(b, page(i), false);
        }
        Snapshot before = snapshot(procs);
        assertThat(before.allocation().quotas()).containsExactly(6, 6);

        assertThatThrownBy(() -> procs.spawn("c", 1, layout())).isInstanceOf(ProcessException.class)
                .hasMessageContaining("spawn c").hasMessageContaining("below the minimum of 6");

        assertThat(snapshot(procs)).isEqualTo(before);
        assertThat(procs.all()).containsExactly(a, b);
        procs.checkInvariants();
        kernel.checkInvariants();
        procs.exit(a);
        procs.exit(b);
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void spawn_newQuotasPushOutDirtyPagesSwapCannotHold_isRefusedWithNothingChanged() {
        Processes procs = install(config(Scope.LOCAL, 12, 3).withMinimumFrames(1));
        Process a = procs.spawn("a", 1, layout());
        for (int i = 2; i < 14; i++) {
            procs.write8(a, page(i), i);
        }
        Snapshot before = snapshot(procs);

        assertThatThrownBy(() -> procs.spawn("b", 1, layout())).isInstanceOf(ProcessException.class)
                .hasMessageContaining("spawn b: the new quotas push out 6 dirty pages with no swap slot, but the swap"
                        + " device has only 3 free");

        assertThat(snapshot(procs)).isEqualTo(before);
        procs.exit(a);
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void exit_processWithFramesTablesAndSlots_freesEverything() {
        for (Scope scope : Scope.values()) {
            Processes procs = install(config(scope, 12, 128));
            KernelLedger installed = KernelLedger.of(kernel);
            Process p = procs.spawn("p", 1, List.of(Region.Spec.heap(40)));
            Process q = procs.spawn("q", 1, List.of(Region.Spec.heap(40)));
            for (int i = 0; i < 40; i++) {
                procs.write8(p, page(i), i);
                procs.write8(q, page(39 - i), i);
            }
            for (int i = 0; i < 40; i += 3) {
                assertThat(procs.read8(p, page(i))).as("%s: page %d of p", scope, i).isEqualTo(i);
            }
            assertThat(p.stats().swapSlots()).as(scope.name()).isPositive();
            assertThat(p.stats().pageIns()).as(scope.name()).isPositive();
            long tables = p.space().pageTables();
            assertThat(tables).isPositive();

            procs.exit(p);
            assertThat(p.state()).isEqualTo(Process.State.EXITED);
            assertThat(framesOf(p.pid())).isZero();
            assertThat(procs.swap().used()).as(scope.name()).isEqualTo(q.stats().swapSlots());
            procs.checkInvariants();
            kernel.checkInvariants();
            procs.exit(q);
            assertThat(KernelLedger.of(kernel)).as("%s: after both exited", scope).isEqualTo(installed);
            assertThatThrownBy(() -> procs.exit(q)).isInstanceOf(IllegalStateException.class).hasMessageContaining("exited");
            procs.uninstall();
            assertThat(KernelLedger.of(kernel)).as(scope.name()).isEqualTo(boot);
        }
    }

    @Test
    void spawnAndExit_localScope_recomputeQuotasAndEvictThePagesBeyondTheNewOne() {
        Processes procs = install(config(Scope.LOCAL, 12, 64).withMinimumFrames(1));
        Process a = procs.spawn("a", 1, List.of(Region.Spec.heap(20)));
        for (int i = 0; i < 12; i++) {
            // Loaded in the order 11, 10, ..., 0; the odd ones written.
            procs.touch(a, page(11 - i), false);
            if ((11 - i) % 2 == 1) {
                procs.write8(a, page(11 - i), 0x40 + i);
            }
        }
        List<Long> loaded = procs.residentPages(a);
        assertThat(loaded).hasSize(12);
        assertThat(a.stats().quota()).isEqualTo(12);

        Process b = procs.spawn("b", 1, List.of(Region.Spec.heap(20)));

        assertThat(procs.allocation().quotas()).containsExactly(6, 6);
        assertThat(a.stats().quota()).isEqualTo(6);
        assertThat(procs.residentPages(a)).as("the pages in the first 6 pool frames stay").isEqualTo(loaded.subList(0, 6));
        long dirtyPushedOut = loaded.subList(6, 12).stream().filter(v -> ((v - 0x1000) / 4096) % 2 == 1).count();
        assertThat(a.stats().pageOuts()).as("the dirty ones of the 6 pushed out were written back").isEqualTo(dirtyPushedOut);
        assertThat(a.stats().evictions()).isEqualTo(6);
        for (long vaddr : loaded.subList(6, 12)) {
            int pte = a.space().entries().pte(vaddr);
            boolean dirty = ((vaddr - 0x1000) / 4096) % 2 == 1;
            assertThat(Pte.isPresent(pte)).isFalse();
            assertThat(pte).as("page %x: a swap entry when it was dirty, else nothing", vaddr)
                    .isEqualTo(dirty ? SwapDevice.entryOf(a.swapSlotOf(vaddr)) : 0);
        }
        procs.checkInvariants();

        procs.exit(b);
        assertThat(procs.allocation().quotas()).containsExactly(12);
        assertThat(procs.residentPages(a)).as("a keeps its pages when its quota grows").isEqualTo(loaded.subList(0, 6));
        long faults = a.stats().faults();
        for (int i = 0; i < 12; i++) {
            int expected = i % 2 == 1 ? 0x40 + 11 - i : 0;
            assertThat(procs.read8(a, page(i))).as("page %d read back", i).isEqualTo(expected);
        }
        assertThat(a.stats().faults() - faults).as("the 6 pushed out fault back in, into the grown quota").isEqualTo(6);
        assertThat(a.stats().resident()).isEqualTo(12);
        assertThat(a.stats().evictions()).as("no eviction once the quota is back").isEqualTo(6);
        procs.exit(a);
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void spawn_proportionalAllocation_givesQuotasBySizeAndSpawnWithSizeOverridesTheRegions() {
        Processes procs = install(config(Scope.LOCAL, 60, 16).withAllocation(AllocationMode.PROPORTIONAL));
        procs.spawn("small", 1, List.of(Region.Spec.heap(10)));
        procs.spawn("large", 1, List.of(Region.Spec.heap(30)));
        assertThat(procs.allocation().quotas()).containsExactly(15, 45);
        Process sized = procs.spawn("sized", 1, List.of(Region.Spec.heap(1)), 20);
        assertThat(sized.size()).isEqualTo(20);
        assertThat(procs.allocation().quotas()).containsExactly(10, 30, 20);
        assertThat(procs.allocation()).isEqualTo(FrameAllocation.divide(AllocationMode.PROPORTIONAL, 60,
                new long[] {10, 30, 20}, null, ReplayConfig.of(60, Scope.LOCAL).minimumFor(3)));
        for (Process p : procs.live()) {
            procs.exit(p);
        }
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void spawn_badArguments_areRefusedNamingThem() {
        Processes procs = install(config(Scope.LOCAL, 12, 16));
        assertThatThrownBy(() -> procs.spawn("x", 0, layout())).hasMessageContaining("priority must be at least 1, not 0");
        assertThatThrownBy(() -> procs.spawn("x", 1, List.of())).hasMessageContaining("at least one region");
        assertThatThrownBy(() -> procs.spawn("x", 1, List.of(Region.Spec.heap(Process.USER_AREA_PAGES + 1))))
                .hasMessageContaining("more than the " + Process.USER_AREA_PAGES);
        assertThatThrownBy(() -> procs.spawn("x", 1, layout(), 0)).hasMessageContaining("size must be at least 1");
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    @Test
    void install_twiceOrTooManyFrames_isRefused() {
        Processes procs = install(config(Scope.LOCAL, 12, 16));
        assertThatThrownBy(() -> install(config(Scope.LOCAL, 12, 16))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a page-fault resolver");
        procs.uninstall();
        long free = kernel.allocator().freeFrames();
        assertThatThrownBy(() -> install(config(Scope.LOCAL, (int) free + 1, 16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only " + free + " free");
        install(config(Scope.LOCAL, 12, 16)).uninstall();
    }

    @Test
    void touch_skipInvlpgLessonOn_anEvictedPageIsStillInvalidatedAndFaultsBackWithItsBytes() {
        Processes procs = install(config(Scope.LOCAL, 2, 8).withPolicy("clock").withSkipInvlpg(true));
        Process p = procs.spawn("p", 1, layout());
        procs.write8(p, page(2), 0x21);
        procs.write8(p, page(3), 0x31);
        assertThat(procs.touch(p, page(4), false)).isEqualTo(Processes.Outcome.FAULT);
        assertThat(procs.lastFault().victimVaddr()).as("Clock's first victim").isEqualTo(page(2));

        // The lesson skips the INVLPG of an A-bit clear; the eviction's must stay, or page 2 would
        // still translate to the frame page 4 now holds.
        long faults = p.stats().faults();
        assertThat(procs.read8(p, page(2))).as("page 2 read back from swap").isEqualTo(0x21);
        assertThat(p.stats().faults()).as("the read of the evicted page faulted").isEqualTo(faults + 1);
        procs.checkInvariants();
        procs.exit(p);
        procs.uninstall();
        assertThat(KernelLedger.of(kernel)).isEqualTo(boot);
    }

    // ---------------------------------------------------------------- the frames' owners

    @Test
    void touch_pageLoaded_isHeldAsItsProcesssFrameAndMappedUserWithTheRegionsRights() {
        Processes procs = install(config(Scope.LOCAL, 8, 8));
        Process p = procs.spawn("p", 1, layout());
        procs.read8(p, page(0));
        procs.write8(p, page(2), 9);
        int code = p.space().entries().pte(page(0));
        int data = p.space().entries().pte(page(2));
        assertThat(code & (Pte.PRESENT | Pte.USER | Pte.WRITABLE | Pte.ACCESSED | Pte.DIRTY))
                .as("code: present, user, read-only, accessed, clean").isEqualTo(Pte.PRESENT | Pte.USER | Pte.ACCESSED);
        assertThat(data & (Pte.PRESENT | Pte.USER | Pte.WRITABLE | Pte.ACCESSED | Pte.DIRTY))
                .isEqualTo(Pte.PRESENT | Pte.USER | Pte.WRITABLE | Pte.ACCESSED | Pte.DIRTY);
        assertThat(kernel.accounting().ownerOf(Pte.pfn(code))).isEqualTo(FrameOwner.PROCESS);
        assertThat(kernel.accounting().processOf(Pte.pfn(data))).isEqualTo(p.pid());
        procs.exit(p);
        procs.uninstall();
    }
}
