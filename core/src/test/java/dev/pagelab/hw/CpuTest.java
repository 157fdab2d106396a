package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU's page-fault exception: the handler is called with CR2 and the error code, at CPL 0;
 * a resolved fault restarts the access; an unhandled one is reported; restarts are bounded.
 *
 * <p>Layout as {@link MmuTest}'s: directory at 0x1000, the table of PDE 1 at 0x2000, user pages
 * at PDE 1 (0x00400000-0x007FFFFF), frames at 0x00800000 and up.
 */
class CpuTest {
    static final long DIRECTORY = 0x1000;
    static final long TABLE = 0x2000;
    static final long PAGE = 0x0040_1000L;
    static final long VADDR = PAGE + 0xABC;
    static final long FRAME = 0x0080_0000L;

    // Error-code bits as Intel SDM vol. 3A, 4.7 numbers them, written out here rather than taken
    // from PageFault, so that a wrong constant there cannot hide behind itself.
    static final int EC_P = 1;
    static final int EC_WR = 1 << 1;
    static final int EC_US = 1 << 2;
    static final int EC_RSVD = 1 << 3;
    static final int EC_ID = 1 << 4;

    static final int P = Pte.PRESENT;
    static final int RW = Pte.WRITABLE;
    static final int US = Pte.USER;

    private final PhysicalMemory memory = PhysicalMemory.ofSize(16L << 20);

    /** A CPU with paging on, CR0.WP set, PDE 1 a present user-writable table with no page in it. */
    private Cpu cpu(TlbConfig tlb) {
        Cpu cpu = new Cpu(memory, tlb);
        memory.write32(DIRECTORY + 4, (int) TABLE | P | RW | US);
        cpu.mmu().setCr3(DIRECTORY);
        cpu.mmu().setCr4(Mmu.CR4_PSE);
        cpu.mmu().setCr0(Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP);
        return cpu;
    }

    private void setPte(long vaddr, int entry) {
        memory.write32(TABLE + 4L * Addresses.tableIndex(vaddr), entry);
    }

    private int pte(long vaddr) {
        return memory.read32(TABLE + 4L * Addresses.tableIndex(vaddr));
    }

    /** What the handler saw each time it was called. */
    private record Call(PageFault fault, long cr2, int cpl) {
    }

    /** A handler that maps the faulting page, user-writable, to FRAME + its index, and records each call. */
    private FaultHandler mapOnFirstTouch(Cpu cpu, List<Call> calls) {
        return fault -> {
            calls.add(new Call(fault, cpu.mmu().cr2(), cpu.cpl()));
            long page = Addresses.alignDown(fault.linearAddress());
            setPte(page, (int) (FRAME + ((page - 0x0040_0000L))) | P | RW | US);
            return FaultHandler.Resolution.RESOLVED;
        };
    }

    static Stream<Named<TlbConfig>> tlbs() {
        return Stream.of(Named.of("TLB on", TlbConfig.DEFAULT), Named.of("TLB off", TlbConfig.OFF));
    }

    // ---------------------------------------------------------------- resolved faults

    @ParameterizedTest
    @MethodSource("tlbs")
    void read32_unmappedUserPageHandlerMapsIt_succeedsAfterExactlyOneFault(TlbConfig tlb) {
        Cpu cpu = cpu(tlb);
        memory.write32(FRAME + 0x1000 + 0xABC, 0xC0FFEE);
        List<Call> calls = new ArrayList<>();
        cpu.setFaultHandler(mapOnFirstTouch(cpu, calls));
        cpu.setCpl(3);

        assertThat(cpu.read32(VADDR)).isEqualTo(0xC0FFEE);
        assertThat(cpu.read32(VADDR)).as("second read: mapped now").isEqualTo(0xC0FFEE);

        assertThat(calls).hasSize(1);
        Call call = calls.get(0);
        assertThat(call.fault().linearAddress()).isEqualTo(VADDR);
        assertThat(call.cr2()).as("CR2 while the handler runs").isEqualTo(VADDR);
        assertThat(call.fault().errorCode()).as("user read, not present").isEqualTo(EC_US);
        assertThat(call.cpl()).as("the handler runs at CPL 0").isZero();
        assertThat(cpu.cpl()).as("the interrupted CPL is back").isEqualTo(3);
        assertThat(cpu.mmu().stats().faults()).isEqualTo(1);
        assertThat(cpu.stats().snapshot()).isEqualTo(new CpuStats.Snapshot(1, 0, 0));
        assertThat(pte(VADDR) & (Pte.ACCESSED | Pte.DIRTY)).as("a read sets A, not D").isEqualTo(Pte.ACCESSED);
    }

    @ParameterizedTest
    @MethodSource("tlbs")
    void write32_unmappedUserPageHandlerMapsIt_oneFaultThenTheWriteLandsAndSetsDirty(TlbConfig tlb) {
        Cpu cpu = cpu(tlb);
        List<Call> calls = new ArrayList<>();
        cpu.setFaultHandler(mapOnFirstTouch(cpu, calls));
        cpu.setCpl(3);

        cpu.write32(VADDR, 0x1234_5678);

        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).fault().errorCode()).as("user write, not present").isEqualTo(EC_US | EC_WR);
        assertThat(memory.read32(FRAME + 0x1000 + 0xABC)).isEqualTo(0x1234_5678);
        assertThat(pte(VADDR) & (Pte.ACCESSED | Pte.DIRTY)).isEqualTo(Pte.ACCESSED | Pte.DIRTY);
        assertThat(cpu.mmu().stats().faults()).isEqualTo(1);
        assertThat(cpu.stats().faultsHandled()).isEqualTo(1);
    }

    @Test
    void touch_unmappedPageHandlerMapsIt_returnsThePhysicalAddress() {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        cpu.setFaultHandler(mapOnFirstTouch(cpu, new ArrayList<>()));

        assertThat(cpu.touch(VADDR, false)).isEqualTo(FRAME + 0x1000 + 0xABC);
        assertThat(cpu.stats().faultsHandled()).isEqualTo(1);
    }

    @Test
    void writeBytes_twoUnmappedPagesTwoFaultsEach_succeedsWithinTheRestartLimit() {
        // Copy-on-write style: the first fault maps the page read-only, the write then faults on
        // the protection and the handler makes it writable. Two pages: four restarts.
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        List<Integer> codes = new ArrayList<>();
        cpu.setFaultHandler(fault -> {
            codes.add(fault.errorCode());
            long page = Addresses.alignDown(fault.linearAddress());
            int frame = (int) (FRAME + (page - 0x0040_0000L));
            setPte(page, frame | P | US | (fault.isProtectionViolation() ? RW : 0));
            return FaultHandler.Resolution.RESOLVED;
        });
        cpu.setCpl(3);

        cpu.writeBytes(PAGE + 0xFFE, new byte[] {1, 2, 3, 4}, 0, 4);

        assertThat(codes).as("not present, then read-only, on each page")
                .containsExactly(EC_US | EC_WR, EC_US | EC_WR | EC_P, EC_US | EC_WR, EC_US | EC_WR | EC_P);
        assertThat(codes).hasSize(Cpu.MAX_RESTARTS);
        assertThat(memory.readBytes(FRAME + 0x1FFE, 4)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void writeBytes_handlerEvictsTheOtherPageOfTheAccess_restartsWholeAndNeverWritesThroughAStaleTranslation() {
        // One frame for two pages: mapping the faulting page unmaps the other one (with INVLPG),
        // so the access that crosses both can never complete; it must not write the first page
        // through the translation it had before the handler took that page away.
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        long second = PAGE + Addresses.PAGE_BYTES;
        int[] calls = new int[1];
        cpu.setFaultHandler(fault -> {
            calls[0]++;
            long page = Addresses.alignDown(fault.linearAddress());
            long other = page == PAGE ? second : PAGE;
            setPte(other, 0);
            cpu.mmu().invlpg(other);
            setPte(page, (int) FRAME | P | RW | US);
            return FaultHandler.Resolution.RESOLVED;
        });
        cpu.setCpl(3);

        assertThatThrownBy(() -> cpu.writeBytes(PAGE + 0xFFE, new byte[] {1, 2, 3, 4}, 0, 4))
                .isInstanceOfSatisfying(PageFaultException.class, e -> assertThat(e.restartsExhausted()).isTrue());
        assertThat(calls[0]).isEqualTo(Cpu.MAX_RESTARTS);
        assertThat(memory.readBytes(FRAME, Addresses.PAGE_BYTES)).as("nothing written anywhere").containsOnly(0);
    }

    // ---------------------------------------------------------------- unhandled faults

    /**
     * One faulting access: how it is set up, what it does, and the error code SDM 4.7 gives it
     * (P: protection rather than not-present; W/R: a write; U/S: CPL 3; RSVD: a reserved bit;
     * I/D: a fetch, only with SMEP or PAE+NXE, so never here).
     */
    private record Case(String name, long vaddr, int pdeFlags, int pte, int cpl, Consumer<Cpu> access, int errorCode) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        long frame = FRAME;
        return Stream.of(
                new Case("user read, PTE not present", VADDR, P | RW | US, 0, 3, c -> c.read32(VADDR), EC_US),
                new Case("supervisor write, PDE not present", 0x0080_0123L, 0, 0, 0,
                        c -> c.write8(0x0080_0123L, 1), EC_WR),
                new Case("user write, read-only user page", VADDR, P | RW | US, (int) frame | P | US, 3,
                        c -> c.write16(VADDR, 1), EC_P | EC_WR | EC_US),
                new Case("supervisor write, read-only page, CR0.WP=1", VADDR, P | RW | US, (int) frame | P, 0,
                        c -> c.write32(VADDR, 1), EC_P | EC_WR),
                new Case("user read, supervisor page", VADDR, P | RW | US, (int) frame | P | RW, 3,
                        c -> c.read8(VADDR), EC_P | EC_US),
                new Case("user read, reserved bit 21 in a 4 MiB PDE", 0x00C0_0010L,
                        P | RW | US | Pde.PAGE_SIZE | (1 << 21), 0, 3, c -> c.read32(0x00C0_0010L),
                        EC_P | EC_US | EC_RSVD),
                new Case("user fetch, PTE not present", VADDR, P | RW | US, 0, 3, c -> c.fetch8(VADDR), EC_US),
                new Case("supervisor fetch bytes, PTE not present", VADDR, P | RW | US, 0, 0,
                        c -> c.fetchBytes(VADDR, new byte[3], 0, 3), 0),
                new Case("user fetch, supervisor page", VADDR, P | RW | US, (int) frame | P, 3,
                        c -> c.fetch8(VADDR), EC_P | EC_US));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void access_faultTheHandlerLeaves_reportedWithCr2AndTheSdmErrorCode(Case c) {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        memory.write32(DIRECTORY + 4L * Addresses.directoryIndex(c.vaddr()),
                Pde.isLarge(c.pdeFlags()) ? c.pdeFlags() : (int) TABLE | c.pdeFlags());
        setPte(c.vaddr(), c.pte());
        List<PageFault> seen = new ArrayList<>();
        cpu.setFaultHandler(fault -> {
            seen.add(fault);
            return FaultHandler.Resolution.UNHANDLED;
        });
        cpu.setCpl(c.cpl());

        assertThatThrownBy(() -> c.access().accept(cpu))
                .isInstanceOfSatisfying(PageFaultException.class, e -> {
                    assertThat(e.fault().linearAddress()).isEqualTo(c.vaddr());
                    assertThat(e.fault().errorCode()).as("error code of %s", c).isEqualTo(c.errorCode());
                    assertThat(e.fault().errorCode() & EC_ID).as("I/D without SMEP or NXE").isZero();
                    assertThat(e.restarts()).isZero();
                    assertThat(e.restartsExhausted()).isFalse();
                    assertThat(e).hasMessage(e.fault().toString());
                });
        assertThat(cpu.mmu().cr2()).isEqualTo(c.vaddr());
        assertThat(seen).as("the handler saw the fault that was reported").hasSize(1);
        assertThat(seen.get(0).errorCode()).isEqualTo(c.errorCode());
        assertThat(cpu.cpl()).isEqualTo(c.cpl());
        assertThat(cpu.stats().snapshot()).isEqualTo(new CpuStats.Snapshot(0, 1, 0));
    }

    @Test
    void errorCodeConstants_matchSdm4_7BitPositions() {
        assertThat(new int[] {PageFault.ERR_PRESENT, PageFault.ERR_WRITE, PageFault.ERR_USER, PageFault.ERR_RESERVED,
            PageFault.ERR_INSTRUCTION_FETCH}).containsExactly(EC_P, EC_WR, EC_US, EC_RSVD, EC_ID);
    }

    @Test
    void read32_defaultHandler_failsAsTheMmuAloneDoes() {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        cpu.setCpl(3);

        assertThat(cpu.faultHandler()).isSameAs(FaultHandler.NONE);
        PageFaultException viaCpu = org.junit.jupiter.api.Assertions.assertThrows(PageFaultException.class,
                () -> cpu.read32(VADDR));
        PageFaultException viaMmu = org.junit.jupiter.api.Assertions.assertThrows(PageFaultException.class,
                () -> cpu.mmu().read32(VADDR));
        assertThat(viaCpu.fault()).isEqualTo(viaMmu.fault());
        assertThat(viaCpu).hasMessage(viaMmu.getMessage());
        assertThat(cpu.stats().faultsUnhandled()).as("only the access through the CPU").isEqualTo(1);
        assertThat(cpu.mmu().stats().faults()).isEqualTo(2);
    }

    @Test
    void read32_handlerResolvesOnceThenGivesUp_reportsTheSecondFaultWithTheRestartCount() {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        int[] calls = new int[1];
        cpu.setFaultHandler(fault -> {
            calls[0]++;
            if (calls[0] == 1) {
                setPte(VADDR, (int) FRAME | P | US); // user read-only: the write faults again
                return FaultHandler.Resolution.RESOLVED;
            }
            return FaultHandler.Resolution.UNHANDLED;
        });
        cpu.setCpl(3);

        assertThatThrownBy(() -> cpu.write32(VADDR, 7))
                .isInstanceOfSatisfying(PageFaultException.class, e -> {
                    assertThat(e.fault().errorCode()).isEqualTo(EC_P | EC_WR | EC_US);
                    assertThat(e.restarts()).isEqualTo(1);
                    assertThat(e.restartsExhausted()).isFalse();
                })
                .hasMessageContaining("after 1 restart of the access");
        assertThat(cpu.stats().snapshot()).isEqualTo(new CpuStats.Snapshot(1, 1, 0));
    }

    // ---------------------------------------------------------------- the restart bound

    @ParameterizedTest
    @EnumSource(names = {"READ", "WRITE", "CROSSING_WRITE", "TOUCH"})
    void access_handlerClaimsResolutionButMapsNothing_reportedAfterMaxRestarts(Kind kind) {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        int[] calls = new int[1];
        cpu.setFaultHandler(fault -> {
            calls[0]++;
            return FaultHandler.Resolution.RESOLVED;
        });
        cpu.setCpl(3);

        assertThatThrownBy(() -> kind.run(cpu))
                .isInstanceOfSatisfying(PageFaultException.class, e -> {
                    assertThat(e.restartsExhausted()).isTrue();
                    assertThat(e.restarts()).isEqualTo(Cpu.MAX_RESTARTS);
                    assertThat(e.fault().linearAddress()).isEqualTo(kind.faultVaddr);
                })
                .hasMessageContaining("claimed resolution " + Cpu.MAX_RESTARTS + " times");
        assertThat(calls[0]).as("the handler is not called for the fault after the last restart")
                .isEqualTo(Cpu.MAX_RESTARTS);
        assertThat(cpu.mmu().stats().faults()).isEqualTo(Cpu.MAX_RESTARTS + 1);
        assertThat(cpu.stats().snapshot()).isEqualTo(new CpuStats.Snapshot(Cpu.MAX_RESTARTS, 1, 1));
        assertThat(cpu.cpl()).isEqualTo(3);
    }

    enum Kind {
        READ(VADDR) {
            @Override
            void run(Cpu cpu) {
                cpu.read32(VADDR);
            }
        },
        WRITE(VADDR) {
            @Override
            void run(Cpu cpu) {
                cpu.write8(VADDR, 1);
            }
        },
        CROSSING_WRITE(PAGE - 2) {
            @Override
            void run(Cpu cpu) {
                cpu.write32(PAGE - 2, 1);
            }
        },
        TOUCH(VADDR) {
            @Override
            void run(Cpu cpu) {
                cpu.touch(VADDR, false);
            }
        };

        final long faultVaddr;

        Kind(long faultVaddr) {
            this.faultVaddr = faultVaddr;
        }

        abstract void run(Cpu cpu);
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void read32_handlerThrows_exceptionPassesAndCplIsRestored() {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        cpu.setFaultHandler(fault -> {
            throw new IllegalStateException("handler bug");
        });
        cpu.setCpl(3);

        assertThatThrownBy(() -> cpu.read32(VADDR)).isInstanceOf(IllegalStateException.class).hasMessage("handler bug");
        assertThat(cpu.cpl()).isEqualTo(3);
    }

    @Test
    void read32_handlerReturnsNull_throwsNamingTheFault() {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        cpu.setFaultHandler(fault -> null);

        assertThatThrownBy(() -> cpu.read32(VADDR)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null").hasMessageContaining("0x00401ABC");
    }

    @Test
    void setFaultHandler_null_isRefusedAndTheOldHandlerStays() {
        Cpu cpu = cpu(TlbConfig.DEFAULT);
        FaultHandler mine = fault -> FaultHandler.Resolution.UNHANDLED;
        assertThat(cpu.setFaultHandler(mine)).isSameAs(FaultHandler.NONE);

        assertThatThrownBy(() -> cpu.setFaultHandler(null)).isInstanceOf(NullPointerException.class);
        assertThat(cpu.faultHandler()).isSameAs(mine);
    }
}
