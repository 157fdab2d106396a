package dev.pagelab.bench;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorConfig;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import dev.pagelab.pmm.FrameRange;
import java.util.List;

/**
 * The single-frame workload of {@code pagelab bench frames}: fill a machine to half, then churn
 * it, through one {@link FrameAllocator} picked by name. Shared by the macro benchmark
 * ({@link FramesBench}), the JMH benchmark ({@code dev.pagelab.bench.jmh.FramesBenchmark}) and
 * the C reference ({@code bitmap_churn.c}), which replays it step for step; it uses no JMH.
 *
 * <h2>The machine</h2>
 * <pre>
 *  frame 0        256 (1 MiB)                                            memoryBytes / 4096
 *  |-- reserved --|----------------------- the free pool -------------------------------|
 *                 |- allocator metadata -|  (where and how much: the allocator decides)
 * </pre>
 * {@link PhysicalMemory#ofSize} of {@code memoryBytes} (4 GiB by default), all of it RAM. The
 * pool handed to the allocator is one {@link FrameRange} {@code [256, memoryBytes / 4096)}:
 * everything but the first MiB, as Linux keeps it. The allocator takes its metadata out of the
 * pool; "the free frames" below means {@link FrameAllocator#freeFrames()} right after
 * construction, metadata excluded.
 *
 * <h2>The operations (to replay elsewhere)</h2>
 * <ol>
 *   <li><b>Fill</b>: {@code live = new uint32[F / 2]} where {@code F} is the number of free
 *       frames; {@code live[i] = allocate()} for {@code i = 0, 1, ...}, in order. Timed as a
 *       whole; one operation is one {@code allocate()}.</li>
 *   <li><b>Churn</b>, {@code steps} times (10,000,000 by default):
 *       <pre>
 *  r = next() % live.length      // next(): xorshift64*, seed 42, output unsigned ({@link Xorshift64Star})
 *  free(live[r])
 *  live[r] = allocate()</pre>
 *       Timed as a whole; one operation ("a step") is one free and one allocation. The
 *       generator is seeded once, before the first step: the churn is one stream.</li>
 *   <li><b>Checksum</b>: the sum of {@code live} (unsigned 64-bit) after the last step. Two
 *       implementations of one algorithm with one rule for where a search starts give the
 *       same checksum; any difference in which frame is handed out shows in it.</li>
 * </ol>
 * Frame numbers are 32-bit in {@code live}, as in a 32-bit kernel (the largest is
 * {@code 2^20 - 1}). Nothing is written into the frames handed out: what is measured is the
 * allocator and the memory it touches for its own structures (the bitmap, or the links that a
 * free list or a buddy system writes into free frames).
 *
 * <p>An allocator that cannot free ({@link FrameAllocator#canFree()}, the bump allocator) runs
 * the fill only; {@link #churn} refuses. Not thread-safe.
 */
public final class FramesWorkload {
    /** The machine's size unless told otherwise: 4 GiB, the whole 32-bit physical address space. */
    public static final long DEFAULT_MEMORY_BYTES = 1L << 32;
    /** The first frame of the pool: frames 0-255 (the first MiB) are reserved. */
    public static final long FIRST_POOL_PFN = 256;
    /** The smallest machine: the first MiB and one more MiB of pool. */
    public static final long MIN_MEMORY_BYTES = 2L << 20;
    /** Churn steps unless told otherwise. */
    public static final long DEFAULT_CHURN_STEPS = 10_000_000;
    /** The seed of the xorshift64* generator. */
    public static final long SEED = 42;

    private final String allocatorName;
    private final long memoryBytes;
    private final PhysicalMemory memory;
    private final FrameAllocator allocator;
    private final long freeFramesAtStart;
    private final int[] live;
    private int filled;
    private long rngState = SEED;
    private long churnSteps;

    /**
     * A fresh machine of {@code memoryBytes} with allocator {@code allocatorName} of
     * {@code registry} over the pool; nothing allocated yet.
     *
     * @throws IllegalArgumentException when the size is not a multiple of 4 KiB between
     *                                  {@link #MIN_MEMORY_BYTES} and 4 GiB, or the allocator is unknown
     */
    public FramesWorkload(FrameAllocatorRegistry registry, String allocatorName, long memoryBytes) {
        checkMemoryBytes(memoryBytes);
        this.allocatorName = allocatorName;
        this.memoryBytes = memoryBytes;
        this.memory = PhysicalMemory.ofSize(memoryBytes);
        this.allocator = registry.create(allocatorName, new FrameAllocatorConfig(memory, pool(memoryBytes)));
        this.freeFramesAtStart = allocator.freeFrames();
        this.live = new int[(int) (freeFramesAtStart / 2)];
    }

    /** The pool of a machine of {@code memoryBytes}: {@code [256, memoryBytes / 4096)}. */
    public static List<FrameRange> pool(long memoryBytes) {
        checkMemoryBytes(memoryBytes);
        return List.of(new FrameRange(FIRST_POOL_PFN, memoryBytes >>> Addresses.PAGE_SHIFT));
    }

    /** @throws IllegalArgumentException unless a multiple of 4 KiB from 2 MiB to 4 GiB */
    public static void checkMemoryBytes(long memoryBytes) {
        if (memoryBytes < MIN_MEMORY_BYTES || memoryBytes > PhysicalMemory.MAX_BYTES
                || !Addresses.isPageAligned(memoryBytes)) {
            throw new IllegalArgumentException("machine size " + memoryBytes + " bytes must be a multiple of 4 KiB"
                    + " from 2 MiB to 4 GiB");
        }
    }

    /**
     * Allocates {@code live.length} single frames, in order: the fill.
     *
     * @return the number of allocations, {@code live.length}
     * @throws IllegalStateException when called twice, or the allocator runs out before half of
     *                               its free frames are allocated (a bug in its counts)
     */
    public int fill() {
        if (filled != 0) {
            throw new IllegalStateException("fill: already filled (" + filled + " frames)");
        }
        final FrameAllocator allocator = this.allocator;
        final int[] live = this.live;
        for (int i = 0; i < live.length; i++) {
            long pfn = allocator.allocate();
            if (pfn < 0) {
                filled = i;
                throw new IllegalStateException("fill: " + allocatorName + " returned NO_FRAME at allocation " + i
                        + " of " + live.length + " (it said " + freeFramesAtStart + " frames were free)");
            }
            live[i] = (int) pfn;
        }
        filled = live.length;
        return filled;
    }

    /**
     * {@code steps} churn steps, continuing the generator's stream where the last call stopped.
     *
     * @return the sum of the frames allocated, for a caller (JMH) to consume
     * @throws IllegalStateException         before {@link #fill}, or when an allocation right after
     *                                       a free returns NO_FRAME (a bug in the allocator)
     * @throws UnsupportedOperationException when the allocator cannot free
     */
    public long churn(long steps) {
        if (!allocator.canFree()) {
            throw new UnsupportedOperationException("churn: " + allocatorName + " cannot free");
        }
        if (filled != live.length || live.length == 0) {
            throw new IllegalStateException("churn: fill first (" + filled + " of " + live.length + " frames)");
        }
        final FrameAllocator allocator = this.allocator;
        final int[] live = this.live;
        final int n = live.length;
        long x = rngState;
        long sum = 0;
        for (long s = 0; s < steps; s++) {
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            int r = (int) Long.remainderUnsigned(x * Xorshift64Star.MULTIPLIER, n);
            allocator.free(Integer.toUnsignedLong(live[r]));
            long pfn = allocator.allocate();
            if (pfn < 0) {
                rngState = x;
                churnSteps += s;
                throw new IllegalStateException("churn: " + allocatorName + " returned NO_FRAME right after freeing frame "
                        + Integer.toUnsignedLong(live[r]) + " (step " + churnSteps + ")");
            }
            live[r] = (int) pfn;
            sum += pfn;
        }
        rngState = x;
        churnSteps += steps;
        return sum;
    }

    /** The sum of {@code live} (each entry unsigned): the workload's checksum. */
    public long checksum() {
        long sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += Integer.toUnsignedLong(live[i]);
        }
        return sum;
    }

    /** The allocator's registry name. */
    public String allocatorName() {
        return allocatorName;
    }

    /** The allocator under test. */
    public FrameAllocator allocator() {
        return allocator;
    }

    /** The machine's memory, for its touched-page count. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** The machine's size in bytes. */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Free frames right after the allocator was built: the pool less its metadata. */
    public long freeFramesAtStart() {
        return freeFramesAtStart;
    }

    /** Frames the allocator took for its metadata. */
    public long metadataFrames() {
        return metadataFrames(allocator);
    }

    /** The fill's length: half of the free frames, rounded down. */
    public int liveFrames() {
        return live.length;
    }

    /** Churn steps done so far. */
    public long churnSteps() {
        return churnSteps;
    }

    /** The frame in slot {@code i} of {@code live}. */
    long live(int i) {
        return Integer.toUnsignedLong(live[i]);
    }

    static long metadataFrames(FrameAllocator allocator) {
        long frames = 0;
        for (FrameRange r : allocator.metadataFrames()) {
            frames += r.frames();
        }
        return frames;
    }
}
