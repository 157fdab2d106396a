package dev.pagelab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.TlbConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hand-built machine translates as its Javadoc layout says. */
class HandBuiltMachineTest {
    private final Mmu mmu = HandBuiltMachine.build(TlbConfig.DEFAULT);

    private static int faultCode(Mmu mmu, long vaddr, boolean write) {
        assertThat(mmu.translate(vaddr, write)).isEqualTo(Mmu.FAULT);
        return mmu.lastFault().errorCode();
    }

    @Test
    void build_registers_areCr3DirectoryPsePeWpPgAndCpl0() {
        assertThat(mmu.cr3()).isEqualTo(0x1C_0000L);
        assertThat(mmu.cr4()).isEqualTo(Mmu.CR4_PSE);
        assertThat(mmu.cr0()).isEqualTo(Mmu.CR0_PE | Mmu.CR0_WP | Mmu.CR0_PG);
        assertThat(mmu.cpl()).isZero();
        // The 32-bit physical address space, with 16 MiB of RAM in it (QEMU pc, -m 16M).
        assertThat(mmu.memory().sizeBytes()).isEqualTo(1L << 32);
        assertThat(mmu.memory().isRam(HandBuiltMachine.MEMORY_BYTES - 1)).isTrue();
        assertThat(mmu.memory().isRam(HandBuiltMachine.MEMORY_BYTES)).isFalse();
    }

    @Test
    void build_kernelText_translatesToOneMiBAndIsReadOnlyWithWp() {
        assertThat(mmu.translate(0xC010_0000L, false)).isEqualTo(0x0010_0000L);
        assertThat(mmu.read32(0xC010_0000L)).isEqualTo(0x1BADB002);
        assertThat(faultCode(mmu, 0xC010_0000L, true)).isEqualTo(3); // P=1 W/R=1 U/S=0
        assertThat(faultCode(mmu, 0xC010_3FFCL, true)).isEqualTo(3); // the fourth text page
        assertThat(mmu.memory().read32(0x10_0000)).isEqualTo(0x1BADB002);
    }

    @Test
    void build_kernelData_afterTextIsWritableAtCpl0() {
        mmu.write32(HandBuiltMachine.KERNEL_DATA_VADDR, 0x600D_DA7A);

        assertThat(HandBuiltMachine.KERNEL_DATA_VADDR).isEqualTo(0xC01A_0000L);
        assertThat(mmu.memory().read32(0x001A_0000L)).isEqualTo(0x600D_DA7A);
    }

    @Test
    void build_higherHalf_mapsTheFirst4MiBPageByPage() {
        for (long page = 0; page < 1024; page++) {
            long vaddr = 0xC000_0000L + (page << 12);
            assertThat(mmu.translate(vaddr + 0x0AB, false)).as("page %d", page).isEqualTo((page << 12) + 0x0AB);
        }
    }

    @Test
    void build_largePage_translatesThroughThe4MiBPde() {
        assertThat(mmu.translate(0xC040_0123L, false)).isEqualTo(0x0040_0123L);
        assertThat(mmu.translate(0xC07F_FFFFL, true)).isEqualTo(0x007F_FFFFL);
        assertThat(mmu.explain(0xC040_0123L).steps()).singleElement()
                .satisfies(step -> assertThat(step.largePage()).isTrue());
    }

    @Test
    void build_userPage_isWritableAtCpl3AndHoldsTheGreeting() {
        mmu.setCpl(3);
        byte[] greeting = new byte[21];

        mmu.readBytes(0x0804_8000L, greeting, 0, greeting.length);
        mmu.write8(0x0804_8FFFL, 0x42);

        assertThat(new String(greeting, StandardCharsets.US_ASCII)).isEqualTo("hello from user space");
        assertThat(mmu.translate(0x0804_8000L, true)).isEqualTo(0x0080_0000L);
        assertThat(mmu.memory().read8(0x0080_0FFFL)).isEqualTo(0x42);
    }

    @Test
    void build_onlyOneUserPage_neighboursAreNotPresent() {
        mmu.setCpl(3);

        assertThat(faultCode(mmu, 0x0804_7000L, false)).isEqualTo(4);
        assertThat(faultCode(mmu, 0x0804_9000L, false)).isEqualTo(4);
    }

    @Test
    void build_addressZero_faultsAsNotPresent() {
        assertThatThrownBy(() -> mmu.read32(0))
                .isInstanceOfSatisfying(PageFaultException.class, e -> {
                    assertThat(e.fault().errorCode()).isZero();
                    assertThat(e.fault().cause()).isEqualTo(PageFault.Cause.TABLE_NOT_PRESENT);
                });
        assertThat(mmu.cr2()).isZero();
        assertThat(mmu.translate(0xFFF, true)).isEqualTo(Mmu.FAULT);
    }

    @Test
    void build_identityMap_coversTheRestOfTheFirst4MiB() {
        assertThat(mmu.translate(0x1000, false)).isEqualTo(0x1000L);
        assertThat(mmu.translate(0x003F_FFFFL, false)).isEqualTo(0x003F_FFFFL);
        assertThat(faultCode(mmu, 0x0040_0000L, false)).isZero(); // directory entry 1 is empty
    }

    @Test
    void build_kernelMappings_areSupervisorOnly() {
        mmu.setCpl(3);

        assertThat(faultCode(mmu, 0xC010_0000L, false)).isEqualTo(5);
        assertThat(faultCode(mmu, 0x0000_1000L, false)).isEqualTo(5);
        assertThat(faultCode(mmu, 0xC040_0000L, true)).isEqualTo(7);
    }

    @Test
    void build_vgaWindow_readsFFAndDropsWrites() {
        PhysicalMemory memory = mmu.memory();

        assertThat(mmu.read8(0xC00B_8000L)).isEqualTo(0xFF);
        assertThat(mmu.read32(0xC00B_8000L)).isEqualTo(0xFFFF_FFFF);
        mmu.write16(0xC00B_8000L, 0x0741); // 'A', grey on black: lost on this bus
        assertThat(mmu.read16(0xC00B_8000L)).isEqualTo(0xFFFF);
        assertThat(memory.droppedWrites()).isEqualTo(2);
        assertThat(memory.isRam(0x9_FFFF)).isTrue();
        assertThat(memory.isRam(0xA_0000)).isFalse();
        assertThat(memory.isRam(0xF_FFFF)).isFalse();
        assertThat(memory.isRam(0x10_0000)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(names = {"DEFAULT", "OFF"})
    void build_anyTlb_sameTranslations(TlbShape shape) {
        Mmu other = HandBuiltMachine.build(shape.config);

        for (long vaddr : new long[] {0xC010_0000L, 0xC040_0123L, 0x0804_8000L, 0x1000L, 0xC00B_8000L}) {
            assertThat(other.translate(vaddr, false)).isEqualTo(mmu.translate(vaddr, false));
        }
    }

    enum TlbShape {
        DEFAULT(TlbConfig.DEFAULT), OFF(TlbConfig.OFF);

        final TlbConfig config;

        TlbShape(TlbConfig config) {
            this.config = config;
        }
    }
}
