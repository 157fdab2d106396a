package dev.pagelab.replace;

/** What a policy needs to be shown of the references that hit. */
public enum Visibility {
    /**
     * Every reference, in order: {@link ReplacementPolicy#hit} is called on every hit (LRU, LFU,
     * ARC, …). A real kernel cannot offer this; the simulator gives it a reference hook.
     */
    EVERY_REFERENCE,
    /**
     * Only what the hardware offers: the reference (A) and dirty (D) bits of resident pages, read
     * through the {@link Pool} at faults and at ticks (Clock, ESC, NRU, aging, WSClock). Hits are
     * never reported to the policy.
     */
    HARDWARE_BITS
}
