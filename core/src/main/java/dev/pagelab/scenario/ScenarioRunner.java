package dev.pagelab.scenario;

import dev.pagelab.boot.Printable;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.event.KernelEventListener;
import dev.pagelab.heap.HeapStats;
import dev.pagelab.heap.KernelHeap;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.Tlb;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.FlagsResult;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorException;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.vmm.KernelMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link Scenario} on a kernel, one step after the other, and keeps an event log.
 *
 * <ol>
 *   <li>Boot the scenario's machine and start the kernel with its configuration; reset the MMU's
 *       counters and take the count of temporary-slot loads as the start, so that reports count
 *       the steps only.</li>
 *   <li>For each step: look at the kernel (owner of every frame, every mapped page read from the
 *       tables in RAM, page-table counters, heap blocks), make the one call the step asks for,
 *       look again, and log the difference with the result. A step that traces records every
 *       entry the kernel writes and every use of the temporary slot.</li>
 *   <li>A failed call is one of the kernel's documented results (NULL, FAILED, NO_FRAME,
 *       NotMapped, ...) or an exception for misuse or a page fault; either way the kernel has
 *       changed nothing, and with {@link Options#check()} the runner verifies it, as well as
 *       every invariant, after every step. (Not with an allocator that cannot free, the bump
 *       allocator: the frames a failed kmmap took stay allocated, and its page tables stay.)</li>
 *   <li>The result is compared with the step's {@code expect:}; a name given by {@code as:} is
 *       bound to the result when the call succeeded.</li>
 *   <li>A step that fails unexpectedly stops the run under {@link OnError#STOP}; a broken
 *       invariant always does.</li>
 * </ol>
 * Looking is not doing: the runner's own reads of kernel memory (invariant checks, the
 * pages-bitmap of a snapshot) run as {@linkplain Mmu#observe observers}, leaving the TLB and the
 * MMU's counters as the steps left them. Not thread-safe; one runner a run.
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
    private final AddressSpace space;
    private final Map<String, Long> names = new HashMap<>();
    private final ChangeRecorder recorder;
    /** Temporary-slot loads of the start-up, so that reports count the steps' only, as the MMU's reset counters do. */
    private final long slotLoadsAtStart;
    /** Whether a step has used the heap: until then reports leave it out (it does not exist in a C kernel either). */
    private boolean heapUsed;

    private ScenarioRunner(Scenario scenario, Options options, Kernel kernel) {
        this.scenario = scenario;
        this.options = options;
        this.kernel = kernel;
        this.mmu = kernel.mmu();
        this.space = kernel.space();
        this.slotLoadsAtStart = space.temporarySlotMappings();
        this.recorder = new ChangeRecorder(mmu);
    }

    /** Boots the scenario's machine and starts its kernel, ready to {@link #run(Consumer)} the steps. */
    public static ScenarioRunner boot(Scenario scenario, Options options) {
        Kernel kernel = scenario.machine().boot(scenario.config());
        kernel.mmu().resetStats();
        return new ScenarioRunner(scenario, options, kernel);
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
     * Call it once.
     */
    public RunResult run(Consumer<StepEvent> listener) {
        List<StepEvent> events = new ArrayList<>();
        for (Step step : scenario.steps()) {
            StepEvent event = execute(step);
            events.add(event);
            listener.accept(event);
            boolean broken = event.failure() != null && event.failure().kind() == Failure.Kind.INVARIANT;
            if (event.outcome() == StepEvent.Outcome.FAILED && (scenario.onError() == OnError.STOP || broken)) {
                break;
            }
        }
        return new RunResult(scenario, kernel, events, report(events, scenario.steps().size() - events.size()));
    }

    // ---------------------------------------------------------------- one step

    /** The result of a step as it is worked out. */
    private static final class Result {
        final Map<String, Object> fields = new LinkedHashMap<>();
        final List<String> details = new ArrayList<>();
        String text = "";
        Failure failure;

        void value(long value, String text) {
            fields.put(Field.VALUE.key(), value);
            this.text = text;
        }

        /** The physical address, and its frame. */
        void paddr(long paddr) {
            put(Field.PADDR, paddr);
            put(Field.FRAME, Addresses.paddrToPfn(paddr));
        }

        void put(Field field, Object value) {
            fields.put(field.key(), value);
        }

        void fail(Failure.Kind kind, String message) {
            failure = new Failure(kind, message);
            text = kind.key() + ": " + message;
        }
    }

    private StepEvent execute(Step step) {
        heapUsed |= step.op() instanceof Op.HeapAllocation || step.op() instanceof Op.Kfree;
        List<String> trace = new ArrayList<>();
        boolean tracing = step.trace() || scenario.trace() || options.traceAll();
        recorder.start();
        KernelEventListener previous = kernel.events().listen(e -> {
            recorder.on(e);
            // The change line sums up the frames and heap blocks; the trace shows what the kernel wrote and did.
            if (tracing && !(e instanceof KernelEvent.FrameTaken || e instanceof KernelEvent.FrameFreed
                    || e instanceof KernelEvent.FrameOwnerChanged || e instanceof KernelEvent.HeapBlockAllocated
                    || e instanceof KernelEvent.HeapBlockFreed)) {
                trace.add(e.text());
            }
        });
        MmuStats.Snapshot mmuBefore = mmu.stats().snapshot();
        Result r = new Result();
        try {
            perform(step.op(), r);
        } catch (PageFaultException e) {
            PageFault f = e.fault();
            r.put(Field.FAULT, (long) f.errorCode());
            r.fail(Failure.Kind.PAGE_FAULT, f.toString());
        } catch (Value.UnboundNameException e) {
            r.fail(Failure.Kind.NO_VALUE, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | FrameAllocatorException e) {
            r.fail(Failure.Kind.MISUSE, e.getMessage());
        } finally {
            kernel.events().listen(previous);
        }
        Changes changes = recorder.changes();
        if (options.check()) {
            try {
                checkInvariants();
                // An allocator that cannot free (bump) keeps what a failed call took and gave back: a leak, not a half-applied step.
                if (r.failure != null && !changes.unchanged() && kernel.allocator().canFree()) {
                    throw new AssertionError("the step failed (" + r.failure + ") and yet changed: " + changes.summary());
                }
            } catch (AssertionError e) {
                r.fail(Failure.Kind.INVARIANT, e.getMessage());
            }
        }
        r.put(Field.FAILS, r.failure == null ? (Object) false : r.failure.kind().key());
        r.put(Field.FRAMES_TAKEN, changes.framesTaken());
        r.put(Field.FRAMES_FREED, changes.framesFreed());
        r.put(Field.FREE_FRAMES, kernel.allocator().freeFrames());
        r.put(Field.PAGES_MAPPED, changes.pagesMapped());
        r.put(Field.PAGES_UNMAPPED, changes.pagesUnmapped());
        r.put(Field.TABLES_MADE, changes.tablesMade());
        r.put(Field.TABLES_FREED, changes.tablesFreed());
        r.put(Field.HEAP_BLOCKS, heapUsed ? kernel.heap().liveBlocks() : 0L);
        r.put(Field.HEAP_FRAMES, heapUsed ? kernel.heap().framesHeld() : 0L);

        boolean failed = r.failure != null;
        List<String> mismatches = failed && !step.expectsFailure() ? List.of() : mismatches(step, r.fields);
        StepEvent.Outcome outcome;
        if (failed && r.failure.kind() == Failure.Kind.INVARIANT || !mismatches.isEmpty()) {
            outcome = StepEvent.Outcome.FAILED;
        } else if (failed) {
            outcome = step.expectsFailure() ? StepEvent.Outcome.EXPECTED_FAILURE : StepEvent.Outcome.FAILED;
        } else {
            outcome = StepEvent.Outcome.OK;
        }
        if (step.as() != null && !failed && r.fields.get(Field.VALUE.key()) instanceof Long value) {
            names.put(step.as(), value);
        }
        return new StepEvent(step.number(), step.line(), step.text(), outcome, r.failure, r.text, r.fields, changes,
                mmu.stats().snapshot().minus(mmuBefore), trace, r.details, mismatches, step.note());
    }

    private void perform(Op op, Result r) {
        switch (op) {
            case Op.HeapAllocation h -> heapAllocation(h, r);
            case Op.Kfree k -> {
                long vaddr = resolve(k.vaddr());
                kernel.heap().kfree(vaddr);
                r.text = vaddr == KernelHeap.NULL ? "kfree(NULL) does nothing" : "freed";
            }
            case Op.Kmmap k -> kmmap(resolve(k.bytes()), r);
            case Op.Kunmap k -> {
                long pages = kernel.vm().kunmap(resolve(k.vaddr()));
                r.value(pages, pages + (pages == 1 ? " page" : " pages") + " unmapped and their frames freed");
            }
            case Op.AllocFrame a -> {
                long pfn = kernel.frames().allocate(a.owner());
                if (pfn == FrameAllocator.NO_FRAME) {
                    r.fail(Failure.Kind.OUT_OF_MEMORY, "allocFrame returned NO_FRAME: the allocator has no free frame");
                    return;
                }
                r.value(pfn, "frame " + Addresses.hex(pfn) + " (paddr " + Addresses.hex(Addresses.pfnToPaddr(pfn)) + ")");
                r.paddr(Addresses.pfnToPaddr(pfn));
            }
            case Op.FreeFrame f -> {
                long pfn = resolve(f.frame());
                boolean back = kernel.freeFrame(pfn);
                r.text = "frame " + Addresses.hex(pfn) + (back ? " is free again"
                        : " stays allocated: the " + kernel.allocator().name() + " allocator cannot free");
            }
            case Op.MapPage m -> mapPage(m, r);
            case Op.UnmapPage u -> {
                UnmapResult result = space.unmapPage(resolve(u.vaddr()));
                if (result instanceof UnmapResult.Unmapped unmapped) {
                    r.value(unmapped.pfn(), result + "; the frame is still allocated");
                } else {
                    r.fail(Failure.Kind.NOT_MAPPED, result.toString());
                }
            }
            case Op.UpdateFlags u -> {
                FlagsResult result = space.updateFlags(resolve(u.vaddr()), flags(u.writable(), u.user()));
                if (result instanceof FlagsResult.Updated) {
                    r.text = result.toString();
                } else {
                    r.fail(Failure.Kind.NOT_MAPPED, result.toString());
                }
            }
            case Op.GetFrameAddr g -> {
                long vaddr = resolve(g.vaddr());
                long paddr = space.getFrameAddr(vaddr);
                if (paddr == AddressSpace.NOT_MAPPED) {
                    r.fail(Failure.Kind.NOT_MAPPED, "getFrameAddr(" + Addresses.hex(vaddr) + ") = NOT_MAPPED (-1)");
                    return;
                }
                r.value(paddr, Addresses.hex(paddr));
                r.paddr(paddr);
            }
            case Op.Read read -> read(read, r);
            case Op.Write write -> write(write, r);
            case Op.Explain e -> explain(resolve(e.vaddr()), r);
            case Op.Invlpg i -> invlpg(resolve(i.vaddr()), r);
            case Op.SkipInvlpg s -> {
                space.setSkipInvlpg(s.skip());
                r.text = s.skip() ? "mapPage, unmapPage and updateFlags now skip their INVLPG (the bug, on purpose)"
                        : "mapPage, unmapPage and updateFlags INVLPG again";
            }
            case Op.Snapshot s -> snapshot(s, r);
            case Op.Check c -> {
                try {
                    checkInvariants();
                    r.text = "every invariant holds";
                } catch (AssertionError e) {
                    r.fail(Failure.Kind.INVARIANT, e.getMessage());
                }
            }
        }
    }

    private void heapAllocation(Op.HeapAllocation op, Result r) {
        KernelHeap heap = kernel.heap();
        long vaddr;
        long bytes;
        String call;
        switch (op) {
            case Op.Kmalloc k -> {
                bytes = resolve(k.bytes());
                vaddr = heap.kmalloc(bytes);
                call = "kmalloc(" + bytes + ")";
            }
            case Op.Kcalloc k -> {
                long count = resolve(k.count());
                long size = resolve(k.size());
                bytes = count * size;
                vaddr = heap.kcalloc(count, size);
                call = "kcalloc(" + count + ", " + size + ")";
            }
            case Op.Krealloc k -> {
                long old = resolve(k.vaddr());
                bytes = resolve(k.bytes());
                vaddr = heap.krealloc(old, bytes);
                call = "krealloc(" + Addresses.hex(old) + ", " + bytes + ")";
                if (bytes == 0 && old != KernelHeap.NULL) {
                    r.text = call + " freed the block and returned NULL";
                    return;
                }
            }
            case Op.KmallocAligned k -> {
                bytes = resolve(k.bytes());
                long alignment = resolve(k.alignment());
                vaddr = heap.kmallocAligned(bytes, alignment);
                call = "kmallocAligned(" + bytes + ", " + alignment + ")";
            }
        }
        if (vaddr == KernelHeap.NULL && bytes == 0) {
            r.text = call + " returned NULL: there is nothing to allocate (C allows it)";
        } else if (vaddr == KernelHeap.NULL) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, call + " returned NULL");
        } else {
            long paddr = observedPaddr(vaddr);
            r.value(vaddr, Addresses.hex(vaddr) + " (paddr " + Addresses.hex(paddr) + ")");
            r.paddr(paddr);
        }
    }

    private void kmmap(long bytes, Result r) {
        long vaddr = kernel.vm().kmmap(bytes);
        if (vaddr == KernelMemory.FAILED) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, "kmmap(" + bytes + ") returned FAILED: " + kernel.vm().lastFailure());
            return;
        }
        long pages = (bytes + Addresses.PAGE_BYTES - 1) >>> Addresses.PAGE_SHIFT;
        long paddr = observedPaddr(vaddr);
        r.value(vaddr, Addresses.hex(vaddr) + " (" + pages + (pages == 1 ? " page" : " pages") + ", the first in frame "
                + Addresses.hex(Addresses.paddrToPfn(paddr)) + ")");
        r.paddr(paddr);
    }

    private void mapPage(Op.MapPage m, Result r) {
        long pfn = resolve(m.frame());
        MapResult result = space.mapPage(resolve(m.vaddr()), pfn, flags(m.writable(), m.user()));
        switch (result) {
            case MapResult.Mapped mapped -> {
                r.text = mapped.toString();
                r.paddr(Addresses.pfnToPaddr(pfn));
            }
            case MapResult.AlreadyMapped already -> r.fail(Failure.Kind.ALREADY_MAPPED, already.toString());
            case MapResult.OutOfFrames none -> r.fail(Failure.Kind.OUT_OF_MEMORY, none.toString());
        }
    }

    private static int flags(boolean writable, boolean user) {
        return (writable ? Pte.WRITABLE : 0) | (user ? Pte.USER : 0);
    }

    // ---------------------------------------------------------------- the CPU's accesses

    private void read(Op.Read read, Result r) {
        long vaddr = resolve(read.vaddr());
        int cpl = read.user() ? 3 : 0;
        WalkExplanation before = mmu.explain(vaddr);
        MmuStats.Snapshot stats = mmu.stats().snapshot();
        mmu.setCpl(cpl);
        try {
            if (read.length() > 0) {
                byte[] bytes = new byte[read.length()];
                mmu.readBytes(vaddr, bytes, 0, bytes.length);
                String text = new String(bytes, StandardCharsets.UTF_8);
                r.put(Field.STRING, text);
                r.text = "\"" + printable(text) + "\"";
            } else {
                long value = switch (read.size()) {
                    case 1 -> mmu.read8(vaddr);
                    case 2 -> mmu.read16(vaddr) & 0xFFFFL;
                    default -> mmu.read32(vaddr) & 0xFFFF_FFFFL;
                };
                r.value(value, Addresses.hex(value) + ascii(value, read.size()));
            }
        } finally {
            mmu.setCpl(0);
        }
        access(vaddr, false, cpl, before, stats, r);
    }

    private void write(Op.Write write, Result r) {
        long vaddr = resolve(write.vaddr());
        int cpl = write.user() ? 3 : 0;
        long value = write.value() == null ? 0 : resolve(write.value());
        WalkExplanation before = mmu.explain(vaddr);
        MmuStats.Snapshot stats = mmu.stats().snapshot();
        mmu.setCpl(cpl);
        try {
            if (write.string() != null) {
                byte[] bytes = write.string().getBytes(StandardCharsets.UTF_8);
                mmu.writeBytes(vaddr, bytes, 0, bytes.length);
                r.text = "wrote " + bytes.length + " bytes \"" + printable(write.string()) + "\"";
            } else {
                switch (write.size()) {
                    case 1 -> mmu.write8(vaddr, (int) value);
                    case 2 -> mmu.write16(vaddr, (int) value);
                    default -> mmu.write32(vaddr, (int) value);
                }
                r.text = "wrote " + Addresses.hex(value & 0xFFFF_FFFFL);
            }
        } finally {
            mmu.setCpl(0);
        }
        access(vaddr, true, cpl, before, stats, r);
    }

    /**
     * Adds where an access went and what the MMU did for it: the physical address the TLB (or,
     * without one, the walk) used, the TLB's part, the A and D flags it set, and whether the
     * TLB's translation disagrees with the tables (a stale entry).
     */
    private void access(long vaddr, boolean write, int cpl, WalkExplanation before, MmuStats.Snapshot stats,
                        Result r) {
        MmuStats.Snapshot delta = mmu.stats().snapshot().minus(stats);
        String tlb = delta.tlbHits() > 0 ? "hit" : delta.tlbRewalks() > 0 ? "rewalk" : delta.tlbMisses() > 0 ? "miss"
                : delta.walks() > 0 ? "walk" : "none";
        long cached = cachedPaddr(vaddr);
        Mmu.Outcome walk = mmu.probe(vaddr, write, cpl);
        long paddr = cached >= 0 ? cached : walk.paddr();
        r.paddr(paddr);
        r.put(Field.TLB, tlb);
        List<String> set = flagsSet(before, mmu.explain(vaddr));
        r.text += " at paddr " + Addresses.hex(paddr) + (cpl == 3 ? " (CPL 3)" : "") + "; TLB " + tlb
                + (set.isEmpty() ? "" : "; " + String.join(", ", set));
        if (cached >= 0 && walk.translates() && walk.paddr() != cached) {
            r.text += "; STALE: the TLB still says " + Addresses.hex(cached) + ", the page tables say "
                    + Addresses.hex(walk.paddr());
        }
    }

    /**
     * Where {@code vaddr} translates for a supervisor read, as the MMU's walk finds it without
     * touching anything (no TLB, no A bit, no count, no temporary slot): the kernel's
     * getFrameAddr would use the slot, and show up in the step's trace.
     */
    private long observedPaddr(long vaddr) {
        return mmu.probe(vaddr, false, 0).paddr();
    }

    /** The physical address the TLB holds for {@code vaddr}, or -1. */
    private long cachedPaddr(long vaddr) {
        for (Tlb.Entry e : mmu.tlb().entries()) {
            long mask = e.large() ? Addresses.LARGE_PAGE_OFFSET_MASK : Addresses.PAGE_OFFSET_MASK;
            if (e.vaddr() == (vaddr & ~mask)) {
                return e.paddr() | (vaddr & mask);
            }
        }
        return -1;
    }

    /** The A and D flags that went from 0 to 1 in the entries of the walk: {@code "A set in PDE 1"}. */
    private static List<String> flagsSet(WalkExplanation before, WalkExplanation after) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < Math.min(before.steps().size(), after.steps().size()); i++) {
            WalkExplanation.Step b = before.steps().get(i);
            int newly = after.steps().get(i).entry() & ~b.entry();
            String name = (b.level() == WalkExplanation.Level.DIRECTORY ? "PDE " : "PTE ") + b.index();
            if ((newly & Pte.ACCESSED) != 0) {
                set.add("A set in " + name);
            }
            if ((newly & Pte.DIRTY) != 0) {
                set.add("D set in " + name);
            }
        }
        return set;
    }

    private void explain(long vaddr, Result r) {
        WalkExplanation walk = mmu.explain(vaddr);
        r.details.addAll(walk.render().lines().toList());
        Mmu.Outcome read = walk.supervisorRead();
        r.put(Field.MAPPED, read.translates());
        if (read.translates()) {
            r.paddr(read.paddr());
            r.text = Addresses.hex(vaddr) + " -> " + Addresses.hex(read.paddr());
        } else {
            r.text = Addresses.hex(vaddr) + " is not mapped: " + read.fault().cause().text();
        }
    }

    private void invlpg(long vaddr, Result r) {
        long cached = cachedPaddr(vaddr);
        mmu.invlpg(vaddr);
        r.text = cached >= 0 ? "dropped the TLB entry " + Addresses.hex(Addresses.alignDown(vaddr)) + " -> "
                + Addresses.hex(Addresses.alignDown(cached)) : "the TLB held no entry for " + Addresses.hex(vaddr);
    }

    // ---------------------------------------------------------------- looking

    private void snapshot(Op.Snapshot s, Result r) {
        r.text = String.join(", ", s.parts().stream().map(Keys::of).toList());
        List<String> d = r.details;
        for (Op.Snapshot.Part part : s.parts()) {
            switch (part) {
                case FRAMES -> d.addAll(Views.frames(kernel.accounting().counts(), kernel.allocator().name(),
                        kernel.allocator().freeFrames(), kernel.allocator().totalFrames()));
                case ADDRESS_SPACE -> {
                    d.add("address space (as Linux's page-table dump shows it):");
                    PageTableDump.render(PageTableDump.ranges(mmu)).forEach(line -> d.add("  " + line));
                }
                case PAGES_BITMAP -> {
                    long from = resolve(s.bitmapFrom());
                    d.addAll(mmu.observe(() -> Views.bitmap(from < KernelLayout.KERNEL_BASE ? kernel.vm().userPages()
                            : kernel.vm().kernelPages(), from, s.bitmapPages())));
                }
                case HEAP -> {
                    HeapStats stats = heapStats();
                    if (stats == null) {
                        d.add("heap: no step has used it yet");
                    } else {
                        d.addAll(HeapFigures.of(stats).render());
                        d.add("  blocks in address order:");
                        mmu.observe(() -> kernel.heap().blocks()).forEach(b -> d.add("    " + b));
                    }
                }
                case MMU -> d.addAll(Views.mmu(mmu.stats(), mmu.tlb().config(), mmu.tlb().size(),
                        slotLoads()));
            }
        }
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
                kernel.allocator().totalFrames(), heapUsed ? HeapFigures.of(heapStats()) : null, mmu.stats().snapshot(), mmu.tlb().config(),
                mmu.tlb().size(), slotLoads(), counts[StepEvent.Outcome.OK.ordinal()],
                counts[StepEvent.Outcome.EXPECTED_FAILURE.ordinal()], counts[StepEvent.Outcome.FAILED.ordinal()],
                notRun);
    }

    /** Temporary-slot loads since the start-up. */
    private long slotLoads() {
        return space.temporarySlotMappings() - slotLoadsAtStart;
    }

    /** The heap's statistics, read as an observer (they walk the free list), or null before a step used the heap. */
    private HeapStats heapStats() {
        return heapUsed ? mmu.observe(() -> kernel.heap().stats()) : null;
    }

    /** The kernel's invariant checks, as an observer: they read the page-range bitmaps through the MMU. */
    private void checkInvariants() {
        mmu.observe(() -> {
            kernel.checkInvariants();
            return null;
        });
    }

    private long resolve(Value value) {
        return value.resolve(names);
    }

    // ---------------------------------------------------------------- expectations

    private List<String> mismatches(Step step, Map<String, Object> fields) {
        List<String> out = new ArrayList<>();
        for (Expectation e : step.expect()) {
            Object actual = fields.get(e.field().key());
            String problem = switch (e.field()) {
                case FAILS -> failsMismatch(e.expected(), actual);
                case FAULT -> faultMismatch(e.expected(), actual);
                default -> valueMismatch(e, actual);
            };
            if (problem != null) {
                out.add("line " + e.line() + ": " + problem);
            }
        }
        return out;
    }

    private static String failsMismatch(Object expected, Object actual) {
        boolean failed = !Boolean.FALSE.equals(actual);
        if (Boolean.FALSE.equals(expected)) {
            return failed ? "expected it to succeed, it failed (" + actual + ")" : null;
        }
        if (!failed) {
            return "expected it to fail" + (expected instanceof Failure.Kind k ? " (" + k.key() + ")" : "")
                    + ", it succeeded";
        }
        return expected instanceof Failure.Kind k && !k.key().equals(actual)
                ? "expected it to fail with " + k.key() + ", it failed with " + actual : null;
    }

    private String faultMismatch(Object expected, Object actual) {
        if (Boolean.FALSE.equals(expected)) {
            return actual == null ? null : "expected no page fault, got error code " + hexOf(actual);
        }
        if (actual == null) {
            return "expected a page fault" + (expected instanceof Value v ? " with error code " + v : "")
                    + ", there was none";
        }
        if (expected instanceof Value v) {
            long code = resolveOrMinusOne(v);
            return code == (Long) actual ? null : "expected page-fault error code " + v + ", got " + hexOf(actual);
        }
        return null;
    }

    private String valueMismatch(Expectation e, Object actual) {
        Object expected = e.expected();
        boolean hex = e.field() == Field.VALUE || e.field() == Field.PADDR;
        if (expected instanceof Value v) {
            long want = resolveOrMinusOne(v);
            if (want < 0 && v.isReference()) {
                return "expected " + e.field().key() + " " + v + ", but $" + v.name() + " has no value";
            }
            if (actual instanceof Long got && got == want) {
                return null;
            }
            String wanted = hex ? Addresses.hex(want) : Long.toString(want);
            return "expected " + e.field().key() + " " + wanted + (v.isReference() ? " (" + v + ")" : "") + ", got "
                    + (actual == null ? "none" : hex ? hexOf(actual) : actual);
        }
        return expected.equals(actual) ? null : "expected " + e.field().key() + " " + quoted(expected) + ", got "
                + (actual == null ? "none" : quoted(actual));
    }

    private long resolveOrMinusOne(Value v) {
        try {
            return resolve(v);
        } catch (Value.UnboundNameException unbound) {
            return -1;
        }
    }

    private static String hexOf(Object number) {
        return Addresses.hex((Long) number);
    }

    private static String quoted(Object o) {
        return o instanceof String s ? "\"" + printable(s) + "\"" : String.valueOf(o);
    }

    /** Control and bidirectional characters as escapes, so that a value stays on one line and reads as it is. */
    static String printable(String s) {
        return Printable.escape(s);
    }

    /** The bytes of {@code value} as text when they are all printable: {@code " \"Hell\""}. */
    private static String ascii(long value, int size) {
        StringBuilder text = new StringBuilder(" \"");
        for (int i = 0; i < size; i++) {
            int c = (int) (value >>> (8 * i)) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return "";
            }
            text.append((char) c);
        }
        return text.append('"').toString();
    }
}
