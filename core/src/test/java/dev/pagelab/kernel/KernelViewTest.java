package dev.pagelab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.ControlRegisters;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.MemoryDump;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameOwner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The observers' view of a running kernel agrees with the components it reads, changes nothing
 * by looking, and dumps any page directory, not only the loaded one.
 */
class KernelViewTest {

    private static Kernel kernel(TableAccessStrategy strategy, boolean large) {
        return Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withAllocator("buddy").withTableAccess(strategy)
                .withLargePages(large));
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void view_bootedKernel_agreesWithTheComponentsItReads(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy, strategy != TableAccessStrategy.TEMPORARY_MAPPING);
        k.vm().kmmap(3 * Addresses.PAGE_BYTES);
        KernelView view = k.view();

        AllocatorMetrics metrics = view.allocator();
        assertThat(metrics.name()).isEqualTo("buddy");
        assertThat(metrics.freeFrames()).isEqualTo(k.allocator().freeFrames());
        assertThat(metrics.totalFrames()).isEqualTo(k.allocator().totalFrames());
        assertThat(metrics.canFree()).isTrue();
        assertThat(metrics.metadataFrames()).isEqualTo(k.allocator().metadataFrames());
        assertThat(metrics.details()).isEqualTo(k.allocator().describe());
        assertThat(view.framesByOwner()).isEqualTo(k.accounting().counts());
        assertThat(view.frameSpans()).isEqualTo(k.accounting().spans());
        assertThat(view.registers()).isEqualTo(new ControlRegisters(k.mmu().cr0(), k.mmu().cr2(), k.mmu().cr3(),
                k.mmu().cr4(), 0));
        assertThat(view.kernelDirectoryPaddr()).isEqualTo(k.space().directoryPaddr());
        assertThat(view.kernelPageTables()).isEqualTo(k.space().pageTables());
        assertThat(view.startupLog()).isEqualTo(k.log());
        assertThat(view.addressSpace(view.kernelDirectoryPaddr())).isEqualTo(PageTableDump.ranges(k.mmu()));
        MemoryDump dump = view.memoryDump(view.kernelDirectoryPaddr());
        MemoryDump expected = MemoryDump.of(k.mmu());
        assertThat(List.of(dump.cr0(), dump.cr3(), dump.cr4()))
                .isEqualTo(List.of(expected.cr0(), expected.cr3(), expected.cr4()));
        assertThat(dump.frames().keySet()).isEqualTo(expected.frames().keySet());
        dump.frames().forEach((paddr, bytes) -> assertThat(bytes).as("frame %s", Addresses.hex(paddr))
                .isEqualTo(expected.frames().get(paddr)));
    }

    @Test
    void view_looking_changesNoCounterNoTlbEntryNoTableByte() {
        Kernel k = kernel(TableAccessStrategy.RECURSIVE, false);
        long vaddr = k.vm().kmmap(Addresses.PAGE_BYTES);
        k.mmu().read32(vaddr);
        KernelView view = k.view();
        MmuStats.Snapshot stats = k.mmu().stats().snapshot();
        List<?> tlb = k.mmu().tlb().entries();
        ControlRegisters registers = view.registers();
        MemoryDump tables = view.memoryDump(view.kernelDirectoryPaddr());

        view.explain(vaddr);
        view.explain(0x0040_0000L);
        view.addressSpace(view.kernelDirectoryPaddr());
        view.allocator();
        view.framesByOwner();
        view.frameSpans();

        assertThat(k.mmu().stats().snapshot()).isEqualTo(stats);
        assertThat(k.mmu().tlb().entries()).isEqualTo(tlb);
        assertThat(view.registers()).isEqualTo(registers);
        view.memoryDump(view.kernelDirectoryPaddr()).frames().forEach((paddr, bytes) ->
                assertThat(bytes).as("frame %s", Addresses.hex(paddr)).isEqualTo(tables.frames().get(paddr)));
    }

    @Test
    void addressSpace_anotherDirectory_showsItsOwnMappingsAndNotTheLoadedOnes() {
        Kernel k = kernel(TableAccessStrategy.DIRECT_MAP, false);
        KernelView view = k.view();
        // A second directory: the kernel's copied, plus a user page at 0 through a table of its own.
        long directory = Addresses.pfnToPaddr(k.frames().allocate(FrameOwner.PAGE_TABLE));
        long table = Addresses.pfnToPaddr(k.frames().allocate(FrameOwner.PAGE_TABLE));
        long frame = Addresses.pfnToPaddr(k.frames().allocate(FrameOwner.PROCESS));
        k.memory().writeBytes(directory, k.memory().readBytes(view.kernelDirectoryPaddr(), Addresses.PAGE_BYTES), 0,
                Addresses.PAGE_BYTES);
        k.memory().writeBytes(table, new byte[Addresses.PAGE_BYTES], 0, Addresses.PAGE_BYTES);
        k.memory().write32(table, (int) frame | Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        k.memory().write32(directory, (int) table | Pde.PRESENT | Pde.WRITABLE | Pde.USER);

        List<PageTableDump.Range> other = view.addressSpace(directory);
        List<PageTableDump.Range> loaded = view.addressSpace(view.kernelDirectoryPaddr());

        assertThat(other.get(0)).satisfies(r -> {
            assertThat(r.vaddr()).isZero();
            assertThat(r.paddr()).isEqualTo(frame);
            assertThat(r.user()).isTrue();
        });
        assertThat(loaded).noneMatch(r -> r.vaddr() < 0x0040_0000L);
        assertThat(other.subList(1, other.size())).isEqualTo(loaded);
        MemoryDump dump = view.memoryDump(directory);
        assertThat(dump.cr3()).isEqualTo(directory);
        assertThat(dump.frames()).containsKeys(directory, table);
        assertThat(view.memoryDump(view.kernelDirectoryPaddr()).frames()).doesNotContainKeys(directory, table);
    }

    @Test
    void addressSpace_directoryNotPageAligned_throwsNamingIt() {
        KernelView view = kernel(TableAccessStrategy.TEMPORARY_MAPPING, false).view();

        assertThatThrownBy(() -> view.addressSpace(0x1234)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("addressSpace: page directory at 0x00001234 is not a page-aligned 32-bit physical address");
        assertThatThrownBy(() -> view.memoryDump(1L << 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memoryDump: page directory at");
    }

    @Test
    void framesByOwner_isReadOnly() {
        Map<FrameOwner, Long> counts = kernel(TableAccessStrategy.TEMPORARY_MAPPING, false).view().framesByOwner();

        assertThatThrownBy(() -> counts.put(FrameOwner.FREE, 0L)).isInstanceOf(UnsupportedOperationException.class);
    }
}
