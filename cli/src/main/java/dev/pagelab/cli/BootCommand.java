package dev.pagelab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.boot.BootModule;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Bootloader;
import dev.pagelab.boot.E820Text;
import dev.pagelab.boot.FrameOwner;
import dev.pagelab.boot.FrameRange;
import dev.pagelab.boot.FrameSpan;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfile;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.Multiboot2Info;
import dev.pagelab.boot.PhysicalImage;
import dev.pagelab.boot.SysfsMemmap;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocators;
import dev.pagelab.kernel.KernelEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pagelab boot}: a Multiboot boot from a real memory map, and what the kernel keeps out. */
@Command(name = "boot",
        mixinStandardHelpOptions = true,
        header = "Boot from a memory map and show which frames the kernel may use.",
        description = {
            "Load a kernel (and modules) into a simulated PC as GRUB does, write the Multiboot",
            "information and memory map into low memory, and run the kernel's entry: check the",
            "magic 0x2BADB002, read the map back from memory, sanitise it as Linux does, and keep",
            "the kernel image, the modules, the boot information and low memory out of the free",
            "pool. Prints the map as Linux prints it, the frame totals, and a picture of memory.",
            "",
            "One source of memory map (default: --machine qemu-pc-128M):"},
        footer = {"", "Examples:", "  pagelab boot", "  pagelab boot --machine qemu-pc-3G --low-memory page-zero",
            "  pagelab boot --e820 dmesg.txt --module initrd.img", "  pagelab boot --this-machine --json"})
final class BootCommand implements Callable<Integer> {
    static final String DEFAULT_MACHINE = "qemu-pc-128M";

    @ArgGroup(exclusive = true, multiplicity = "0..1")
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

    @Option(names = "--allocator", paramLabel = "NAME",
            description = "Start this frame allocator on the free pool and show its metadata and counts"
                    + " (bitmap, bump, free-list, buddy).")
    String allocator;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour the memory picture: auto, always or never (default: ${DEFAULT-VALUE}).")
    String color;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (source != null && source.listMachines) {
            for (MachineProfile p : MachineProfiles.all()) {
                out.printf("%-14s %s%n", p.name(), p.description());
            }
            out.flush();
            return 0;
        }
        BootResult result = boot();
        BootReport report = result.report();
        FrameAllocator frames = allocator == null ? null
                : FrameAllocators.create(allocator, result.memory(), report.freeFrameRanges());
        if (json) {
            out.println(toJson(report, frames));
        } else if (frames == null) {
            BootLog.print(out, report, useColor());
        } else {
            BootLog.print(out, report, frames, FrameAccounting.of(report, frames), useColor());
        }
        out.flush();
        return 0;
    }

    /** The report and the memory it describes. */
    record BootResult(BootReport report, PhysicalMemory memory) {
    }

    BootResult boot() {
        KernelEntry.LowMemory low = switch (lowMemory.toLowerCase(Locale.ROOT)) {
            case "first-mib" -> KernelEntry.LowMemory.FIRST_MIB;
            case "page-zero" -> KernelEntry.LowMemory.PAGE_ZERO;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--low-memory: expected first-mib or page-zero, got '" + lowMemory + "'");
        };
        KernelImage image = kernel == null ? KernelImage.builtIn(kernelSize)
                : KernelImage.readElf(kernel.toString(), read(kernel));
        if (source != null && source.image != null) {
            PhysicalMemory memory = PhysicalImage.read(source.image.file);
            return new BootResult(Boot.fromImage("image " + source.image.file, memory, source.image.mbi, image, low), memory);
        }
        List<Bootloader.Module> mods = new ArrayList<>();
        for (Path m : modules) {
            mods.add(new Bootloader.Module(m.getFileName().toString(), read(m)));
        }
        if (source == null || source.machine != null) {
            MachineProfile machine = MachineProfiles.byName(source == null ? DEFAULT_MACHINE : source.machine);
            Boot boot = Boot.run(machine, image, mods, commandLine, low);
            return new BootResult(boot.report(), boot.memory());
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
        return new BootResult(Boot.run(name, memory, regions, image, mods, commandLine, low).report(), memory);
    }

    private boolean useColor() {
        return switch (color.toLowerCase(Locale.ROOT)) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.console() != null && System.getenv("NO_COLOR") == null
                    && !"dumb".equals(System.getenv("TERM"));
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--color: expected auto, always or never, got '" + color + "'");
        };
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static String toJson(BootReport report, FrameAllocator frames) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("source", report.source());
        ArrayNode regions = root.putArray("regions");
        for (MemoryRegion r : report.map().regions()) {
            regions.addObject().put("base", r.base()).put("length", r.length()).put("type", r.type().code())
                    .put("typeName", r.type().e820Name());
        }
        root.putPOJO("mapChanges", report.mapChanges());
        root.put("usableFrames", report.usableFrames());
        root.put("freeFrames", report.freeFrames());
        ObjectNode reserved = root.putObject("reservedFrames");
        for (Map.Entry<FrameOwner, Long> e : report.reservedFramesByOwner().entrySet()) {
            reserved.put(camel(e.getKey()), e.getValue());
        }
        root.put("notAddressableBytes", report.notAddressableBytes());
        root.put("kernelStart", report.kernelStart());
        root.put("kernelEnd", report.kernelEnd());
        root.put("mbi", report.mbi().mbiPaddr());
        report.mbi().cmdline().ifPresent(c -> root.put("cmdline", c));
        ArrayNode mods = root.putArray("modules");
        for (BootModule m : report.mbi().modules()) {
            mods.addObject().put("string", m.string()).put("start", m.startPaddr()).put("end", m.endPaddr());
        }
        ArrayNode layout = root.putArray("layout");
        for (FrameSpan s : report.layout()) {
            layout.addObject().put("startPfn", s.startPfn()).put("endPfn", s.endPfn()).put("owner", camel(s.owner()))
                    .put("label", s.label());
        }
        if (frames != null) {
            ObjectNode a = root.putObject("allocator");
            a.put("name", frames.name()).put("freeFrames", frames.freeFrames()).put("totalFrames", frames.totalFrames());
            ArrayNode meta = a.putArray("metadataFrames");
            for (FrameRange r : frames.metadataFrames()) {
                meta.addObject().put("startPfn", r.startPfn()).put("endPfn", r.endPfn());
            }
            a.putPOJO("details", frames.describe());
        }
        List<String> warnings = new ArrayList<>(report.warnings());
        warnings.addAll(report.mapNotes());
        root.putPOJO("warnings", warnings);
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("boot report cannot be written as JSON", e);
        }
    }

    /** {@code KERNEL_IMAGE} as {@code kernelImage}. */
    static String camel(FrameOwner owner) {
        String[] words = owner.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder out = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return out.toString();
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
