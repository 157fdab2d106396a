package dev.pagelab.hw;

/**
 * Sizes, shifts and converters for 32-bit x86 addresses, in one place (MMTk's
 * {@code Conversions}, Agrona's {@code BitUtil}).
 *
 * <pre>
 *  linear address, 4 KiB page:   31        22 21        12 11           0
 *                                | dir index |table index|    offset    |
 *  linear address, 4 MiB page:   31        22 21                        0
 *                                | dir index |         offset           |
 * </pre>
 */
public final class Addresses {
    /** log2 of the page size. */
    public static final int PAGE_SHIFT = 12;
    /** Bytes in a 4 KiB page or frame. */
    public static final int PAGE_BYTES = 1 << PAGE_SHIFT;
    /** The offset bits of a 4 KiB page. */
    public static final long PAGE_OFFSET_MASK = PAGE_BYTES - 1;
    /** log2 of the large page size (32-bit paging with CR4.PSE). */
    public static final int LARGE_PAGE_SHIFT = 22;
    /** Bytes in a 4 MiB page. */
    public static final int LARGE_PAGE_BYTES = 1 << LARGE_PAGE_SHIFT;
    /** The offset bits of a 4 MiB page. */
    public static final long LARGE_PAGE_OFFSET_MASK = LARGE_PAGE_BYTES - 1;
    /** Entries in a page directory or a page table (4-byte entries in one 4 KiB frame). */
    public static final int ENTRIES_PER_TABLE = 1024;
    /** The highest linear address of a 32-bit machine. */
    public static final long MAX_VADDR = 0xFFFF_FFFFL;
    /** The size of the 32-bit linear address space. */
    public static final long LINEAR_SPACE_BYTES = 1L << 32;

    private Addresses() {
    }

    /** The physical address of the first byte of frame {@code pfn}. */
    public static long pfnToPaddr(long pfn) {
        return pfn << PAGE_SHIFT;
    }

    /** The frame that holds physical address {@code paddr}. */
    public static long paddrToPfn(long paddr) {
        return paddr >>> PAGE_SHIFT;
    }

    /** The virtual page number of linear address {@code vaddr}. */
    public static long vpn(long vaddr) {
        return vaddr >>> PAGE_SHIFT;
    }

    /** Bits 31:22: the page-directory index of a linear address. */
    public static int directoryIndex(long vaddr) {
        return (int) ((vaddr >>> LARGE_PAGE_SHIFT) & (ENTRIES_PER_TABLE - 1));
    }

    /** Bits 21:12: the page-table index of a linear address. */
    public static int tableIndex(long vaddr) {
        return (int) ((vaddr >>> PAGE_SHIFT) & (ENTRIES_PER_TABLE - 1));
    }

    /** Bits 11:0: the offset within a 4 KiB page. */
    public static int pageOffset(long addr) {
        return (int) (addr & PAGE_OFFSET_MASK);
    }

    /** Rounds down to a 4 KiB boundary. */
    public static long alignDown(long addr) {
        return addr & ~PAGE_OFFSET_MASK;
    }

    /** Rounds up to a 4 KiB boundary. */
    public static long alignUp(long addr) {
        return (addr + PAGE_OFFSET_MASK) & ~PAGE_OFFSET_MASK;
    }

    /** Whether {@code addr} is a multiple of 4 KiB. */
    public static boolean isPageAligned(long addr) {
        return (addr & PAGE_OFFSET_MASK) == 0;
    }

    /** The linear address made of a directory index, a table index and an offset. */
    public static long linear(int directoryIndex, int tableIndex, int offset) {
        return ((long) directoryIndex << LARGE_PAGE_SHIFT) | ((long) tableIndex << PAGE_SHIFT) | offset;
    }

    /** {@code 0x0012ABCD}: eight hex digits for 32-bit values, more when the value needs them. */
    public static String hex(long value) {
        return value >= 0 && value <= MAX_VADDR
                ? String.format("0x%08X", value)
                : String.format("0x%X", value);
    }

    /**
     * Parses an address the way a user types one: {@code 0xC0100000}, {@code C0100000h},
     * {@code 3221225472}, with optional {@code _} separators.
     *
     * @throws IllegalArgumentException naming the text when it is not a number
     */
    public static long parse(String text) {
        String t = text.strip().replace("_", "");
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            if (t.endsWith("h") || t.endsWith("H")) {
                return Long.parseUnsignedLong(t.substring(0, t.length() - 1), 16);
            }
            return Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an address: '" + text
                    + "' (expected a number such as 0xC0100000 or 3221225472)", e);
        }
    }

    /** Throws unless {@code vaddr} is a 32-bit linear address. */
    public static long checkLinear(String operation, long vaddr) {
        if ((vaddr >>> 32) != 0) {
            throw new IllegalArgumentException(operation + ": linear address " + hex(vaddr)
                    + " is outside the 32-bit address space (0x00000000-0xFFFFFFFF)");
        }
        return vaddr;
    }
}
