package dev.pagelab.vmm;

import java.util.ArrayList;
import java.util.List;

/**
 * The oracle of {@link PageRangeAllocatorPropertyTest}: seed 004's allocator written the plain way,
 * one {@code int} state a page in a Java array, first fit by trying every start page, no words,
 * no masks, no hint. Pages are indexes into the area; the test turns them into addresses.
 */
final class ReferencePageRanges {
    private final int[] states;
    private int usedPages;

    ReferencePageRanges(int pages) {
        states = new int[pages];
    }

    /** The lowest start of {@code pages} free pages, marked {@code 01 10 ... 11}; -1 when none. */
    int allocPages(int pages) {
        for (int start = 0; start + pages <= states.length; start++) {
            if (allFree(start, pages)) {
                for (int page = start; page < start + pages; page++) {
                    states[page] = PageRangeAllocator.MIDDLE;
                }
                states[start] = PageRangeAllocator.FIRST;
                states[start + pages - 1] = PageRangeAllocator.LAST;
                usedPages += pages;
                return start;
            }
        }
        return -1;
    }

    private boolean allFree(int start, int pages) {
        for (int page = start; page < start + pages; page++) {
            if (states[page] != PageRangeAllocator.FREE) {
                return false;
            }
        }
        return true;
    }

    /** Whether a block starts at {@code page}: a 01, or a 11 whose previous page is not in a block. */
    boolean isBlockStart(int page) {
        int state = states[page];
        return state == PageRangeAllocator.FIRST
                || state == PageRangeAllocator.LAST && (page == 0 || states[page - 1] == PageRangeAllocator.FREE
                        || states[page - 1] == PageRangeAllocator.LAST);
    }

    /** Frees the block at {@code page}, which must start one; returns its size. */
    int freePages(int page) {
        if (!isBlockStart(page)) {
            throw new IllegalArgumentException("reference: page " + page + " does not start a block");
        }
        int end = page;
        while (states[end] != PageRangeAllocator.LAST) {
            end++;
        }
        for (int p = page; p <= end; p++) {
            states[p] = PageRangeAllocator.FREE;
        }
        usedPages -= end - page + 1;
        return end - page + 1;
    }

    int state(int page) {
        return states[page];
    }

    int pages() {
        return states.length;
    }

    int usedPages() {
        return usedPages;
    }

    /** The longest run of free pages. */
    int longestFreeRun() {
        int longest = 0;
        int run = 0;
        for (int state : states) {
            run = state == PageRangeAllocator.FREE ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** Every block as {start page, pages}, in address order. */
    List<int[]> blocks() {
        List<int[]> blocks = new ArrayList<>();
        for (int page = 0; page < states.length; page++) {
            if (isBlockStart(page)) {
                int end = page;
                while (states[end] != PageRangeAllocator.LAST) {
                    end++;
                }
                blocks.add(new int[] {page, end - page + 1});
                page = end;
            }
        }
        return blocks;
    }
}
