package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Mmu#probe} and {@link Mmu#explain}: dry runs that must agree with real accesses and change nothing. */
class MmuExplainTest {
    static final long DIRECTORY = 0x1000;
    static final long TABLE = 0x2000;
    static final int P = 1;
    static final int RW = 1 << 1;
    static final int US = 1 << 2;
    static final int PS = 1 << 7;

    /** Directory index 1, table index 1: user, writable. */
    static final long USER_PAGE = 0x0040_1000L;
    /** Directory index 1, table index 2: supervisor, read-only. */
    static final long KERNEL_TEXT = 0x0040_2000L;
    /** Directory index 1, table index 3: not present. */
    static final long ABSENT_PAGE = 0x0040_3000L;
    /** Directory index 2: not present. */
    static final long ABSENT_TABLE = 0x0080_0000L;
    /** Directory index 3: 4 MiB user read-only page at 0x0040_0000. */
    static final long LARGE = 0x00C0_0000L;
    /** Directory index 4: 4 MiB page with reserved bit 21. */
    static final long RESERVED = 0x0100_0000L;

    private final PhysicalMemory memory = PhysicalMemory.ofSize(16L << 20);
    private final Mmu mmu = new Mmu(memory, TlbConfig.DEFAULT);

    MmuExplainTest() {
        memory.write32(DIRECTORY + 4 * 1, (int) TABLE | P | RW | US);
        memory.write32(TABLE + 4 * 1, 0x0080_0000 | P | RW | US);
        memory.write32(TABLE + 4 * 2, 0x0010_0000 | P);
        memory.write32(TABLE + 4 * 3, 0x0090_0000 | RW);
        memory.write32(DIRECTORY + 4 * 3, 0x0040_0000 | P | US | PS);
        memory.write32(DIRECTORY + 4 * 4, 0x0040_0000 | (1 << 21) | P | RW | PS);
        mmu.setCr3(DIRECTORY);
        mmu.setCr4(Mmu.CR4_PSE);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP);
    }

    static Stream<Arguments> addresses() {
        return Stream.of(USER_PAGE + 0x10, KERNEL_TEXT + 0xFFF, ABSENT_PAGE, ABSENT_TABLE + 0x123, LARGE + 0x12345,
                RESERVED + 8).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void probe_anyAddress_changesNoMemoryTlbCountersNorCr2(long vaddr) {
        mmu.translate(USER_PAGE, false); // something in the TLB and the counters
        mmu.translate(ABSENT_PAGE, false); // and a last fault
        byte[] tablesBefore = memory.readBytes(DIRECTORY, 0x2000);
        List<Tlb.Entry> tlbBefore = mmu.tlb().entries();
        MmuStats.Snapshot statsBefore = mmu.stats().snapshot();
        PageFault faultBefore = mmu.lastFault();
        long cr2Before = mmu.cr2();

        for (int cpl : new int[] {0, 3}) {
            mmu.probe(vaddr, false, cpl);
            mmu.probe(vaddr, true, cpl);
        }
        mmu.explain(vaddr);

        assertThat(memory.readBytes(DIRECTORY, 0x2000)).isEqualTo(tablesBefore);
        assertThat(mmu.tlb().entries()).isEqualTo(tlbBefore);
        assertThat(mmu.stats().snapshot()).isEqualTo(statsBefore);
        assertThat(mmu.lastFault()).isEqualTo(faultBefore);
        assertThat(mmu.cr2()).isEqualTo(cr2Before);
    }

    @Test
    void probe_cplArgument_overridesTheCurrentCpl() {
        mmu.setCpl(0);

        Mmu.Outcome asUser = mmu.probe(KERNEL_TEXT, false, 3);

        assertThat(asUser.translates()).isFalse();
        assertThat(asUser.paddr()).isEqualTo(Mmu.FAULT);
        assertThat(asUser.fault().errorCode()).isEqualTo(5);
        assertThat(asUser.fault().cause()).isEqualTo(PageFault.Cause.USER_TO_SUPERVISOR);
        assertThat(mmu.probe(KERNEL_TEXT, false, 0).paddr()).isEqualTo(0x0010_0000L);
    }

    @Test
    void probe_staleTlbEntry_isIgnoredInFavourOfTheTables() {
        mmu.translate(USER_PAGE, false);
        memory.write32(TABLE + 4 * 1, 0x00A0_0000 | P | RW | US); // no INVLPG

        assertThat(mmu.probe(USER_PAGE, false, 0).paddr()).isEqualTo(0x00A0_0000L);
        assertThat(mmu.translate(USER_PAGE, false)).as("the TLB still has the old one").isEqualTo(0x0080_0000L);
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void explain_verdicts_agreeWithWhatTranslateThenDoes(long vaddr) {
        WalkExplanation explanation = mmu.explain(vaddr);

        assertThat(explanation.verdicts()).extracting(WalkExplanation.Verdict::cpl, WalkExplanation.Verdict::write)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, false), org.assertj.core.groups.Tuple.tuple(0, true),
                        org.assertj.core.groups.Tuple.tuple(3, false), org.assertj.core.groups.Tuple.tuple(3, true));
        for (WalkExplanation.Verdict verdict : explanation.verdicts()) {
            mmu.setCpl(verdict.cpl());
            long paddr = mmu.translate(vaddr, verdict.write());
            assertThat(paddr).as("%s", verdict).isEqualTo(verdict.outcome().paddr());
            if (!verdict.outcome().translates()) {
                assertThat(mmu.lastFault()).isEqualTo(verdict.outcome().fault());
            }
        }
    }

    @Test
    void explain_smallPage_hasPdeAndPteSteps() {
        WalkExplanation explanation = mmu.explain(KERNEL_TEXT + 0x10);

        assertThat(explanation.steps()).containsExactly(
                new WalkExplanation.Step(WalkExplanation.Level.DIRECTORY, 1, DIRECTORY + 4, (int) TABLE | P | RW | US,
                        false),
                new WalkExplanation.Step(WalkExplanation.Level.TABLE, 2, TABLE + 8, 0x0010_0000 | P, false));
        assertThat(explanation.supervisorRead().paddr()).isEqualTo(0x0010_0010L);
        assertThat(explanation.steps().get(1).bits()).isEqualTo(Pte.BITS);
        assertThat(explanation.steps().get(0).bits()).isEqualTo(Pde.TABLE_BITS);
    }

    @Test
    void explain_largePage_hasOnlyTheLargePdeStep() {
        WalkExplanation explanation = mmu.explain(LARGE + 0x12345);

        assertThat(explanation.steps()).singleElement().satisfies(step -> {
            assertThat(step.largePage()).isTrue();
            assertThat(step.index()).isEqualTo(3);
            assertThat(step.bits()).isEqualTo(Pde.LARGE_BITS);
        });
        assertThat(explanation.supervisorRead().paddr()).isEqualTo(0x0041_2345L);
    }

    @Test
    void explain_absentPde_hasOnlyThePdeStep() {
        WalkExplanation explanation = mmu.explain(ABSENT_TABLE);

        assertThat(explanation.steps()).singleElement().extracting(WalkExplanation.Step::level)
                .isEqualTo(WalkExplanation.Level.DIRECTORY);
        assertThat(explanation.supervisorRead().fault().cause()).isEqualTo(PageFault.Cause.DIRECTORY_NOT_PRESENT);
    }

    @Test
    void explain_pagingOff_hasNoStepsAndIdentityVerdicts() {
        Mmu off = new Mmu(memory);

        WalkExplanation explanation = off.explain(0x0012_3456L);

        assertThat(explanation.steps()).isEmpty();
        assertThat(explanation.verdicts()).allSatisfy(v -> assertThat(v.outcome().paddr()).isEqualTo(0x0012_3456L));
        assertThat(explanation.render()).contains("paging is off");
    }

    @Test
    void render_faultingAddress_namesIndexesEntriesAndErrorCodes() {
        String text = mmu.explain(ABSENT_PAGE + 0x2A).render();

        assertThat(text)
                .contains("linear address 0x0040302A")
                .contains("directory index 1")
                .contains("table index 3")
                .contains("offset 0x02A")
                .contains("PDE 1 at 0x00001004")
                .contains("PTE 3 at 0x0000200C = 0x00900002")
                .contains("not present")
                .contains("CPL 0 read  #PF error code 0x0")
                .contains("CPL 0 write #PF error code 0x2")
                .contains("CPL 3 read  #PF error code 0x4")
                .contains("CPL 3 write #PF error code 0x6");
    }

    @Test
    void render_protectionFaults_showErrorCodesWithPresentBit() {
        String text = mmu.explain(KERNEL_TEXT).render();

        assertThat(text)
                .contains("PTE 2")
                .contains("physical address 0x00100000")
                .contains("CPL 0 read  ok -> 0x00100000")
                .contains("CPL 0 write #PF error code 0x3")
                .contains("CPL 3 read  #PF error code 0x5")
                .contains("CPL 3 write #PF error code 0x7");
    }

    @Test
    void render_reservedBit_showsRsvdInErrorCode() {
        String text = mmu.explain(RESERVED).render();

        assertThat(text).contains("PDE 4").contains("#PF error code 0x9").contains("RSVD=1");
    }

    @Test
    void render_notPresentEntryWithOtherBits_saysTheyAreTheKernelsAndAsksTheDecoder() {
        WalkExplanation walk = mmu.explain(ABSENT_PAGE);
        long[] asked = {-1};

        String plain = walk.render();
        String decoded = walk.render((vaddr, level, entry) -> {
            asked[0] = vaddr;
            return level == WalkExplanation.Level.TABLE ? "slot " + (entry >>> 12) : null;
        });

        assertThat(plain).contains("bits 31:1 are not 0: the MMU ignores them, the value is the kernel's own\n")
                .doesNotContain("slot");
        assertThat(decoded).contains("the kernel's own\n    slot 2304\n");
        assertThat(asked[0]).isEqualTo(ABSENT_PAGE);
        assertThat(mmu.explain(ABSENT_TABLE).render(WalkExplanation.OsBits.NONE))
                .as("an entry of 0 is only not present").doesNotContain("kernel's own");
    }

    @Test
    void explain_anotherDirectory_walksItWithoutLoadingCr3() {
        long other = 0x5000;
        long otherTable = 0x6000;
        memory.write32(other + 4 * 1, (int) otherTable | P | RW | US);
        memory.write32(otherTable + 4 * 1, 0x00A0_0000 | P | US);
        mmu.translate(USER_PAGE, false);
        List<Tlb.Entry> tlbBefore = mmu.tlb().entries();
        MmuStats.Snapshot statsBefore = mmu.stats().snapshot();

        WalkExplanation walk = mmu.explain(USER_PAGE + 4, other);

        assertThat(walk.cr3()).isEqualTo(other);
        assertThat(walk.supervisorRead().paddr()).isEqualTo(0x00A0_0004L);
        assertThat(walk.verdicts().get(3).outcome().translates()).as("CPL 3 write to a read-only page").isFalse();
        assertThat(mmu.cr3()).isEqualTo(DIRECTORY);
        assertThat(mmu.explain(USER_PAGE + 4).supervisorRead().paddr()).isEqualTo(0x0080_0004L);
        assertThat(mmu.tlb().entries()).isEqualTo(tlbBefore);
        assertThat(mmu.stats().snapshot()).isEqualTo(statsBefore);
    }
}
