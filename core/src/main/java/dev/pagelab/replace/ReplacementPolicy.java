package dev.pagelab.replace;

/**
 * A page-replacement policy over one {@link Pool} of frames: the policy side of replacement. The
 * pool's owner (the replay engine, or the kernel's fault handler) places and removes pages; the
 * policy only watches and chooses.
 *
 * <p>The owner calls, for every reference to page {@code p} at pool time {@code now} (0, 1, 2, …:
 * the references this pool has seen, so under local scope a process's own count and under global
 * scope the interleaved count):
 * <ol>
 *   <li>{@link #tick(long)} first, when {@link #tickInterval()} is positive and {@code now} is a
 *       positive multiple of it;</li>
 *   <li>a hit (p resident): the owner sets p's reference bit (and dirty bit for a write); then,
 *       only for {@link Visibility#EVERY_REFERENCE} policies, {@link #hit};</li>
 *   <li>a fault (p not resident) with the pool full: {@link #victim}, which returns a resident page
 *       other than p and forgets it; the owner evicts it (a write-back if dirty) and p takes its
 *       frame;</li>
 *   <li>a fault with a free frame: p takes the lowest-numbered free frame, no victim;</li>
 *   <li>after either kind of fault: the owner marks p clean and referenced (dirty too for a
 *       write), then calls {@link #loaded}.</li>
 * </ol>
 *
 * <p>{@code nextUse} is the pool time of p's next reference after this one, or
 * {@link #NEVER}; it is only computed for policies whose {@link PolicyInfo#needsFuture} is true
 * (OPT), and is {@link #NEVER} for all others.
 *
 * <p>Implementations keep primitive arrays indexed by page id and grow them as ids appear; they
 * never box. They are not thread-safe: one instance serves one pool on one thread.
 */
public interface ReplacementPolicy {
    /** {@code nextUse} of a page that is never referenced again: infinitely far. */
    long NEVER = Long.MAX_VALUE;

    /** A hit on the resident {@code page} (only for {@link Visibility#EVERY_REFERENCE}). */
    void hit(int page, boolean write, long now, long nextUse);

    /**
     * The pool is full and {@code incoming} faulted: returns the resident page to evict (never
     * {@code incoming}, which is not resident), and forgets it.
     */
    int victim(int incoming, long now, long nextUse);

    /** {@code page} has just been placed in {@code frame} for the reference at {@code now}. */
    void loaded(int page, int frame, boolean write, long now, long nextUse);

    /**
     * The pool time between two {@link #tick} calls, or 0 (the default) for none. Read once, when
     * the owner starts.
     */
    default long tickInterval() {
        return 0;
    }

    /** A periodic tick (only when {@link #tickInterval()} is positive). */
    default void tick(long now) {
    }
}
