package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.pmm.FrameSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who holds every frame when the kernel starts, worked out from what the loader left: the rules
 * of what the kernel's entry reserves before a frame allocator takes the rest (seed 003's
 * {@code mboot_reserved_start}/{@code mboot_reserved_end}, the seeds' {@code kernel_physical_start}
 * and {@code kernel_physical_end}).
 *
 * <p>Reserved, by reason, in this order of precedence when they overlap:
 * <ol>
 *   <li>firmware: every frame that is not wholly inside usable memory; frames the map does not
 *       mention at all are "not in map";</li>
 *   <li>the kernel image, {@code [kernel_physical_start, kernel_physical_end)} from the linker
 *       labels;</li>
 *   <li>each module, {@code [mod_start, mod_end)};</li>
 *   <li>the boot information: the MBI, its mmap, the module records and every string;</li>
 *   <li>low memory ({@link LowMemory}): by default the whole first MiB, which Linux has kept out
 *       of its page allocator since 5.13 (BIOS data, real-mode trampolines, option ROMs);
 *       optionally only page 0, so that a NULL frame is never handed out.</li>
 * </ol>
 * Reserved ranges are widened to whole frames: a frame that holds one byte of the kernel is the
 * kernel's. The frames nobody holds are {@link FrameOwner#FREE}: the frame allocator's pool.
 */
public final class FrameLayout {
    private FrameLayout() {
    }

    /**
     * Every frame from 0 to the top of {@code map} below 4 GiB, in runs with one owner, in
     * address order, no gaps.
     *
     * @param memory      the machine's memory as the loader left it: the boot information's
     *                    strings and module records are re-read from it
     * @param mbi         the Multiboot information, read from {@code memory}
     * @param map         the sanitised map
     * @param kernelStart the linker label {@code kernel_physical_start}
     * @param kernelEnd   the linker label {@code kernel_physical_end}
     * @throws BootException when a module record lies outside usable RAM or on the kernel image
     */
    public static List<FrameSpan> of(PhysicalMemory memory, Multiboot1Info mbi, MemoryMap map, long kernelStart,
                                     long kernelEnd, LowMemory lowMemory) {
        List<Claim> claims = new ArrayList<>();
        claims.add(new Claim(kernelStart, kernelEnd, FrameOwner.KERNEL_IMAGE, "kernel"));
        for (int i = 0; i < mbi.modules().size(); i++) {
            BootModule m = mbi.modules().get(i);
            checkModule(memory, map, mbi.mbiPaddr(), i, m, kernelStart, kernelEnd);
            claims.add(new Claim(m.startPaddr(), m.endPaddr(), FrameOwner.MODULE, m.string()));
        }
        for (long[] range : bootInformationRanges(memory, mbi)) {
            claims.add(new Claim(range[0], range[1], FrameOwner.BOOT_INFORMATION, "Multiboot"));
        }
        claims.add(new Claim(0, lowMemory.bytes(), FrameOwner.LOW_MEMORY, lowMemory.label()));
        return layout(map, claims);
    }

    /**
     * A module record must describe bytes the kernel can keep: inside one usable region of the
     * map (and of physical memory), and not on the kernel's own image. Another loader's MBI (a
     * memory image) may say anything.
     */
    private static void checkModule(PhysicalMemory memory, MemoryMap map, long mbiPaddr, int index, BootModule m,
                                    long kernelStart, long kernelEnd) {
        String source = "MBI at " + Addresses.hex(mbiPaddr);
        String what = "module " + index + " '" + m.string() + "'";
        String range = "[" + Addresses.hex(m.startPaddr()) + ", " + Addresses.hex(m.endPaddr()) + ")";
        if (m.bytes() == 0) {
            return;
        }
        Optional<MemoryRegion> region = map.regionAt(m.startPaddr());
        boolean inRegion = region.isPresent() && region.get().isUsable()
                && Long.compareUnsigned(m.endPaddr(), region.get().end()) <= 0;
        if (!inRegion || Long.compareUnsigned(m.endPaddr(), memory.sizeBytes()) > 0) {
            throw new BootException(source, what, range + " lies outside usable RAM (" + region.map(r -> "the map says "
                    + r + " at its start").orElse("the map has nothing at its start") + "): a loader places modules in"
                    + " RAM; expected mod_start and mod_end inside one usable region");
        }
        if (Long.compareUnsigned(m.startPaddr(), kernelEnd) < 0 && Long.compareUnsigned(m.endPaddr(), kernelStart) > 0) {
            throw new BootException(source, what, range + " overlaps the kernel image [" + Addresses.hex(kernelStart)
                    + ", " + Addresses.hex(kernelEnd) + "): a loader places modules after the kernel");
        }
    }

    private record Claim(long start, long end, FrameOwner owner, String label) {
        long startPfn() {
            return Addresses.paddrToPfn(start);
        }

        long endPfn() {
            return Addresses.paddrToPfn(Addresses.alignUp(end));
        }
    }

    /**
     * The MBI itself and what it points to, each as [start, end): re-read from memory, since
     * the kernel has to keep exactly the bytes the loader wrote.
     */
    private static List<long[]> bootInformationRanges(PhysicalMemory memory, Multiboot1Info mbi) {
        List<long[]> out = new ArrayList<>();
        long base = mbi.mbiPaddr();
        out.add(new long[] {base, base + Multiboot1Info.INFO_BYTES});
        if (mbi.hasMmap() && mbi.mmapBytes() > 0) {
            out.add(new long[] {mbi.mmapPaddr(), mbi.mmapPaddr() + mbi.mmapBytes()});
        }
        if (mbi.hasFlag(Multiboot1Info.FLAG_CMDLINE)) {
            addString(memory, out, u32(memory, base + Multiboot1Info.OFFSET_CMDLINE));
        }
        if (mbi.hasFlag(Multiboot1Info.FLAG_MODULES) && !mbi.modules().isEmpty()) {
            long table = u32(memory, base + Multiboot1Info.OFFSET_MODS_ADDR);
            out.add(new long[] {table, table + (long) Multiboot1Info.MODULE_BYTES * mbi.modules().size()});
            for (int i = 0; i < mbi.modules().size(); i++) {
                addString(memory, out, u32(memory, table + (long) Multiboot1Info.MODULE_BYTES * i + 8));
            }
        }
        if (mbi.hasFlag(Multiboot1Info.FLAG_BOOT_LOADER_NAME)) {
            addString(memory, out, u32(memory, base + Multiboot1Info.OFFSET_BOOT_LOADER_NAME));
        }
        return out;
    }

    private static long u32(PhysicalMemory memory, long paddr) {
        return Integer.toUnsignedLong(memory.read32(paddr));
    }

    /** The NUL-terminated string at {@code paddr}, terminator included (Multiboot1Info has read it already). */
    private static void addString(PhysicalMemory memory, List<long[]> out, long paddr) {
        if (paddr == 0 || paddr >= memory.sizeBytes()) {
            return;
        }
        long end = paddr;
        while (end < memory.sizeBytes() && memory.read8(end) != 0 && end - paddr < Multiboot1Info.MAX_STRING_BYTES) {
            end++;
        }
        out.add(new long[] {paddr, Math.min(end + 1, memory.sizeBytes())});
    }

    /**
     * Paints every frame in [0, top): firmware and holes from the map, then the claims in order
     * of precedence over the usable frames.
     */
    private static List<FrameSpan> layout(MemoryMap map, List<Claim> claims) {
        long topPfn = 0;
        for (MemoryRegion r : map.regions()) {
            if (Long.compareUnsigned(r.base(), MemoryMap.ADDRESSABLE_LIMIT) < 0) {
                long end = Long.compareUnsigned(r.end(), MemoryMap.ADDRESSABLE_LIMIT) > 0
                        ? MemoryMap.ADDRESSABLE_LIMIT : r.end();
                topPfn = Math.max(topPfn, Addresses.paddrToPfn(Addresses.alignUp(end)));
            }
        }
        List<FrameSpan> spans = new ArrayList<>();
        long pfn = 0;
        for (FrameRange usable : map.usableFrameRanges()) {
            addNonUsable(map, spans, pfn, usable.startPfn());
            addUsable(spans, usable, claims);
            pfn = usable.endPfn();
        }
        addNonUsable(map, spans, pfn, topPfn);
        return List.copyOf(spans);
    }

    /**
     * Frames [from, to) that are not whole usable frames: firmware where a non-usable region
     * touches them, else holes. Between two neighbouring region edges (rounded down and up to
     * frames) the same regions touch every frame, so one label serves the whole interval.
     */
    private static void addNonUsable(MemoryMap map, List<FrameSpan> spans, long from, long to) {
        TreeSet<Long> cuts = new TreeSet<>(List.of(from, to));
        for (MemoryRegion r : map.regions()) {
            for (long edge : new long[] {r.base(), r.end()}) {
                if (Long.compareUnsigned(edge, MemoryMap.ADDRESSABLE_LIMIT) <= 0) {
                    addCut(cuts, Addresses.paddrToPfn(edge), from, to);
                    addCut(cuts, Addresses.paddrToPfn(Addresses.alignUp(edge)), from, to);
                }
            }
        }
        Long start = null;
        for (long cut : cuts) {
            if (start != null) {
                String label = firmwareLabel(map, Addresses.pfnToPaddr(start));
                append(spans, new FrameSpan(start, cut, label.isEmpty() ? FrameOwner.NOT_IN_MAP : FrameOwner.FIRMWARE,
                        label));
            }
            start = cut;
        }
    }

    private static void addCut(TreeSet<Long> cuts, long pfn, long from, long to) {
        if (pfn > from && pfn < to) {
            cuts.add(pfn);
        }
    }

    /** The name of the highest-ranked non-usable type touching frame at {@code paddr}, or "" for none. */
    private static String firmwareLabel(MemoryMap map, long paddr) {
        String label = "";
        for (MemoryRegion r : map.regions()) {
            if (Long.compareUnsigned(r.base(), paddr + Addresses.PAGE_BYTES) < 0
                    && Long.compareUnsigned(r.end(), paddr) > 0 && !r.isUsable()) {
                label = r.type().e820Name();
            }
        }
        if (label.isEmpty() && map.regionAt(paddr).isPresent()) {
            label = "partial usable frame";
        }
        return label;
    }

    /**
     * A run of whole usable frames: each interval between claim edges goes to the first claim,
     * in order of precedence, that covers it, or is free.
     */
    private static void addUsable(List<FrameSpan> spans, FrameRange usable, List<Claim> claims) {
        TreeSet<Long> cuts = new TreeSet<>(List.of(usable.startPfn(), usable.endPfn()));
        for (Claim c : claims) {
            addCut(cuts, c.startPfn(), usable.startPfn(), usable.endPfn());
            addCut(cuts, c.endPfn(), usable.startPfn(), usable.endPfn());
        }
        Long start = null;
        for (long cut : cuts) {
            if (start != null) {
                long pfn = start;
                Claim owner = claims.stream().filter(c -> c.startPfn() <= pfn && pfn < c.endPfn()).findFirst().orElse(null);
                append(spans, owner == null ? new FrameSpan(start, cut, FrameOwner.FREE, "")
                        : new FrameSpan(start, cut, owner.owner(), owner.label()));
            }
            start = cut;
        }
    }

    private static void append(List<FrameSpan> spans, FrameSpan span) {
        if (span.frames() <= 0) {
            return;
        }
        if (!spans.isEmpty()) {
            FrameSpan last = spans.get(spans.size() - 1);
            if (last.endPfn() == span.startPfn() && last.owner() == span.owner() && last.label().equals(span.label())) {
                spans.set(spans.size() - 1, new FrameSpan(last.startPfn(), span.endPfn(), span.owner(), span.label()));
                return;
            }
        }
        spans.add(span);
    }
}
