package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file reader of the boot package against files that never end or claim gigabytes: each
 * stops at its own limit with its own exception, naming the file, what was expected and the limit.
 */
class ReaderLimitsTest {
    private static final Path DEV_ZERO = Path.of("/dev/zero");
    private static final Path DEV_URANDOM = Path.of("/dev/urandom");

    @TempDir
    Path dir;

    @BeforeEach
    void devicesExist() {
        assumeTrue(Files.isReadable(DEV_ZERO) && Files.isReadable(DEV_URANDOM), "needs /dev/zero and /dev/urandom");
    }

    @Test
    void e820_endlessDevice_isRefusedAt16MiB() {
        assertThatThrownBy(() -> E820Text.parse(DEV_ZERO))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("/dev/zero: expected a dmesg paste with BIOS-e820: lines (at most 16 MiB, 16,777,216 bytes),"
                        + " found more");
    }

    @Test
    void sysfs_startLinkedToAnEndlessDevice_isRefusedAfterOnePage() throws IOException {
        Path entry = Files.createDirectories(dir.resolve("0"));
        Files.createSymbolicLink(entry.resolve("start"), DEV_ZERO);
        Files.writeString(entry.resolve("end"), "0x9fbff\n");
        Files.writeString(entry.resolve("type"), "System RAM\n");

        assertThatThrownBy(() -> SysfsMemmap.read(dir))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage(entry.resolve("start") + ": expected a sysfs attribute of one line (at most 4 KiB, 4,096"
                        + " bytes), found more");
    }

    @Test
    void physicalImage_device_isRefusedBeforeReading() {
        assertThatThrownBy(() -> PhysicalImage.read(DEV_URANDOM))
                .isInstanceOf(MemoryMapException.class)
                .hasMessage("/dev/urandom: is not a regular file (a device, a pipe or a socket); expected a"
                        + " physical-memory image such as QEMU's 'pmemsave 0 SIZE FILE' writes");
    }

    @Test
    void multiboot2_endlessDevice_readsAtMostTheStructuresLimit() {
        assertThatThrownBy(() -> Multiboot2Info.read(DEV_ZERO)).isInstanceOf(MemoryMapException.class);
    }
}
