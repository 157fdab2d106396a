package dev.pagelab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.paging.UnmapResult;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random kmmap / kunmap / mapPage / unmapPage sequences on a small machine (so that frames run
 * out now and then): frames, virtual pages and page tables are all conserved — every one taken
 * is accounted for while held, and everything comes back when everything is given back.
 */
class KernelMemoryPropertyTest {
    record Op(int kind, int size, int pick) {
    }

    /** Ten to 200 operations; sizes of 1 to 16 pages, one time in nine up to 1500. */
    static List<Op> ops(Seeded.Case c) {
        int count = c.length(10, 200);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = c.between(0, 9);
            int size = c.weighted(8, 1) == 0 ? c.edgy(1, 16) : c.edgy(17, 1500);
            out.add(new Op(kind, size, c.edgy(0, 1_000_000)));
        }
        return out;
    }

    @Test
    void sequences_conserveFramesPagesAndTables() {
        Seeded.cases("KernelMemory.sequences", 30).run(c -> {
            TableAccessStrategy strategy = c.pick(TableAccessStrategy.values());
            String allocator = c.pick("bitmap", "free-list", "buddy");
            c.given(strategy + ", " + allocator);
            conserve(c, ops(c), strategy, allocator);
        });
    }

    private static void conserve(Seeded.Case c, List<Op> ops, TableAccessStrategy strategy, String allocator) {
        Kernel k = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy).withAllocator(allocator));
        long freeAtStart = k.allocator().freeFrames();
        long tablesAtStart = k.space().pageTables();
        List<Long> blocks = new ArrayList<>();
        Map<Long, Long> blockPages = new HashMap<>();
        Map<Long, Long> userPages = new HashMap<>(); // vaddr -> frame, mapped with mapPage
        for (int step = 0; step < ops.size(); step++) {
            Op op = ops.get(step);
            c.step(step, op);
            switch (op.kind()) {
                case 0, 1, 2, 3 -> {
                    long bytes = (long) op.size() * 4096 - op.pick() % 4096;
                    long vaddr = k.vm().kmmap(bytes);
                    if (vaddr != KernelMemory.FAILED) {
                        blocks.add(vaddr);
                        blockPages.put(vaddr, (bytes + 4095) / 4096);
                        k.mmu().write32(vaddr, (int) vaddr);
                    }
                }
                case 4, 5, 6 -> {
                    if (!blocks.isEmpty()) {
                        long vaddr = blocks.remove(op.pick() % blocks.size());
                        assertThat(k.mmu().read32(vaddr)).isEqualTo((int) vaddr);
                        assertThat(k.vm().kunmap(vaddr)).isEqualTo(blockPages.remove(vaddr));
                    }
                }
                case 7, 8 -> {
                    long vaddr = KernelLayout.USER_HEAP_START + (long) (op.pick() % 3000) * 4096;
                    long pfn = k.frames().allocate(FrameOwner.PROCESS);
                    if (pfn >= 0) {
                        MapResult r = k.space().mapPage(vaddr, pfn, Pte.USER | Pte.WRITABLE);
                        if (r.mapped()) {
                            userPages.put(vaddr, pfn);
                        } else {
                            k.frames().free(pfn);
                        }
                    }
                }
                default -> {
                    if (!userPages.isEmpty()) {
                        long vaddr = List.copyOf(userPages.keySet()).get(op.pick() % userPages.size());
                        UnmapResult r = k.space().unmapPage(vaddr);
                        assertThat(((UnmapResult.Unmapped) r).pfn()).isEqualTo(userPages.remove(vaddr));
                        k.frames().free(((UnmapResult.Unmapped) r).pfn());
                    }
                }
            }
            long held = blockPages.values().stream().mapToLong(Long::longValue).sum();
            assertThat(k.vm().kernelPages().usedPageCount()).isEqualTo(held);
            assertThat(k.frames().held(FrameOwner.PROCESS)).isEqualTo(userPages.size());
            // Frames: free + data held + tables made since boot = free at boot.
            assertThat(k.allocator().freeFrames() + held + userPages.size() + k.space().pageTables() - tablesAtStart)
                    .isEqualTo(freeAtStart);
        }
        k.checkInvariants();
        for (long vaddr : blocks) {
            for (long i = 0; i < blockPages.get(vaddr); i++) {
                long page = vaddr + i * 4096;
                assertThat(k.space().getFrameAddr(page)).isNotEqualTo(AddressSpace.NOT_MAPPED);
                assertThat(k.mmu().probe(page, true, 0).paddr()).isEqualTo(k.space().getFrameAddr(page));
            }
            k.vm().kunmap(vaddr);
        }
        for (long vaddr : userPages.keySet()) {
            k.frames().free(((UnmapResult.Unmapped) k.space().unmapPage(vaddr)).pfn());
        }
        assertThat(k.allocator().freeFrames()).isEqualTo(freeAtStart);
        assertThat(k.space().pageTables()).isEqualTo(tablesAtStart);
        assertThat(k.vm().kernelPages().usedPageCount()).isZero();
        k.checkInvariants();
    }
}
