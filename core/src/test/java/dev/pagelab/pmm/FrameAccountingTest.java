package dev.pagelab.pmm;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.kernel.Boot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameAccountingTest {
    private final Boot boot = Boot.run(MachineProfiles.byName("qemu-pc-16M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
            List.of(), "", LowMemory.FIRST_MIB);
    private final FrameAllocator bitmap = FrameAllocatorRegistry.builtIn().create("bitmap",
            new FrameAllocatorConfig(boot.memory(), boot.report().freeFrameRanges()));

    @Test
    void of_freshBitmap_bootOwnersPlusMetadata() {
        FrameAccounting accounting = FrameAccounting.of(boot.report().layout(), bitmap);
        assertThat(accounting.ownerOf(0x100)).isEqualTo(FrameOwner.KERNEL_IMAGE);
        assertThat(accounting.ownerOf(0x9)).isEqualTo(FrameOwner.BOOT_INFORMATION);
        assertThat(accounting.ownerOf(0x200)).isEqualTo(FrameOwner.ALLOCATOR_METADATA);
        assertThat(accounting.ownerOf(0x201)).isEqualTo(FrameOwner.FREE);
        assertThat(accounting.ownerOf(0xA0)).isEqualTo(FrameOwner.NOT_IN_MAP);
        assertThat(accounting.counts().get(FrameOwner.FREE)).isEqualTo(bitmap.freeFrames());
        assertThat(accounting.counts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(accounting.topPfn());
    }

    @Test
    void of_afterAllocations_marksThemAllocated() {
        long a = bitmap.allocate();
        long run = bitmap.allocateRun(4, 4);
        FrameAccounting accounting = FrameAccounting.of(boot.report().layout(), bitmap);
        assertThat(accounting.ownerOf(a)).isEqualTo(FrameOwner.ALLOCATED);
        for (long pfn = run; pfn < run + 4; pfn++) {
            assertThat(accounting.ownerOf(pfn)).isEqualTo(FrameOwner.ALLOCATED);
        }
        assertThat(accounting.counts().get(FrameOwner.ALLOCATED)).isEqualTo(5);
    }

    @Test
    void record_pageTableAndProcess_changeOwnersAndSpans() {
        FrameAccounting accounting = FrameAccounting.of(boot.report().layout(), bitmap);
        accounting.record(0x300, 2, FrameOwner.PAGE_TABLE);
        accounting.recordProcess(0x400, 7);
        assertThat(accounting.ownerOf(0x301)).isEqualTo(FrameOwner.PAGE_TABLE);
        assertThat(accounting.processOf(0x400)).isEqualTo(7);
        assertThat(accounting.processOf(0x401)).isEqualTo(-1);
        assertThat(accounting.spans()).contains(new FrameSpan(0x300, 0x302, FrameOwner.PAGE_TABLE, ""));
    }

    @Test
    void record_outsideRange_refusedWithValues() {
        FrameAccounting accounting = FrameAccounting.of(boot.report().layout(), bitmap);
        assertThatThrownBy(() -> accounting.record(accounting.topPfn(), 1, FrameOwner.HEAP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record").hasMessageContaining("0x");
    }

    @Test
    void ownerListener_isToldOfEveryChangeAndOnlyOfChanges() {
        FrameAccounting accounting = FrameAccounting.of(boot.report().layout(), bitmap);
        accounting.record(0x300, 1, FrameOwner.ALLOCATED);
        List<String> told = new ArrayList<>();
        accounting.setOwnerListener((pfn, before, after) -> told.add(Long.toHexString(pfn) + " " + before + "->" + after));

        accounting.record(0x301, 1, FrameOwner.HEAP);
        accounting.record(0x301, 1, FrameOwner.HEAP);
        accounting.record(0x300, 2, FrameOwner.FREE);
        accounting.recordProcess(0x302, 7);
        accounting.recordProcess(0x302, 8);

        assertThat(told).containsExactly("301 FREE->HEAP", "300 ALLOCATED->FREE", "301 HEAP->FREE", "302 FREE->PROCESS");
        assertThat(accounting.ownerOf(0x301)).isEqualTo(FrameOwner.FREE);
        assertThat(accounting.processOf(0x302)).isEqualTo(8);
        accounting.setOwnerListener(null);
        accounting.record(0x303, 1, FrameOwner.HEAP);
        assertThat(told).as("no listener, nobody told").hasSize(4);
    }
}
