package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thrashing without load control, and the working set and PFF with it. */
class MultiprogrammingTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final ProcessConfig BASE = ProcessConfig.DEFAULT.withFrames(256).withSwap(65_536, 0);

    private static Multiprogramming.Result run(ProcessConfig config, int processes) {
        return Multiprogramming.run("qemu-pc-128M", KernelConfig.DEFAULT, config, REGISTRY, processes,
                Multiprogramming.Workload.DEFAULT, Multiprogramming.Timing.DEFAULT, 600_000);
    }

    @Test
    void globalClock_manyProcesses_thrashes() {
        ProcessConfig clock = BASE.withScope(Scope.GLOBAL).withPolicy("clock");
        Multiprogramming.Result few = run(clock, 3);
        Multiprogramming.Result many = run(clock, 12);
        assertThat(many.faultRate()).as("fault rate with 12 programs against 3").isGreaterThan(5 * few.faultRate());
        assertThat(many.cpuUtilisation()).as("CPU use with 12 programs against 3")
                .isLessThan(few.cpuUtilisation() / 2);
        assertThat(many.diskUtilisation()).isGreaterThan(0.95);
        assertThat(many.suspensions()).isZero();
    }

    @Test
    void loadControl_manyProcesses_suspendsAndKeepsTheCpuBusy() {
        for (String policy : List.of("ws", "pff")) {
            Multiprogramming.Result controlled = run(BASE.withPolicy(policy).withLoadControl(true), 12);
            Multiprogramming.Result thrashing = run(BASE.withScope(Scope.GLOBAL).withPolicy("clock"), 12);
            assertThat(controlled.suspensions()).as(policy).isPositive();
            assertThat(controlled.cpuUtilisation()).as(policy + " with load control against global clock")
                    .isGreaterThan(2 * thrashing.cpuUtilisation());
        }
    }

    @Test
    void run_isRepeatable() {
        ProcessConfig ws = BASE.withPolicy("ws").withLoadControl(true);
        assertThat(run(ws, 6)).isEqualTo(run(ws, 6));
    }

    @Test
    void suspend_evictsEveryPage_andResumeLoadsThemAgainOnDemand() {
        Kernel kernel = Kernel.boot("qemu-pc-128M", KernelConfig.DEFAULT);
        Processes procs = Processes.install(kernel, BASE.withPolicy("ws").withLoadControl(true), REGISTRY);
        long freeBefore = kernel.allocator().freeFrames();
        Process p = procs.spawn("p", 1, List.of(Region.Spec.data(8)));
        long start = p.regions().get(0).start();
        for (int i = 0; i < 8; i++) {
            procs.write8(p, start + i * 4096L, 10 + i);
        }
        assertThat(procs.framesInUse()).isEqualTo(8);
        procs.suspend(p);
        assertThat(p.state()).isEqualTo(Process.State.SUSPENDED);
        assertThat(procs.framesInUse()).isZero();
        assertThat(procs.residentPages(p)).isEmpty();
        assertThat(p.stats().pageOuts()).as("the 8 dirty pages were written to swap").isEqualTo(8);
        assertThatThrownBy(() -> procs.touch(p, start, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("suspended");
        procs.checkInvariants();
        assertThat(procs.resumeWhenRoom()).isSameAs(p);
        for (int i = 0; i < 8; i++) {
            assertThat(procs.read8(p, start + i * 4096L)).as("page %d after swap-in", i).isEqualTo(10 + i);
        }
        assertThat(p.stats().pageIns()).isEqualTo(8);
        procs.checkInvariants();
        procs.exit(p);
        assertThat(kernel.allocator().freeFrames()).isEqualTo(freeBefore);
        assertThat(procs.swap().used()).isZero();
    }

    @Test
    void loadControl_needsAVariableAllocationPolicyAndLocalScope() {
        Kernel kernel = Kernel.boot("qemu-pc-128M", KernelConfig.DEFAULT);
        assertThatThrownBy(() -> Processes.install(kernel, BASE.withPolicy("clock").withLoadControl(true), REGISTRY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("variable-allocation");
        assertThatThrownBy(() -> BASE.withScope(Scope.GLOBAL).withPolicy("ws").withLoadControl(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local");
    }
}
