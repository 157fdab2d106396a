package dev.pagelab.scenario;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.kernel.Boot;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import java.util.List;

/** Where a scenario's machine comes from: a built-in profile or a memory map read from a file. */
public sealed interface MachineSource {
    /** The built-in kernel image booted on this machine, and the kernel started with {@code config}. */
    Kernel boot(KernelConfig config);

    /** A built-in QEMU profile, {@code qemu-pc-16M}. */
    record Builtin(String name) implements MachineSource {
        @Override
        public Kernel boot(KernelConfig config) {
            return Kernel.boot(name, config);
        }

        @Override
        public String toString() {
            return "machine " + name;
        }
    }

    /**
     * A machine whose firmware reports the E820 map of a dmesg paste.
     *
     * @param file    the file as the scenario names it
     * @param regions its regions, read when the scenario was
     */
    record E820(String file, List<MemoryRegion> regions) implements MachineSource {
        public E820 {
            regions = List.copyOf(regions);
        }

        @Override
        public Kernel boot(KernelConfig config) {
            Boot boot = Boot.run("e820 " + file, Boot.memoryFor(MemoryMap.sanitize(regions).map()), regions,
                    KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(), "", LowMemory.FIRST_MIB);
            return Kernel.start(boot, config);
        }

        @Override
        public String toString() {
            return "e820 " + file;
        }
    }

    /**
     * The built-in machine {@code name} (case does not matter), checked against the profiles.
     *
     * @throws IllegalArgumentException listing the known machines
     */
    static MachineSource builtin(String name) {
        return new Builtin(MachineProfiles.byName(name).name());
    }
}
