package dev.pagelab.scenario;

import dev.pagelab.heap.HeapStats;
import dev.pagelab.hw.Mmu;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.AddressSpace;
import java.util.HashMap;
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

    StepContext(Kernel kernel) {
        this.kernel = kernel;
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

    /** The kernel's invariant checks, as an observer: they read the page-range bitmaps through the MMU. */
    void checkInvariants() {
        mmu().observe(() -> {
            kernel.checkInvariants();
            return null;
        });
    }

    /** Temporary-slot loads since the start-up. */
    long slotLoads() {
        return space().temporarySlotMappings() - slotLoadsAtStart;
    }
}
