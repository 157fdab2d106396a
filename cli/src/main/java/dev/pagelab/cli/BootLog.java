package dev.pagelab.cli;

import dev.pagelab.boot.BootModule;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Printable;
import dev.pagelab.hw.Addresses;
import dev.pagelab.kernel.AllocatorMetrics;
import dev.pagelab.kernel.KernelView;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.pmm.FrameSpan;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** The boot log a Linux user recognises, the frame totals, and a one-screen picture of memory. */
final class BootLog {
    static final int COLUMNS = 64;
    static final int ROWS = 16;

    /** When several owners share a cell of the picture, the first of these present wins. */
    private static final List<FrameOwner> PRECEDENCE = List.of(FrameOwner.KERNEL_IMAGE, FrameOwner.MODULE,
            FrameOwner.BOOT_INFORMATION, FrameOwner.ALLOCATOR_METADATA, FrameOwner.PAGE_TABLE, FrameOwner.HEAP,
            FrameOwner.KERNEL_DATA, FrameOwner.PROCESS, FrameOwner.ALLOCATED, FrameOwner.LOW_MEMORY,
            FrameOwner.FIRMWARE, FrameOwner.FREE, FrameOwner.NOT_IN_MAP);

    private BootLog() {
    }

    /** The boot, the kernel's start-up, its address space, and memory coloured by owner. */
    static void print(PrintWriter out, KernelView kernel, boolean color) {
        printBoot(out, kernel.report());
        AllocatorMetrics frames = kernel.allocator();
        out.printf("Kernel start-up (%s):%n", kernel.config());
        for (String line : kernel.startupLog()) {
            out.println("  " + line);
        }
        out.println();
        out.printf("Frame allocator '%s': %,d of %,d frames free after start-up", frames.name(), frames.freeFrames(),
                frames.totalFrames());
        out.printf(", %,d frames of metadata%n", frames.metadataFrameCount());
        for (FrameRange range : frames.metadataFrames()) {
            out.printf("  metadata at [%s, %s) (%,d frames)%n", Addresses.hex(range.startPaddr()),
                    Addresses.hex(range.endPaddr()), range.frames());
        }
        for (String line : frames.details()) {
            out.println("  " + line);
        }
        out.println();
        out.println("Kernel address space (as Linux's /sys/kernel/debug/page_tables/kernel shows it):");
        for (String line : PageTableDump.render(kernel.addressSpace(kernel.registers().directoryPaddr()))) {
            out.println(line);
        }
        out.println();
        picture(out, kernel.frameSpans(), color);
    }

    private static void printBoot(PrintWriter out, BootReport r) {
        out.println("pagelab boot: " + Printable.escape(r.source()));
        out.println("BIOS-provided physical RAM map:");
        for (String line : r.map().e820Lines()) {
            out.println(line);
        }
        for (String change : r.mapChanges()) {
            out.println("e820: sanitised: " + change);
        }
        for (String note : r.mapNotes()) {
            out.println("e820: " + note);
        }
        out.printf("Multiboot: magic 0x2BADB002, information at %s, flags 0x%08X%s%n", Addresses.hex(r.mbi().mbiPaddr()),
                r.mbi().flags(), r.mbi().bootLoaderName().map(n -> ", loaded by \"" + Printable.escape(n) + "\"").orElse(""));
        r.mbi().cmdline().filter(c -> !c.isEmpty()).ifPresent(c -> out.println("Command line: " + Printable.escape(c)));
        out.printf("Kernel image: %s (%s)%n", r.kernelExtent(), size(r.kernelEnd() - r.kernelStart()));
        for (BootModule m : r.mbi().modules()) {
            out.printf("Module: [%s, %s) %s (%s)%n", Addresses.hex(m.startPaddr()), Addresses.hex(m.endPaddr()),
                    Printable.escape(m.string()), size(m.bytes()));
        }
        for (String w : r.warnings()) {
            out.println("warning: " + Printable.escape(w));
        }
        out.println();
        out.printf("Frames (4 KiB) below 4 GiB: %,d usable in the map, %,d free for the allocator%n",
                r.usableFrames(), r.freeFrames());
        for (Map.Entry<FrameOwner, Long> e : r.reservedFramesByOwner().entrySet()) {
            if (e.getValue() > 0 && e.getKey() != FrameOwner.NOT_IN_MAP) {
                out.printf("  %-17s %,9d frames  %s%n", e.getKey().label(), e.getValue(), size(e.getValue() << 12));
            }
        }
        out.printf("Not addressable (usable above 4 GiB, no PAE): %s%n", size(r.notAddressableBytes()));
        out.println();
    }

    /** One screen of memory up to the last frame that is neither firmware nor a hole, a character per cell. */
    static void picture(PrintWriter out, List<FrameSpan> layout, boolean color) {
        long top = 0;
        for (FrameSpan s : layout) {
            if (s.owner() != FrameOwner.NOT_IN_MAP && s.owner() != FrameOwner.FIRMWARE) {
                top = s.endPfn();
            }
        }
        if (top == 0) {
            return;
        }
        long cells = (long) COLUMNS * ROWS;
        long perCell = Math.max(1, (top + cells - 1) / cells);
        long rows = (top + perCell * COLUMNS - 1) / (perCell * COLUMNS);
        out.printf("Physical memory up to %s, one character = %s:%n", Addresses.hex(top << 12), size(perCell << 12));
        for (long row = 0; row < rows; row++) {
            StringBuilder line = new StringBuilder(String.format("  %s ", Addresses.hex((row * COLUMNS * perCell) << 12)));
            for (int col = 0; col < COLUMNS; col++) {
                long from = (row * COLUMNS + col) * perCell;
                if (from >= top) {
                    break;
                }
                FrameOwner owner = cellOwner(layout, from, Math.min(top, from + perCell));
                line.append(color ? colored(owner) : String.valueOf(owner.symbol()));
            }
            out.println(line);
        }
        EnumSet<FrameOwner> shown = EnumSet.noneOf(FrameOwner.class);
        for (FrameSpan span : layout) {
            if (span.startPfn() < top) {
                shown.add(span.owner());
            }
        }
        StringBuilder legend = new StringBuilder("  ");
        for (FrameOwner o : PRECEDENCE) {
            if (!shown.contains(o)) {
                continue;
            }
            legend.append(color ? colored(o) : "'" + o.symbol() + "'").append(' ').append(o.label()).append("  ");
        }
        out.println(legend.toString().stripTrailing());
    }

    private static FrameOwner cellOwner(List<FrameSpan> layout, long from, long to) {
        EnumSet<FrameOwner> present = EnumSet.noneOf(FrameOwner.class);
        for (FrameSpan s : layout) {
            if (s.startPfn() < to && s.endPfn() > from) {
                present.add(s.owner());
            }
        }
        for (FrameOwner o : PRECEDENCE) {
            if (present.contains(o)) {
                return o;
            }
        }
        return FrameOwner.NOT_IN_MAP;
    }

    private static String colored(FrameOwner owner) {
        String code = switch (owner) {
            case FREE -> "42";
            case FIRMWARE -> "41";
            case NOT_IN_MAP -> "100";
            case KERNEL_IMAGE -> "44";
            case MODULE -> "45";
            case BOOT_INFORMATION -> "46";
            case LOW_MEMORY -> "43";
            case ALLOCATOR_METADATA -> "103";
            case ALLOCATED -> "47";
            case PAGE_TABLE -> "104";
            case HEAP -> "105";
            case KERNEL_DATA -> "107";
            case PROCESS -> "106";
        };
        return "\u001B[" + code + ";30m" + owner.symbol() + "\u001B[0m";
    }

    /** {@code 127.5 MiB}, {@code 640 KiB}, {@code 0 bytes}. */
    static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 20) == 0) {
            return trim(bytes / (double) (1L << 30)) + " GiB";
        }
        if (bytes >= 1L << 20) {
            return trim(bytes / (double) (1L << 20)) + " MiB";
        }
        if (bytes >= 1L << 10) {
            return trim(bytes / 1024.0) + " KiB";
        }
        return bytes + " bytes";
    }

    private static String trim(double v) {
        String s = String.format(java.util.Locale.ROOT, "%.2f", v);
        return s.replaceAll("\\.?0+$", "");
    }
}
