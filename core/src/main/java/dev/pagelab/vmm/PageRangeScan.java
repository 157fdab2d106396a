package dev.pagelab.vmm;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.List;

/**
 * A walk over a copy of a whole {@link PageRangeAllocator} bitmap, for the checks and the views
 * (not the allocation paths, which read a word at a time through the MMU): the grammar
 * {@code (00 | 01 10* 11 | 11)*} page by page, the padding past the area all {@code 00}, and
 * the counts a well-formed bitmap gives. It reads the byte array only, so it can neither fault
 * nor touch the TLB; the caller reads the bytes through the MMU first.
 */
final class PageRangeScan {
    /** The states' names, by their two bits. */
    static final String[] STATE_NAMES = {"free", "first", "middle", "last"};

    private static final int STATE_MASK = 0b11;

    /**
     * What the walk found.
     *
     * @param usedPages     pages the blocks hold, or -1 with a problem
     * @param firstFreePage the lowest free page ({@code pages} when none is), or -1 with a problem
     * @param blocks        the blocks in address order, when asked for
     * @param problem       the first page that breaks the grammar, described, or null
     */
    record Result(long usedPages, long firstFreePage, List<PageRangeAllocator.Block> blocks, String problem) {
    }

    private PageRangeScan() {
    }

    /**
     * Walks {@code bitmap}, the bitmap of an area of {@code pages} pages from {@code areaStartVaddr}
     * (padded to whole 32-bit words); stops at the first page that breaks the grammar.
     */
    static Result scan(byte[] bitmap, long pages, long areaStartVaddr, boolean collectBlocks) {
        List<PageRangeAllocator.Block> blocks = new ArrayList<>();
        long used = 0;
        long firstFree = pages;
        long blockStart = -1;
        for (long page = 0; page < pages; page++) {
            int state = stateIn(bitmap, page);
            if (blockStart >= 0) {
                if (state == PageRangeAllocator.FREE || state == PageRangeAllocator.FIRST) {
                    return problem(describePage(areaStartVaddr, page, state) + " stands inside the block that starts at "
                            + describePage(areaStartVaddr, blockStart, stateIn(bitmap, blockStart))
                            + ": a block goes on with 10 and ends with 11");
                }
                if (state == PageRangeAllocator.LAST) {
                    used += page - blockStart + 1;
                    if (collectBlocks) {
                        blocks.add(new PageRangeAllocator.Block(vaddrOf(areaStartVaddr, blockStart),
                                page - blockStart + 1));
                    }
                    blockStart = -1;
                }
                continue;
            }
            switch (state) {
                case PageRangeAllocator.FREE -> firstFree = Math.min(firstFree, page);
                case PageRangeAllocator.FIRST -> blockStart = page;
                case PageRangeAllocator.LAST -> {
                    used++;
                    if (collectBlocks) {
                        blocks.add(new PageRangeAllocator.Block(vaddrOf(areaStartVaddr, page), 1));
                    }
                }
                default -> {
                    return problem(describePage(areaStartVaddr, page, state) + " stands outside any block: a block"
                            + " starts with 01, or is a lone 11");
                }
            }
        }
        if (blockStart >= 0) {
            return problem("the block that starts at " + describePage(areaStartVaddr, blockStart,
                    stateIn(bitmap, blockStart)) + " runs off the end of the area without a last page (11)");
        }
        for (long page = pages; page < (long) bitmap.length * 4; page++) {
            int state = stateIn(bitmap, page);
            if (state != PageRangeAllocator.FREE) {
                return problem("padding page " + page + " past the area is " + STATE_NAMES[state] + " (" + code(state)
                        + "), not 00");
            }
        }
        return new Result(used, firstFree, List.copyOf(blocks), null);
    }

    /** {@code page 5 (0x00006000, state=first 01)}. */
    static String describePage(long areaStartVaddr, long page, int state) {
        return "page " + page + " (" + Addresses.hex(vaddrOf(areaStartVaddr, page)) + ", state=" + STATE_NAMES[state]
                + " " + code(state) + ")";
    }

    /** The two digits of a state: {@code 01}. */
    static String code(int state) {
        return "" + (state >>> 1) + (state & 1);
    }

    private static int stateIn(byte[] bitmap, long page) {
        return (bitmap[(int) (page >>> 2)] >>> (int) ((page & 3) << 1)) & STATE_MASK;
    }

    private static long vaddrOf(long areaStartVaddr, long page) {
        return areaStartVaddr + (page << Addresses.PAGE_SHIFT);
    }

    private static Result problem(String problem) {
        return new Result(-1, -1, List.of(), problem);
    }
}
