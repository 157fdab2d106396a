package dev.pagelab.cli;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.E820Text;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.Multiboot2Info;
import dev.pagelab.boot.PhysicalImage;
import dev.pagelab.boot.SysfsMemmap;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import dev.pagelab.kernel.KernelEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

        @Option(names = "--list-machines", description = "List the built-in machines and exit.")
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
        KernelEntry.LowMemory low = switch (lowMemory.toLowerCase(Locale.ROOT)) {
            case "first-mib" -> KernelEntry.LowMemory.FIRST_MIB;
            case "page-zero" -> KernelEntry.LowMemory.PAGE_ZERO;
            default -> throw new CommandLine.ParameterException(commandLine,
                    "--low-memory: expected first-mib or page-zero, got '" + lowMemory + "'");
        };
        KernelImage image = kernel == null ? KernelImage.builtIn(kernelSize)
                : KernelImage.readElf(kernel.toString(), read(kernel));
        if (source != null && source.image != null) {
            PhysicalMemory memory = PhysicalImage.read(source.image.file);
            return new Booted(Boot.fromImage("image " + source.image.file, memory, source.image.mbi, image, low), memory,
                    image);
        }
        List<Bootloader.Module> mods = new ArrayList<>();
        for (Path m : modules) {
            mods.add(new Bootloader.Module(m.getFileName().toString(), read(m)));
        }
        if (source == null || source.machine != null) {
            MachineProfile machine = MachineProfiles.byName(source == null ? DEFAULT_MACHINE : source.machine);
            Boot boot = Boot.run(machine, image, mods, this.commandLine, low);
            return new Booted(boot.report(), boot.memory(), image);
        }
        String name;
        List<MemoryRegion> regions;
        if (source.e820 != null) {
            name = "e820 " + source.e820;
            regions = E820Text.parse(source.e820);
        } else if (source.multiboot2 != null) {
            name = "multiboot2 " + source.multiboot2;
            regions = Multiboot2Info.read(source.multiboot2.toString(), read(source.multiboot2)).regions();
        } else {
            Path dir = source.thisMachine ? SysfsMemmap.THIS_MACHINE : source.sysfs;
            if (source.thisMachine && !SysfsMemmap.isReadable(dir)) {
                throw new IllegalStateException("--this-machine: " + dir + " is not readable here (it needs Linux and,"
                        + " on many systems, root); copy it from a machine where it is and use --sysfs DIR");
            }
            name = source.thisMachine ? "this machine (" + dir + ")" : "sysfs " + dir;
            regions = SysfsMemmap.read(dir);
        }
        PhysicalMemory memory = Boot.memoryFor(MemoryMap.sanitize(regions).map());
        return new Booted(Boot.run(name, memory, regions, image, mods, this.commandLine, low).report(), memory, image);
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
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
