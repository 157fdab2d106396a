package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The workload's definition and its bookkeeping, with invariant checks on: correctness, never speed. */
class PagingWorkloadTest {
    private static final String MACHINE = "qemu-pc-16M";

    private static Kernel boot(TableAccessStrategy strategy) {
        return Kernel.boot(MACHINE, KernelConfig.DEFAULT.withTableAccess(strategy));
    }

    /** The built-in allocators, the kernel's, that can free. */
    static Stream<String> freeingAllocators() {
        return FrameAllocatorRegistry.builtIn().names().stream().filter(PagingBench::canFree);
    }

    /** What must be the same before the workload and after its release. */
    private record State(long freeFrames, long mappedPages, long pageTables, long usedKernelPages) {
        static State of(Kernel kernel) {
            return new State(kernel.allocator().freeFrames(), kernel.space().mappedPages(),
                    kernel.space().pageTables(), kernel.vm().kernelPages().usedPageCount());
        }
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void release_afterEveryWorkload_leavesTheKernelAsItFoundIt(TableAccessStrategy strategy) {
        Kernel kernel = boot(strategy);
        State before = State.of(kernel);
        PagingWorkload w = new PagingWorkload(kernel);

        w.setVariant(PagingWorkload.Variant.TABLE_KEPT);
        w.mapUnmap(50);
        w.setVariant(PagingWorkload.Variant.TABLE_CHURN);
        w.mapUnmap(50);
        for (int pages : PagingWorkload.KMMAP_PAGES) {
            w.kmmapKunmap(pages, 2);
        }
        w.setVariant(PagingWorkload.Variant.TABLE_KEPT);
        w.release();
        w.release();

        assertThat(State.of(kernel)).isEqualTo(before);
        kernel.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("freeingAllocators")
    void release_everyAllocatorThatCanFree_freeFramesAsBefore(String allocator) {
        Kernel kernel = Kernel.boot(MACHINE, KernelConfig.DEFAULT.withAllocator(allocator));
        long free = kernel.allocator().freeFrames();
        PagingWorkload w = new PagingWorkload(kernel);

        w.mapUnmap(20);
        w.kmmapKunmap(64, 2);
        w.release();

        assertThat(kernel.allocator().freeFrames()).isEqualTo(free);
        kernel.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapUnmap_churn_oneTablePerPairAndNothingLeftMapped(TableAccessStrategy strategy) {
        PagingWorkload w = new PagingWorkload(boot(strategy));
        long mapped = w.kernel().space().mappedPages();
        PagingWorkload.Counters before = w.counters();

        w.mapUnmap(40);

        PagingWorkload.Counters block = w.counters().minus(before);
        assertThat(block.tablesAllocated()).isEqualTo(40);
        assertThat(block.invlpgs()).isGreaterThanOrEqualTo(40);
        assertThat(block.slotLoads()).isEqualTo(strategy == TableAccessStrategy.TEMPORARY_MAPPING ? 3 * 40 : 0);
        w.checkTables(40, block);
        assertThat(w.kernel().space().mappedPages()).isEqualTo(mapped);
        w.release();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void mapUnmap_kept_noTableAllocatedAndAnchorsMapped(TableAccessStrategy strategy) {
        PagingWorkload w = new PagingWorkload(boot(strategy));
        w.setVariant(PagingWorkload.Variant.TABLE_KEPT);
        PagingWorkload.Counters before = w.counters();

        w.mapUnmap(40);

        PagingWorkload.Counters block = w.counters().minus(before);
        assertThat(block.tablesAllocated()).isZero();
        w.checkTables(40, block);
        AddressSpace space = w.kernel().space();
        for (int t = 0; t < PagingWorkload.TABLES; t++) {
            assertThat(space.getFrameAddr(w.anchorVaddr(t))).isNotEqualTo(AddressSpace.NOT_MAPPED);
        }
        assertThatThrownBy(() -> w.checkTables(40, before)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("table-kept");
        w.release();
    }

    @Test
    void kmmapKunmap_keptPage_noTableAllocated() {
        PagingWorkload w = new PagingWorkload(boot(TableAccessStrategy.RECURSIVE));
        PagingWorkload.Counters before = w.counters();

        long sum = w.kmmapKunmap(64, 3);

        assertThat(w.counters().minus(before).tablesAllocated()).isZero();
        assertThat(sum).isEqualTo(3 * (w.kmmapAnchorVaddr() + Addresses.PAGE_BYTES));
        w.release();
    }

    @Test
    void pageVaddr_freshKernel_theDocumentedLayout() {
        PagingWorkload w = new PagingWorkload(boot(TableAccessStrategy.TEMPORARY_MAPPING));

        assertThat(w.baseVaddr()).isEqualTo(0xC100_0000L);
        assertThat(w.pageVaddr(0)).isEqualTo(0xC100_0000L);
        assertThat(w.pageVaddr(1)).isEqualTo(0xC140_0000L);
        assertThat(w.pageVaddr(8)).isEqualTo(0xC100_1000L);
        assertThat(w.anchorVaddr(7)).isEqualTo(0xC2FF_F000L);
        assertThat(w.kmmapAnchorVaddr()).isEqualTo(0xC340_0000L);
        Set<Long> pages = new HashSet<>();
        Set<Integer> tables = new HashSet<>();
        for (int i = 0; i < PagingWorkload.SET_PAGES; i++) {
            long vaddr = w.pageVaddr(i);
            pages.add(vaddr);
            tables.add(Addresses.directoryIndex(vaddr));
            assertThat(Addresses.tableIndex(vaddr)).isLessThan(PagingWorkload.PAGES_PER_TABLE);
        }
        assertThat(pages).hasSize(PagingWorkload.SET_PAGES);
        assertThat(tables).containsExactlyInAnyOrder(772, 773, 774, 775, 776, 777, 778, 779);
        w.release();
    }

    @Test
    void constructor_allocatorThatCannotFree_refused() {
        Kernel kernel = Kernel.boot(MACHINE, KernelConfig.DEFAULT.withAllocator("bump"));

        assertThatThrownBy(() -> new PagingWorkload(kernel)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bump cannot free");
    }

    @Test
    void kmmapKunmap_badSize_refused() {
        PagingWorkload w = new PagingWorkload(boot(TableAccessStrategy.DIRECT_MAP));

        assertThatThrownBy(() -> w.kmmapKunmap(65, 1)).hasMessageContaining("65 pages");
        assertThatThrownBy(() -> w.kmmapKunmap(0, 1)).hasMessageContaining("0 pages");
        w.release();
        assertThatThrownBy(() -> w.mapUnmap(1)).hasMessageContaining("released");
    }

    @Test
    void variant_byId_namesTheKnownOnes() {
        assertThat(PagingWorkload.Variant.byId("table-churn")).isEqualTo(PagingWorkload.Variant.TABLE_CHURN);
        assertThatThrownBy(() -> PagingWorkload.Variant.byId("kept")).hasMessageContaining("'kept'")
                .hasMessageContaining("table-kept or table-churn");
    }
}
