package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameOwner;

/**
 * What an {@link AddressSpace} promises, checked against the tables in RAM, read behind the
 * MMU's back (no TLB, no A bits): the invariant check and the scans for frames still in use.
 *
 * <p>The invariants of one space:
 * <ol>
 *   <li>Its directory frame, and every table a present non-4 MiB entry points at, is allocated
 *       and accounted as a page table: a table is never freed while a directory points at it.</li>
 *   <li>User half (and, for the kernel's own directory, the kernel half): each entry the kernel
 *       made points at the table its bookkeeping names, no present entry points at a table the
 *       kernel did not make, and each table holds as many present and swap entries as counted.</li>
 *   <li>Every other directory's kernel half equals the kernel directory's, A and D aside (the MMU
 *       sets A in the directory it walks): a kernel mapping is visible from every directory.</li>
 *   <li>The strategy's private entries: the recursive PDE 1023 points at its own directory; the
 *       alternate PDE 1022 is empty or points at a live directory.</li>
 *   <li>Every frame a present entry maps outside the kernel's linear map is held by someone
 *       (allocated, or reserved at boot), never free.</li>
 * </ol>
 */
final class SpaceChecks {
    private static final int A_D = Pde.ACCESSED | Pde.DIRTY;

    private SpaceChecks() {
    }

    static void check(AddressSpace space) {
        PhysicalMemory memory = space.mmu.memory();
        AddressSpaces shared = space.shared;
        AddressSpace master = shared.kernel();
        boolean isMaster = space == master;
        long directoryPaddr = space.directoryPaddr();
        checkTableFrame(space, space.isLoaded() ? "the page directory (CR3)"
                : "the page directory in frame " + Addresses.hex(space.directoryPfn()), space.directoryPfn());
        long mapped = 0;
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = memory.read32(directoryPaddr + 4L * pdi);
            if (space.access().isPrivateEntry(pdi)) {
                checkPrivate(space, pdi, pde);
                continue;
            }
            if (!isMaster && pdi >= KernelLayout.KERNEL_PDE) {
                int want = memory.read32(master.directoryPaddr() + 4L * pdi);
                if ((pde & ~A_D) != (want & ~A_D)) {
                    throw new AssertionError("PDE " + pdi + " of " + space + " = " + hex(pde) + " but the kernel's"
                            + " directory has " + hex(want) + ": the kernel half must be the same in every directory");
                }
                continue;
            }
            mapped += checkEntry(space, pdi, pde);
        }
        long counted = space.user.mappedPages + (isMaster ? shared.kernelTables.mappedPages : 0);
        if (mapped < counted) {
            throw new AssertionError(counted + " pages counted as mapped in " + space + ", " + mapped
                    + " present entries in its tables");
        }
    }

    /** Checks directory entry {@code pdi} and its table; returns the table's present entries. */
    private static int checkEntry(AddressSpace space, int pdi, int pde) {
        PhysicalMemory memory = space.mmu.memory();
        TableCounts t = space.directory().tables(pdi);
        long tablePfn = t.tablePfns[pdi];
        long pdeVaddr = (long) pdi << Addresses.LARGE_PAGE_SHIFT;
        if (tablePfn < 0) {
            if (Pde.isPresent(pde) && !space.directory().isLarge(pde)) {
                throw new AssertionError("PDE " + pdi + " = " + hex(pde) + " of " + space
                        + " points at a table the kernel did not make");
            }
            if (Pde.isPresent(pde)) {
                for (long page = 0; page < Addresses.ENTRIES_PER_TABLE; page++) {
                    checkMappedFrame(space, pdeVaddr + (page << Addresses.PAGE_SHIFT),
                            Addresses.paddrToPfn(Pde.largePaddr(pde)) + page, "PDE " + pdi + " (4 MiB)");
                }
            }
            return 0;
        }
        if (!Pde.isPresent(pde) || space.directory().isLarge(pde) || Pde.tablePfn(pde) != tablePfn) {
            throw new AssertionError("PDE " + pdi + " = " + hex(pde) + " of " + space
                    + " but the table of this entry is frame " + Addresses.hex(tablePfn));
        }
        checkTableFrame(space, "page table frame " + Addresses.hex(tablePfn) + " of PDE " + pdi, tablePfn);
        int present = 0;
        int swapped = 0;
        for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
            int pte = memory.read32(Pde.tablePaddr(pde) + 4L * pti);
            if (Pte.isPresent(pte)) {
                present++;
                checkMappedFrame(space, pdeVaddr | ((long) pti << Addresses.PAGE_SHIFT), Pte.pfn(pte),
                        "PTE " + pti + " of PDE " + pdi);
            } else if (pte != 0) {
                swapped++;
            }
        }
        if (present != t.presentEntries[pdi] || swapped != t.swapEntries[pdi]) {
            throw new AssertionError("page table of PDE " + pdi + " of " + space + " has " + present + " present and "
                    + swapped + " swap entries, counted " + t.presentEntries[pdi] + " and " + t.swapEntries[pdi]);
        }
        return present;
    }

    private static void checkPrivate(AddressSpace space, int pdi, int pde) {
        if (pdi == KernelLayout.RECURSIVE_PDE) {
            if (!Pde.isPresent(pde) || Pde.tablePfn(pde) != space.directoryPfn()) {
                throw new AssertionError("the recursive PDE " + pdi + " = " + hex(pde) + " does not point at the"
                        + " directory " + Addresses.hex(space.directoryPaddr()));
            }
        } else if (Pde.isPresent(pde) && !space.shared.isLiveDirectory(Pde.tablePfn(pde))) {
            throw new AssertionError("the alternate PDE " + pdi + " = " + hex(pde) + " of " + space
                    + " points at a frame that is no live page directory");
        }
    }

    /** A frame the paging structures live in: allocated, and accounted as a page table. */
    private static void checkTableFrame(AddressSpace space, String what, long pfn) {
        AccountedFrames frames = space.frames;
        FrameOwner owner = frames.accounting().ownerOf(pfn);
        if (owner != FrameOwner.PAGE_TABLE || !frames.allocator().isAllocated(pfn)) {
            throw new AssertionError(what + " is accounted as " + owner.label() + " and is " + (frames.allocator()
                    .isAllocated(pfn) ? "" : "not ") + "allocated in " + frames.allocator().name()
                    + "; a live table must be an allocated page-table frame");
        }
    }

    /**
     * A frame a present entry maps at {@code vaddr}: held by someone (its owner is not free, and
     * a frame the allocator manages is allocated), unless the page is in the linear map.
     */
    private static void checkMappedFrame(AddressSpace space, long vaddr, long pfn, String entry) {
        if (inLinearMap(space, vaddr)) {
            return;
        }
        AccountedFrames frames = space.frames;
        FrameOwner owner = frames.accounting().ownerOf(pfn);
        boolean held = owner != FrameOwner.FREE && (!owner.isHandedOut() || frames.allocator().isAllocated(pfn));
        if (!held) {
            throw new AssertionError(entry + " maps " + Addresses.hex(vaddr) + " to frame " + Addresses.hex(pfn)
                    + ", which is accounted as " + owner.label() + " and is " + (frames.allocator().isAllocated(pfn) ? ""
                    : "not ") + "allocated in " + frames.allocator().name() + ": a mapped frame must be held");
        }
    }

    /** See {@link AddressSpace#mappingOf}. */
    static long mappingOf(AddressSpace space, long pfn) {
        Mmu mmu = space.mmu;
        PhysicalMemory memory = mmu.memory();
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = memory.read32(space.directoryPaddr() + 4L * pdi);
            long pdeVaddr = (long) pdi << Addresses.LARGE_PAGE_SHIFT;
            if (!Pde.isPresent(pde) || inLinearMap(space, pdeVaddr) && space.directory().isLarge(pde)) {
                continue;
            }
            if (space.directory().isLarge(pde)) {
                long first = Addresses.paddrToPfn(Pde.largePaddr(pde));
                if (pfn >= first && pfn < first + Addresses.ENTRIES_PER_TABLE) {
                    return pdeVaddr + ((pfn - first) << Addresses.PAGE_SHIFT);
                }
                continue;
            }
            if (space.tablePfn(pdi) < 0) {
                continue; // the recursive entries: their "pages" are the tables, which are not freed this way
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = memory.read32(Pde.tablePaddr(pde) + 4L * pti);
                long vaddr = pdeVaddr | ((long) pti << Addresses.PAGE_SHIFT);
                if (Pte.isPresent(pte) && Pte.pfn(pte) == pfn && !inLinearMap(space, vaddr)) {
                    return vaddr;
                }
            }
        }
        return AddressSpace.NOT_MAPPED;
    }

    private static boolean inLinearMap(AddressSpace space, long vaddr) {
        return vaddr >= KernelLayout.KERNEL_BASE && vaddr < space.shared.linearMapEnd;
    }

    private static String hex(int entry) {
        return Addresses.hex(entry & 0xFFFF_FFFFL);
    }
}
