package dev.pagelab.kernel;

import dev.pagelab.boot.BootException;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.Multiboot1Info;
import dev.pagelab.boot.RegionType;
import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Boots from maps and images that used to break the boot: regions past 2^63, images shorter than RAM. */
class BootTest {
    private static final KernelImage KERNEL = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);

    @TempDir
    Path dir;

    /** The usable region of an E820 line {@code [mem 0x100000-0x8000000000000fff] usable}: its end is past 2^63. */
    private static final List<MemoryRegion> HUGE_END = List.of(
            MemoryRegion.between(0, 0x9FC00, RegionType.USABLE),
            MemoryRegion.between(0x10_0000, 0x8000_0000_0000_1000L, RegionType.USABLE));

    @Test
    void memoryFor_usableRegionEndingPast2To63_isRamUpTo4GiB() {
        PhysicalMemory memory = Boot.memoryFor(MemoryMap.of(HUGE_END));

        assertThat(memory.isRam(0x10_0000)).isTrue();
        assertThat(memory.isRam(0xFFFF_F000L)).isTrue();
        assertThat(memory.isRam(0xA_0000)).as("the gap below 1 MiB").isFalse();
    }

    @Test
    void run_usableRegionEndingPast2To63_bootsWithEveryFrameBelow4GiB() {
        Boot boot = Boot.run("e820 huge", Boot.memoryFor(MemoryMap.of(HUGE_END)), HUGE_END, KERNEL, List.of(), "",
                LowMemory.FIRST_MIB);

        assertThat(boot.report().usableFrames()).isEqualTo(0x9F + (0x10_0000 - 0x100));
        assertThat(boot.memory().read32(Bootloader.MBI_PADDR + Multiboot1Info.OFFSET_MEM_LOWER)).isEqualTo(639);
        assertThat(Integer.toUnsignedLong(boot.memory().read32(Bootloader.MBI_PADDR + Multiboot1Info.OFFSET_MEM_UPPER)))
                .as("KiB from 1 MiB to 4 GiB").isEqualTo((4L << 20) - 1024);
    }

    /** A pmemsave of the first {@code bytes} of a qemu-pc-16M that pagelab's loader booted with one module. */
    private Path image(long bytes, List<Bootloader.Module> modules) throws IOException {
        Boot boot = Boot.run(MachineProfiles.byName("qemu-pc-16M"), KERNEL, modules, "from an image",
                LowMemory.FIRST_MIB);
        Path file = dir.resolve("ram-" + bytes + ".bin");
        Files.write(file, boot.memory().readBytes(0, (int) bytes));
        return file;
    }

    @Test
    void fromImage_shortImage_bootsWithTheRestOfRamZeroAndSaysSo() throws IOException {
        Path shortImage = image(0x11_0000, List.of());
        Path fullImage = image(16 << 20, List.of());

        Boot fromShort = Boot.fromImage("image short", shortImage, Bootloader.MBI_PADDR, KERNEL,
                LowMemory.FIRST_MIB);
        Boot fromFull = Boot.fromImage("image full", fullImage, Bootloader.MBI_PADDR, KERNEL,
                LowMemory.FIRST_MIB);

        assertThat(fromShort.report().freeFrameRanges()).isEqualTo(fromFull.report().freeFrameRanges());
        assertThat(fromShort.report().mbi().cmdline()).contains("from an image");
        assertThat(fromShort.report().warnings()).anySatisfy(w -> assertThat(w).contains(shortImage.toString(),
                "holds the first 0x00110000 bytes", "RAM up to 0x00FE0000", "reads as zeros"));
        assertThat(fromFull.report().warnings()).noneSatisfy(w -> assertThat(w).contains("reads as zeros"));
        Kernel kernel = Kernel.start(fromShort, KernelConfig.DEFAULT);
        kernel.checkInvariants();
        assertThat(kernel.vm().kmmap(64 << 10)).isNotEqualTo(dev.pagelab.vmm.KernelMemory.FAILED);
    }

    @Test
    void fromImage_modulePastTheImage_isAcceptedWithAWarning() throws IOException {
        Path shortImage = image(0x11_0000, List.of(new Bootloader.Module("initrd", new byte[5000])));

        Boot boot = Boot.fromImage("image", shortImage, Bootloader.MBI_PADDR, KERNEL, LowMemory.FIRST_MIB);

        assertThat(boot.report().mbi().modules()).hasSize(1);
        assertThat(boot.report().warnings()).anySatisfy(w -> assertThat(w).contains("module 'initrd'",
                "past the end of the image"));
    }

    @Test
    void fromImage_moduleRecordOutsideRamOrOnTheKernel_isRefused() throws IOException {
        Path file = image(16 << 20, List.of(new Bootloader.Module("initrd", new byte[5000])));
        byte[] bytes = Files.readAllBytes(file);
        long mods = Integer.toUnsignedLong(readLe32(bytes, Bootloader.MBI_PADDR + Multiboot1Info.OFFSET_MODS_ADDR));

        writeLe32(bytes, mods, 0x0800_0000); // mod_start past the 16 MiB of RAM
        writeLe32(bytes, mods + 4, 0x0800_1000);
        Files.write(file, bytes);
        assertThatThrownBy(() -> Boot.fromImage("image", file, Bootloader.MBI_PADDR, KERNEL,
                LowMemory.FIRST_MIB)).isInstanceOf(BootException.class)
                .hasMessageContainingAll("MBI at 0x00009000", "module 0 'initrd'", "[0x08000000, 0x08001000)",
                        "outside usable RAM");

        writeLe32(bytes, mods, 0x0018_0000); // inside the kernel image [1 MiB, 2 MiB)
        writeLe32(bytes, mods + 4, 0x0018_1000);
        Files.write(file, bytes);
        assertThatThrownBy(() -> Boot.fromImage("image", file, Bootloader.MBI_PADDR, KERNEL,
                LowMemory.FIRST_MIB)).isInstanceOf(BootException.class)
                .hasMessageContainingAll("module 0 'initrd'", "overlaps the kernel image [0x00100000, 0x00200000)");
    }

    private static int readLe32(byte[] b, long at) {
        int i = (int) at;
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static void writeLe32(byte[] b, long at, int value) {
        for (int k = 0; k < 4; k++) {
            b[(int) at + k] = (byte) (value >>> (8 * k));
        }
    }
}
