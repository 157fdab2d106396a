package dev.pagelab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.boot.FrameOwner;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.paging.UnmapResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random kmmap / kunmap / mapPage / unmapPage sequences on a small machine (so that frames run
 * out now and then): frames, virtual pages and page tables are all conserved — every one taken
 * is accounted for while held, and everything comes back when everything is given back.
 */
class KernelMemoryPropertyTest {
    record Op(int kind, int size, int pick) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(1, 16)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(17, 1500))),
                Arbitraries.integers().between(0, 1_000_000)).as(Op::new);
        return op.list().ofMinSize(10).ofMaxSize(200);
    }

    @Property(tries = 30)
    void sequences_conserveFramesPagesAndTables(@ForAll("ops") List<Op> ops,
                                                @ForAll TableAccessStrategy strategy,
                                                @ForAll("allocators") String allocator) {
        Kernel k = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy).withAllocator(allocator));
        long freeAtStart = k.allocator().freeFrames();
        long tablesAtStart = k.space().pageTables();
        List<Long> blocks = new ArrayList<>();
        Map<Long, Long> blockPages = new HashMap<>();
        Map<Long, Long> userPages = new HashMap<>(); // vaddr -> frame, mapped with mapPage
        for (Op op : ops) {
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

    @Provide
    Arbitrary<String> allocators() {
        return Arbitraries.of("bitmap", "free-list", "buddy");
    }
}
