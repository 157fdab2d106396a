package dev.pagelab.hw;

import java.util.List;

/**
 * A 32-bit page-directory entry: either a pointer to a page table (SDM vol. 3A, table 4-5)
 * or, with PS=1 and CR4.PSE=1, a 4 MiB page (table 4-4).
 *
 * <pre>
 *  Page table:
 *  31                                  12 11    8   7   6   5   4    3    2    1   0
 * +--------------------------------------+-------+----+---+---+----+----+----+----+---+
 * |   physical address of the page table  |  AVL  |PS=0|IGN| A |PCD |PWT |U/S |R/W | P |
 * +--------------------------------------+-------+----+---+---+----+----+----+----+---+
 *
 *  4 MiB page:
 *  31           22  21  20        13  12 11  9  8    7   6   5   4    3    2    1   0
 * +---------------+----+------------+---+-----+---+----+---+---+----+----+----+----+---+
 * | address 31:22 |RSVD|addr 39:32  |PAT| AVL | G |PS=1| D | A |PCD |PWT |U/S |R/W | P |
 * +---------------+----+------------+---+-----+---+----+---+---+----+----+----+----+---+
 * </pre>
 *
 * <p>Bits 20:13 of a 4 MiB entry carry physical address bits 39:32 (PSE-36) on processors
 * whose physical address width M is above 32; bits from M-19 up to 20 are reserved and must
 * be 0, and bit 21 is always reserved. A reserved bit set makes the walk fault with RSVD=1.
 */
public final class Pde {
    /** P: the entry is in use; when clear the MMU raises #PF for the whole 4 MiB region. */
    public static final int PRESENT = Pte.PRESENT;
    /** R/W: combined with the page table's R/W; clear makes the whole region read-only. */
    public static final int WRITABLE = Pte.WRITABLE;
    /** U/S: combined with the page table's U/S; clear makes the whole region supervisor-only. */
    public static final int USER = Pte.USER;
    /** PWT: write-through caching (recorded, no effect in the simulation). */
    public static final int WRITE_THROUGH = Pte.WRITE_THROUGH;
    /** PCD: caching disabled (recorded, no effect in the simulation). */
    public static final int CACHE_DISABLE = Pte.CACHE_DISABLE;
    /** A: set by the MMU whenever it uses this entry in a translation. */
    public static final int ACCESSED = Pte.ACCESSED;
    /** D (4 MiB pages only): set by the MMU on a write through this entry. */
    public static final int DIRTY = Pte.DIRTY;
    /** PS: with CR4.PSE=1, the entry maps a 4 MiB page instead of pointing to a page table. */
    public static final int PAGE_SIZE = 1 << 7;
    /** G (4 MiB pages only): kept in the TLB across CR3 loads when CR4.PGE=1. */
    public static final int GLOBAL = Pte.GLOBAL;
    /** Bits 11:9, ignored by the MMU and free for the operating system. */
    public static final int AVAILABLE_MASK = Pte.AVAILABLE_MASK;
    /** PAT (4 MiB pages only, bit 12): memory-type index bit 2 (recorded, no effect). */
    public static final int LARGE_PAT = 1 << 12;
    /** Bits 31:12 of a page-table pointer: the physical address of the page table. */
    public static final int TABLE_MASK = 0xFFFF_F000;
    /** Bits 31:22 of a 4 MiB entry: physical address bits 31:22. */
    public static final int LARGE_FRAME_MASK = 0xFFC0_0000;
    /** Bits 20:13 of a 4 MiB entry: physical address bits 39:32 (PSE-36). */
    public static final int LARGE_HIGH_MASK = 0xFF << 13;
    /** Shift from bits 20:13 of the entry to bits 39:32 of the address. */
    public static final int LARGE_HIGH_SHIFT = 32 - 13;
    /** Bit 21 of a 4 MiB entry, always reserved. */
    public static final int LARGE_RESERVED_BIT = 1 << 21;

    /** The flags of a page-table pointer, for decoding. */
    public static final List<EntryBit> TABLE_BITS = List.of(
            new EntryBit("P", PRESENT, "present", "not present: any access in this 4 MiB faults"),
            new EntryBit("R/W", WRITABLE, "writable (if the PTE agrees)", "read-only for all 1024 pages"),
            new EntryBit("U/S", USER, "user (if the PTE agrees)", "supervisor for all 1024 pages"),
            new EntryBit("PWT", WRITE_THROUGH, "page table write-through", "page table write-back"),
            new EntryBit("PCD", CACHE_DISABLE, "page table not cached", "page table cached"),
            new EntryBit("A", ACCESSED, "accessed", "not accessed"),
            new EntryBit("PS", PAGE_SIZE, "4 MiB page (if CR4.PSE=1)", "points to a page table"));

    /** The flags of a 4 MiB page entry, for decoding. */
    public static final List<EntryBit> LARGE_BITS = List.of(
            new EntryBit("P", PRESENT, "present: maps a 4 MiB page", "not present"),
            new EntryBit("R/W", WRITABLE, "writable", "read-only: CPL 3 writes fault, CPL 0 writes fault when CR0.WP=1"),
            new EntryBit("U/S", USER, "user: CPL 3 may access", "supervisor: CPL 3 accesses fault"),
            new EntryBit("PWT", WRITE_THROUGH, "write-through caching", "write-back caching"),
            new EntryBit("PCD", CACHE_DISABLE, "caching disabled", "caching enabled"),
            new EntryBit("A", ACCESSED, "accessed", "not accessed"),
            new EntryBit("D", DIRTY, "dirty", "clean"),
            new EntryBit("PS", PAGE_SIZE, "4 MiB page", "points to a page table"),
            new EntryBit("G", GLOBAL, "global when CR4.PGE=1", "not global"),
            new EntryBit("PAT", LARGE_PAT, "PAT memory-type index bit 2 set", "PAT memory-type index bit 2 clear"));

    private Pde() {
    }

    /** A directory entry pointing to the page table in frame {@code tablePfn}. */
    public static int table(long tablePfn, int flags) {
        if ((flags & PAGE_SIZE) != 0) {
            throw new IllegalArgumentException("Pde.table: flags 0x" + Integer.toHexString(flags)
                    + " have PS set; use Pde.large for a 4 MiB page");
        }
        return Pte.make("Pde.table", tablePfn, flags);
    }

    /**
     * A directory entry mapping the 4 MiB page at {@code paddr} (4 MiB aligned, below 2^40)
     * with {@code flags}; PS is added.
     */
    public static int large(long paddr, int flags) {
        if ((paddr & Addresses.LARGE_PAGE_OFFSET_MASK) != 0 || paddr < 0 || (paddr >>> 40) != 0) {
            throw new IllegalArgumentException("Pde.large: physical address " + Addresses.hex(paddr)
                    + " is not a 4 MiB-aligned address below 2^40");
        }
        if ((flags & ~0x1FFF) != 0) {
            throw new IllegalArgumentException("Pde.large: flags 0x" + Integer.toHexString(flags)
                    + " reach past bit 12");
        }
        int high = (int) ((paddr >>> 32) << 13);
        return (int) (paddr & LARGE_FRAME_MASK) | high | flags | PAGE_SIZE;
    }

    /** Whether the P bit is set. */
    public static boolean isPresent(int entry) {
        return (entry & PRESENT) != 0;
    }

    /** Whether PS is set (a 4 MiB page when CR4.PSE=1, ignored otherwise). */
    public static boolean isLarge(int entry) {
        return (entry & PAGE_SIZE) != 0;
    }

    /** The page table's physical address, bits 31:12. */
    public static long tablePaddr(int entry) {
        return entry & 0xFFFF_F000L;
    }

    /** The page table's frame number. */
    public static long tablePfn(int entry) {
        return Pte.pfn(entry);
    }

    /** The 4 MiB page's physical address: bits 31:22, and bits 39:32 from bits 20:13. */
    public static long largePaddr(int entry) {
        return (entry & 0xFFC0_0000L) | ((long) (entry & LARGE_HIGH_MASK) << LARGE_HIGH_SHIFT);
    }

    /**
     * The bits that must be 0 in a 4 MiB entry on a processor with {@code physicalAddressBits}
     * (32 to 40): bit 21, and bits 20:13 above the address width.
     */
    public static int largeReservedMask(int physicalAddressBits) {
        if (physicalAddressBits < 32 || physicalAddressBits > 40) {
            throw new IllegalArgumentException("physical address width " + physicalAddressBits
                    + " is outside 32..40");
        }
        int highBitsUsed = physicalAddressBits - 32;
        int highReserved = LARGE_HIGH_MASK & ~(((1 << highBitsUsed) - 1) << 13);
        return LARGE_RESERVED_BIT | highReserved;
    }

    /** Short flag names of a table pointer's or a 4 MiB entry's set bits. */
    public static String flagNames(int entry) {
        return EntryBits.names(isLarge(entry) ? LARGE_BITS : TABLE_BITS, entry);
    }

    /** {@code 0x00002023 [table 0x00002000 P R/W A]} or {@code [4 MiB page 0x00400000 ...]}. */
    public static String describe(int entry) {
        String raw = Addresses.hex(entry & 0xFFFF_FFFFL);
        if (!isPresent(entry)) {
            return raw + " [not present]";
        }
        if (isLarge(entry)) {
            return raw + " [4 MiB page " + Addresses.hex(largePaddr(entry)) + " " + flagNames(entry) + "]";
        }
        return raw + " [table " + Addresses.hex(tablePaddr(entry)) + " " + flagNames(entry) + "]";
    }
}
