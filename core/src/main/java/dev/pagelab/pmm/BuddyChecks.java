package dev.pagelab.pmm;

import static dev.pagelab.pmm.BuddyFrameAllocator.BUDDY;
import static dev.pagelab.pmm.BuddyFrameAllocator.END_LINK;
import static dev.pagelab.pmm.BuddyFrameAllocator.FREE;
import static dev.pagelab.pmm.BuddyFrameAllocator.FULL_CHECK_FRAMES;
import static dev.pagelab.pmm.BuddyFrameAllocator.FULL_CHECK_PERIOD;
import static dev.pagelab.pmm.BuddyFrameAllocator.LINK_MASK;
import static dev.pagelab.pmm.BuddyFrameAllocator.MAX_ORDER;
import static dev.pagelab.pmm.BuddyFrameAllocator.NEXT_OFFSET;
import static dev.pagelab.pmm.BuddyFrameAllocator.NONE;
import static dev.pagelab.pmm.BuddyFrameAllocator.ORDER_MASK;
import static dev.pagelab.pmm.BuddyFrameAllocator.OUTSIDE;
import static dev.pagelab.pmm.BuddyFrameAllocator.PREV_OFFSET;
import static dev.pagelab.pmm.BuddyFrameAllocator.RUN_FIRST;
import static dev.pagelab.pmm.BuddyFrameAllocator.RUN_MORE;
import static dev.pagelab.pmm.PoolRuns.frame;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.List;

/**
 * What reads the whole state of a {@link BuddyFrameAllocator} to verify it or to explain it, kept
 * apart from the allocator so that its class holds the algorithm: the invariant checks (every
 * list walked against the page array, and the cheap check after each change), the check that a
 * run given back is one the allocator handed out, and the {@code state=...} text of a frame that
 * every misuse message carries. Nothing here writes: the allocator's state is read through its
 * package-private fields, which only the allocator changes. None of it is on the path of
 * {@code allocate} and {@code free} of an allocated frame.
 */
final class BuddyChecks {
    private BuddyChecks() {
    }

    /** {@link BuddyFrameAllocator#checkInvariants}: every list, the page array and the counts, O(limit). */
    static void checkAll(BuddyFrameAllocator a) {
        long[] listed = new long[(int) ((a.limitPfn + 63) >>> 6)];
        long listedFrames = 0;
        long listedBlocks = 0;
        for (int k = 0; k <= MAX_ORDER; k++) {
            if ((a.heads[k] != NONE) != ((a.nonEmptyOrders & (1 << k)) != 0)) {
                throw new AssertionError("buddy: list " + k + " has head " + frame(a.heads[k])
                        + " but the non-empty mask is " + Integer.toBinaryString(a.nonEmptyOrders));
            }
            long count = 0;
            long previous = NONE;
            for (long pfn = a.heads[k]; pfn != NONE; ) {
                String where = "list " + k + (previous == NONE ? ": head" : ": the next link of block " + frame(previous));
                if (pfn < 0 || pfn >= a.limitPfn || a.pages[(int) pfn] != (byte) (BUDDY | k)) {
                    throw new AssertionError("buddy: " + where + " is frame " + frame(pfn) + ", which is not the first "
                            + "frame of a free block of order " + k + " (" + stateOf(a, pfn) + ")");
                }
                if ((pfn & ((1L << k) - 1)) != 0) {
                    throw new AssertionError("buddy: " + where + " is frame " + frame(pfn) + ", not a multiple of 2^" + k);
                }
                if ((listed[(int) (pfn >>> 6)] & (1L << pfn)) != 0) {
                    throw new AssertionError("buddy: " + where + " is frame " + frame(pfn) + ", which is already listed:"
                            + " a cycle after " + count + " blocks");
                }
                listed[(int) (pfn >>> 6)] |= 1L << pfn;
                long links = a.memory.read64(Addresses.pfnToPaddr(pfn) + NEXT_OFFSET);
                int nextLink = (int) links;
                int prevLink = (int) (links >>> 32);
                if (prevLink != BuddyFrameAllocator.link(previous)) {
                    throw new AssertionError("buddy: list " + k + ": block " + frame(pfn) + " has prev "
                            + Addresses.hex(prevLink & LINK_MASK) + ", expected " + Addresses.hex(BuddyFrameAllocator.link(previous) & LINK_MASK));
                }
                if (nextLink != END_LINK && (nextLink & Addresses.PAGE_OFFSET_MASK) != 0) {
                    throw new AssertionError("buddy: list " + k + ": block " + frame(pfn) + " has next "
                            + Addresses.hex(nextLink & LINK_MASK) + ", which is neither a frame's address nor END");
                }
                count++;
                previous = pfn;
                pfn = BuddyFrameAllocator.pfnOf(nextLink);
            }
            if (count != a.freeBlocks[k]) {
                throw new AssertionError("buddy: list " + k + " holds " + count + " blocks but freeBlocks(" + k + ")="
                        + a.freeBlocks[k]);
            }
            listedBlocks += count;
            listedFrames += count << k;
        }
        if (listedFrames != a.freeFrames) {
            throw new AssertionError("buddy: the lists hold " + listedFrames + " frames but freeFrames=" + a.freeFrames);
        }
        long blocksFound = 0;
        long allocated = 0;
        long gapStart = 0;
        for (int r = 0; r < a.pool.count(); r++) {
            for (long pfn = gapStart; pfn < a.pool.startPfn(r); pfn++) {
                if (a.pages[(int) pfn] != OUTSIDE) {
                    throw new AssertionError("buddy: frame " + frame(pfn) + " is not in the pool but the page array says "
                            + stateOf(a, pfn));
                }
            }
            long end = a.pool.endPfn(r);
            for (long pfn = a.pool.startPfn(r); pfn < end; ) {
                int state = a.pages[(int) pfn];
                if ((state & ~ORDER_MASK) == BUDDY) {
                    int k = state & ORDER_MASK;
                    long blockEnd = pfn + (1L << k);
                    if (k > MAX_ORDER || (pfn & ((1L << k) - 1)) != 0 || blockEnd > end) {
                        throw new AssertionError("buddy: the free block at frame " + frame(pfn) + " of order " + k
                                + " is not aligned to its order or does not lie inside its pool run [" + frame(a.pool.startPfn(r))
                                + ", " + frame(end) + ")");
                    }
                    if ((listed[(int) (pfn >>> 6)] & (1L << pfn)) == 0) {
                        throw new AssertionError("buddy: the free block at frame " + frame(pfn) + " of order " + k
                                + " is not on list " + k);
                    }
                    for (long inside = pfn + 1; inside < blockEnd; inside++) {
                        if (a.pages[(int) inside] != FREE) {
                            throw new AssertionError("buddy: frame " + frame(inside) + " lies inside the free block ["
                                    + frame(pfn) + ", +" + (1L << k) + " frames) but the page array says " + stateOf(a, inside));
                        }
                    }
                    long buddy = pfn ^ (1L << k);
                    if (k < MAX_ORDER && buddy < a.limitPfn && a.pages[(int) buddy] == (byte) (BUDDY | k)) {
                        throw new AssertionError("buddy: the free blocks at frames " + frame(pfn) + " and " + frame(buddy)
                                + " are buddies of order " + k + " but were not merged");
                    }
                    blocksFound++;
                    pfn = blockEnd;
                } else if (state == RUN_FIRST) {
                    do {
                        allocated++;
                        pfn++;
                    } while (pfn < end && a.pages[(int) pfn] == RUN_MORE);
                } else {
                    throw new AssertionError("buddy: pool frame " + frame(pfn) + " is neither in a free block nor in an "
                            + "allocated run (page array " + String.format("0x%02x", state) + ")");
                }
            }
            gapStart = end;
        }
        if (blocksFound != listedBlocks || allocated != a.pool.frames() - a.freeFrames) {
            throw new AssertionError("buddy: the page array holds " + blocksFound + " free blocks and " + allocated
                    + " allocated frames, but the lists hold " + listedBlocks + " blocks and the counts say total="
                    + a.pool.frames() + ", free=" + a.freeFrames);
        }
    }

    /**
     * The check after a change: the full check for a small pool or every {@code FULL_CHECK_PERIOD}
     * changes; otherwise the first block of every list and its neighbour, and the counts.
     */
    static void checkAfterChange(BuddyFrameAllocator a, long changes) {
        if (a.limitPfn <= FULL_CHECK_FRAMES || (changes & (FULL_CHECK_PERIOD - 1)) == 0) {
            checkAll(a);
            return;
        }
        long frames = 0;
        for (int k = 0; k <= MAX_ORDER; k++) {
            long pfn = a.heads[k];
            boolean empty = pfn == NONE;
            if (empty != (a.freeBlocks[k] == 0) || empty == ((a.nonEmptyOrders & (1 << k)) != 0)) {
                throw new AssertionError("buddy: list " + k + " has head " + frame(pfn) + ", freeBlocks(" + k + ")="
                        + a.freeBlocks[k] + ", non-empty mask " + Integer.toBinaryString(a.nonEmptyOrders));
            }
            if (!empty) {
                long links = a.memory.read64(Addresses.pfnToPaddr(pfn) + NEXT_OFFSET);
                long next = BuddyFrameAllocator.pfnOf((int) links);
                if (a.pages[(int) pfn] != (byte) (BUDDY | k) || (pfn & ((1L << k) - 1)) != 0 || (int) (links >>> 32) != END_LINK
                        || next != NONE && (next >= a.limitPfn || a.pages[(int) next] != (byte) (BUDDY | k)
                        || a.memory.read32(Addresses.pfnToPaddr(next) + PREV_OFFSET) != BuddyFrameAllocator.link(pfn))) {
                    throw new AssertionError("buddy: list " + k + " starts with block " + frame(pfn) + " (" + stateOf(a, pfn)
                            + ", links " + Long.toHexString(links) + "), which is not a well-linked free block of order " + k);
                }
            }
            frames += a.freeBlocks[k] << k;
        }
        if (frames != a.freeFrames) {
            throw new AssertionError("buddy: the lists hold " + frames + " frames but freeFrames=" + a.freeFrames);
        }
    }

    /**
     * Throws unless a run of exactly {@code frames} frames, allocated as one, starts at
     * {@code pfn}; {@code frames} is at least 1.
     */
    static void checkRunOf(BuddyFrameAllocator a, String operation, long pfn, long frames) {
        if (!a.isAllocated(pfn)) {
            throw new FrameAllocatorException(operation + ": frame " + frame(pfn) + " is not allocated ("
                    + stateOf(a, pfn) + ")");
        }
        if (a.pages[(int) pfn] == RUN_MORE) {
            long start = runStartOf(a, pfn);
            long length = runLength(a, start);
            throw new FrameAllocatorException(operation + ": frame " + frame(pfn) + " does not start a run (state=in "
                    + "the run [" + frame(start) + ", +" + length + " frames)): give the run back with freeRun("
                    + frame(start) + ", " + length + ")");
        }
        long length = runLength(a, pfn);
        if (length != frames) {
            throw new FrameAllocatorException(operation + ": the run at frame " + frame(pfn) + " has " + length
                    + (length == 1 ? " frame" : " frames") + ", not " + frames + " (state=in the run [" + frame(pfn)
                    + ", +" + length + " frames))" + (length > 1 && frames == 1 ? ": give it back with freeRun("
                    + frame(pfn) + ", " + length + ")" : ""));
        }
    }

    /** {@code state=free, ...}, {@code state=reserved: ...}: what frame {@code pfn} is now. */
    static String stateOf(BuddyFrameAllocator a, long pfn) {
        int state = pfn < 0 || pfn >= a.limitPfn ? OUTSIDE : a.pages[(int) pfn];
        if (state == OUTSIDE) {
            return "state=reserved: not in the free pool";
        }
        if (state == RUN_FIRST || state == RUN_MORE) {
            long start = runStartOf(a, pfn);
            long length = runLength(a, start);
            return length == 1 ? "state=allocated alone" : "state=in the run [" + frame(start) + ", +" + length + " frames)";
        }
        if (state == FREE || (state & ~ORDER_MASK) == BUDDY) {
            long head = state == FREE ? a.blockHeadOfOrNone(pfn) : pfn;
            if (head != NONE) {
                int order = a.pages[(int) head] & ORDER_MASK;
                return "state=free, in the free block [" + frame(head) + ", +" + (1L << order) + " frames) of order "
                        + order;
            }
        }
        return "state=corrupt page array entry " + String.format("0x%02x", state);
    }

    /** The first frame of the run holding allocated frame {@code pfn}. */
    private static long runStartOf(BuddyFrameAllocator a, long pfn) {
        long at = pfn;
        while (at > 0 && a.pages[(int) at] == RUN_MORE) {
            at--;
        }
        return at;
    }

    /** The frames of the run starting at {@code startPfn}. */
    private static long runLength(BuddyFrameAllocator a, long startPfn) {
        long end = startPfn + 1;
        while (end < a.limitPfn && a.pages[(int) end] == RUN_MORE) {
            end++;
        }
        return end - startPfn;
    }

    /** {@link BuddyFrameAllocator#describe}: the free blocks by order, where the lists and the page array are. */
    static List<String> describe(BuddyFrameAllocator a) {
        StringBuilder counts = new StringBuilder();
        for (int k = 0; k <= MAX_ORDER; k++) {
            counts.append(k == 0 ? "" : " ").append(a.freeBlocks[k]);
        }
        return List.of(
                "free blocks by order 0.." + MAX_ORDER + " (4 KiB .. 4 MiB): " + counts,
                "free lists: doubly linked through the first 8 bytes of each free block (u32 next, u32 prev:"
                        + " physical addresses, 0xFFFFFFFF = none); the list heads are kernel variables",
                "page array: 1 byte a frame beside RAM for frames [0, " + frame(a.limitPfn) + "), " + a.pages.length
                        + " bytes: free-block heads with their order, allocated runs");
    }

    /** The free blocks of every order, lowest order first, each list in its order: for tests and pictures. */
    static List<List<Long>> freeLists(BuddyFrameAllocator a) {
        List<List<Long>> out = new ArrayList<>();
        for (int k = 0; k <= MAX_ORDER; k++) {
            List<Long> list = new ArrayList<>();
            for (long pfn = a.heads[k]; pfn != NONE; pfn = BuddyFrameAllocator.pfnOf(a.memory.read32(Addresses.pfnToPaddr(pfn) + NEXT_OFFSET))) {
                list.add(pfn);
            }
            out.add(list);
        }
        return out;
    }
}
