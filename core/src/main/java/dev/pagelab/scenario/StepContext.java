package dev.pagelab.scenario;

import dev.pagelab.heap.HeapStats;
import dev.pagelab.hw.Mmu;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.AddressSpaces;
import dev.pagelab.proc.Process;
import dev.pagelab.proc.Processes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step's runner works with: the kernel, the names earlier steps bound, and the runner's
 * ways of looking without doing. Every look here is an observer: the TLB and the MMU's counters
 * stay as the steps left them.
 */
final class StepContext {
    private final Kernel kernel;
    private final Map<String, Long> names = new HashMap<>();
    /** Temporary-slot loads of the start-up, so that reports count the steps' only, as the MMU's reset counters do. */
    private final long slotLoadsAtStart;
    /** Whether a step has used the heap: until then reports leave it out (it does not exist in a C kernel either). */
    private boolean heapUsed;
    /** The process subsystem, or null when the scenario has no {@code processes:} block. */
    private final Processes processes;
    /** The processes the steps spawned, by name. */
    private final Map<String, Process> byName = new HashMap<>();
    /** The step running now, for what a step records about itself: {@code step 5 (line 12)}. */
    private String stepName = "before the first step";
    /** The writes into the link bytes of free frames so far, by frame: which step, at which address. */
    private final Map<Long, String> linkWrites = new LinkedHashMap<>();

    StepContext(Kernel kernel, Processes processes) {
        this.kernel = kernel;
        this.processes = processes;
        this.slotLoadsAtStart = kernel.space().temporarySlotMappings();
    }

    Kernel kernel() {
        return kernel;
    }

    Mmu mmu() {
        return kernel.mmu();
    }

    AddressSpace space() {
        return kernel.space();
    }

    /**
     * The number {@code value} stands for now.
     *
     * @throws Value.UnboundNameException when it names a step that did not succeed
     */
    long resolve(Value value) {
        return value.resolve(names);
    }

    /** The number {@code value} stands for now, or -1 when its name has no value. */
    long resolveOrMinusOne(Value value) {
        try {
            return resolve(value);
        } catch (Value.UnboundNameException unbound) {
            return -1;
        }
    }

    /** Binds {@code name} to {@code value}, for the steps after. */
    void bind(String name, long value) {
        names.put(name, value);
    }

    /** From now on reports show the heap. */
    void useHeap() {
        heapUsed = true;
    }

    boolean heapUsed() {
        return heapUsed;
    }

    /** The heap's statistics, read as an observer (they walk the free list), or null before a step used the heap. */
    HeapStats heapStats() {
        return heapUsed ? mmu().observe(() -> kernel.heap().stats()) : null;
    }

    /**
     * Where {@code vaddr} translates for a supervisor read, as the MMU's walk finds it without
     * touching anything (no TLB, no A bit, no count, no temporary slot): the kernel's
     * getFrameAddr would use the slot, and show up in the step's trace.
     */
    long observedPaddr(long vaddr) {
        return mmu().probe(vaddr, false, 0).paddr();
    }

    /**
     * The kernel's invariant checks, and the processes' (pools against page tables, frames and
     * swap), as an observer: they read the page-range bitmaps and the processes' tables through
     * the MMU. Reaching a directory that is not loaded, the recursive strategy points the loaded
     * directory's alternate entry, PDE 1022, at it; {@link AddressSpaces#observe} points it back,
     * so that a check, or {@code --check}, changes nothing a later step sees.
     */
    void checkInvariants() {
        kernel.spaces().observe(() -> {
            kernel.checkInvariants();
            if (processes != null) {
                processes.checkInvariants();
            }
            return null;
        });
    }

    /** The process subsystem (the reader let no process step through without a {@code processes:} block). */
    Processes processes() {
        if (processes == null) {
            throw new IllegalStateException("this scenario has no processes: block");
        }
        return processes;
    }

    /** The process subsystem, or null. */
    Processes processesOrNull() {
        return processes;
    }

    /**
     * The process a step spawned as {@code name}.
     *
     * @throws IllegalStateException when its spawn failed (the reader checked that a step spawns it)
     */
    Process process(String name) {
        Process p = byName.get(name);
        if (p == null) {
            throw new IllegalStateException("process '" + name + "' does not exist: the step that spawns it failed");
        }
        return p;
    }

    /** Records that a step spawned {@code p} as {@code name}. */
    void spawned(String name, Process p) {
        byName.put(name, p);
    }

    /** The process running now (its directory in CR3), or null: none, or no {@code processes:} block. */
    Process runningProcess() {
        return processes == null ? null : processes.current();
    }

    /** The runner starts step {@code number}, which begins at {@code line} of the file. */
    void stepStarting(int number, int line) {
        stepName = "step " + number + " (line " + line + ")";
    }

    /** The step running now: {@code step 5 (line 12)}. */
    String stepName() {
        return stepName;
    }

    /** The step running now wrote into the link of free frame {@code pfn}: {@code what} says where. */
    void linkWritten(long pfn, String what) {
        linkWrites.put(pfn, stepName + " " + what);
    }

    /**
     * What the steps wrote into free frames' links, for the message of a corrupt allocator: the
     * write into frame {@code pfn}, or every one when {@code pfn} is -1 or none went there; empty
     * when no step did.
     */
    String linkWritesInto(long pfn) {
        String one = linkWrites.get(pfn);
        if (one != null) {
            return one;
        }
        return String.join("; ", linkWrites.values());
    }

    /** Temporary-slot loads since the start-up. */
    long slotLoads() {
        return space().temporarySlotMappings() - slotLoadsAtStart;
    }
}
