package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random map, unmap, swap, A-bit, switch, create and destroy steps over up to three address
 * spaces at once, checked after every step against a model and against an oracle that reads
 * the directories in RAM without the kernel's bookkeeping: every table a live directory points
 * at is an allocated page-table frame (no kernel table is freed while any directory refers to
 * it), and every directory's kernel half is the kernel's.
 */
class AddressSpacesPropertyTest {
    private static final long[] USER_REGIONS = {0x0000_1000L, 0x0040_0000L, 0xBFC0_0000L};
    private static final long[] KERNEL_REGIONS = {KernelLayout.KERNEL_HEAP_START,
        KernelLayout.KERNEL_HEAP_START + (5L << Addresses.LARGE_PAGE_SHIFT)};
    private static final int A_D = Pde.ACCESSED | Pde.DIRTY;

    /** The state the kernel should be in. */
    private static final class Model {
        final PagingFixture f;
        final List<AddressSpace> live = new ArrayList<>();
        final Map<AddressSpace, Map<Long, Long>> user = new IdentityHashMap<>();
        final Map<AddressSpace, Map<Long, Integer>> swapped = new IdentityHashMap<>();
        final Map<Long, Long> kernel = new HashMap<>();

        Model(PagingFixture f) {
            this.f = f;
            add(f.space());
        }

        void add(AddressSpace s) {
            live.add(s);
            user.put(s, new HashMap<>());
            swapped.put(s, new HashMap<>());
        }
    }

    @Test
    void randomStepsOnSeveralSpaces_kernelTablesNeverFreedWhileReferenced() {
        Seeded.cases("AddressSpaces.kernelHalfOwnedOnce", 36)
                .requireAtLeast("kernel table freed while another directory lives", 15)
                .requireAtLeast("kernel table made through a process's space", 30)
                .requireAtLeast("user table freed", 30)
                .requireAtLeast("space destroyed", 15)
                .requireAtLeast("swap entry stored", 50)
                .requireShare("step on a directory that is not loaded", 0.3)
                .requireAtLeast(TableAccessStrategy.TEMPORARY_MAPPING.label(), 6)
                .requireAtLeast(TableAccessStrategy.RECURSIVE.label(), 6)
                .requireAtLeast(TableAccessStrategy.DIRECT_MAP.label(), 6)
                .run(AddressSpacesPropertyTest::run);
    }

    private static void run(Seeded.Case c) {
        TableAccessStrategy strategy = c.pick(TableAccessStrategy.values());
        c.given(strategy);
        c.cover(strategy.label(), true);
        PagingFixture f = PagingFixture.boot(strategy);
        long freeAtStart = f.frames().allocator().freeFrames();
        long tablesAtStart = f.frames().held(FrameOwner.PAGE_TABLE);
        Model m = new Model(f);
        m.add(f.newSpace());
        int steps = c.length(30, 250);
        for (int step = 0; step < steps; step++) {
            int kind = c.weighted(30, 25, 8, 4, 8, 5);
            AddressSpace s = m.live.get(c.between(0, m.live.size() - 1));
            boolean kernelPage = kind <= 1 && c.coin();
            long[] regions = kernelPage ? KERNEL_REGIONS : USER_REGIONS;
            // Few kernel pages a region, so that kernel tables empty (and are freed) while processes live.
            long vaddr = regions[c.between(0, regions.length - 1)]
                    + ((long) c.edgy(0, kernelPage ? 3 : 15) << Addresses.PAGE_SHIFT);
            c.step(step, List.of(kind, s, Addresses.hex(vaddr)));
            if (kind <= 1 || kind == 4) {
                c.cover("step on a directory that is not loaded", !s.isLoaded());
            }
            switch (kind) {
                case 0 -> map(c, m, s, vaddr);
                case 1 -> unmap(c, m, s, vaddr);
                case 2 -> f.spaces().switchTo(s);
                case 3 -> createOrDestroy(c, m);
                case 4 -> swap(c, m, s, vaddr);
                default -> clearAccessed(c, m, s);
            }
            checkOracle(m);
        }
        while (m.live.size() > 1) {
            destroy(m, m.live.getLast());
        }
        for (long vaddr : List.copyOf(m.kernel.keySet())) {
            unmap(c, m, f.space(), vaddr);
        }
        for (long vaddr : List.copyOf(m.user.get(f.space()).keySet())) {
            unmap(c, m, f.space(), vaddr);
        }
        for (long vaddr : List.copyOf(m.swapped.get(f.space()).keySet())) {
            unmap(c, m, f.space(), vaddr);
        }
        assertThat(f.frames().held(FrameOwner.PAGE_TABLE)).as("tables given back").isEqualTo(tablesAtStart);
        assertThat(f.frames().allocator().freeFrames()).as("frames given back").isEqualTo(freeAtStart);
    }

    private static void map(Seeded.Case c, Model m, AddressSpace s, long vaddr) {
        long pfn = m.f.frame();
        boolean kernel = KernelLayout.isKernel(vaddr);
        Map<Long, Long> pages = kernel ? m.kernel : m.user.get(s);
        MapResult r = s.mapPage(vaddr, pfn, kernel ? Pte.WRITABLE : Pte.USER | Pte.WRITABLE);
        if (pages.containsKey(vaddr)) {
            assertThat(r).isEqualTo(new MapResult.AlreadyMapped(vaddr, pages.get(vaddr)));
            m.f.frames().free(pfn);
            return;
        }
        assertThat(r).isInstanceOf(MapResult.Mapped.class);
        pages.put(vaddr, pfn);
        if (!kernel) {
            m.swapped.get(s).remove(vaddr); // the swap-in
        }
        if (kernel && ((MapResult.Mapped) r).newTablePfn() >= 0) {
            c.cover("kernel table made through a process's space", s != m.f.space());
        }
        if (s.isLoaded()) {
            m.f.mmu().read8(vaddr); // cached, so that a missing INVLPG would show
        }
    }

    private static void unmap(Seeded.Case c, Model m, AddressSpace s, long vaddr) {
        boolean kernel = KernelLayout.isKernel(vaddr);
        Long pfn = (kernel ? m.kernel : m.user.get(s)).remove(vaddr);
        Integer swap = kernel ? null : m.swapped.get(s).remove(vaddr);
        UnmapResult r = s.unmapPage(vaddr);
        long freedTable;
        if (pfn != null) {
            assertThat(r).isInstanceOfSatisfying(UnmapResult.Unmapped.class, u -> assertThat(u.pfn()).isEqualTo(pfn));
            freedTable = ((UnmapResult.Unmapped) r).freedTablePfn();
            m.f.frames().free(pfn);
        } else if (swap != null) {
            assertThat(r).isInstanceOfSatisfying(UnmapResult.SwapEntryCleared.class,
                    u -> assertThat(u.swapEntry()).isEqualTo(swap));
            freedTable = ((UnmapResult.SwapEntryCleared) r).freedTablePfn();
        } else {
            assertThat(r).isEqualTo(new NotMapped(vaddr));
            return;
        }
        if (freedTable >= 0 && kernel) {
            c.cover("kernel table freed while another directory lives", m.live.size() > 1);
        } else if (freedTable >= 0) {
            c.cover("user table freed", true);
        }
        if (s.isLoaded() || kernel) {
            assertThat(m.f.mmu().translate(vaddr, false)).as("gone from the loaded directory and its TLB")
                    .isEqualTo(Mmu.FAULT);
        }
    }

    private static void swap(Seeded.Case c, Model m, AddressSpace s, long vaddr) {
        int entry = (c.between(1, 0xFFFF) << 4) | (c.coin() ? 0x2 : 0);
        Long pfn = m.user.get(s).remove(vaddr);
        if (pfn != null) {
            assertThat(s.entries().swapOut(vaddr, entry)).isEqualTo(new UnmapResult.Unmapped(vaddr, pfn, -1));
            m.f.frames().free(pfn);
        } else {
            assertThat(s.entries().storeSwapEntry(vaddr, entry)).isTrue();
        }
        c.cover("swap entry stored", true);
        m.swapped.get(s).put(vaddr, entry);
    }

    private static void clearAccessed(Seeded.Case c, Model m, AddressSpace s) {
        List<Long> pages = List.copyOf(m.user.get(s).keySet());
        if (pages.isEmpty()) {
            return;
        }
        long vaddr = pages.get(c.between(0, pages.size() - 1));
        boolean accessed = (s.entries().pte(vaddr) & Pte.ACCESSED) != 0;
        assertThat(s.entries().testAndClearAccessed(vaddr)).isEqualTo(accessed);
        assertThat(s.entries().pte(vaddr) & Pte.ACCESSED).isZero();
    }

    private static void createOrDestroy(Seeded.Case c, Model m) {
        if (m.live.size() < 3) {
            m.add(m.f.newSpace());
            return;
        }
        destroy(m, m.live.get(c.between(1, m.live.size() - 1)));
        c.cover("space destroyed", true);
    }

    /** Unmaps what the space holds (its frames are ours to free), then destroys it. */
    private static void destroy(Model m, AddressSpace d) {
        if (d.isLoaded()) {
            m.f.spaces().switchTo(m.f.space());
        }
        for (long vaddr : List.copyOf(m.user.get(d).keySet())) {
            m.f.frames().free(((UnmapResult.Unmapped) d.unmapPage(vaddr)).pfn());
        }
        for (long vaddr : List.copyOf(m.swapped.get(d).keySet())) {
            assertThat(d.unmapPage(vaddr)).isInstanceOf(UnmapResult.SwapEntryCleared.class);
        }
        long directory = d.directoryPfn();
        m.f.spaces().destroy(d);
        assertThat(m.f.frames().accounting().ownerOf(directory)).isEqualTo(FrameOwner.FREE);
        m.live.remove(d);
        m.user.remove(d);
        m.swapped.remove(d);
    }

    /**
     * The oracle: the directories in RAM, not the kernel's bookkeeping. Then the model, through
     * the kernel's software walk for every space and through the MMU for the loaded one.
     */
    private static void checkOracle(Model m) {
        PagingFixture f = m.f;
        AddressSpace kernel = f.space();
        TableAccess access = kernel.access();
        for (AddressSpace s : m.live) {
            for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
                int pde = f.pde(s, pdi);
                if (!Pde.isPresent(pde) || Pde.isLarge(pde) || access.isPrivateEntry(pdi)) {
                    continue;
                }
                long table = Pde.tablePfn(pde);
                assertThat(f.frames().allocator().isAllocated(table)
                        && f.frames().accounting().ownerOf(table) == FrameOwner.PAGE_TABLE)
                        .as("PDE %d of %s points at frame %s, which is %s", pdi, s, Addresses.hex(table),
                                f.frames().accounting().ownerOf(table).label())
                        .isTrue();
                if (pdi >= KernelLayout.KERNEL_PDE) {
                    assertThat(pde & ~A_D).as("kernel PDE %d of %s", pdi, s).isEqualTo(f.pde(kernel, pdi) & ~A_D);
                }
            }
        }
        for (AddressSpace s : m.live) {
            for (Map.Entry<Long, Long> e : m.kernel.entrySet()) {
                assertThat(s.getFrameAddr(e.getKey())).as("kernel page in %s", s).isEqualTo(Addresses.pfnToPaddr(e.getValue()));
            }
            for (AddressSpace owner : m.live) {
                for (Map.Entry<Long, Long> e : m.user.get(owner).entrySet()) {
                    Long mine = m.user.get(s).get(e.getKey());
                    assertThat(s.getFrameAddr(e.getKey())).as("user page of %s in %s", owner, s)
                            .isEqualTo(mine == null ? AddressSpace.NOT_MAPPED : Addresses.pfnToPaddr(mine));
                }
            }
            for (Map.Entry<Long, Integer> e : m.swapped.get(s).entrySet()) {
                assertThat(s.entries().pte(e.getKey())).isEqualTo(e.getValue());
            }
        }
        AddressSpace loaded = f.spaces().loaded();
        Map<Long, Long> visible = new HashMap<>(m.kernel);
        visible.putAll(m.user.get(loaded));
        for (Map.Entry<Long, Long> e : visible.entrySet()) {
            assertThat(f.mmu().translate(e.getKey(), false)).as("MMU, %s loaded", loaded)
                    .isEqualTo(Addresses.pfnToPaddr(e.getValue()));
        }
    }
}
