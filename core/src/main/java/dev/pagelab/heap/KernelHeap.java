package dev.pagelab.heap;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.vmm.KernelMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
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
 * <p>Failure: {@link #NULL} when memory runs out, as in C, with nothing changed. Misuse — a
 * pointer that is not a live block (freed twice, into the middle of a block, outside the heap) —
 * is an {@link IllegalArgumentException} naming it, and changes nothing. Not thread-safe.
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

    private static final int ALLOCATED_TAG = 0b111;

    private final Mmu mmu;
    private final KernelMemory vm;
    private final AccountedFrames frames;
    private final AddressSpace space;
    /** Chunks by start vaddr: their length in pages. */
    private final TreeMap<Long, Long> chunks = new TreeMap<>();

    private long base = NULL;
    private long freep = NULL;
    private Consumer<String> trace;

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

    /** A heap that will take its memory from {@code vm} on the first kmalloc. */
    public KernelHeap(Mmu mmu, KernelMemory vm, AccountedFrames frames) {
        this.mmu = mmu;
        this.vm = vm;
        this.frames = frames;
        this.space = vm.space();
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
            int units = checkLive("kfree", vaddr);
            long bytes = requestedOf(vaddr - UNIT_BYTES);
            release(vaddr - UNIT_BYTES, units, bytes);
            frees++;
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
            int units = checkLive("krealloc", vaddr);
            if (bytes > MAX_REQUEST_BYTES) {
                failedMallocs++;
                return NULL;
            }
            long header = vaddr - UNIT_BYTES;
            long oldBytes = requestedOf(header);
            int wanted = unitsFor(bytes);
            if (wanted <= units || growInPlace(header, units, wanted)) {
                int have = Math.max(units, sizeOf(header));
                if (have - wanted >= 2) {
                    splitTail(header, have, wanted);
                }
                setAllocated(header, sizeOf(header), bytes);
                requestedBytes += bytes - oldBytes;
                if (trace != null) {
                    trace("krealloc %s: %d -> %d bytes in place", hex(vaddr), oldBytes, bytes);
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
            if (trace != null) {
                trace("krealloc %s: moved to %s, %d bytes copied", hex(vaddr), hex(moved), copy.length);
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
                int total = sizeOf(p - UNIT_BYTES);
                setAllocated(p - UNIT_BYTES, total, bytes);
                requestedBytes -= alignment;
                if (total - unitsFor(bytes) >= 2) {
                    splitTail(p - UNIT_BYTES, total, unitsFor(bytes));
                }
                return p;
            }
            // Split: [p-8, aligned-8) becomes a block of its own, freed; [aligned-8, end) is the result.
            long header = p - UNIT_BYTES;
            int total = sizeOf(header);
            int front = (int) ((aligned - p) / UNIT_BYTES);
            long alignedHeader = aligned - UNIT_BYTES;
            setAllocated(alignedHeader, total - front, bytes);
            requestedBytes -= alignment;
            liveUnits -= front;
            giveBackPages(linkFree(header, front));
            int keep = unitsFor(bytes);
            if (total - front - keep >= 2) {
                splitTail(alignedHeader, total - front, keep);
            }
            if (trace != null) {
                trace("kmallocAligned: %s aligned to %d, %d units in front given back", hex(aligned), alignment, front);
            }
            if (Checks.ENABLED) {
                observedCheck();
            }
            return aligned;
        });
    }

    /** What the heap holds and how it is used, now. */
    public HeapStats stats() {
        long[] free = new long[3];
        asKernel(() -> {
            if (base != NULL) {
                for (long p = next(base); p != base; p = next(p)) {
                    long b = (long) sizeOf(p) * UNIT_BYTES;
                    free[0] += b;
                    free[1] = Math.max(free[1], b);
                    free[2]++;
                }
            }
            return 0L;
        });
        long held = chunks.values().stream().mapToLong(Long::longValue).sum() * Addresses.PAGE_BYTES;
        return new HeapStats(requestedBytes, liveUnits * UNIT_BYTES, liveBlocks * UNIT_BYTES, liveBlocks, free[0],
                free[2], free[1], held, framesHeld, chunks.size(), mallocs, frees, failedMallocs, morecores,
                framesReleased);
    }

    /** Every block of every chunk in address order (base not included). */
    public List<HeapBlock> blocks() {
        List<HeapBlock> out = new ArrayList<>();
        asKernel(() -> {
            for (Map.Entry<Long, Long> c : chunks.entrySet()) {
                long end = c.getKey() + c.getValue() * Addresses.PAGE_BYTES;
                for (long h = firstBlock(c.getKey()); h < end; h += (long) sizeOf(h) * UNIT_BYTES) {
                    boolean free = !isAllocatedHeader(h);
                    out.add(new HeapBlock(h + UNIT_BYTES, ((long) sizeOf(h) - 1) * UNIT_BYTES, free,
                            free ? 0 : requestedOf(h)));
                }
            }
            return 0L;
        });
        return out;
    }

    /** Sends one line to {@code trace} for every morecore, split, merge, and page given back or taken; null stops it. */
    public void setTrace(Consumer<String> trace) {
        this.trace = trace;
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
            check();
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
        for (long p = next(prev); ; prev = p, p = next(p)) {
            int size = sizeOf(p);
            if (size >= units) {
                long block = size == units ? p : p + (long) (size - units) * UNIT_BYTES;
                if (!populate(block, (long) units * UNIT_BYTES)) {
                    return NULL;
                }
                if (size == units) {
                    setNext(prev, next(p));
                } else {
                    setSize(p, size - units);
                    if (trace != null) {
                        trace("split the free block at %s: %d units stay free, the last %d are handed out", hex(p),
                                size - units, units);
                    }
                }
                setAllocated(block, units, bytes);
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
        chunks.put(chunk, pages);
        framesHeld += pages;
        morecores++;
        base = chunk;
        setNext(base, base);
        setSize(base, 0);
        freep = base;
        long block = chunk + UNIT_BYTES;
        int size = (int) ((pages * Addresses.PAGE_BYTES - UNIT_BYTES) / UNIT_BYTES);
        if (trace != null) {
            trace("morecore: kmmap(%d pages) = %s, the first chunk; base (the list head) at %s", pages, hex(chunk), hex(base));
        }
        linkFree(block, size);
        return true;
    }

    /** K&amp;R's morecore: a new chunk freed into the list; returns freep, or NULL. */
    private long morecore(int units) {
        long pages = chunkPages(units);
        long chunk = vm.kmmap(pages * Addresses.PAGE_BYTES, FrameOwner.HEAP);
        if (chunk == KernelMemory.FAILED) {
            if (trace != null) {
                trace("morecore: kmmap(%d pages) failed: %s", pages, vm.lastFailure());
            }
            return NULL;
        }
        chunks.put(chunk, pages);
        framesHeld += pages;
        morecores++;
        if (trace != null) {
            trace("morecore: kmmap(%d pages) = %s", pages, hex(chunk));
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
        long end = Addresses.alignUp(vaddr + bytes);
        List<Long> mapped = null;
        for (long page = first; page < end; page += Addresses.PAGE_BYTES) {
            if (space.getFrameAddr(page) != AddressSpace.NOT_MAPPED) {
                continue;
            }
            long pfn = frames.allocate(FrameOwner.HEAP);
            if (pfn == FrameAllocator.NO_FRAME || !space.mapPage(page, pfn, Pte.WRITABLE).mapped()) {
                if (pfn != FrameAllocator.NO_FRAME) {
                    frames.free(pfn);
                }
                if (mapped != null) {
                    for (long undo : mapped) {
                        unmapAndFree(undo);
                        unmappedPages++;
                    }
                }
                if (trace != null) {
                    trace("no frame to map %s again: kmalloc fails", hex(page));
                }
                return false;
            }
            framesHeld++;
            unmappedPages--;
            if (mapped == null) {
                mapped = new ArrayList<>();
            }
            mapped.add(page);
        }
        if (mapped != null) {
            if (trace != null) {
                trace("mapped %d page(s) again from %s", mapped.size(), hex(mapped.get(0)));
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- free

    /** The header check: the number of units of the live block at {@code vaddr}, or an exception. */
    private int checkLive(String operation, long vaddr) {
        Map.Entry<Long, Long> chunk = chunks.floorEntry(vaddr - UNIT_BYTES);
        if (chunk == null || vaddr - UNIT_BYTES >= chunk.getKey() + chunk.getValue() * Addresses.PAGE_BYTES) {
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not in the heap (chunks: "
                    + chunkList() + ")");
        }
        if ((vaddr & (UNIT_BYTES - 1)) != 0) {
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not 8-aligned: no block starts there");
        }
        long end = chunk.getKey() + chunk.getValue() * Addresses.PAGE_BYTES;
        long h = firstBlock(chunk.getKey());
        while (h < vaddr - UNIT_BYTES) {
            int size = sizeOf(h);
            if (size < 1 || h + (long) size * UNIT_BYTES > end) {
                throw new IllegalStateException(operation + ": heap corrupted: the block header at " + hex(h)
                        + " says " + size + " units, past the chunk's end " + hex(end));
            }
            h += (long) size * UNIT_BYTES;
        }
        if (h != vaddr - UNIT_BYTES) {
            long inside = lastHeaderBefore(chunk.getKey(), vaddr);
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not the start of a block: it lies"
                    + " inside the " + (isAllocatedHeader(inside) ? "live block whose header is at " + hex(inside)
                    : "free block whose header is at " + hex(inside) + " (freed already, and merged?)"));
        }
        if (!isAllocatedHeader(h)) {
            throw new IllegalArgumentException(operation + ": " + hex(vaddr) + " is not a live block: it is free"
                    + " (freed twice?); its header's first word " + hex(mmu.read32(h) & 0xFFFF_FFFFL)
                    + " is a free-list link");
        }
        return sizeOf(h);
    }

    private long lastHeaderBefore(long chunk, long vaddr) {
        long h = firstBlock(chunk);
        long last = h;
        while (h < vaddr) {
            last = h;
            h += (long) sizeOf(h) * UNIT_BYTES;
        }
        return last;
    }

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
        setSize(bp, units);
        long p = freep;
        long after = next(p);
        // One read of the list a step: this walk is the cost of K&R's free.
        while (!(bp > p && bp < after)) {
            if (p >= after && (bp > p || bp < after)) {
                break; // bp is past the highest block or before the lowest
            }
            p = after;
            after = next(p);
        }
        if (bp + (long) units * UNIT_BYTES == after && sameChunk(bp, after)) {
            if (trace != null) {
                trace("merged %s with the free block after it at %s", hex(bp), hex(after));
            }
            setSize(bp, units + sizeOf(after));
            setNext(bp, next(after));
        } else {
            setNext(bp, after);
        }
        long result = bp;
        if (p != base && p + (long) sizeOf(p) * UNIT_BYTES == bp && sameChunk(p, bp)) {
            if (trace != null) {
                trace("merged %s into the free block before it at %s", hex(bp), hex(p));
            }
            setSize(p, sizeOf(p) + sizeOf(bp));
            setNext(p, next(bp));
            result = p;
        } else {
            setNext(p, bp);
        }
        freep = p;
        return result;
    }

    /** Frames back: a chunk that is one free block goes back whole (not the first); else whole interior pages. */
    private void giveBackPages(long block) {
        long bytes = (long) sizeOf(block) * UNIT_BYTES;
        Map.Entry<Long, Long> chunk = chunks.floorEntry(block);
        long chunkBytes = chunk.getValue() * Addresses.PAGE_BYTES;
        if (block == chunk.getKey() && bytes == chunkBytes && chunk.getKey() != base) {
            long prev = predecessor(block);
            setNext(prev, next(block));
            if (freep == block) {
                freep = prev;
            }
            long mappedPages = mappedPages(chunk.getKey(), chunk.getValue());
            unmappedPages -= chunk.getValue() - mappedPages;
            vm.kunmap(chunk.getKey());
            chunks.remove(chunk.getKey());
            framesHeld -= mappedPages;
            framesReleased += mappedPages;
            if (trace != null) {
                trace("chunk %s (%d pages) is all free: kunmap, %d frame(s) back to the allocator", hex(chunk.getKey()),
                        chunk.getValue(), mappedPages);
            }
            return;
        }
        if (bytes < RELEASE_THRESHOLD_BYTES) {
            return;
        }
        long from = Addresses.alignUp(block + UNIT_BYTES);
        long to = Addresses.alignDown(block + bytes);
        long released = 0;
        for (long page = from; page < to; page += Addresses.PAGE_BYTES) {
            if (unmapAndFree(page)) {
                released++;
                unmappedPages++;
            }
        }
        if (released > 0) {
            framesReleased += released;
            if (trace != null) {
                trace("free block %s spans %d bytes: %d whole page(s) inside it unmapped, frames back to the allocator",
                        hex(block), bytes, released);
            }
        }
    }

    private boolean unmapAndFree(long page) {
        if (space.unmapPage(page) instanceof UnmapResult.Unmapped u) {
            frames.free(u.pfn());
            framesHeld--;
            return true;
        }
        return false;
    }

    private long predecessor(long block) {
        long p = base;
        while (next(p) != block) {
            p = next(p);
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
        if (!sameChunk(header, after) || isAllocatedHeader(after) || !inAnyChunk(after)) {
            return false;
        }
        int afterUnits = sizeOf(after);
        int rest = units + afterUnits - wanted;
        // The grown part, and the header of what stays free after it.
        if (rest < 0 || !populate(after, (long) (wanted - units + (rest >= 1 ? 1 : 0)) * UNIT_BYTES)) {
            return false;
        }
        long prev = predecessor(after);
        if (rest >= 1) {
            long restHeader = header + (long) wanted * UNIT_BYTES;
            long link = next(after);
            setSize(restHeader, rest);
            setNext(restHeader, link);
            setNext(prev, restHeader);
            if (freep == after) {
                freep = restHeader;
            }
            setAllocated(header, wanted, requestedOf(header));
            liveUnits += wanted - units;
        } else {
            setNext(prev, next(after));
            if (freep == after) {
                freep = prev;
            }
            setAllocated(header, units + afterUnits, requestedOf(header));
            liveUnits += afterUnits;
        }
        return true;
    }

    /** Frees the last {@code have - keep} units of the allocated block at {@code header}. */
    private void splitTail(long header, int have, int keep) {
        long tail = header + (long) keep * UNIT_BYTES;
        setAllocated(header, keep, requestedOf(header));
        liveUnits -= have - keep;
        long merged = linkFree(tail, have - keep);
        giveBackPages(merged);
    }

    // ---------------------------------------------------------------- headers in memory

    private long next(long header) {
        return mmu.read32(header) & 0xFFFF_FFFFL;
    }

    private void setNext(long header, long next) {
        mmu.write32(header, (int) next);
    }

    private int sizeOf(long header) {
        return mmu.read32(header + 4);
    }

    private void setSize(long header, int units) {
        mmu.write32(header + 4, units);
    }

    private boolean isAllocatedHeader(long header) {
        return (mmu.read32(header) & ALLOCATED_TAG) == ALLOCATED_TAG;
    }

    private long requestedOf(long header) {
        return (mmu.read32(header) & 0xFFFF_FFFFL) >>> 3;
    }

    private void setAllocated(long header, int units, long bytes) {
        mmu.write32(header, (int) ((bytes << 3) | ALLOCATED_TAG));
        setSize(header, units);
    }

    private void zero(long vaddr, long bytes) {
        byte[] zeros = new byte[(int) Math.min(bytes, 1 << 16)];
        for (long done = 0; done < bytes; done += zeros.length) {
            mmu.writeBytes(vaddr + done, zeros, 0, (int) Math.min(zeros.length, bytes - done));
        }
    }

    // ---------------------------------------------------------------- chunks

    private long firstBlock(long chunk) {
        return chunk == base ? chunk + UNIT_BYTES : chunk;
    }

    private boolean sameChunk(long a, long b) {
        Map.Entry<Long, Long> c = chunks.floorEntry(a);
        return c != null && b >= c.getKey() && b < c.getKey() + c.getValue() * Addresses.PAGE_BYTES;
    }

    private boolean inAnyChunk(long vaddr) {
        Map.Entry<Long, Long> c = chunks.floorEntry(vaddr);
        return c != null && vaddr < c.getKey() + c.getValue() * Addresses.PAGE_BYTES;
    }

    private long mappedPages(long chunk, long pages) {
        long n = 0;
        for (long i = 0; i < pages; i++) {
            if (space.getFrameAddr(chunk + i * Addresses.PAGE_BYTES) != AddressSpace.NOT_MAPPED) {
                n++;
            }
        }
        return n;
    }

    private String chunkList() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Long, Long> c : chunks.entrySet()) {
            out.add("[" + hex(c.getKey()) + ", " + hex(c.getKey() + c.getValue() * Addresses.PAGE_BYTES) + ")");
        }
        return out.isEmpty() ? "none yet" : String.join(" ", out);
    }

    private static int unitsFor(long bytes) {
        return (int) ((bytes + UNIT_BYTES - 1) / UNIT_BYTES + 1);
    }

    // ---------------------------------------------------------------- checks

    private void check() {
        if (base == NULL) {
            if (!chunks.isEmpty() || liveBlocks != 0) {
                throw new AssertionError("no base but " + chunks.size() + " chunks and " + liveBlocks + " live blocks");
            }
            return;
        }
        List<Long> freeInWalk = new ArrayList<>();
        long units = 0;
        long blocks = 0;
        long requested = 0;
        long mapped = 0;
        long pages = 0;
        for (Map.Entry<Long, Long> c : chunks.entrySet()) {
            long end = c.getKey() + c.getValue() * Addresses.PAGE_BYTES;
            mapped += mappedPages(c.getKey(), c.getValue());
            pages += c.getValue();
            boolean lastFree = false;
            long h = firstBlock(c.getKey());
            while (h < end) {
                if (space.getFrameAddr(h) == AddressSpace.NOT_MAPPED) {
                    throw new AssertionError("block header " + hex(h) + " is in a page that is not mapped");
                }
                int size = sizeOf(h);
                if (size < 1 || h + (long) size * UNIT_BYTES > end) {
                    throw new AssertionError("block " + hex(h) + " of " + size + " units runs past its chunk's end "
                            + hex(end));
                }
                boolean free = !isAllocatedHeader(h);
                if (free) {
                    if (lastFree) {
                        throw new AssertionError("free block " + hex(h) + " touches the free block before it");
                    }
                    freeInWalk.add(h);
                } else {
                    units += size;
                    blocks++;
                    requested += requestedOf(h);
                    for (long page = Addresses.alignDown(h); page < h + (long) size * UNIT_BYTES;
                            page += Addresses.PAGE_BYTES) {
                        if (space.getFrameAddr(page) == AddressSpace.NOT_MAPPED) {
                            throw new AssertionError("allocated block " + hex(h) + " has an unmapped page " + hex(page));
                        }
                    }
                }
                lastFree = free;
                h += (long) size * UNIT_BYTES;
            }
        }
        List<Long> inList = new ArrayList<>();
        int wraps = 0;
        for (long p = next(base); p != base; p = next(p)) {
            if (!inList.isEmpty() && p < inList.get(inList.size() - 1)) {
                wraps++;
            }
            inList.add(p);
            if (inList.size() > freeInWalk.size() + 1) {
                throw new AssertionError("the free list has more blocks than the chunks hold: a cycle?");
            }
        }
        if (wraps > 1 || !new java.util.TreeSet<>(inList).equals(new java.util.TreeSet<>(freeInWalk))) {
            throw new AssertionError("free list " + inList + " is not the free blocks " + freeInWalk
                    + " in address order");
        }
        if (pages - mapped != unmappedPages) {
            throw new AssertionError((pages - mapped) + " pages of the chunks are not mapped, counted " + unmappedPages);
        }
        if (units != liveUnits || blocks != liveBlocks || requested != requestedBytes || mapped != framesHeld) {
            throw new AssertionError(String.format(Locale.ROOT, "counted %d live units in %d blocks, %d bytes requested,"
                    + " %d frames; kept %d, %d, %d, %d", units, blocks, requested, mapped, liveUnits, liveBlocks,
                    requestedBytes, framesHeld));
        }
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

    private void trace(String format, Object... args) {
        if (trace != null) {
            trace.accept(String.format(Locale.ROOT, format, args));
        }
    }

    private static String hex(long vaddr) {
        return Addresses.hex(vaddr);
    }
}
