package dev.pagelab.conformance;

import dev.pagelab.hw.PageFault;

/**
 * Where QEMU 7.2's x86 model (TCG) departs from the Intel SDM and pagelab follows the SDM. Each
 * is applied to pagelab's expectation before it is compared, so the suite still requires QEMU
 * to behave exactly so; if a QEMU release fixes one, the suite fails here and the quirk goes.
 */
final class QemuQuirks {
    /**
     * The physical-address width QEMU 7.2's 32-bit paging really uses for 4 MiB entries: 40,
     * whatever the CPU reports. For a 4 MiB entry the SDM (vol. 3A, table 4-4) makes bits
     * 20:13 address bits 39:32 only up to the width M (32 without PSE-36, CPUID.01H:EDX[17];
     * with it, MAXPHYADDR, 36 without leaf 0x80000008) and the rest reserved, so such an entry
     * must fault with RSVD. QEMU's {@code mmu_translate} sets {@code rsvd_mask = 0x200000} (bit
     * 21 only) for every 4 MiB entry and takes bits 20:13 as address bits 39:32. Its
     * {@code qemu32} CPU reports no PSE-36 and no leaf 0x80000008 (M = 32), and
     * {@code qemu32,+pse36} reports M = 36; both translate an entry with bit 20 set to an
     * address with bit 39 set, where nothing is, and a read there returns 0. Seen by the
     * hand-made tables test on slots 10 to 12.
     */
    static final int PAGING_ADDRESS_BITS = 40;

    private QemuQuirks() {
    }

    /**
     * A page fault caused by a reserved bit: the SDM (vol. 3A, 4.7) sets P=1 in the error code,
     * as the entries were present (P=0 means "no translation because a P flag was 0"), so a
     * supervisor read gives 0x9. QEMU 7.2 gives 0x8: its {@code mmu_translate}
     * ({@code target/i386/tcg/sysemu/excp_helper.c}) reaches {@code do_fault_rsvd}, sets
     * {@code error_code = PG_ERROR_RSVD_MASK} and jumps past {@code do_fault_protect}; before
     * the 7.2 rewrite the code fell through and added P. Seen by the hand-made tables test on
     * every access through a 4 MiB entry with bit 21 set.
     */
    static Outcome asQemu(Outcome pagelab) {
        if (pagelab.faulted() && (pagelab.errorCode() & PageFault.ERR_RESERVED) != 0) {
            return Outcome.fault(pagelab.cr2(), pagelab.errorCode() & ~PageFault.ERR_PRESENT);
        }
        return pagelab;
    }

    /** Whether {@link #asQemu} changes {@code pagelab}. */
    static boolean applies(Outcome pagelab) {
        return !asQemu(pagelab).equals(pagelab);
    }
}
