package dev.pagelab.pmm;

import static dev.pagelab.pmm.FrameBits.WORD_SHIFT;
import static dev.pagelab.pmm.FrameBits.countSet;
import static dev.pagelab.pmm.FrameBits.fill;
import static dev.pagelab.pmm.FrameBits.isSet;
import static dev.pagelab.pmm.FrameBits.nextClear;
import static dev.pagelab.pmm.FrameBits.nextSet;
import static dev.pagelab.pmm.PoolRuns.checkRunArguments;
import static dev.pagelab.pmm.PoolRuns.frame;

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
 * the free frames are the list. Unlike xv6, the list is threaded lazily: a frame gets its link
 * when it is first freed, not at start-up (see "The mark").
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li><b>pool</b>: the free frames the boot found ({@code BootReport.freeFrameRanges()});
 *       <b>limit</b>: the frame after the last pool frame;</li>
 *   <li><b>link</b>: the little-endian u32 at offset 0 of a linked free frame: the physical address
 *       ({@code pfn << 12}) of the next free frame, or <b>END</b> = {@code 0xFFFFFFFF}. xv6's
 *       {@code struct run} holds a pointer and ends with {@code NULL}; here address 0 is frame 0,
 *       a valid frame, so the end is an address no frame starts at (it is not 4 KiB aligned);</li>
 *   <li><b>stack</b>: the linked free frames, from <b>head</b> (the top: xv6's
 *       {@code kmem.freelist}, a kernel variable, kept in a Java field) to <b>bottom</b>;</li>
 *   <li><b>mark</b>: the high-water mark, the lowest pool frame never handed out; every pool frame
 *       below it has been handed out at least once. <b>Untouched</b> frames: pool frames never
 *       handed out, the mark's and some above it. They are free and hold no link;</li>
 *   <li><b>run</b>: what one {@link #allocate} or {@link #allocateRun} handed out; a single frame is
 *       a run of one.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * <pre>
 *  pool [0x200, 0x204) and [0x208, 0x20A); allocate (0x200), allocate (0x201), free(0x200):
 *
 *   head = 0x00200000        mark = frame 0x202
 *     |                        |
 *     v  frame 0x200           v  frame 0x202       frame 0x203       frame 0x208       frame 0x209
 *     +--------------+     +--------------+
 *     | 00 20 20 00  |---->|   (no link)  | - - -> 0x203 - - - - -> 0x208 - - - - -> 0x209    untouched:
 *     | (0x00202000) |     |              |        in address order, by the pool's runs         no links
 *     +--------------+     +--------------+
 *      stack: one frame, head = bottom; the bottom's link is the mark's address (END: none left)
 *      frame 0x201: allocated; never linked, its bytes are what they were
 *
 *   beside RAM, in Java, one bit a frame for [0, limit):
 *     pool        1 = a frame of the pool: the allocator's to hand out      never changes
 *     allocated   1 = handed out to a client                               0 = free
 *     continued   1 = allocated as part of the run of the frame before it  (frames 2.. of a run)
 *     touched     1 = handed out at least once: a free touched frame is on the stack, linked
 * </pre>
 *
 * <p><b>Why the bitsets.</b> The list alone cannot catch misuse: to know whether a frame is on
 * it, a C kernel would walk it (O(free frames)), and xv6 does not check at all (a double
 * {@code kfree} makes a cycle and two later {@code kalloc}s return the same page). The bitsets are
 * the simulator's bookkeeping, so that misuse is caught in O(1) and the state is left unchanged,
 * and so that {@link #allocateRun} can find neighbours; they are not part of the algorithm, and
 * they are not in RAM because a learner reading RAM should see exactly the list. They cost 4
 * bits a frame below limit (16 KiB for a 128 MiB machine). A run's size is where the next
 * non-{@code continued} frame begins, as the page-range allocator's first/middle/last marks do.
 *
 * <h2>The mark: a list threaded lazily</h2>
 * xv6's {@code kinit} frees every page of the pool one by one, writing a link into each: the
 * simulated RAM would then store every pool frame (4 GiB of Java heap for a 4 GiB machine, and
 * seconds to write it), where the sparse memory otherwise costs nothing for a page never
 * written. So the list is threaded lazily, as Linux defers the set-up of most of its
 * {@code struct page}s ({@code CONFIG_DEFERRED_STRUCT_PAGE_INIT}): at start the stack is empty
 * and the mark is the first pool frame. The logical list, in the order frames are handed out, is
 * the stack (freed frames, last freed on top) followed by the untouched frames in address order;
 * that is exactly xv6's list with the initial frames linked lowest on top (xv6's
 * {@code freerange} frees from low to high and so hands out the highest frame first; pagelab
 * hands out the lowest first, as the other allocators do). In RAM, the bottom's link is the
 * mark's address, so following the links from head leads to the mark, where the list goes on
 * without links. Construction writes nothing to RAM.
 *
 * <h2>allocate (pop)</h2>
 * <ol>
 *   <li>If the stack is not empty: the frame at head; head = its link (the stack is empty after
 *       the bottom). The frame keeps its old link in its first bytes (xv6 fills a page with junk on
 *       {@code kalloc}; pagelab does not spend 4 KiB of writes on it). The link is checked before
 *       it is followed (see "A list in free memory").</li>
 *   <li>Else, if an untouched frame is left: the mark's frame; mark it touched, and move the mark up
 *       to the next untouched pool frame (skipping frames a run above the mark took). No RAM is
 *       read or written.</li>
 *   <li>Else return {@link #NO_FRAME}.</li>
 *   <li>Mark the frame allocated; one frame less free.</li>
 * </ol>
 *
 * <h2>free (push)</h2>
 * <ol>
 *   <li>Check that the frame is in the pool, allocated, and a run of one (neither it nor the frame
 *       after it is {@code continued}); otherwise throw, naming its state, before anything is
 *       written.</li>
 *   <li>Write head into the frame's link, or the mark's address (END when none) when the stack is
 *       empty, and the frame becomes the bottom; head = the frame; mark it free; one frame more
 *       free.</li>
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
 *   <li>Walk the stack from head, unlinking every touched frame of the run: the link of the frame
 *       before it (or head) is rewritten to the frame after it; the bottom's predecessor becomes
 *       the bottom. Stop when all of them are unlinked. The run's untouched frames are on no
 *       list.</li>
 *   <li>Mark the run allocated and touched, its frames after the first {@code continued}. If it took
 *       the mark's frame, move the mark up, and rewrite the bottom's link to the new mark.</li>
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
 * <h2>A list in free memory</h2>
 * The links lie in frames nobody holds, so kernel code that writes into a free frame (a stray
 * pointer, a use after free through the kernel's linear map) overwrites a link, as it would in
 * xv6. xv6's {@code kalloc} then follows it: it hands out whatever frame the bytes name, often
 * one in use, and the kernel fails much later, far from the write. Here every link is checked
 * against the bitsets before it is followed, in O(1): it must name a free pool frame that is on
 * the stack, not the frame itself (the bottom's must be the mark's address), and the stack must
 * end where its count does. A link that fails is a {@link FrameAllocatorCorruptedException}
 * naming the frame and the bytes, with the allocator unchanged; every later allocation that
 * reaches it throws again. The write itself stays as real as in C: nothing stops it, and
 * {@link #linkBytesIn} tells a caller (the scenario runner) which bytes of a frame are a link,
 * so that it can warn at the write.
 *
 * <p><b>Cost.</b> allocate and free are O(1): one u32 read or write in RAM (none for an untouched
 * frame) and a few bits in Java; the mark only moves up, a 64-bit word of the touched bits at a
 * time, so its moves cost O(pool / 64) in all. allocateRun is O(pool / 64 + frames) for the
 * search and O(stack) for the unlinking walk: a singly linked stack cannot find a frame's
 * predecessor any other way (the walk is made twice, the first time whole, checking the links
 * before any is rewritten). freeRun is O(frames). Memory: RAM pages are written only for frames
 * that were freed at least once; a fresh 4 GiB machine costs no heap for the list.
 * {@link #checkInvariants} walks the whole stack, reading one word in every linked frame, each in
 * a page of its own: a cache miss a frame. So with {@link Checks#ENABLED} a change runs it only
 * while at most {@link #FULL_CHECK_FREE_FRAMES} frames are free, and on every
 * {@link #FULL_CHECK_PERIOD}-th change; the other changes check head, its link, the mark and the
 * counts, in O(1).
 *
 * <p><b>Behind the MMU.</b> Once paging is on the links are still read and written by physical
 * address: no TLB look-up, no A or D bit, no fault. xv6 writes them through {@code P2V}, its
 * direct map of all RAM, which never changes and cannot fault, so going through one would change
 * no result, only take TLB entries. A 32-bit kernel whose RAM outgrows its direct map would have
 * to map each free frame for one store ({@code kmap_atomic}), which is why Linux keeps its lists
 * in {@code struct page}; the package comment says more.
 *
 * <p><b>References.</b> xv6 (x86), {@code kalloc.c}: {@code struct run}, {@code kfree} pushes,
 * {@code kalloc} pops, {@code freerange}; Knuth, TAOCP vol. 1 §2.2.3, the AVAIL stack of free
 * nodes linked through their own LINK fields; Linux {@code mm/page_owner.c} for debug records kept
 * beside the real ones, and {@code mm/mm_init.c} ({@code deferred_init_memmap}) for work on free
 * memory put off until it is needed.
 *
 * <p>Not thread-safe.
 */
final class FreeListFrameAllocator implements FrameAllocator {
    /** The registry name. */
    static final String NAME = "free-list";
    /** What the registry shows of it. */
    static final FrameAllocatorInfo INFO = new FrameAllocatorInfo(NAME,
            "xv6's kalloc: a stack of free frames linked through the frames themselves", true);
    /** The link that ends the list: not 4 KiB aligned, so no frame starts there. */
    static final int END_LINK = 0xFFFF_FFFF;
    /** Where in a free frame its link lies. */
    static final int LINK_OFFSET = 0;

    /** With {@link Checks#ENABLED}, the whole list is walked after every change while this few frames are free. */
    static final long FULL_CHECK_FREE_FRAMES = 1024;
    /** ... and after every this many changes otherwise (a power of two). */
    static final long FULL_CHECK_PERIOD = 1024;

    static final long NONE = FrameBits.NONE;

    // The state, package-private so that FreeListChecks reads it; only this class writes it.
    final PhysicalMemory memory;
    final PoolRuns pool;
    final long limitPfn;
    /** 1 = a pool frame. Never changes. */
    final long[] poolBits;
    /** 1 = allocated to a client. */
    final long[] allocatedBits;
    /** 1 = allocated as part of the run of the frame before it. */
    final long[] continuedBits;
    /** 1 = handed out at least once: below the mark all pool frames; a free touched frame is on the stack. */
    final long[] touchedBits;

    /** The top of the stack, a frame number, or NONE: head = topPfn << 12, or END. */
    long topPfn = NONE;
    /** The last frame of the stack, whose link is the mark's address; NONE when the stack is empty. */
    long bottomPfn = NONE;
    /** Frames on the stack. */
    long stackFrames;
    /** The lowest untouched pool frame, or NONE when every pool frame has been handed out. */
    long markPfn = NONE;
    /** The pool run that holds the mark (pool.count() when there is none). */
    private int markRun;
    /** Untouched pool frames: the mark's and those above it that no run took. */
    long untouchedFrames;
    long freeFrames;
    /** Changes so far, for the schedule of full checks. */
    private long changes;

    /**
     * A free list of every frame of {@code free}, lowest first; writes nothing into RAM (see the
     * class comment: the list is threaded as frames are freed).
     *
     * @param memory the machine's memory; the links are written into it
     * @param free   the pool, runs in address order, not overlapping, inside {@code memory}, RAM
     * @throws IllegalArgumentException when the pool breaks one of those rules
     */
    FreeListFrameAllocator(PhysicalMemory memory, List<FrameRange> free) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.pool = PoolRuns.ofRam(NAME, memory, free, PoolRuns.LINKS_NEED_RAM);
        limitPfn = pool.limitPfn();
        int words = FrameBits.words(limitPfn);
        poolBits = new long[words];
        allocatedBits = new long[words];
        continuedBits = new long[words];
        touchedBits = new long[words];
        for (int r = 0; r < pool.count(); r++) {
            fill(poolBits, pool.startPfn(r), pool.endPfn(r), true);
        }
        markRun = 0;
        markPfn = pool.count() == 0 ? NONE : pool.startPfn(0);
        untouchedFrames = pool.frames();
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
        long pfn;
        if (topPfn != NONE) {
            pfn = pop();
        } else if (markPfn != NONE) {
            pfn = markPfn;
            touchedBits[(int) (pfn >>> WORD_SHIFT)] |= 1L << pfn;
            untouchedFrames--;
            advanceMark();
        } else {
            return NO_FRAME;
        }
        allocatedBits[(int) (pfn >>> WORD_SHIFT)] |= 1L << pfn;
        freeFrames--;
        if (Checks.ENABLED) {
            FreeListChecks.checkAfterChange(this, ++changes);
        }
        return pfn;
    }

    @Override
    public void free(long pfn) {
        checkRunOf("free", pfn, 1);
        push(pfn);
        freeFrames++;
        if (Checks.ENABLED) {
            FreeListChecks.checkAfterChange(this, ++changes);
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
        long linked = countSet(touchedBits, start, end);
        unlink(start, end, linked);
        untouchedFrames -= frames - linked;
        fill(touchedBits, start, end, true);
        fill(allocatedBits, start, end, true);
        fill(continuedBits, start + 1, end, true);
        freeFrames -= frames;
        if (markPfn >= start && markPfn < end) {
            advanceMark();
            if (bottomPfn != NONE) {
                writeLink(bottomPfn, markPfn);
            }
        }
        if (Checks.ENABLED) {
            FreeListChecks.checkAfterChange(this, ++changes);
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
            FreeListChecks.checkAfterChange(this, ++changes);
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
        return pfn >= 0 && pfn < limitPfn && isSet(allocatedBits, pfn);
    }

    /** The frame the next {@link #allocate} hands out: the top of the stack, else the mark, else {@link #NO_FRAME}. */
    long topPfn() {
        return topPfn != NONE ? topPfn : markPfn != NONE ? markPfn : NO_FRAME;
    }

    /** The high-water mark: the lowest pool frame never handed out, or {@link #NO_FRAME}. */
    long markPfn() {
        return markPfn == NONE ? NO_FRAME : markPfn;
    }

    /** Whether {@code pfn} is a frame of the pool. */
    boolean isPoolFrame(long pfn) {
        return pfn >= 0 && pfn < limitPfn && isSet(poolBits, pfn);
    }

    /** Frames on the stack, linked in RAM; the other free frames are untouched, from the mark up. */
    long stackFrames() {
        return stackFrames;
    }

    /** 4 for a free frame on the stack (its link); 0 for an allocated frame, an untouched one (no link yet) or one outside the pool. */
    @Override
    public int linkBytesIn(long pfn) {
        return isPoolFrame(pfn) && !isSet(allocatedBits, pfn) && isSet(touchedBits, pfn) ? Integer.BYTES : 0;
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
                        + " (frame " + frame(topPfn) + ")") + ", " + stackFrames + " frames linked, last freed on top",
                "high-water mark " + (markPfn == NONE ? "none: every pool frame has been handed out"
                        : Addresses.hex(Addresses.pfnToPaddr(markPfn)) + " (frame " + frame(markPfn) + "): "
                        + untouchedFrames + " frames never handed out, free without a link, next in address order"),
                "links: the u32 at offset 0 of each linked frame is the physical address of the next one; the last"
                        + " one's is the mark's, or 0xFFFFFFFF when there is none",
                "misuse checks: 4 bits a frame beside RAM (pool, allocated, continued, touched) for frames [0, "
                        + frame(limitPfn) + "), " + (4L * poolBits.length * Long.BYTES) + " bytes");
    }




    /** Walks the whole stack and the bitsets: see {@link FreeListChecks}. */
    @Override
    public void checkInvariants() {
        FreeListChecks.checkAll(this);
    }

    // ---------------------------------------------------------------- the list in RAM

    /** The link the bottom frame holds: the mark's address, or END when no untouched frame is left. */
    int markLink() {
        return markPfn == NONE ? END_LINK : (int) (markPfn << Addresses.PAGE_SHIFT);
    }

    int readLinkRaw(long pfn) {
        return memory.read32((pfn << Addresses.PAGE_SHIFT) + LINK_OFFSET);
    }

    /** Writes into frame {@code pfn} the link to frame {@code nextPfn} (NONE: END). */
    private void writeLink(long pfn, long nextPfn) {
        memory.write32((pfn << Addresses.PAGE_SHIFT) + LINK_OFFSET,
                nextPfn == NONE ? END_LINK : (int) (nextPfn << Addresses.PAGE_SHIFT));
    }

    /** Takes the top frame off the stack (not empty), its link checked first; the caller marks it allocated. */
    private long pop() {
        long pfn = topPfn;
        long next = nextOnStack("allocate", pfn, stackFrames);
        topPfn = next;
        if (next == NONE) {
            bottomPfn = NONE;
        }
        stackFrames--;
        return pfn;
    }

    /**
     * The frame after linked frame {@code pfn} on the stack, or NONE after the bottom, once its
     * link is known to be one the list may follow: the next frame's address, a free pool frame
     * handed out before (so on the stack), not {@code pfn} itself; in the bottom frame, the mark's
     * address. {@code framesLeft} is how many frames the count says are on the stack from
     * {@code pfn} down: the bottom must be the last of them. A few bit tests and the one read the
     * walk makes anyway; they are what turns a free list overwritten by kernel code (a write into a
     * free frame) into an exception instead of a frame handed out twice.
     *
     * @throws FrameAllocatorCorruptedException naming {@code pfn}, its link and what is wrong with it
     */
    private long nextOnStack(String operation, long pfn, long framesLeft) {
        int raw = readLinkRaw(pfn);
        if (pfn == bottomPfn) {
            if (raw != markLink()) {
                throw corrupted(operation, pfn, raw, "the bottom frame's link must be the mark's address "
                        + Addresses.hex(Integer.toUnsignedLong(markLink())));
            }
            if (framesLeft != 1) {
                throw new FrameAllocatorCorruptedException(operation + ": the free list reaches its bottom frame "
                        + frame(pfn) + " with " + (framesLeft - 1) + " more free frames counted on it: a link"
                        + " skipped them (kernel code wrote into a free frame?)", NONE);
            }
            return NONE;
        }
        if (framesLeft <= 1) {
            throw corrupted(operation, pfn, raw, "frame " + frame(pfn) + " is the last of the frames counted on the"
                    + " list, but the list goes on: its bottom frame is " + frame(bottomPfn));
        }
        if (raw == END_LINK || (raw & Addresses.PAGE_OFFSET_MASK) != 0) {
            throw corrupted(operation, pfn, raw, "that is not the address of a frame");
        }
        long next = Integer.toUnsignedLong(raw) >>> Addresses.PAGE_SHIFT;
        String wrong = next >= limitPfn || !isSet(poolBits, next) ? "frame " + frame(next) + " is not in the pool"
                : isSet(allocatedBits, next) ? "frame " + frame(next) + " is allocated"
                : !isSet(touchedBits, next) ? "frame " + frame(next) + " was never handed out, so it is on no list"
                : next == pfn ? "it names the frame itself" : null;
        if (wrong != null) {
            throw corrupted(operation, pfn, raw, wrong);
        }
        return next;
    }

    private static FrameAllocatorCorruptedException corrupted(String operation, long pfn, int raw, String why) {
        return new FrameAllocatorCorruptedException(operation + ": the free list is corrupt: the link in free frame "
                + frame(pfn) + " (bytes 0-3 at paddr " + Addresses.hex(pfn << Addresses.PAGE_SHIFT) + ") is "
                + Addresses.hex(Integer.toUnsignedLong(raw)) + ", and " + why + " (kernel code wrote into the frame"
                + " while it was free?); the allocator is unchanged and will not follow it", pfn);
    }

    /** Pushes allocated frame {@code pfn} on top and marks it free; the count of free frames is the caller's. */
    private void push(long pfn) {
        if (topPfn == NONE) {
            writeLink(pfn, markPfn);
            bottomPfn = pfn;
        } else {
            writeLink(pfn, topPfn);
        }
        topPfn = pfn;
        stackFrames++;
        allocatedBits[(int) (pfn >>> WORD_SHIFT)] &= ~(1L << pfn);
    }

    /**
     * Unlinks the {@code linked} frames of {@code [start, end)} that are on the stack, walking from
     * the top. A first walk follows the whole stack, checking every link ({@link #nextOnStack}):
     * reaching the bottom in exactly {@code stackFrames} steps proves the links a simple path
     * through every free frame on it (a cycle never reaches the bottom, a skip reaches it too
     * soon), so a corrupt list is found before anything is written, and the second walk, which
     * unlinks, can trust them.
     */
    private void unlink(long start, long end, long linked) {
        long found = 0;
        for (long at = topPfn, left = stackFrames; at != NONE; left--) {
            if (at >= start && at < end) {
                found++;
            }
            at = nextOnStack("allocateRun", at, left);
        }
        if (found != linked) {
            throw new FrameAllocatorCorruptedException("allocateRun: " + found + " free frames of the run [" + frame(start)
                    + ", +" + (end - start) + " frames) are on the free list, not " + linked + " (kernel code wrote"
                    + " into a free frame?)", NONE);
        }
        long remaining = linked;
        long previous = NONE;
        long pfn = topPfn;
        while (remaining > 0) {
            boolean last = pfn == bottomPfn;
            long next = last ? NONE : Integer.toUnsignedLong(readLinkRaw(pfn)) >>> Addresses.PAGE_SHIFT;
            if (pfn >= start && pfn < end) {
                if (previous == NONE) {
                    topPfn = next;
                } else {
                    writeLink(previous, last ? markPfn : next);
                }
                if (last) {
                    bottomPfn = previous;
                }
                stackFrames--;
                remaining--;
            } else {
                previous = pfn;
            }
            pfn = next;
        }
    }

    /** Moves the mark up from its frame (now touched) to the next untouched pool frame, or NONE. */
    private void advanceMark() {
        long from = markPfn;
        while (markRun < pool.count()) {
            long clear = nextClear(touchedBits, Math.max(from, pool.startPfn(markRun)), pool.endPfn(markRun));
            if (clear != NONE) {
                markPfn = clear;
                return;
            }
            markRun++;
        }
        markPfn = NONE;
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
        if (pfn < 0 || pfn >= limitPfn || !isSet(poolBits, pfn) || !isSet(allocatedBits, pfn)) {
            throw new FrameAllocatorException(operation + ": frame " + frame(pfn) + " is not allocated ("
                    + stateOf(pfn) + ")");
        }
        if (isSet(continuedBits, pfn)) {
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
    String stateOf(long pfn) {
        if (pfn < 0 || pfn >= limitPfn || !isSet(poolBits, pfn)) {
            return "state=reserved: not in the free pool";
        }
        if (!isSet(allocatedBits, pfn)) {
            return "state=free";
        }
        long start = runStartOf(pfn);
        long length = runLength(start);
        return length == 1 ? "state=allocated alone" : "state=in the run [" + frame(start) + ", +" + length + " frames)";
    }

    /** The first frame of the run holding allocated frame {@code pfn}. */
    private long runStartOf(long pfn) {
        long at = pfn;
        while (isSet(continuedBits, at)) {
            at--;
        }
        return at;
    }

    /** The frames of the run starting at {@code startPfn}. */
    private long runLength(long startPfn) {
        long end = startPfn + 1;
        while (end < limitPfn && isSet(continuedBits, end)) {
            end++;
        }
        return end - startPfn;
    }

    /** {@code pfn} rounded up to a multiple of {@code alignFrames}; negative when that overflows. */
    private static long alignUp(long pfn, long alignFrames) {
        return (pfn + alignFrames - 1) & -alignFrames;
    }
}
