package dev.pagelab.conformance;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.MemoryDump;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import dev.pagelab.pmm.FrameOwner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A randomised sequence of map, unmap and flag changes made by pagelab's kernel, as a
 * {@link PagingCase}:
 * <ol>
 *   <li>Boot pagelab's kernel on {@value #MACHINE} with a random frame allocator, table access
 *       strategy and kernel page size; turn CR4.PSE (4 MiB pages) and CR4.PGE on at random.</li>
 *   <li>Map the stub's own pages at their own addresses, user-accessible and writable (the stub
 *       runs there with paging on, and makes its CPL 3 accesses from there).</li>
 *   <li>Take data frames (and, under PSE, aligned 4 MiB runs) from the allocator, then apply a
 *       random sequence of mapPage / unmapPage / updateFlags / mapLargePage / unmapLargePage in
 *       a few directory slots of the user half and of the kernel heap area, with random R/W,
 *       U/S, PWT, PCD, A, D, G, PAT and available bits; set CR0.WP at random.</li>
 *   <li>Write the tables with {@code --dump-memory}'s format and read them back: that dump, the
 *       data frames to tag and a random list of reads and writes (1, 2 or 4 bytes, CPL 0 or 3,
 *       some across a page boundary, to mapped pages, the kernel's, unmapped ones and anywhere)
 *       make the phase.</li>
 * </ol>
 * A write that would land outside the tagged data frames (on a page table, the kernel image,
 * the stub) is made a read, so that the two machines keep the same tables and the stub keeps
 * running; writes that fault stay writes.
 */
final class RandomSequence {
    static final String MACHINE = "qemu-pc-128M";

    private static final int LARGE_FRAMES = Addresses.ENTRIES_PER_TABLE;
    private static final int FIRST_HEAP_PDE = Addresses.directoryIndex(KernelLayout.KERNEL_HEAP_START);
    private static final int FIRST_DATA_PDE = Addresses.directoryIndex(KernelLayout.KERNEL_DATA_START);
    private static final long[] KERNEL_AREAS = {KernelLayout.KERNEL_BASE, KernelLayout.KERNEL_TABLE_WINDOW,
        KernelLayout.KERNEL_DATA_START, KernelLayout.RECURSIVE_TABLES};

    private final Random rnd;
    private final Kernel kernel;
    private final AddressSpace space;
    private final long stubStart;
    private final long stubEnd;
    private final List<Integer> slots = new ArrayList<>();
    private final List<Long> pool = new ArrayList<>();
    private final List<Long> runs = new ArrayList<>();
    private final Set<Long> smallPages = new LinkedHashSet<>();
    private final Set<Long> largePages = new LinkedHashSet<>();

    private RandomSequence(Random rnd, Kernel kernel, KernelImage stub) {
        this.rnd = rnd;
        this.kernel = kernel;
        this.space = kernel.space();
        this.stubStart = stub.physicalStart();
        this.stubEnd = Addresses.alignUp(stub.physicalEnd());
    }

    /** Sequence {@code index} made from {@code seed}, its dump written to and read back from {@code dir}. */
    static PagingCase build(int index, long seed, KernelImage stub, Path dir) {
        Random rnd = new Random(seed);
        List<String> allocators = FrameAllocatorRegistry.builtIn().names();
        TableAccessStrategy strategy = TableAccessStrategy.values()[rnd.nextInt(TableAccessStrategy.values().length)];
        KernelConfig config = new KernelConfig(allocators.get(rnd.nextInt(allocators.size())), strategy,
                rnd.nextBoolean(), TlbConfig.DEFAULT);
        RandomSequence s = new RandomSequence(rnd, Kernel.boot(MACHINE, config), stub);
        Mmu mmu = s.kernel.mmu();
        boolean pse = config.largePages() || rnd.nextInt(4) != 0;
        mmu.setCr4(mmu.cr4() | (pse ? Mmu.CR4_PSE : 0) | (rnd.nextBoolean() ? Mmu.CR4_PGE : 0));
        s.mapStub();
        List<ParameterBlock.TagRange> tags = s.takeFrames(pse);
        for (int i = 2 + rnd.nextInt(4); i > 0; i--) {
            int r = rnd.nextInt(10);
            s.slots.add(r < 3 ? 0 : r < 7 ? 1 + rnd.nextInt(KernelLayout.KERNEL_PDE - 1)
                    : FIRST_HEAP_PDE + rnd.nextInt(FIRST_DATA_PDE - FIRST_HEAP_PDE));
        }
        int operations = 8 + rnd.nextInt(33);
        for (int i = 0; i < operations; i++) {
            s.randomOperation();
        }
        mmu.setCr0(rnd.nextBoolean() ? mmu.cr0() | Mmu.CR0_WP : mmu.cr0() & ~Mmu.CR0_WP);

        MemoryDump.of(mmu).write(dir);
        MemoryDump dump = MemoryDump.read(dir);
        List<ParameterBlock.Access> accesses = s.randomAccesses(dump, tags);
        String description = String.format("sequence %d (seed %d): %s, CR0=0x%08X CR4=0x%08X, %d operations, %d small"
                + " and %d large pages mapped, %d accesses", index, seed, config, dump.cr0(), dump.cr4(), operations,
                s.smallPages.size(), s.largePages.size(), accesses.size());
        return new PagingCase(description, s.stubStart, s.stubEnd, s.kernel.memory(), dump, tags, accesses);
    }

    private void mapStub() {
        for (long p = stubStart; p < stubEnd; p += Addresses.PAGE_BYTES) {
            MapResult r = space.mapPage(p, Addresses.paddrToPfn(p), Pte.WRITABLE | Pte.USER);
            if (!r.mapped()) {
                throw new IllegalStateException("cannot map the stub's page " + Addresses.hex(p) + ": " + r);
            }
        }
    }

    /** Data frames for 4 KiB pages and, under PSE, up to two 4 MiB runs; each to be tagged. */
    private List<ParameterBlock.TagRange> takeFrames(boolean pse) {
        List<ParameterBlock.TagRange> tags = new ArrayList<>();
        for (int i = 6 + rnd.nextInt(14); i > 0; i--) {
            long pfn = kernel.frames().allocate(FrameOwner.ALLOCATED);
            pool.add(pfn);
            tags.add(new ParameterBlock.TagRange(Addresses.pfnToPaddr(pfn), 1));
        }
        for (int i = pse ? rnd.nextInt(3) : 0; i > 0; i--) {
            long pfn = kernel.allocator().allocateRun(LARGE_FRAMES, LARGE_FRAMES);
            if (pfn != FrameAllocator.NO_FRAME) {
                kernel.accounting().record(pfn, LARGE_FRAMES, FrameOwner.ALLOCATED);
                runs.add(Addresses.pfnToPaddr(pfn));
                tags.add(new ParameterBlock.TagRange(Addresses.pfnToPaddr(pfn), LARGE_FRAMES));
            }
        }
        return tags;
    }

    private void randomOperation() {
        int slot = slots.get(rnd.nextInt(slots.size()));
        long base = (long) slot << Addresses.LARGE_PAGE_SHIFT;
        int r = rnd.nextInt(100);
        if (r < 45) {
            long vaddr = base | ((long) rnd.nextInt(Addresses.ENTRIES_PER_TABLE) << Addresses.PAGE_SHIFT);
            if (!largePages.contains(base) && !(vaddr < stubEnd && vaddr >= stubStart)
                    && space.mapPage(vaddr, pool.get(rnd.nextInt(pool.size())), entryFlags(Pte.PAT)).mapped()) {
                smallPages.add(vaddr);
            }
        } else if (r < 57 && !smallPages.isEmpty()) {
            long vaddr = pick(smallPages);
            space.unmapPage(vaddr);
            smallPages.remove(vaddr);
        } else if (r < 72 && !smallPages.isEmpty()) {
            space.updateFlags(pick(smallPages), entryFlags(Pte.PAT));
        } else if (r < 85 && !runs.isEmpty() && slot != 0 && !largePages.contains(base)
                && !Pde.isPresent(kernel.memory().read32(space.directoryPaddr() + 4L * slot))) {
            space.mapLargePage(base, runs.get(rnd.nextInt(runs.size())), entryFlags(Pde.LARGE_PAT));
            largePages.add(base);
        } else if (r < 90 && !largePages.isEmpty()) {
            long vaddr = pick(largePages);
            space.unmapLargePage(vaddr);
            largePages.remove(vaddr);
        } else if (!largePages.isEmpty()) {
            space.updateFlags(pick(largePages), entryFlags(Pde.LARGE_PAT));
        }
    }

    /** Random flags for a leaf entry, {@code pat} being the PAT bit of that kind of entry. */
    private int entryFlags(int pat) {
        int flags = 0;
        flags |= rnd.nextInt(10) < 7 ? Pte.WRITABLE : 0;
        flags |= rnd.nextInt(10) < 6 ? Pte.USER : 0;
        flags |= rnd.nextInt(7) == 0 ? Pte.WRITE_THROUGH : 0;
        flags |= rnd.nextInt(7) == 0 ? Pte.CACHE_DISABLE : 0;
        flags |= rnd.nextInt(3) == 0 ? Pte.ACCESSED : 0;
        flags |= rnd.nextInt(3) == 0 ? Pte.DIRTY : 0;
        flags |= rnd.nextInt(5) == 0 ? Pte.GLOBAL : 0;
        flags |= rnd.nextInt(10) == 0 ? pat : 0;
        flags |= rnd.nextInt(5) == 0 ? rnd.nextInt(8) << Pte.AVAILABLE_SHIFT : 0;
        return flags;
    }

    private List<ParameterBlock.Access> randomAccesses(MemoryDump dump, List<ParameterBlock.TagRange> tags) {
        Mmu probe = PagingCase.cpu(kernel.memory(), dump.cr0(), dump.cr3(), dump.cr4(), 32);
        List<ParameterBlock.Access> accesses = new ArrayList<>();
        int count = 24 + rnd.nextInt(41);
        while (accesses.size() < count) {
            int bytes = 1 << rnd.nextInt(3);
            long vaddr = randomVaddr(bytes);
            if (vaddr + bytes > Addresses.LINEAR_SPACE_BYTES || (vaddr < stubEnd && vaddr + bytes > stubStart)) {
                continue;
            }
            boolean user = rnd.nextInt(5) < 2;
            ParameterBlock.Access write = new ParameterBlock.Access(vaddr, bytes, true, user, rnd.nextInt());
            // A write may fault, or land in the tagged frames; anywhere else it would change a
            // table or the stub itself.
            boolean safe = rnd.nextBoolean() && PagingCase.landsInTags(probe, write, tags, true);
            accesses.add(safe ? write : new ParameterBlock.Access(vaddr, bytes, false, user, 0));
        }
        return accesses;
    }

    private long randomVaddr(int bytes) {
        int r = rnd.nextInt(100);
        long page;
        if (r < 50 && !smallPages.isEmpty()) {
            page = pick(smallPages);
        } else if (r < 70 && !largePages.isEmpty()) {
            page = pick(largePages) + ((long) rnd.nextInt(Addresses.ENTRIES_PER_TABLE) << Addresses.PAGE_SHIFT);
        } else if (r < 78) {
            page = KERNEL_AREAS[rnd.nextInt(KERNEL_AREAS.length)] + ((long) rnd.nextInt(0x400) << Addresses.PAGE_SHIFT);
        } else if (r < 90) {
            page = ((long) slots.get(rnd.nextInt(slots.size())) << Addresses.LARGE_PAGE_SHIFT)
                    | ((long) rnd.nextInt(Addresses.ENTRIES_PER_TABLE) << Addresses.PAGE_SHIFT);
        } else {
            page = rnd.nextLong(Addresses.LINEAR_SPACE_BYTES);
        }
        page &= Addresses.MAX_VADDR & ~Addresses.PAGE_OFFSET_MASK;
        int offset = rnd.nextInt(6) == 0 ? Addresses.PAGE_BYTES - 1 - rnd.nextInt(3)
                : rnd.nextInt(Addresses.PAGE_BYTES / bytes) * bytes;
        return page + offset;
    }

    private long pick(Set<Long> set) {
        int n = rnd.nextInt(set.size());
        for (long v : set) {
            if (n-- == 0) {
                return v;
            }
        }
        throw new AssertionError("unreachable");
    }
}
