package dev.pagelab.hw;

/**
 * What the MMU has done so far: a read-only view for reports and tests. The counts keep
 * rising until {@link Mmu#resetStats()}.
 */
public interface MmuStats {
    /** Translations asked for (each byte range within one page counts once). */
    long accesses();

    /** Translations served by the TLB without a walk. */
    long tlbHits();

    /** Translations that found nothing in the TLB (0 when the TLB is off: see {@link #walks()}). */
    long tlbMisses();

    /**
     * Translations that found the page in the TLB but walked anyway: a write to an entry
     * cached clean (to set D) or an access the cached rights do not allow (to re-check).
     */
    long tlbRewalks();

    /** Page-table walks performed (every access when the TLB is off). */
    long walks();

    /** Page faults raised. */
    long faults();

    /** A flags the MMU set in paging entries. */
    long accessedBitsSet();

    /** D flags the MMU set in paging entries. */
    long dirtyBitsSet();

    /** INVLPG instructions executed. */
    long invlpgs();

    /** Full or non-global TLB flushes (CR3 loads, CR0/CR4 changes). */
    long tlbFlushes();

    /** A copy of the counts now. */
    default Snapshot snapshot() {
        return new Snapshot(accesses(), tlbHits(), tlbMisses(), tlbRewalks(), walks(), faults(),
                accessedBitsSet(), dirtyBitsSet(), invlpgs(), tlbFlushes());
    }

    /** The counts at one moment. */
    record Snapshot(long accesses, long tlbHits, long tlbMisses, long tlbRewalks, long walks, long faults,
                    long accessedBitsSet, long dirtyBitsSet, long invlpgs, long tlbFlushes) implements MmuStats {
        /** All counts zero. */
        public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        @Override
        public Snapshot snapshot() {
            return this;
        }

        /** The counts that happened between {@code earlier} and this. */
        public Snapshot minus(MmuStats earlier) {
            return new Snapshot(accesses - earlier.accesses(), tlbHits - earlier.tlbHits(),
                    tlbMisses - earlier.tlbMisses(), tlbRewalks - earlier.tlbRewalks(), walks - earlier.walks(),
                    faults - earlier.faults(), accessedBitsSet - earlier.accessedBitsSet(),
                    dirtyBitsSet - earlier.dirtyBitsSet(), invlpgs - earlier.invlpgs(),
                    tlbFlushes - earlier.tlbFlushes());
        }

        /** The counts of this and {@code other} together. */
        public Snapshot plus(MmuStats other) {
            return new Snapshot(accesses + other.accesses(), tlbHits + other.tlbHits(), tlbMisses + other.tlbMisses(),
                    tlbRewalks + other.tlbRewalks(), walks + other.walks(), faults + other.faults(),
                    accessedBitsSet + other.accessedBitsSet(), dirtyBitsSet + other.dirtyBitsSet(),
                    invlpgs + other.invlpgs(), tlbFlushes + other.tlbFlushes());
        }
    }
}
