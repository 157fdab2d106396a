package dev.pagelab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.Multiboot1Info;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Part 1 of the conformance suite: for every built-in machine, QEMU boots the stub with that
 * machine and size, the stub dumps the Multiboot information QEMU's loader wrote (the memory map
 * comes from SeaBIOS's E820 table), pagelab's Multiboot reader parses those bytes, and the map
 * must be the built-in profile's, entry for entry and in order. The MBI's mem_lower and
 * mem_upper must be what pagelab's own loader writes for that profile.
 */
@Conformance
class MemoryMapConformanceTest {
    private static final AtomicInteger MAPS = new AtomicInteger();
    private static final AtomicInteger ENTRIES = new AtomicInteger();

    static List<MachineProfile> profiles() {
        return MachineProfiles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void qemuMultibootMap_equalsBuiltInProfile(MachineProfile profile) {
        StubBoot boot;
        try (QemuRun run = QemuRun.start(profile, "qemu32", StubKernel.get(), null, false)) {
            boot = StubBoot.read(run);
            assertThat(run.exitStatus()).as("QEMU's exit status (isa-debug-exit 0)\n%s", run.context())
                    .isEqualTo(QemuRun.STUB_SUCCESS);
        }
        assertThat(boot.magic()).isEqualTo(Multiboot1Info.MAGIC);
        Multiboot1Info info = Multiboot1Info.read(boot.memory(), boot.mbiPaddr()).requireMmap();

        assertThat(info.regions()).as("the mmap entries QEMU hands over, in order").isEqualTo(profile.map().regions());
        assertThat(MemoryMap.of(info.regions())).isEqualTo(profile.map());
        assertThat(info.warnings()).isEmpty();

        Multiboot1Info ours = pagelabLoaderInfo(profile);
        assertThat(info.memLowerKiB()).as("mem_lower").isEqualTo(ours.memLowerKiB());
        assertThat(info.memUpperKiB()).as("mem_upper").isEqualTo(ours.memUpperKiB());
        MAPS.incrementAndGet();
        ENTRIES.addAndGet(info.regions().size());
    }

    /** The MBI pagelab's loader writes for {@code profile}, read back. */
    private static Multiboot1Info pagelabLoaderInfo(MachineProfile profile) {
        var memory = profile.physicalMemory();
        var handoff = Bootloader.load(memory, profile.map().regions(), KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
                List.of(), "");
        return Multiboot1Info.read(memory, handoff.ebx());
    }

    @AfterAll
    static void report() {
        System.err.printf("conformance: %d memory maps compared with QEMU, %d entries%n", MAPS.get(), ENTRIES.get());
    }
}
