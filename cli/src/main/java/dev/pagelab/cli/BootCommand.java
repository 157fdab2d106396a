package dev.pagelab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.boot.BootModule;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.hw.ControlRegisters;
import dev.pagelab.kernel.AllocatorMetrics;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelView;
import dev.pagelab.paging.MemoryDump;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.pmm.FrameSpan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code pagelab boot}: a Multiboot boot from a real memory map, the kernel's start-up, and what it keeps out. */
@Command(name = "boot",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Boot from a memory map, start the kernel, and show its frames and page tables.",
        description = {
            "Load a kernel (and modules) into a simulated PC as GRUB does, write the Multiboot"
                    + " information and memory map into low memory, and run the kernel's entry: check the"
                    + " magic 0x2BADB002, read the map back from memory, sanitise it as Linux does, and keep"
                    + " the kernel image, the modules, the boot information and low memory out of the free"
                    + " pool. Then the kernel starts: a frame allocator takes the pool, the kernel builds"
                    + " its page directory, maps itself at 0xC0000000, turns paging on and drops the"
                    + " identity mapping, and sets up its page-range bitmaps.",
            "",
            "Prints the map as Linux prints it, the frame totals, the kernel's start-up, its"
                    + " address space as Linux's page-table dump shows it, and a picture of memory by owner."},
        footer = {"", "Examples:", "  pagelab boot", "  pagelab boot --machine qemu-pc-3G --low-memory page-zero",
            "  pagelab boot --table-access recursive --large-pages --allocator buddy",
            "  pagelab boot --e820 dmesg.txt --module initrd.img", "  pagelab boot --this-machine --json",
            "  pagelab boot --dump-memory tables/",
            "         (tables/frames/XXXXXXXX.bin and tables/registers.json, for QEMU)"})
final class BootCommand implements Callable<Integer> {
    @Mixin
    MachineOptions machine;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour the memory picture: auto, always or never (default: ${DEFAULT-VALUE}).")
    String color;

    @Option(names = "--dump-memory", paramLabel = "DIR",
            description = "Write every page-directory and page-table frame as DIR/frames/XXXXXXXX.bin (named by"
                    + " physical address) and CR0, CR3, CR4 as DIR/registers.json. DIR must be new or empty;"
                    + " nothing is left in it when a write fails.")
    Path dumpMemory;

    @Option(names = "--force", description = "With --dump-memory: write into a directory that is not empty, removing"
            + " its old frames/ and registers.json first.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (machine.listMachinesOnly()) {
            MachineOptions.listMachines(out);
            out.flush();
            return 0;
        }
        boolean useColor = useColor();
        if (force && dumpMemory == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--force goes with --dump-memory DIR");
        }
        if (dumpMemory != null) {
            // Refused before the boot, so that a wrong directory costs nothing.
            dumpTarget(() -> MemoryDump.checkTarget(dumpMemory, force));
        }
        MachineOptions.Booted booted = machine.boot(spec.commandLine());
        KernelView kernel = Kernel.start(booted.report(), booted.memory(), booted.image(), kernelOptions.config())
                .view();
        MemoryDump dump = dumpMemory == null ? null : kernel.memoryDump(kernel.kernelDirectoryPaddr());
        if (dump != null) {
            dumpTarget(() -> dump.write(dumpMemory, force));
        }
        if (json) {
            out.println(toJson(kernel));
        } else {
            BootLog.print(out, kernel, useColor);
            if (dumpMemory != null) {
                out.printf("%nWrote %d page-table frames and registers.json to %s%n", dump.frames().size(), dumpMemory);
            }
        }
        out.flush();
        return 0;
    }

    /** Runs a step of --dump-memory, its failure reported as the option's. */
    private static void dumpTarget(Runnable step) {
        try {
            step.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dump-memory: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new java.io.UncheckedIOException("--dump-memory " + e.getMessage(), e.getCause());
        }
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

    static String toJson(KernelView kernel) {
        BootReport report = kernel.report();
        AllocatorMetrics frames = kernel.allocator();
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
        ObjectNode a = root.putObject("allocator");
        a.put("name", frames.name()).put("freeFrames", frames.freeFrames()).put("totalFrames", frames.totalFrames());
        ArrayNode meta = a.putArray("metadataFrames");
        for (FrameRange r : frames.metadataFrames()) {
            meta.addObject().put("startPfn", r.startPfn()).put("endPfn", r.endPfn());
        }
        a.putPOJO("details", frames.details());
        ObjectNode owners = root.putObject("framesByOwner");
        for (Map.Entry<FrameOwner, Long> e : kernel.framesByOwner().entrySet()) {
            owners.put(camel(e.getKey()), e.getValue());
        }
        ObjectNode paging = root.putObject("paging");
        ControlRegisters registers = kernel.registers();
        paging.put("tableAccess", kernel.config().tableAccess().label()).put("largePages", kernel.config().largePages())
                .put("cr0", registers.cr0()).put("cr3", registers.cr3()).put("cr4", registers.cr4())
                .put("pageTables", kernel.kernelPageTables());
        paging.putPOJO("log", kernel.startupLog());
        ArrayNode ranges = paging.putArray("addressSpace");
        for (PageTableDump.Range r : kernel.addressSpace(registers.directoryPaddr())) {
            ranges.addObject().put("vaddr", r.vaddr()).put("paddr", r.paddr()).put("bytes", r.bytes())
                    .put("user", r.user()).put("writable", r.writable()).put("level", r.large() ? "pde" : "pte");
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
}
