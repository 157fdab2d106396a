package dev.pagelab.bench;

import dev.pagelab.heap.HeapStats;
import dev.pagelab.heap.KernelHeap;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;

/**
 * The heap workload behind {@code pagelab bench heap}: a booted kernel whose heap holds, at any
 * time, about half of {@code slots} blocks.
 *
 * <ol>
 *   <li>The kernel: {@code Kernel.boot(machine, allocator)} (temporary-mapping, 4 KiB pages).</li>
 *   <li>Fill: every even slot gets {@code kmalloc(size())}: half of the slots are live.</li>
 *   <li>Each step: {@code r = next() % slots}; a live slot is {@code kfree}d and emptied, an
 *       empty one gets {@code kmalloc(size())}. Live and empty slots are about as many, so about
 *       half of the steps allocate and half free, and the number of live blocks wanders around
 *       {@code slots / 2}.</li>
 *   <li>{@code size()} is log-uniform from 8 bytes to 4 KiB: an octave {@code 8 << k} for {@code k}
 *       uniform in 0..8, plus a uniform {@code 0 .. (8 << k) - 1} within it: 8 to 4095 bytes.</li>
 * </ol>
 * {@code next()} is xorshift64* seeded with 42, as in the frames workload. A kmalloc that returns
 * NULL (the machine full) leaves its slot empty and is counted.
 */
public final class HeapWorkload {
    /** The default number of slots: about 2,048 live blocks of ~650 bytes on average. */
    public static final int DEFAULT_SLOTS = 4096;
    /** The default machine. */
    public static final String DEFAULT_MACHINE = "qemu-pc-128M";
    /** The smallest request. */
    public static final int MIN_BYTES = 8;
    /** The bound of the requests: they are below it. */
    public static final int MAX_BYTES = 4096;

    private final Kernel kernel;
    private final KernelHeap heap;
    private final long[] live;
    private final Xorshift64Star random = new Xorshift64Star(42);
    private long failed;
    private long mallocs;
    private long frees;

    /** A booted kernel with an empty heap. */
    public HeapWorkload(String machine, String allocator, int slots) {
        if (slots < 2) {
            throw new IllegalArgumentException("heap workload: " + slots + " slots, at least 2 needed");
        }
        this.kernel = Kernel.boot(machine, KernelConfig.DEFAULT.withAllocator(allocator));
        this.heap = kernel.heap();
        this.live = new long[slots];
    }

    /** Fills every even slot; returns the number of kmalloc calls. */
    public int fill() {
        int calls = 0;
        for (int i = 0; i < live.length; i += 2) {
            allocate(i);
            calls++;
        }
        return calls;
    }

    /** Runs {@code steps} steps; returns a checksum of the live addresses, so that nothing is optimised away. */
    public long run(long steps) {
        long sum = 0;
        for (long s = 0; s < steps; s++) {
            int r = random.nextBelow(live.length);
            if (live[r] != KernelHeap.NULL) {
                heap.kfree(live[r]);
                live[r] = KernelHeap.NULL;
                frees++;
            } else {
                allocate(r);
                sum += live[r];
            }
        }
        return sum;
    }

    private void allocate(int slot) {
        long p = heap.kmalloc(size());
        if (p == KernelHeap.NULL) {
            failed++;
        } else {
            mallocs++;
        }
        live[slot] = p;
    }

    /** The next request size, log-uniform from 8 bytes to 4 KiB. */
    int size() {
        long x = random.next();
        int octave = Xorshift64Star.below(x, 9);
        int low = MIN_BYTES << octave;
        return low + Xorshift64Star.below(x >>> 8, low);
    }

    /** Frees every live block. */
    public void freeAll() {
        for (int i = 0; i < live.length; i++) {
            if (live[i] != KernelHeap.NULL) {
                heap.kfree(live[i]);
                live[i] = KernelHeap.NULL;
            }
        }
    }

    /** Live blocks now. */
    public long liveBlocks() {
        long n = 0;
        for (long p : live) {
            n += p == KernelHeap.NULL ? 0 : 1;
        }
        return n;
    }

    /** kmalloc calls that returned NULL. */
    public long failed() {
        return failed;
    }

    /** Successful kmalloc calls. */
    public long mallocs() {
        return mallocs;
    }

    /** kfree calls made by steps. */
    public long frees() {
        return frees;
    }

    /** The heap's figures now. */
    public HeapStats stats() {
        return heap.stats();
    }

    /** The kernel the heap runs in. */
    public Kernel kernel() {
        return kernel;
    }
}
