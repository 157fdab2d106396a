package dev.pagelab.kernel;

import dev.pagelab.boot.BootException;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MemoryMapException;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.RegionType;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.pmm.FrameSpan;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelEntryTest {
    /** QEMU 7.2 pc with 128 MiB and SeaBIOS, as the issue describes it. */
    static final List<MemoryRegion> PC_128M = List.of(
            new MemoryRegion(0, 0x9FC00, RegionType.USABLE),
            new MemoryRegion(0x9FC00, 0x400, RegionType.RESERVED),
            new MemoryRegion(0xF0000, 0x10000, RegionType.RESERVED),
            new MemoryRegion(0x100000, 0x7FE0000 - 0x100000, RegionType.USABLE),
            new MemoryRegion(0x7FE0000, 0x20000, RegionType.RESERVED),
            new MemoryRegion(0xFFFC0000L, 0x40000, RegionType.RESERVED));

    static PhysicalMemory pc128M() {
        return PhysicalMemory.builder(1L << 32).hole(0xA0000, 0x60000).hole(0x8000000, 0xFFFC0000L - 0x8000000).build();
    }

    static BootReport boot(LowMemory low, List<Bootloader.Module> modules) {
        PhysicalMemory memory = pc128M();
        KernelImage kernel = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);
        Bootloader.Handoff handoff = Bootloader.load(memory, PC_128M, kernel, modules, "console=ttyS0");
        return KernelEntry.enter(memory, handoff.eax(), handoff.ebx(), kernel.physicalStart(), kernel.physicalEnd(),
                low, "test");
    }

    @Test
    void enter_pc128M_countsEveryFrameOnce() {
        BootReport report = boot(LowMemory.FIRST_MIB, List.of());
        // 0x9F frames below 640 KiB and 0x7EE0 from 1 MiB to 128 MiB - 128 KiB.
        assertThat(report.usableFrames()).isEqualTo(32_639);
        assertThat(report.framesOf(FrameOwner.KERNEL_IMAGE)).isEqualTo(256);
        assertThat(report.framesOf(FrameOwner.BOOT_INFORMATION)).isEqualTo(1); // the MBI page at 0x9000
        assertThat(report.framesOf(FrameOwner.LOW_MEMORY)).isEqualTo(0x9F - 1);
        assertThat(report.freeFrames()).isEqualTo(32_639 - 256 - 0x9F);
        // Partial frame 0x9F, [0xF0000, 1 MiB), the last 128 KiB of RAM, the BIOS at 4 GiB - 256 KiB.
        assertThat(report.framesOf(FrameOwner.FIRMWARE)).isEqualTo(1 + 16 + 32 + 64);
        assertThat(report.topPfn()).isEqualTo(1L << 20);
        long total = report.layout().stream().mapToLong(FrameSpan::frames).sum();
        assertThat(total).isEqualTo(1L << 20);
        assertThat(report.kernelStart()).isEqualTo(0x100000);
        assertThat(report.kernelEnd()).isEqualTo(0x200000);
        assertThat(report.freeFrameRanges()).containsExactly(new FrameRange(0x200, 0x7FE0));
        assertThat(report.mbi().cmdline()).contains("console=ttyS0");
        assertThat(report.mbi().bootLoaderName()).contains("pagelab");
    }

    @Test
    void enter_pageZeroOnly_freesLowMemoryButTheMbi() {
        BootReport report = boot(LowMemory.PAGE_ZERO, List.of());
        assertThat(report.framesOf(FrameOwner.LOW_MEMORY)).isEqualTo(1);
        assertThat(report.ownerOf(0)).isEqualTo(FrameOwner.LOW_MEMORY);
        assertThat(report.ownerOf(9)).isEqualTo(FrameOwner.BOOT_INFORMATION);
        assertThat(report.ownerOf(1)).isEqualTo(FrameOwner.FREE);
        assertThat(report.freeFrames()).isEqualTo(32_639 - 256 - 2);
    }

    @Test
    void enter_modules_reservedAfterTheKernel() {
        byte[] initrd = new byte[3 * 4096 + 100];
        BootReport report = boot(LowMemory.FIRST_MIB,
                List.of(new Bootloader.Module("initrd.img", initrd), new Bootloader.Module("fs.tar", new byte[10])));
        assertThat(report.mbi().modules()).hasSize(2);
        assertThat(report.mbi().modules().get(0).startPaddr()).isEqualTo(0x200000);
        assertThat(report.mbi().modules().get(1).startPaddr()).isEqualTo(0x204000);
        assertThat(report.framesOf(FrameOwner.MODULE)).isEqualTo(4 + 1);
        assertThat(report.ownerOf(0x204)).isEqualTo(FrameOwner.MODULE);
        assertThat(report.ownerOf(0x205)).isEqualTo(FrameOwner.FREE);
    }

    @Test
    void enter_wrongMagic_stopsWithClearMessage() {
        PhysicalMemory memory = pc128M();
        assertThatThrownBy(() -> KernelEntry.enter(memory, 0x1BADB002, 0x9000, 0x100000, 0x200000,
                LowMemory.FIRST_MIB, "test")).isInstanceOf(MemoryMapException.class)
                .hasMessageContaining("0x2BADB002");
    }

    @Test
    void load_kernelOnReservedMemory_refusedAndNothingWritten() {
        PhysicalMemory memory = pc128M();
        KernelImage big = KernelImage.builtIn(128L << 20);
        assertThatThrownBy(() -> Bootloader.load(memory, PC_128M, big, List.of(), ""))
                .isInstanceOf(BootException.class).hasMessageContaining("not inside usable RAM");
        assertThat(memory.touchedPages()).isZero();
    }

    @Test
    void load_moduleThatDoesNotFit_namesTheModule() {
        PhysicalMemory memory = pc128M();
        KernelImage kernel = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);
        byte[] huge = new byte[127 << 20];
        assertThatThrownBy(() -> Bootloader.load(memory, PC_128M, kernel, List.of(new Bootloader.Module("huge.bin", huge)), ""))
                .isInstanceOf(BootException.class).hasMessageStartingWith("huge.bin");
        assertThat(memory.touchedPages()).isZero();
    }

    @Test
    void load_kernelWithoutMultibootHeader_refused() {
        byte[] elf = KernelImage.builtIn(64 * 1024).toElf();
        elf[0x1000] = 0;
        KernelImage kernel = KernelImage.readElf("plain.elf", elf);
        assertThatThrownBy(() -> Bootloader.load(pc128M(), PC_128M, kernel, List.of(), ""))
                .isInstanceOf(BootException.class).hasMessageContaining("plain.elf").hasMessageContaining("Multiboot header");
    }
}
