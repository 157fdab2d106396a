package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.bench.TranslateWorkload.Pattern;
import dev.pagelab.hw.MmuStats;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TranslateWorkloadTest {
    @ParameterizedTest
    @EnumSource(Pattern.class)
    void run_onePass_everyTranslationSucceedsAtTheMappedFrame(Pattern pattern) {
        TranslateWorkload workload = new TranslateWorkload(pattern);
        long expected = 0;
        for (int i = 0; i < TranslateWorkload.ACCESSES; i++) {
            expected += workload.expectedPaddr(i);
        }

        long checksum = workload.run(TranslateWorkload.ACCESSES);

        assertThat(checksum).isEqualTo(expected);
        assertThat(workload.mmu().stats().faults()).isZero();
        assertThat(workload.mmu().stats().accesses()).isEqualTo(TranslateWorkload.ACCESSES);
    }

    @Test
    void run_walk_walksOnEveryAccessAndWritesNoEntry() {
        TranslateWorkload workload = new TranslateWorkload(Pattern.WALK);

        workload.run(3 * TranslateWorkload.ACCESSES + 123);

        MmuStats s = workload.mmu().stats();
        assertThat(s.accesses()).isEqualTo(3L * TranslateWorkload.ACCESSES + 123);
        assertThat(s.walks()).isEqualTo(s.accesses());
        assertThat(s.tlbHits()).isZero();
        assertThat(s.accessedBitsSet()).isZero();
        assertThat(s.dirtyBitsSet()).isZero();
        workload.checkSteadyState();
    }

    @Test
    void run_tlbHit_hitsTheTlbAlmostAlways() {
        TranslateWorkload workload = new TranslateWorkload(Pattern.TLB_HIT);

        workload.run(3 * TranslateWorkload.ACCESSES);

        MmuStats s = workload.mmu().stats();
        assertThat((double) s.tlbHits() / s.accesses()).isGreaterThan(0.99);
        assertThat(s.walks()).isLessThan(s.accesses() / 100);
        workload.checkSteadyState();
    }

    @Test
    void stream_walk_coversEveryMappedPage() {
        TranslateWorkload workload = new TranslateWorkload(Pattern.WALK);
        Set<Long> pages = new HashSet<>();
        for (int i = 0; i < TranslateWorkload.ACCESSES; i++) {
            pages.add(workload.vaddr(i) >>> 12);
        }
        assertThat(pages).hasSize(TranslateWorkload.MAPPED_PAGES);
    }

    @Test
    void stream_tlbHit_fitsInTheDefaultTlbAndMixesWrites() {
        TranslateWorkload workload = new TranslateWorkload(Pattern.TLB_HIT);
        Set<Long> pages = new HashSet<>();
        int writes = 0;
        for (int i = 0; i < TranslateWorkload.ACCESSES; i++) {
            pages.add(workload.vaddr(i) >>> 12);
            writes += workload.isWrite(i) ? 1 : 0;
        }
        assertThat(pages).hasSize(TranslateWorkload.HOT_PAGES);
        assertThat(pages.size()).isLessThanOrEqualTo(Pattern.TLB_HIT.tlb().entries());
        assertThat(writes).isBetween(TranslateWorkload.ACCESSES / 5, TranslateWorkload.ACCESSES * 3 / 10);
    }

    @Test
    void framePaddr_everyPage_distinctFrames() {
        Set<Long> frames = new HashSet<>();
        for (int page = 0; page < TranslateWorkload.MAPPED_PAGES; page++) {
            long paddr = TranslateWorkload.framePaddr(page);
            assertThat(paddr).isBetween(TranslateWorkload.FIRST_FRAME_PADDR, TranslateWorkload.MEMORY_BYTES - 4096);
            frames.add(paddr);
        }
        assertThat(frames).hasSize(TranslateWorkload.MAPPED_PAGES);
    }

    @Test
    void checkSteadyState_afterAFault_throwsWithCounters() {
        TranslateWorkload workload = new TranslateWorkload(Pattern.TLB_HIT);
        workload.mmu().translate(0xD000_0000L, false);

        assertThatThrownBy(workload::checkSteadyState).isInstanceOf(AssertionError.class)
                .hasMessageContaining("tlb-hit").hasMessageContaining("faults=1");
    }

    @Test
    void byId_unknown_namesTheKnownPatterns() {
        assertThat(Pattern.byId("walk")).isEqualTo(Pattern.WALK);
        assertThatThrownBy(() -> Pattern.byId("miss")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'miss'").hasMessageContaining("tlb-hit or walk");
    }
}
