package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.pmm.FrameRange;
import dev.pagelab.pmm.FrameSpan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernel learned at entry: the sanitised memory map, where its own image lies, and who
 * holds every frame below the top of the map, so that the frame allocator knows its free pool.
 *
 * @param source        where the map came from, for people ({@code "machine qemu-pc-128M"})
 * @param mbi           the Multiboot information as read from memory
 * @param map           the sanitised map
 * @param mapChanges    what sanitising changed, one sentence each
 * @param mapNotes      facts about the sanitised map: usable memory above 4 GiB, bytes lost to partial frames
 * @param kernelStart   {@code kernel_physical_start}
 * @param kernelEnd     {@code kernel_physical_end}
 * @param layout        every frame from 0 to the top of the map below 4 GiB, in runs with one
 *                      owner, in address order, no gaps
 * @param warnings      what was odd but not fatal
 */
public record BootReport(String source, Multiboot1Info mbi, MemoryMap map, List<String> mapChanges, List<String> mapNotes,
                         long kernelStart, long kernelEnd, List<FrameSpan> layout, List<String> warnings) {

    /** This report with {@code warning} added at the end of its warnings. */
    public BootReport withWarning(String warning) {
        List<String> more = new ArrayList<>(warnings);
        more.add(warning);
        return new BootReport(source, mbi, map, mapChanges, mapNotes, kernelStart, kernelEnd, layout, more);
    }

    /** Whole usable frames below 4 GiB according to the map, before the kernel keeps any. */
    public long usableFrames() {
        return map.usableFrames();
    }

    /** The frames left for the allocator: usable and held by nobody. */
    public long freeFrames() {
        return framesOf(FrameOwner.FREE);
    }

    /** The runs of free frames, in address order: the frame allocator's pool. */
    public List<FrameRange> freeFrameRanges() {
        List<FrameRange> out = new ArrayList<>();
        for (FrameSpan span : layout) {
            if (span.owner() == FrameOwner.FREE) {
                out.add(new FrameRange(span.startPfn(), span.endPfn()));
            }
        }
        return out;
    }

    /** Frames held by {@code owner}. */
    public long framesOf(FrameOwner owner) {
        return layout.stream().filter(s -> s.owner() == owner).mapToLong(FrameSpan::frames).sum();
    }

    /** Frames held by each owner other than {@link FrameOwner#FREE}, zero counts included. */
    public Map<FrameOwner, Long> reservedFramesByOwner() {
        Map<FrameOwner, Long> out = new EnumMap<>(FrameOwner.class);
        for (FrameOwner owner : FrameOwner.values()) {
            if (owner != FrameOwner.FREE) {
                out.put(owner, framesOf(owner));
            }
        }
        return out;
    }

    /** Usable memory at or above 4 GiB, which this kernel cannot reach. */
    public long notAddressableBytes() {
        return map.notAddressableBytes();
    }

    /** The owner of frame {@code pfn}, {@link FrameOwner#NOT_IN_MAP} beyond the layout. */
    public FrameOwner ownerOf(long pfn) {
        for (FrameSpan span : layout) {
            if (pfn >= span.startPfn() && pfn < span.endPfn()) {
                return span.owner();
            }
        }
        return FrameOwner.NOT_IN_MAP;
    }

    /** The frame after the last frame of the layout. */
    public long topPfn() {
        return layout.isEmpty() ? 0 : layout.get(layout.size() - 1).endPfn();
    }

    /** The kernel's extent as the boot log prints it. */
    public String kernelExtent() {
        return "[" + Addresses.hex(kernelStart) + ", " + Addresses.hex(kernelEnd) + ")";
    }
}
