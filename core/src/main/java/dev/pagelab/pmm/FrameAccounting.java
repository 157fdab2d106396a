package dev.pagelab.pmm;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds every frame, for reports and pictures: the boot's owners (firmware, kernel image,
 * modules, boot information, low memory), the allocator's metadata, and whatever the kernel
 * records as it hands frames out (page tables, heap, process N).
 *
 * <p>This is the simulator's bookkeeping, kept in Java and not in simulated RAM: a real kernel
 * does not need it to run (Linux keeps something like it in {@code struct page} flags). One
 * byte a frame up to the top of the boot's layout, plus the process number for
 * {@link FrameOwner#PROCESS} frames.
 *
 * <p>Observers (the scenario runner, the web page) learn what changed from the one
 * {@link OwnerListener}, which the kernel turns into events: at the cost of the change, never of
 * a scan of every frame up to the top of the map.
 */
public final class FrameAccounting {
    private static final FrameOwner[] OWNERS = FrameOwner.values();

    private final byte[] owners;
    private int[] processes;
    private OwnerListener listener;

    private FrameAccounting(long topPfn) {
        owners = new byte[(int) topPfn];
        Arrays.fill(owners, (byte) FrameOwner.NOT_IN_MAP.ordinal());
    }

    /**
     * The frames as the boot left them, the allocator's metadata, and every frame of the pool the
     * allocator has handed out as {@link FrameOwner#ALLOCATED}.
     *
     * @param layout    every frame from 0 to the top of the boot's map, in runs with one owner, in
     *                  address order, no gaps (the boot's report); its {@link FrameOwner#FREE} runs
     *                  are the allocator's pool
     * @param allocator the allocator over that pool
     */
    public static FrameAccounting of(List<FrameSpan> layout, FrameAllocator allocator) {
        FrameAccounting accounting = new FrameAccounting(layout.isEmpty() ? 0 : layout.get(layout.size() - 1).endPfn());
        for (FrameSpan span : layout) {
            accounting.fill(span.startPfn(), span.endPfn(), span.owner());
        }
        for (FrameRange range : allocator.metadataFrames()) {
            accounting.fill(range.startPfn(), range.endPfn(), FrameOwner.ALLOCATOR_METADATA);
        }
        for (FrameSpan span : layout) {
            if (span.owner() != FrameOwner.FREE) {
                continue;
            }
            for (long pfn = span.startPfn(); pfn < span.endPfn(); pfn++) {
                if (allocator.isAllocated(pfn)) {
                    accounting.owners[(int) pfn] = (byte) FrameOwner.ALLOCATED.ordinal();
                }
            }
        }
        return accounting;
    }

    /** The frame after the last one accounted for. */
    public long topPfn() {
        return owners.length;
    }

    /** Who holds {@code pfn}; {@link FrameOwner#NOT_IN_MAP} past the top. */
    public FrameOwner ownerOf(long pfn) {
        return pfn >= 0 && pfn < owners.length ? OWNERS[owners[(int) pfn]] : FrameOwner.NOT_IN_MAP;
    }

    /** The process holding {@code pfn}, or -1 when it is not a process frame. */
    public int processOf(long pfn) {
        return ownerOf(pfn) == FrameOwner.PROCESS && processes != null ? processes[(int) pfn] : -1;
    }

    /**
     * Records that {@code frames} frames from {@code pfn} now belong to {@code owner} (for
     * {@link FrameOwner#PROCESS}, use {@link #recordProcess}).
     *
     * @throws IllegalArgumentException when the frames lie outside the accounted range
     */
    public void record(long pfn, long frames, FrameOwner owner) {
        check("record", pfn, frames);
        if (listener != null) {
            for (long f = pfn; f < pfn + frames; f++) {
                FrameOwner before = OWNERS[owners[(int) f]];
                if (before != owner) {
                    owners[(int) f] = (byte) owner.ordinal();
                    listener.ownerChanged(f, before, owner);
                }
            }
        }
        fill(pfn, pfn + frames, owner);
    }

    /** Told of every change of a frame's owner that {@link #record} or {@link #recordProcess} makes. */
    @FunctionalInterface
    public interface OwnerListener {
        /** Frame {@code pfn} went from {@code before} to {@code after}, which differ. */
        void ownerChanged(long pfn, FrameOwner before, FrameOwner after);
    }

    /** Installs the one {@link OwnerListener} (null: none); the kernel turns its calls into events. */
    public void setOwnerListener(OwnerListener listener) {
        this.listener = listener;
    }

    /** Records that frame {@code pfn} now belongs to process {@code pid}. */
    public void recordProcess(long pfn, int pid) {
        check("recordProcess", pfn, 1);
        if (processes == null) {
            processes = new int[owners.length];
        }
        FrameOwner before = OWNERS[owners[(int) pfn]];
        owners[(int) pfn] = (byte) FrameOwner.PROCESS.ordinal();
        processes[(int) pfn] = pid;
        if (listener != null && before != FrameOwner.PROCESS) {
            listener.ownerChanged(pfn, before, FrameOwner.PROCESS);
        }
    }

    /** Frames held by each owner, zero counts included. */
    public Map<FrameOwner, Long> counts() {
        long[] n = new long[OWNERS.length];
        for (byte b : owners) {
            n[b]++;
        }
        Map<FrameOwner, Long> out = new EnumMap<>(FrameOwner.class);
        for (FrameOwner o : OWNERS) {
            out.put(o, n[o.ordinal()]);
        }
        return out;
    }

    /** Runs of frames with one owner, in address order, covering [0, top). */
    public List<FrameSpan> spans() {
        List<FrameSpan> out = new ArrayList<>();
        int start = 0;
        for (int pfn = 1; pfn <= owners.length; pfn++) {
            if (pfn == owners.length || owners[pfn] != owners[start]) {
                out.add(new FrameSpan(start, pfn, OWNERS[owners[start]], ""));
                start = pfn;
            }
        }
        return out;
    }

    private void fill(long from, long to, FrameOwner owner) {
        Arrays.fill(owners, (int) Math.min(from, owners.length), (int) Math.min(to, owners.length),
                (byte) owner.ordinal());
    }

    private void check(String operation, long pfn, long frames) {
        if (pfn < 0 || frames < 1 || pfn + frames > owners.length) {
            throw new IllegalArgumentException(operation + ": frames [" + Addresses.hex(Addresses.pfnToPaddr(pfn))
                    + " +" + frames + " frames) are outside the accounted range [0, "
                    + Addresses.hex(Addresses.pfnToPaddr(owners.length)) + ")");
        }
    }
}
