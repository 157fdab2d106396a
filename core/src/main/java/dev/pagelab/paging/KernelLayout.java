package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;

/**
 * The kernel's virtual layout, the seeds' numbers in one place.
 *
 * <pre>
 *  0x00000000 +--------------------------------+
 *             | page 0: never mapped (NULL)    |
 *  0x00001000 | user area (USER_HEAP_START)    |  PDE 0-767
 *  0xC0000000 +--------------------------------+  KERNEL_BASE, PDE 768
 *             | kernel image at 3 GiB + paddr  |
 *             | (direct-map: all low memory)   |
 *  0xC03FD000 |  temporary-mapping windows:    |  PTE 1021 the kernel's first page table
 *  0xC03FE000 |                                |  PTE 1022 the page directory
 *  0xC03FF000 |  the temporary slot            |  PTE 1023
 *  0xC1000000 +--------------------------------+  KERNEL_HEAP_START, PDE 772
 *             | kernel heap area (kmmap)       |
 *  0xF8000000 +--------------------------------+  KERNEL_DATA_START, PDE 992
 *             | the page-range bitmaps         |
 *  0xFF800000 +--------------------------------+  PDE 1022 (recursive: the alternate window,
 *             |                                |  another directory's page tables)
 *  0xFFC00000 +--------------------------------+  PDE 1023 (recursive: the page tables,
 *             |                                |  0xFFFFE000 the alternate directory,
 *             |                                |  0xFFFFF000 the directory)
 *  0xFFFFFFFF +--------------------------------+
 * </pre>
 *
 * <p>Every directory has its own PDE 0-767 (the user half) and the same PDE 768-1023 (the
 * kernel half, whose page tables are shared), except the recursive strategy's PDE 1022 and
 * 1023, which each directory holds for itself.
 */
public final class KernelLayout {
    /** Where the kernel half starts: 3 GiB, a physical address plus this is its higher-half alias. */
    public static final long KERNEL_BASE = 0xC000_0000L;
    /** The page-directory entry of {@link #KERNEL_BASE}: 768. */
    public static final int KERNEL_PDE = Addresses.directoryIndex(KERNEL_BASE);
    /** The entry of the kernel's first page table used as the temporary slot: the last one. */
    public static final int TEMPORARY_SLOT_PTE = Addresses.ENTRIES_PER_TABLE - 1;
    /** (768 << 22) | (1023 << 12) = 0xC03FF000: the seeds' temporary slot. */
    public static final long TEMPORARY_SLOT = Addresses.linear(KERNEL_PDE, TEMPORARY_SLOT_PTE, 0);
    /** The entry of the kernel's first page table that maps the page directory (temporary-mapping). */
    public static final int DIRECTORY_WINDOW_PTE = TEMPORARY_SLOT_PTE - 1;
    /** 0xC03FE000: where the temporary-mapping kernel sees its page directory. */
    public static final long DIRECTORY_WINDOW = Addresses.linear(KERNEL_PDE, DIRECTORY_WINDOW_PTE, 0);
    /** The entry of the kernel's first page table that maps that table itself (temporary-mapping). */
    public static final int KERNEL_TABLE_WINDOW_PTE = TEMPORARY_SLOT_PTE - 2;
    /** 0xC03FD000: where the temporary-mapping kernel sees its first page table, the one holding the slot. */
    public static final long KERNEL_TABLE_WINDOW = Addresses.linear(KERNEL_PDE, KERNEL_TABLE_WINDOW_PTE, 0);

    /** The directory entry that points at the directory itself (recursive). */
    public static final int RECURSIVE_PDE = Addresses.ENTRIES_PER_TABLE - 1;
    /** 0xFFC00000: page table {@code i} appears at {@code RECURSIVE_TABLES + i * 4096} (recursive). */
    public static final long RECURSIVE_TABLES = (long) RECURSIVE_PDE << Addresses.LARGE_PAGE_SHIFT;
    /** 0xFFFFF000: the page directory seen as the last page table (recursive). */
    public static final long RECURSIVE_DIRECTORY = Addresses.linear(RECURSIVE_PDE, RECURSIVE_PDE, 0);
    /**
     * The loaded directory's entry that points at another directory, to reach that one's tables
     * (recursive): 4.4BSD's {@code APTDpde}.
     */
    public static final int ALTERNATE_PDE = RECURSIVE_PDE - 1;
    /** 0xFF800000: table {@code i} of the directory {@link #ALTERNATE_PDE} points at appears at {@code ALTERNATE_TABLES + i * 4096}. */
    public static final long ALTERNATE_TABLES = (long) ALTERNATE_PDE << Addresses.LARGE_PAGE_SHIFT;
    /** 0xFFFFE000: the directory {@link #ALTERNATE_PDE} points at, seen through the loaded directory's recursive entry. */
    public static final long ALTERNATE_DIRECTORY = Addresses.linear(RECURSIVE_PDE, ALTERNATE_PDE, 0);

    /** The first virtual address of the kernel heap area: 0xC1000000. */
    public static final long KERNEL_HEAP_START = 0xC100_0000L;
    /** Low memory is mapped at {@code KERNEL_BASE + paddr} up to here (direct-map): 16 MiB, the seeds' lowmem. */
    public static final long DIRECT_MAP_BYTES = KERNEL_HEAP_START - KERNEL_BASE;
    /** The end of the kernel heap area and the start of the kernel's own data (the page-range bitmaps): 0xF8000000. */
    public static final long KERNEL_DATA_START = 0xF800_0000L;
    /** The first virtual address of the user area: 0x1000 (page 0 is never handed out). */
    public static final long USER_HEAP_START = 0x1000L;
    /** The end of the user area: {@link #KERNEL_BASE}. */
    public static final long USER_END = KERNEL_BASE;

    private KernelLayout() {
    }

    /** Whether {@code vaddr} is in the kernel half (PDE 768 and above). */
    public static boolean isKernel(long vaddr) {
        return vaddr >= KERNEL_BASE;
    }
}
