package dev.pagelab.scenario;

import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The state a run ends in and how its steps went.
 *
 * @param framesByOwner         frames held by each owner that holds any (holes in the map left out)
 * @param allocator             the frame allocator's name
 * @param freeFrames            frames the allocator has free
 * @param totalFrames           frames the allocator manages
 * @param heap                  the heap's figures, or null when no step used the heap
 * @param mmu                   the MMU's counters over the steps (the boot's accesses not counted)
 * @param tlb                   the TLB's shape
 * @param tlbEntries            translations the TLB holds at the end
 * @param temporarySlotMappings how often the temporary slot was loaded by the steps (the start-up not counted)
 * @param ok                    steps that succeeded as expected
 * @param expectedFailures      steps that failed as their {@code expect:} said
 * @param failed                steps that failed unexpectedly or missed an expectation
 * @param notRun                steps not run because the run stopped
 * @param processes             the processes at the end, or null when the scenario has no {@code processes:}
 */
public record RunReport(Map<FrameOwner, Long> framesByOwner, String allocator, long freeFrames, long totalFrames,
                        HeapFigures heap, MmuStats.Snapshot mmu, TlbConfig tlb, int tlbEntries,
                        long temporarySlotMappings, int ok, int expectedFailures, int failed, int notRun,
                        ProcessReport processes) {
    public RunReport {
        Map<FrameOwner, Long> ordered = new EnumMap<>(FrameOwner.class);
        ordered.putAll(framesByOwner);
        framesByOwner = Collections.unmodifiableMap(ordered);
    }

    /** The report as lines of text. */
    public List<String> render() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "steps: %d ok, %d failed as expected, %d failed, %d not run", ok,
                expectedFailures, failed, notRun));
        lines.addAll(Views.frames(framesByOwner, allocator, freeFrames, totalFrames));
        if (heap != null) {
            lines.addAll(heap.render());
        }
        lines.addAll(Views.mmu(mmu, tlb, tlbEntries, temporarySlotMappings));
        if (processes != null) {
            lines.addAll(processes.render());
        }
        return lines;
    }
}
