package dev.pagelab.heap;

import dev.pagelab.hw.Addresses;
import dev.pagelab.vmm.KernelMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Walks over the heap's blocks, apart from the algorithm in {@link KernelHeap}: kfree's header
 * check (the chunk that holds a pointer, block by block from its start), and, for views and
 * checks, every block of every chunk in address order, the free list, and the invariant check.
 * They read the headers as {@link KernelHeap} lays them out. Only the header check runs on the
 * kfree path; the others cost the heap's size and run for observers (and, when
 * {@link dev.pagelab.hw.Checks#ENABLED}, after every change).
 */
final class HeapWalk {
    /** What the heap keeps count of, for the check to compare with what it counts itself. */
    record Counts(long liveUnits, long liveBlocks, long requestedBytes, long framesHeld, long unmappedPages) {
    }

    private HeapWalk() {
    }

    /** The first block header of a chunk: the first chunk starts with base, the list head. */
    static long firstBlock(long chunk, long base) {
        return chunk == base ? chunk + KernelHeap.UNIT_BYTES : chunk;
    }

    /**
     * The header check of kfree and krealloc: walks the chunk that holds {@code vaddr} block by
     * block from its start, and returns the units of the live block whose caller's address is
     * {@code vaddr}.
     *
     * @throws IllegalArgumentException naming the pointer and what is there instead, when it is
     *                                  not a live block
     */
    static int liveBlockUnits(String operation, long vaddr, BlockHeaders headers, ChunkTable chunks, long base) {
        int chunk = chunks.indexOf(vaddr - KernelHeap.UNIT_BYTES);
        if (chunk == ChunkTable.NONE) {
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not in the heap (chunks: "
                    + chunks + ")");
        }
        if ((vaddr & (KernelHeap.UNIT_BYTES - 1)) != 0) {
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not 8-aligned: no block starts there");
        }
        long end = chunks.end(chunk);
        long h = firstBlock(chunks.start(chunk), base);
        while (h < vaddr - KernelHeap.UNIT_BYTES) {
            int size = headers.sizeOf(h);
            if (size < 1 || h + (long) size * KernelHeap.UNIT_BYTES > end) {
                throw new IllegalStateException(operation + ": heap corrupted: the block header at " + hex(h)
                        + " says " + size + " units, past the chunk's end " + hex(end));
            }
            h += (long) size * KernelHeap.UNIT_BYTES;
        }
        if (h != vaddr - KernelHeap.UNIT_BYTES) {
            long inside = lastHeaderBefore(headers, firstBlock(chunks.start(chunk), base), vaddr);
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not the start of a block: it lies"
                    + " inside the " + (headers.isAllocated(inside) ? "live block whose header is at " + hex(inside)
                    : "free block whose header is at " + hex(inside) + " (freed already, and merged?)"));
        }
        if (!headers.isAllocated(h)) {
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not a live block: it is free"
                    + " (freed twice?); its header's first word " + hex(headers.firstWord(h))
                    + " is a free-list link");
        }
        return headers.sizeOf(h);
    }

    private static long lastHeaderBefore(BlockHeaders headers, long first, long vaddr) {
        long h = first;
        long last = h;
        while (h < vaddr) {
            last = h;
            h += (long) headers.sizeOf(h) * KernelHeap.UNIT_BYTES;
        }
        return last;
    }

    /** Every block of every chunk in address order (base not included). */
    static List<HeapBlock> blocks(BlockHeaders headers, ChunkTable chunks, long base) {
        List<HeapBlock> out = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            long end = chunks.end(c);
            for (long h = firstBlock(chunks.start(c), base); h < end; h += unitsToBytes(headers.sizeOf(h))) {
                boolean free = !headers.isAllocated(h);
                out.add(new HeapBlock(h + KernelHeap.UNIT_BYTES, unitsToBytes(headers.sizeOf(h) - 1), free,
                        free ? 0 : headers.requestedOf(h)));
            }
        }
        return out;
    }

    /** The free list from {@code base}: {@code [bytes, largest block's bytes, blocks]}. */
    static long[] freeList(BlockHeaders headers, long base) {
        long[] free = new long[3];
        if (base != KernelHeap.NULL) {
            for (long p = headers.next(base); p != base; p = headers.next(p)) {
                long b = unitsToBytes(headers.sizeOf(p));
                free[0] += b;
                free[1] = Math.max(free[1], b);
                free[2]++;
            }
        }
        return free;
    }

    /**
     * Blocks tile each chunk; the list is in address order around one wrap and holds exactly the
     * free blocks; no two free blocks touch in one chunk; every header and every page of an
     * allocated block is mapped; what is counted agrees with {@code kept}.
     *
     * @throws AssertionError naming the first thing that does not hold
     */
    static void check(BlockHeaders headers, ChunkTable chunks, long base, KernelMemory vm, Counts kept) {
        if (base == KernelHeap.NULL) {
            if (chunks.size() != 0 || kept.liveBlocks() != 0) {
                throw new AssertionError("no base but " + chunks.size() + " chunks and " + kept.liveBlocks()
                        + " live blocks");
            }
            return;
        }
        List<Long> freeInWalk = new ArrayList<>();
        long units = 0;
        long blocks = 0;
        long requested = 0;
        long mapped = 0;
        long pages = 0;
        for (int c = 0; c < chunks.size(); c++) {
            long end = chunks.end(c);
            mapped += vm.mappedPages(chunks.start(c), chunks.pages(c));
            pages += chunks.pages(c);
            boolean lastFree = false;
            long h = firstBlock(chunks.start(c), base);
            while (h < end) {
                if (!vm.isMapped(h)) {
                    throw new AssertionError("block header " + hex(h) + " is in a page that is not mapped");
                }
                int size = headers.sizeOf(h);
                if (size < 1 || h + unitsToBytes(size) > end) {
                    throw new AssertionError("block " + hex(h) + " of " + size + " units runs past its chunk's end "
                            + hex(end));
                }
                boolean free = !headers.isAllocated(h);
                if (free) {
                    if (lastFree) {
                        throw new AssertionError("free block " + hex(h) + " touches the free block before it");
                    }
                    freeInWalk.add(h);
                } else {
                    units += size;
                    blocks++;
                    requested += headers.requestedOf(h);
                    for (long page = Addresses.alignDown(h); page < h + unitsToBytes(size); page += Addresses.PAGE_BYTES) {
                        if (!vm.isMapped(page)) {
                            throw new AssertionError("allocated block " + hex(h) + " has an unmapped page " + hex(page));
                        }
                    }
                }
                lastFree = free;
                h += unitsToBytes(size);
            }
        }
        List<Long> inList = new ArrayList<>();
        int wraps = 0;
        for (long p = headers.next(base); p != base; p = headers.next(p)) {
            if (!inList.isEmpty() && p < inList.get(inList.size() - 1)) {
                wraps++;
            }
            inList.add(p);
            if (inList.size() > freeInWalk.size() + 1) {
                throw new AssertionError("the free list has more blocks than the chunks hold: a cycle?");
            }
        }
        if (wraps > 1 || !new TreeSet<>(inList).equals(new TreeSet<>(freeInWalk))) {
            throw new AssertionError("free list " + inList + " is not the free blocks " + freeInWalk
                    + " in address order");
        }
        if (pages - mapped != kept.unmappedPages()) {
            throw new AssertionError((pages - mapped) + " pages of the chunks are not mapped, counted "
                    + kept.unmappedPages());
        }
        if (units != kept.liveUnits() || blocks != kept.liveBlocks() || requested != kept.requestedBytes()
                || mapped != kept.framesHeld()) {
            throw new AssertionError(String.format(Locale.ROOT, "counted %d live units in %d blocks, %d bytes requested,"
                    + " %d frames; kept %d, %d, %d, %d", units, blocks, requested, mapped, kept.liveUnits(),
                    kept.liveBlocks(), kept.requestedBytes(), kept.framesHeld()));
        }
    }

    static long unitsToBytes(int units) {
        return (long) units * KernelHeap.UNIT_BYTES;
    }

    private static String hex(long vaddr) {
        return Addresses.hex(vaddr);
    }
}
