package dev.pagelab.vmm;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Checks;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.paging.KernelLayout;
import java.util.List;
import java.util.Objects;

/**
 * Seed 004's virtual page allocator ({@code pagesBitmap}, {@code allocPages}, {@code freePages}):
 * two bits a virtual page of an area, which say whether the page is free and, if not, where in
 * its block it stands, so that {@link #freePages} needs only the block's first address. The
 * bitmap is real bytes in kernel memory, read and written only through an {@link Mmu} at
 * virtual addresses, at whatever privilege level the MMU is at (the kernel calls it at CPL 0).
 * Blocks are found by first fit.
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li><b>area</b>: the virtual pages handed out, {@code [areaStart, areaStart + 4096 × pages)};
 *       page {@code i} of the area is at {@code areaStart + 4096 × i}. Seed 004's areas start at
 *       {@link #KERNEL_HEAP_START} (the kernel heap) and {@link #USER_HEAP_START} (a process's
 *       user space, page 0 left out so that a NULL dereference faults);</li>
 *   <li><b>state</b> of a page, two bits:
 *       {@code 00} {@link #FREE}; {@code 01} {@link #FIRST}, the first page of a block of two or
 *       more; {@code 10} {@link #MIDDLE}, an allocated page followed by another page of the same
 *       block; {@code 11} {@link #LAST}, the last page of a block. A one-page block is a single
 *       {@code 11}, so a block is {@code 01 10* 11} or {@code 11} alone;</li>
 *   <li><b>words</b> = ⌈pages / 16⌉ little-endian 32-bit words, {@link #bitmapBytes(long) bytes}
 *       = 4 × words. The states of the padding pages past the area, in the last word, stay
 *       {@code 00};</li>
 *   <li><b>hint</b>: the lowest page that may be free; every page below it is allocated.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * Page {@code i}'s state is bits {@code 2(i % 16)} and {@code 2(i % 16) + 1} of word
 * {@code i / 16}, the least significant bits first, which is the same as bits
 * {@code 2(i % 4)..2(i % 4) + 1} of byte {@code i / 4}: little-endian words keep the byte order
 * of a byte array. So seed 004's {@code pagesBitmap[0]}, "32 bits == 16 pages", is one word.
 * Seed 004's picture, after {@code allocPages(4)}, {@code (6)}, {@code (3)}, {@code (1)} and
 * the frees of the first and the third block:
 * <pre>
 *  the user area from USER_HEAP_START:
 *    page      0      1      2      3      4      5      6      7      8      9     10     11     12     13     14     15
 *    vaddr  0x1000 0x2000 0x3000 0x4000 0x5000 0x6000 0x7000 0x8000 0x9000 0xA000 0xB000 0xC000 0xD000 0xE000 0xF000 0x10000
 *    state    00     00     00     00     01     10     10     10     10     11     00     00     00     11     00     00
 *                                       [----- the block at 0x5000, 6 pages ----]                      [lone]
 *
 *  word 0 of the bitmap, at bitmapVaddr, bit 31 first (page 15 in bits 31:30, page 0 in bits 1:0):
 *    page     15 14 13 12   11 10  9  8    7  6  5  4    3  2  1  0
 *    state  | 00 00 11 00 | 00 00 11 10 | 10 10 10 01 | 00 00 00 00 |  = 0x0C0EA900
 *    bytes    at +3: 0x0C   at +2: 0x0E   at +1: 0xA9   at +0: 0x00
 * </pre>
 *
 * <h2>allocPages(n) (first fit)</h2>
 * <ol>
 *   <li>n &lt; 1: throw. n above the free page count: {@link #NO_PAGES}, without a search.</li>
 *   <li>From the hint, find the first free page, a word at a time: a page is free where its two
 *       bits are both 0, so {@code ~(word | word >>> 1) & 0x55555555} has bit {@code 2j} set for
 *       every free page {@code j} of the word. That page is the hint from now on, and the first
 *       candidate.</li>
 *   <li>If the candidate + n passes the end of the area: {@link #NO_PAGES}.</li>
 *   <li>Look for an allocated page in {@code [candidate, candidate + n)}, a word at a time
 *       ({@code (word | word >>> 1) & 0x55555555}). None: the block is found. Otherwise the next
 *       candidate is the first free page after it; back to step 3.</li>
 *   <li>Write {@code 01 10 ... 10 11} (or {@code 11}) over the block: whole words at once, the
 *       partial words at its ends read, merged and written back. n pages fewer free; if the block
 *       starts at the hint, the hint moves past it.</li>
 * </ol>
 *
 * <h2>freePages(vaddr)</h2>
 * <ol>
 *   <li>Check that vaddr is a page of the area, page aligned, and that its state starts a block:
 *       {@code 01}, or {@code 11} after a page that is not {@code 01}/{@code 10} (or first in the
 *       area). Otherwise throw, naming the state found, before anything is written.</li>
 *   <li>{@code 11}: a one-page block. {@code 01}: the block ends at the first page after it that
 *       is not {@code 10}, found a word at a time ({@code word ^ 0xAAAAAAAA} is 0 in every
 *       {@code 10} pair); that page must be {@code 11}, or the bitmap was written behind the
 *       allocator's back ({@link AssertionError}).</li>
 *   <li>Clear the block's states a word at a time, n pages more free, hint = min(hint, page).
 *       Return n.</li>
 * </ol>
 *
 * <p><b>Cost.</b> A block of n pages covers at most ⌈n / 16⌉ + 1 words: freePages reads one or
 * two states, then reads those words to find the block's end and writes them. allocPages reads
 * the words from the hint to the block it finds and writes the block's words; the hint spares
 * it the allocated prefix of the area, which a kernel heap that rarely frees keeps growing.
 * Every word is one MMU access (a TLB hit, usually). {@link #checkInvariants} reads the whole bitmap
 * (once, through the MMU) and walks the copy ({@link PageRangeScan}); with
 * {@link Checks#ENABLED} it runs after every change, as an observer ({@link Mmu#observe}): the TLB
 * and the MMU's counters are left as if it had not run, so tests see what a run without checks sees.
 *
 * <p><b>The Java side</b> holds only what a C kernel would keep in globals: the area, the
 * bitmap's address, the used page count and the hint. The states live in the bytes alone, so
 * whatever writes them (a test, a debugger, a stray kernel write) is seen at once, and
 * {@link #attach} can pick up a bitmap that is already there.
 *
 * <p><b>Failure.</b> Running out of address space is {@link #NO_PAGES}. Misuse (bad arguments, a
 * free of anything but a block's first page) throws {@link IllegalArgumentException} naming the
 * operation, the values, the area and the state found, and changes nothing. The MMU's faults on
 * the bitmap propagate as {@link PageFaultException}. The constructor writes every byte of the
 * bitmap ({@link #attach} probes every page of it for a write), so they can come only from a
 * mapping changed since, or a different privilege level; a read that faults changes nothing,
 * but a write that faults in the middle of a block spanning pages of the bitmap leaves the
 * block half written.
 *
 * <p><b>References.</b> Seed 004 ({@code pagesBitmap}, {@code allocPages}, {@code freePages},
 * {@code KERNEL_HEAP_START}, {@code USER_HEAP_START}); Knuth, TAOCP vol. 1 §2.5 (first fit);
 * the OSDev wiki, "Page Frame Allocation" (bitmaps tested a word at a time).
 *
 * <p><b>Size.</b> The class is over 600 lines because this comment is its design document (about
 * 130 lines) and every public method states its contract; the walk over a whole copy of the
 * bitmap, for checks and views, is apart in {@link PageRangeScan}. What stays works on the one
 * bitmap and its hint, a word at a time through the MMU, and would only scatter if split.
 *
 * <p>Not thread-safe.
 */
public final class PageRangeAllocator {
    /** The start of seed 004's kernel heap area, above the 16 MiB of direct-mapped low memory. */
    public static final long KERNEL_HEAP_START = KernelLayout.KERNEL_HEAP_START;
    /** The start of seed 004's user heap area: page 0 stays unmapped so that NULL faults. */
    public static final long USER_HEAP_START = KernelLayout.USER_HEAP_START;
    /** What {@link #allocPages} returns when no run of free pages is long enough. */
    public static final long NO_PAGES = -1;

    /** State {@code 00}: the page is free. */
    public static final int FREE = 0b00;
    /** State {@code 01}: the first page of a block of two pages or more. */
    public static final int FIRST = 0b01;
    /** State {@code 10}: an allocated page followed by another page of its block. */
    public static final int MIDDLE = 0b10;
    /** State {@code 11}: the last page of a block, or the only one. */
    public static final int LAST = 0b11;

    private static final int STATE_BITS = 2;
    private static final int STATE_MASK = (1 << STATE_BITS) - 1;
    private static final int PAGES_PER_WORD_SHIFT = 4;
    private static final int PAGES_PER_WORD = 1 << PAGES_PER_WORD_SHIFT;
    /** The low bit of every page's pair. */
    private static final int LOW_BITS = 0x5555_5555;
    /** Every page of a word {@link #MIDDLE}. */
    private static final int ALL_MIDDLE = 0xAAAA_AAAA;
    /** The pages of the 32-bit linear address space. */
    private static final long MAX_PAGES = Addresses.LINEAR_SPACE_BYTES >>> Addresses.PAGE_SHIFT;

    private final String name;
    private final Mmu mmu;
    private final long bitmapVaddr;
    private final long areaStartVaddr;
    private final long pages;
    private final int words;

    private long usedPages;
    /** The lowest page that may be free: pages {@code [0, hintPage)} are all allocated. */
    private long hintPage;

    /**
     * An allocator over {@code pages} pages from {@code areaStartVaddr}, all free: the bitmap's
     * {@link #bitmapBytes(long) bytes} at {@code bitmapVaddr} are cleared through the MMU, as a
     * C kernel's .bss is. The MMU writes all of them or, on a fault, none.
     *
     * @param name           what messages call the area, like {@code "kernel heap"}
     * @param bitmapVaddr    the bitmap's first byte, writable at the MMU's privilege level
     * @param areaStartVaddr the area's first page: page aligned, not page 0
     * @param pages          the area's size, at least 1; the area lies below 4 GiB and does not
     *                       overlap the bitmap
     * @throws IllegalArgumentException naming the values when they break the rules above;
     *                                  nothing is written then
     * @throws PageFaultException       when the bitmap cannot be written; nothing is written
     */
    public PageRangeAllocator(String name, Mmu mmu, long bitmapVaddr, long areaStartVaddr, long pages) {
        this("new PageRangeAllocator", name, mmu, bitmapVaddr, areaStartVaddr, pages);
        int bytes = (int) bitmapBytes();
        mmu.writeBytes(bitmapVaddr, new byte[bytes], 0, bytes);
        checkIfEnabled();
    }

    private PageRangeAllocator(String operation, String name, Mmu mmu, long bitmapVaddr, long areaStartVaddr,
                               long pages) {
        this.name = Objects.requireNonNull(name, "name");
        this.mmu = Objects.requireNonNull(mmu, "mmu");
        String values = " (name=" + name + ", bitmapVaddr=" + Addresses.hex(bitmapVaddr) + ", areaStartVaddr="
                + Addresses.hex(areaStartVaddr) + ", pages=" + pages + ")";
        if (pages < 1 || pages > MAX_PAGES) {
            throw new IllegalArgumentException(operation + ": an area holds 1 to " + MAX_PAGES + " pages" + values);
        }
        if (!Addresses.isPageAligned(areaStartVaddr)) {
            throw new IllegalArgumentException(operation + ": the area's start is not page aligned" + values);
        }
        if (areaStartVaddr <= 0 || areaStartVaddr > Addresses.LINEAR_SPACE_BYTES - (pages << Addresses.PAGE_SHIFT)) {
            throw new IllegalArgumentException(operation + ": the area [" + Addresses.hex(areaStartVaddr) + ", "
                    + Addresses.hex(areaStartVaddr + (pages << Addresses.PAGE_SHIFT)) + ") must lie in"
                    + " [0x00001000, 0x100000000): page 0 is never handed out, and addresses have 32 bits" + values);
        }
        long bytes = bitmapBytes(pages);
        if (bitmapVaddr < 0 || bitmapVaddr > Addresses.LINEAR_SPACE_BYTES - bytes) {
            throw new IllegalArgumentException(operation + ": the bitmap's " + bytes + " bytes do not fit below 4 GiB"
                    + values);
        }
        long areaEndVaddr = areaStartVaddr + (pages << Addresses.PAGE_SHIFT);
        if (bitmapVaddr < areaEndVaddr && areaStartVaddr < bitmapVaddr + bytes) {
            throw new IllegalArgumentException(operation + ": the bitmap [" + Addresses.hex(bitmapVaddr) + ", "
                    + Addresses.hex(bitmapVaddr + bytes) + ") overlaps the area [" + Addresses.hex(areaStartVaddr)
                    + ", " + Addresses.hex(areaEndVaddr) + "), whose pages it would hand out" + values);
        }
        this.bitmapVaddr = bitmapVaddr;
        this.areaStartVaddr = areaStartVaddr;
        this.pages = pages;
        this.words = (int) ((pages + PAGES_PER_WORD - 1) >>> PAGES_PER_WORD_SHIFT);
    }

    /**
     * An allocator over a bitmap that is already in memory, as the constructor's arguments
     * describe it, without clearing it: the used page count and the hint are read back from the
     * bytes. Nothing is written.
     *
     * @throws IllegalArgumentException as the constructor does, and when the bytes are not a
     *                                  well-formed bitmap (a {@code 10} outside a block, a block
     *                                  without its {@code 11}, a padding page past the area that is
     *                                  not {@code 00}), naming the first page that is wrong
     * @throws PageFaultException       when a page of the bitmap cannot be read, or would fault on a
     *                                  write at the MMU's privilege level
     */
    public static PageRangeAllocator attach(String name, Mmu mmu, long bitmapVaddr, long areaStartVaddr, long pages) {
        PageRangeAllocator allocator = new PageRangeAllocator("attach", name, mmu, bitmapVaddr, areaStartVaddr, pages);
        long bytes = allocator.bitmapBytes();
        for (long page = Addresses.alignDown(bitmapVaddr); page < bitmapVaddr + bytes; page += Addresses.PAGE_BYTES) {
            Mmu.Outcome outcome = mmu.probe(Math.max(page, bitmapVaddr), true, mmu.cpl());
            if (!outcome.translates()) {
                throw new PageFaultException(outcome.fault());
            }
        }
        PageRangeScan.Result scan = allocator.scan(false);
        if (scan.problem() != null) {
            throw new IllegalArgumentException("attach: the " + bytes + " bytes at " + Addresses.hex(bitmapVaddr)
                    + " are not a bitmap of " + allocator.area() + ": " + scan.problem());
        }
        allocator.usedPages = scan.usedPages();
        allocator.hintPage = scan.firstFreePage();
        return allocator;
    }

    /**
     * The bytes of the bitmap of an area of {@code pages} pages: two bits a page, rounded up to
     * whole 32-bit words.
     *
     * @throws IllegalArgumentException unless {@code pages} is 0 to 2^20 (the 32-bit space)
     */
    public static long bitmapBytes(long pages) {
        if (pages < 0 || pages > MAX_PAGES) {
            throw new IllegalArgumentException("bitmapBytes: pages=" + pages + " is not 0 to " + MAX_PAGES);
        }
        return ((pages + PAGES_PER_WORD - 1) >>> PAGES_PER_WORD_SHIFT) * Integer.BYTES;
    }

    // ---------------------------------------------------------------- allocPages and freePages

    /**
     * Allocates the lowest run of {@code pages} consecutive free pages (first fit).
     *
     * @return the virtual address of its first page, or {@link #NO_PAGES} when no run of free
     *         pages is that long, even if as many pages are free in total; nothing changes then
     * @throws IllegalArgumentException when {@code pages} is below 1; nothing changes
     */
    public long allocPages(long pages) {
        if (pages < 1) {
            throw new IllegalArgumentException("allocPages: pages=" + pages + " is not at least 1 (" + area() + ")");
        }
        if (pages > this.pages - usedPages) {
            return NO_PAGES;
        }
        long first = nextFree(hintPage);
        hintPage = first;
        long candidate = first;
        while (candidate <= this.pages - pages) {
            long blocked = nextUsed(candidate, candidate + pages);
            if (blocked == candidate + pages) {
                writeBlock(candidate, pages, true);
                usedPages += pages;
                if (candidate == first) {
                    hintPage = candidate + pages;
                }
                checkIfEnabled();
                return vaddrOf(candidate);
            }
            candidate = nextFree(blocked + 1);
        }
        checkIfEnabled();
        return NO_PAGES;
    }

    /**
     * Frees the block whose first page is at {@code vaddr}.
     *
     * @return the number of pages freed
     * @throws IllegalArgumentException when {@code vaddr} is outside the area, not page aligned,
     *                                  or not the first page of a block (a free page, a middle or
     *                                  last page of a longer block); the message names the state
     *                                  found, and nothing changes
     */
    public long freePages(long vaddr) {
        long page = checkedPage("freePages", vaddr);
        int state = readState(page);
        boolean startsBlock = state == FIRST || state == LAST && (page == 0 || !insideBlock(readState(page - 1)));
        if (!startsBlock) {
            throw notABlockStart("freePages", vaddr, page, state);
        }
        long end = page + 1;
        if (state == FIRST) {
            long last = nextNotMiddle(page + 1);
            if (last >= this.pages || readState(last) != LAST) {
                throw new AssertionError(name + ": the block that starts at " + Addresses.hex(vaddr) + " has no last"
                        + " page (11): the first page after it that is not 10 is " + describePage(last) + " ("
                        + area() + ", bitmap at " + Addresses.hex(bitmapVaddr) + ")");
            }
            end = last + 1;
        }
        writeBlock(page, end - page, false);
        usedPages -= end - page;
        hintPage = Math.min(hintPage, page);
        checkIfEnabled();
        return end - page;
    }

    // ---------------------------------------------------------------- views

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** The area's first page. */
    public long areaStartVaddr() {
        return areaStartVaddr;
    }

    /** The address right after the area's last page (exclusive end; 0x100000000 for an area up to the top). */
    public long areaEndVaddr() {
        return areaStartVaddr + (pages << Addresses.PAGE_SHIFT);
    }

    /** The pages of the area. */
    public long pages() {
        return pages;
    }

    /** The pages of the area that are free. */
    public long freePageCount() {
        return pages - usedPages;
    }

    /** The pages of the area that are allocated. */
    public long usedPageCount() {
        return usedPages;
    }

    /** The virtual address of the bitmap's first byte. */
    public long bitmapVaddr() {
        return bitmapVaddr;
    }

    /** The bitmap's size in bytes, {@link #bitmapBytes(long) bitmapBytes(pages())}. */
    public long bitmapBytes() {
        return (long) words * Integer.BYTES;
    }

    /**
     * The state of the page holding {@code vaddr}, {@link #FREE} to {@link #LAST}, read from the
     * bitmap.
     *
     * @throws IllegalArgumentException when {@code vaddr} is outside the area
     */
    public int state(long vaddr) {
        if (!inArea(vaddr)) {
            throw new IllegalArgumentException("state: " + Addresses.hex(vaddr) + " is outside " + area());
        }
        return readState(pageOf(vaddr));
    }

    /** Whether the page holding {@code vaddr} is allocated; false outside the area. */
    public boolean isAllocated(long vaddr) {
        return inArea(vaddr) && readState(pageOf(vaddr)) != FREE;
    }

    /**
     * One allocated block: {@code pages} pages from {@code startVaddr}.
     *
     * @param startVaddr the block's first page, which {@link #freePages} takes
     * @param pages      its size, at least 1
     */
    public record Block(long startVaddr, long pages) {
        /** The address after the block's last page. */
        public long endVaddr() {
            return startVaddr + (pages << Addresses.PAGE_SHIFT);
        }

        @Override
        public String toString() {
            return "[" + Addresses.hex(startVaddr) + ", +" + pages + (pages == 1 ? " page)" : " pages)");
        }
    }

    /**
     * Every allocated block, in address order, read from the bitmap.
     *
     * @throws AssertionError when the bitmap is not well formed
     */
    public List<Block> blocks() {
        PageRangeScan.Result scan = scan(true);
        if (scan.problem() != null) {
            throw new AssertionError(name + ": " + scan.problem() + " (" + area() + ")");
        }
        return scan.blocks();
    }

    /**
     * The states of {@code pages} pages from {@code fromVaddr}, as seed 004 draws them: the
     * two-digit codes, page by page in address order, separated by one space, on one line, with
     * no header and no line break; {@code "00 00 00 00 01 10 10 10 10 11 00 00 00 11 00 00"} for
     * the picture in the class comment. Empty for 0 pages.
     *
     * @throws IllegalArgumentException when {@code fromVaddr} is not a page of the area, or the
     *                                  pages run past its end
     */
    public String render(long fromVaddr, int pages) {
        long from = checkedPage("render", fromVaddr);
        if (pages < 0 || pages > this.pages - from) {
            throw new IllegalArgumentException("render: " + pages + " pages from " + Addresses.hex(fromVaddr)
                    + " do not fit in " + area());
        }
        StringBuilder out = new StringBuilder(3 * pages);
        for (long page = from; page < from + pages; page++) {
            int state = readState(page);
            if (page > from) {
                out.append(' ');
            }
            out.append((char) ('0' + (state >>> 1))).append((char) ('0' + (state & 1)));
        }
        return out.toString();
    }

    /**
     * Reads the whole bitmap and checks it: every block is {@code 01 10* 11} or a lone
     * {@code 11}, no {@code 10} or {@code 11} stands outside a block except a lone {@code 11},
     * no block runs off the end of the area, the padding pages past the area are {@code 00},
     * the used page count is the pages the blocks hold, and every page below the hint is
     * allocated.
     *
     * @throws AssertionError naming the first problem and the state around it
     */
    public void checkInvariants() {
        PageRangeScan.Result scan = scan(false);
        if (scan.problem() != null) {
            throw new AssertionError(name + ": " + scan.problem() + " (" + area() + ", bitmap at "
                    + Addresses.hex(bitmapVaddr) + ")");
        }
        if (scan.usedPages() != usedPages) {
            throw new AssertionError(name + ": the blocks in the bitmap hold " + scan.usedPages() + " pages, but the"
                    + " count says " + usedPages + " are used (" + area() + ")");
        }
        if (hintPage < 0 || hintPage > scan.firstFreePage()) {
            throw new AssertionError(name + ": the hint is page " + hintPage + ", but page " + scan.firstFreePage()
                    + " is the first free one (" + area() + ")");
        }
    }

    /** {@link #checkInvariants()} when {@link Checks#ENABLED}, leaving the TLB and the MMU's counters alone. */
    private void checkIfEnabled() {
        if (Checks.ENABLED) {
            mmu.observe(() -> {
                checkInvariants();
                return null;
            });
        }
    }

    @Override
    public String toString() {
        return area() + ": " + usedPages + " of " + pages + " pages used, bitmap of " + bitmapBytes() + " bytes at "
                + Addresses.hex(bitmapVaddr);
    }

    // ---------------------------------------------------------------- the bitmap, a word at a time

    private int readWord(int w) {
        return mmu.read32(bitmapVaddr + ((long) w << 2));
    }

    private void writeWord(int w, int value) {
        mmu.write32(bitmapVaddr + ((long) w << 2), value);
    }

    private int readState(long page) {
        int b = mmu.read8(bitmapVaddr + (page >>> 2));
        return (b >>> shift(page & 3)) & STATE_MASK;
    }

    /** The shift of a page's state within its word (or byte): two bits a page. */
    private static int shift(long page) {
        return (int) (page & (PAGES_PER_WORD - 1)) << 1;
    }

    /**
     * Bit {@code 2j} set for every page {@code j} of {@code word} whose state differs from its
     * state in {@code pattern}: the pair of {@code word ^ pattern} is not {@code 00}.
     */
    private static int differing(int word, int pattern) {
        int y = word ^ pattern;
        return (y | (y >>> 1)) & LOW_BITS;
    }

    /**
     * The first page in {@code [from, limit)} whose state differs from its state in
     * {@code pattern} ({@code equal} false) or equals it ({@code equal} true), or {@code limit}
     * when there is none; {@code limit} is at most the padded end of the bitmap.
     */
    private long next(long from, long limit, int pattern, boolean equal) {
        if (from >= limit) {
            return limit;
        }
        int flip = equal ? LOW_BITS : 0;
        int w = (int) (from >>> PAGES_PER_WORD_SHIFT);
        int found = (differing(readWord(w), pattern) ^ flip) & (-1 << shift(from));
        while (found == 0) {
            if ((long) ++w << PAGES_PER_WORD_SHIFT >= limit) {
                return limit;
            }
            found = differing(readWord(w), pattern) ^ flip;
        }
        return Math.min(((long) w << PAGES_PER_WORD_SHIFT) + (Integer.numberOfTrailingZeros(found) >>> 1), limit);
    }

    /** The first free page at or after {@code from}, or {@code pages} when there is none. */
    private long nextFree(long from) {
        return next(from, pages, 0, true);
    }

    /** The first allocated page in {@code [from, limit)}, or {@code limit} when there is none. */
    private long nextUsed(long from, long limit) {
        return next(from, limit, 0, false);
    }

    /**
     * The first page at or after {@code from} that is not {@link #MIDDLE}; the padding pages
     * are {@code 00}, so a block that runs off the area stops there, at {@code pages} or beyond.
     */
    private long nextNotMiddle(long from) {
        return next(from, (long) words << PAGES_PER_WORD_SHIFT, ALL_MIDDLE, false);
    }

    /**
     * Writes the states of a block of {@code count} pages from {@code start}: {@code 01 10 ... 10 11}
     * (or {@code 11} for one page) when {@code allocated}, {@code 00} otherwise. Whole words are
     * written without being read; the partial words at the ends are read, merged and written back.
     */
    private void writeBlock(long start, long count, boolean allocated) {
        long last = start + count - 1;
        for (long at = start; at <= last; ) {
            int w = (int) (at >>> PAGES_PER_WORD_SHIFT);
            long wordLast = Math.min(last, ((long) w << PAGES_PER_WORD_SHIFT) + PAGES_PER_WORD - 1);
            int mask = pairMask(at, wordLast);
            int bits = 0;
            if (allocated) {
                bits = ALL_MIDDLE & mask;
                if (at == start) {
                    bits = (bits & ~(STATE_MASK << shift(start))) | (FIRST << shift(start));
                }
                if (wordLast == last) {
                    bits |= LAST << shift(last);
                }
            }
            writeWord(w, mask == -1 ? bits : (readWord(w) & ~mask) | bits);
            at = wordLast + 1;
        }
    }

    /** The bits of pages {@code first..last} (inclusive) of one word. */
    private static int pairMask(long first, long last) {
        int bits = shift(last) + STATE_BITS - shift(first);
        return (bits == Integer.SIZE ? -1 : (1 << bits) - 1) << shift(first);
    }

    // ---------------------------------------------------------------- the whole bitmap, for checks and views

    /** Reads the whole bitmap at once and walks it ({@link PageRangeScan}). */
    private PageRangeScan.Result scan(boolean collectBlocks) {
        int bytes = (int) bitmapBytes();
        byte[] bitmap = new byte[bytes];
        mmu.readBytes(bitmapVaddr, bitmap, 0, bytes);
        return PageRangeScan.scan(bitmap, pages, areaStartVaddr, collectBlocks);
    }

    // ---------------------------------------------------------------- addresses and messages

    private boolean inArea(long vaddr) {
        return vaddr >= areaStartVaddr && vaddr < areaEndVaddr();
    }

    private long pageOf(long vaddr) {
        return (vaddr - areaStartVaddr) >>> Addresses.PAGE_SHIFT;
    }

    private long vaddrOf(long page) {
        return areaStartVaddr + (page << Addresses.PAGE_SHIFT);
    }

    /** The page of the area at {@code vaddr}, which must be page aligned and inside it. */
    private long checkedPage(String operation, long vaddr) {
        if (!inArea(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is outside " + area());
        }
        if (!Addresses.isPageAligned(vaddr)) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not page aligned ("
                    + area() + ")");
        }
        return pageOf(vaddr);
    }

    private IllegalArgumentException notABlockStart(String operation, long vaddr, long page, int state) {
        if (state == FREE) {
            return new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not allocated (state=free) in "
                    + area());
        }
        long start = page;
        do {
            start--;
        } while (start >= 0 && readState(start) == MIDDLE);
        String block;
        if (start >= 0 && readState(start) == FIRST) {
            long blockStartVaddr = vaddrOf(start);
            block = ", in the block " + new Block(blockStartVaddr, nextNotMiddle(start + 1) - start + 1) + " that freePages("
                    + Addresses.hex(blockStartVaddr) + ") gives back";
        } else {
            block = ", outside any block: the bitmap is broken";
        }
        return new IllegalArgumentException(operation + ": " + Addresses.hex(vaddr) + " is not the start of a block (state="
                + PageRangeScan.STATE_NAMES[state] + block + ") in " + area());
    }

    /** {@code "kernel heap [0xC1000000, 0xC1400000)"}. */
    private String area() {
        return name + " [" + Addresses.hex(areaStartVaddr) + ", " + Addresses.hex(areaEndVaddr()) + ")";
    }

    private String describePage(long page) {
        return page < pages ? describePage(page, readState(page)) : "page " + page + ", past the area";
    }

    private String describePage(long page, int state) {
        return PageRangeScan.describePage(areaStartVaddr, page, state);
    }

    /** Whether a page in {@code state} is followed by another page of its block. */
    private static boolean insideBlock(int state) {
        return state == FIRST || state == MIDDLE;
    }
}
