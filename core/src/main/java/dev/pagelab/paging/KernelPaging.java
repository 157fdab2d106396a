package dev.pagelab.paging;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.event.EventSink;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The higher-half boot: the kernel builds its page directory in a frame from the allocator,
 * maps itself at 0xC0000000 + physical address, turns paging on, and drops the identity mapping
 * it needed while doing so.
 *
 * <ol>
 *   <li>Take a frame for the directory and zero it (paging is off: the kernel writes physical
 *       addresses). It becomes the kernel's {@link AddressSpace}, the first of its
 *       {@link AddressSpaces} and the master copy of the kernel half that every later directory
 *       shares. With 4 MiB pages, set CR4.PSE first.</li>
 *   <li>Map every page of the kernel image at {@code 0xC0000000 + paddr} (PDE 768 onwards):
 *       read-only where no writable ELF segment covers the page. Direct-map also maps the rest
 *       of low memory, up to 16 MiB, read-write. With 4 MiB pages, each 4 MiB of that is one
 *       directory entry with PS=1 (but the temporary-mapping kernel keeps a page table behind PDE
 *       768: its slot lives there).</li>
 *   <li>Set up the strategy's windows: temporary-mapping maps the page directory at 0xC03FE000
 *       and the first kernel page table at 0xC03FD000 and leaves PTE 1023, the slot, empty;
 *       recursive points PDE 1023 at the directory (PDE 1022, the alternate entry that reaches
 *       other directories, stays empty until one exists); direct-map needs nothing more.</li>
 *   <li>Identity-map the low 4 MiB blocks holding the kernel by copying PDE 768+i into PDE i:
 *       the instruction after {@code mov cr0} is fetched at its physical address.</li>
 *   <li>CR3 = directory, CR0 |= PG | WP (and PE): the seeds' {@code enablePaging}.</li>
 *   <li>Now running at 0xC01xxxxx: clear the identity entries through the strategy's view of
 *       the directory and reload CR3 to flush the TLB.</li>
 *   <li>With global kernel pages only: every kernel-half entry was written with G = 1 (from step 2
 *       on); now that no identity entry reaches those tables any more, set CR4.PGE (which flushes
 *       the whole TLB). From here a CR3 load keeps the kernel's translations. Setting PGE earlier
 *       would make the identity mapping's translations of the kernel global too, and the CR3
 *       reload of step 6 would not drop them (SDM vol. 3A 4.10.2.4, 4.10.4.1).</li>
 * </ol>
 *
 * @param space the kernel's address space, reached through the chosen strategy
 * @param log   what the boot did, one line a step, for the boot log
 */
public record KernelPaging(AddressSpace space, List<String> log) {
    private static final int KERNEL_RO = Pte.PRESENT;
    private static final int KERNEL_RW = Pte.PRESENT | Pte.WRITABLE;

    /**
     * Runs the steps above on a machine whose paging is still off.
     *
     * @param ramTopBytes the end of usable RAM below 4 GiB: the direct map stops there (or at 16 MiB)
     * @throws IllegalArgumentException when the kernel image is not linked at 0xC0000000 +
     *                                  its load address, or does not fit the layout
     * @throws IllegalStateException    when paging is on already, or no frame is left for a table
     */
    public static KernelPaging enable(Mmu mmu, AccountedFrames frames, KernelImage image, TableAccessStrategy strategy,
                                      boolean largePages, long ramTopBytes) {
        return enable(mmu, frames, image, strategy, largePages, ramTopBytes, new EventSink());
    }

    /** {@link #enable(Mmu, AccountedFrames, KernelImage, TableAccessStrategy, boolean, long)}, reporting to {@code events}. */
    public static KernelPaging enable(Mmu mmu, AccountedFrames frames, KernelImage image, TableAccessStrategy strategy,
                                      boolean largePages, long ramTopBytes, EventSink events) {
        return enable(mmu, frames, image, strategy, largePages, false, ramTopBytes, events);
    }

    /**
     * The steps above, with the kernel half mapped global when {@code globalPages} (step 7).
     *
     * @param globalPages G = 1 in every kernel-half entry, CR4.PGE set at the end
     */
    public static KernelPaging enable(Mmu mmu, AccountedFrames frames, KernelImage image, TableAccessStrategy strategy,
                                      boolean largePages, boolean globalPages, long ramTopBytes, EventSink events) {
        if (mmu.pagingEnabled()) {
            throw new IllegalStateException("enable paging: CR0.PG is set already (CR0=" + Addresses.hex(mmu.cr0()) + ")");
        }
        checkImage(image, strategy);
        List<String> log = new ArrayList<>();
        long kernelEnd = Addresses.alignUp(image.physicalEnd());
        long directEnd = Math.max(kernelEnd, Math.min(KernelLayout.DIRECT_MAP_BYTES, Addresses.alignUp(ramTopBytes)));
        long mapEnd = strategy == TableAccessStrategy.DIRECT_MAP ? directEnd : kernelEnd;
        long tableLimit = strategy == TableAccessStrategy.DIRECT_MAP ? directEnd : Long.MAX_VALUE;

        // 1. The directory.
        long dirPfn = tableLimit == Long.MAX_VALUE ? frames.allocate(FrameOwner.PAGE_TABLE)
                : frames.allocateBelow(Addresses.paddrToPfn(tableLimit), FrameOwner.PAGE_TABLE);
        if (dirPfn == FrameAllocator.NO_FRAME) {
            throw new IllegalStateException("enable paging: no free frame" + (tableLimit == Long.MAX_VALUE ? ""
                    : " below " + Addresses.hex(tableLimit)) + " for the page directory");
        }
        long dirPaddr = Addresses.pfnToPaddr(dirPfn);
        mmu.writeBytes(dirPaddr, new byte[Addresses.PAGE_BYTES], 0, Addresses.PAGE_BYTES);
        AddressSpaces spaces = new AddressSpaces(mmu, frames, tableLimit, new TableAccess.Physical(mmu), events);
        spaces.globalKernelPages = globalPages;
        AddressSpace space = spaces.startKernel(dirPaddr);
        log.add("page directory in frame " + Addresses.hex(dirPfn) + " (" + Addresses.hex(dirPaddr) + "), zeroed");
        if (largePages) {
            mmu.setCr4(mmu.cr4() | Mmu.CR4_PSE);
            log.add("CR4.PSE set: a directory entry with PS=1 maps 4 MiB");
        }

        // 2. The kernel half.
        int[] flags = pageFlags(image, mapEnd);
        int readOnly = 0;
        int large = 0;
        for (long chunk = 0; chunk < mapEnd; chunk += Addresses.LARGE_PAGE_BYTES) {
            if (largePages && !(strategy == TableAccessStrategy.TEMPORARY_MAPPING && chunk == 0)) {
                expectMapped(space.mapLargeForBoot(KernelLayout.KERNEL_BASE + chunk, chunk, KERNEL_RW));
                large++;
                continue;
            }
            for (long paddr = chunk; paddr < Math.min(mapEnd, chunk + Addresses.LARGE_PAGE_BYTES);
                    paddr += Addresses.PAGE_BYTES) {
                int f = flags[(int) (paddr >>> Addresses.PAGE_SHIFT)];
                if (f != 0) {
                    expectMapped(space.mapForBoot(KernelLayout.KERNEL_BASE + paddr, Addresses.paddrToPfn(paddr), f));
                    readOnly += f == KERNEL_RO ? 1 : 0;
                }
            }
        }
        spaces.linearMapEnd = (KernelLayout.KERNEL_BASE + (large > 0 ? Addresses.LARGE_PAGE_BYTES
                * ((mapEnd + Addresses.LARGE_PAGE_BYTES - 1) >>> Addresses.LARGE_PAGE_SHIFT) : mapEnd));
        log.add((strategy == TableAccessStrategy.DIRECT_MAP ? "low memory [0x0, " + Addresses.hex(mapEnd)
                + ") mapped at " + Addresses.hex(KernelLayout.KERNEL_BASE) + " (the direct map), kernel image "
                : "kernel image ") + "[" + Addresses.hex(image.physicalStart()) + ", "
                + Addresses.hex(image.physicalEnd()) + ") at " + Addresses.hex(KernelLayout.KERNEL_BASE
                + image.physicalStart()) + ": " + space.mappedPages() + " pages of 4 KiB (" + readOnly
                + " read-only), " + large + " of 4 MiB, " + space.pageTables() + " page table(s)");
        if (largePages && large == 0) {
            log.add("no 4 MiB page: " + strategy + " keeps PDE " + KernelLayout.KERNEL_PDE + " a page table (its"
                    + " windows and slot live there) and the kernel lies inside it; 4 MiB kernel pages need"
                    + " recursive or direct-map");
        }

        // 3. The strategy's windows.
        switch (strategy) {
            case TEMPORARY_MAPPING -> {
                expectMapped(space.mapForBoot(KernelLayout.DIRECTORY_WINDOW, dirPfn, KERNEL_RW));
                long kernelTable = space.tablePfn(KernelLayout.KERNEL_PDE);
                expectMapped(space.mapForBoot(KernelLayout.KERNEL_TABLE_WINDOW, kernelTable, KERNEL_RW));
                log.add("temporary-mapping windows in the first kernel page table (frame " + Addresses.hex(kernelTable)
                        + "): " + Addresses.hex(KernelLayout.KERNEL_TABLE_WINDOW) + " that table, "
                        + Addresses.hex(KernelLayout.DIRECTORY_WINDOW) + " the directory, "
                        + Addresses.hex(KernelLayout.TEMPORARY_SLOT) + " the slot (PTE 1023, empty)");
            }
            case RECURSIVE -> {
                space.setDirectoryEntry(KernelLayout.RECURSIVE_PDE, Pde.table(dirPfn, Pde.PRESENT | Pde.WRITABLE));
                log.add("recursive: PDE 1023 points at the directory: tables at "
                        + Addresses.hex(KernelLayout.RECURSIVE_TABLES) + ", directory at "
                        + Addresses.hex(KernelLayout.RECURSIVE_DIRECTORY));
            }
            case DIRECT_MAP -> log.add("direct-map: tables reached at " + Addresses.hex(KernelLayout.KERNEL_BASE)
                    + " + paddr; page-table frames come from below " + Addresses.hex(directEnd));
        }

        // 4. Identity.
        int identity = (int) ((kernelEnd + Addresses.LARGE_PAGE_BYTES - 1) >>> Addresses.LARGE_PAGE_SHIFT);
        for (int i = 0; i < identity; i++) {
            space.setDirectoryEntry(i, space.directoryEntry(KernelLayout.KERNEL_PDE + i));
        }
        log.add("identity mapping for the switch: " + (identity == 1 ? "PDE 0 = PDE " + KernelLayout.KERNEL_PDE
                : "PDE 0-" + (identity - 1) + " = PDE " + KernelLayout.KERNEL_PDE + "-" + (KernelLayout.KERNEL_PDE
                + identity - 1)) + " ([0x00000000, " + Addresses.hex((long) identity << Addresses.LARGE_PAGE_SHIFT)
                + ") at its own address, for the instructions right after the switch)");

        // 5. Paging on.
        mmu.setCr3(dirPaddr);
        mmu.setCr0(mmu.cr0() | Mmu.CR0_PE | Mmu.CR0_WP | Mmu.CR0_PG);
        log.add("CR3=" + Addresses.hex(mmu.cr3()) + " CR4=" + Addresses.hex(mmu.cr4()) + " CR0=" + Addresses.hex(mmu.cr0())
                + ": paging on, supervisor writes honour read-only pages (WP)");

        // 6. Higher half only.
        spaces.useAccess(switch (strategy) {
            case TEMPORARY_MAPPING -> new TableAccess.Temporary(mmu, dirPaddr,
                    Addresses.pfnToPaddr(space.tablePfn(KernelLayout.KERNEL_PDE)));
            case RECURSIVE -> new TableAccess.Recursive(mmu);
            case DIRECT_MAP -> new TableAccess.DirectMap(mmu, directEnd);
        });
        for (int i = 0; i < identity; i++) {
            space.setDirectoryEntry(i, 0);
        }
        mmu.setCr3(dirPaddr);
        // The kernel's own directory is reached through a fixed window by every strategy: nothing to close.
        log.add("identity mapping removed through " + Addresses.hex(space.access().openDirectory(dirPfn))
                + ", CR3 reloaded: the kernel runs in the higher half only");

        // 7. Global kernel pages.
        if (globalPages) {
            mmu.setCr4(mmu.cr4() | Mmu.CR4_PGE);
            log.add("CR4.PGE set (CR4=" + Addresses.hex(mmu.cr4()) + "): the kernel half is mapped with G=1, so its"
                    + " translations stay in the TLB when CR3 is loaded");
        }
        return new KernelPaging(space, List.copyOf(log));
    }

    /** Per page from 0 to {@code mapEnd}: the kernel mapping's flags, 0 where nothing is mapped. */
    private static int[] pageFlags(KernelImage image, long mapEnd) {
        int[] flags = new int[(int) (mapEnd >>> Addresses.PAGE_SHIFT)];
        if (mapEnd > Addresses.alignUp(image.physicalEnd())) {
            Arrays.fill(flags, KERNEL_RW); // direct map: all of low memory, writable
        }
        // Image pages read-only, then writable where a writable segment has a byte in the page.
        for (boolean writablePass : new boolean[] {false, true}) {
            for (KernelImage.Segment s : image.segments()) {
                if (writablePass && (s.flags() & KernelImage.PF_W) == 0) {
                    continue;
                }
                for (long p = Addresses.alignDown(s.paddr()); p < s.paddrEnd(); p += Addresses.PAGE_BYTES) {
                    flags[(int) (p >>> Addresses.PAGE_SHIFT)] = writablePass ? KERNEL_RW : KERNEL_RO;
                }
            }
        }
        return flags;
    }

    private static void checkImage(KernelImage image, TableAccessStrategy strategy) {
        for (KernelImage.Segment s : image.segments()) {
            if (s.vaddr() != s.paddr() + KernelLayout.KERNEL_BASE) {
                throw new IllegalArgumentException("kernel image " + image.name() + ": " + s.name() + " is linked at "
                        + Addresses.hex(s.vaddr()) + " and loaded at " + Addresses.hex(s.paddr())
                        + "; a higher-half kernel is linked at 0xC0000000 + its load address");
            }
        }
        long end = Addresses.alignUp(image.physicalEnd());
        if (end > KernelLayout.DIRECT_MAP_BYTES) {
            throw new IllegalArgumentException("kernel image " + image.name() + " ends at " + Addresses.hex(end)
                    + "; the kernel half below the heap area " + Addresses.hex(KernelLayout.KERNEL_HEAP_START)
                    + " holds 16 MiB");
        }
        long windows = KernelLayout.KERNEL_TABLE_WINDOW - KernelLayout.KERNEL_BASE;
        if (strategy == TableAccessStrategy.TEMPORARY_MAPPING && end > windows) {
            throw new IllegalArgumentException("kernel image " + image.name() + " ends at " + Addresses.hex(end)
                    + "; with temporary-mapping its first page table keeps " + Addresses.hex(windows) + "-"
                    + Addresses.hex(Addresses.LARGE_PAGE_BYTES - 1)
                    + " for the windows (choose recursive or direct-map for a larger kernel)");
        }
    }

    private static void expectMapped(MapResult result) {
        if (result instanceof MapResult.OutOfFrames) {
            throw new IllegalStateException("enable paging: no free frame left for a kernel page table (" + result + ")");
        }
        if (!result.mapped()) {
            throw new AssertionError("enable paging: " + result);
        }
    }
}
