package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLB as software sees it through the {@link Mmu}: hits avoid walks, invalidation follows
 * Intel SDM vol. 3A 4.10.4 (INVLPG, CR3 loads, CR4.PGE/PSE changes, page faults), stale entries
 * stay visible until invalidated, and the set-associative shape with LRU replacement.
 *
 * <p>Layout: directory at 0x1000, page tables at 0x2000 (directory index 1) and 0x3000 (index 2);
 * 4 KiB pages map to frames from 0x0080_0000 up; a 4 MiB page at directory index 3.
 */
class TlbTest {
    static final long DIRECTORY = 0x1000;
    static final long TABLE = 0x2000;
    static final long TABLE_2 = 0x3000;
    static final int P = 1;
    static final int RW = 1 << 1;
    static final int US = 1 << 2;
    static final int A = 1 << 5;
    static final int D = 1 << 6;
    static final int PS = 1 << 7;
    static final int G = 1 << 8;
    static final int KERNEL = P | RW;
    static final int USER = P | RW | US;

    /** Directory index 3: 0x00C00000-0x00FFFFFF, mapped by a 4 MiB page at 0x0040_0000. */
    static final long LARGE_VADDR = 0x00C0_0000L;
    static final long LARGE_PADDR = 0x0040_0000L;

    private final PhysicalMemory memory = PhysicalMemory.ofSize(16L << 20);

    private Mmu mmu(TlbConfig config) {
        Mmu mmu = new Mmu(memory, config);
        memory.write32(DIRECTORY + 4 * 1, (int) TABLE | USER);
        memory.write32(DIRECTORY + 4 * 2, (int) TABLE_2 | USER);
        mmu.setCr3(DIRECTORY);
        mmu.setCr4(Mmu.CR4_PSE);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP);
        mmu.resetStats();
        return mmu;
    }

    private Mmu mmu() {
        return mmu(TlbConfig.DEFAULT);
    }

    /** The linear address of page {@code page} (0-1023) under directory index 1. */
    private static long vaddr(int page) {
        return Addresses.linear(1, page, 0);
    }

    private static long pteAt(int page) {
        return TABLE + 4L * page;
    }

    /** Maps page {@code page} of directory index 1 to frame 0x800 + page with {@code flags}. */
    private long map(int page, int flags) {
        long frame = 0x0080_0000L + ((long) page << 12);
        memory.write32(pteAt(page), (int) frame | flags);
        return frame;
    }

    private void mapLarge(int flags) {
        memory.write32(DIRECTORY + 4 * 3, (int) LARGE_PADDR | PS | flags);
    }

    // ---------------------------------------------------------------- hits and misses

    @Test
    void translate_secondAccessToSamePage_isAHitWithoutWalk() {
        Mmu mmu = mmu();
        long frame = map(5, KERNEL);

        assertThat(mmu.translate(vaddr(5) + 0x10, false)).isEqualTo(frame + 0x10);
        assertThat(mmu.translate(vaddr(5) + 0x20, false)).isEqualTo(frame + 0x20);

        assertThat(mmu.stats().tlbMisses()).isEqualTo(1);
        assertThat(mmu.stats().tlbHits()).isEqualTo(1);
        assertThat(mmu.stats().walks()).isEqualTo(1);
    }

    @Test
    void translate_hit_doesNotReadTheTables() {
        Mmu mmu = mmu();
        long frame = map(5, KERNEL);
        mmu.translate(vaddr(5), false);

        memory.write32(DIRECTORY + 4 * 1, 0); // the whole 4 MiB region gone, no INVLPG

        assertThat(mmu.translate(vaddr(5) + 4, false)).isEqualTo(frame + 4);
    }

    @Test
    void entries_afterAWalk_describeTheCachedTranslation() {
        Mmu mmu = mmu();
        long frame = map(5, USER);
        mapLarge(KERNEL | G);
        mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PGE);

        mmu.translate(vaddr(5) + 0x123, true);
        mmu.translate(LARGE_VADDR + 0x1234, false);

        assertThat(mmu.tlb().size()).isEqualTo(2);
        assertThat(mmu.tlb().entries()).containsExactly(
                new Tlb.Entry(vaddr(5), frame, false, true, true, true, false),
                new Tlb.Entry(LARGE_VADDR, LARGE_PADDR, true, true, false, false, true));
    }

    @Test
    void translate_largePage_oneEntryServesEveryPageInside() {
        Mmu mmu = mmu();
        mapLarge(KERNEL);

        assertThat(mmu.translate(LARGE_VADDR + 0x1234, false)).isEqualTo(LARGE_PADDR + 0x1234);
        assertThat(mmu.translate(LARGE_VADDR + 0x3F_FFFF, false)).isEqualTo(LARGE_PADDR + 0x3F_FFFF);
        assertThat(mmu.translate(LARGE_VADDR + 0x20_0000, false)).isEqualTo(LARGE_PADDR + 0x20_0000);

        assertThat(mmu.stats().walks()).isEqualTo(1);
        assertThat(mmu.stats().tlbHits()).isEqualTo(2);
    }

    @Test
    void translate_noLargeEntries_walksEveryLargePageAccess() {
        Mmu mmu = mmu(new TlbConfig(16, 4, 0));
        mapLarge(KERNEL);

        mmu.translate(LARGE_VADDR, false);
        mmu.translate(LARGE_VADDR, false);

        assertThat(mmu.stats().walks()).isEqualTo(2);
        assertThat(mmu.tlb().size()).isZero();
    }

    @Test
    void translate_onlyLargeEntries_cachesLargePagesButWalksSmallOnes() {
        Mmu mmu = mmu(new TlbConfig(0, 1, 4));
        mapLarge(KERNEL);
        map(5, KERNEL);

        mmu.translate(LARGE_VADDR, false);
        mmu.translate(LARGE_VADDR, false);
        mmu.translate(vaddr(5), false);
        mmu.translate(vaddr(5), false);

        assertThat(mmu.stats().walks()).isEqualTo(3);
        assertThat(mmu.stats().tlbHits()).isEqualTo(1);
    }

    @Test
    void translate_tlbOff_walksEveryTime() {
        Mmu mmu = mmu(TlbConfig.OFF);
        map(5, KERNEL);

        for (int i = 0; i < 5; i++) {
            mmu.translate(vaddr(5), false);
        }

        assertThat(mmu.stats().walks()).isEqualTo(5);
        assertThat(mmu.stats().tlbHits()).isZero();
        assertThat(mmu.tlb().size()).isZero();
    }

    // ---------------------------------------------------------------- staleness and INVLPG

    @Test
    void translate_pteChangedWithoutInvlpg_usesStaleFrameUntilInvlpg() {
        Mmu mmu = mmu();
        long oldFrame = map(5, KERNEL);
        mmu.translate(vaddr(5), false);

        memory.write32(pteAt(5), 0x00A0_0000 | KERNEL);

        assertThat(mmu.translate(vaddr(5), false)).as("stale").isEqualTo(oldFrame);
        mmu.invlpg(vaddr(5) + 0x567);
        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(0x00A0_0000L);
    }

    @Test
    void invlpg_onePage_keepsOtherPagesCached() {
        Mmu mmu = mmu();
        long frame6 = map(6, KERNEL);
        map(5, KERNEL);
        mmu.translate(vaddr(5), false);
        mmu.translate(vaddr(6), false);
        memory.write32(pteAt(5), 0);
        memory.write32(pteAt(6), 0);

        mmu.invlpg(vaddr(5));

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.translate(vaddr(6), false)).as("still cached").isEqualTo(frame6);
    }

    @ParameterizedTest
    @CsvSource({"0x00000000", "0x00001234", "0x002FF000", "0x003FFFFF"})
    void invlpg_anyAddressInsideLargePage_dropsTheLargeEntry(long offset) {
        Mmu mmu = mmu();
        mapLarge(KERNEL);
        mmu.translate(LARGE_VADDR, false);
        mapLarge(0); // not present

        mmu.invlpg(LARGE_VADDR + offset);

        assertThat(mmu.translate(LARGE_VADDR + 0x10, false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.stats().invlpgs()).isEqualTo(1);
    }

    @Test
    void invlpg_addressOutsideLargePage_keepsIt() {
        Mmu mmu = mmu();
        mapLarge(KERNEL);
        mmu.translate(LARGE_VADDR, false);
        mapLarge(0);

        mmu.invlpg(LARGE_VADDR + 0x40_0000);

        assertThat(mmu.translate(LARGE_VADDR, false)).isEqualTo(LARGE_PADDR);
    }

    @Test
    void translate_pteMadeReadOnlyWithoutInvlpg_staleEntryStillAllowsTheWrite() {
        // SDM 4.10.4.2: until INVLPG the processor may use the old, more permissive translation.
        Mmu mmu = mmu();
        long frame = map(5, USER);
        mmu.setCpl(3);
        mmu.translate(vaddr(5), true); // cached writable and dirty
        memory.write32(pteAt(5), (int) frame | P | US | A | D);

        assertThat(mmu.translate(vaddr(5), true)).as("stale, more permissive").isEqualTo(frame);
        mmu.invlpg(vaddr(5));
        assertThat(mmu.translate(vaddr(5), true)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.lastFault().errorCode()).isEqualTo(7);
    }

    @Test
    void translate_cachedRightsDenyButTablesNowAllow_rewalksInsteadOfFaulting() {
        // Mmu's documented choice (SDM 4.10.4.3 allows either): a denying entry is re-checked.
        Mmu mmu = mmu();
        long frame = map(5, P | US | D);
        mmu.setCpl(3);
        mmu.translate(vaddr(5), false); // cached read-only, dirty
        memory.write32(pteAt(5), (int) frame | USER | A | D); // made writable, no INVLPG

        assertThat(mmu.translate(vaddr(5), true)).isEqualTo(frame);
        assertThat(mmu.stats().tlbRewalks()).isEqualTo(1);
        assertThat(mmu.stats().faults()).isZero();
    }

    @Test
    void translate_cachedDirtyReadOnlyPage_userWriteStillFaults() {
        // A read caches the entry with D=1 but R/W=0: a write hit must not skip the rights check.
        Mmu mmu = mmu();
        long frame = map(5, P | US | D);
        mmu.setCpl(3);
        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(frame);

        assertThat(mmu.translate(vaddr(5), true)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.lastFault().errorCode()).isEqualTo(7);
        assertThat(memory.read32(pteAt(5))).isEqualTo((int) frame | P | US | A | D);
    }

    @Test
    void translate_cachedDirtyReadOnlyPage_supervisorWriteWithWpFaults() {
        Mmu mmu = mmu(); // CR0.WP = 1
        long frame = map(5, P | D);
        mmu.translate(vaddr(5), false);

        assertThat(mmu.translate(vaddr(5), true)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.lastFault().errorCode()).isEqualTo(3);
        assertThat(memory.read32(pteAt(5))).isEqualTo((int) frame | P | A | D);
    }

    @Test
    void translate_cachedDirtyReadOnlyPage_supervisorWriteWithoutWpHits() {
        Mmu mmu = mmu();
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG); // WP = 0
        long frame = map(5, P | D);
        mmu.translate(vaddr(5), false);
        mmu.resetStats();

        assertThat(mmu.translate(vaddr(5), true)).isEqualTo(frame);
        assertThat(mmu.stats().tlbHits()).isEqualTo(1);
        assertThat(mmu.stats().walks()).isZero();
    }

    @Test
    void translate_cachedDirtyReadOnlyLargePage_userWriteStillFaults() {
        Mmu mmu = mmu();
        mapLarge(P | US | D);
        mmu.setCpl(3);
        mmu.translate(LARGE_VADDR, false);

        assertThat(mmu.translate(LARGE_VADDR + 0x5000, true)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.lastFault().errorCode()).isEqualTo(7);
    }

    // ---------------------------------------------------------------- D through the TLB

    @Test
    void translate_writeToPageCachedClean_rewalksAndSetsDirtyInMemory() {
        Mmu mmu = mmu();
        map(5, KERNEL);
        mmu.translate(vaddr(5), false);
        assertThat(memory.read32(pteAt(5)) & D).isZero();

        mmu.translate(vaddr(5), true);

        assertThat(memory.read32(pteAt(5)) & D).isNotZero();
        assertThat(mmu.stats().tlbRewalks()).isEqualTo(1);
        assertThat(mmu.stats().walks()).isEqualTo(2);
        assertThat(mmu.stats().dirtyBitsSet()).isEqualTo(1);

        mmu.translate(vaddr(5), true);
        assertThat(mmu.stats().walks()).as("now cached dirty").isEqualTo(2);
        assertThat(mmu.stats().tlbHits()).isEqualTo(1);
    }

    @Test
    void translate_readOfPageAlreadyDirty_cachesItDirtySoAWriteHits() {
        Mmu mmu = mmu();
        map(5, KERNEL | D);
        mmu.translate(vaddr(5), false);

        mmu.translate(vaddr(5), true);

        assertThat(mmu.stats().walks()).isEqualTo(1);
        assertThat(mmu.stats().tlbRewalks()).isZero();
    }

    @Test
    void translate_writeToLargePageCachedClean_setsDirtyInThePde() {
        Mmu mmu = mmu();
        mapLarge(KERNEL);
        mmu.translate(LARGE_VADDR, false);

        mmu.translate(LARGE_VADDR + 0x1000, true);

        assertThat(memory.read32(DIRECTORY + 4 * 3)).isEqualTo((int) LARGE_PADDR | PS | KERNEL | A | D);
        assertThat(mmu.stats().tlbRewalks()).isEqualTo(1);
    }

    @Test
    void translate_dirtyCleared_withInvlpg_isSetAgainOnNextWrite() {
        Mmu mmu = mmu();
        long frame = map(5, KERNEL);
        mmu.translate(vaddr(5), true);
        memory.write32(pteAt(5), (int) frame | KERNEL | A); // the OS clears D

        mmu.translate(vaddr(5), true);
        assertThat(memory.read32(pteAt(5)) & D).as("cached dirty: not set again").isZero();

        mmu.invlpg(vaddr(5));
        mmu.translate(vaddr(5), true);
        assertThat(memory.read32(pteAt(5)) & D).isNotZero();
    }

    // ---------------------------------------------------------------- faults drop entries

    @Test
    void translate_faultOnCachedPage_dropsItsEntry() {
        // SDM 4.10.4.1: a page fault invalidates the TLB entries for the faulting linear address.
        Mmu mmu = mmu();
        long frame = map(5, P); // supervisor, read-only
        mmu.translate(vaddr(5), false); // cached clean, read-only
        memory.write32(pteAt(5), 0x00A0_0000 | P); // remapped without INVLPG

        assertThat(mmu.translate(vaddr(5), true)).isEqualTo(Mmu.FAULT); // WP=1: rewalk, fault
        assertThat(mmu.tlb().entries()).noneMatch(e -> e.vaddr() == vaddr(5));
        assertThat(mmu.translate(vaddr(5), false)).as("walks the new entry, not stale %s", Addresses.hex(frame))
                .isEqualTo(0x00A0_0000L);
    }

    @Test
    void translate_faultingTranslation_isNeverCached() {
        Mmu mmu = mmu();
        long frame = map(5, RW); // not present

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
        memory.write32(pteAt(5), (int) frame | KERNEL); // the handler maps it, no INVLPG needed

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(frame);
        assertThat(mmu.tlb().size()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- flushes

    @Test
    void setCr3_sameValue_dropsNonGlobalEntries() {
        Mmu mmu = mmu();
        map(5, KERNEL);
        mmu.translate(vaddr(5), false);
        memory.write32(pteAt(5), 0);

        mmu.setCr3(DIRECTORY); // same value: still a flush

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.stats().tlbFlushes()).isEqualTo(1);
    }

    @Test
    void setCr3_withPge_keepsGlobalEntriesSmallAndLarge() {
        Mmu mmu = mmu();
        mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PGE);
        long frame = map(5, KERNEL | G);
        mapLarge(KERNEL | G);
        mmu.translate(vaddr(5), false);
        mmu.translate(LARGE_VADDR, false);
        memory.write32(pteAt(5), 0);
        mapLarge(0);

        mmu.setCr3(DIRECTORY);

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(frame);
        assertThat(mmu.translate(LARGE_VADDR, false)).isEqualTo(LARGE_PADDR);
    }

    @Test
    void setCr3_globalBitWithoutPge_isNotKept() {
        Mmu mmu = mmu(); // CR4.PGE = 0
        map(5, KERNEL | G);
        mapLarge(KERNEL | G);
        mmu.translate(vaddr(5), false);
        mmu.translate(LARGE_VADDR, false);
        memory.write32(pteAt(5), 0);
        mapLarge(0);

        mmu.setCr3(DIRECTORY);

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.translate(LARGE_VADDR, false)).isEqualTo(Mmu.FAULT);
    }

    @Test
    void setCr3_globalBitInPdeOfPageTable_doesNotMakeItsPagesGlobal() {
        // SDM table 4-5: bit 8 of a PDE that references a page table is ignored.
        Mmu mmu = mmu();
        mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PGE);
        memory.write32(DIRECTORY + 4 * 1, (int) TABLE | USER | G);
        map(5, KERNEL);
        mmu.translate(vaddr(5), false);
        memory.write32(pteAt(5), 0);

        mmu.setCr3(DIRECTORY);

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
    }

    @Test
    void setCr4_togglingPge_flushesGlobalEntriesToo() {
        Mmu mmu = mmu();
        mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PGE);
        map(5, KERNEL | G);
        mmu.translate(vaddr(5), false);
        memory.write32(pteAt(5), 0);

        mmu.setCr4(Mmu.CR4_PSE); // PGE 1 -> 0

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.stats().tlbFlushes()).isEqualTo(2); // PGE on, PGE off
    }

    @Test
    void setCr4_togglingPse_flushesEverything() {
        Mmu mmu = mmu();
        mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PGE);
        map(5, KERNEL | G);
        mapLarge(KERNEL | G);
        mmu.translate(vaddr(5), false);
        mmu.translate(LARGE_VADDR, false);

        mmu.setCr4(Mmu.CR4_PGE); // PSE 1 -> 0

        assertThat(mmu.tlb().size()).isZero();
    }

    @Test
    void setCr4_sameBits_doesNotFlush() {
        Mmu mmu = mmu();
        map(5, KERNEL);
        mmu.translate(vaddr(5), false);

        mmu.setCr4(Mmu.CR4_PSE);

        assertThat(mmu.tlb().size()).isEqualTo(1);
        assertThat(mmu.stats().tlbFlushes()).isZero();
    }

    @Test
    void setCr0_togglingWp_flushesEverything() {
        Mmu mmu = mmu();
        mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PGE);
        map(5, KERNEL | G);
        mmu.translate(vaddr(5), false);

        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG);

        assertThat(mmu.tlb().size()).isZero();
    }

    @Test
    void translate_cpl3AfterCpl0Cached_reChecksUserBitAndFaults() {
        Mmu mmu = mmu();
        map(5, KERNEL);
        mmu.translate(vaddr(5), false);
        mmu.setCpl(3);

        assertThat(mmu.translate(vaddr(5), false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.lastFault().errorCode()).isEqualTo(5);
    }

    // ---------------------------------------------------------------- shape and replacement

    @Test
    void translate_directMappedTlb_sameSetPagesEvictEachOther() {
        Mmu mmu = mmu(new TlbConfig(4, 1, 0)); // 4 sets, set = vpn mod 4
        map(4, KERNEL);
        map(8, KERNEL); // vpn 0x404 and 0x408: both set 0

        mmu.translate(vaddr(4), false);
        mmu.translate(vaddr(8), false);
        mmu.translate(vaddr(4), false);

        assertThat(mmu.stats().walks()).isEqualTo(3);
        assertThat(mmu.tlb().size()).isEqualTo(1);
    }

    @Test
    void translate_directMappedTlb_differentSetsCoexist() {
        Mmu mmu = mmu(new TlbConfig(4, 1, 0));
        map(4, KERNEL);
        map(5, KERNEL);

        mmu.translate(vaddr(4), false);
        mmu.translate(vaddr(5), false);
        mmu.translate(vaddr(4), false);
        mmu.translate(vaddr(5), false);

        assertThat(mmu.stats().walks()).isEqualTo(2);
    }

    @Test
    void translate_fourWayTlb_sameSetPagesCoexist() {
        Mmu mmu = mmu(new TlbConfig(4, 4, 0)); // one set of four
        for (int page : new int[] {4, 8, 12, 16}) {
            map(page, KERNEL);
            mmu.translate(vaddr(page), false);
        }
        for (int page : new int[] {4, 8, 12, 16}) {
            mmu.translate(vaddr(page), false);
        }

        assertThat(mmu.stats().walks()).isEqualTo(4);
        assertThat(mmu.stats().tlbHits()).isEqualTo(4);
    }

    @Test
    void translate_fullSet_replacesTheLeastRecentlyUsedWay() {
        Mmu mmu = mmu(new TlbConfig(2, 2, 0)); // one set, two ways
        map(1, KERNEL);
        map(2, KERNEL);
        map(3, KERNEL);
        mmu.translate(vaddr(1), false);
        mmu.translate(vaddr(2), false);
        mmu.translate(vaddr(1), false); // 1 is now more recent than 2

        mmu.translate(vaddr(3), false); // evicts 2

        assertThat(mmu.tlb().entries()).extracting(Tlb.Entry::vaddr).containsExactlyInAnyOrder(vaddr(1), vaddr(3));
        mmu.resetStats();
        mmu.translate(vaddr(1), false);
        assertThat(mmu.stats().tlbHits()).isEqualTo(1);
        mmu.translate(vaddr(2), false);
        assertThat(mmu.stats().tlbMisses()).isEqualTo(1);
    }

    @Test
    void translate_largeEntriesFull_replaceTheLeastRecentlyUsed() {
        Mmu mmu = mmu(new TlbConfig(4, 4, 2));
        for (int dir = 4; dir < 7; dir++) {
            memory.write32(DIRECTORY + 4L * dir, (int) LARGE_PADDR | PS | KERNEL);
        }
        long a = 4L << 22;
        long b = 5L << 22;
        long c = 6L << 22;
        mmu.translate(a, false);
        mmu.translate(b, false);
        mmu.translate(a, false);

        mmu.translate(c, false); // evicts b

        assertThat(mmu.tlb().entries()).extracting(Tlb.Entry::vaddr).containsExactlyInAnyOrder(a, c);
    }

    @Test
    void translate_rewalkOfCachedPage_replacesItsOwnEntry() {
        Mmu mmu = mmu(new TlbConfig(2, 2, 0));
        map(1, KERNEL);
        map(2, KERNEL);
        mmu.translate(vaddr(1), false);
        mmu.translate(vaddr(2), false);

        mmu.translate(vaddr(1), true); // clean -> rewalk; must not evict page 2 nor duplicate 1

        assertThat(mmu.tlb().entries()).extracting(Tlb.Entry::vaddr).containsExactlyInAnyOrder(vaddr(1), vaddr(2));
        assertThat(mmu.tlb().entries()).filteredOn(e -> e.vaddr() == vaddr(1)).singleElement()
                .extracting(Tlb.Entry::dirty).isEqualTo(true);
    }

    // ---------------------------------------------------------------- TlbConfig

    @ParameterizedTest
    @CsvSource({"-1, 1, 0", "0, 1, -1", "1048577, 1, 0", "0, 1, 1025", "4, 0, 0", "4, -4, 0", "4, 3, 0",
        "12, 2, 0", "12, 1, 0", "8, 16, 0"})
    void tlbConfig_badShape_throws(int entries, int ways, int largeEntries) {
        assertThatThrownBy(() -> new TlbConfig(entries, ways, largeEntries))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(entries));
    }

    @ParameterizedTest
    @CsvSource({"0, 0, 0", "0, 1, 0", "1, 1, 0", "12, 3, 0", "16, 16, 1024", "1048576, 4, 8", "64, 4, 8"})
    void tlbConfig_goodShape_isAccepted(int entries, int ways, int largeEntries) {
        assertThatCode(() -> new TlbConfig(entries, ways, largeEntries)).doesNotThrowAnyException();
    }

    @Test
    void tlbConfig_enabledAndSets_followTheShape() {
        assertThat(TlbConfig.OFF.enabled()).isFalse();
        assertThat(TlbConfig.OFF.sets()).isZero();
        assertThat(TlbConfig.DEFAULT.enabled()).isTrue();
        assertThat(TlbConfig.DEFAULT.sets()).isEqualTo(16);
        assertThat(new TlbConfig(0, 1, 8).enabled()).isTrue();
        assertThat(new TlbConfig(8, 2, 0).sets()).isEqualTo(4);
    }
}
