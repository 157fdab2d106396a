package dev.pagelab.heap;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.Mmu;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.vmm.KernelMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The kernel heap: Kernighan and Ritchie's {@code malloc} and {@code free} (The C Programming
 * Language, 2nd ed., section 8.7) with {@code sbrk} replaced by {@code kmmap}, and frames given
 * back to the frame allocator when whole pages fall free.
 *
 * <h2>Layout</h2>
 * Every block starts with an 8-byte header, two little-endian 32-bit words in kernel virtual
 * memory, read and written through the MMU at CPL 0. Sizes count 8-byte units, header included.
 * <pre>
 *   free block:       +0 next: vaddr of the next free block's header (address order, circular)
 *                     +4 size: units
 *   allocated block:  +0 (requested bytes &lt;&lt; 3) | 0b111   (never an 8-aligned pointer: the header check)
 *                     +4 size: units
 *                     +8 the caller's bytes (the pointer kmalloc returns, 8-aligned)
 *
 *   chunk = one kmmap'd run of pages; blocks tile it exactly
 *   first chunk:  [base: size 0, the list head K&amp;R keeps in a static][block][block]...
 *   other chunks: [block][block]...
 * </pre>
 * The free list is circular, in address order, and starts at {@code base}; {@code freep} is the
 * roving pointer where the next search begins. Blocks merge only within one chunk, so that a
 * chunk whose blocks are all free is one block and can go back whole.
 *
 * <h2>kmalloc(n)</h2>
 * <ol>
 *   <li>{@code units = (n + 7) / 8 + 1}.</li>
 *   <li>From {@code freep.next}, first fit around the list. A block of exactly {@code units} is
 *       unlinked; a bigger one gives its tail (its header stays where it is).</li>
 *   <li>Back at {@code freep} without a fit: {@code morecore} kmmaps a new chunk of at least
 *       {@value #MIN_CHUNK_PAGES} pages, frees it into the list, and the search goes on.</li>
 *   <li>Before the block is handed out, every page of it that was given back (below) is mapped
 *       again. A frame or page that cannot be had: NULL, and nothing changed.</li>
 * </ol>
 *
 * <h2>kfree(p)</h2>
 * <ol>
 *   <li>The header check: {@code p} must be the start of an allocated block of a chunk (the chunk
 *       is walked block by block from its start), else the call is refused and nothing changes.</li>
 *   <li>Find the free block before it in the list, link it in, merge with the next and the
 *       previous block when they touch it in the same chunk; {@code freep} = the previous block.</li>
 *   <li>Frames go back: a chunk that is now one free block is unlinked and kunmapped (except the
 *       first chunk, which holds {@code base}); in a free block of at least
 *       {@value #RELEASE_THRESHOLD_BYTES} bytes, every whole page after the header's page is
 *       unmapped and its frame freed.</li>
 * </ol>
 * After everything is freed the heap keeps its first chunk (the list head lives in it) and no
 * more frames than that chunk had after the first morecore.
 *
 * <h2>Memory and events</h2>
 * The heap reaches memory only through {@code vmm}: chunks come from {@link KernelMemory#kmmap}
 * and go back through {@link KernelMemory#kunmap}; the frames behind the whole pages of a large
 * free block go back through {@link KernelMemory#release} and are taken again through
 * {@link KernelMemory#repopulate}. The headers are read and written through the MMU at CPL 0
 * ({@link BlockHeaders}). The chunks are a {@link ChunkTable} of primitive arrays. What the heap
 * does is reported to the kernel's {@link EventSink} as {@link KernelEvent.HeapEvent}s: a block
 * handed out or given back, and each morecore, split, merge, page given back or mapped again,
 * move and alignment on the way. The walks over the whole heap (views and the invariant check)
 * are in {@link HeapWalk}.
 *
 * <p>Failure: {@link #NULL} when memory runs out, as in C, with nothing changed. Misuse — a
 * pointer that is not a live block (freed twice, into the middle of a block, outside the heap) —
 * is an {@link IllegalArgumentException} naming it, and changes nothing. Not thread-safe.
 *
 * <p><b>Size.</b> The class is over 600 lines because this comment is its design document (about
 * 100 lines) and the API's contracts are spelled out. The headers, the chunk table and the walks
 * are apart; what stays (malloc, free, morecore, the give-back of frames, realloc and aligned
 * allocation) shares the free list, {@code base}, {@code freep} and the counts, which one class
 * keeps consistent.
 */
public final class KernelHeap {
    /** What {@link #kmalloc} returns when it cannot allocate, as C's NULL. */
    public static final long NULL = 0;
    /** The header and the unit of allocation: two 32-bit words. */
    public static final int UNIT_BYTES = 8;
    /** morecore asks kmmap for at least this many pages at a time. */
    public static final int MIN_CHUNK_PAGES = 4;
    /** Free blocks at least this large give their whole interior pages back. */
    public static final int RELEASE_THRESHOLD_BYTES = 4 * Addresses.PAGE_BYTES;
    /** The largest request: the requested size is kept in 29 bits of the header. */
    public static final long MAX_REQUEST_BYTES = (1L << 29) - 1;

    private final Mmu mmu;
    private final KernelMemory vm;
    private final EventSink events;
    private final BlockHeaders headers;
    private final ChunkTable chunks = new ChunkTable();

    private long base = NULL;
    private long freep = NULL;

    private long requestedBytes;
    private long liveBlocks;
    private long liveUnits;
    private long framesHeld;
    private long mallocs;
    private long frees;
    private long failedMallocs;
    private long morecores;
    private long framesReleased;
    /** Pages inside chunks that were given back and not mapped again: populate has work only when this is not 0. */
    private long unmappedPages;

    /**
     * A heap that will take its memory from {@code vm} on the first kmalloc, reading and writing
     * its headers through {@code mmu}, and reporting what it does to {@code events}.
     */
    public KernelHeap(Mmu mmu, KernelMemory vm, EventSink events) {
        this.mmu = mmu;
        this.vm = vm;
        this.events = events;
        this.headers = new BlockHeaders(mmu);
    }

    // ---------------------------------------------------------------- the API

    /**
     * {@code bytes} bytes, 8-aligned, not zeroed.
     *
     * @return the block's virtual address, or {@link #NULL} when no memory can be had (and for
     *         {@code bytes == 0}, which C allows); nothing is changed then
     * @throws IllegalArgumentException when {@code bytes < 0}
     */
    public long kmalloc(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("kmalloc: " + bytes + " bytes is negative");
        }
        if (bytes == 0 || bytes > MAX_REQUEST_BYTES) {
            failedMallocs += bytes == 0 ? 0 : 1;
            return NULL;
        }
        return asKernel(() -> {
            long p = allocate(bytes);
            if (p == NULL) {
                failedMallocs++;
            } else if (events.enabled()) {
                events.emit(new KernelEvent.HeapBlockAllocated(p, bytes));
            }
            return p;
        });
    }

    /**
     * Frees a block {@link #kmalloc} returned. {@link #NULL} does nothing.
     *
     * @throws IllegalArgumentException when {@code vaddr} is not a live block; nothing changes
     */
    public void kfree(long vaddr) {
        if (vaddr == NULL) {
            return;
        }
        asKernel(() -> {
            int units = HeapWalk.liveBlockUnits("kfree", vaddr, headers, chunks, base);
            long bytes = headers.requestedOf(vaddr - UNIT_BYTES);
            release(vaddr - UNIT_BYTES, units, bytes);
            frees++;
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapBlockFreed(vaddr, bytes));
            }
            return 0L;
        });
    }

    /**
     * {@code count * size} bytes, zeroed.
     *
     * @return the block, or {@link #NULL} when it cannot be had or the product overflows
     */
    public long kcalloc(long count, long size) {
        if (count < 0 || size < 0) {
            throw new IllegalArgumentException("kcalloc: " + count + " x " + size + " has a negative factor");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(count, size);
        } catch (ArithmeticException e) {
            failedMallocs++;
            return NULL;
        }
        long p = kmalloc(bytes);
        if (p != NULL) {
            asKernel(() -> {
                zero(p, bytes);
                return 0L;
            });
        }
        return p;
    }

    /**
     * The block at {@code vaddr} resized to {@code bytes}: in place when it shrinks or the block
     * after it is free and large enough, else moved (the contents up to the smaller size kept).
     * {@code krealloc(NULL, n)} is {@code kmalloc(n)}; {@code krealloc(p, 0)} frees {@code p} and
     * returns {@link #NULL}.
     *
     * @return the block, or {@link #NULL} when it cannot grow; the old block is then untouched
     * @throws IllegalArgumentException when {@code vaddr} is not a live block
     */
    public long krealloc(long vaddr, long bytes) {
        if (vaddr == NULL) {
            return kmalloc(bytes);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("krealloc: " + bytes + " bytes is negative");
        }
        if (bytes == 0) {
            kfree(vaddr);
            return NULL;
        }
        return asKernel(() -> {
            int units = HeapWalk.liveBlockUnits("krealloc", vaddr, headers, chunks, base);
            if (bytes > MAX_REQUEST_BYTES) {
                failedMallocs++;
                return NULL;
            }
            long header = vaddr - UNIT_BYTES;
            long oldBytes = headers.requestedOf(header);
            int wanted = unitsFor(bytes);
            if (wanted <= units || growInPlace(header, units, wanted)) {
                int have = Math.max(units, headers.sizeOf(header));
                if (have - wanted >= 2) {
                    splitTail(header, have, wanted);
                }
                headers.setAllocated(header, headers.sizeOf(header), bytes);
                requestedBytes += bytes - oldBytes;
                if (events.enabled()) {
                    events.emit(new KernelEvent.HeapResizedInPlace(vaddr, oldBytes, bytes));
                    if (oldBytes != bytes) {
                        events.emit(new KernelEvent.HeapBlockFreed(vaddr, oldBytes));
                        events.emit(new KernelEvent.HeapBlockAllocated(vaddr, bytes));
                    }
                }
                return vaddr;
            }
            long moved = allocate(bytes);
            if (moved == NULL) {
                failedMallocs++;
                return NULL;
            }
            byte[] copy = new byte[(int) Math.min(oldBytes, bytes)];
            mmu.readBytes(vaddr, copy, 0, copy.length);
            mmu.writeBytes(moved, copy, 0, copy.length);
            release(header, units, oldBytes);
            frees++;
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapMoved(vaddr, moved, copy.length));
                events.emit(new KernelEvent.HeapBlockFreed(vaddr, oldBytes));
                events.emit(new KernelEvent.HeapBlockAllocated(moved, bytes));
            }
            return moved;
        });
    }

    /**
     * {@code bytes} bytes at an address that is a multiple of {@code alignment}: a larger block is
     * taken and the part before the aligned address freed again.
     *
     * @param alignment a power of two; 8 or less is plain kmalloc
     * @return the block, or {@link #NULL}
     */
    public long kmallocAligned(long bytes, long alignment) {
        if (alignment < 1 || Long.bitCount(alignment) != 1 || alignment > (1L << 22)) {
            throw new IllegalArgumentException("kmallocAligned: alignment " + alignment
                    + " is not a power of two between 1 and 4 MiB");
        }
        if (alignment <= UNIT_BYTES) {
            return kmalloc(bytes);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("kmallocAligned: " + bytes + " bytes is negative");
        }
        if (bytes == 0 || bytes + alignment > MAX_REQUEST_BYTES) {
            return NULL;
        }
        return asKernel(() -> {
            long p = allocate(bytes + alignment);
            if (p == NULL) {
                failedMallocs++;
                return NULL;
            }
            long aligned = (p + alignment - 1) & -alignment;
            if (aligned == p) {
                int total = headers.sizeOf(p - UNIT_BYTES);
                headers.setAllocated(p - UNIT_BYTES, total, bytes);
                requestedBytes -= alignment;
                if (total - unitsFor(bytes) >= 2) {
                    splitTail(p - UNIT_BYTES, total, unitsFor(bytes));
                }
                if (events.enabled()) {
                    events.emit(new KernelEvent.HeapBlockAllocated(p, bytes));
                }
                return p;
            }
            // Split: [p-8, aligned-8) becomes a block of its own, freed; [aligned-8, end) is the result.
            long header = p - UNIT_BYTES;
            int total = headers.sizeOf(header);
            int front = (int) ((aligned - p) / UNIT_BYTES);
            long alignedHeader = aligned - UNIT_BYTES;
            headers.setAllocated(alignedHeader, total - front, bytes);
            requestedBytes -= alignment;
            liveUnits -= front;
            giveBackPages(linkFree(header, front));
            int keep = unitsFor(bytes);
            if (total - front - keep >= 2) {
                splitTail(alignedHeader, total - front, keep);
            }
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapAligned(aligned, alignment, front));
                events.emit(new KernelEvent.HeapBlockAllocated(aligned, bytes));
            }
            if (Checks.ENABLED) {
                observedCheck();
            }
            return aligned;
        });
    }

    /** What the heap holds and how it is used, now: walks the free list. */
    public HeapStats stats() {
        long[] free = new long[3];
        asKernel(() -> {
            long[] walked = HeapWalk.freeList(headers, base);
            System.arraycopy(walked, 0, free, 0, free.length);
            return 0L;
        });
        long held = chunks.totalPages() * Addresses.PAGE_BYTES;
        return new HeapStats(requestedBytes, liveUnits * UNIT_BYTES, liveBlocks * UNIT_BYTES, liveBlocks, free[0],
                free[2], free[1], held, framesHeld, chunks.size(), mallocs, frees, failedMallocs, morecores,
                framesReleased);
    }

    /** Blocks handed out and not freed, now (no walk). */
    public long liveBlocks() {
        return liveBlocks;
    }

    /** Frames mapped behind the heap's chunks now (no walk). */
    public long framesHeld() {
        return framesHeld;
    }

    /** Every block of every chunk in address order (base not included). */
    public List<HeapBlock> blocks() {
        List<HeapBlock> out = new ArrayList<>();
        asKernel(() -> {
            out.addAll(HeapWalk.blocks(headers, chunks, base));
            return 0L;
        });
        return out;
    }

    /**
     * Walks every chunk and the free list and checks: blocks tile each chunk; the list is in
     * address order around one wrap and holds exactly the free blocks; no two free blocks touch
     * in one chunk; every page of an allocated block and every header is mapped; the counts agree.
     *
     * @throws AssertionError naming the first thing that does not hold
     */
    public void checkInvariants() {
        asKernel(() -> {
            observedCheck();
            return 0L;
        });
    }

    /** The checks, read as a debugger reads: the TLB and the MMU's counters are as they were after it. */
    private void observedCheck() {
        mmu.observe(() -> {
            HeapWalk.check(headers, chunks, base, vm, new HeapWalk.Counts(liveUnits, liveBlocks, requestedBytes,
                    framesHeld, unmappedPages));
            return null;
        });
    }

    // ---------------------------------------------------------------- malloc

    private long allocate(long bytes) {
        int units = unitsFor(bytes);
        if (base == NULL && !firstMorecore(units)) {
            return NULL;
        }
        long prev = freep;
        for (long p = headers.next(prev); ; prev = p, p = headers.next(p)) {
            int size = headers.sizeOf(p);
            if (size >= units) {
                long block = size == units ? p : p + (long) (size - units) * UNIT_BYTES;
                if (!populate(block, (long) units * UNIT_BYTES)) {
                    return NULL;
                }
                if (size == units) {
                    headers.setNext(prev, headers.next(p));
                } else {
                    headers.setSize(p, size - units);
                    if (events.enabled()) {
                        events.emit(new KernelEvent.HeapSplit(p, size - units, units));
                    }
                }
                headers.setAllocated(block, units, bytes);
                freep = prev;
                requestedBytes += bytes;
                liveUnits += units;
                liveBlocks++;
                mallocs++;
                if (Checks.ENABLED) {
                    observedCheck();
                }
                return block + UNIT_BYTES;
            }
            if (p == freep) {
                p = morecore(units);
                if (p == NULL) {
                    return NULL;
                }
            }
        }
    }

    /** The first chunk: base in its first unit, the rest one free block. */
    private boolean firstMorecore(int units) {
        long pages = chunkPages(units + 1);
        long chunk = vm.kmmap(pages * Addresses.PAGE_BYTES, FrameOwner.HEAP);
        if (chunk == KernelMemory.FAILED) {
            return false;
        }
        chunks.add(chunk, pages);
        framesHeld += pages;
        morecores++;
        base = chunk;
        headers.setNext(base, base);
        headers.setSize(base, 0);
        freep = base;
        long block = chunk + UNIT_BYTES;
        int size = (int) ((pages * Addresses.PAGE_BYTES - UNIT_BYTES) / UNIT_BYTES);
        if (events.enabled()) {
            events.emit(new KernelEvent.HeapMorecore(chunk, pages, true));
        }
        linkFree(block, size);
        return true;
    }

    /** K&amp;R's morecore: a new chunk freed into the list; returns freep, or NULL. */
    private long morecore(int units) {
        long pages = chunkPages(units);
        long chunk = vm.kmmap(pages * Addresses.PAGE_BYTES, FrameOwner.HEAP);
        if (chunk == KernelMemory.FAILED) {
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapMorecoreFailed(pages, String.valueOf(vm.lastFailure())));
            }
            return NULL;
        }
        chunks.add(chunk, pages);
        framesHeld += pages;
        morecores++;
        if (events.enabled()) {
            events.emit(new KernelEvent.HeapMorecore(chunk, pages, false));
        }
        linkFree(chunk, (int) (pages * Addresses.PAGE_BYTES / UNIT_BYTES));
        return freep;
    }

    private static long chunkPages(int units) {
        long bytes = (long) units * UNIT_BYTES;
        return Math.max(MIN_CHUNK_PAGES, (bytes + Addresses.PAGE_BYTES - 1) / Addresses.PAGE_BYTES);
    }

    /**
     * Maps every page of {@code [vaddr, vaddr + bytes)} that was given back. All or nothing:
     * when a frame is missing, the pages mapped here are given back again.
     */
    private boolean populate(long vaddr, long bytes) {
        if (unmappedPages == 0) {
            return true;
        }
        long first = Addresses.alignDown(vaddr);
        long pages = (Addresses.alignUp(vaddr + bytes) - first) >>> Addresses.PAGE_SHIFT;
        switch (vm.repopulate(first, pages, FrameOwner.HEAP)) {
            case KernelMemory.Repopulated.OutOfFrames none -> {
                if (events.enabled()) {
                    events.emit(new KernelEvent.HeapMapAgainFailed(none.vaddr()));
                }
                return false;
            }
            case KernelMemory.Repopulated.Done done -> {
                framesHeld += done.pages();
                unmappedPages -= done.pages();
                if (done.pages() > 0 && events.enabled()) {
                    events.emit(new KernelEvent.HeapPagesMappedAgain(done.firstVaddr(), done.pages()));
                }
                return true;
            }
        }
    }

    // ---------------------------------------------------------------- free

    /** Gives back the allocated block at {@code header} of {@code units}, merging and returning pages. */
    private void release(long header, int units, long bytes) {
        requestedBytes -= bytes;
        liveUnits -= units;
        liveBlocks--;
        long merged = linkFree(header, units);
        giveBackPages(merged);
        if (Checks.ENABLED) {
            observedCheck();
        }
    }

    /**
     * K&amp;R's free: links the block at {@code bp} of {@code units} into the list, merging with
     * neighbours in the same chunk; returns the header of the free block that now holds it.
     */
    private long linkFree(long bp, int units) {
        headers.setSize(bp, units);
        long p = freep;
        long after = headers.next(p);
        // One read of the list a step: this walk is the cost of K&R's free.
        while (!(bp > p && bp < after)) {
            if (p >= after && (bp > p || bp < after)) {
                break; // bp is past the highest block or before the lowest
            }
            p = after;
            after = headers.next(p);
        }
        if (bp + (long) units * UNIT_BYTES == after && chunks.sameChunk(bp, after)) {
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapMerged(bp, after, false));
            }
            headers.setSize(bp, units + headers.sizeOf(after));
            headers.setNext(bp, headers.next(after));
        } else {
            headers.setNext(bp, after);
        }
        long result = bp;
        if (p != base && p + (long) headers.sizeOf(p) * UNIT_BYTES == bp && chunks.sameChunk(p, bp)) {
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapMerged(bp, p, true));
            }
            headers.setSize(p, headers.sizeOf(p) + headers.sizeOf(bp));
            headers.setNext(p, headers.next(bp));
            result = p;
        } else {
            headers.setNext(p, bp);
        }
        freep = p;
        return result;
    }

    /** Frames back: a chunk that is one free block goes back whole (not the first); else whole interior pages. */
    private void giveBackPages(long block) {
        long bytes = (long) headers.sizeOf(block) * UNIT_BYTES;
        int chunk = chunks.indexOf(block);
        long chunkStart = chunks.start(chunk);
        long chunkPages = chunks.pages(chunk);
        if (block == chunkStart && bytes == chunkPages * Addresses.PAGE_BYTES && chunkStart != base) {
            long prev = predecessor(block);
            headers.setNext(prev, headers.next(block));
            if (freep == block) {
                freep = prev;
            }
            long mappedPages = vm.mappedPages(chunkStart, chunkPages);
            unmappedPages -= chunkPages - mappedPages;
            vm.kunmap(chunkStart, FrameOwner.HEAP);
            chunks.remove(chunk);
            framesHeld -= mappedPages;
            framesReleased += mappedPages;
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapChunkReleased(chunkStart, chunkPages, mappedPages));
            }
            return;
        }
        if (bytes < RELEASE_THRESHOLD_BYTES) {
            return;
        }
        long from = Addresses.alignUp(block + UNIT_BYTES);
        long to = Addresses.alignDown(block + bytes);
        long released = from < to ? vm.release(from, (to - from) >>> Addresses.PAGE_SHIFT) : 0;
        if (released > 0) {
            framesHeld -= released;
            unmappedPages += released;
            framesReleased += released;
            if (events.enabled()) {
                events.emit(new KernelEvent.HeapPagesReleased(block, bytes, released));
            }
        }
    }

    private long predecessor(long block) {
        long p = base;
        while (headers.next(p) != block) {
            p = headers.next(p);
            if (p == base) {
                throw new AssertionError("free block " + hex(block) + " is not on the free list");
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- realloc helpers

    /** Takes the free block right after the allocated block at {@code header} if both together hold {@code wanted}. */
    private boolean growInPlace(long header, int units, int wanted) {
        long after = header + (long) units * UNIT_BYTES;
        if (!chunks.sameChunk(header, after) || headers.isAllocated(after) || chunks.indexOf(after) == ChunkTable.NONE) {
            return false;
        }
        int afterUnits = headers.sizeOf(after);
        int rest = units + afterUnits - wanted;
        // The grown part, and the header of what stays free after it.
        if (rest < 0 || !populate(after, (long) (wanted - units + (rest >= 1 ? 1 : 0)) * UNIT_BYTES)) {
            return false;
        }
        long prev = predecessor(after);
        if (rest >= 1) {
            long restHeader = header + (long) wanted * UNIT_BYTES;
            long link = headers.next(after);
            headers.setSize(restHeader, rest);
            headers.setNext(restHeader, link);
            headers.setNext(prev, restHeader);
            if (freep == after) {
                freep = restHeader;
            }
            headers.setAllocated(header, wanted, headers.requestedOf(header));
            liveUnits += wanted - units;
        } else {
            headers.setNext(prev, headers.next(after));
            if (freep == after) {
                freep = prev;
            }
            headers.setAllocated(header, units + afterUnits, headers.requestedOf(header));
            liveUnits += afterUnits;
        }
        return true;
    }

    /** Frees the last {@code have - keep} units of the allocated block at {@code header}. */
    private void splitTail(long header, int have, int keep) {
        long tail = header + (long) keep * UNIT_BYTES;
        headers.setAllocated(header, keep, headers.requestedOf(header));
        liveUnits -= have - keep;
        long merged = linkFree(tail, have - keep);
        giveBackPages(merged);
    }

    private void zero(long vaddr, long bytes) {
        byte[] zeros = new byte[(int) Math.min(bytes, 1 << 16)];
        for (long done = 0; done < bytes; done += zeros.length) {
            mmu.writeBytes(vaddr + done, zeros, 0, (int) Math.min(zeros.length, bytes - done));
        }
    }

    private static int unitsFor(long bytes) {
        return (int) ((bytes + UNIT_BYTES - 1) / UNIT_BYTES + 1);
    }

    // ---------------------------------------------------------------- plumbing

    private long asKernel(LongSupplier work) {
        int cpl = mmu.cpl();
        mmu.setCpl(0);
        try {
            return work.getAsLong();
        } finally {
            mmu.setCpl(cpl);
        }
    }

    private static String hex(long vaddr) {
        return Addresses.hex(vaddr);
    }
}
