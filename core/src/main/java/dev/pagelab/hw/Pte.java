package dev.pagelab.hw;

import java.util.List;

/**
 * A 32-bit page-table entry that maps a 4 KiB page (Intel SDM vol. 3A, table 4-6).
 *
 * <pre>
 *  31                                  12 11  9  8   7   6   5   4    3    2    1   0
 * +--------------------------------------+-----+---+---+---+---+----+----+----+----+---+
 * |   physical address of the 4 KiB frame | AVL | G |PAT| D | A |PCD |PWT |U/S |R/W | P |
 * +--------------------------------------+-----+---+---+---+---+----+----+----+----+---+
 * </pre>
 *
 * <p>Entries are {@code int}s holding the raw 32 bits; use {@link #paddr(int)} or
 * {@link #pfn(int)} for the frame, which are unsigned.
 */
public final class Pte {
    /** P: the entry maps a page; when clear the MMU ignores every other bit and raises #PF. */
    public static final int PRESENT = 1;
    /** R/W: writes allowed; when clear, CPL 3 writes fault, and CPL 0 writes fault if CR0.WP=1. */
    public static final int WRITABLE = 1 << 1;
    /** U/S: CPL 3 may access the page; when clear only CPL 0-2 may. */
    public static final int USER = 1 << 2;
    /** PWT: write-through caching for the page (recorded, no effect in the simulation). */
    public static final int WRITE_THROUGH = 1 << 3;
    /** PCD: caching disabled for the page (recorded, no effect in the simulation). */
    public static final int CACHE_DISABLE = 1 << 4;
    /** A: set by the MMU whenever it uses this entry to translate an access. */
    public static final int ACCESSED = 1 << 5;
    /** D: set by the MMU when a write goes through this entry. */
    public static final int DIRTY = 1 << 6;
    /** The position of D, for branch-free arithmetic on it. */
    public static final int DIRTY_BIT = 6;
    /** PAT: selects the memory type together with PCD and PWT (recorded, no effect). */
    public static final int PAT = 1 << 7;
    /** G: with CR4.PGE=1 the translation survives a CR3 load in the TLB. */
    public static final int GLOBAL = 1 << 8;
    /** Bits 11:9, ignored by the MMU and free for the operating system. */
    public static final int AVAILABLE_MASK = 0x7 << 9;
    /** Shift of the available bits. */
    public static final int AVAILABLE_SHIFT = 9;
    /** Bits 31:12, the physical address of the frame. */
    public static final int FRAME_MASK = 0xFFFF_F000;
    /** The flag bits 11:0. */
    public static final int FLAGS_MASK = 0xFFF;

    /** Every flag bit in order, for decoding. */
    public static final List<EntryBit> BITS = List.of(
            new EntryBit("P", PRESENT, "present: maps a 4 KiB frame", "not present: any access faults"),
            new EntryBit("R/W", WRITABLE, "writable", "read-only: CPL 3 writes fault, CPL 0 writes fault when CR0.WP=1"),
            new EntryBit("U/S", USER, "user: CPL 3 may access", "supervisor: CPL 3 accesses fault"),
            new EntryBit("PWT", WRITE_THROUGH, "write-through caching", "write-back caching"),
            new EntryBit("PCD", CACHE_DISABLE, "caching disabled", "caching enabled"),
            new EntryBit("A", ACCESSED, "accessed since the OS last cleared it", "not accessed since last cleared"),
            new EntryBit("D", DIRTY, "dirty: written since the OS last cleared it", "clean"),
            new EntryBit("PAT", PAT, "PAT memory-type index bit 2 set", "PAT memory-type index bit 2 clear"),
            new EntryBit("G", GLOBAL, "global: kept in the TLB across CR3 loads when CR4.PGE=1", "not global"));

    private Pte() {
    }

    /** An entry mapping frame {@code pfn} with {@code flags} (bits 11:0). */
    public static int make(long pfn, int flags) {
        return make("Pte.make", pfn, flags);
    }

    static int make(String operation, long pfn, int flags) {
        if (pfn < 0 || pfn > 0xFFFFF) {
            throw new IllegalArgumentException(operation + ": frame number 0x" + Long.toHexString(pfn)
                    + " does not fit in 20 bits");
        }
        if ((flags & ~FLAGS_MASK) != 0) {
            throw new IllegalArgumentException(operation + ": flags 0x" + Integer.toHexString(flags)
                    + " reach past bit 11");
        }
        return (int) (pfn << Addresses.PAGE_SHIFT) | flags;
    }

    /** Whether the P bit is set. */
    public static boolean isPresent(int entry) {
        return (entry & PRESENT) != 0;
    }

    /** The frame number in bits 31:12. */
    public static long pfn(int entry) {
        return (entry & 0xFFFF_FFFFL) >>> Addresses.PAGE_SHIFT;
    }

    /** The frame's physical address, bits 31:12 with the low 12 bits zero. */
    public static long paddr(int entry) {
        return entry & 0xFFFF_F000L;
    }

    /** The flag bits 11:0. */
    public static int flags(int entry) {
        return entry & FLAGS_MASK;
    }

    /** The operating system's three bits 11:9. */
    public static int available(int entry) {
        return (entry & AVAILABLE_MASK) >>> AVAILABLE_SHIFT;
    }

    /** Short flag names of the bits that are set, such as {@code P R/W U/S A}. */
    public static String flagNames(int entry) {
        return EntryBits.names(BITS, entry);
    }

    /** {@code 0x00101023 [frame 0x00101000 P R/W A]}. */
    public static String describe(int entry) {
        if (!isPresent(entry)) {
            return Addresses.hex(entry & 0xFFFF_FFFFL) + " [not present]";
        }
        return Addresses.hex(entry & 0xFFFF_FFFFL) + " [frame " + Addresses.hex(paddr(entry)) + " "
                + flagNames(entry) + "]";
    }
}
