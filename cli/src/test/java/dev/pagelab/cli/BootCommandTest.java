package dev.pagelab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

class BootCommandTest {
    @TempDir
    Path dir;

    @Test
    void boot_default_printsLinuxStyleMapTotalsAndPicture() {
        CliRun run = CliRun.of("boot", "--color", "never");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("pagelab boot: machine qemu-pc-128M")
                .contains("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable")
                .contains("BIOS-e820: [mem 0x0000000000100000-0x0000000007fdffff] usable")
                .contains("32,639 usable in the map, 32,224 free for the allocator")
                .contains("kernel image            256 frames")
                .contains("Kernel image: [0x00100000, 0x00200000)")
                .contains("'K' kernel image")
                .doesNotContain("\u001B[");
    }

    @Test
    void boot_json_hasTheDocumentedFields() throws Exception {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--json", "--low-memory", "page-zero");
        assertThat(run.status()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("regions")).isNotEmpty();
        assertThat(json.get("regions").get(0).get("base").asLong()).isZero();
        assertThat(json.get("regions").get(0).get("length").asLong()).isEqualTo(0x9FC00);
        assertThat(json.get("regions").get(0).get("type").asInt()).isEqualTo(1);
        // 16 MiB: 0x9F frames below 640 KiB, [1 MiB, 16 MiB - 128 KiB) above.
        assertThat(json.get("usableFrames").asLong()).isEqualTo(0x9F + (0xFE0 - 0x100));
        assertThat(json.get("reservedFrames").get("kernelImage").asLong()).isEqualTo(256);
        assertThat(json.get("reservedFrames").get("lowMemory").asLong()).isEqualTo(1);
        assertThat(json.get("notAddressableBytes").asLong()).isZero();
        assertThat(json.get("kernelStart").asLong()).isEqualTo(0x100000);
        assertThat(json.get("kernelEnd").asLong()).isEqualTo(0x200000);
    }

    @Test
    void boot_withBitmapAllocator_showsItsMetadataAndColoursIt() {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--allocator", "bitmap", "--color", "never");
        assertThat(run.status()).as(run.err()).isZero();
        // 3,551 free at entry, less the start-up's: the directory, the kernel's page table, the
        // page-range bitmaps (56,320 bytes = 14 frames and 196,608 bytes = 48 frames) and their table.
        assertThat(run.out()).contains("Frame allocator 'bitmap': 3,486 of 3,551 frames free after start-up,"
                        + " 1 frames of metadata")
                .contains("metadata at [0x00200000, 0x00201000)")
                .contains("'A' allocator metadata", "'P' page table", "'D' kernel data")
                .containsPattern("0x00200000 AP");
    }

    @Test
    void boot_withBuddyAllocatorJson_reportsPerOrderDetails() throws Exception {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--allocator", "buddy", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode allocator = new ObjectMapper().readTree(run.out()).get("allocator");
        assertThat(allocator.get("name").asText()).isEqualTo("buddy");
        assertThat(allocator.get("freeFrames").asLong()).isEqualTo(3552 - 1 - 1 - 14 - 48 - 1);
        assertThat(allocator.get("details").toString()).contains("order");
    }

    @Test
    void boot_default_printsTheKernelStartUpAndItsAddressSpace() {
        CliRun run = CliRun.of("boot", "--color", "never");
        assertThat(run.out()).contains("Kernel start-up (allocator bitmap, temporary-mapping, 4 KiB kernel pages):")
                .contains("paging on")
                .contains("---[ Kernel Mapping ]---")
                .contains("0xc0100000-0xc01a0000   640K      ro                 pte -> 0x00100000")
                .contains("0xc03fe000-0xc03ff000     4K      RW                 pte -> ");
    }

    @Test
    void boot_recursiveLargePagesJson_pagingSection() throws Exception {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--table-access", "recursive", "--large-pages",
                "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode paging = new ObjectMapper().readTree(run.out()).get("paging");
        assertThat(paging.get("tableAccess").asText()).isEqualTo("recursive");
        assertThat(paging.get("cr0").asLong()).isEqualTo(0x8001_0001L);
        assertThat(paging.get("cr4").asLong()).isEqualTo(0x10);
        JsonNode first = paging.get("addressSpace").get(0);
        assertThat(first.get("vaddr").asLong()).isEqualTo(0xC000_0000L);
        assertThat(first.get("bytes").asLong()).isEqualTo(4L << 20);
        assertThat(first.get("level").asText()).isEqualTo("pde");
    }

    @Test
    void boot_dumpMemory_writesEveryTableFrameAndRegisters() throws Exception {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--dump-memory", dir.toString(), "--color", "never");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode registers = new ObjectMapper().readTree(dir.resolve("registers.json").toFile());
        long cr3 = registers.get("cr3").asLong();
        assertThat(registers.get("cr0").asLong()).isEqualTo(0x8001_0001L);
        assertThat(registers.get("cr4").asLong()).isZero();
        // The directory (frame 0x201), the kernel's table (0x202) and the bitmaps' table.
        List<String> names;
        try (var files = Files.list(dir.resolve("frames"))) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).hasSize(3).contains(String.format("%08X.bin", cr3), "00202000.bin");
        byte[] directory = Files.readAllBytes(dir.resolve("frames").resolve(String.format("%08X.bin", cr3)));
        assertThat(directory).hasSize(4096);
        // PDE 768 = table 0x202 | P | R/W (A set by the kernel's own accesses).
        int pde768 = (directory[3072] & 0xFF) | (directory[3073] & 0xFF) << 8 | (directory[3074] & 0xFF) << 16
                | (directory[3075] & 0xFF) << 24;
        assertThat(pde768 & ~0x20).isEqualTo(0x0020_2003);
        assertThat(run.out()).contains("Wrote 3 page-table frames and registers.json to " + dir);
    }

    @Test
    void boot_unknownTableAccess_listsTheKnownOnes() {
        CliRun run = CliRun.of("boot", "--table-access", "magic");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("'magic'", "temporary-mapping, recursive, direct-map");
    }

    @Test
    void boot_kernelTooLargeForTheSlot_explainsTheChoice() {
        CliRun run = CliRun.of("boot", "--kernel-size", "4M");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("temporary-mapping", "recursive or direct-map");
        assertThat(CliRun.of("boot", "--kernel-size", "4M", "--table-access", "recursive").status()).isZero();
    }

    @Test
    void boot_unknownAllocator_listsTheKnownOnes() {
        CliRun run = CliRun.of("boot", "--allocator", "slab");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("slab").contains("bitmap, bump, free-list, buddy");
    }

    @Test
    void boot_listMachines_namesAllSeven() {
        CliRun run = CliRun.of("boot", "--list-machines");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("qemu-pc-16M", "qemu-pc-128M", "qemu-pc-1G", "qemu-pc-3G", "qemu-pc-4G",
                "qemu-q35-128M", "qemu-q35-3G");
    }

    @Test
    void boot_e820FileWithModule_loadsModuleAfterKernel() throws Exception {
        Path dmesg = dir.resolve("dmesg.txt");
        Files.writeString(dmesg, """
                [    0.000000] Linux version 6.1.0
                [    0.000000] BIOS-provided physical RAM map:
                [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                [    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
                [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x0000000003ffffff] usable
                [    0.000000] NX (Execute Disable) protection: active
                """);
        Path module = dir.resolve("initrd.img");
        Files.write(module, new byte[5000]);
        CliRun run = CliRun.of("boot", "--e820", dmesg.toString(), "--module", module.toString(), "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("modules").get(0).get("string").asText()).isEqualTo("initrd.img");
        assertThat(json.get("modules").get(0).get("start").asLong()).isEqualTo(0x200000);
        assertThat(json.get("reservedFrames").get("module").asLong()).isEqualTo(2);
    }

    @Test
    void boot_multiboot2File_usesItsMemoryMapTag() throws Exception {
        // Multiboot 2 information: total_size, reserved, tag 6 (type, size, entry_size 24,
        // entry_version 0, entries of base u64, length u64, type u32, reserved u32), end tag.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 16 + 3 * 24 + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).putInt(0);
        b.putInt(6).putInt(16 + 3 * 24).putInt(24).putInt(0);
        b.putLong(0).putLong(0x9FC00).putInt(1).putInt(0);
        b.putLong(0x9FC00).putLong(0x400).putInt(2).putInt(0);
        b.putLong(0x100000).putLong(0x1F00000).putInt(1).putInt(0);
        b.putInt(0).putInt(8);
        Path file = dir.resolve("mb2.bin");
        Files.write(file, b.array());
        CliRun run = CliRun.of("boot", "--multiboot2", file.toString(), "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("usableFrames").asLong()).isEqualTo(0x9F + 0x1F00);
        assertThat(json.get("source").asText()).startsWith("multiboot2");
    }

    @Test
    void boot_sysfsFolder_readsStartEndType() throws Exception {
        String[][] entries = {{"0x0", "0x9fbff", "System RAM"}, {"0x9fc00", "0x9ffff", "Reserved"},
            {"0x100000", "0x3ffffff", "System RAM"}};
        for (int i = 0; i < entries.length; i++) {
            Path entry = Files.createDirectories(dir.resolve("memmap").resolve(Integer.toString(i)));
            Files.writeString(entry.resolve("start"), entries[i][0] + "\n");
            Files.writeString(entry.resolve("end"), entries[i][1] + "\n");
            Files.writeString(entry.resolve("type"), entries[i][2] + "\n");
        }
        CliRun run = CliRun.of("boot", "--sysfs", dir.resolve("memmap").toString(), "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("usableFrames").asLong()).isEqualTo(0x9F + (0x4000 - 0x100));
    }

    @Test
    void boot_kernelElf_usesItsSegments() throws Exception {
        Path elf = dir.resolve("kernel.elf");
        Files.write(elf, KernelImage.builtIn(64 * 1024).toElf());
        CliRun run = CliRun.of("boot", "--kernel", elf.toString(), "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("kernelStart").asLong()).isEqualTo(0x100000);
        assertThat(json.get("kernelEnd").asLong()).isEqualTo(0x110000);
        assertThat(json.get("reservedFrames").get("kernelImage").asLong()).isEqualTo(16);
    }

    @Test
    void boot_notAnElf_namesTheFile() throws Exception {
        Path elf = dir.resolve("kernel.bin");
        Files.writeString(elf, "MZ this is a PE file, not ELF, padded to be long enough for a header....");
        CliRun run = CliRun.of("boot", "--kernel", elf.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("kernel.bin").contains("not an ELF file");
    }

    @Test
    void boot_garbageE820_namesFileAndLine() throws Exception {
        Path dmesg = dir.resolve("bad.txt");
        Files.writeString(dmesg, "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\nBIOS-e820: [mem 0x0-zz] usable\n");
        CliRun run = CliRun.of("boot", "--e820", dmesg.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("bad.txt:2").contains("expected");
    }

    @Test
    void boot_physicalImage_readsWhatAnotherLoaderLeft() throws Exception {
        // A "pmemsave" of the first 16 MiB after pagelab's own loader booted qemu-pc-16M.
        Boot boot = Boot.run(MachineProfiles.byName("qemu-pc-16M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
                List.of(), "from an image", LowMemory.FIRST_MIB);
        PhysicalMemory memory = boot.memory();
        Path image = dir.resolve("mem.raw");
        Files.write(image, memory.readBytes(0, 16 << 20));
        CliRun run = CliRun.of("boot", "--physical-image", image.toString(), "--mbi", "0x9000", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("freeFrames").asLong()).isEqualTo(boot.report().freeFrames());
        assertThat(json.get("cmdline").asText()).isEqualTo("from an image");
    }

    @Test
    void boot_mbiWithoutImage_refusedByParser() {
        CliRun run = CliRun.of("boot", "--mbi", "0x9000");
        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("--physical-image");
    }

    @Test
    void boot_twoSources_refused() {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--this-machine");
        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("mutually exclusive");
    }
}
