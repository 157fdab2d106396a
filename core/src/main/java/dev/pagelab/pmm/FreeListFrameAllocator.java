package dev.pagelab.pmm;

import static dev.pagelab.pmm.PoolRuns.checkRunArguments;
import static dev.pagelab.pmm.PoolRuns.frame;

import dev.pagelab.boot.FrameRange;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.PhysicalMemory;
import java.util.List;
import java.util.Objects;

/**
 * xv6's {@code kalloc}: the free frames form a stack linked through the frames themselves. Each
 * free frame holds, in its first four bytes, the physical address of the next free frame;
 * {@link #allocate} pops the top frame, {@link #free} pushes the frame back: the frame freed last
 * is the first handed out again (LIFO). The allocator needs no memory of its own for the list:
 * the free frames are the list.
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li><b>pool</b>: the free frames the boot found ({@code BootReport.freeFrameRanges()});
 *       <b>limit</b>: the frame after the last pool frame;</li>
 *   <li><b>link</b>: the little-endian u32 at offset 0 of a free frame: the physical address
 *       ({@code pfn << 12}) of the next free frame, or <b>END</b> = {@code 0xFFFFFFFF}. xv6's
 *       {@code struct run} holds a pointer and ends with {@code NULL}; here address 0 is frame 0,
 *       a valid frame, so the end is an address no frame starts at (it is not 4 KiB aligned);</li>
 *   <li><b>head</b>: the physical address of the top free frame, or END: xv6's
 *       {@code kmem.freelist}, a kernel variable, kept in a Java field;</li>
 *   <li><b>run</b>: what one {@link #allocate} or {@link #allocateRun} handed out; a single frame is
 *       a run of one.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * <pre>
 *  after construction over [0x200, 0x204) and [0x208, 0x20A), then allocate, allocate, free(0x200):
 *
 *   head = 0x00200000
 *     |
 *     v  frame 0x200         frame 0x202         frame 0x203         frame 0x208         frame 0x209
 *     +--------------+     +--------------+     +--------------+     +--------------+     +--------------+
 *     | 00 20 20 00  |---->| 00 30 20 00  |---->| 00 80 20 00  |---->| 00 90 20 00  |---->| FF FF FF FF  |
 *     | (0x00202000) |     | (0x00203000) |     | (0x00208000) |     | (0x00209000) |     |    (END)     |
 *     +--------------+     +--------------+     +--------------+     +--------------+     +--------------+
 *      rest of the frame: whatever was there     frame 0x201: allocated, its old link still in its first bytes
 *
 *   beside RAM, in Java, one bit a frame for [0, limit):
 *     pool        1 = a frame of the pool: the allocator's to hand out      never changes
 *     allocated   1 = handed out to a client                               0 = free, on the list
 *     continued   1 = allocated as part of the run of the frame before it  (frames 2.. of a run)
 * </pre>
 *
 * <p><b>Why the bitsets.</b> The list alone cannot catch misuse: to know whether a frame is on
 * it, a C kernel would walk it (O(free frames)), and xv6 does not check at all (a double
 * {@code kfree} makes a cycle and two later {@code kalloc}s return the same page). The bitsets are
 * the simulator's bookkeeping, so that misuse is caught in O(1) and the state is left unchanged,
 * and so that {@link #allocateRun} can find neighbours; they are not part of the algorithm, and
 * they are not in RAM because a learner reading RAM should see exactly xv6's list. They cost 3
 * bits a frame below limit (12 KiB for a 128 MiB machine). A run's size is where the next
 * non-{@code continued} frame begins, as the page-range allocator's first/middle/last marks do.
 *
 * <h2>The initial list</h2>
 * In address order, lowest frame on top, so that the first frames handed out are the lowest ones,
 * as with the other allocators. xv6's {@code freerange} frees from low to high and so hands out
 * the highest frame first; pagelab links the same frames the other way round. Construction
 * writes a link into every pool frame: the simulated RAM then stores every pool frame (a 128 MiB
 * machine costs about 128 MiB of Java heap), which the sparse memory otherwise avoids. That is the
 * price of this algorithm, as xv6's {@code kinit} touches every page.
 *
 * <h2>allocate (pop)</h2>
 * <ol>
 *   <li>If head is END, return {@link #NO_FRAME}.</li>
 *   <li>Read the link of the frame at head: the next free frame.</li>
 *   <li>head = that link; mark the frame allocated; one frame less free. The frame keeps its old
 *       link in its first bytes (xv6 fills a page with junk on {@code kalloc}; pagelab does not
 *       spend 4 KiB of writes on it).</li>
 * </ol>
 *
 * <h2>free (push)</h2>
 * <ol>
 *   <li>Check that the frame is in the pool, allocated, and a run of one (neither it nor the frame
 *       after it is {@code continued}); otherwise throw, naming its state, before anything is
 *       written.</li>
 *   <li>Write head into the frame's link; head = the frame; mark it free; one frame more free.</li>
 * </ol>
 *
 * <h2>allocateRun (first fit beside the list)</h2>
 * A list of single frames knows no neighbours, so contiguous runs are found with the bitsets:
 * <ol>
 *   <li>Check the arguments. A run of one frame with alignment 1 is {@link #allocate}: the top of
 *       the stack. If fewer frames are free than asked for, return {@link #NO_FRAME}.</li>
 *   <li>For each pool run, lowest first: the candidate is the run's first frame rounded up to the
 *       alignment. Look for an allocated frame in {@code [candidate, candidate + frames)}, a
 *       64-bit word at a time; none: found. Otherwise the next candidate is that frame + 1,
 *       rounded up. Past the pool run's end: the next pool run. None at all: {@link #NO_FRAME}.</li>
 *   <li>Walk the list from head, unlinking every frame of the run: the link of the frame before it
 *       (or head) is rewritten to the frame after it. Stop when all {@code frames} are unlinked.</li>
 *   <li>Mark the run allocated, its frames after the first {@code continued}.</li>
 * </ol>
 *
 * <h2>freeRun</h2>
 * <ol>
 *   <li>Check that a run of exactly {@code frames} frames starts at {@code pfn}; otherwise throw,
 *       naming the run that is there, before anything is written.</li>
 *   <li>Push its frames from the last to the first, so that the first frame is on top and the run
 *       comes back out in address order; mark them free.</li>
 * </ol>
 *
 * <p><b>Cost.</b> allocate and free are O(1): one u32 read or write in RAM and a bit in Java.
 * allocateRun is O(pool / 64 + frames) for the search and O(free frames) for the unlinking walk:
 * a singly linked stack cannot find a frame's predecessor any other way. freeRun is O(frames).
 * {@link #checkInvariants} walks the whole list, reading one word in every free frame, each in a
 * page of its own: a cache miss a frame, some milliseconds for a 128 MiB machine. So with
 * {@link Checks#ENABLED} a change runs it only while at most {@link #FULL_CHECK_FREE_FRAMES}
 * frames are free, and on every {@link #FULL_CHECK_PERIOD}-th change; the other changes check the
 * top of the list, its link and the counts, in O(1).
 *
 * <p><b>References.</b> xv6 (x86), {@code kalloc.c}: {@code struct run}, {@code kfree} pushes,
 * {@code kalloc} pops, {@code freerange}; Knuth, TAOCP vol. 1 §2.2.3, the AVAIL stack of free
 * nodes linked through their own LINK fields; Linux {@code mm/page_owner.c} for debug records kept
 * beside the real ones.
 *
 * <p>Not thread-safe.
 */
final class FreeListFrameAllocator implements FrameAllocator {
    /** The registry name. */
    static final String NAME = "free-list";
    /** The link that ends the list: not 4 KiB aligned, so no frame starts there. */
    static final int END_LINK = 0xFFFF_FFFF;
    /** Where in a free frame its link lies. */
    static final int LINK_OFFSET = 0;

    /** With {@link Checks#ENABLED}, the whole list is walked after every change while this few frames are free. */
    static final long FULL_CHECK_FREE_FRAMES = 1024;
    /** ... and after every this many changes otherwise (a power of two). */
    static final long FULL_CHECK_PERIOD = 1024;

    private static final int WORD_SHIFT = 6;
    private static final int WORD_BITS = 1 << WORD_SHIFT;
    private static final long NONE = -1;

    private final PhysicalMemory memory;
    private final PoolRuns pool;
    private final long limitPfn;
    /** 1 = a pool frame. Never changes. */
    private final long[] poolBits;
    /** 1 = allocated to a client. */
    private final long[] allocatedBits;
    /** 1 = allocated as part of the run of the frame before it. */
    private final long[] continuedBits;

    /** The top of the stack, a frame number, or NONE: head = topPfn << 12, or END. */
    private long topPfn = NONE;
    private long freeFrames;
    /** Changes so far, for the schedule of full checks. */
    private long changes;

    /**
     * A free list of every frame of {@code free}, lowest on top; writes one link into every pool
     * frame.
     *
     * @param memory the machine's memory; the links are written into it
     * @param free   the pool, runs in address order, not overlapping, inside {@code memory}, RAM
     * @throws IllegalArgumentException when the pool breaks one of those rules; nothing is written then
     */
    FreeListFrameAllocator(PhysicalMemory memory, List<FrameRange> free) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.pool = PoolRuns.of(NAME, memory, free);
        limitPfn = pool.limitPfn();
        int words = (int) ((limitPfn + WORD_BITS - 1) >>> WORD_SHIFT);
        poolBits = new long[words];
        allocatedBits = new long[words];
        continuedBits = new long[words];
        // Linked from the highest frame down, each pushed on top, as kfree would do it.
        for (int r = pool.count() - 1; r >= 0; r--) {
            fill(poolBits, pool.startPfn(r), pool.endPfn(r), true);
            for (long pfn = pool.endPfn(r) - 1; pfn >= pool.startPfn(r); pfn--) {
                writeLink(pfn, topPfn);
                topPfn = pfn;
            }
        }
        freeFrames = pool.frames();
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
        long pfn = topPfn;
        if (pfn == NONE) {
            return NO_FRAME;
        }
        topPfn = readLink(pfn);
        allocatedBits[(int) (pfn >>> WORD_SHIFT)] |= 1L << pfn;
        freeFrames--;
        if (Checks.ENABLED) {
            checkAfterChange();
        }
        return pfn;
    }

    @Override
    public void free(long pfn) {
        checkRunOf("free", pfn, 1);
        push(pfn);
        freeFrames++;
        if (Checks.ENABLED) {
            checkAfterChange();
        }
    }

    // ---------------------------------------------------------------- runs

    @Override
    public long allocateRun(long frames, long alignFrames) {
        checkRunArguments("allocateRun", frames, alignFrames);
        if (frames == 1 && alignFrames == 1) {
            return allocate();
        }
        if (frames > freeFrames) {
            return NO_FRAME;
        }
        long start = findRun(frames, alignFrames);
        if (start == NONE) {
            return NO_FRAME;
        }
        long end = start + frames;
        unlink(start, end);
        fill(allocatedBits, start, end, true);
        fill(continuedBits, start + 1, end, true);
        freeFrames -= frames;
        if (Checks.ENABLED) {
            checkAfterChange();
        }
        return start;
    }

    @Override
    public void freeRun(long pfn, long frames) {
        if (frames < 1) {
            throw new FrameAllocatorException("freeRun: a run holds at least 1 frame (pfn=" + frame(pfn) + ", frames="
                    + frames + ")");
        }
        checkRunOf("freeRun", pfn, frames);
        for (long at = pfn + frames - 1; at >= pfn; at--) {
            push(at);
        }
        fill(continuedBits, pfn + 1, pfn + frames, false);
        freeFrames += frames;
        if (Checks.ENABLED) {
            checkAfterChange();
        }
    }

    // ---------------------------------------------------------------- views

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long totalFrames() {
        return pool.frames();
    }

    @Override
    public boolean isAllocated(long pfn) {
        return pfn >= 0 && pfn < limitPfn && bit(allocatedBits, pfn);
    }

    /** The top of the stack: the frame the next {@link #allocate} hands out, or {@link #NO_FRAME}. */
    long topPfn() {
        return topPfn;
    }

    /** The free list is inside the free frames: no frame is taken for it. */
    @Override
    public List<FrameRange> metadataFrames() {
        return List.of();
    }

    @Override
    public List<String> describe() {
        return List.of(
                "free list: head " + (topPfn == NONE ? "END (empty)" : Addresses.hex(Addresses.pfnToPaddr(topPfn))
                        + " (frame " + frame(topPfn) + ")") + ", " + freeFrames + " frames on the list, last freed on top",
                "links: the u32 at offset 0 of each free frame is the physical address of the next one,"
                        + " 0xFFFFFFFF ends the list",
                "misuse checks: 3 bits a frame beside RAM (pool, allocated, continued) for frames [0, "
                        + frame(limitPfn) + "), " + (3L * poolBits.length * Long.BYTES) + " bytes");
    }

    @Override
    public void checkInvariants() {
        long[] listed = new long[poolBits.length];
        long count = 0;
        long previous = NONE;
        long link = topPfn == NONE ? Integer.toUnsignedLong(END_LINK) : Addresses.pfnToPaddr(topPfn);
        while (link != Integer.toUnsignedLong(END_LINK)) {
            String where = previous == NONE ? "head" : "the link in frame " + frame(previous);
            if ((link & Addresses.PAGE_OFFSET_MASK) != 0) {
                throw new AssertionError("free list: " + where + " is " + Addresses.hex(link)
                        + ", which is neither a frame's address nor END");
            }
            long pfn = Addresses.paddrToPfn(link);
            if (pfn >= limitPfn || !bit(poolBits, pfn)) {
                throw new AssertionError("free list: " + where + " points to frame " + frame(pfn)
                        + ", which is not in the pool");
            }
            if (bit(allocatedBits, pfn)) {
                throw new AssertionError("free list: " + where + " points to frame " + frame(pfn)
                        + ", which is allocated");
            }
            if (bit(listed, pfn)) {
                throw new AssertionError("free list: " + where + " points back to frame " + frame(pfn)
                        + ", which is already on the list: a cycle after " + count + " frames");
            }
            listed[(int) (pfn >>> WORD_SHIFT)] |= 1L << pfn;
            count++;
            previous = pfn;
            link = Integer.toUnsignedLong(readLinkRaw(pfn));
        }
        if (count != freeFrames) {
            throw new AssertionError("free list: " + count + " frames are on the list but freeFrames=" + freeFrames);
        }
        long poolFrames = 0;
        long allocated = 0;
        for (int w = 0; w < poolBits.length; w++) {
            long strayAllocated = allocatedBits[w] & ~poolBits[w];
            long continued = continuedBits[w];
            long previousAllocated = (allocatedBits[w] << 1) | (w > 0 ? allocatedBits[w - 1] >>> 63 : 0);
            long strayContinued = continued & ~(allocatedBits[w] & previousAllocated);
            if (strayAllocated != 0 || strayContinued != 0) {
                long pfn = ((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(strayAllocated | strayContinued);
                throw new AssertionError("free list: frame " + frame(pfn) + " is marked allocated or continued but is "
                        + "not an allocated pool frame after another one (pool=" + (bit(poolBits, pfn) ? 1 : 0)
                        + ", allocated=" + (bit(allocatedBits, pfn) ? 1 : 0) + ", continued="
                        + (bit(continuedBits, pfn) ? 1 : 0) + ")");
            }
            poolFrames += Long.bitCount(poolBits[w]);
            allocated += Long.bitCount(allocatedBits[w]);
        }
        if (poolFrames != pool.frames() || poolFrames - allocated != freeFrames) {
            throw new AssertionError("free list: the bitsets hold " + poolFrames + " pool frames, " + allocated
                    + " allocated, but the counts say total=" + pool.frames() + ", free=" + freeFrames);
        }
    }

    /**
     * The check after a change: the whole list while it is short or every
     * {@link #FULL_CHECK_PERIOD} changes, otherwise the top of the list and the counts.
     */
    private void checkAfterChange() {
        changes++;
        if (freeFrames <= FULL_CHECK_FREE_FRAMES || (changes & (FULL_CHECK_PERIOD - 1)) == 0) {
            checkInvariants();
            return;
        }
        if ((topPfn == NONE) != (freeFrames == 0) || freeFrames < 0 || freeFrames > pool.frames()) {
            throw new AssertionError("free list: head is " + (topPfn == NONE ? "END" : "frame " + frame(topPfn))
                    + " but freeFrames=" + freeFrames + " of " + pool.frames());
        }
        if (topPfn != NONE) {
            if (topPfn >= limitPfn || !bit(poolBits, topPfn) || bit(allocatedBits, topPfn)) {
                throw new AssertionError("free list: head is frame " + frame(topPfn) + ", which is not a free pool frame ("
                        + stateOf(topPfn) + ")");
            }
            long next = readLink(topPfn);
            int raw = readLinkRaw(topPfn);
            if (raw != END_LINK && ((raw & Addresses.PAGE_OFFSET_MASK) != 0 || next >= limitPfn || !bit(poolBits, next)
                    || bit(allocatedBits, next))) {
                throw new AssertionError("free list: the link in the top frame " + frame(topPfn) + " is "
                        + Addresses.hex(Integer.toUnsignedLong(raw)) + ", which is not END or a free pool frame");
            }
        }
    }

    // ---------------------------------------------------------------- the list in RAM

    /** The next frame after {@code pfn} on the list, or NONE: reads its link. */
    private long readLink(long pfn) {
        int link = readLinkRaw(pfn);
        return link == END_LINK ? NONE : Integer.toUnsignedLong(link) >>> Addresses.PAGE_SHIFT;
    }

    private int readLinkRaw(long pfn) {
        return memory.read32((pfn << Addresses.PAGE_SHIFT) + LINK_OFFSET);
    }

    /** Writes into frame {@code pfn} the link to frame {@code nextPfn} (NONE: END). */
    private void writeLink(long pfn, long nextPfn) {
        memory.write32((pfn << Addresses.PAGE_SHIFT) + LINK_OFFSET,
                nextPfn == NONE ? END_LINK : (int) (nextPfn << Addresses.PAGE_SHIFT));
    }

    /** Pushes allocated frame {@code pfn} on top and marks it free; the count is the caller's. */
    private void push(long pfn) {
        writeLink(pfn, topPfn);
        topPfn = pfn;
        allocatedBits[(int) (pfn >>> WORD_SHIFT)] &= ~(1L << pfn);
    }

    /** Unlinks every frame of {@code [start, end)}, all free, walking from the top. */
    private void unlink(long start, long end) {
        long remaining = end - start;
        long previous = NONE;
        long pfn = topPfn;
        while (remaining > 0) {
            long next = readLink(pfn);
            if (pfn >= start && pfn < end) {
                if (previous == NONE) {
                    topPfn = next;
                } else {
                    writeLink(previous, next);
                }
                remaining--;
            } else {
                previous = pfn;
            }
            pfn = next;
        }
    }

    /** The first frame of the lowest aligned run of {@code frames} free frames, or NONE. */
    private long findRun(long frames, long alignFrames) {
        for (int r = 0; r < pool.count(); r++) {
            long end = pool.endPfn(r);
            long candidate = alignUp(pool.startPfn(r), alignFrames);
            while (candidate >= 0 && candidate <= end - frames) {
                long blocked = nextSet(allocatedBits, candidate, candidate + frames);
                if (blocked == NONE) {
                    return candidate;
                }
                candidate = alignUp(blocked + 1, alignFrames);
            }
        }
        return NONE;
    }

    // ---------------------------------------------------------------- checks and messages

    /**
     * Throws unless a run of exactly {@code frames} frames, allocated as one, starts at
     * {@code pfn}; {@code frames} is at least 1.
     */
    private void checkRunOf(String operation, long pfn, long frames) {
        if (pfn < 0 || pfn >= limitPfn || !bit(poolBits, pfn) || !bit(allocatedBits, pfn)) {
            throw new FrameAllocatorException(operation + ": frame " + frame(pfn) + " is not allocated ("
                    + stateOf(pfn) + ")");
        }
        if (bit(continuedBits, pfn)) {
            long start = runStartOf(pfn);
            long length = runLength(start);
            throw new FrameAllocatorException(operation + ": frame " + frame(pfn) + " does not start a run (state=in "
                    + "the run [" + frame(start) + ", +" + length + " frames)): give the run back with freeRun("
                    + frame(start) + ", " + length + ")");
        }
        long length = runLength(pfn);
        if (length != frames) {
            throw new FrameAllocatorException(operation + ": the run at frame " + frame(pfn) + " has " + length
                    + (length == 1 ? " frame" : " frames") + ", not " + frames + " (state=in the run [" + frame(pfn)
                    + ", +" + length + " frames))" + (length > 1 && frames == 1 ? ": give it back with freeRun("
                    + frame(pfn) + ", " + length + ")" : ""));
        }
    }

    /** {@code state=free}, {@code state=reserved: ...}: what frame {@code pfn} is now. */
    private String stateOf(long pfn) {
        if (pfn < 0 || pfn >= limitPfn || !bit(poolBits, pfn)) {
            return "state=reserved: not in the free pool";
        }
        if (!bit(allocatedBits, pfn)) {
            return "state=free";
        }
        long start = runStartOf(pfn);
        long length = runLength(start);
        return length == 1 ? "state=allocated alone" : "state=in the run [" + frame(start) + ", +" + length + " frames)";
    }

    /** The first frame of the run holding allocated frame {@code pfn}. */
    private long runStartOf(long pfn) {
        long at = pfn;
        while (bit(continuedBits, at)) {
            at--;
        }
        return at;
    }

    /** The frames of the run starting at {@code startPfn}. */
    private long runLength(long startPfn) {
        long end = startPfn + 1;
        while (end < limitPfn && bit(continuedBits, end)) {
            end++;
        }
        return end - startPfn;
    }

    // ---------------------------------------------------------------- bits

    /** {@code pfn} rounded up to a multiple of {@code alignFrames}; negative when that overflows. */
    private static long alignUp(long pfn, long alignFrames) {
        return (pfn + alignFrames - 1) & -alignFrames;
    }

    private static boolean bit(long[] bits, long pfn) {
        return (bits[(int) (pfn >>> WORD_SHIFT)] & (1L << pfn)) != 0;
    }

    /** The first set bit in {@code [from, to)}, or NONE; {@code to} is at most the bits' length. */
    private static long nextSet(long[] bits, long from, long to) {
        int w = (int) (from >>> WORD_SHIFT);
        long word = bits[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                long pfn = ((long) w << WORD_SHIFT) + Long.numberOfTrailingZeros(word);
                return pfn < to ? pfn : NONE;
            }
            if ((long) ++w << WORD_SHIFT >= to) {
                return NONE;
            }
            word = bits[w];
        }
    }

    /** Sets or clears bits {@code [from, to)}. */
    private static void fill(long[] bits, long from, long to, boolean set) {
        for (long at = from; at < to; ) {
            int w = (int) (at >>> WORD_SHIFT);
            long end = Math.min(to, ((long) w + 1) << WORD_SHIFT);
            long count = end - at;
            long mask = (count == WORD_BITS ? -1L : (1L << count) - 1) << at;
            bits[w] = set ? bits[w] | mask : bits[w] & ~mask;
            at = end;
        }
    }
}
