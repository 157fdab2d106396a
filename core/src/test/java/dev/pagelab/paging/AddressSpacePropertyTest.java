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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random mapPage / unmapPage / updateFlags sequences, run on the same kernel booted with each
 * of the three strategies. The frames mapped are the kernel image's own (reserved frames may be
 * mapped), so every run maps exactly the same frames whatever the allocator did at boot.
 */
class AddressSpacePropertyTest {
    /** A few directory entries in the user half and the kernel heap area, so tables fill, empty and come back. */
    private static final long[] REGIONS = {0x0000_1000L, 0x0040_0000L, 0x0804_8000L, 0xBFC0_0000L,
        KernelLayout.KERNEL_HEAP_START, KernelLayout.KERNEL_HEAP_START + (5L << 22)};
    private static final int[] FLAGS = {0, Pte.WRITABLE, Pte.USER, Pte.USER | Pte.WRITABLE, Pte.GLOBAL | Pte.WRITABLE};

    record Op(int kind, long vaddr, long pfn, int flags) {
    }

    /** Twenty to 300 operations on pages in the first 24 of each region, mapping kernel-image frames. */
    static List<Op> ops(Seeded.Case c) {
        int count = c.length(20, 300);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = c.between(0, 9);
            long vaddr = REGIONS[c.between(0, REGIONS.length - 1)] + ((long) c.edgy(0, 23) << 12);
            out.add(new Op(kind, vaddr, c.between(0x100L, 0x1FFL), FLAGS[c.between(0, FLAGS.length - 1)]));
        }
        return out;
    }

    @Test
    void strategies_sameOperations_identicalTablesAndConservation() {
        Seeded.cases("AddressSpace.strategies", 40).run(c -> sameTables(c, ops(c)));
    }

    private static void sameTables(Seeded.Case c, List<Op> ops) {
        List<int[]> snapshots = new ArrayList<>();
        for (TableAccessStrategy strategy : TableAccessStrategy.values()) {
            c.given(strategy);
            PagingFixture f = PagingFixture.boot(strategy);
            AddressSpace space = f.space();
            long freeAtBoot = f.frames().allocator().freeFrames();
            long tablesAtBoot = f.frames().held(FrameOwner.PAGE_TABLE);
            Map<Long, Long> model = new HashMap<>();
            for (int step = 0; step < ops.size(); step++) {
                Op op = ops.get(step);
                c.step(step, op);
                apply(f, space, model, op);
                // getFrameAddr and the MMU agree with the model for every page the run touched.
                if (op.kind() == 0) {
                    checkAgainstModel(f, space, model);
                }
            }
            checkAgainstModel(f, space, model);
            space.checkInvariants();
            snapshots.add(userTables(f));
            for (long vaddr : List.copyOf(model.keySet())) {
                assertThat(space.unmapPage(vaddr)).isInstanceOf(UnmapResult.Unmapped.class);
            }
            assertThat(f.frames().held(FrameOwner.PAGE_TABLE)).as("tables given back").isEqualTo(tablesAtBoot);
            assertThat(f.frames().allocator().freeFrames()).as("frames given back").isEqualTo(freeAtBoot);
            space.checkInvariants();
        }
        assertThat(snapshots.get(1)).as("recursive vs temporary-mapping").isEqualTo(snapshots.get(0));
        assertThat(snapshots.get(2)).as("direct-map vs temporary-mapping").isEqualTo(snapshots.get(0));
    }

    private static void apply(PagingFixture f, AddressSpace space, Map<Long, Long> model, Op op) {
        switch (op.kind()) {
            case 0, 1, 2, 3, 4 -> {
                MapResult r = space.mapPage(op.vaddr(), op.pfn(), op.flags());
                if (model.containsKey(op.vaddr())) {
                    assertThat(r).isEqualTo(new MapResult.AlreadyMapped(op.vaddr(), model.get(op.vaddr())));
                } else {
                    assertThat(r.mapped()).isTrue();
                    model.put(op.vaddr(), op.pfn());
                    f.mmu().read8(op.vaddr()); // fill the TLB, so that a missing INVLPG would show
                }
            }
            case 5, 6, 7 -> {
                UnmapResult r = space.unmapPage(op.vaddr());
                Long pfn = model.remove(op.vaddr());
                if (pfn == null) {
                    assertThat(r).isEqualTo(new NotMapped(op.vaddr()));
                } else {
                    assertThat(((UnmapResult.Unmapped) r).pfn()).isEqualTo(pfn);
                }
                assertThat(f.mmu().translate(op.vaddr(), false)).isEqualTo(Mmu.FAULT);
            }
            default -> {
                FlagsResult r = space.updateFlags(op.vaddr(), op.flags());
                assertThat(r instanceof FlagsResult.Updated).isEqualTo(model.containsKey(op.vaddr()));
            }
        }
    }

    private static void checkAgainstModel(PagingFixture f, AddressSpace space, Map<Long, Long> model) {
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            long paddr = Addresses.pfnToPaddr(e.getValue());
            assertThat(space.getFrameAddr(e.getKey() + 0x10)).isEqualTo(paddr + 0x10);
            Mmu.Outcome o = f.mmu().probe(e.getKey() + 0x10, false, 0);
            assertThat(o.paddr()).isEqualTo(paddr + 0x10);
        }
    }

    /**
     * Every directory entry outside the kernel's own part (below 768, and the heap area up to
     * the kernel data), and every entry of the tables they point at, with the frame numbers of
     * tables and the A and D bits left out (which table frame the allocator gave, and whether
     * the kernel's window walks touched an entry, are not part of the mapping).
     */
    private static int[] userTables(PagingFixture f) {
        List<Integer> out = new ArrayList<>();
        long dir = f.space().directoryPaddr();
        for (int pdi = 0; pdi < Addresses.directoryIndex(KernelLayout.KERNEL_DATA_START); pdi++) {
            if (pdi >= KernelLayout.KERNEL_PDE && pdi < Addresses.directoryIndex(KernelLayout.KERNEL_HEAP_START)) {
                continue;
            }
            int pde = f.entryAt(dir + 4L * pdi);
            out.add(pde & 0xFFF & ~(Pde.ACCESSED | Pde.DIRTY));
            if (Pde.isPresent(pde)) {
                for (int pti = 0; pti < 1024; pti++) {
                    out.add(f.entryAt(Pde.tablePaddr(pde) + 4L * pti) & ~(Pte.ACCESSED | Pte.DIRTY));
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
