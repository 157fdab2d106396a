package dev.pagelab.pmm;

import static dev.pagelab.pmm.FrameBits.WORD_SHIFT;
import static dev.pagelab.pmm.FrameBits.isSet;
import static dev.pagelab.pmm.FrameBits.nextClear;
import static dev.pagelab.pmm.FreeListFrameAllocator.END_LINK;
import static dev.pagelab.pmm.FreeListFrameAllocator.FULL_CHECK_FREE_FRAMES;
import static dev.pagelab.pmm.FreeListFrameAllocator.FULL_CHECK_PERIOD;
import static dev.pagelab.pmm.FreeListFrameAllocator.NONE;
import static dev.pagelab.pmm.PoolRuns.frame;

import dev.pagelab.hw.Addresses;

/**
 * The invariant checks of a {@link FreeListFrameAllocator}, kept apart from the allocator so that
 * its class holds the algorithm: the whole stack walked against the bitsets, the mark, and the
 * O(1) check after each change. Nothing here writes: the allocator's state is read through its
 * package-private fields, which only the allocator changes. They run only with
 * {@link dev.pagelab.hw.Checks#ENABLED} or when a test asks.
 */
final class FreeListChecks {
    private FreeListChecks() {
    }

    /** {@link FreeListFrameAllocator#checkInvariants}: the whole stack, the mark, the bitsets and the counts. */
    static void checkAll(FreeListFrameAllocator a) {
        long[] listed = new long[a.poolBits.length];
        long count = 0;
        long previous = NONE;
        long pfn = a.topPfn;
        while (pfn != NONE) {
            String where = previous == NONE ? "head" : "the link in frame " + frame(previous);
            if (pfn >= a.limitPfn || !isSet(a.poolBits, pfn)) {
                throw new AssertionError("free list: " + where + " points to frame " + frame(pfn)
                        + ", which is not in the pool");
            }
            if (isSet(a.allocatedBits, pfn)) {
                throw new AssertionError("free list: " + where + " points to frame " + frame(pfn)
                        + ", which is allocated");
            }
            if (isSet(listed, pfn)) {
                throw new AssertionError("free list: " + where + " points back to frame " + frame(pfn)
                        + ", which is already on the list: a cycle after " + count + " frames");
            }
            if (!isSet(a.touchedBits, pfn)) {
                throw new AssertionError("free list: " + where + " points to frame " + frame(pfn)
                        + ", which was never handed out (it belongs after the mark, not on the stack)");
            }
            listed[(int) (pfn >>> WORD_SHIFT)] |= 1L << pfn;
            count++;
            int raw = a.readLinkRaw(pfn);
            if (pfn == a.bottomPfn) {
                if (raw != a.markLink()) {
                    throw new AssertionError("free list: the link in the bottom frame " + frame(pfn) + " is "
                            + Addresses.hex(Integer.toUnsignedLong(raw)) + ", not the mark's "
                            + Addresses.hex(Integer.toUnsignedLong(a.markLink())));
                }
                break;
            }
            if (raw == END_LINK || (raw & Addresses.PAGE_OFFSET_MASK) != 0) {
                throw new AssertionError("free list: the link in frame " + frame(pfn) + " is "
                        + Addresses.hex(Integer.toUnsignedLong(raw)) + ", which is neither a frame's address nor,"
                        + " in the bottom frame " + (a.bottomPfn == NONE ? "(none)" : frame(a.bottomPfn))
                        + ", the mark's");
            }
            previous = pfn;
            pfn = Integer.toUnsignedLong(raw) >>> Addresses.PAGE_SHIFT;
        }
        if (count != a.stackFrames || (a.topPfn == NONE) != (a.bottomPfn == NONE)
                || (a.stackFrames == 0) != (a.topPfn == NONE)) {
            throw new AssertionError("free list: " + count + " frames are on the list from head to bottom "
                    + (a.bottomPfn == NONE ? "(none)" : frame(a.bottomPfn)) + " but stackFrames=" + a.stackFrames);
        }
        checkMark(a);
        long poolFrames = 0;
        long allocated = 0;
        long untouched = 0;
        for (int w = 0; w < a.poolBits.length; w++) {
            long strayAllocated = a.allocatedBits[w] & ~a.poolBits[w];
            long continued = a.continuedBits[w];
            long previousAllocated = (a.allocatedBits[w] << 1) | (w > 0 ? a.allocatedBits[w - 1] >>> 63 : 0);
            long strayContinued = continued & ~(a.allocatedBits[w] & previousAllocated);
            long strayTouched = (a.touchedBits[w] & ~a.poolBits[w]) | (a.allocatedBits[w] & ~a.touchedBits[w]);
            long unlisted = a.poolBits[w] & a.touchedBits[w] & ~a.allocatedBits[w] & ~listed[w];
            if (strayAllocated != 0 || strayContinued != 0 || strayTouched != 0 || unlisted != 0) {
                long bad = ((long) w << WORD_SHIFT)
                        + Long.numberOfTrailingZeros(strayAllocated | strayContinued | strayTouched | unlisted);
                throw new AssertionError("free list: frame " + frame(bad) + " breaks the bitsets: allocated or"
                        + " continued outside an allocated run, allocated and never handed out, or free, handed out"
                        + " before and not on the list (pool=" + (isSet(a.poolBits, bad) ? 1 : 0) + ", allocated="
                        + (isSet(a.allocatedBits, bad) ? 1 : 0) + ", continued=" + (isSet(a.continuedBits, bad) ? 1 : 0)
                        + ", touched=" + (isSet(a.touchedBits, bad) ? 1 : 0) + ", listed=" + (isSet(listed, bad) ? 1 : 0) + ")");
            }
            poolFrames += Long.bitCount(a.poolBits[w]);
            allocated += Long.bitCount(a.allocatedBits[w]);
            untouched += Long.bitCount(a.poolBits[w] & ~a.touchedBits[w]);
        }
        if (poolFrames != a.pool.frames() || poolFrames - allocated != a.freeFrames || untouched != a.untouchedFrames
                || a.stackFrames + a.untouchedFrames != a.freeFrames) {
            throw new AssertionError("free list: the bitsets hold " + poolFrames + " pool frames, " + allocated
                    + " allocated, " + untouched + " untouched, but the counts say total=" + a.pool.frames() + ", free="
                    + a.freeFrames + ", untouched=" + a.untouchedFrames + ", on the stack=" + a.stackFrames);
        }
    }

    /** The mark is the lowest untouched pool frame: every pool frame below it is touched. */
    private static void checkMark(FreeListFrameAllocator a) {
        long expected = NONE;
        for (int r = 0; r < a.pool.count() && expected == NONE; r++) {
            expected = nextClear(a.touchedBits, a.pool.startPfn(r), a.pool.endPfn(r));
        }
        if (expected != a.markPfn) {
            throw new AssertionError("free list: the mark is " + (a.markPfn == NONE ? "none" : "frame " + frame(a.markPfn))
                    + " but the lowest pool frame never handed out is " + (expected == NONE ? "none"
                    : "frame " + frame(expected)));
        }
    }

    /**
     * The check after a change: the whole list while it is short or every
     * {@link #FULL_CHECK_PERIOD} changes, otherwise head, its link, the mark and the counts.
     */
    static void checkAfterChange(FreeListFrameAllocator a, long changes) {
        if (a.freeFrames <= FULL_CHECK_FREE_FRAMES || (changes & (FULL_CHECK_PERIOD - 1)) == 0) {
            checkAll(a);
            return;
        }
        if ((a.topPfn == NONE) != (a.stackFrames == 0) || (a.markPfn == NONE) != (a.untouchedFrames == 0)
                || a.stackFrames + a.untouchedFrames != a.freeFrames || a.freeFrames < 0 || a.freeFrames > a.pool.frames()) {
            throw new AssertionError("free list: head is " + (a.topPfn == NONE ? "END" : "frame " + frame(a.topPfn))
                    + ", the mark " + (a.markPfn == NONE ? "none" : "frame " + frame(a.markPfn)) + ", but stackFrames="
                    + a.stackFrames + ", untouched=" + a.untouchedFrames + ", freeFrames=" + a.freeFrames + " of "
                    + a.pool.frames());
        }
        if (a.markPfn != NONE && (isSet(a.touchedBits, a.markPfn) || !isSet(a.poolBits, a.markPfn))) {
            throw new AssertionError("free list: the mark is frame " + frame(a.markPfn) + ", which is not an untouched"
                    + " pool frame");
        }
        if (a.topPfn != NONE) {
            if (a.topPfn >= a.limitPfn || !isSet(a.poolBits, a.topPfn) || isSet(a.allocatedBits, a.topPfn) || !isSet(a.touchedBits, a.topPfn)) {
                throw new AssertionError("free list: head is frame " + frame(a.topPfn) + ", which is not a free pool frame"
                        + " on the stack (" + a.stateOf(a.topPfn) + ")");
            }
            int raw = a.readLinkRaw(a.topPfn);
            long next = Integer.toUnsignedLong(raw) >>> Addresses.PAGE_SHIFT;
            boolean ok = a.topPfn == a.bottomPfn ? raw == a.markLink() : raw != END_LINK
                    && (raw & Addresses.PAGE_OFFSET_MASK) == 0 && next < a.limitPfn && isSet(a.poolBits, next)
                    && !isSet(a.allocatedBits, next) && isSet(a.touchedBits, next);
            if (!ok) {
                throw new AssertionError("free list: the link in the top frame " + frame(a.topPfn) + " is "
                        + Addresses.hex(Integer.toUnsignedLong(raw)) + ", which is not the next linked frame or, in"
                        + " the bottom frame, the mark's address");
            }
        }
    }
}
