package dev.pagelab.kernel;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.pmm.FrameOwner;
import java.util.List;

/**
 * A 16 MiB PC, booted like the seeds' kernel (QEMU {@code pc}, the built-in 1 MiB kernel
 * linked at 0xC0100000 and loaded at 1 MiB), whose first page tables are written by hand,
 * entry by entry, into the kernel's own .bss, the way the seeds' {@code loader.s} keeps its
 * boot page directory there. A test fixture: tables nobody's code computed, to check the MMU
 * against, and paging switched on without the kernel's own start-up ({@link Kernel} does that
 * for real).
 *
 * <pre>
 *  physical                                    virtual
 *  0x00000000 +----------------------+         0x00000000-0x003FFFFF  identity (page 0 left
 *             | page 0 (never mapped)|                                not present: null guard)
 *  0x00009000 | Multiboot information|         0x08048000             one user page -> 0x00800000
 *  0x000A0000 | hole: VGA and ROMs   |         0xC0000000-0xC03FFFFF  first 4 MiB again (higher
 *  0x00100000 | kernel .text .rodata |                                half); .text and .rodata
 *  0x001A0000 | kernel .data         |                                read-only
 *  0x001C0000 | .bss: page directory,|         0xC0400000-0xC07FFFFF  one 4 MiB page -> 0x00400000
 *             | 3 page tables        |
 *  0x00400000 | 4 MiB page           |
 *  0x00800000 | user frame           |
 *  0x01000000 +----------------------+
 * </pre>
 *
 * CR3 = 0x001C0000, CR4 = PSE, CR0 = PE | WP | PG: paging is on when {@link #build} returns.
 */
public final class HandBuiltMachine {
    /** The machine booted. */
    public static final String MACHINE = "qemu-pc-16M";
    /** Total RAM of the machine. */
    public static final long MEMORY_BYTES = 16L << 20;
    /** Physical address of the page directory: the first page of the kernel's .bss. */
    public static final long DIRECTORY_PADDR = 0x1C_0000;
    /** Physical address of the page table that identity-maps the first 4 MiB. */
    public static final long IDENTITY_TABLE_PADDR = DIRECTORY_PADDR + 0x1000;
    /** Physical address of the page table behind 0xC0000000. */
    public static final long HIGHER_HALF_TABLE_PADDR = DIRECTORY_PADDR + 0x2000;
    /** Physical address of the page table behind the user page. */
    public static final long USER_TABLE_PADDR = DIRECTORY_PADDR + 0x3000;
    /** The higher-half kernel base, page-directory entry 768. */
    public static final long KERNEL_BASE = 0xC000_0000L;
    /** The kernel's text, mapped read-only: physical 1 MiB seen at 3 GiB + 1 MiB. */
    public static final long KERNEL_TEXT_VADDR = 0xC010_0000L;
    /** Pages of .text and .rodata, mapped read-only. */
    public static final int KERNEL_TEXT_PAGES = 160;
    /** The kernel's .data, writable, right after .rodata. */
    public static final long KERNEL_DATA_VADDR = KERNEL_TEXT_VADDR + KERNEL_TEXT_PAGES * (long) Addresses.PAGE_BYTES;
    /** The 4 MiB page's linear address (page-directory entry 769). */
    public static final long LARGE_PAGE_VADDR = 0xC040_0000L;
    /** The 4 MiB page's physical address. */
    public static final long LARGE_PAGE_PADDR = 0x0040_0000L;
    /** The user page: where an ELF executable's text traditionally starts. */
    public static final long USER_PAGE_VADDR = 0x0804_8000L;
    /** The user page's frame. */
    public static final long USER_PAGE_PADDR = 0x0080_0000L;

    private HandBuiltMachine() {
    }

    /** Boots the machine, writes the tables, turns paging on, and returns the MMU at CPL 0. */
    public static Mmu build(TlbConfig tlb) {
        return boot(tlb).mmu();
    }

    /**
     * The booted machine and its MMU with paging on.
     *
     * @param boot the boot the tables were written after
     * @param mmu  the MMU, at CPL 0
     */
    public record Booted(Boot boot, Mmu mmu) {
    }

    /** Boots the machine, writes the tables, turns paging on. */
    public static Booted boot(TlbConfig tlb) {
        KernelImage kernel = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);
        Boot boot = Boot.run(MachineProfiles.byName(MACHINE), kernel, List.of(), "", LowMemory.FIRST_MIB);
        BootReport report = boot.report();
        requireOwner(report, DIRECTORY_PADDR, USER_TABLE_PADDR + Addresses.PAGE_BYTES, FrameOwner.KERNEL_IMAGE);
        requireOwner(report, LARGE_PAGE_PADDR, LARGE_PAGE_PADDR + Addresses.LARGE_PAGE_BYTES, FrameOwner.FREE);
        requireOwner(report, USER_PAGE_PADDR, USER_PAGE_PADDR + Addresses.PAGE_BYTES, FrameOwner.FREE);
        PhysicalMemory memory = boot.memory();
        Mmu mmu = new Mmu(memory, tlb);
        writeTables(memory);
        memory.writeBytes(USER_PAGE_PADDR, "hello from user space\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        mmu.setCr3(DIRECTORY_PADDR);
        mmu.setCr4(Mmu.CR4_PSE);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_WP | Mmu.CR0_PG);
        return new Booted(boot, mmu);
    }

    private static void requireOwner(BootReport report, long start, long end, FrameOwner owner) {
        for (long pfn = Addresses.paddrToPfn(start); pfn < Addresses.paddrToPfn(end); pfn++) {
            if (report.ownerOf(pfn) != owner) {
                throw new IllegalStateException("hand-built tables: frame " + Addresses.hex(Addresses.pfnToPaddr(pfn))
                        + " should be " + owner.label() + " after the boot, but is " + report.ownerOf(pfn).label());
            }
        }
    }

    /** {@link #build(TlbConfig)} with the default TLB. */
    public static Mmu build() {
        return build(TlbConfig.DEFAULT);
    }

    private static void writeTables(PhysicalMemory memory) {
        int kernel = Pte.PRESENT | Pte.WRITABLE;
        // Identity map of 0-4 MiB, page 0 left out so that a NULL dereference faults.
        for (int i = 1; i < Addresses.ENTRIES_PER_TABLE; i++) {
            memory.write32(IDENTITY_TABLE_PADDR + 4L * i, Pte.make(i, kernel));
        }
        // The same 4 MiB again at 0xC0000000, with the kernel text read-only.
        for (int i = 0; i < Addresses.ENTRIES_PER_TABLE; i++) {
            long paddr = (long) i << Addresses.PAGE_SHIFT;
            boolean text = paddr >= 0x10_0000 && paddr < 0x10_0000 + KERNEL_TEXT_PAGES * (long) Addresses.PAGE_BYTES;
            memory.write32(HIGHER_HALF_TABLE_PADDR + 4L * i, Pte.make(i, text ? Pte.PRESENT : kernel));
        }
        // One user page.
        memory.write32(USER_TABLE_PADDR + 4L * Addresses.tableIndex(USER_PAGE_VADDR),
                Pte.make(USER_PAGE_PADDR >>> Addresses.PAGE_SHIFT, Pte.PRESENT | Pte.WRITABLE | Pte.USER));

        memory.write32(DIRECTORY_PADDR, Pde.table(IDENTITY_TABLE_PADDR >>> Addresses.PAGE_SHIFT, kernel));
        memory.write32(DIRECTORY_PADDR + 4L * Addresses.directoryIndex(KERNEL_BASE),
                Pde.table(HIGHER_HALF_TABLE_PADDR >>> Addresses.PAGE_SHIFT, kernel));
        memory.write32(DIRECTORY_PADDR + 4L * Addresses.directoryIndex(LARGE_PAGE_VADDR),
                Pde.large(LARGE_PAGE_PADDR, kernel));
        memory.write32(DIRECTORY_PADDR + 4L * Addresses.directoryIndex(USER_PAGE_VADDR),
                Pde.table(USER_TABLE_PADDR >>> Addresses.PAGE_SHIFT, kernel | Pde.USER));
    }
}
