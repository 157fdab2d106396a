package dev.pagelab.cli;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.E820Text;
import dev.pagelab.boot.InputFiles;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.Multiboot2Info;
import dev.pagelab.boot.SysfsMemmap;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Which machine to boot and what the loader puts in it: shared by every command that boots. */
final class MachineOptions {
    static final String DEFAULT_MACHINE = "qemu-pc-128M";

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "%nMemory map source (default: --machine "
            + DEFAULT_MACHINE + "):%n")
    Source source;

    static final class Source {
        @Option(names = "--machine", paramLabel = "NAME", description = "A built-in machine (see --list-machines).")
        String machine;

        // help = true: it needs none of the command's required parameters (explain's VADDR).
        @Option(names = "--list-machines", help = true, description = "List the built-in machines and exit.")
        boolean listMachines;

        @Option(names = "--e820", paramLabel = "FILE", description = "A dmesg paste with BIOS-e820: lines.")
        Path e820;

        @Option(names = "--multiboot2", paramLabel = "FILE",
                description = "A Multiboot 2 information structure (the tag list) whose memory-map tag gives the map.")
        Path multiboot2;

        @Option(names = "--sysfs", paramLabel = "DIR", description = "A copy of a Linux /sys/firmware/memmap folder.")
        Path sysfs;

        @Option(names = "--this-machine", description = "The map of this computer, from /sys/firmware/memmap.")
        boolean thisMachine;

        @ArgGroup(exclusive = false)
        Image image;
    }

    static final class Image {
        @Option(names = "--physical-image", paramLabel = "FILE", required = true,
                description = "A raw physical-memory dump (QEMU: pmemsave 0 SIZE FILE) of a machine a Multiboot loader booted...")
        Path file;

        @Option(names = "--mbi", paramLabel = "ADDR", required = true, converter = AddressConverter.class,
                description = "...and the physical address of its Multiboot information (EBX at entry).")
        long mbi;
    }

    @Option(names = "--kernel", paramLabel = "ELF", description = "An ELF32 i386 Multiboot kernel (default: the built-in one).")
    Path kernel;

    @Option(names = "--kernel-size", paramLabel = "BYTES", defaultValue = "1M", converter = SizeConverter.class,
            description = "Size of the built-in kernel, a multiple of 16K (default: ${DEFAULT-VALUE}).")
    long kernelSize;

    @Option(names = "--module", paramLabel = "FILE", description = "A file to load as a Multiboot module (repeatable).")
    List<Path> modules = new ArrayList<>();

    @Option(names = "--cmdline", paramLabel = "TEXT", defaultValue = "", description = "The kernel command line.")
    String commandLine;

    @Option(names = "--low-memory", paramLabel = "WHICH", defaultValue = "first-mib",
            description = "Low memory kept from the pool: first-mib (Linux since 5.13) or page-zero (default: ${DEFAULT-VALUE}).")
    String lowMemory;

    /** The machine after the loader and the kernel's entry. */
    record Booted(BootReport report, PhysicalMemory memory, KernelImage image) {
    }

    boolean listMachinesOnly() {
        return source != null && source.listMachines;
    }

    static void listMachines(java.io.PrintWriter out) {
        for (MachineProfile p : MachineProfiles.all()) {
            out.printf("%-14s %s%n", p.name(), p.description());
        }
    }

    Booted boot(CommandLine commandLine) {
        LowMemory low = switch (lowMemory.toLowerCase(Locale.ROOT)) {
            case "first-mib" -> LowMemory.FIRST_MIB;
            case "page-zero" -> LowMemory.PAGE_ZERO;
            default -> throw new CommandLine.ParameterException(commandLine,
                    "--low-memory: expected first-mib or page-zero, got '" + lowMemory + "'");
        };
        if (listMachinesOnly()) {
            throw new IllegalStateException("--list-machines lists the built-in machines; it boots none");
        }
        if (source != null && source.image != null) {
            // The image's MBI names the modules and the command line the other loader passed.
            if (!modules.isEmpty()) {
                throw new CommandLine.ParameterException(commandLine, "--module cannot be given with --physical-image:"
                        + " the image's Multiboot information lists the modules the other loader placed in it");
            }
            if (commandLine.getParseResult().hasMatchedOption("--cmdline")) {
                throw new CommandLine.ParameterException(commandLine, "--cmdline cannot be given with --physical-image:"
                        + " the image's Multiboot information holds the command line the other loader passed");
            }
            KernelImage image = kernel(PhysicalMemory.MAX_BYTES, "physical memory");
            Boot boot = Boot.fromImage("image " + source.image.file, source.image.file, source.image.mbi, image, low);
            return new Booted(boot.report(), boot.memory(), image);
        }
        String name;
        List<MemoryRegion> regions;
        PhysicalMemory memory = null;
        if (source == null || source.machine != null) {
            MachineProfile machine = MachineProfiles.byName(source == null ? DEFAULT_MACHINE : source.machine);
            name = "machine " + machine.name();
            regions = machine.map().regions();
            memory = machine.physicalMemory();
        } else if (source.e820 != null) {
            name = "e820 " + source.e820;
            regions = E820Text.parse(source.e820);
        } else if (source.multiboot2 != null) {
            name = "multiboot2 " + source.multiboot2;
            regions = Multiboot2Info.read(source.multiboot2).regions();
        } else {
            Path dir = source.thisMachine ? SysfsMemmap.THIS_MACHINE : source.sysfs;
            if (source.thisMachine && !SysfsMemmap.isReadable(dir)) {
                throw new IllegalStateException("--this-machine: " + dir + " is not readable here (it needs Linux and,"
                        + " on many systems, root); copy it from a machine where it is and use --sysfs DIR");
            }
            name = source.thisMachine ? "this machine (" + dir + ")" : "sysfs " + dir;
            regions = SysfsMemmap.read(dir);
        }
        MemoryMap map = MemoryMap.sanitize(regions).map();
        if (memory == null) {
            memory = Boot.memoryFor(map);
        }
        // The kernel and each module must fit in the machine's RAM: that bounds what is read.
        long ramBytes = map.usableFrames() << Addresses.PAGE_SHIFT;
        String ram = "the usable RAM of " + name;
        KernelImage image = kernel(ramBytes, ram);
        List<Bootloader.Module> mods = new ArrayList<>();
        for (Path m : modules) {
            mods.add(new Bootloader.Module(m.getFileName().toString(), InputFiles.readBytes(m,
                    Math.min(ramBytes, InputFiles.MAX_LIMIT_BYTES), "a Multiboot module that fits in " + ram)));
        }
        return new Booted(Boot.run(name, memory, regions, image, mods, this.commandLine, low).report(), memory, image);
    }

    /** The built-in kernel, or the --kernel file read with at most {@code ramBytes} (and one Java array). */
    private KernelImage kernel(long ramBytes, String ram) {
        if (kernel == null) {
            return KernelImage.builtIn(kernelSize);
        }
        return KernelImage.readElf(kernel.toString(), InputFiles.readBytes(kernel,
                Math.min(ramBytes, InputFiles.MAX_LIMIT_BYTES), "an ELF32 kernel that fits in " + ram));
    }

    /** {@code 1M}, {@code 256K}, {@code 1048576}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.strip().toUpperCase(Locale.ROOT);
            long unit = 1;
            if (v.endsWith("K") || v.endsWith("M") || v.endsWith("G")) {
                unit = v.endsWith("K") ? 1L << 10 : v.endsWith("M") ? 1L << 20 : 1L << 30;
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.multiplyExact(Long.parseLong(v), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size (expected e.g. 1M, 256K, 65536)");
            }
        }
    }
}
