package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The oracle of the frame-allocator suites: {@link FrameAllocator} semantics written the plain way,
 * a {@link BitSet} of free frames and a {@link TreeMap} from the first frame of every allocated
 * run to its size. Nothing clever, so that it is obviously right; slow, so never used outside
 * tests.
 *
 * <p>It has two uses.
 * <ul>
 *   <li><b>An allocator of its own</b> ({@link #ReferenceFrameAllocator(PhysicalMemory, List)}, the
 *       registry's factory signature): lowest free frame first, first fit for runs. It takes the
 *       <i>last</i> frame of the pool for its metadata (so that frame 0, when free, is handed out)
 *       and keeps a 16-byte header there in RAM, rewritten after every change:
 *       <pre>
 *  +0  u32  magic 'REFA' (0x41464552)
 *  +4  u32  free frames
 *  +8  u32  allocated runs
 *  +12 u32  a hash of the run table: the XOR of mix(first frame, frames) over every run
 *       </pre>
 *       so that the contract suite's "the bytes in RAM did not change after an exception" check
 *       has something to catch, and the suites can run before any real allocator is registered.
 *   <li><b>A shadow</b> ({@link #shadow}): the same pool minus the metadata a real allocator took,
 *       no RAM, no choices of its own. The property test tells it which frames the real allocator
 *       chose ({@link #take}, {@link #give}); the shadow checks that the choice was legal and
 *       answers what the real allocator may answer ({@link #findRun}, {@link #freeFrames}).
 * </ul>
 *
 * <p>Frame numbers are below 2^31 (4 GiB of frames is 2^20), so a {@code BitSet} index holds them.
 * Misuse throws {@link FrameAllocatorException} before anything changes.
 */
final class ReferenceFrameAllocator implements FrameAllocator {
    /** The name the suites give it; never registered in a {@link FrameAllocatorRegistry}. */
    static final String NAME = "reference";
    static final int MAGIC = 0x4146_4552; // "REFA" little-endian
    static final int HEADER_BYTES = 16;

    private final PhysicalMemory memory;
    private final BitSet pool = new BitSet();
    private final BitSet metadata = new BitSet();
    private final BitSet free = new BitSet();
    /** Frames the shadowed allocator consumed without handing them out (the bump allocator's skipped frames). */
    private final BitSet lost = new BitSet();
    /** First frame of an allocated run -> its frames; single frames are runs of one. */
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private final List<FrameRange> metadataRanges;
    private final long totalFrames;
    /** The XOR of {@link #mix} over every run, kept as runs come and go. */
    private int runsHash;
    private long freeCount;

    /** The allocator of its own: the last pool frame holds its header. */
    ReferenceFrameAllocator(PhysicalMemory memory, List<FrameRange> freeRanges) {
        this(memory, freeRanges, lastFrame(freeRanges));
        writeHeader();
    }

    private ReferenceFrameAllocator(PhysicalMemory memory, List<FrameRange> freeRanges, List<FrameRange> metadataRanges) {
        this.memory = memory;
        for (FrameRange range : freeRanges) {
            if (range.endPfn() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("reference: pool run " + range + " is past 2^31 frames");
            }
            if (pool.nextSetBit((int) range.startPfn()) >= 0 && pool.nextSetBit((int) range.startPfn()) < range.endPfn()) {
                throw new IllegalArgumentException("reference: pool run " + range + " overlaps another");
            }
            pool.set((int) range.startPfn(), (int) range.endPfn());
        }
        for (FrameRange range : metadataRanges) {
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                if (!inPool(pfn)) {
                    throw new IllegalArgumentException("reference: metadata frame " + hex(pfn) + " is not in the pool");
                }
            }
            metadata.set((int) range.startPfn(), (int) range.endPfn());
        }
        this.metadataRanges = List.copyOf(metadataRanges);
        free.or(pool);
        free.andNot(metadata);
        this.totalFrames = free.cardinality();
        this.freeCount = totalFrames;
    }

    /** The oracle for a real allocator over {@code freeRanges} that took {@code metadataRanges} for itself. */
    static ReferenceFrameAllocator shadow(List<FrameRange> freeRanges, List<FrameRange> metadataRanges) {
        return new ReferenceFrameAllocator(null, freeRanges, metadataRanges);
    }

    private static List<FrameRange> lastFrame(List<FrameRange> freeRanges) {
        if (freeRanges.isEmpty()) {
            return List.of();
        }
        long last = freeRanges.get(freeRanges.size() - 1).endPfn() - 1;
        return List.of(new FrameRange(last, last + 1));
    }

    // ---------------------------------------------------------------- FrameAllocator

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long allocate() {
        int pfn = free.nextSetBit(0);
        if (pfn < 0) {
            return NO_FRAME;
        }
        take(pfn, 1);
        writeHeader();
        return pfn;
    }

    @Override
    public void free(long pfn) {
        Long frames = runs.get(pfn);
        if (frames == null || frames != 1) {
            throw new FrameAllocatorException("free: frame " + hex(pfn) + " is not an allocated frame (state="
                    + stateOf(pfn) + ")");
        }
        give(pfn, 1);
        writeHeader();
    }

    @Override
    public long allocateRun(long frames, long alignFrames) {
        checkRunArguments(frames, alignFrames);
        long pfn = findRun(frames, alignFrames);
        if (pfn != NO_FRAME) {
            take(pfn, frames);
            writeHeader();
        }
        return pfn;
    }

    @Override
    public void freeRun(long pfn, long frames) {
        Long allocated = runs.get(pfn);
        if (allocated == null || allocated != frames) {
            throw new FrameAllocatorException("freeRun: frames [" + hex(pfn) + " +" + frames
                    + ") are not a run allocated as one (state=" + stateOf(pfn) + ")");
        }
        give(pfn, frames);
        writeHeader();
    }

    @Override
    public long freeFrames() {
        return freeCount;
    }

    @Override
    public long totalFrames() {
        return totalFrames;
    }

    @Override
    public boolean isAllocated(long pfn) {
        return inPool(pfn) && !metadata.get((int) pfn) && !free.get((int) pfn);
    }

    @Override
    public List<String> describe() {
        return List.of("reference: lowest free frame first, first fit for runs; " + runs.size() + " runs allocated",
                "metadata: " + metadataRanges);
    }

    @Override
    public List<FrameRange> metadataFrames() {
        return metadataRanges;
    }

    @Override
    public void checkInvariants() {
        BitSet allocated = new BitSet();
        for (Map.Entry<Long, Long> run : runs.entrySet()) {
            int start = (int) (long) run.getKey();
            int end = (int) (run.getKey() + run.getValue());
            if (allocated.nextSetBit(start) >= 0 && allocated.nextSetBit(start) < end) {
                throw new AssertionError("reference: run " + hex(start) + " +" + run.getValue() + " overlaps another");
            }
            allocated.set(start, end);
        }
        BitSet managed = (BitSet) pool.clone();
        managed.andNot(metadata);
        BitSet both = (BitSet) allocated.clone();
        both.and(free);
        both.or(intersection(allocated, lost));
        both.or(intersection(free, lost));
        BitSet union = (BitSet) allocated.clone();
        union.or(free);
        union.or(lost);
        if (!both.isEmpty() || !union.equals(managed)) {
            throw new AssertionError("reference: frames both free and allocated " + both
                    + ", or managed frames in neither state (managed " + managed.cardinality() + ", free "
                    + free.cardinality() + ", allocated " + allocated.cardinality() + ")");
        }
        int hash = 0;
        for (Map.Entry<Long, Long> run : runs.entrySet()) {
            hash ^= mix(run.getKey(), run.getValue());
        }
        if (freeCount != free.cardinality()) {
            throw new AssertionError("reference: freeFrames " + freeCount + " but " + free.cardinality() + " bits are free");
        }
        if (hash != runsHash) {
            throw new AssertionError("reference: the run hash is " + Integer.toHexString(runsHash) + ", the runs give "
                    + Integer.toHexString(hash));
        }
        if (memory != null && !metadataRanges.isEmpty()) {
            long header = metadataRanges.get(0).startPaddr();
            int[] expected = header();
            for (int i = 0; i < expected.length; i++) {
                int actual = memory.read32(header + 4L * i);
                if (actual != expected[i]) {
                    throw new AssertionError("reference: header word " + i + " at " + Addresses.hex(header + 4L * i)
                            + " is " + Integer.toHexString(actual) + ", expected " + Integer.toHexString(expected[i]));
                }
            }
        }
    }

    // ---------------------------------------------------------------- the oracle's side

    /** Whether {@code pfn} is one of the frames the pool was built from (metadata included). */
    boolean inPool(long pfn) {
        return pfn >= 0 && pfn < Integer.MAX_VALUE && pool.get((int) pfn);
    }

    /** Whether {@code pfn} is a metadata frame of the allocator being shadowed (or of this one). */
    boolean isMetadata(long pfn) {
        return pfn >= 0 && pfn < Integer.MAX_VALUE && metadata.get((int) pfn);
    }

    /** Whether {@code pfn} is managed and free. */
    boolean isFree(long pfn) {
        return pfn >= 0 && pfn < Integer.MAX_VALUE && free.get((int) pfn);
    }

    /** The size of the run allocated at {@code pfn}, or 0 when no run starts there. */
    long runAt(long pfn) {
        return runs.getOrDefault(pfn, 0L);
    }

    /** The allocated runs, first frame to size, in address order (a copy). */
    TreeMap<Long, Long> runs() {
        return new TreeMap<>(runs);
    }

    /** The managed free frames (a copy). */
    BitSet freeSet() {
        return (BitSet) free.clone();
    }

    /** The pool frames, metadata included (a copy). */
    BitSet poolSet() {
        return (BitSet) pool.clone();
    }

    /** The lowest {@code alignFrames}-aligned start of {@code frames} free frames, or {@link #NO_FRAME}. */
    long findRun(long frames, long alignFrames) {
        if (frames < 1 || frames > freeCount) {
            return NO_FRAME;
        }
        int from = free.nextSetBit(0);
        while (from >= 0) {
            long start = alignUp(from, alignFrames);
            if (start >= Integer.MAX_VALUE) {
                return NO_FRAME;
            }
            int runStart = free.nextSetBit((int) start);
            if (runStart < 0) {
                return NO_FRAME;
            }
            if (runStart != start) {
                from = runStart;
                continue;
            }
            long runEnd = free.nextClearBit(runStart);
            if (runEnd - start >= frames) {
                return start;
            }
            from = free.nextSetBit((int) runEnd);
        }
        return NO_FRAME;
    }

    /**
     * Records that {@code [pfn, pfn + frames)} was handed out as one run.
     *
     * @throws AssertionError naming the first frame that was not managed and free
     */
    void take(long pfn, long frames) {
        for (long f = pfn; f < pfn + frames; f++) {
            if (!isFree(f)) {
                throw new AssertionError("frame " + hex(f) + " of run [" + hex(pfn) + " +" + frames
                        + ") was handed out but is " + stateOf(f));
            }
        }
        free.clear((int) pfn, (int) (pfn + frames));
        runs.put(pfn, frames);
        runsHash ^= mix(pfn, frames);
        freeCount -= frames;
    }

    /**
     * Records that the shadowed allocator consumed the free frame {@code pfn} without handing it
     * out: allocated for good, part of no run.
     *
     * @throws AssertionError when the frame was not managed and free
     */
    void lose(long pfn) {
        if (!isFree(pfn)) {
            throw new AssertionError("frame " + hex(pfn) + " was lost but is " + stateOf(pfn));
        }
        free.clear((int) pfn);
        lost.set((int) pfn);
        freeCount--;
    }

    /**
     * Records that the run {@code [pfn, pfn + frames)} was given back.
     *
     * @throws AssertionError when no run of that size starts at {@code pfn}
     */
    void give(long pfn, long frames) {
        Long allocated = runs.get(pfn);
        if (allocated == null || allocated != frames) {
            throw new AssertionError("run [" + hex(pfn) + " +" + frames + ") was given back but is " + stateOf(pfn));
        }
        runs.remove(pfn);
        runsHash ^= mix(pfn, frames);
        free.set((int) pfn, (int) (pfn + frames));
        freeCount += frames;
    }

    /** A word for what {@code pfn} is now, for messages. */
    String stateOf(long pfn) {
        if (!inPool(pfn)) {
            return "outside the pool";
        }
        if (isMetadata(pfn)) {
            return "metadata";
        }
        if (isFree(pfn)) {
            return "free";
        }
        if (lost.get((int) pfn)) {
            return "lost (consumed, never handed out)";
        }
        Map.Entry<Long, Long> run = runs.floorEntry(pfn);
        if (run != null && pfn < run.getKey() + run.getValue()) {
            return run.getKey() == pfn ? "start of a run of " + run.getValue() + " frames"
                    : "inside the run [" + hex(run.getKey()) + " +" + run.getValue() + ")";
        }
        return "allocated outside any run (a bug of the reference)";
    }

    // ---------------------------------------------------------------- helpers

    private static BitSet intersection(BitSet a, BitSet b) {
        BitSet out = (BitSet) a.clone();
        out.and(b);
        return out;
    }

    static void checkRunArguments(long frames, long alignFrames) {
        if (frames < 1) {
            throw new FrameAllocatorException("allocateRun: frames " + frames + " must be at least 1");
        }
        if (alignFrames < 1 || Long.bitCount(alignFrames) != 1) {
            throw new FrameAllocatorException("allocateRun: alignFrames " + alignFrames + " must be a power of two");
        }
    }

    /** {@code pfn} rounded up to a multiple of {@code alignFrames} (a power of two), saturating. */
    static long alignUp(long pfn, long alignFrames) {
        long up = pfn + alignFrames - 1;
        return up < pfn ? Long.MAX_VALUE : up & -alignFrames;
    }

    static String hex(long pfn) {
        return "0x" + Long.toHexString(pfn);
    }

    private void writeHeader() {
        if (memory == null || metadataRanges.isEmpty()) {
            return;
        }
        long header = metadataRanges.get(0).startPaddr();
        int[] words = header();
        for (int i = 0; i < words.length; i++) {
            memory.write32(header + 4L * i, words[i]);
        }
    }

    private int[] header() {
        return new int[] {MAGIC, (int) freeCount, runs.size(), runsHash};
    }

    /** A 32-bit hash of one run (the finaliser of MurmurHash3), so that the run table shows in RAM. */
    private static int mix(long pfn, long frames) {
        long h = pfn * 0x9E37_79B9_7F4A_7C15L + frames;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        return (int) h;
    }
}
