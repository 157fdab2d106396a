package dev.pagelab.hw;

/**
 * The {@link Mmu}'s counters: plain fields the MMU bumps on its hot path, read through the
 * {@link MmuStats} view it hands out. Package-private, so only the MMU writes them.
 */
final class MmuCounters implements MmuStats {
    long accesses;
    long tlbHits;
    long tlbMisses;
    long tlbRewalks;
    long walks;
    long faults;
    long accessedBitsSet;
    long dirtyBitsSet;
    long invlpgs;
    long tlbFlushes;

    /** Puts every count back to the values of {@code saved} (zero for a fresh snapshot). */
    void restore(MmuStats saved) {
        accesses = saved.accesses();
        tlbHits = saved.tlbHits();
        tlbMisses = saved.tlbMisses();
        tlbRewalks = saved.tlbRewalks();
        walks = saved.walks();
        faults = saved.faults();
        accessedBitsSet = saved.accessedBitsSet();
        dirtyBitsSet = saved.dirtyBitsSet();
        invlpgs = saved.invlpgs();
        tlbFlushes = saved.tlbFlushes();
    }

    @Override
    public long accesses() {
        return accesses;
    }

    @Override
    public long tlbHits() {
        return tlbHits;
    }

    @Override
    public long tlbMisses() {
        return tlbMisses;
    }

    @Override
    public long tlbRewalks() {
        return tlbRewalks;
    }

    @Override
    public long walks() {
        return walks;
    }

    @Override
    public long faults() {
        return faults;
    }

    @Override
    public long accessedBitsSet() {
        return accessedBitsSet;
    }

    @Override
    public long dirtyBitsSet() {
        return dirtyBitsSet;
    }

    @Override
    public long invlpgs() {
        return invlpgs;
    }

    @Override
    public long tlbFlushes() {
        return tlbFlushes;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
