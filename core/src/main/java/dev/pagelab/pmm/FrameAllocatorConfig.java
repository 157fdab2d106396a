package dev.pagelab.pmm;

import dev.pagelab.hw.PhysicalMemory;
import java.util.List;
import java.util.Objects;

/**
 * What a frame allocator is built from, in one record so that a new setting (a largest buddy
 * order, say) is one more component here and not a new signature for every factory.
 *
 * @param memory the machine's physical memory: an allocator that keeps metadata in RAM writes it
 *               into frames it takes from {@code free}
 * @param free   the free pool, runs in address order that do not overlap (the boot's free frames,
 *               {@code BootReport.freeFrameRanges()}); checked by each allocator as it is built
 */
public record FrameAllocatorConfig(PhysicalMemory memory, List<FrameRange> free) {
    public FrameAllocatorConfig {
        Objects.requireNonNull(memory, "memory");
        free = List.copyOf(free);
    }
}
