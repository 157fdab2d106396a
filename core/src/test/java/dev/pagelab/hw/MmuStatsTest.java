package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The MMU's counters, their snapshots and their reset. */
class MmuStatsTest {
    static final long DIRECTORY = 0x1000;
    static final long TABLE = 0x2000;
    static final int KERNEL = Pte.PRESENT | Pte.WRITABLE;

    private final PhysicalMemory memory = PhysicalMemory.ofSize(16L << 20);

    private Mmu pagedMmu(TlbConfig config) {
        Mmu mmu = new Mmu(memory, config);
        memory.write32(DIRECTORY + 4, (int) TABLE | KERNEL);
        for (int page = 0; page < 8; page++) {
            memory.write32(TABLE + 4L * page, (0x0080_0000 + (page << 12)) | KERNEL);
        }
        mmu.setCr3(DIRECTORY);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG);
        return mmu;
    }

    private static long vaddr(int page) {
        return Addresses.linear(1, page, 0);
    }

    private static MmuStats.Snapshot snapshot(long accesses, long hits, long misses, long rewalks, long walks,
                                              long faults, long accessed, long dirty, long invlpgs, long flushes) {
        return new MmuStats.Snapshot(accesses, hits, misses, rewalks, walks, faults, accessed, dirty, invlpgs, flushes);
    }

    @Test
    void stats_newMmu_areAllZero() {
        assertThat(new Mmu(memory).stats().snapshot()).isEqualTo(snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void stats_scriptedSequence_countEveryEvent() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        mmu.resetStats();

        mmu.translate(vaddr(0), false);  // miss, walk, A in PDE and PTE
        mmu.translate(vaddr(0), false);  // hit
        mmu.translate(vaddr(0), true);   // cached clean: rewalk, D in PTE
        mmu.translate(vaddr(0), true);   // hit
        mmu.translate(vaddr(1), true);   // miss, walk, A and D in PTE (PDE already A)
        memory.write32(TABLE + 4 * 2, 0);
        mmu.translate(vaddr(2), false);  // miss, walk, fault
        mmu.invlpg(vaddr(0));
        mmu.invlpg(vaddr(5));
        mmu.setCr3(DIRECTORY);           // non-global flush
        mmu.setCr4(Mmu.CR4_PGE);         // full flush
        mmu.setCr4(Mmu.CR4_PGE);         // no change, no flush

        assertThat(mmu.stats().snapshot()).isEqualTo(snapshot(6, 2, 3, 1, 4, 1, 3, 2, 2, 2));
    }

    @Test
    void observe_readsAndFaults_leaveTlbCountersAndCr2AsTheyWere() {
        // A 2-entry, 2-way TLB: the observer's reads would evict both entries.
        Mmu mmu = pagedMmu(new TlbConfig(2, 2, 1));
        mmu.read32(vaddr(0));
        mmu.write32(vaddr(1), 7);
        memory.write32(TABLE + 4 * 7, 0);
        mmu.translate(vaddr(7), false);
        var tlbBefore = mmu.tlb().entries();
        MmuStats.Snapshot statsBefore = mmu.stats().snapshot();
        PageFault faultBefore = mmu.lastFault();

        int read = mmu.observe(() -> {
            mmu.read32(vaddr(3));
            mmu.read32(vaddr(4));
            mmu.translate(Addresses.linear(2, 0, 0), true);
            return mmu.read32(vaddr(1));
        });

        assertThat(read).isEqualTo(7);
        assertThat(mmu.tlb().entries()).isEqualTo(tlbBefore);
        assertThat(mmu.stats().snapshot()).isEqualTo(statsBefore);
        assertThat(mmu.lastFault()).isEqualTo(faultBefore);
        assertThat(mmu.cr2()).isEqualTo(vaddr(7));
        // Recency is restored too: the next miss in the set evicts what it would have evicted anyway.
        mmu.read32(vaddr(2));
        assertThat(mmu.tlb().entries()).extracting(Tlb.Entry::vaddr).containsExactlyInAnyOrder(vaddr(1), vaddr(2));
    }

    @Test
    void observe_walksSetAccessedAndDirty_clearsThemAgainButNotFlagsSetBefore() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        mmu.read32(vaddr(0));
        int pde = memory.read32(DIRECTORY + 4);
        int pte0 = memory.read32(TABLE);

        mmu.observe(() -> {
            mmu.write32(vaddr(0), 1);
            mmu.read32(vaddr(3));
            return mmu.observe(() -> mmu.read32(vaddr(4)));
        });

        assertThat(memory.read32(DIRECTORY + 4)).as("A set before the observer stays").isEqualTo(pde);
        assertThat(memory.read32(TABLE)).as("D cleared, A kept").isEqualTo(pte0);
        assertThat(memory.read32(TABLE + 4 * 3) & (Pte.ACCESSED | Pte.DIRTY)).isZero();
        assertThat(memory.read32(TABLE + 4 * 4) & (Pte.ACCESSED | Pte.DIRTY)).isZero();
        assertThat(memory.read32(vaddr(0) - Addresses.linear(1, 0, 0) + 0x0080_0000)).as("the data stays").isEqualTo(1);
    }

    @Test
    void observe_entryWrittenAfterItsFlagWasSet_isLeftAsWritten() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);

        mmu.observe(() -> {
            mmu.read32(vaddr(5));
            memory.write32(TABLE + 4 * 5, 0x0090_0000 | KERNEL);
            return null;
        });

        assertThat(memory.read32(TABLE + 4 * 5)).isEqualTo(0x0090_0000 | KERNEL);
    }

    @Test
    void observe_pageRemappedAndBack_keepsItsTlbEntryAndDropsOneLeftChanged() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        mmu.read32(vaddr(1));
        mmu.read32(vaddr(2));
        int pte1 = memory.read32(TABLE + 4);

        mmu.observe(() -> {
            memory.write32(TABLE + 4, 0x0090_0000 | KERNEL);
            mmu.invlpg(vaddr(1));
            mmu.read32(vaddr(1));
            memory.write32(TABLE + 4, pte1);
            mmu.invlpg(vaddr(1));
            memory.write32(TABLE + 8, 0x0091_0000 | KERNEL | Pte.ACCESSED);
            mmu.invlpg(vaddr(2));
            return null;
        });

        assertThat(mmu.tlb().entries()).extracting(Tlb.Entry::vaddr).containsExactly(vaddr(1));
        long hits = mmu.stats().tlbHits();
        assertThat(mmu.translate(vaddr(1), false)).isEqualTo(0x0080_1000L);
        assertThat(mmu.stats().tlbHits()).isEqualTo(hits + 1);
        assertThat(mmu.translate(vaddr(2), false)).as("not the stale frame").isEqualTo(0x0091_0000L);
    }

    @Test
    void stats_tlbOff_everyAccessWalks() {
        Mmu mmu = pagedMmu(TlbConfig.OFF);
        mmu.resetStats();

        for (int i = 0; i < 4; i++) {
            mmu.translate(vaddr(3), i % 2 == 0);
        }

        assertThat(mmu.stats().accesses()).isEqualTo(4);
        assertThat(mmu.stats().walks()).isEqualTo(4);
        assertThat(mmu.stats().tlbHits()).isZero();
        assertThat(mmu.stats().tlbRewalks()).isZero();
        assertThat(mmu.stats().accessedBitsSet()).isEqualTo(2);
        assertThat(mmu.stats().dirtyBitsSet()).isEqualTo(1);
    }

    @Test
    void stats_pagingOff_countsAccessesButNoWalks() {
        Mmu mmu = new Mmu(memory);

        mmu.translate(0x1234, false);
        mmu.read32(0x2000);

        assertThat(mmu.stats().accesses()).isEqualTo(2);
        assertThat(mmu.stats().walks()).isZero();
        assertThat(mmu.stats().tlbMisses()).isZero();
    }

    @Test
    void stats_splitAccess_countsOneAccessPerPage() {
        Mmu mmu = pagedMmu(TlbConfig.OFF);
        mmu.resetStats();

        mmu.read32(vaddr(1) - 2);
        mmu.readBytes(vaddr(2) + 10, new byte[3 * 4096], 0, 3 * 4096); // pages 2, 3, 4, 5

        assertThat(mmu.stats().accesses()).isEqualTo(2 + 4);
    }

    @Test
    void stats_faultingAccessThroughRead_countsTheFault() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        memory.write32(TABLE + 4 * 6, 0);
        mmu.resetStats();

        assertThatThrownBy(() -> mmu.read8(vaddr(6))).isInstanceOf(PageFaultException.class);

        assertThat(mmu.stats().faults()).isEqualTo(1);
        assertThat(mmu.stats().accessedBitsSet()).as("A in the PDE").isEqualTo(1);
    }

    @Test
    void stats_view_isLiveAndSnapshotIsFrozen() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        MmuStats live = mmu.stats();
        MmuStats.Snapshot before = live.snapshot();

        mmu.translate(vaddr(7), false);

        assertThat(live.accesses()).isEqualTo(before.accesses() + 1);
        assertThat(before.snapshot()).isSameAs(before);
        assertThat(before.accesses()).isZero();
        assertThat(live.toString()).isEqualTo(live.snapshot().toString());
    }

    @Test
    void snapshotMinus_earlierCounts_subtractsFieldByField() {
        MmuStats.Snapshot later = snapshot(100, 90, 10, 5, 15, 3, 20, 7, 4, 2);
        MmuStats.Snapshot earlier = snapshot(1, 2, 3, 4, 5, 1, 6, 7, 0, 1);

        assertThat(later.minus(earlier)).isEqualTo(snapshot(99, 88, 7, 1, 10, 2, 14, 0, 4, 1));
    }

    @Test
    void snapshotMinus_liveView_givesTheCountsInBetween() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        mmu.translate(vaddr(0), false);
        MmuStats.Snapshot before = mmu.stats().snapshot();

        mmu.translate(vaddr(0), false);
        mmu.translate(vaddr(1), true);

        assertThat(mmu.stats().snapshot().minus(before)).isEqualTo(snapshot(2, 1, 1, 0, 1, 0, 1, 1, 0, 0));
    }

    @Test
    void resetStats_afterActivity_zeroesEveryCounterButKeepsTheTlb() {
        Mmu mmu = pagedMmu(TlbConfig.DEFAULT);
        mmu.translate(vaddr(0), true);
        mmu.translate(vaddr(0), true);
        memory.write32(TABLE, 0);
        mmu.invlpg(vaddr(0));
        mmu.translate(vaddr(0), false);
        mmu.setCr3(DIRECTORY);
        mmu.translate(vaddr(1), false);

        mmu.resetStats();

        assertThat(mmu.stats().snapshot()).isEqualTo(snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        mmu.translate(vaddr(1), false);
        assertThat(mmu.stats().tlbHits()).isEqualTo(1);
    }
}
