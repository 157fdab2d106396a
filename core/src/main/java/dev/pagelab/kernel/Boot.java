package dev.pagelab.kernel;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.Multiboot1Info;
import dev.pagelab.boot.RegionType;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.List;

/**
 * A whole boot, start to finish: the loader puts the kernel, the modules and the Multiboot
 * information into the machine's memory, then the kernel's entry reads it all back from that
 * memory and works out its free frames.
 *
 * @param memory  the machine's physical memory, as the boot left it
 * @param kernel  the kernel image that was loaded
 * @param handoff the registers and placements the loader handed over
 * @param report  what the kernel learned
 */
public record Boot(PhysicalMemory memory, KernelImage kernel, Bootloader.Handoff handoff, BootReport report) {

    /**
     * Boots {@code kernel} on a machine with {@code memory} whose firmware reports {@code firmwareMap}.
     *
     * @param source where the map came from, for the report
     */
    public static Boot run(String source, PhysicalMemory memory, List<MemoryRegion> firmwareMap, KernelImage kernel,
                           List<Bootloader.Module> modules, String commandLine, KernelEntry.LowMemory lowMemory) {
        Bootloader.Handoff handoff = Bootloader.load(memory, firmwareMap, kernel, modules, commandLine);
        BootReport report = KernelEntry.enter(memory, handoff.eax(), handoff.ebx(), kernel.physicalStart(),
                kernel.physicalEnd(), lowMemory, source);
        return new Boot(memory, kernel, handoff, report);
    }

    /** Boots {@code kernel} on a built-in machine. */
    public static Boot run(MachineProfile machine, KernelImage kernel, List<Bootloader.Module> modules,
                           String commandLine, KernelEntry.LowMemory lowMemory) {
        return run("machine " + machine.name(), machine.physicalMemory(), machine.map().regions(), kernel, modules,
                commandLine, lowMemory);
    }

    /**
     * The kernel's entry on a memory image some other loader prepared (a QEMU {@code pmemsave}
     * dump): EBX is {@code mbiPaddr}, the linker labels come from {@code kernel}.
     */
    public static BootReport fromImage(String source, PhysicalMemory image, long mbiPaddr, KernelImage kernel,
                                       KernelEntry.LowMemory lowMemory) {
        return KernelEntry.enter(image, Multiboot1Info.MAGIC, mbiPaddr, kernel.physicalStart(), kernel.physicalEnd(),
                lowMemory, source);
    }

    /**
     * A physical memory for a machine known only by its map: the 4 GiB address space with RAM
     * wherever the map has usable or ACPI memory (a partial page counts as RAM), and holes
     * (0xFF, writes dropped) everywhere else below 4 GiB.
     */
    public static PhysicalMemory memoryFor(MemoryMap map) {
        PhysicalMemory.Builder builder = PhysicalMemory.builder(PhysicalMemory.MAX_BYTES);
        long ramEnd = 0;
        for (MemoryRegion r : map.regions()) {
            if (Long.compareUnsigned(r.base(), MemoryMap.ADDRESSABLE_LIMIT) >= 0) {
                break;
            }
            boolean ram = r.type().isUsable() || r.type().equals(RegionType.ACPI_RECLAIMABLE)
                    || r.type().equals(RegionType.ACPI_NVS);
            if (!ram) {
                continue;
            }
            long start = Addresses.alignDown(r.base());
            long end = Math.min(Addresses.alignUp(r.end()), MemoryMap.ADDRESSABLE_LIMIT);
            if (start > ramEnd) {
                builder.hole(ramEnd, start - ramEnd);
            }
            ramEnd = Math.max(ramEnd, end);
        }
        if (ramEnd < PhysicalMemory.MAX_BYTES) {
            builder.hole(ramEnd, PhysicalMemory.MAX_BYTES - ramEnd);
        }
        return builder.build();
    }
}
