package dev.pagelab.kernel;

import dev.pagelab.boot.BootException;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.FrameLayout;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.Multiboot1Info;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * The first thing the kernel does, as the seeds' {@code kmain} ({@code kernel_main}) does it:
 * check the bootloader's magic, read the Multiboot information from physical memory (never from
 * the loader's Java objects), sanitise the memory map, and work out who holds every frame by the
 * rules of {@link FrameLayout}.
 */
public final class KernelEntry {
    private KernelEntry() {
    }

    /**
     * Runs the kernel's entry checks on the machine as the loader left it.
     *
     * @param eax         EAX at entry: must be 0x2BADB002
     * @param ebx         EBX at entry: the MBI's physical address
     * @param kernelStart the linker label {@code kernel_physical_start}
     * @param kernelEnd   the linker label {@code kernel_physical_end}
     * @param source      where the map came from, for the report
     * @throws dev.pagelab.boot.MemoryMapException when the magic is wrong or the MBI cannot be read
     * @throws BootException when the MBI has no memory information at all, or a module record lies
     *                       outside usable RAM or on the kernel image
     */
    public static BootReport enter(PhysicalMemory memory, int eax, long ebx, long kernelStart, long kernelEnd,
                                   LowMemory lowMemory, String source) {
        Multiboot1Info.checkMagic(eax);
        Multiboot1Info mbi = Multiboot1Info.read(memory, ebx);
        List<String> warnings = new ArrayList<>(mbi.warnings());
        if (mbi.regions().isEmpty()) {
            throw new BootException("MBI at " + Addresses.hex(ebx), "flags", "no memory map and no mem_lower/mem_upper:"
                    + " the kernel cannot know which memory is free");
        }
        MemoryMap.Sanitized sanitized = MemoryMap.sanitize(mbi.regions());
        MemoryMap map = sanitized.map();
        List<FrameSpan> layout = FrameLayout.of(memory, mbi, map, kernelStart, kernelEnd, lowMemory);
        return new BootReport(source, mbi, map, sanitized.changes(), sanitized.notes(), kernelStart, kernelEnd, layout, warnings);
    }
}
