package dev.pagelab.web;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Tlb;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.proc.Processes;
import dev.pagelab.scenario.Op;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioRunner;
import dev.pagelab.scenario.StepEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario loaded into the server, with a position among its steps: the page shows the
 * machine as it is after step {@code k}, for any {@code k} from 0 (booted, no step run) to the
 * number of steps the run took.
 *
 * <p>At load the whole scenario runs once, every step traced, and the event log is kept, with a
 * copy of the TLB's entries after each step (a TLB holds at most a few hundred) and the step's
 * kernel events that reach the TLB ({@link #touchesTlb}), taken as records from the kernel's
 * {@linkplain dev.pagelab.event.EventSink#watch event sink}, not read back from the trace's text. The machine
 * itself is kept only at the current position: going forward runs the next steps on it; going
 * back boots the scenario again and runs the steps up to the one asked for. The simulation is
 * deterministic, so every visit to step {@code k} shows the same state, and a machine costs its
 * memory once, not once a step (a 4 GiB machine holds about 1.2 MiB of frame accounting and its
 * allocator's metadata, and only the pages the kernel wrote). Going back costs a boot and the
 * steps before; scenarios are short, and a step caps what one step may do.
 *
 * <p>Thread-safe: every method holds the session's lock, so that two requests never move the
 * machine under each other.
 */
final class ScenarioSession {
    private static final ScenarioRunner.Options OPTIONS = new ScenarioRunner.Options(false, true);

    private final String id;
    private final Scenario scenario;
    private final List<StepEvent> events;
    private final List<List<Tlb.Entry>> tlbAfter;
    private final List<List<KernelEvent>> tlbEvents;
    private final long loadedNanos;
    private ScenarioRunner runner;
    private int position;
    private long reboots;

    /**
     * Boots {@code scenario}'s machine and runs all its steps.
     *
     * @throws dev.pagelab.scenario.ScenarioException when the machine cannot run the scenario's processes
     */
    ScenarioSession(String id, Scenario scenario) {
        this.id = id;
        this.scenario = scenario;
        long start = System.nanoTime();
        this.runner = ScenarioRunner.boot(scenario, OPTIONS);
        this.events = new ArrayList<>();
        this.tlbAfter = new ArrayList<>();
        this.tlbEvents = new ArrayList<>();
        tlbAfter.add(runner.kernel().mmu().tlb().entries());
        List<KernelEvent> step = new ArrayList<>();
        runner.kernel().events().watch(e -> {
            if (touchesTlb(e)) {
                step.add(e);
            }
        });
        try {
            while (runner.hasNextStep()) {
                events.add(runner.nextStep());
                tlbAfter.add(runner.kernel().mmu().tlb().entries());
                tlbEvents.add(List.copyOf(step));
                step.clear();
            }
        } finally {
            runner.kernel().events().watch(null);
        }
        this.position = events.size();
        this.loadedNanos = System.nanoTime() - start;
    }

    String id() {
        return id;
    }

    Scenario scenario() {
        return scenario;
    }

    /** The event log of the whole run, step 1 first. */
    List<StepEvent> events() {
        return List.copyOf(events);
    }

    /** The event of step {@code step}, from 1. */
    StepEvent event(int step) {
        return events.get(step - 1);
    }

    /** What step {@code step} (from 1) did, as the scenario file says it. */
    Op op(int step) {
        return scenario.steps().get(step - 1).op();
    }

    /** The events of step {@code step} (from 1) that reached the TLB, in order ({@link #touchesTlb}). */
    List<KernelEvent> tlbEvents(int step) {
        return tlbEvents.get(step - 1);
    }

    /**
     * Whether {@code event} reaches the TLB: an INVLPG (done or skipped), a CR3 load, a use of the
     * temporary slot (whose load and unload each include an INVLPG), a switch to a process (a CR3
     * load).
     */
    static boolean touchesTlb(KernelEvent event) {
        return event instanceof KernelEvent.Invlpg || event instanceof KernelEvent.Cr3Loaded
                || event instanceof KernelEvent.SlotLoaded || event instanceof KernelEvent.SlotUnloaded
                || event instanceof KernelEvent.ProcessSwitched;
    }

    /** How many steps the run took (fewer than the scenario's when it stopped at a failure). */
    int stepsRun() {
        return events.size();
    }

    /** The step the machine is at now, 0 to {@link #stepsRun()}. */
    synchronized int position() {
        return position;
    }

    /** How many times going back booted the machine again. */
    synchronized long reboots() {
        return reboots;
    }

    /** How long the first run took, in nanoseconds. */
    long loadedNanos() {
        return loadedNanos;
    }

    /** The TLB's entries after step {@code step} (0: after the boot). */
    List<Tlb.Entry> tlbAfter(int step) {
        checkStep(step);
        return tlbAfter.get(step);
    }

    /**
     * Runs {@code view} on the machine as it is after step {@code step} (null: where it is now),
     * moving it there first.
     *
     * @throws ApiException 400 when {@code step} is outside 0 to {@link #stepsRun()}
     */
    synchronized <T> T at(Integer step, View<T> view) {
        if (step != null) {
            moveTo(step);
        }
        return view.look(runner.kernel(), runner.processes(), position);
    }

    /** A look at the machine. */
    @FunctionalInterface
    interface View<T> {
        T look(Kernel kernel, Processes processes, int step);
    }

    private void moveTo(int step) {
        checkStep(step);
        if (step < position) {
            runner = ScenarioRunner.boot(scenario, OPTIONS);
            position = 0;
            reboots++;
        }
        while (position < step) {
            runner.nextStep();
            position++;
        }
    }

    private void checkStep(int step) {
        if (step < 0 || step > events.size()) {
            throw ApiException.badRequest("step " + step + " is not in this run: expected 0 (booted) to "
                    + events.size() + (events.size() < scenario.steps().size()
                    ? " (the run stopped at a failed step, " + events.size() + " of " + scenario.steps().size() + ")"
                    : ""));
        }
    }
}
