package dev.pagelab.hw;

/**
 * A naive 32-bit paging MMU written straight from Intel SDM vol. 3A chapter 4, to be the oracle
 * of the property tests: no TLB, no packed entries, no code shared with {@link Mmu}, {@link Pte}
 * or {@link Pde}. Every access reads the page directory and page table from memory.
 *
 * <ul>
 *   <li>4.3: PDE at CR3[31:12] | vaddr[31:22] * 4; PTE at PDE[31:12] | vaddr[21:12] * 4; with
 *       CR4.PSE=1 and PDE.PS=1 the PDE maps 4 MiB at PDE[31:22] | PDE[(M-20):13] &lt;&lt; 32.</li>
 *   <li>Table 4-4: bits 21:(M-19) of a 4 MiB PDE are reserved.</li>
 *   <li>4.6: user accesses need U/S=1 at every level; writes need R/W=1 at every level for
 *       user accesses, and for supervisor accesses when CR0.WP=1.</li>
 *   <li>4.7: error code P (bit 0) = 0 only for a P=0 entry; W/R bit 1; U/S bit 2; RSVD bit 3.</li>
 *   <li>4.8: A in every entry used; D in the entry that maps the page, on a write.</li>
 * </ul>
 *
 * The one choice the SDM leaves open follows what {@link Mmu} documents (QEMU's order): the
 * PDE's A flag is set as soon as the walk goes on to the page table, before the PTE is looked at.
 */
final class ReferenceMmu {
    static final long FAULT = -1;

    private static final int PRESENT = 1;
    private static final int WRITE = 1 << 1;
    private static final int USER = 1 << 2;
    private static final int ACCESSED = 1 << 5;
    private static final int DIRTY = 1 << 6;
    private static final int PAGE_SIZE = 1 << 7;

    private final PhysicalMemory memory;
    private final int physicalAddressBits;

    boolean paging;
    boolean writeProtect;
    boolean pse;
    int cpl;
    long cr3;
    long cr2;
    int lastErrorCode = -1;

    ReferenceMmu(PhysicalMemory memory, int physicalAddressBits) {
        this.memory = memory;
        this.physicalAddressBits = physicalAddressBits;
    }

    /** The physical address, or {@link #FAULT} with CR2 and {@link #lastErrorCode} set. */
    long translate(long vaddr, boolean write) {
        return walk(vaddr, write, true);
    }

    /** What {@link #translate} would return, changing nothing. */
    long dryRun(long vaddr, boolean write) {
        long savedCr2 = cr2;
        int savedCode = lastErrorCode;
        long paddr = walk(vaddr, write, false);
        cr2 = savedCr2;
        lastErrorCode = savedCode;
        return paddr;
    }

    private long walk(long vaddr, boolean write, boolean commit) {
        if (!paging) {
            return vaddr;
        }
        boolean user = cpl == 3;
        int accessBits = (write ? 2 : 0) | (user ? 4 : 0);

        long pdeAddress = (cr3 & 0xFFFF_F000L) + 4 * (vaddr >>> 22);
        int pde = memory.read32(pdeAddress);
        if ((pde & PRESENT) == 0) {
            return fault(vaddr, accessBits);
        }

        if (pse && (pde & PAGE_SIZE) != 0) {
            for (int bit = physicalAddressBits - 19; bit <= 21; bit++) {
                if ((pde & (1 << bit)) != 0) {
                    return fault(vaddr, 1 | 8 | accessBits);
                }
            }
            if (!allowed(pde, write, user)) {
                return fault(vaddr, 1 | accessBits);
            }
            if (commit) {
                setFlags(pdeAddress, ACCESSED | (write ? DIRTY : 0));
            }
            long base = Integer.toUnsignedLong(pde) & 0xFFC0_0000L;
            long highBits = (Integer.toUnsignedLong(pde) >>> 13) & ((1L << (physicalAddressBits - 32)) - 1);
            return base + (highBits << 32) + (vaddr & 0x3F_FFFFL);
        }

        if (commit) {
            setFlags(pdeAddress, ACCESSED);
        }
        long pteAddress = (Integer.toUnsignedLong(pde) & 0xFFFF_F000L) + 4 * ((vaddr >>> 12) & 1023);
        int pte = memory.read32(pteAddress);
        if ((pte & PRESENT) == 0) {
            return fault(vaddr, accessBits);
        }
        if (!allowed(pde, write, user) || !allowed(pte, write, user)) {
            return fault(vaddr, 1 | accessBits);
        }
        if (commit) {
            setFlags(pteAddress, ACCESSED | (write ? DIRTY : 0));
        }
        return (Integer.toUnsignedLong(pte) & 0xFFFF_F000L) + (vaddr & 0xFFF);
    }

    /** SDM 4.6 for one entry; the walk requires it of every entry. */
    private boolean allowed(int entry, boolean write, boolean user) {
        if (user && (entry & USER) == 0) {
            return false;
        }
        boolean writeChecked = user || writeProtect;
        return !(write && writeChecked && (entry & WRITE) == 0);
    }

    private void setFlags(long entryAddress, int flags) {
        int entry = memory.read32(entryAddress);
        if ((entry & flags) != flags) {
            memory.write32(entryAddress, entry | flags);
        }
    }

    private long fault(long vaddr, int errorCode) {
        cr2 = vaddr;
        lastErrorCode = errorCode;
        return FAULT;
    }
}
