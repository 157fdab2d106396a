package dev.pagelab.scenario;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.event.KernelEventListener;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.pmm.FrameAllocatorCorruptedException;
import dev.pagelab.pmm.FrameAllocatorException;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.ProcessException;
import dev.pagelab.proc.Processes;
import dev.pagelab.replace.PolicyRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link Scenario} on a kernel, one step after the other, and keeps an event log.
 *
 * <ol>
 *   <li>Boot the scenario's machine and start the kernel with its configuration, and install the
 *       process subsystem of its {@code processes:} block, if any; reset the MMU's
 *       counters and take the count of temporary-slot loads as the start, so that reports count
 *       the steps only.</li>
 *   <li>For each step: listen to the kernel's {@linkplain dev.pagelab.event.KernelEvent events},
 *       make the one call the step asks for (its kind in the {@link StepCatalog} says how), and
 *       log the result with what changed, which a {@link ChangeRecorder} works out from the
 *       events at the cost of the change: frames whose owner changed, pages mapped, unmapped or
 *       remapped, page tables made and freed, heap blocks handed out and given back. A step
 *       that traces also keeps the text of every event but the frame and heap-block ones, which
 *       the change line sums up: each entry the kernel writes, each INVLPG, each use of the
 *       temporary slot, each step of the heap.</li>
 *   <li>A failed call is one of the kernel's documented results (NULL, FAILED, NO_FRAME,
 *       NotMapped, ...) or an exception for misuse or a page fault; either way the kernel has
 *       changed nothing, and with {@link Options#check()} the runner verifies it, as well as
 *       every invariant (the processes' too), after every step. (Not with an allocator that
 *       cannot free, the bump allocator: the frames a failed kmmap took stay allocated, and its
 *       page tables stay. Nor for a process the kernel killed: everything it held went back.)</li>
 *   <li>The result is compared with the step's {@code expect:}; a name given by {@code as:} is
 *       bound to the result when the call succeeded.</li>
 *   <li>A step that fails unexpectedly stops the run under {@link OnError#STOP}; a broken
 *       invariant always does.</li>
 * </ol>
 * Looking is not doing: the runner's own reads of kernel memory (invariant checks, the
 * pages-bitmap of a snapshot) run as {@linkplain Mmu#observe observers}, leaving the TLB, the A
 * and D flags and the MMU's counters as the steps left them; the checks, which reach every
 * process's directory, also leave the recursive strategy's alternate entry where it was
 * ({@link dev.pagelab.paging.AddressSpaces#observe}). A run with {@code --check} reports every
 * step as a run without.
 *
 * <p>A step acts as kernel code and may make a kernel's mistakes: a write into a free frame is
 * warned about ({@link FreeFrameWrites}), and the allocation that trips on a link it broke fails
 * as {@link Failure.Kind#CORRUPTED}, naming that write; a structure found broken in the middle of
 * a call (an {@link AssertionError}) fails the step as {@link Failure.Kind#INVARIANT}. Either,
 * unexpected, stops the run. Not thread-safe; one runner a run.
 */
public final class ScenarioRunner {
    /**
     * How to run.
     *
     * @param check    run the kernel's invariant checks after every step, and check that a failed step changed nothing
     * @param traceAll trace every step, as if each had {@code trace: true}
     */
    public record Options(boolean check, boolean traceAll) {
        /** No checks, no extra tracing. */
        public static final Options DEFAULT = new Options(false, false);
    }

    private final Scenario scenario;
    private final Options options;
    private final Kernel kernel;
    private final Mmu mmu;
    private final StepContext context;
    private final ChangeRecorder recorder;
    private int stepsRun;
    private boolean stopped;

    private ScenarioRunner(Scenario scenario, Options options, Kernel kernel, Processes processes) {
        this.scenario = scenario;
        this.options = options;
        this.kernel = kernel;
        this.mmu = kernel.mmu();
        this.context = new StepContext(kernel, processes);
        this.recorder = new ChangeRecorder(mmu, kernel.space().directoryPfn());
    }

    /**
     * Boots the scenario's machine and starts its kernel, with the process subsystem of its
     * {@code processes:} block installed, ready to {@link #run(Consumer)} the steps.
     *
     * @throws ScenarioException at the {@code processes:} block when the machine has fewer free
     *                           frames than it asks for
     */
    public static ScenarioRunner boot(Scenario scenario, Options options) {
        Kernel kernel = scenario.machine().boot(scenario.config());
        Processes processes = null;
        ProcessSetup setup = scenario.processes();
        if (setup != null) {
            try {
                processes = Processes.install(kernel, setup.config(), PolicyRegistry.builtIn());
            } catch (IllegalArgumentException e) {
                throw new ScenarioException(scenario.source(), setup.line(), setup.column(), "processes: "
                        + e.getMessage() + " (" + scenario.machine() + ", " + kernel.allocator().name() + " allocator)");
            }
        }
        kernel.mmu().resetStats();
        return new ScenarioRunner(scenario, options, kernel, processes);
    }

    /** The process subsystem the steps run processes with, or null when the scenario has no {@code processes:}. */
    public Processes processes() {
        return context.processesOrNull();
    }

    /** Boots and runs with the default options. */
    public static RunResult run(Scenario scenario) {
        return boot(scenario, Options.DEFAULT).run(event -> { });
    }

    /** The kernel the steps run on: its start-up log, for a header. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * Runs the steps, giving {@code listener} each event as it happens; stops after a step that
     * fails unexpectedly when the scenario says {@code on-error: stop}, or breaks an invariant.
     * It goes on from the steps already run by {@link #nextStep()}.
     */
    public RunResult run(Consumer<StepEvent> listener) {
        List<StepEvent> events = new ArrayList<>();
        while (hasNextStep()) {
            StepEvent event = nextStep();
            events.add(event);
            listener.accept(event);
        }
        return new RunResult(scenario, kernel, events, report(events, scenario.steps().size() - events.size()));
    }

    /**
     * Whether {@link #nextStep()} has a step to run: there is one left, and the last one run did
     * not stop the run (it failed unexpectedly under {@code on-error: stop}, or broke an invariant).
     */
    public boolean hasNextStep() {
        return !stopped && stepsRun < scenario.steps().size();
    }

    /**
     * Runs the next step, for a caller that goes one step at a time (the web page); {@link #run}
     * is this in a loop. Mixing the two is allowed: {@code run} goes on from here.
     *
     * @throws IllegalStateException when {@link #hasNextStep()} is false
     */
    public StepEvent nextStep() {
        if (!hasNextStep()) {
            throw new IllegalStateException("nextStep: the run is over after " + stepsRun + " of "
                    + scenario.steps().size() + " steps" + (stopped ? " (it stopped at a failed step)" : ""));
        }
        StepEvent event = execute(scenario.steps().get(stepsRun));
        stepsRun++;
        boolean broken = event.failure() != null && (event.failure().kind() == Failure.Kind.INVARIANT
                || event.failure().kind() == Failure.Kind.CORRUPTED);
        if (event.outcome() == StepEvent.Outcome.FAILED && (scenario.onError() == OnError.STOP || broken)) {
            stopped = true;
        }
        return event;
    }

    /** How many steps have run. */
    public int stepsRun() {
        return stepsRun;
    }

    // ---------------------------------------------------------------- one step

    private StepEvent execute(Step step) {
        StepKind<?> kind = StepCatalog.of(step.op());
        if (kind.usesHeap()) {
            context.useHeap();
        }
        List<String> trace = new ArrayList<>();
        boolean tracing = step.trace() || scenario.trace() || options.traceAll();
        recorder.start();
        KernelEventListener previous = kernel.events().listen(e -> {
            recorder.on(e);
            if (tracing && !summedUp(e)) {
                trace.add(e.text());
            }
        });
        MmuStats.Snapshot mmuBefore = mmu.stats().snapshot();
        StepResult r = new StepResult();
        context.stepStarting(step.number(), step.line());
        try {
            kind.run(step.op(), context, r);
        } catch (PageFaultException e) {
            PageFault f = e.fault();
            r.put(Field.FAULT, (long) f.errorCode());
            r.fail(Failure.Kind.PAGE_FAULT, f.toString());
        } catch (Value.UnboundNameException e) {
            r.fail(Failure.Kind.NO_VALUE, e.getMessage());
        } catch (ProcessException e) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | FrameAllocatorException e) {
            r.fail(Failure.Kind.MISUSE, e.getMessage());
        } catch (FrameAllocatorCorruptedException e) {
            String writes = context.linkWritesInto(e.pfn());
            r.fail(Failure.Kind.CORRUPTED, e.getMessage() + (writes.isEmpty() ? ""
                    : ". The write into a free frame's link: " + writes));
        } catch (AssertionError e) {
            // A structure found broken half way through the call: the run cannot trust the kernel any more.
            r.fail(Failure.Kind.INVARIANT, "the kernel found itself broken during the step: " + e.getMessage());
        } finally {
            kernel.events().listen(previous);
        }
        Changes changes = recorder.changes();
        if (options.check()) {
            try {
                context.checkInvariants();
                // An allocator that cannot free (bump) keeps what a failed call took and gave back: a leak, not a
                // half-applied step. A corrupt allocator stops its caller wherever it was.
                if (r.failure() != null && r.failure().kind() != Failure.Kind.KILLED
                        && r.failure().kind() != Failure.Kind.CORRUPTED && !changes.unchanged()
                        && kernel.allocator().canFree()) {
                    throw new AssertionError("the step failed (" + r.failure() + ") and yet changed: " + changes.summary());
                }
            } catch (AssertionError e) {
                r.fail(Failure.Kind.INVARIANT, e.getMessage());
            }
        }
        r.put(Field.FAILS, r.failure() == null ? (Object) false : r.failure().kind().key());
        r.put(Field.FRAMES_TAKEN, changes.framesTaken());
        r.put(Field.FRAMES_FREED, changes.framesFreed());
        r.put(Field.FREE_FRAMES, kernel.allocator().freeFrames());
        r.put(Field.PAGES_MAPPED, changes.pagesMapped());
        r.put(Field.PAGES_UNMAPPED, changes.pagesUnmapped());
        r.put(Field.TABLES_MADE, changes.tablesMade());
        r.put(Field.TABLES_FREED, changes.tablesFreed());
        r.put(Field.HEAP_BLOCKS, context.heapUsed() ? kernel.heap().liveBlocks() : 0L);
        r.put(Field.HEAP_FRAMES, context.heapUsed() ? kernel.heap().framesHeld() : 0L);

        boolean failed = r.failure() != null;
        List<String> mismatches = failed && !step.expectsFailure() ? List.of()
                : Expectations.mismatches(step, r.fields(), context);
        StepEvent.Outcome outcome;
        if (failed && r.failure().kind() == Failure.Kind.INVARIANT || !mismatches.isEmpty()) {
            outcome = StepEvent.Outcome.FAILED;
        } else if (failed) {
            outcome = step.expectsFailure() ? StepEvent.Outcome.EXPECTED_FAILURE : StepEvent.Outcome.FAILED;
        } else {
            outcome = StepEvent.Outcome.OK;
        }
        if (step.as() != null && !failed && r.fields().get(Field.VALUE.key()) instanceof Long value) {
            context.bind(step.as(), value);
        }
        return new StepEvent(step.number(), step.line(), step.text(), outcome, r.failure(), r.text(), r.fields(),
                changes, mmu.stats().snapshot().minus(mmuBefore), trace, r.details(), mismatches, step.note());
    }

    /** Events the change line sums up, left out of a step's trace: frames and heap blocks. */
    private static boolean summedUp(KernelEvent e) {
        return e instanceof KernelEvent.FrameTaken || e instanceof KernelEvent.FrameFreed
                || e instanceof KernelEvent.FrameOwnerChanged || e instanceof KernelEvent.HeapBlockAllocated
                || e instanceof KernelEvent.HeapBlockFreed;
    }

    private RunReport report(List<StepEvent> events, int notRun) {
        int[] counts = new int[StepEvent.Outcome.values().length];
        for (StepEvent e : events) {
            counts[e.outcome().ordinal()]++;
        }
        Map<FrameOwner, Long> held = new EnumMap<>(FrameOwner.class);
        kernel.accounting().counts().forEach((owner, frames) -> {
            if (frames > 0 && owner != FrameOwner.NOT_IN_MAP) {
                held.put(owner, frames);
            }
        });
        return new RunReport(held, kernel.allocator().name(), kernel.allocator().freeFrames(),
                kernel.allocator().totalFrames(), context.heapUsed() ? HeapFigures.of(context.heapStats()) : null,
                mmu.stats().snapshot(), mmu.tlb().config(), mmu.tlb().size(), context.slotLoads(),
                counts[StepEvent.Outcome.OK.ordinal()], counts[StepEvent.Outcome.EXPECTED_FAILURE.ordinal()],
                counts[StepEvent.Outcome.FAILED.ordinal()], notRun,
                context.processesOrNull() == null ? null : ProcessReport.of(context.processesOrNull()));
    }
}
