package dev.pagelab.bench;

import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorException;
import dev.pagelab.pmm.FrameAllocatorInfo;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import dev.pagelab.pmm.FrameRange;
import java.util.List;

/**
 * A deliberately plain allocator for the benchmark's tests, registered in {@link #REGISTRY} as
 * {@value #NAME}: one {@code boolean} a frame (true = allocated), no metadata, single frames by next fit (search from
 * the frame after the last one handed out, wrap once, as the bitmap allocator's documented
 * rule), runs by first fit. The workload's tests run against it so that they hold whichever
 * real allocators exist, and it doubles as the model that the bitmap allocator is compared with.
 */
final class NaiveFrameAllocator implements FrameAllocator {
    static final String NAME = "test-naive";
    /** The name of the variant that refuses to free, as the bump allocator does. */
    static final String NO_FREE_NAME = "test-no-free";

    /** The built-in allocators, then {@value #NAME} and {@value #NO_FREE_NAME}: the tests' registry. */
    static final FrameAllocatorRegistry REGISTRY = FrameAllocatorRegistry.builtIn()
            .register(new FrameAllocatorInfo(NAME, "the tests' plain model", true),
                    config -> new NaiveFrameAllocator(config.free()))
            .register(new FrameAllocatorInfo(NO_FREE_NAME, "the tests' model that cannot free", false),
                    config -> new NaiveFrameAllocator(config.free(), false));

    private final long startPfn;
    private final long endPfn;
    private final boolean[] allocated;
    private final int[] runFrames;
    private final boolean canFree;
    private long free;
    private long next;

    NaiveFrameAllocator(List<FrameRange> pool) {
        this(pool, true);
    }

    /** With {@code canFree} false it refuses to free, as the bump allocator does. */
    NaiveFrameAllocator(List<FrameRange> pool, boolean canFree) {
        this.canFree = canFree;
        if (pool.size() != 1) {
            throw new IllegalArgumentException("test-naive: one pool run, not " + pool);
        }
        startPfn = pool.get(0).startPfn();
        endPfn = pool.get(0).endPfn();
        allocated = new boolean[(int) endPfn];
        runFrames = new int[(int) endPfn];
        free = endPfn - startPfn;
        next = 0;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long allocate() {
        if (free == 0) {
            return NO_FRAME;
        }
        for (long i = 0; i < endPfn; i++) {
            long pfn = (next + i) % endPfn;
            if (pfn >= startPfn && !allocated[(int) pfn]) {
                allocated[(int) pfn] = true;
                runFrames[(int) pfn] = 1;
                free--;
                next = pfn + 1 == endPfn ? 0 : pfn + 1;
                return pfn;
            }
        }
        throw new AssertionError("free=" + free + " but no frame is free");
    }

    @Override
    public void free(long pfn) {
        freeRun(pfn, 1);
    }

    @Override
    public long allocateRun(long frames, long alignFrames) {
        for (long start = (startPfn + alignFrames - 1) / alignFrames * alignFrames; start + frames <= endPfn;
                start += alignFrames) {
            boolean clear = true;
            for (long pfn = start; pfn < start + frames && clear; pfn++) {
                clear = !allocated[(int) pfn];
            }
            if (clear) {
                for (long pfn = start; pfn < start + frames; pfn++) {
                    allocated[(int) pfn] = true;
                }
                runFrames[(int) start] = (int) frames;
                free -= frames;
                return start;
            }
        }
        return NO_FRAME;
    }

    @Override
    public boolean canFree() {
        return canFree;
    }

    @Override
    public void freeRun(long pfn, long frames) {
        if (!canFree) {
            throw new FrameAllocatorException("freeRun: " + NAME + " without frees cannot free");
        }
        if (pfn < startPfn || pfn >= endPfn || !allocated[(int) pfn] || runFrames[(int) pfn] != frames) {
            throw new FrameAllocatorException("freeRun: frames [" + pfn + ", +" + frames + ") are not an allocated run");
        }
        for (long p = pfn; p < pfn + frames; p++) {
            allocated[(int) p] = false;
        }
        runFrames[(int) pfn] = 0;
        free += frames;
    }

    @Override
    public long freeFrames() {
        return free;
    }

    @Override
    public long totalFrames() {
        return endPfn - startPfn;
    }

    @Override
    public boolean isAllocated(long pfn) {
        return pfn >= startPfn && pfn < endPfn && allocated[(int) pfn];
    }

    @Override
    public List<FrameRange> metadataFrames() {
        return List.of();
    }

    @Override
    public void checkInvariants() {
        long count = 0;
        for (long pfn = startPfn; pfn < endPfn; pfn++) {
            count += allocated[(int) pfn] ? 1 : 0;
        }
        if (count != totalFrames() - free) {
            throw new AssertionError("test-naive: " + count + " allocated, counts say " + (totalFrames() - free));
        }
    }
}
