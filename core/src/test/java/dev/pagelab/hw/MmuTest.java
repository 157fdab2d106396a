package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of 32-bit paging (Intel SDM vol. 3A, 4.3 translation, 4.6 access rights, 4.7 page-fault
 * error code, 4.8 A/D flags), checked on an MMU without TLB so that every access walks.
 *
 * <p>Layout: directory at 0x1000, page table at 0x2000; {@link #VADDR} = directory index 1,
 * table index 1, offset 0xABC, mapped to {@link #FRAME}.
 */
class MmuTest {
    static final long DIRECTORY = 0x1000;
    static final long TABLE = 0x2000;
    static final long VADDR = 0x0040_1ABCL;
    static final long PDE_AT = DIRECTORY + 4 * 1;
    static final long PTE_AT = TABLE + 4 * 1;
    static final long FRAME = 0x0080_0000L;

    static final int P = 1;
    static final int RW = 1 << 1;
    static final int US = 1 << 2;
    static final int A = 1 << 5;
    static final int D = 1 << 6;
    static final int PS = 1 << 7;
    static final int G = 1 << 8;

    private final PhysicalMemory memory = PhysicalMemory.ofSize(16L << 20);
    private final Mmu mmu = new Mmu(memory, TlbConfig.OFF);

    private void map(int pdeFlags, int pteFlags) {
        memory.write32(PDE_AT, (int) TABLE | pdeFlags);
        memory.write32(PTE_AT, (int) FRAME | pteFlags);
    }

    private static void pagingOn(Mmu mmu, long extraCr0, long cr4) {
        mmu.setCr3(DIRECTORY);
        mmu.setCr4(cr4);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG | extraCr0);
    }

    private void pagingOn(long extraCr0, long cr4) {
        pagingOn(mmu, extraCr0, cr4);
    }

    private int pde() {
        return memory.read32(PDE_AT);
    }

    private int pte() {
        return memory.read32(PTE_AT);
    }

    /** The error code of the fault {@code translate} raised, failing if it did not fault. */
    private int faultCode(long vaddr, boolean write) {
        assertThat(mmu.translate(vaddr, write)).as("translate(%s, write=%s)", Addresses.hex(vaddr), write)
                .isEqualTo(Mmu.FAULT);
        assertThat(mmu.cr2()).isEqualTo(vaddr);
        assertThat(mmu.lastFault().linearAddress()).isEqualTo(vaddr);
        return mmu.lastFault().errorCode();
    }

    // ---------------------------------------------------------------- memory that is not there

    @Test
    void translate_pageTableBeyondMemory_readsAllOnesAndFaultsReserved() {
        // PDE points at a "table" at 1 GiB on a 16 MiB machine: an empty bus reads all ones.
        memory.write32(PDE_AT, 0x4000_0000 | P | RW);
        pagingOn(0, Mmu.CR4_PSE);
        // PTE = 0xFFFFFFFF: present, frame 0xFFFFF000, also beyond memory.
        assertThat(mmu.translate(VADDR, false)).isEqualTo(0xFFFF_F000L | (VADDR & 0xFFF));
        assertThat(mmu.read32(VADDR)).isEqualTo(-1);
        mmu.write32(VADDR, 42); // dropped, no exception
        assertThat(mmu.explain(VADDR).steps()).hasSize(2);
    }

    @Test
    void translate_directoryBeyondMemoryWithPse_faultsWithRsvd() {
        mmu.setCr3(0x4000_0000L);
        mmu.setCr4(Mmu.CR4_PSE);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG);
        // An all-ones PDE has PS=1 and the reserved bit 21 set.
        assertThat(faultCode(VADDR, false)).isEqualTo(PageFault.ERR_PRESENT | PageFault.ERR_RESERVED);
    }

    // ---------------------------------------------------------------- registers

    @Test
    void translate_pagingOff_returnsLinearAddressWhateverTheTables() {
        memory.write32(0, 0xFFFF_FFFF); // CR3 = 0: a garbage directory that must not be used
        mmu.setCr0(Mmu.CR0_PE);

        assertThat(mmu.pagingEnabled()).isFalse();
        assertThat(mmu.translate(0x0012_3456L, false)).isEqualTo(0x0012_3456L);
        assertThat(mmu.translate(0xFFFF_FFFFL, true)).isEqualTo(0xFFFF_FFFFL);
        assertThat(mmu.lastFault()).isNull();
        assertThat(memory.read32(0)).isEqualTo(0xFFFF_FFFF);
    }

    @Test
    void readAndWrite_pagingOff_goStraightToPhysicalMemory() {
        mmu.write32(0x0030_0000L, 0xCAFE_BABE);

        assertThat(memory.read32(0x0030_0000L)).isEqualTo(0xCAFE_BABE);
        assertThat(mmu.read16(0x0030_0002L)).isEqualTo(0xCAFE);
    }

    @Test
    void setCr0_pgWithoutPe_isRefusedAndCr0Unchanged() {
        mmu.setCr0(Mmu.CR0_WP);

        assertThatThrownBy(() -> mmu.setCr0(Mmu.CR0_PG))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0x80000000")
                .hasMessageContaining("PE");
        assertThat(mmu.cr0()).isEqualTo(Mmu.CR0_WP);
        assertThat(mmu.pagingEnabled()).isFalse();
    }

    @Test
    void constants_controlRegisterBits_matchSdmSection2_5() {
        // SDM vol. 3A 2.5: CR0.PE bit 0, WP bit 16, PG bit 31; CR4.PSE bit 4, PAE bit 5, PGE bit 7.
        assertThat(Mmu.CR0_PE).isEqualTo(1L);
        assertThat(Mmu.CR0_WP).isEqualTo(0x0001_0000L);
        assertThat(Mmu.CR0_PG).isEqualTo(0x8000_0000L);
        assertThat(Mmu.CR4_PSE).isEqualTo(0x10L);
        assertThat(Mmu.CR4_PAE).isEqualTo(0x20L);
        assertThat(Mmu.CR4_PGE).isEqualTo(0x80L);
    }

    @Test
    void setCr4_pae_isRefusedAndCr4Unchanged() {
        mmu.setCr4(Mmu.CR4_PSE);

        assertThatThrownBy(() -> mmu.setCr4(Mmu.CR4_PSE | Mmu.CR4_PAE))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("PAE");
        assertThat(mmu.cr4()).isEqualTo(Mmu.CR4_PSE);
    }

    @Test
    void setControlRegisters_valueAbove32Bits_throws() {
        assertThatThrownBy(() -> mmu.setCr0(1L << 32 | 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mmu.setCr3(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mmu.setCr4(-1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mmu.setCr2(1L << 40)).isInstanceOf(IllegalArgumentException.class);
        assertThat(mmu.cr0()).isZero();
        assertThat(mmu.cr3()).isZero();
        assertThat(mmu.cr4()).isZero();
        assertThat(mmu.cr2()).isZero();
    }

    @Test
    void setCpl_outside0to3_throwsAndKeepsCpl() {
        mmu.setCpl(3);

        assertThatThrownBy(() -> mmu.setCpl(4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4");
        assertThatThrownBy(() -> mmu.setCpl(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(mmu.cpl()).isEqualTo(3);
    }

    @Test
    void constructor_physicalAddressWidthOutside32to40_throws() {
        assertThatThrownBy(() -> new Mmu(memory, TlbConfig.OFF, 41)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Mmu(memory, TlbConfig.OFF, 31)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Mmu(memory, TlbConfig.OFF, 36).physicalAddressBits()).isEqualTo(36);
    }

    static Stream<Arguments> linearAccessesAbove32Bits() {
        long big = 0x1_0000_0000L;
        return Stream.<Arguments>of(
                access("translate", m -> m.translate(big, false)),
                access("translate write", m -> m.translate(big + 0x1000, true)),
                access("translate negative", m -> m.translate(-1, false)),
                access("read8", m -> m.read8(big)),
                access("read32", m -> m.read32(big)),
                access("write16", m -> m.write16(big, 1)),
                access("writeBytes negative", m -> m.writeBytes(-4, new byte[4], 0, 4)),
                access("invlpg", m -> m.invlpg(big)),
                access("probe", m -> m.probe(big, false, 0)),
                access("explain", m -> m.explain(big)));
    }

    private static Arguments access(String name, Consumer<Mmu> action) {
        return Arguments.of(Named.of(name, action));
    }

    @ParameterizedTest
    @MethodSource("linearAccessesAbove32Bits")
    void access_linearAddressOutside32Bits_throwsIllegalArgument(Consumer<Mmu> action) {
        map(P | RW, P | RW);
        pagingOn(0, 0);

        assertThatThrownBy(() -> action.accept(mmu)).isInstanceOf(IllegalArgumentException.class);
        assertThat(mmu.lastFault()).isNull();
        assertThat(mmu.stats().faults()).isZero();
    }

    // ---------------------------------------------------------------- the walk

    @Test
    void translate_presentPage_isPteFramePlusOffset() {
        map(P | RW, P | RW);
        pagingOn(0, 0);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(FRAME | 0xABC);
        assertThat(mmu.translate(VADDR & ~0xFFFL, true)).isEqualTo(FRAME);
        assertThat(mmu.translate(VADDR | 0xFFF, false)).isEqualTo(FRAME | 0xFFF);
    }

    @Test
    void translate_highestFrameAndHighestPage_useUnsignedAddresses() {
        // Directory entry 1023, table entry 1023, frame 0xFFFFF: every address bit set.
        memory.write32(DIRECTORY + 4 * 1023, (int) TABLE | P | RW);
        memory.write32(TABLE + 4 * 1023, 0xFFFF_F000 | P | RW);
        pagingOn(0, 0);

        assertThat(mmu.translate(0xFFFF_FFFFL, false)).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void translate_cr3LowBits_areIgnoredForTheDirectoryAddress() {
        map(P | RW, P | RW);
        mmu.setCr3(DIRECTORY | 0x18); // PWT, PCD
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(FRAME | 0xABC);
    }

    @ParameterizedTest(name = "write={0} cpl={1} -> error code {2}")
    @CsvSource({"false, 0, 0", "true, 0, 2", "false, 3, 4", "true, 3, 6", "false, 1, 0", "true, 2, 2"})
    void translate_pdeNotPresent_faultsWithPZeroAndAccessBits(boolean write, int cpl, int errorCode) {
        memory.write32(PDE_AT, (int) TABLE | RW | US); // P=0
        memory.write32(PTE_AT, (int) FRAME | P | RW | US);
        pagingOn(0, 0);
        mmu.setCpl(cpl);

        assertThat(faultCode(VADDR, write)).isEqualTo(errorCode);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.DIRECTORY_NOT_PRESENT);
        assertThat(mmu.lastFault().entryPaddr()).isEqualTo(PDE_AT);
        assertThat(mmu.lastFault().isProtectionViolation()).isFalse();
    }

    @ParameterizedTest(name = "write={0} cpl={1} -> error code {2}")
    @CsvSource({"false, 0, 0", "true, 0, 2", "false, 3, 4", "true, 3, 6", "false, 2, 0", "true, 1, 2"})
    void translate_pteNotPresent_faultsWithPZeroAndAccessBits(boolean write, int cpl, int errorCode) {
        map(P | RW | US, RW | US);
        pagingOn(0, 0);
        mmu.setCpl(cpl);

        assertThat(faultCode(VADDR, write)).isEqualTo(errorCode);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.TABLE_NOT_PRESENT);
        assertThat(mmu.lastFault().entryPaddr()).isEqualTo(PTE_AT);
    }

    @Test
    void translate_notPresentEntryWithEveryOtherBitSet_stillFaultsAsNotPresent() {
        // SDM 4.3: with P=0 the rest of the entry is ignored (no reserved-bit check, no address).
        memory.write32(PDE_AT, 0xFFFF_FFFE);
        pagingOn(0, Mmu.CR4_PSE);

        assertThat(faultCode(VADDR, false)).isZero();
        map(P | RW, 0xFFFF_FFFE);
        assertThat(faultCode(VADDR, true)).isEqualTo(2);
    }

    @Test
    void translate_largePageWithPse_isPde31to22PlusVaddr21to0() {
        memory.write32(PDE_AT, 0x00C0_0000 | P | RW | PS);
        pagingOn(0, Mmu.CR4_PSE);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(0x00C0_0000L | (VADDR & 0x3F_FFFF));
        assertThat(mmu.translate(0x007F_FFFFL, false)).isEqualTo(0x00FF_FFFFL);
        assertThat(mmu.translate(0x0040_0000L, true)).isEqualTo(0x00C0_0000L);
    }

    @Test
    void translate_largePageAtTopOfAddressSpace_isUnsigned() {
        memory.write32(DIRECTORY + 4 * 1023, 0xFFC0_0000 | P | PS);
        pagingOn(0, Mmu.CR4_PSE);

        assertThat(mmu.translate(0xFFFF_FFFFL, false)).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void translate_psSetButPseOff_treatsPdeAsPageTablePointer() {
        // SDM 4.3: with CR4.PSE=0 the PS flag is ignored and the PDE references a page table.
        memory.write32(PDE_AT, 0x00C0_0000 | P | RW | PS);
        memory.write32(0x00C0_0000L + 4 * 1, 0x0090_0000 | P | RW);
        pagingOn(0, 0);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(0x0090_0ABCL);
        mmu.setCr4(Mmu.CR4_PSE);
        assertThat(mmu.translate(VADDR, false)).isEqualTo(0x00C0_1ABCL);
    }

    @Test
    void translate_reservedBitsWithPseOff_areNotChecked() {
        // Bit 21 is reserved only in a PDE that maps a 4 MiB page; without PSE it is an address bit.
        memory.write32(PDE_AT, 0x00E0_0000 | P | RW | PS);
        memory.write32(0x00E0_0000L + 4 * 1, 0x0090_0000 | P | RW);
        pagingOn(0, 0);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(0x0090_0ABCL);
    }

    @ParameterizedTest(name = "write={0} cpl={1} -> error code {2}")
    @CsvSource({"false, 0, 9", "true, 0, 11", "false, 3, 13", "true, 3, 15"})
    void translate_largePageReservedBit21_faultsWithPAndRsvd(boolean write, int cpl, int errorCode) {
        // SDM table 4-4: bit 21 of a 4 MiB PDE is reserved; 4.7: RSVD=1 and P=1.
        int pde = 0x00C0_0000 | (1 << 21) | P | RW | US | PS;
        memory.write32(PDE_AT, pde);
        pagingOn(0, Mmu.CR4_PSE);
        mmu.setCpl(cpl);

        assertThat(faultCode(VADDR, write)).isEqualTo(errorCode);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.RESERVED_BIT);
        assertThat(mmu.lastFault().isReservedBit()).isTrue();
        assertThat(mmu.lastFault().entryPaddr()).isEqualTo(PDE_AT);
        assertThat(pde()).as("no A or D on a faulting access").isEqualTo(pde);
    }

    @ParameterizedTest
    @CsvSource({"13", "16", "17", "20"})
    void translate_width32LargePageBits20to13_areReserved(int bit) {
        memory.write32(PDE_AT, 0x00C0_0000 | (1 << bit) | P | RW | PS);
        pagingOn(0, Mmu.CR4_PSE);

        assertThat(faultCode(VADDR, false)).isEqualTo(9);
    }

    @Test
    void translate_width36_bits16to13AreAddressBits35to32() {
        Mmu wide = new Mmu(memory, TlbConfig.OFF, 36);
        memory.write32(PDE_AT, 0x00C0_0000 | (0xA << 13) | P | RW | PS);
        pagingOn(wide, 0, Mmu.CR4_PSE);

        assertThat(wide.translate(VADDR, false)).isEqualTo(0xA_00C0_1ABCL);
    }

    @ParameterizedTest
    @CsvSource({"17", "20", "21"})
    void translate_width36_bits21to17AreReserved(int bit) {
        Mmu wide = new Mmu(memory, TlbConfig.OFF, 36);
        memory.write32(PDE_AT, 0x00C0_0000 | (1 << bit) | P | RW | PS);
        pagingOn(wide, 0, Mmu.CR4_PSE);

        assertThat(wide.translate(VADDR, true)).isEqualTo(Mmu.FAULT);
        assertThat(wide.lastFault().errorCode()).isEqualTo(PageFault.ERR_PRESENT | PageFault.ERR_WRITE
                | PageFault.ERR_RESERVED);
    }

    @Test
    void translate_width40_bits20to13AreAddressBits39to32() {
        Mmu wide = new Mmu(memory, TlbConfig.OFF, 40);
        memory.write32(PDE_AT, 0x00C0_0000 | (0xFF << 13) | P | RW | PS);
        pagingOn(wide, 0, Mmu.CR4_PSE);

        assertThat(wide.translate(VADDR, false)).isEqualTo(0xFF_00C0_1ABCL);
    }

    // ---------------------------------------------------------------- access rights (SDM 4.6)

    @Test
    void translate_userAccessSupervisorOnlyInPde_faults() {
        map(P | RW, P | RW | US);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThat(faultCode(VADDR, false)).isEqualTo(5);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.USER_TO_SUPERVISOR);
    }

    @Test
    void translate_userAccessSupervisorOnlyInPte_faults() {
        map(P | RW | US, P | RW);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThat(faultCode(VADDR, false)).isEqualTo(5);
        assertThat(faultCode(VADDR, true)).isEqualTo(7);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.USER_TO_SUPERVISOR);
    }

    @Test
    void translate_userAccessUserInBothLevels_succeeds() {
        map(P | RW | US, P | RW | US);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThat(mmu.translate(VADDR, true)).isEqualTo(FRAME | 0xABC);
    }

    @Test
    void translate_userWriteReadOnlyOnlyInPde_faultsButReadSucceeds() {
        map(P | US, P | RW | US);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(FRAME | 0xABC);
        assertThat(faultCode(VADDR, true)).isEqualTo(7);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.WRITE_TO_READ_ONLY);
    }

    @Test
    void translate_userWriteReadOnlyOnlyInPte_faultsEvenWithWpOff() {
        map(P | RW | US, P | US);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThat(faultCode(VADDR, true)).isEqualTo(7);
        assertThat(mmu.lastFault().entryPaddr()).isEqualTo(PTE_AT);
    }

    @Test
    void translate_supervisorWriteReadOnlyWithWpOff_succeedsAndSetsDirty() {
        map(P, P);
        pagingOn(0, 0);

        assertThat(mmu.translate(VADDR, true)).isEqualTo(FRAME | 0xABC);
        assertThat(pte() & D).isNotZero();
    }

    @Test
    void translate_supervisorWriteReadOnlyPteWithWp_faultsWithCode3() {
        map(P | RW, P);
        pagingOn(Mmu.CR0_WP, 0);

        assertThat(faultCode(VADDR, true)).isEqualTo(3);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.WRITE_TO_READ_ONLY);
        assertThat(mmu.translate(VADDR, false)).isEqualTo(FRAME | 0xABC);
    }

    @Test
    void translate_supervisorWriteReadOnlyPdeWithWp_faultsWithCode3() {
        map(P, P | RW);
        pagingOn(Mmu.CR0_WP, 0);

        assertThat(faultCode(VADDR, true)).isEqualTo(3);
    }

    @Test
    void translate_supervisorAccessToUserPage_isAllowed() {
        // No SMAP in 32-bit paging as modelled: CPL 0 may read and write user pages.
        map(P | RW | US, P | RW | US);
        pagingOn(Mmu.CR0_WP, 0);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(FRAME | 0xABC);
        assertThat(mmu.translate(VADDR, true)).isEqualTo(FRAME | 0xABC);
    }

    @ParameterizedTest
    @CsvSource({"1", "2"})
    void translate_cpl1And2_actAsSupervisor(int cpl) {
        map(P, P); // supervisor, read-only
        pagingOn(0, 0);
        mmu.setCpl(cpl);

        assertThat(mmu.translate(VADDR, false)).isEqualTo(FRAME | 0xABC);
        assertThat(mmu.translate(VADDR, true)).as("WP=0 supervisor write").isEqualTo(FRAME | 0xABC);
        mmu.setCr0(mmu.cr0() | Mmu.CR0_WP);
        assertThat(faultCode(VADDR, true)).as("U/S bit of the error code stays 0").isEqualTo(3);
    }

    static Stream<Arguments> everyRightsCombination() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (int pdeRights = 0; pdeRights < 4; pdeRights++) {
            for (int pteRights = 0; pteRights < 4; pteRights++) {
                for (int cpl : new int[] {0, 3}) {
                    for (boolean write : new boolean[] {false, true}) {
                        for (boolean wp : new boolean[] {false, true}) {
                            out.add(Arguments.of(pdeRights << 1, pteRights << 1, cpl, write, wp));
                        }
                    }
                }
            }
        }
        return out.build();
    }

    @ParameterizedTest(name = "PDE rights {0} PTE rights {1} cpl {2} write {3} wp {4}")
    @MethodSource("everyRightsCombination")
    void translate_everyRightsCombination_followsSdm4_6(int pdeRights, int pteRights, int cpl, boolean write,
                                                       boolean wp) {
        map(P | pdeRights, P | pteRights);
        pagingOn(wp ? Mmu.CR0_WP : 0, 0);
        mmu.setCpl(cpl);
        boolean user = cpl == 3;
        boolean userBoth = (pdeRights & US) != 0 && (pteRights & US) != 0;
        boolean writableBoth = (pdeRights & RW) != 0 && (pteRights & RW) != 0;
        // SDM 4.6.1: user accesses need U/S=1 at both levels; user writes need R/W=1 at both levels;
        // supervisor writes need R/W=1 at both levels only when CR0.WP=1.
        boolean allowed = (!user || userBoth) && (!write || writableBoth || (!user && !wp));

        long paddr = mmu.translate(VADDR, write);

        if (allowed) {
            assertThat(paddr).isEqualTo(FRAME | 0xABC);
        } else {
            assertThat(paddr).isEqualTo(Mmu.FAULT);
            assertThat(mmu.lastFault().errorCode()).isEqualTo(1 | (write ? 2 : 0) | (user ? 4 : 0));
        }
    }

    @ParameterizedTest
    @CsvSource({"0, false, 0, true", "0, true, 0, true", "3, true, 0, false", "3, false, 2, true",
        "0, true, 2, false", "3, true, 6, false"})
    void translate_largePageRights_checkedOnThePdeAlone(int cpl, boolean write, int rights, boolean wp) {
        memory.write32(PDE_AT, 0x00C0_0000 | P | PS | rights);
        pagingOn(wp ? Mmu.CR0_WP : 0, Mmu.CR4_PSE);
        mmu.setCpl(cpl);
        boolean user = cpl == 3;
        boolean allowed = (!user || (rights & US) != 0) && (!write || (rights & RW) != 0 || (!user && !wp));

        long paddr = mmu.translate(VADDR, write);

        assertThat(paddr).isEqualTo(allowed ? 0x00C0_1ABCL : Mmu.FAULT);
        if (!allowed) {
            assertThat(mmu.lastFault().errorCode()).isEqualTo(1 | (write ? 2 : 0) | (user ? 4 : 0));
            assertThat(mmu.lastFault().entryPaddr()).isEqualTo(PDE_AT);
        }
    }

    @Test
    void translate_pteNotPresentUnderSupervisorPdeAtCpl3_reportsNotPresent() {
        // The walk stops at P=0 before rights are known: error code P=0, not a protection fault.
        map(P | RW, RW | US);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThat(faultCode(VADDR, true)).isEqualTo(6);
        assertThat(mmu.lastFault().cause()).isEqualTo(PageFault.Cause.TABLE_NOT_PRESENT);
    }

    @Test
    void translate_reservedBitInSupervisorLargePageAtCpl3_reportsReservedBit() {
        // A reserved bit means no valid translation: rights are not evaluated (SDM 4.7).
        memory.write32(PDE_AT, 0x00C0_0000 | (1 << 21) | P | PS);
        pagingOn(Mmu.CR0_WP, Mmu.CR4_PSE);
        mmu.setCpl(3);

        assertThat(faultCode(VADDR, true)).isEqualTo(15);
    }

    // ---------------------------------------------------------------- accessed and dirty (SDM 4.8)

    @Test
    void translate_read_setsAccessedInPdeAndPteButNoDirty() {
        map(P | RW, P | RW);
        pagingOn(0, 0);

        mmu.translate(VADDR, false);

        assertThat(pde()).isEqualTo((int) TABLE | P | RW | A);
        assertThat(pte()).isEqualTo((int) FRAME | P | RW | A);
    }

    @Test
    void translate_write_setsDirtyOnlyInTheLeafPte() {
        map(P | RW, P | RW);
        pagingOn(0, 0);

        mmu.translate(VADDR, true);

        assertThat(pde()).as("D of a PDE that references a table is not set").isEqualTo((int) TABLE | P | RW | A);
        assertThat(pte()).isEqualTo((int) FRAME | P | RW | A | D);
    }

    @Test
    void translate_accessedAndDirty_leaveEveryOtherBitAlone() {
        int avlAndCache = 0b101 << 9 | 0x18; // AVL=5, PCD, PWT
        map(P | RW | avlAndCache, P | RW | G | avlAndCache | 0x80);
        pagingOn(0, 0);

        mmu.translate(VADDR, true);

        assertThat(pde()).isEqualTo((int) TABLE | P | RW | avlAndCache | A);
        assertThat(pte()).isEqualTo((int) FRAME | P | RW | G | avlAndCache | 0x80 | A | D);
    }

    @Test
    void translate_pdeNotPresent_writesNothing() {
        memory.write32(PDE_AT, (int) TABLE | RW);
        memory.write32(PTE_AT, (int) FRAME | P | RW);
        pagingOn(0, 0);

        mmu.translate(VADDR, true);

        assertThat(pde()).isEqualTo((int) TABLE | RW);
        assertThat(pte()).isEqualTo((int) FRAME | P | RW);
    }

    @Test
    void translate_pteNotPresent_stillSetsAccessedInPde() {
        // Open in the SDM; Mmu documents QEMU's choice: A in the PDE is set once the walk uses it.
        map(P | RW, RW);
        pagingOn(0, 0);

        mmu.translate(VADDR, true);

        assertThat(pde()).isEqualTo((int) TABLE | P | RW | A);
        assertThat(pte()).isEqualTo((int) FRAME | RW);
    }

    @Test
    void translate_protectionFault_setsPdeAccessedButNoLeafAccessedNorDirty() {
        map(P | RW, P);
        pagingOn(Mmu.CR0_WP, 0);

        mmu.translate(VADDR, true);

        assertThat(pde()).isEqualTo((int) TABLE | P | RW | A);
        assertThat(pte()).isEqualTo((int) FRAME | P);
    }

    @Test
    void translate_userFaultOnSupervisorPte_setsNoLeafBits() {
        map(P | RW | US, P | RW);
        pagingOn(0, 0);
        mmu.setCpl(3);

        mmu.translate(VADDR, true);

        assertThat(pte()).isEqualTo((int) FRAME | P | RW);
    }

    @Test
    void translate_largePage_readSetsAccessedAndWriteSetsDirtyInThePde() {
        int pde = 0x00C0_0000 | P | RW | PS;
        memory.write32(PDE_AT, pde);
        pagingOn(0, Mmu.CR4_PSE);

        mmu.translate(VADDR, false);
        assertThat(pde()).isEqualTo(pde | A);
        mmu.translate(VADDR, true);
        assertThat(pde()).isEqualTo(pde | A | D);
    }

    @Test
    void translate_largePageProtectionFault_setsNoAccessedNorDirty() {
        int pde = 0x00C0_0000 | P | PS;
        memory.write32(PDE_AT, pde);
        pagingOn(Mmu.CR0_WP, Mmu.CR4_PSE);

        assertThat(faultCode(VADDR, true)).isEqualTo(3);
        assertThat(pde()).isEqualTo(pde);
    }

    @Test
    void translate_alreadyAccessedAndDirty_writesNothing() {
        map(P | RW | A, P | RW | A | D);
        pagingOn(0, 0);

        mmu.translate(VADDR, true);

        assertThat(mmu.stats().accessedBitsSet()).isZero();
        assertThat(mmu.stats().dirtyBitsSet()).isZero();
        assertThat(pte()).isEqualTo((int) FRAME | P | RW | A | D);
    }

    // ---------------------------------------------------------------- accesses through the MMU

    @Test
    void read32_mappedPage_readsTheFrameLittleEndian() {
        map(P | RW, P | RW);
        memory.write32(FRAME | 0xABC, 0x1122_3344);
        pagingOn(0, 0);

        assertThat(mmu.read32(VADDR)).isEqualTo(0x1122_3344);
        assertThat(mmu.read16(VADDR + 2)).isEqualTo(0x1122);
        assertThat(mmu.read8(VADDR + 3)).isEqualTo(0x11);
    }

    @Test
    void write_mappedPage_landsInTheFrame() {
        map(P | RW, P | RW);
        pagingOn(0, 0);

        mmu.write32(VADDR, 0xA1B2_C3D4);
        mmu.write16(VADDR + 4, 0xE5F6);
        mmu.write8(VADDR + 6, 0x77);

        assertThat(memory.readBytes(FRAME | 0xABC, 7))
                .containsExactly(0xD4, 0xC3, 0xB2, 0xA1, 0xF6, 0xE5, 0x77);
    }

    @Test
    void read_faultingPage_throwsPageFaultExceptionCarryingTheFault() {
        map(P | RW, RW);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThatThrownBy(() -> mmu.read32(VADDR))
                .isInstanceOfSatisfying(PageFaultException.class, e -> {
                    assertThat(e.fault().linearAddress()).isEqualTo(VADDR);
                    assertThat(e.fault().errorCode()).isEqualTo(4);
                    assertThat(e.fault().cause()).isEqualTo(PageFault.Cause.TABLE_NOT_PRESENT);
                })
                .hasMessageContaining("0x00401ABC")
                .hasMessageContaining("error code 0x4");
    }

    /** Maps table index 2 (the page after {@link #VADDR}'s) to {@code frame} with {@code flags}. */
    private void mapNextPage(long frame, int flags) {
        memory.write32(TABLE + 4 * 2, (int) frame | flags);
    }

    @Test
    void read32_crossingIntoNextPage_assemblesBytesFromBothFrames() {
        map(P | RW, P | RW);
        mapNextPage(0x0090_0000L, P | RW);
        memory.writeBytes(FRAME | 0xFFE, new byte[] {0x11, 0x22});
        memory.writeBytes(0x0090_0000L, new byte[] {0x33, 0x44});
        pagingOn(0, 0);

        assertThat(mmu.read32(0x0040_1FFEL)).isEqualTo(0x4433_2211);
        assertThat(mmu.read16(0x0040_1FFFL)).isEqualTo(0x3322);
    }

    @Test
    void write32_crossingIntoNextPage_splitsOverBothFramesAndDirtiesBoth() {
        map(P | RW, P | RW);
        mapNextPage(0x0090_0000L, P | RW);
        pagingOn(0, 0);

        mmu.write32(0x0040_1FFDL, 0x4433_2211);

        assertThat(memory.readBytes(FRAME | 0xFFD, 3)).containsExactly(0x11, 0x22, 0x33);
        assertThat(memory.read8(0x0090_0000L)).isEqualTo(0x44);
        assertThat(pte() & D).isNotZero();
        assertThat(memory.read32(TABLE + 4 * 2) & D).isNotZero();
    }

    @Test
    void write32_crossingIntoNotPresentPage_faultsAtNextPageAndWritesNothing() {
        map(P | RW, P | RW);
        mapNextPage(0x0090_0000L, RW); // not present
        pagingOn(0, 0);

        assertThatThrownBy(() -> mmu.write32(0x0040_1FFEL, 0x4433_2211))
                .isInstanceOfSatisfying(PageFaultException.class, e -> {
                    assertThat(e.fault().linearAddress()).isEqualTo(0x0040_2000L);
                    assertThat(e.fault().errorCode()).isEqualTo(2);
                });
        assertThat(mmu.cr2()).isEqualTo(0x0040_2000L);
        assertThat(memory.readBytes(FRAME | 0xFFE, 2)).containsOnly(0);
        assertThat(memory.read16(0x0090_0000L)).isZero();
    }

    @Test
    void write16_crossingIntoReadOnlyPageAtCpl3_writesNothing() {
        map(P | RW | US, P | RW | US);
        mapNextPage(0x0090_0000L, P | US);
        pagingOn(0, 0);
        mmu.setCpl(3);

        assertThatThrownBy(() -> mmu.write16(0x0040_1FFFL, 0xBBAA))
                .isInstanceOfSatisfying(PageFaultException.class,
                        e -> assertThat(e.fault().errorCode()).isEqualTo(7));
        assertThat(memory.read8(FRAME | 0xFFF)).isZero();
        assertThat(memory.read8(0x0090_0000L)).isZero();
    }

    @Test
    void readAndWriteBytes_acrossThreeScatteredPages_useEachPagesFrame() {
        long[] frames = {0x0080_0000L, 0x0050_0000L, 0x0090_3000L};
        memory.write32(PDE_AT, (int) TABLE | P | RW);
        for (int i = 0; i < 3; i++) {
            memory.write32(TABLE + 4 * (1 + i), (int) frames[i] | P | RW);
        }
        pagingOn(0, 0);
        byte[] data = new byte[9000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13 + 1);
        }

        mmu.writeBytes(0x0040_1800L, data, 0, data.length);

        assertThat(memory.readBytes(frames[0] + 0x800, 0x800)).containsExactly(java.util.Arrays.copyOfRange(data, 0, 0x800));
        assertThat(memory.readBytes(frames[1], 0x1000)).containsExactly(java.util.Arrays.copyOfRange(data, 0x800, 0x1800));
        assertThat(memory.readBytes(frames[2], 9000 - 0x1800))
                .containsExactly(java.util.Arrays.copyOfRange(data, 0x1800, 9000));
        byte[] back = new byte[9002];
        mmu.readBytes(0x0040_1800L, back, 1, 9000);
        assertThat(java.util.Arrays.copyOfRange(back, 1, 9001)).containsExactly(data);
        assertThat(back[0]).isZero();
        assertThat(back[9001]).isZero();
    }

    @Test
    void writeBytes_thirdPageNotPresent_writesNothingInTheFirstTwo() {
        memory.write32(PDE_AT, (int) TABLE | P | RW);
        memory.write32(TABLE + 4 * 1, 0x0080_0000 | P | RW);
        memory.write32(TABLE + 4 * 2, 0x0081_0000 | P | RW);
        pagingOn(0, 0);

        assertThatThrownBy(() -> mmu.writeBytes(0x0040_1800L, filled(0x2000, 0x5A), 0, 0x2000))
                .isInstanceOf(PageFaultException.class);
        assertThat(mmu.cr2()).isEqualTo(0x0040_3000L);
        assertThat(memory.readBytes(0x0080_0800L, 0x800)).containsOnly(0);
        assertThat(memory.readBytes(0x0081_0000L, 0x1000)).containsOnly(0);
    }

    private static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) value);
        return out;
    }

    @Test
    void readBytes_zeroLength_translatesNothing() {
        pagingOn(0, 0); // nothing mapped

        mmu.readBytes(VADDR, new byte[0], 0, 0);

        assertThat(mmu.stats().accesses()).isZero();
        assertThat(mmu.lastFault()).isNull();
    }

    @Test
    void writeBytes_sourceShorterThanLength_throwsAndChangesNothing() {
        // DESIGN.md, Failure: misuse throws and leaves every structure exactly as it was.
        map(P | RW, P | RW);
        mapNextPage(0x0090_0000L, P | RW);
        pagingOn(0, 0);
        byte[] tooShort = filled(10, 0x66);

        assertThatThrownBy(() -> mmu.writeBytes(0x0040_1FF8L, tooShort, 0, 16))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(memory.readBytes(FRAME | 0xFF8, 8)).as("bytes of the first page").containsOnly(0);
        assertThat(memory.readBytes(0x0090_0000L, 8)).containsOnly(0);
        assertThat(pte()).as("first PTE").isEqualTo((int) FRAME | P | RW);
    }
}
