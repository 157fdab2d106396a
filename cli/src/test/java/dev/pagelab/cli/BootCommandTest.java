package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import dev.pagelab.kernel.KernelEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                List.of(), "from an image", KernelEntry.LowMemory.FIRST_MIB);
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
