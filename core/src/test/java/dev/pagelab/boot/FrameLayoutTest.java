package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of what the kernel keeps at entry, on the layout itself (KernelEntryTest runs them through the entry). */
class FrameLayoutTest {
    private static final long MIB = 1 << 20;

    /** 8 MiB: [0, 0x9FC00) usable, [0x9FC00, 1 MiB) reserved, [1 MiB, 8 MiB) usable. */
    private static final List<MemoryRegion> MAP = List.of(
            new MemoryRegion(0, 0x9FC00, RegionType.USABLE),
            new MemoryRegion(0x9FC00, 0x100000 - 0x9FC00, RegionType.RESERVED),
            new MemoryRegion(0x100000, 7 * MIB, RegionType.USABLE));

    /** Loads {@code kernel} and {@code modules} on the 8 MiB machine and paints its layout. */
    private static List<FrameSpan> layout(KernelImage kernel, List<Bootloader.Module> modules, LowMemory low) {
        PhysicalMemory memory = PhysicalMemory.ofSize(8 * MIB);
        Bootloader.Handoff handoff = Bootloader.load(memory, MAP, kernel, modules, "");
        Multiboot1Info mbi = Multiboot1Info.read(memory, handoff.ebx());
        return FrameLayout.of(memory, mbi, MemoryMap.sanitize(mbi.regions()).map(), kernel.physicalStart(),
                kernel.physicalEnd(), low);
    }

    private static FrameOwner ownerOf(List<FrameSpan> layout, long pfn) {
        return layout.stream().filter(s -> s.startPfn() <= pfn && pfn < s.endPfn()).map(FrameSpan::owner).findFirst()
                .orElse(FrameOwner.NOT_IN_MAP);
    }

    @Test
    void of_eightMiB_coversEveryFrameOnceInAddressOrder() {
        List<FrameSpan> layout = layout(KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(), LowMemory.FIRST_MIB);

        long next = 0;
        for (FrameSpan span : layout) {
            assertThat(span.startPfn()).as("span %s starts where the one before ends", span).isEqualTo(next);
            assertThat(span.frames()).isPositive();
            next = span.endPfn();
        }
        assertThat(next).isEqualTo(0x800);
        assertThat(ownerOf(layout, 0x9F)).isEqualTo(FrameOwner.FIRMWARE);
        assertThat(ownerOf(layout, 0x100)).isEqualTo(FrameOwner.KERNEL_IMAGE);
        assertThat(ownerOf(layout, 0x1FF)).isEqualTo(FrameOwner.KERNEL_IMAGE);
        assertThat(ownerOf(layout, 0x200)).isEqualTo(FrameOwner.FREE);
        assertThat(ownerOf(layout, 0x7FF)).isEqualTo(FrameOwner.FREE);
    }

    @Test
    void of_lowMemory_yieldsToFirmwareAndToTheBootInformation() {
        List<FrameSpan> firstMib = layout(KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(), LowMemory.FIRST_MIB);
        List<FrameSpan> pageZero = layout(KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(), LowMemory.PAGE_ZERO);

        assertThat(ownerOf(firstMib, 0)).isEqualTo(FrameOwner.LOW_MEMORY);
        assertThat(ownerOf(firstMib, 9)).as("the MBI page at 0x9000 inside the first MiB")
                .isEqualTo(FrameOwner.BOOT_INFORMATION);
        assertThat(ownerOf(firstMib, 0x50)).isEqualTo(FrameOwner.LOW_MEMORY);
        assertThat(ownerOf(firstMib, 0x9F)).as("the partial frame below 640 KiB").isEqualTo(FrameOwner.FIRMWARE);
        assertThat(ownerOf(pageZero, 0)).isEqualTo(FrameOwner.LOW_MEMORY);
        assertThat(ownerOf(pageZero, 9)).isEqualTo(FrameOwner.BOOT_INFORMATION);
        assertThat(ownerOf(pageZero, 0x50)).isEqualTo(FrameOwner.FREE);
        assertThat(firstMib.stream().filter(s -> s.owner() == FrameOwner.LOW_MEMORY).findFirst().orElseThrow().label())
                .isEqualTo("first MiB");
        assertThat(pageZero.stream().filter(s -> s.owner() == FrameOwner.LOW_MEMORY).findFirst().orElseThrow().label())
                .isEqualTo("page 0");
    }

    @Test
    void of_moduleOfPartFrames_isWidenedToWholeFramesAndLabelled() {
        List<FrameSpan> layout = layout(KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
                List.of(new Bootloader.Module("initrd", new byte[4096 + 1])), LowMemory.FIRST_MIB);

        FrameSpan module = layout.stream().filter(s -> s.owner() == FrameOwner.MODULE).findFirst().orElseThrow();
        assertThat(module.startPfn()).isEqualTo(0x200);
        assertThat(module.frames()).as("4097 bytes hold two frames").isEqualTo(2);
        assertThat(module.label()).isEqualTo("initrd");
        assertThat(ownerOf(layout, 0x202)).isEqualTo(FrameOwner.FREE);
    }

    @Test
    void of_moduleRecordOnTheKernel_throwsNamingTheModuleAndTheKernel() {
        PhysicalMemory memory = PhysicalMemory.ofSize(8 * MIB);
        KernelImage kernel = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);
        Bootloader.Handoff handoff = Bootloader.load(memory, MAP, kernel,
                List.of(new Bootloader.Module("initrd", new byte[100])), "");
        Multiboot1Info mbi = Multiboot1Info.read(memory, handoff.ebx());
        MemoryMap map = MemoryMap.sanitize(mbi.regions()).map();

        // The same record seen by a kernel that believes it is four times larger: the module lies on it.
        assertThatThrownBy(() -> FrameLayout.of(memory, mbi, map, kernel.physicalStart(), 4 * MIB, LowMemory.FIRST_MIB))
                .isInstanceOf(BootException.class).hasMessageContaining("module 0 'initrd'")
                .hasMessageContaining("overlaps the kernel image [0x00100000, 0x00400000)");
    }
}
