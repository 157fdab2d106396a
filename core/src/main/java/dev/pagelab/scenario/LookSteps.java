package dev.pagelab.scenario;

import dev.pagelab.heap.HeapStats;
import dev.pagelab.hw.Mmu;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.PageTableDump;
import java.util.List;

/** How the steps that look run: snapshot and check. They change nothing. */
final class LookSteps {
    private LookSteps() {
    }

    static void snapshot(Op.Snapshot s, StepContext c, StepResult r) {
        Kernel kernel = c.kernel();
        Mmu mmu = c.mmu();
        r.text(String.join(", ", s.parts().stream().map(Keys::of).toList()));
        List<String> d = r.details();
        for (Op.Snapshot.Part part : s.parts()) {
            switch (part) {
                case FRAMES -> d.addAll(Views.frames(kernel.accounting().counts(), kernel.allocator().name(),
                        kernel.allocator().freeFrames(), kernel.allocator().totalFrames()));
                case ADDRESS_SPACE -> {
                    d.add("address space (as Linux's page-table dump shows it):");
                    PageTableDump.render(PageTableDump.ranges(mmu)).forEach(line -> d.add("  " + line));
                }
                case PAGES_BITMAP -> {
                    long from = c.resolve(s.bitmapFrom());
                    d.addAll(mmu.observe(() -> Views.bitmap(from < KernelLayout.KERNEL_BASE ? kernel.vm().userPages()
                            : kernel.vm().kernelPages(), from, s.bitmapPages())));
                }
                case HEAP -> {
                    HeapStats stats = c.heapStats();
                    if (stats == null) {
                        d.add("heap: no step has used it yet");
                    } else {
                        d.addAll(HeapFigures.of(stats).render());
                        d.add("  blocks in address order:");
                        mmu.observe(() -> kernel.heap().blocks()).forEach(b -> d.add("    " + b));
                    }
                }
                case MMU -> d.addAll(Views.mmu(mmu.stats(), mmu.tlb().config(), mmu.tlb().size(), c.slotLoads()));
            }
        }
    }

    static void check(Op.Check op, StepContext c, StepResult r) {
        try {
            c.checkInvariants();
            r.text("every invariant holds");
        } catch (AssertionError e) {
            r.fail(Failure.Kind.INVARIANT, e.getMessage());
        }
    }
}
