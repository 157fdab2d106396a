package dev.pagelab.pmm;

import static dev.pagelab.pmm.FrameBits.WORD_BITS;
import static dev.pagelab.pmm.FrameBits.WORD_SHIFT;
import static dev.pagelab.pmm.FrameBits.fill;
import static dev.pagelab.pmm.FrameBits.isSet;
import static dev.pagelab.pmm.FrameBits.mask;
import static dev.pagelab.pmm.PoolRuns.checkRunArguments;
import static dev.pagelab.pmm.PoolRuns.frame;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.PhysicalMemory;
import java.util.List;
import java.util.Objects;

/**
 * The seeds' frame bitmap ({@code framesBitmap}, {@code allocFrame}, {@code freeFrame}): one bit
 * a frame, 1 = taken, kept in simulated RAM in frames the allocator takes from the pool for
 * itself. Single frames are found by next fit, runs by first fit.
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li><b>pool</b>: the free frames the boot found ({@code BootReport.freeFrameRanges()}), runs
 *       in address order;</li>
 *   <li><b>top</b>: the frame after the last frame of the pool; the bitmap covers frames
 *       {@code [0, top)}, so a frame's bit is found without any search;</li>
 *   <li><b>words</b> = ⌈top / 64⌉ 64-bit words, <b>bytes</b> = 8 × words,
 *       <b>metadata frames</b> = ⌈bytes / 4096⌉;</li>
 *   <li>the bit of frame {@code pfn} is bit {@code pfn % 64} of the little-endian word at
 *       {@code bitmap + 8 × (pfn / 64)}, which is the same bit as the seeds' "bit {@code pfn % 8} of
 *       byte {@code pfn / 8}": little-endian words keep the byte order of a byte array;</li>
 *   <li><b>next</b>: the next-fit position, the frame after the last one {@link #allocate} handed out.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * <pre>
 *  physical memory of qemu-pc-128M (the first MiB kept by the kernel):
 *    0x00000000          0x00100000     0x00200000  0x00201000                        0x07FE0000
 *    | low memory, BIOS  | kernel image | bitmap    | the pool, free ...              | firmware
 *                                       ^ the first pool frames big enough: frame 0x200
 *
 *  the bitmap in that frame (4096 bytes: 512 words for top = 0x7FE0):
 *    byte    0x000 ... 0x03F   0x040    0x041 ... 0xFFB   0xFFC ... 0xFFF
 *          +-------+-------+   +------+   +-------+-------+   +-------+-------+
 *          |  FF   |  FF   |   |  01  |   |  00   |  00   |   |  FF   |  FF   |
 *          +-------+-------+   +------+   +-------+-------+   +-------+-------+
 *           frames 0..0x1FF:    0x200:     frames 0x201..      frames 0x7FE0..
 *           not in the pool     itself     0x7FDF: free        0x7FFF: past top
 *                               (bit 0)    (0x201..0x207 are   (padding to a
 *                                           bits 1..7 of 0x040) whole word)
 *
 *    bit i of byte n is frame 8n + i:  1 = allocated, or not the allocator's to hand out
 * </pre>
 *
 * <p><b>Where the bitmap lives.</b> In the lowest pool run that holds all its frames, from that
 * run's first frame. It must be contiguous, because the kernel indexes it as one array; low,
 * because the kernel writes it before it can map anything (the circular dependency the seeds
 * describe), so it must lie in memory the boot's page tables already reach, as the seeds' bitmap
 * right after {@code kernel_physical_end} does; and taking it from the bottom leaves the large,
 * high runs whole for big aligned runs. The rest of its last frame is zeroed and unused.
 *
 * <p><b>Taken is not allocated.</b> Frames outside the pool (reserved by the boot, holes), the
 * metadata frames and the padding bits past top are 1 in the bitmap so that no search can hand
 * them out, but only pool frames are <em>allocated</em> for {@link #isAllocated}, the counts and
 * {@link #free}. The allocator tells them apart with {@code managed}, one bit a frame (1 = a pool
 * frame that is not metadata), built once from the pool: the seed's kernel would ask its memory
 * map; a bitmap answers {@code free}'s check with one array load. In fact the bitmap right after
 * construction is exactly {@code ~managed}.
 *
 * <p><b>Runs.</b> The seeds' format has no room for run sizes ({@code freeFrame} takes an
 * address only), and a C kernel's {@code freeRun(pfn, n)} would trust {@code n}. This simulator
 * catches misuse without changing the format a learner sees, so it keeps two more bitmaps
 * <em>beside</em> RAM, in Java, as Linux's debug {@code page_owner} records sit beside
 * {@code struct page}: {@code runFrames} (1 = a frame of a run of two or more frames) and
 * {@code runStarts} (1 = the first frame of such a run). A run's size is where the next start
 * or the next non-run frame begins. Single frames, and runs of one, never touch them on
 * allocation, and {@link #free} reads one word of {@code freeableAlone} (managed and not in a run), so single frames stay cheap.
 *
 * <h2>allocate (next fit)</h2>
 * <ol>
 *   <li>If no frame is free, return {@link #NO_FRAME} at once: no search.</li>
 *   <li>Read the word holding next, with the bits below next taken as 1.</li>
 *   <li>While the word is all ones, read the next word, wrapping from the last word to word 0
 *       once; the word holding next is read again, whole, at the end of the wrap.</li>
 *   <li>The frame is the word's lowest 0 bit, {@code Long.numberOfTrailingZeros(~word)}. Set
 *       it, write the word back, next = frame + 1 (0 past top), one frame less free.</li>
 * </ol>
 *
 * <h2>free</h2>
 * <ol>
 *   <li>Check that the frame is below top, managed, not part of a run of two or more, and 1 in
 *       the bitmap; otherwise throw, naming its state, before anything is written.</li>
 *   <li>Clear the bit, write the word back, one frame more free. next does not move: the search
 *       keeps going forward and meets the freed frame after wrapping (seed 004).</li>
 * </ol>
 *
 * <h2>allocateRun (first fit)</h2>
 * <ol>
 *   <li>Check the arguments; if fewer frames are free than asked for, return {@link #NO_FRAME}.</li>
 *   <li>From frame {@code from} (0 at first), take the first 0 bit and round it up to the
 *       alignment: the candidate. Past top: {@link #NO_FRAME}.</li>
 *   <li>Look for a 1 bit in {@code [candidate, candidate + frames)}, a word at a time. None: the
 *       run is found. Otherwise {@code from} = that bit + 1, back to step 2.</li>
 *   <li>Set the run's bits a word at a time; for two frames or more, mark {@code runFrames} and
 *       {@code runStarts}. next does not move: it belongs to single frames.</li>
 * </ol>
 *
 * <h2>freeRun</h2>
 * <ol>
 *   <li>Check that the run lies below top; a run of one is a {@link #free}.</li>
 *   <li>Check that a run starts at {@code pfn} and that its size is {@code frames}, before
 *       anything is written.</li>
 *   <li>Clear its bits in RAM and in both run bitmaps, {@code frames} frames more free.</li>
 * </ol>
 *
 * <p><b>Cost.</b> free is O(1). allocate is O(1) while free frames are spread out, and reads
 * one word for 64 taken frames otherwise; O(words) at worst. allocateRun is O(words + frames).
 * {@link #checkInvariants} reads the whole bitmap; with {@link Checks#ENABLED} it runs after
 * every change.
 *
 * <p><b>Behind the MMU.</b> Once paging is on the bitmap is still read and written by physical
 * address: no TLB look-up, no A or D bit, no fault. It stands for a kernel mapping that never
 * changes and cannot fault (the seeds' bitmap, right after {@code kernel_physical_end}, lies in
 * the boot's mapping of the first 4 MiB; Linux reaches {@code mem_map} through its direct map),
 * so going through one would change no result, only take TLB entries. pagelab's kernel maps its
 * image only, so the bitmap has no virtual address here; the package comment says more.
 *
 * <p><b>References.</b> The Little OS Book, ch. "Page Frame Allocation" (one bit a frame, frames
 * dedicated to the bitmap); the OSDev wiki, "Page Frame Allocation" (bitmap, test a word at a
 * time, remember the last position); seed 004's {@code allocFrame} (search from the last
 * position, restart from 0 at the end); Knuth, TAOCP vol. 1 §2.5 (first fit, and the roving
 * pointer of next fit); Linux {@code mm/page_owner.c} (debug records kept beside the real ones).
 *
 * <p>Not thread-safe.
 */
final class BitmapFrameAllocator implements FrameAllocator {
    /** The registry name. */
    static final String NAME = "bitmap";
    /** What the registry shows of it. */
    static final FrameAllocatorInfo INFO = new FrameAllocatorInfo(NAME,
            "the seeds' frame bitmap: one bit a frame in RAM, single frames by next fit, runs by first fit", true);

    private final PhysicalMemory memory;
    /** The physical address of the bitmap's first byte: the first metadata frame. */
    private final long bitmapPaddr;
    /** The bitmap's words, straight on the RAM pages that hold them. */
    private final PhysicalMemory.Words bitmap;
    private final long metadataStartPfn;
    private final long metadataFrames;
    /** The frame after the last pool frame; the bitmap covers [0, topPfn). */
    private final long topPfn;
    private final int words;
    private final long totalFrames;

    /** 1 = a pool frame that is not metadata: the frames this allocator hands out. Never changes. */
    private final long[] managed;
    /** 1 = a frame of a run of two or more frames allocated by allocateRun. */
    private final long[] runFrames;
    /** 1 = the first frame of such a run. */
    private final long[] runStarts;
    /**
     * {@code managed & ~runFrames}, kept up to date by the run operations: the frames that
     * {@link #free} may take back, so that its check is one load instead of two.
     */
    private final long[] freeableAlone;

    private long freeFrames;
    /** The next-fit position: where the next search for one frame starts. */
    private long nextPfn;

    /**
     * A bitmap over {@code free}, stored in the first frames of the lowest run of {@code free}
     * big enough for it, with every pool frame free.
     *
     * @param memory the machine's memory; the bitmap is written into it
     * @param free   the pool, runs in address order, not overlapping, inside {@code memory}
     * @throws IllegalArgumentException when the pool is out of order, overlaps, lies outside
     *                                  {@code memory}, or has no run big enough for the bitmap;
     *                                  nothing is written then
     */
    BitmapFrameAllocator(PhysicalMemory memory, List<FrameRange> free) {
        this.memory = Objects.requireNonNull(memory, "memory");
        PoolRuns pool = PoolRuns.of(NAME, memory, free);
        topPfn = pool.limitPfn();
        words = FrameBits.words(topPfn);
        long bitmapBytes = (long) words * Long.BYTES;
        metadataFrames = (bitmapBytes + Addresses.PAGE_BYTES - 1) >>> Addresses.PAGE_SHIFT;
        metadataStartPfn = placeMetadata(memory, pool, metadataFrames, bitmapBytes, topPfn);
        bitmapPaddr = Addresses.pfnToPaddr(metadataStartPfn);
        bitmap = memory.words(bitmapPaddr, words);

        managed = new long[words];
        runFrames = new long[words];
        runStarts = new long[words];
        freeableAlone = new long[words];
        for (int r = 0; r < pool.count(); r++) {
            fill(managed, pool.startPfn(r), pool.endPfn(r), true);
        }
        fill(managed, metadataStartPfn, metadataStartPfn + metadataFrames, false);
        System.arraycopy(managed, 0, freeableAlone, 0, words);
        totalFrames = pool.frames() - metadataFrames;
        freeFrames = totalFrames;

        memory.fill(bitmapPaddr, metadataFrames << Addresses.PAGE_SHIFT, 0);
        for (int w = 0; w < words; w++) {
            writeWord(w, ~managed[w]);
        }
        if (Checks.ENABLED) {
            checkInvariants();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    // ---------------------------------------------------------------- single frames

    @Override
    public long allocate() {
        if (freeFrames == 0) {
            return NO_FRAME;
        }
        int w = (int) (nextPfn >>> WORD_SHIFT);
        long word = readWord(w);
        // Bits below next count as taken on the first visit only; after the wrap the word is read whole.
        long search = word | ((1L << nextPfn) - 1);
        for (int visited = 0; search == -1L; visited++) {
            if (visited == words) {
                throw new AssertionError("allocate: " + freeFrames + " frames are free but every bit of the "
                        + words + "-word bitmap at " + Addresses.hex(bitmapPaddr) + " is set");
            }
            w = w + 1 == words ? 0 : w + 1;
            word = readWord(w);
            search = word;
        }
        int bit = Long.numberOfTrailingZeros(~search);
        writeWord(w, word | (1L << bit));
        long pfn = ((long) w << WORD_SHIFT) + bit;
        nextPfn = pfn + 1 == topPfn ? 0 : pfn + 1;
        freeFrames--;
        if (Checks.ENABLED) {
            checkInvariants();
        }
        return pfn;
    }

    @Override
    public void free(long pfn) {
        freeOne("free", pfn);
    }

    private void freeOne(String operation, long pfn) {
        if (pfn < 0 || pfn >= topPfn) {
            throw notAllocated(operation, pfn);
        }
        int w = (int) (pfn >>> WORD_SHIFT);
        long bit = 1L << pfn;
        if ((freeableAlone[w] & bit) == 0) {
            throw notFreeableAlone(operation, pfn, w, bit);
        }
        long word = readWord(w);
        if ((word & bit) == 0) {
            throw notAllocated(operation, pfn);
        }
        writeWord(w, word & ~bit);
        freeFrames++;
        if (Checks.ENABLED) {
            checkInvariants();
        }
    }

    /** Why {@code pfn} cannot be freed alone: not the allocator's, or part of a longer run. */
    private FrameAllocatorException notFreeableAlone(String operation, long pfn, int w, long bit) {
        if ((managed[w] & bit) == 0) {
            return notAllocated(operation, pfn);
        }
        long start = runStartOf(pfn);
        long frames = runLength(start);
        return new FrameAllocatorException(operation + ": frame " + frame(pfn) + " was not allocated alone (state=in the run ["
                + frame(start) + ", +" + frames + " frames)): give the run back with freeRun(" + frame(start) + ", "
                + frames + ")");
    }

    // ---------------------------------------------------------------- runs

    @Override
    public long allocateRun(long frames, long alignFrames) {
        checkRunArguments("allocateRun", frames, alignFrames);
        if (frames > freeFrames) {
            return NO_FRAME;
        }
        long from = 0;
        while (true) {
            long clear = nextClear(from);
            long start = clear + (-clear & (alignFrames - 1));
            if (clear >= topPfn || start > topPfn - frames) {
                return NO_FRAME;
            }
            long blocked = nextSet(start, start + frames);
            if (blocked == start + frames) {
                fillWords(start, start + frames, true);
                if (frames > 1) {
                    fill(runFrames, start, start + frames, true);
                    fill(freeableAlone, start, start + frames, false);
                    runStarts[(int) (start >>> WORD_SHIFT)] |= 1L << start;
                }
                freeFrames -= frames;
                if (Checks.ENABLED) {
                    checkInvariants();
                }
                return start;
            }
            from = blocked + 1;
        }
    }

    @Override
    public void freeRun(long pfn, long frames) {
        if (frames < 1) {
            throw new FrameAllocatorException("freeRun: a run holds at least 1 frame (pfn=" + frame(pfn) + ", frames="
                    + frames + ")");
        }
        if (pfn < 0 || pfn >= topPfn || frames > topPfn - pfn) {
            throw new FrameAllocatorException("freeRun: frames [" + frame(pfn) + ", +" + frames
                    + ") reach outside the bitmap, which covers frames [0, " + frame(topPfn) + ")");
        }
        if (frames == 1) {
            freeOne("freeRun", pfn);
            return;
        }
        int w = (int) (pfn >>> WORD_SHIFT);
        long bit = 1L << pfn;
        if ((runStarts[w] & bit) == 0) {
            throw new FrameAllocatorException("freeRun: frames [" + frame(pfn) + ", +" + frames
                    + ") were not allocated as one run: frame " + frame(pfn) + " is " + stateOf(pfn));
        }
        long actual = runLength(pfn);
        if (actual != frames) {
            throw new FrameAllocatorException("freeRun: the run at frame " + frame(pfn) + " has " + actual
                    + " frames, not " + frames + " (state=in the run [" + frame(pfn) + ", +" + actual + " frames))");
        }
        fillWords(pfn, pfn + frames, false);
        fill(runFrames, pfn, pfn + frames, false);
        fill(freeableAlone, pfn, pfn + frames, true);
        runStarts[w] &= ~bit;
        freeFrames += frames;
        if (Checks.ENABLED) {
            checkInvariants();
        }
    }

    // ---------------------------------------------------------------- views

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long totalFrames() {
        return totalFrames;
    }

    @Override
    public boolean isAllocated(long pfn) {
        if (pfn < 0 || pfn >= topPfn) {
            return false;
        }
        int w = (int) (pfn >>> WORD_SHIFT);
        return (managed[w] & (1L << pfn)) != 0 && (readWord(w) & (1L << pfn)) != 0;
    }

    @Override
    public List<FrameRange> metadataFrames() {
        return metadataFrames == 0 ? List.of()
                : List.of(new FrameRange(metadataStartPfn, metadataStartPfn + metadataFrames));
    }

    /** The physical address of the bitmap's first byte (meaningless when the pool is empty). */
    long bitmapPaddr() {
        return bitmapPaddr;
    }

    /** The bitmap's size in bytes: 8 a word, one bit a frame in {@code [0, top)}, padding bits set. */
    long bitmapBytes() {
        return (long) words * Long.BYTES;
    }

    /** The frame after the last pool frame: the bitmap covers {@code [0, topPfn)}. */
    long topPfn() {
        return topPfn;
    }

    /** Where the next search for one frame starts. */
    long nextFitPfn() {
        return nextPfn;
    }

    @Override
    public List<String> describe() {
        return List.of(
                "bitmap: " + bitmapBytes() + " bytes at " + Addresses.hex(bitmapPaddr) + " (" + metadataFrames
                        + (metadataFrames == 1 ? " frame" : " frames") + " taken from the pool), one bit a frame for frames [0, "
                        + frame(topPfn) + "), 1 = taken",
                "next fit: the next single frame is searched from frame " + frame(nextPfn),
                "runs of two frames or more outstanding: " + countRuns());
    }

    @Override
    public void checkInvariants() {
        long allocated = 0;
        long ones = 0;
        for (int w = 0; w < words; w++) {
            long word = readWord(w);
            long mine = managed[w];
            if (freeableAlone[w] != (mine & ~runFrames[w])) {
                throw new AssertionError("bitmap: word " + w + " of the free-alone mask is 0x"
                        + Long.toHexString(freeableAlone[w]) + ", not managed & ~runFrames = 0x"
                        + Long.toHexString(mine & ~runFrames[w]));
            }
            long wrongClear = ~word & ~mine;
            if (wrongClear != 0) {
                long pfn = ((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(wrongClear);
                throw new AssertionError("bitmap: frame " + frame(pfn) + " is 0 in the bitmap at " + Addresses.hex(bitmapPaddr)
                        + " but is not the allocator's to hand out (" + stateOf(pfn) + ")");
            }
            long strayRun = runFrames[w] & ~(word & mine);
            if (strayRun != 0) {
                long pfn = ((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(strayRun);
                throw new AssertionError("bitmap: frame " + frame(pfn) + " is recorded in a run but is not an allocated pool"
                        + " frame (bit=" + ((word >>> pfn) & 1) + ", managed=" + ((mine >>> pfn) & 1) + ")");
            }
            long continued = runFrames[w] & ~runStarts[w];
            long previous = (runFrames[w] << 1) | (w > 0 ? runFrames[w - 1] >>> 63 : 0);
            long nextContinued = w + 1 < words ? runFrames[w + 1] & ~runStarts[w + 1] : 0;
            long following = (continued >>> 1) | (nextContinued << 63);
            long broken = (runStarts[w] & ~runFrames[w]) | (continued & ~previous) | (runStarts[w] & ~following);
            if (broken != 0) {
                long pfn = ((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(broken);
                throw new AssertionError("bitmap: the run records are broken at frame " + frame(pfn) + " (runFrame="
                        + ((runFrames[w] >>> pfn) & 1) + ", runStart=" + ((runStarts[w] >>> pfn) & 1)
                        + "): every run starts once and holds at least two frames");
            }
            allocated += Long.bitCount(word & mine);
            ones += Long.bitCount(word);
        }
        if (freeFrames < 0 || allocated != totalFrames - freeFrames) {
            throw new AssertionError("bitmap: " + allocated + " pool frames are 1 in the bitmap, but the counts say "
                    + (totalFrames - freeFrames) + " allocated (total=" + totalFrames + ", free=" + freeFrames + ")");
        }
        long taken = (long) words * WORD_BITS - totalFrames;
        if (ones != allocated + taken) {
            throw new AssertionError("bitmap: " + ones + " bits are 1 in the bitmap, expected " + allocated
                    + " allocated + " + taken + " never handed out");
        }
        if (nextPfn < 0 || nextPfn >= Math.max(topPfn, 1)) {
            throw new AssertionError("bitmap: the next-fit position " + frame(nextPfn) + " is outside [0, "
                    + frame(topPfn) + ")");
        }
    }

    // ---------------------------------------------------------------- the bitmap in RAM

    private long readWord(int w) {
        return bitmap.get(w);
    }

    private void writeWord(int w, long value) {
        bitmap.set(w, value);
    }

    /** The first frame at or after {@code pfn} whose bit is 0, or {@code topPfn} when there is none. */
    private long nextClear(long pfn) {
        if (pfn >= topPfn) {
            return topPfn;
        }
        int w = (int) (pfn >>> WORD_SHIFT);
        long clear = ~readWord(w) & (-1L << pfn);
        while (clear == 0) {
            if (++w == words) {
                return topPfn;
            }
            clear = ~readWord(w);
        }
        return Math.min(((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(clear), topPfn);
    }

    /** The first frame in {@code [pfn, limit)} whose bit is 1, or {@code limit} when there is none. */
    private long nextSet(long pfn, long limit) {
        int w = (int) (pfn >>> WORD_SHIFT);
        long set = readWord(w) & (-1L << pfn);
        while (set == 0) {
            if ((long) ++w << WORD_SHIFT >= limit) {
                return limit;
            }
            set = readWord(w);
        }
        return Math.min(((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(set), limit);
    }

    /** Sets or clears the bits of frames {@code [from, to)} in RAM, a word at a time. */
    private void fillWords(long from, long to, boolean set) {
        for (long at = from; at < to; ) {
            int w = (int) (at >>> WORD_SHIFT);
            long end = Math.min(to, ((long) w + 1) << WORD_SHIFT);
            long mask = mask(at, end);
            long word = readWord(w);
            writeWord(w, set ? word | mask : word & ~mask);
            at = end;
        }
    }

    // ---------------------------------------------------------------- the Java-side run records

    /** The first frame of the run holding {@code pfn}, which is a run frame. */
    private long runStartOf(long pfn) {
        long at = pfn;
        while (!isSet(runStarts, at)) {
            at--;
        }
        return at;
    }

    /** The frames of the run starting at {@code startPfn}. */
    private long runLength(long startPfn) {
        long end = startPfn + 1;
        while (end < topPfn && isSet(runFrames, end) && !isSet(runStarts, end)) {
            end++;
        }
        return end - startPfn;
    }

    private long countRuns() {
        long runs = 0;
        for (long word : runStarts) {
            runs += Long.bitCount(word);
        }
        return runs;
    }

    // ---------------------------------------------------------------- messages and checks

    private FrameAllocatorException notAllocated(String operation, long pfn) {
        return new FrameAllocatorException(operation + ": frame " + frame(pfn) + " is not allocated (" + stateOf(pfn) + ")");
    }

    /** {@code state=free}, {@code state=allocator metadata: ...}: what frame {@code pfn} is now. */
    private String stateOf(long pfn) {
        if (pfn < 0 || pfn >= topPfn) {
            return "state=outside the bitmap, which covers frames [0, " + frame(topPfn) + ")";
        }
        if (pfn >= metadataStartPfn && pfn < metadataStartPfn + metadataFrames) {
            return "state=allocator metadata: the bitmap's own frame";
        }
        if (!isSet(managed, pfn)) {
            return "state=reserved: not in the free pool";
        }
        if ((readWord((int) (pfn >>> WORD_SHIFT)) & (1L << pfn)) == 0) {
            return "state=free";
        }
        if (isSet(runFrames, pfn)) {
            long start = runStartOf(pfn);
            return "state=in the run [" + frame(start) + ", +" + runLength(start) + " frames)";
        }
        return "state=allocated alone";
    }

    /** The first frame of the lowest pool run that holds {@code frames} frames of RAM. */
    private static long placeMetadata(PhysicalMemory memory, PoolRuns pool, long frames, long bytes, long topPfn) {
        if (frames == 0) {
            return 0;
        }
        long largest = 0;
        for (int r = 0; r < pool.count(); r++) {
            long start = pool.startPfn(r);
            largest = Math.max(largest, pool.endPfn(r) - start);
            if (pool.endPfn(r) - start >= frames) {
                PoolRuns.requireRam(NAME, memory, r, pool.range(r), start, start + frames, "the bitmap cannot be kept"
                        + " there");
                return start;
            }
        }
        throw new IllegalArgumentException(NAME + ": the bitmap for frames [0, " + frame(topPfn) + ") needs " + bytes
                + " bytes = " + frames + " contiguous free frames, and the largest pool run holds " + largest);
    }
}
