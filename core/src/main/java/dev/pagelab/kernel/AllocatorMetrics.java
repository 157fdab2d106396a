package dev.pagelab.kernel;

import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameRange;
import java.util.List;

/**
 * The frame allocator's figures at one moment, for observers (Netty's {@code PoolChunkMetric}):
 * what {@code pagelab boot} prints and writes as JSON, and what a web page would poll, without
 * handing out the allocator itself.
 *
 * @param name           the allocator's registry name
 * @param freeFrames     frames it can hand out now
 * @param totalFrames    frames it manages, free or not (its metadata excluded)
 * @param canFree        whether it takes frames back ({@code bump} does not)
 * @param metadataFrames the frames it took from the pool for its own metadata, in address order
 * @param details        the allocator's own account of its state, one sentence a line (its
 *                       layout and cursors, in the words of its class comment)
 */
public record AllocatorMetrics(String name, long freeFrames, long totalFrames, boolean canFree,
                               List<FrameRange> metadataFrames, List<String> details) {
    /** Copies the lists. */
    public AllocatorMetrics {
        metadataFrames = List.copyOf(metadataFrames);
        details = List.copyOf(details);
    }

    /** The figures of {@code allocator} now. */
    public static AllocatorMetrics of(FrameAllocator allocator) {
        return new AllocatorMetrics(allocator.name(), allocator.freeFrames(), allocator.totalFrames(),
                allocator.canFree(), allocator.metadataFrames(), allocator.describe());
    }

    /** How many frames the metadata takes. */
    public long metadataFrameCount() {
        return metadataFrames.stream().mapToLong(FrameRange::frames).sum();
    }
}
