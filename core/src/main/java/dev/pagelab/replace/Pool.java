package dev.pagelab.replace;

/**
 * The frames a policy chooses among, as the policy sees them: the mechanism side of page
 * replacement. The replay engine implements it on primitive arrays; the kernel implements it on
 * real page tables, where the reference and dirty bits are the PTE's Accessed and Dirty bits.
 *
 * <p>Pages are small dense {@code int} ids (0, 1, 2, … in the order the pool's owner first saw
 * them); frames are numbered 0 to {@link #capacity()}−1 within the pool. A policy never places or
 * removes a page itself, except through {@link #release} (variable-allocation policies only): the
 * owner of the pool does that around {@link ReplacementPolicy#victim} and
 * {@link ReplacementPolicy#loaded}.
 *
 * <p>Reference bit: set by every reference to a resident page, including the one whose fault
 * loaded it. Dirty bit: set by every write, clear when a page is loaded. Both are what an i386
 * offers a kernel (PTE bits A and D); a policy that {@link Visibility#HARDWARE_BITS needs only
 * hardware bits} learns about hits only through them.
 */
public interface Pool {
    /** The number of frames of this pool (the most pages it can hold at once). */
    int capacity();

    /** The number of frames that hold a page now. */
    int residentPages();

    /** The page in {@code frame}, or −1 when the frame is free. */
    int pageAt(int frame);

    /** The frame that holds {@code page}, or −1 when the page is not resident. */
    int frameOf(int page);

    /** Whether the resident {@code page} has been referenced since its bit was last cleared. */
    boolean isReferenced(int page);

    /**
     * Clears the reference bit of the resident {@code page} and says whether it was set (a kernel
     * also invalidates the page's TLB entry, or the CPU would not set the bit again).
     */
    boolean testAndClearReferenced(int page);

    /** Whether the resident {@code page} has been written since it was loaded. */
    boolean isDirty(int page);

    /**
     * Evicts the resident {@code page} now, without a fault (a dirty page is written back and
     * counted), and frees its frame. Only for policies whose {@link PolicyInfo#variableAllocation}
     * is true: working set and PFF shrink a resident set this way. It does not call back into the
     * policy: the policy drops its own state for the page itself.
     *
     * @throws IllegalArgumentException when the page is not resident
     */
    void release(int page);
}
