package dev.pagelab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.kernel.Boot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a hostile tester gives the command line: endless devices, sparse files of gigabytes,
 * regions past 2^63, short images, control characters. Each ends in exit status 2 and one line
 * naming the file, what was expected and the limit, or works; never a stack trace.
 */
class HostileInputTest {
    private static final String DEV_ZERO = "/dev/zero";

    @TempDir
    Path dir;

    private static void assumeDevices() {
        assumeTrue(Files.isReadable(Path.of(DEV_ZERO)) && Files.isReadable(Path.of("/dev/urandom")),
                "needs /dev/zero and /dev/urandom");
    }

    private static void assertOneLineError(CliRun run, String... parts) {
        assertThat(run.status()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).containsSubsequence(parts).doesNotContain("Exception", "\tat ");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    private Path sparse(String name, long bytes) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    @Test
    void boot_moduleFromDevZero_isRefusedAtTheMachinesRam() {
        assumeDevices();

        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--module", DEV_ZERO);

        assertOneLineError(run, "pagelab boot: /dev/zero: expected a Multiboot module that fits in the usable RAM of"
                + " machine qemu-pc-16M (at most ", " MiB", "found more");
    }

    @Test
    void boot_kernelSparseFileOf3GiB_isRefusedBeforeReading() throws IOException {
        Path kernel = sparse("kernel.elf", 3L << 30);

        CliRun run = CliRun.of("boot", "--kernel", kernel.toString());

        assertOneLineError(run, kernel + ": expected an ELF32 kernel that fits in the usable RAM of machine"
                + " qemu-pc-128M (at most 127.5 MiB", "found 3 GiB (3,221,225,472 bytes)");
    }

    @Test
    void boot_e820FromDevZero_isRefusedAt16MiB() {
        assumeDevices();

        assertOneLineError(CliRun.of("boot", "--e820", DEV_ZERO), "pagelab boot: /dev/zero: expected a dmesg paste",
                "(at most 16 MiB, 16,777,216 bytes), found more");
    }

    @Test
    void boot_sysfsStartLinkedToDevZero_isRefusedAfterOnePage() throws IOException {
        assumeDevices();
        Path entry = Files.createDirectories(dir.resolve("memmap").resolve("0"));
        Files.createSymbolicLink(entry.resolve("start"), Path.of(DEV_ZERO));
        Files.writeString(entry.resolve("end"), "0x9fbff\n");
        Files.writeString(entry.resolve("type"), "System RAM\n");

        assertOneLineError(CliRun.of("boot", "--sysfs", dir.resolve("memmap").toString()), entry.resolve("start")
                + ": expected a sysfs attribute of one line (at most 4 KiB, 4,096 bytes), found more");
    }

    @Test
    void boot_multiboot2FromDevZero_isABadStructureNotAHang() {
        assumeDevices();

        CliRun run = CliRun.of("boot", "--multiboot2", DEV_ZERO);

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("pagelab boot: zero").doesNotContain("Exception");
    }

    @Test
    void boot_physicalImageFromADevice_isRefused() {
        assumeDevices();

        assertOneLineError(CliRun.of("boot", "--physical-image", "/dev/urandom", "--mbi", "0x9000"),
                "/dev/urandom: is not a regular file");
    }

    @Test
    void boot_usableRegionEndingPast2To63_bootsWithAllRamBelow4GiB() throws Exception {
        Path e820 = Files.writeString(dir.resolve("huge.txt"),
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                        + "BIOS-e820: [mem 0x0000000000100000-0x8000000000000fff] usable\n");

        CliRun run = CliRun.of("boot", "--e820", e820.toString(), "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("usableFrames").asLong()).isEqualTo(0x9F + (0x10_0000 - 0x100));
        assertThat(json.get("freeFrames").asLong()).isGreaterThan(1_000_000);
    }

    @Test
    void explain_addressPast2To63_isRefusedByOptionParsing() {
        CliRun run = CliRun.of("explain", "0xFFFFFFFFFFFFFFFF");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid value for positional parameter")
                .contains("'0xFFFFFFFFFFFFFFFF' is past 0xFFFFFFFF, the end of the 32-bit address space");
        assertThat(run.out()).as("nothing was booted").isEmpty();
    }

    // ---------------------------------------------------------------- a memory image shorter than RAM

    /** A pmemsave of the first {@code bytes} of a qemu-pc-16M that pagelab's loader booted. */
    private Path image(long bytes) throws IOException {
        Boot boot = Boot.run(MachineProfiles.byName("qemu-pc-16M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
                List.of(), "from an image", LowMemory.FIRST_MIB);
        return Files.write(dir.resolve("mem-" + bytes + ".raw"), boot.memory().readBytes(0, (int) bytes));
    }

    @Test
    void boot_physicalImageOfTheFirstMegabytes_bootsAndSaysTheRestIsZeroRam() throws Exception {
        Path shortImage = image(0x11_0000);
        Path fullImage = image(16 << 20);

        CliRun fromShort = CliRun.of("boot", "--physical-image", shortImage.toString(), "--mbi", "0x9000", "--color",
                "never");
        CliRun fromFull = CliRun.of("boot", "--physical-image", fullImage.toString(), "--mbi", "0x9000", "--json");

        assertThat(fromShort.status()).as(fromShort.err()).isZero();
        assertThat(fromShort.out()).contains("warning: the image " + shortImage + " holds the first 0x00110000 bytes"
                + " of physical memory and the map has RAM up to 0x00FE0000: the rest of RAM reads as zeros");
        long free = new ObjectMapper().readTree(fromFull.out()).get("freeFrames").asLong();
        assertThat(fromShort.out()).contains(String.format("%,d free for the allocator", free));
    }

    @Test
    void boot_moduleOrCmdlineWithAPhysicalImage_isAnError() throws IOException {
        Path image = image(0x11_0000);
        Path module = Files.writeString(dir.resolve("initrd"), "x");

        CliRun withModule = CliRun.of("boot", "--physical-image", image.toString(), "--mbi", "0x9000", "--module",
                module.toString());
        CliRun withCmdline = CliRun.of("boot", "--physical-image", image.toString(), "--mbi", "0x9000", "--cmdline",
                "quiet");

        assertThat(withModule.status()).isEqualTo(2);
        assertThat(withModule.err()).startsWith("--module cannot be given with --physical-image: the image's Multiboot"
                + " information lists the modules");
        assertThat(withCmdline.status()).isEqualTo(2);
        assertThat(withCmdline.err()).startsWith("--cmdline cannot be given with --physical-image");
    }

    // ---------------------------------------------------------------- text that reaches the terminal

    @Test
    void boot_commandLineWithEscapesAndBidiOverrides_isPrintedEscaped() {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--color", "never", "--cmdline",
                "root=/dev/sda1 \u001B[2J\u001B[31mred\u202Egnp.exe");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("Command line: root=/dev/sda1 \\x1B[2J\\x1B[31mred\\u202Egnp.exe")
                .doesNotContain("\u001B", "\u202E");
    }

    @Test
    void boot_e820TypeWithAnEscapeSequence_isQuotedEscapedInTheError() throws IOException {
        Path e820 = Files.writeString(dir.resolve("evil.txt"),
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] \u001B]0;pwned\u0007usable\n");

        CliRun run = CliRun.of("boot", "--e820", e820.toString());

        assertOneLineError(run, "evil.txt:1: unknown type '\\x1B]0;pwned\\x07usable'");
        assertThat(run.err()).doesNotContain("\u001B", "\u0007");
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    void run_devUrandom_isRefusedAtTheYamlLimit() {
        assumeDevices();

        assertOneLineError(CliRun.of("run", "/dev/urandom"), "pagelab run: /dev/urandom: expected a scenario (YAML)"
                + " (at most 3 MiB, 3,145,728 bytes), found more");
    }

    @Test
    void run_yamlNestedTenThousandDeep_isOneLineWithItsPosition() throws IOException {
        Path deep = Files.writeString(dir.resolve("deep.yaml"),
                "steps:\n  - kmalloc: 8\n    note: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");

        CliRun run = CliRun.of("run", deep.toString());

        assertOneLineError(run, deep + ":3:58: collections nested more than 50 deep");
        assertThat(run.err()).doesNotContain("StackOverflowError");
    }

    @Test
    void run_scenarioWhoseE820IsDevZero_isRefusedAtTheKeysLine() throws IOException {
        assumeDevices();
        Path scenario = Files.writeString(dir.resolve("s.yaml"), "e820: /dev/zero\nsteps:\n  - check\n");

        assertOneLineError(CliRun.of("run", scenario.toString()), scenario + ":1:7: e820: /dev/zero: expected a dmesg"
                + " paste with BIOS-e820: lines (at most 16 MiB");
    }

    @Test
    void run_nonUtf8Scenario_saysNotUtf8WithLineAndColumn() throws IOException {
        Path scenario = Files.write(dir.resolve("latin.yaml"), "title: caf\u00e9\nsteps: [check]\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertOneLineError(CliRun.of("run", scenario.toString()), scenario + ":1:11: not UTF-8: byte 0xE9");
    }
}
