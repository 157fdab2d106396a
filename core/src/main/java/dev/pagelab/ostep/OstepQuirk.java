package dev.pagelab.ostep;

/**
 * The scripts' behaviours that a textbook reader would not expect, kept on purpose: the
 * compatible mode must give the script's answers, and these are part of them. Each lives in the
 * compatible mode only; pagelab's own policies and allocators do not share them (pagelab's clock
 * sweeps a hand, its OPT breaks ties by load order, its heap keeps headers in simulated memory).
 * {@code pagelab ostep quirks} lists them.
 */
public enum OstepQuirk {
    /** paging-policy CLOCK. */
    CLOCK_RANDOM_PROBES("paging-policy", "CLOCK is not a sweeping hand: each probe picks a resident page at"
            + " random; a page whose counter is at least 1 loses one and the next probe is random again; the"
            + " first page probed at 0 is evicted. A page starts at 1 when loaded, a hit adds 1 up to -b"
            + " (clockbits), so -b sets how many probes a hot page survives."),
    /** paging-policy OPT and UNOPT. */
    OPT_TIES_RIGHTMOST("paging-policy", "OPT evicts the page used farthest in the future; among pages never used"
            + " again (and other ties) it takes the rightmost in the memory list, the most recently loaded."
            + " UNOPT takes the nearest and, among ties, the leftmost."),
    /** paging-policy MRU. */
    POLICY_MRU_UNLISTED("paging-policy", "-p MRU works (evicts the most recently used page) though the help"
            + " does not list it; any other unknown policy prints 'Policy X is not yet implemented' with -c"
            + " only; without -c the name is printed as given."),
    /** paging-policy -a. */
    POLICY_LATE_INT("paging-policy", "-a pages are converted with int() when the run reaches them: a bad one"
            + " fails after the lines before it are printed, and OPT/UNOPT fail earlier, at the first eviction"
            + " whose look-ahead reaches it."),
    /** malloc alignment. */
    MALLOC_ALIGN_BEFORE_HEADER("malloc", "-a rounds the requested size up to the alignment before the header"
            + " (-H) is added; the heap's start (-b) is not aligned, so blocks are aligned only relative to it."),
    /** malloc splitting. */
    MALLOC_FRONT_SPLIT("malloc", "a free chunk larger than the request is split at its front: the allocation"
            + " takes the chunk's low addresses and the rest stays in the list at the chunk's place."),
    /** malloc coalescing. */
    MALLOC_LIST_ADJACENT_COALESCE("malloc", "-C merges only neighbours in list order whose addresses touch"
            + " (one pass after each free): with ADDRSORT that is all of them, with other orders chunks that"
            + " touch but are not next to each other in the list stay apart."),
    /** malloc's returned value. */
    MALLOC_RETURNED_VALUE("malloc", "random mode prints the block's address plus the header size (-1 plus"
            + " the header size for a failed allocation); -A mode prints the address without the header and"
            + " -1 for a failed allocation. A failed allocation is never freed by random mode; -A's -N uses the"
            + " Nth allocation whether it failed or not (a failed one ends the run with a KeyError)."),
    /** malloc's list order. */
    MALLOC_SORT_STABLE("malloc", "SIZESORT+ and SIZESORT- sort after every free, keeping the list order of"
            + " equal sizes (a stable sort, also when descending); INSERT-FRONT and INSERT-BACK never sort."),
    /** malloc's prompts. */
    MALLOC_PROMPTS("malloc", "random mode asks 'List? ' with a trailing space, -A mode 'List?' without; -A"
            + " prints 'Invalid Free: Skipping' (and no list) for an index not below the number of successful"
            + " allocations so far."),
    /** multilevel translate's addresses. */
    MULTILEVEL_ADDRESS_DRAW("paging-multilevel-translate", "each address first draws a coin; below 50 (or"
            + " past the allocated pages) a fully random 15-bit address, else an address in the i-th page"
            + " allocated, so about half the questions hit mapped pages."),
    /** linear translate's page table. */
    LINEAR_USED_PERCENT("paging-linear-translate", "each page-table entry is valid when random()*100 is above"
            + " 100 - used; a valid entry draws random frames until a free one comes up."),
    /** linear translate's bad sizes. */
    LINEAR_SIZE_CHECKS("paging-linear-translate", "sizes are checked in the script's order and with its"
            + " messages: physical memory > 1, address space >= 1, physical > address space, both < 1g, then"
            + " multiples of the page size (a page size of 0 is a ZeroDivisionError), then powers of two.");

    private final String mode;
    private final String text;

    OstepQuirk(String mode, String text) {
        this.mode = mode;
        this.text = text;
    }

    /** The mode it belongs to. */
    public String mode() {
        return mode;
    }

    /** What the script does. */
    public String text() {
        return text;
    }
}
