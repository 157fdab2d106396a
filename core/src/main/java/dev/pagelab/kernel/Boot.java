package dev.pagelab.kernel;

import dev.pagelab.boot.BootModule;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.Multiboot1Info;
import dev.pagelab.boot.PhysicalImage;
import dev.pagelab.boot.RegionType;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.nio.file.Path;
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
                           List<Bootloader.Module> modules, String commandLine, LowMemory lowMemory) {
        Bootloader.Handoff handoff = Bootloader.load(memory, firmwareMap, kernel, modules, commandLine);
        BootReport report = KernelEntry.enter(memory, handoff.eax(), handoff.ebx(), kernel.physicalStart(),
                kernel.physicalEnd(), lowMemory, source);
        return new Boot(memory, kernel, handoff, report);
    }

    /** Boots {@code kernel} on a built-in machine. */
    public static Boot run(MachineProfile machine, KernelImage kernel, List<Bootloader.Module> modules,
                           String commandLine, LowMemory lowMemory) {
        return run("machine " + machine.name(), machine.physicalMemory(), machine.map().regions(), kernel, modules,
                commandLine, lowMemory);
    }

    /**
     * The kernel's entry on a physical-memory image another loader left (a QEMU {@code pmemsave}
     * dump): EBX is {@code mbiPaddr}, the linker labels come from {@code kernel}. The image is
     * loaded at address 0 of a 4 GiB memory that is RAM throughout; where it is shorter than the
     * RAM its map describes (a dump of the first megabytes), the rest is zero RAM, and the report
     * says so in a warning. The handoff's {@code mbiEnd} is the end of the structure itself, and
     * its modules are the MBI's.
     *
     * @param source where the image came from, for the report
     * @throws dev.pagelab.boot.MemoryMapException when the image cannot be read or its MBI is bad
     * @throws dev.pagelab.boot.BootException       when a module record lies outside RAM or on the kernel
     */
    public static Boot fromImage(String source, Path imageFile, long mbiPaddr, KernelImage kernel,
                                 LowMemory lowMemory) {
        long imageBytes = PhysicalImage.imageBytes(imageFile);
        PhysicalMemory memory = PhysicalImage.read(imageFile, PhysicalMemory.MAX_BYTES);
        BootReport report = KernelEntry.enter(memory, Multiboot1Info.MAGIC, mbiPaddr, kernel.physicalStart(),
                kernel.physicalEnd(), lowMemory, source);
        long ramEnd = ramEnd(report.map());
        if (ramEnd > imageBytes) {
            report = report.withWarning("the image " + imageFile + " holds the first " + Addresses.hex(imageBytes)
                    + " bytes of physical memory and the map has RAM up to " + Addresses.hex(ramEnd)
                    + ": the rest of RAM reads as zeros, as fresh RAM would");
        }
        for (BootModule m : report.mbi().modules()) {
            if (Long.compareUnsigned(m.endPaddr(), imageBytes) > 0) {
                report = report.withWarning("module '" + m.string() + "' [" + Addresses.hex(m.startPaddr()) + ", "
                        + Addresses.hex(m.endPaddr()) + ") lies past the end of the image at " + Addresses.hex(imageBytes)
                        + ": its bytes past it read as zeros");
            }
        }
        List<Bootloader.LoadedModule> modules = report.mbi().modules().stream()
                .map(m -> new Bootloader.LoadedModule(m.string(), m.startPaddr(), m.endPaddr())).toList();
        return new Boot(memory, kernel, new Bootloader.Handoff(Multiboot1Info.MAGIC, mbiPaddr,
                mbiPaddr + Multiboot1Info.INFO_BYTES, modules), report);
    }

    /** The end of the last RAM region (usable or ACPI) below 4 GiB, page aligned up. */
    private static long ramEnd(MemoryMap map) {
        long end = 0;
        for (MemoryRegion r : map.regions()) {
            if (Long.compareUnsigned(r.base(), MemoryMap.ADDRESSABLE_LIMIT) < 0 && isRam(r)) {
                end = Math.max(end, Long.compareUnsigned(r.end(), MemoryMap.ADDRESSABLE_LIMIT) >= 0
                        ? MemoryMap.ADDRESSABLE_LIMIT : Addresses.alignUp(r.end()));
            }
        }
        return end;
    }

    private static boolean isRam(MemoryRegion r) {
        return r.type().isUsable() || r.type().equals(RegionType.ACPI_RECLAIMABLE)
                || r.type().equals(RegionType.ACPI_NVS);
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
            if (!isRam(r)) {
                continue;
            }
            long start = Addresses.alignDown(r.base());
            // Unsigned: a region may end anywhere up to 2^64, past 2^63 a negative long.
            long end = Long.compareUnsigned(r.end(), MemoryMap.ADDRESSABLE_LIMIT) >= 0 ? MemoryMap.ADDRESSABLE_LIMIT
                    : Addresses.alignUp(r.end());
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
