package dev.pagelab.pmm;

import static dev.pagelab.pmm.PoolRuns.checkRunArguments;
import static dev.pagelab.pmm.PoolRuns.frame;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.PhysicalMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The binary buddy system of Linux's page allocator: free memory is kept as naturally aligned
 * blocks of 2<sup>k</sup> frames, one free list per order k from 0 to {@link #MAX_ORDER}; a
 * request takes the smallest free block that fits and splits it in halves, and a freed block
 * merges with its buddy, the other half of the block they were split from, as long as that
 * buddy is free and whole.
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li><b>order</b> k, 0 ≤ k ≤ {@link #MAX_ORDER} = 10: a block of 2<sup>k</sup> frames, 4 KiB to
 *       4 MiB (Linux's {@code MAX_PAGE_ORDER}, called {@code MAX_ORDER} before 6.4, where it was one
 *       more and exclusive);</li>
 *   <li><b>block</b> (p, k): frames {@code [p, p + 2^k)}, p a multiple of 2<sup>k</sup>;</li>
 *   <li><b>buddy</b> of (p, k): (p XOR 2<sup>k</sup>, k), the other half of the block (p AND NOT
 *       2<sup>k</sup>, k + 1) that holds both;</li>
 *   <li><b>pool</b>: the free frames the boot found, runs in address order (touching runs count as
 *       one); <b>limit</b>: the frame after the last pool frame;</li>
 *   <li><b>link</b>: a little-endian u32 physical address ({@code pfn << 12}) of a free block, or
 *       <b>END</b> = {@code 0xFFFFFFFF}, which no block starts at: address 0 is frame 0, a valid
 *       block, so it cannot be the end as {@code NULL} is in C;</li>
 *   <li><b>run</b>: what one {@link #allocate} or {@link #allocateRun} handed out; a single frame is
 *       a run of one.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * <pre>
 *  the first frame of a free block of order k (the other 2^k - 1 frames are not touched):
 *    offset 0        4        8                                          4096
 *          +--------+--------+----------------- ... --------------------+
 *          |  next  |  prev  |  whatever was there                        |
 *          +--------+--------+----------------- ... --------------------+
 *    next, prev: links to the neighbouring free blocks of the same order (END at the ends)
 *
 *  the free lists: head[k] in Java (Linux's zone-&gt;free_area[k], a kernel variable), the rest in RAM
 *    head[9] ──► (0x200, 9) ⇄ (0x7c00, 9) ──► END        prev of the first block is END
 *    head[5] ──► (0x7fc0, 5) ──► END
 *
 *  splitting a block of order 3 at 0x200 to hand out one frame (Linux's expand()):
 *    frame  0x200 0x201 0x202 0x203 0x204 0x205 0x206 0x207
 *          [  A  | o0  |    o1     |           o2          ]
 *    A is handed out; the high halves (0x204, 2), (0x202, 1), (0x201, 0) go on the lists of
 *    orders 2, 1, 0. Freeing A merges it back: 0x200 ^ 1 = 0x201, 0x200 ^ 2 = 0x202, 0x200 ^ 4 = 0x204.
 *
 *  beside RAM, in Java, the page array: one byte a frame for [0, limit), Linux's mem_map of
 *  struct page reduced to what the buddy system reads (PageBuddy and page-&gt;private = order):
 *    0x00       not in the pool: reserved by the boot, a hole, a gap between runs
 *    0x01       free, inside a free block but not its first frame
 *    0x10 | k   the first frame of a free block of order k
 *    0x02       the first frame of an allocated run
 *    0x03       allocated, a frame after the first of its run
 * </pre>
 *
 * <p><b>Where the state lives.</b> The links are in the free blocks, so that a dump of RAM shows
 * the lists, and so that a buddy can be taken off its list in O(1) without a walk: that is
 * Knuth's layout (TAOCP vol. 1 §2.5, Algorithm R: LINKF, LINKB in the block's first word). Linux
 * links {@code struct page} instead (the {@code buddy_list} in {@code mem_map}), and so does this
 * allocator for the rest: whether a frame heads a free block, of which order, and which frames
 * are allocated as one run sit in the page array. Knuth puts the TAG and KVAL in the block too;
 * they are kept beside RAM here because merging asks "is my buddy a free block of order k?"
 * on every free, and one byte load answers it, where a read of the buddy's RAM would also need
 * a tag that allocated memory cannot be trusted to hold. The array costs one byte a frame (32
 * KiB for a 128 MiB machine).
 *
 * <h2>Construction</h2>
 * Each pool run is carved into maximal naturally aligned blocks, lowest first: at frame x, the
 * largest k ≤ {@link #MAX_ORDER} with x a multiple of 2<sup>k</sup> and x + 2<sup>k</sup> inside
 * the run. So no block spans a hole, a reserved frame or a gap between runs, and no two free
 * buddies of the same order exist. Blocks are appended to their list, so that each list starts
 * in address order and the first blocks handed out are the lowest ones. Only the blocks' first
 * frames are written: a 128 MiB pool is 36 blocks.
 *
 * <h2>allocate (one frame; a run takes the same path with order k)</h2>
 * <ol>
 *   <li>Find the smallest order j ≥ k whose list is not empty: one bit a list, one
 *       {@code numberOfTrailingZeros}. None: {@link #NO_FRAME}.</li>
 *   <li>Take the first block (p, j) off list j: head[j] = its next, the new first block's prev =
 *       END.</li>
 *   <li>While j &gt; k: j = j - 1; the high half (p + 2<sup>j</sup>, j) becomes a free block, pushed
 *       on list j. The low half is split further or handed out.</li>
 *   <li>Mark p (and the rest of the run) allocated.</li>
 * </ol>
 *
 * <h2>free (one frame; freeRun frees each block of the run the same way)</h2>
 * <ol>
 *   <li>Check that a run of exactly that many frames starts there; otherwise throw, naming the
 *       frame's state, before anything is written.</li>
 *   <li>Mark its frames free. k = its order.</li>
 *   <li>While k &lt; {@link #MAX_ORDER} and the buddy b = p XOR 2<sup>k</sup> is below limit and
 *       the first frame of a free block of order k (one load from the page array; a frame outside
 *       the pool never is): take b off list k (O(1): its own prev and next), p = p AND NOT
 *       2<sup>k</sup>, k = k + 1.</li>
 *   <li>Push (p, k) on list k.</li>
 * </ol>
 *
 * <h2>allocateRun(frames, align)</h2>
 * <ol>
 *   <li>Check the arguments; more frames than are free: {@link #NO_FRAME}.</li>
 *   <li>k = the larger of ⌈log2 frames⌉ and log2 align. If k ≤ {@link #MAX_ORDER} and a block of
 *       order k or more is free, take one as {@link #allocate} does: its first frame is a multiple
 *       of 2<sup>k</sup>, so of align. Hand out its first {@code frames} frames and give the rest
 *       back as the maximal aligned blocks it holds (Linux's {@code alloc_pages_exact}), so that
 *       exactly {@code frames} frames are allocated.</li>
 *   <li>Otherwise (k &gt; {@link #MAX_ORDER}, or free memory too fragmented for a block of order
 *       k): search the page array, lowest first, for {@code frames} free frames in one pool run
 *       starting at a multiple of align, skipping whole free blocks and allocated runs. None:
 *       {@link #NO_FRAME}. Found: take every free block that overlaps the run off its list and give
 *       back the parts outside the run (Linux's {@code alloc_contig_range}).</li>
 * </ol>
 * A run is given back by {@link #freeRun} as the maximal aligned blocks it holds, each freed and
 * merged as above. Since merging is eager and carving maximal, the free blocks are always the
 * same function of the free frames: after everything is freed the lists hold the blocks of
 * construction again.
 *
 * <p><b>Links in free memory.</b> Kernel code that writes into the first bytes of a free block
 * (a stray pointer, a use after free through the kernel's linear map) overwrites its links, as
 * in Linux. Following them would write a neighbour's link into whatever frame they name, so the
 * links of every block are checked before a call follows or rewrites them (the head's at
 * allocate, the buddies' before free merges, every free block of the order-10 blocks around a
 * run that freeRun gives back, the blocks a run takes): each must be END or name the
 * first frame of another free block of the same order, prev END exactly at the head, and a block
 * alone on its list must be the only one counted. A link that fails is a
 * {@link FrameAllocatorCorruptedException} before anything changed. These are checks on the page
 * array beside one read of the block's 8 bytes: they catch a link that names no free block, not
 * one overwritten with the address of another free block of its order.
 *
 * <p><b>Cost.</b> allocate and free are O({@link #MAX_ORDER}): at most ten splits or merges, each a
 * few u32 accesses in RAM and a byte in the page array. allocateRun and freeRun add O(frames) for
 * marking the run; the search of step 3 is O(pool). {@link #checkInvariants} walks every list and
 * the page array, O(limit). With {@link Checks#ENABLED} a change runs it when limit is at most
 * {@code FULL_CHECK_FRAMES}, and on every {@code FULL_CHECK_PERIOD}-th change; the other changes
 * check the first block of every list, its neighbour's back link and the counts, O(MAX_ORDER), so
 * that whole-pool tests on a 128 MiB machine stay fast. Not done, as in Linux:
 * migrate types, per-CPU lists, putting a block at a list's tail when its buddy's merge is near.
 *
 * <p><b>Behind the MMU.</b> Once paging is on the links in the free blocks are still read and
 * written by physical address: no TLB look-up, no A or D bit, no fault. They stand for accesses
 * through a kernel mapping of all RAM that never changes and cannot fault, so going through one
 * would change no result, only take TLB entries. Linux keeps the links in {@code struct page}
 * ({@code mem_map}, in its direct map) so that it never touches a free page, highmem included;
 * the page array here plays that part but lives in Java. The package comment says more.
 *
 * <p><b>References.</b> Linux {@code mm/page_alloc.c}: {@code __rmqueue_smallest}, {@code expand},
 * {@code __free_one_page}, {@code __find_buddy_pfn} (pfn ^ (1 &lt;&lt; order)),
 * {@code alloc_pages_exact}, {@code alloc_contig_range}, and {@code memblock_free_all} for the
 * carving into aligned blocks; Knuth, TAOCP vol. 1 §2.5, the buddy system (Algorithms R and S);
 * Netty's {@code PoolChunk} for the style of this comment.
 *
 * <p>Not thread-safe.
 */
public final class BuddyFrameAllocator implements FrameAllocator {
    /** The registry name. */
    public static final String NAME = "buddy";
    /** What the registry shows of it. */
    public static final FrameAllocatorInfo INFO = new FrameAllocatorInfo(NAME,
            "Linux's binary buddy system: free blocks of 2^k frames, orders 0 to 10", true);
    /** The largest order: blocks of 2^10 frames, 4 MiB. Orders run from 0 to this, inclusive. */
    public static final int MAX_ORDER = 10;
    /** The link that ends a list: not 4 KiB aligned, so no block starts there. */
    static final int END_LINK = 0xFFFF_FFFF;
    /** Where in a free block's first frame the link to the next block lies. */
    static final int NEXT_OFFSET = 0;
    /** Where in a free block's first frame the link to the previous block lies. */
    static final int PREV_OFFSET = 4;

    /** Page array: not in the pool. */
    static final byte OUTSIDE = 0x00;
    /** Page array: free, inside a free block, not its first frame. */
    static final byte FREE = 0x01;
    /** Page array: the first frame of an allocated run. */
    static final byte RUN_FIRST = 0x02;
    /** Page array: allocated, after the first frame of its run. */
    static final byte RUN_MORE = 0x03;
    /** Page array: the first frame of a free block, ORed with its order. */
    static final byte BUDDY = 0x10;
    static final int ORDER_MASK = 0x0F;

    /** With {@link Checks#ENABLED}, the full check runs after every change when limit is at most this. */
    static final long FULL_CHECK_FRAMES = 8192;
    /** ... and after every this many changes otherwise (a power of two). */
    static final long FULL_CHECK_PERIOD = 1024;

    static final long NONE = -1;
    static final long LINK_MASK = 0xFFFF_FFFFL;

    // The state, package-private so that BuddyChecks reads it; only this class writes it.
    final PhysicalMemory memory;
    final PoolRuns pool;
    final long limitPfn;
    /** Indexed by frame number: see the class comment. */
    final byte[] pages;
    /** The first block of each list, a frame number, or NONE. */
    final long[] heads = new long[MAX_ORDER + 1];
    final long[] freeBlocks = new long[MAX_ORDER + 1];
    /** Bit k set when list k is not empty. */
    int nonEmptyOrders;
    long freeFrames;
    /** Changes so far, for the schedule of full checks. */
    private long changes;

    /**
     * A buddy system over {@code free}, carved into maximal aligned blocks; writes the links of each
     * block's first frame.
     *
     * @param memory the machine's memory; the links are written into it
     * @param free   the pool, runs in address order, not overlapping, inside {@code memory}, RAM
     * @throws IllegalArgumentException when the pool breaks one of those rules; nothing is written then
     */
    BuddyFrameAllocator(PhysicalMemory memory, List<FrameRange> free) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.pool = PoolRuns.ofRam(NAME, memory, free, PoolRuns.LINKS_NEED_RAM);
        limitPfn = pool.limitPfn();
        pages = new byte[(int) limitPfn];
        Arrays.fill(heads, NONE);
        long[] tails = new long[MAX_ORDER + 1];
        Arrays.fill(tails, NONE);
        for (int r = 0; r < pool.count(); r++) {
            long end = pool.endPfn(r);
            Arrays.fill(pages, (int) pool.startPfn(r), (int) end, FREE);
            for (long pfn = pool.startPfn(r); pfn < end; ) {
                int order = maximalOrder(pfn, end);
                append(order, pfn, tails);
                pfn += 1L << order;
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
        int orders = nonEmptyOrders;
        if (orders == 0) {
            return NO_FRAME;
        }
        long pfn = takeBlock(Integer.numberOfTrailingZeros(orders), 0);
        pages[(int) pfn] = RUN_FIRST;
        freeFrames--;
        if (Checks.ENABLED) {
            BuddyChecks.checkAfterChange(this, ++changes);
        }
        return pfn;
    }

    @Override
    public void free(long pfn) {
        if (pfn < 0 || pfn >= limitPfn || pages[(int) pfn] != RUN_FIRST
                || (pfn + 1 < limitPfn && pages[(int) pfn + 1] == RUN_MORE)) {
            BuddyChecks.checkRunOf(this, "free", pfn, 1); // throws: the one-frame run is not there; off the fast path
        }
        checkMerges(pfn, 0);
        pages[(int) pfn] = FREE;
        freeFrames++;
        freeBlock(pfn, 0);
        if (Checks.ENABLED) {
            BuddyChecks.checkAfterChange(this, ++changes);
        }
    }

    // ---------------------------------------------------------------- runs

    @Override
    public long allocateRun(long frames, long alignFrames) {
        checkRunArguments("allocateRun", frames, alignFrames);
        if (frames > freeFrames) {
            return NO_FRAME;
        }
        int order = Math.max(64 - Long.numberOfLeadingZeros(frames - 1), Long.numberOfTrailingZeros(alignFrames));
        long pfn = NONE;
        if (order <= MAX_ORDER) {
            int orders = nonEmptyOrders & (-1 << order);
            if (orders != 0) {
                pfn = takeBlock(Integer.numberOfTrailingZeros(orders), order);
                markRun(pfn, frames);
                // The rest of the block, FREE already, goes back as the blocks it holds.
                freeRange(pfn + frames, pfn + (1L << order));
            }
        }
        if (pfn == NONE) {
            pfn = findRun(frames, alignFrames);
            if (pfn == NONE) {
                return NO_FRAME;
            }
            takeRange(pfn, pfn + frames);
        }
        freeFrames -= frames;
        if (Checks.ENABLED) {
            BuddyChecks.checkAfterChange(this, ++changes);
        }
        return pfn;
    }

    @Override
    public void freeRun(long pfn, long frames) {
        if (frames < 1) {
            throw new FrameAllocatorException("freeRun: a run holds at least 1 frame (pfn=" + frame(pfn) + ", frames="
                    + frames + ")");
        }
        BuddyChecks.checkRunOf(this, "freeRun", pfn, frames);
        checkFreeBlocksAround(pfn, pfn + frames);
        Arrays.fill(pages, (int) pfn, (int) (pfn + frames), FREE);
        freeFrames += frames;
        freeRange(pfn, pfn + frames);
        if (Checks.ENABLED) {
            BuddyChecks.checkAfterChange(this, ++changes);
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
        return pfn >= 0 && pfn < limitPfn && (pages[(int) pfn] == RUN_FIRST || pages[(int) pfn] == RUN_MORE);
    }

    /**
     * How many free blocks of {@code order} there are: the length of free list {@code order}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= order <= MAX_ORDER}
     */
    public long freeBlocks(int order) {
        if (order < 0 || order > MAX_ORDER) {
            throw new IllegalArgumentException("freeBlocks: order " + order + " is outside [0, " + MAX_ORDER + "]");
        }
        return freeBlocks[order];
    }

    /** The order of the free block whose first frame is {@code pfn}, or -1 when no free block starts there. */
    public int freeBlockOrder(long pfn) {
        if (pfn < 0 || pfn >= limitPfn || (pages[(int) pfn] & ~ORDER_MASK) != BUDDY) {
            return -1;
        }
        return pages[(int) pfn] & ORDER_MASK;
    }

    /** 8 (the next and prev links) for the first frame of a free block, 0 for any other frame. */
    @Override
    public int linkBytesIn(long pfn) {
        return freeBlockOrder(pfn) >= 0 ? PREV_OFFSET + Integer.BYTES : 0;
    }

    /** The buddy system keeps its lists inside the free blocks: no frame is taken for them. */
    @Override
    public List<FrameRange> metadataFrames() {
        return List.of();
    }




    /** Walks every list and the page array, O(limit): see {@link BuddyChecks}. */
    @Override
    public void checkInvariants() {
        BuddyChecks.checkAll(this);
    }

    @Override
    public List<String> describe() {
        return BuddyChecks.describe(this);
    }

    /** The free blocks of every order, lowest order first, each list in its order: for tests and pictures. */
    List<List<Long>> freeLists() {
        return BuddyChecks.freeLists(this);
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Takes the first block off list {@code from} and splits it down to order {@code to}, the high
     * halves onto the lists. Returns its first frame, whose page-array byte the caller sets.
     */
    private long takeBlock(int from, int to) {
        long pfn = popHead(from);
        for (int k = from - 1; k >= to; k--) {
            push(k, pfn + (1L << k));
        }
        return pfn;
    }

    /**
     * Checks the links of every free block that freeing block (pfn, order) merges with, before
     * anything changes: the chain of its buddies that are free blocks.
     */
    private void checkMerges(long pfn, int order) {
        for (int k = order; k < MAX_ORDER; k++) {
            long buddy = (pfn & -(1L << k)) ^ (1L << k);
            if (buddy >= limitPfn || pages[(int) buddy] != (byte) (BUDDY | k)) {
                return;
            }
            checkLinks(k, buddy);
        }
    }

    /**
     * Checks the links of every free block in the blocks of order {@link #MAX_ORDER} that hold
     * {@code [start, end)}: the only ones that freeing the range can merge with, before anything
     * changes. O(2^MAX_ORDER) page-array bytes at most per end of the range.
     */
    private void checkFreeBlocksAround(long start, long end) {
        long to = Math.min(limitPfn, (end + (1L << MAX_ORDER) - 1) & -(1L << MAX_ORDER));
        for (long pfn = start & -(1L << MAX_ORDER); pfn < to; pfn++) {
            int state = pages[(int) pfn];
            if ((state & ~ORDER_MASK) == BUDDY) {
                checkLinks(state & ORDER_MASK, pfn);
                pfn += (1L << (state & ORDER_MASK)) - 1;
            }
        }
    }

    /** Frees block (pfn, order), whose frames are marked FREE, merging it with its buddies (whose links the caller checked). */
    private void freeBlock(long pfn, int order) {
        int k = order;
        long p = pfn;
        while (k < MAX_ORDER) {
            long buddy = p ^ (1L << k);
            if (buddy >= limitPfn || pages[(int) buddy] != (byte) (BUDDY | k)) {
                break;
            }
            unlink(k, buddy);
            pages[(int) buddy] = FREE;
            p &= ~(1L << k);
            k++;
        }
        push(k, p);
    }

    /** Frees {@code [start, end)}, marked FREE and counted, as the maximal aligned blocks it holds. */
    private void freeRange(long start, long end) {
        for (long pfn = start; pfn < end; ) {
            int order = maximalOrder(pfn, end);
            freeBlock(pfn, order);
            pfn += 1L << order;
        }
    }

    /** The largest order of a block that starts at {@code pfn} and ends by {@code end}. */
    private static int maximalOrder(long pfn, long end) {
        return Math.min(MAX_ORDER, Math.min(Long.numberOfTrailingZeros(pfn), 63 - Long.numberOfLeadingZeros(end - pfn)));
    }

    /** Marks {@code [pfn, pfn + frames)} as one allocated run. */
    private void markRun(long pfn, long frames) {
        pages[(int) pfn] = RUN_FIRST;
        Arrays.fill(pages, (int) pfn + 1, (int) (pfn + frames), RUN_MORE);
    }

    /**
     * The first frame of the lowest run of {@code frames} free frames inside one pool run that
     * starts at a multiple of {@code alignFrames}, or NONE.
     */
    private long findRun(long frames, long alignFrames) {
        for (int r = 0; r < pool.count(); r++) {
            long end = pool.endPfn(r);
            long candidate = alignUp(pool.startPfn(r), alignFrames);
            while (candidate >= 0 && candidate <= end - frames) {
                long blocked = firstAllocated(candidate, candidate + frames);
                if (blocked == NONE) {
                    return candidate;
                }
                candidate = alignUp(blocked + 1, alignFrames);
            }
        }
        return NONE;
    }

    /** The first allocated frame in {@code [from, to)}, pool frames all; NONE when all are free. */
    private long firstAllocated(long from, long to) {
        long pfn = from;
        while (pfn < to) {
            int state = pages[(int) pfn];
            if (state == RUN_FIRST || state == RUN_MORE) {
                return pfn;
            }
            long head = state == FREE ? blockHeadOf(pfn) : pfn;
            pfn = head + (1L << (pages[(int) head] & ORDER_MASK));
        }
        return NONE;
    }

    /** The first frame of the free block holding free frame {@code pfn}. */
    private long blockHeadOf(long pfn) {
        long head = blockHeadOfOrNone(pfn);
        if (head == NONE) {
            throw new AssertionError("buddy: free frame " + frame(pfn) + " lies in no free block");
        }
        return head;
    }

    /**
     * Allocates {@code [start, end)}, all free, as one run: the free blocks overlapping it leave
     * their lists and their parts outside it are given back. The count is the caller's.
     */
    private void takeRange(long start, long end) {
        for (long pfn = start; pfn < end; ) {
            long head = blockHeadOf(pfn);
            int order = pages[(int) head] & ORDER_MASK;
            checkLinks(order, head);
            pfn = head + (1L << order);
        }
        long before = NONE;
        long after = NONE;
        for (long pfn = start; pfn < end; ) {
            long head = blockHeadOf(pfn);
            int order = pages[(int) head] & ORDER_MASK;
            unlink(order, head);
            pages[(int) head] = FREE;
            if (head < start) {
                before = head;
            }
            pfn = head + (1L << order);
            if (pfn > end) {
                after = pfn;
            }
        }
        markRun(start, end - start);
        if (before != NONE) {
            freeRange(before, start);
        }
        if (after != NONE) {
            freeRange(end, after);
        }
    }

    // ---------------------------------------------------------------- the lists in RAM

    /** Pushes block (pfn, order) on top of list {@code order} and marks its first frame. */
    private void push(int order, long pfn) {
        long old = heads[order];
        long paddr = pfn << Addresses.PAGE_SHIFT;
        memory.write64(paddr + NEXT_OFFSET, (link(old) & LINK_MASK) | ((long) END_LINK << 32));
        if (old != NONE) {
            memory.write32((old << Addresses.PAGE_SHIFT) + PREV_OFFSET, (int) paddr);
        } else {
            nonEmptyOrders |= 1 << order;
        }
        heads[order] = pfn;
        freeBlocks[order]++;
        pages[(int) pfn] = (byte) (BUDDY | order);
    }

    /** Appends block (pfn, order) at the end of list {@code order}, whose last block is {@code tails[order]}. */
    private void append(int order, long pfn, long[] tails) {
        long tail = tails[order];
        long paddr = pfn << Addresses.PAGE_SHIFT;
        memory.write64(paddr + NEXT_OFFSET, LINK_MASK | ((long) link(tail) << 32));
        if (tail != NONE) {
            memory.write32((tail << Addresses.PAGE_SHIFT) + NEXT_OFFSET, (int) paddr);
        } else {
            heads[order] = pfn;
            nonEmptyOrders |= 1 << order;
        }
        tails[order] = pfn;
        freeBlocks[order]++;
        pages[(int) pfn] = (byte) (BUDDY | order);
    }

    /**
     * Checks the links of free block (pfn, order) before a call follows or rewrites them: each is
     * END or the address of the first frame of another free block of the same order (the page
     * array says which frames are), prev is END exactly when the block is the list's head, and a
     * block alone on its list is the only one the count has. Kernel code that wrote into the free
     * block's first bytes (a stray pointer, a use after free) fails one of these far more often
     * than not; following such a link would write a neighbour's link into whatever frame it
     * names. Bytes of RAM read: the block's 8; the rest is the page array.
     *
     * @throws FrameAllocatorCorruptedException naming the block, its links and what is wrong
     */
    private void checkLinks(int order, long pfn) {
        long links = memory.read64((pfn << Addresses.PAGE_SHIFT) + NEXT_OFFSET);
        int nextLink = (int) links;
        int prevLink = (int) (links >>> 32);
        String wrong = prevLink == END_LINK ? heads[order] != pfn ? "its prev link is END but the head of the list is "
                + (heads[order] == NONE ? "END" : frame(heads[order])) : null
                : heads[order] == pfn ? "it is the head of the list but its prev link is not END"
                : notABlock("prev", prevLink, order, pfn);
        if (wrong == null) {
            wrong = nextLink == END_LINK ? prevLink == END_LINK && freeBlocks[order] != 1 ? "it has neither neighbour,"
                    + " but the list counts " + freeBlocks[order] + " blocks" : null
                    : notABlock("next", nextLink, order, pfn);
        }
        if (wrong != null) {
            throw new FrameAllocatorCorruptedException("buddy: the free list of order " + order + " is corrupt: the"
                    + " links in free block " + frame(pfn) + " (bytes 0-7 at paddr " + Addresses.hex(pfn << Addresses.PAGE_SHIFT)
                    + ": next " + Addresses.hex(Integer.toUnsignedLong(nextLink)) + ", prev "
                    + Addresses.hex(Integer.toUnsignedLong(prevLink)) + ") cannot be followed: " + wrong + " (kernel code"
                    + " wrote into the frame while it was free?); the allocator is unchanged", pfn);
        }
    }

    /** Why {@code link}, the {@code which} link of block {@code pfn}, names no other free block of {@code order}; null when it does. */
    private String notABlock(String which, int link, int order, long pfn) {
        if ((link & Addresses.PAGE_OFFSET_MASK) != 0) {
            return "its " + which + " link is not the address of a frame";
        }
        long other = pfnOf(link);
        if (other == pfn) {
            return "its " + which + " link names the block itself";
        }
        return other < limitPfn && pages[(int) other] == (byte) (BUDDY | order) ? null
                : "its " + which + " link names frame " + frame(other) + ", which starts no free block of order " + order;
    }

    /** Takes the first block off list {@code order}, which is not empty; its page-array byte is the caller's. */
    private long popHead(int order) {
        long pfn = heads[order];
        checkLinks(order, pfn);
        long next = pfnOf(memory.read32((pfn << Addresses.PAGE_SHIFT) + NEXT_OFFSET));
        heads[order] = next;
        if (next != NONE) {
            memory.write32((next << Addresses.PAGE_SHIFT) + PREV_OFFSET, END_LINK);
        } else {
            nonEmptyOrders &= ~(1 << order);
        }
        freeBlocks[order]--;
        return pfn;
    }

    /** Takes block {@code pfn} off list {@code order}, wherever it is: O(1) through its own links. */
    private void unlink(int order, long pfn) {
        long links = memory.read64((pfn << Addresses.PAGE_SHIFT) + NEXT_OFFSET);
        int nextLink = (int) links;
        int prevLink = (int) (links >>> 32);
        if (prevLink == END_LINK) {
            heads[order] = pfnOf(nextLink);
            if (nextLink == END_LINK) {
                nonEmptyOrders &= ~(1 << order);
            }
        } else {
            memory.write32(Integer.toUnsignedLong(prevLink) + NEXT_OFFSET, nextLink);
        }
        if (nextLink != END_LINK) {
            memory.write32(Integer.toUnsignedLong(nextLink) + PREV_OFFSET, prevLink);
        }
        freeBlocks[order]--;
    }

    /** The link to block {@code pfn}, or END for NONE. */
    static int link(long pfn) {
        return pfn == NONE ? END_LINK : (int) (pfn << Addresses.PAGE_SHIFT);
    }

    /** The block a link points to, or NONE for END. */
    static long pfnOf(int link) {
        return link == END_LINK ? NONE : Integer.toUnsignedLong(link) >>> Addresses.PAGE_SHIFT;
    }

    // ---------------------------------------------------------------- the page array

    /** The first frame of the free block holding {@code pfn}, or NONE when no free block holds it. */
    long blockHeadOfOrNone(long pfn) {
        for (int k = 0; k <= MAX_ORDER; k++) {
            long head = pfn & -(1L << k);
            int state = pages[(int) head];
            if ((state & ~ORDER_MASK) == BUDDY && head + (1L << (state & ORDER_MASK)) > pfn) {
                return head;
            }
        }
        return NONE;
    }

    /** {@code pfn} rounded up to a multiple of {@code alignFrames}; negative when that overflows. */
    private static long alignUp(long pfn, long alignFrames) {
        return (pfn + alignFrames - 1) & -alignFrames;
    }

}
