package dev.pagelab.bench;

import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorConfig;
import dev.pagelab.pmm.FrameAllocatorRegistry;

/**
 * The contiguous workload of {@code pagelab bench frames}: runs of 2^k frames, aligned to their
 * size, kept at half occupancy by freeing random runs, on the machine of {@link FramesWorkload}
 * (a fresh one: {@code [256, memoryBytes / 4096)} handed to the allocator). It measures the
 * time of {@link FrameAllocator#allocateRun} and {@link FrameAllocator#freeRun}, and how often a
 * request fails although half of the memory is free: external fragmentation.
 *
 * <h2>The operations (to replay elsewhere)</h2>
 * {@code F} is the allocator's free frames right after construction, {@code target = F / 2};
 * the generator is xorshift64* seeded with 42 ({@link Xorshift64Star}), a stream of its own,
 * outputs taken unsigned; {@code runs} is a list of (first frame, k), empty at first, and
 * {@code allocated} the frames it holds. Each of {@code ops} operations (1,000,000 by default):
 * <pre>
 *  if allocated &lt; target:                      // an allocation request
 *      k = next() % 10;  frames = 2^k           // 1 to 512 frames, 4 KiB to 2 MiB
 *      pfn = allocateRun(frames, frames)        // aligned to its own size
 *      if pfn == NO_FRAME: failed += 1
 *      else: runs.append((pfn, k)); allocated += frames
 *  else:                                        // a free
 *      r = next() % runs.length
 *      freeRun(runs[r].pfn, 2^runs[r].k); allocated -= 2^runs[r].k
 *      runs[r] = runs[last]; remove last         // swap-remove
 * </pre>
 * A failed request leaves {@code allocated} below the target, so the next operation is a
 * request again, with a new {@code k}. Reported: nanoseconds per operation (requests and frees
 * together, timed as a whole), the share of requests that failed, and a checksum, the sum of the
 * first frames of the runs held at the end.
 *
 * <p>Needs an allocator that can free. Not thread-safe.
 */
public final class RunsWorkload {
    /** Runs are 2^0 to 2^{@value} frames. */
    public static final int MAX_ORDER = 9;
    /** Operations unless told otherwise. */
    public static final long DEFAULT_OPERATIONS = 1_000_000;

    private final String allocatorName;
    private final PhysicalMemory memory;
    private final FrameAllocator allocator;
    private final long freeFramesAtStart;
    private final long targetFrames;
    private final int[] runPfns;
    private final byte[] runOrders;
    private int runs;
    private long allocatedFrames;
    private long rngState = FramesWorkload.SEED;
    private long operations;
    private long requests;
    private long failed;

    /**
     * A fresh machine of {@code memoryBytes} with allocator {@code allocatorName} of {@code registry};
     * nothing allocated.
     *
     * @throws IllegalArgumentException      as {@link FramesWorkload#FramesWorkload} does
     * @throws UnsupportedOperationException when the allocator cannot free
     */
    public RunsWorkload(FrameAllocatorRegistry registry, String allocatorName, long memoryBytes) {
        this.allocatorName = allocatorName;
        this.memory = PhysicalMemory.ofSize(memoryBytes);
        this.allocator = registry.create(allocatorName, new FrameAllocatorConfig(memory,
                FramesWorkload.pool(memoryBytes)));
        if (!allocator.canFree()) {
            throw new UnsupportedOperationException("contiguous: " + allocatorName + " cannot free");
        }
        this.freeFramesAtStart = allocator.freeFrames();
        this.targetFrames = freeFramesAtStart / 2;
        // Every held run has at least one frame, and a request is made only below the target.
        int capacity = (int) (targetFrames + (1 << MAX_ORDER));
        this.runPfns = new int[capacity];
        this.runOrders = new byte[capacity];
    }

    /**
     * {@code ops} operations, continuing where the last call stopped.
     *
     * @return the sum of the first frames of the runs allocated, for a caller to consume
     */
    public long run(long ops) {
        final FrameAllocator allocator = this.allocator;
        final int[] runPfns = this.runPfns;
        final byte[] runOrders = this.runOrders;
        long x = rngState;
        long sum = 0;
        for (long op = 0; op < ops; op++) {
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            long random = x * Xorshift64Star.MULTIPLIER;
            if (allocatedFrames < targetFrames) {
                int k = (int) Long.remainderUnsigned(random, MAX_ORDER + 1);
                long frames = 1L << k;
                long pfn = allocator.allocateRun(frames, frames);
                requests++;
                if (pfn == FrameAllocator.NO_FRAME) {
                    failed++;
                } else {
                    runPfns[runs] = (int) pfn;
                    runOrders[runs] = (byte) k;
                    runs++;
                    allocatedFrames += frames;
                    sum += pfn;
                }
            } else {
                int r = (int) Long.remainderUnsigned(random, runs);
                long frames = 1L << runOrders[r];
                allocator.freeRun(Integer.toUnsignedLong(runPfns[r]), frames);
                allocatedFrames -= frames;
                runs--;
                runPfns[r] = runPfns[runs];
                runOrders[r] = runOrders[runs];
            }
        }
        rngState = x;
        operations += ops;
        return sum;
    }

    /** The sum of the first frames of the runs held now. */
    public long checksum() {
        long sum = 0;
        for (int i = 0; i < runs; i++) {
            sum += Integer.toUnsignedLong(runPfns[i]);
        }
        return sum;
    }

    /** Operations done so far. */
    public long operations() {
        return operations;
    }

    /** Allocation requests made so far, failed ones included. */
    public long requests() {
        return requests;
    }

    /** Requests that returned NO_FRAME. */
    public long failed() {
        return failed;
    }

    /** Frees done so far. */
    public long frees() {
        return operations - requests;
    }

    /** Runs held now. */
    public int runsHeld() {
        return runs;
    }

    /** Frames held now, in all runs. */
    public long allocatedFrames() {
        return allocatedFrames;
    }

    /** Half of the free frames at the start: the occupancy the workload keeps. */
    public long targetFrames() {
        return targetFrames;
    }

    /** Free frames right after the allocator was built. */
    public long freeFramesAtStart() {
        return freeFramesAtStart;
    }

    /** The allocator under test. */
    public FrameAllocator allocator() {
        return allocator;
    }

    /** The allocator's registry name. */
    public String allocatorName() {
        return allocatorName;
    }

    /** The machine's memory, for its touched-page count. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** First frame of held run {@code i}. */
    long runPfn(int i) {
        return Integer.toUnsignedLong(runPfns[i]);
    }

    /** Frames of held run {@code i}. */
    long runFrames(int i) {
        return 1L << runOrders[i];
    }
}
