package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.pmm.FrameRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The physical memory map the kernel boots from: sorted, non-overlapping, non-empty regions, no
 * two touching regions of one type. Immutable; the only way in is {@link #sanitize}, which turns
 * whatever the firmware or a file said into that shape and reports every change it made.
 *
 * <h2>Sanitising, as Linux does it for E820</h2>
 * Firmware maps come unsorted, overlapping, with duplicates and empty entries. Linux's
 * {@code e820__update_table} ({@code arch/x86/kernel/e820.c}) cleans them with a sweep over
 * <i>change points</i>, and so does this class:
 * <ol>
 *   <li>Drop empty regions ({@code length == 0}).
 *   <li>Collect a change point at every start and every end, and sort them as unsigned numbers.
 *   <li>Between two neighbouring change points, every region either covers the whole interval or
 *       none of it. The interval gets the highest type number among the regions that cover it
 *       (the overlap rule, {@link RegionType#outranks}); an interval nothing covers is a gap.
 *   <li>Join touching intervals of one type into one region.
 * </ol>
 * <pre>
 *  raw      #0 |--------- usable ----------|            #2 |-- usable --|
 *           #1              |------ reserved ------|
 *  points      a            b              c       d       e            f
 *  result      |-- usable --|----- reserved -------|       |-- usable --|
 *              "overlap [b, c): reserved (#1) wins over usable (#0)"
 * </pre>
 * A region that would run past 2^64 cannot reach this class: {@link MemoryRegion} rejects it,
 * and every reader reports it with its line or offset first. One deliberate difference from
 * Linux: a region of type 0 is kept as a reserved "type 0" region (it loses every overlap), where
 * Linux's sweep, which uses 0 for "no region", silently turns it into a gap. Neither is usable,
 * so the frames are the same.
 *
 * <h2>What a 32-bit kernel can use</h2>
 * Without PAE the kernel reaches physical addresses below 4 GiB only. Regions at or above 4 GiB
 * stay in the map (they are part of what the firmware said) but count as
 * {@linkplain #notAddressableBytes() not addressable}. Frames are whole 4 KiB frames inside
 * usable memory: a usable region's start is rounded up and its end rounded down to 4 KiB, so
 * usable [0, 0x9FC00) gives frames 0 to 0x9E and the 3 KiB tail is lost.
 * <pre>
 *    0x00000000          0x0009F000  0x0009FC00         0x00100000                 4 GiB
 *    |#### usable frames ####|..3K..|<- reserved, ROM ->|#### usable frames ###...|  not addressable
 * </pre>
 */
public final class MemoryMap {
    /** What {@link #highestUsableFrame()} returns when there is no whole usable frame below 4 GiB. */
    public static final long NO_FRAME = -1;
    /** The first physical address a 32-bit kernel without PAE cannot reach. */
    public static final long ADDRESSABLE_LIMIT = 1L << 32;

    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** How many region numbers an overlap message lists before it says "and N more". */
    private static final int LISTED_REGIONS = 6;

    private final List<MemoryRegion> regions;
    private final List<FrameRange> frameRanges;
    private final long usableFrames;
    private final long usableBytes;
    private final long notAddressableBytes;

    /** The outcome of {@link #sanitize}: the map and what was done to the raw regions to get it. */
    public record Sanitized(MemoryMap map, List<String> changes, List<String> notes) {
        /**
         * @param map     the sanitised map
         * @param changes one sentence for every change: a dropped empty region, the reordering,
         *                every overlap and who won it, every merge
         * @param notes   facts about the result that are not changes: usable memory at or above 4 GiB
         *                (kept, not addressable), usable bytes lost to partial frames
         */
        public Sanitized {
            Objects.requireNonNull(map, "map");
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
        }

        /** Whether sanitising changed anything: false for a map that was already clean. */
        public boolean changed() {
            return !changes.isEmpty();
        }
    }

    private MemoryMap(List<MemoryRegion> regions) {
        this.regions = List.copyOf(regions);
        List<FrameRange> ranges = new ArrayList<>();
        long frames = 0;
        long usable = 0;
        long aboveLimit = 0;
        for (MemoryRegion region : this.regions) {
            if (!region.isUsable()) {
                continue;
            }
            usable += region.length();
            if (Long.compareUnsigned(region.end(), ADDRESSABLE_LIMIT) > 0) {
                long from = Long.compareUnsigned(region.base(), ADDRESSABLE_LIMIT) > 0 ? region.base() : ADDRESSABLE_LIMIT;
                aboveLimit += region.end() - from;
            }
            if (Long.compareUnsigned(region.base(), ADDRESSABLE_LIMIT) >= 0) {
                continue;
            }
            long startPfn = Addresses.paddrToPfn(Addresses.alignUp(region.base()));
            long end = Long.compareUnsigned(region.end(), ADDRESSABLE_LIMIT) > 0 ? ADDRESSABLE_LIMIT : region.end();
            long endPfn = Addresses.paddrToPfn(Addresses.alignDown(end));
            if (startPfn < endPfn) {
                ranges.add(new FrameRange(startPfn, endPfn));
                frames += endPfn - startPfn;
            }
        }
        this.frameRanges = List.copyOf(ranges);
        this.usableFrames = frames;
        this.usableBytes = usable;
        this.notAddressableBytes = aboveLimit;
    }

    // ---------------------------------------------------------------- sanitising

    /**
     * Sanitises {@code raw} the way Linux sanitises an E820 table (see the class comment) and
     * reports what it changed. Never fails: every {@link MemoryRegion} can be sanitised. The list
     * is not modified; regions are named in the report by their index in it ({@code #3}).
     *
     * @throws NullPointerException when {@code raw} or one of its elements is null
     */
    public static Sanitized sanitize(List<MemoryRegion> raw) {
        List<String> changes = new ArrayList<>();
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            MemoryRegion region = Objects.requireNonNull(raw.get(i), "region #" + i);
            if (region.isEmpty()) {
                changes.add("dropped empty region #" + i + " at " + Addresses.hex(region.base()) + " (" + region.type() + ")");
            } else {
                live.add(i);
            }
        }
        for (int k = 1; k < live.size(); k++) {
            MemoryRegion before = raw.get(live.get(k - 1));
            MemoryRegion after = raw.get(live.get(k));
            if (Long.compareUnsigned(after.base(), before.base()) < 0) {
                changes.add("sorted the regions by base address (#" + live.get(k) + " at " + Addresses.hex(after.base())
                        + " came after #" + live.get(k - 1) + " at " + Addresses.hex(before.base()) + ")");
                break;
            }
        }

        List<Segment> segments = sweep(raw, live);
        reportOverlaps(raw, segments, changes);
        List<MemoryRegion> result = join(raw, segments, changes);
        MemoryMap map = new MemoryMap(result);
        return new Sanitized(map, changes, map.notes());
    }

    /** The sanitised map of {@code raw}, without the report. */
    public static MemoryMap of(List<MemoryRegion> raw) {
        return sanitize(raw).map();
    }

    /** The sanitised map of {@code raw}, without the report. */
    public static MemoryMap of(MemoryRegion... raw) {
        return of(Arrays.asList(raw));
    }

    /** An elementary interval between two change points, the regions covering it, and its winning type. */
    private record Segment(long start, long end, int[] cover, RegionType winner) {
    }

    /** Steps 2 and 3: the covered elementary intervals, in address order. */
    private static List<Segment> sweep(List<MemoryRegion> raw, List<Integer> live) {
        Integer[] byBase = live.toArray(new Integer[0]);
        Arrays.sort(byBase, Comparator.comparing((Integer i) -> raw.get(i).base(), Long::compareUnsigned)
                .thenComparing(i -> i));
        long[] points = new long[2 * byBase.length];
        for (int k = 0; k < byBase.length; k++) {
            points[2 * k] = raw.get(byBase[k]).base();
            points[2 * k + 1] = raw.get(byBase[k]).end();
        }
        long[] sorted = Arrays.stream(points).boxed().sorted(Long::compareUnsigned).distinct()
                .mapToLong(Long::longValue).toArray();

        List<Segment> segments = new ArrayList<>();
        TreeSet<Integer> active = new TreeSet<>();
        int next = 0;
        for (int p = 0; p + 1 < sorted.length; p++) {
            long start = sorted[p];
            active.removeIf(i -> Long.compareUnsigned(raw.get(i).end(), start) <= 0);
            // every base is a change point, so a region becomes active exactly at its own base
            while (next < byBase.length && raw.get(byBase[next]).base() == start) {
                active.add(byBase[next++]);
            }
            if (active.isEmpty()) {
                continue;
            }
            int[] cover = active.stream().mapToInt(Integer::intValue).toArray();
            RegionType winner = raw.get(cover[0]).type();
            for (int i : cover) {
                winner = RegionType.winner(winner, raw.get(i).type());
            }
            segments.add(new Segment(start, sorted[p + 1], cover, winner));
        }
        return segments;
    }

    /** One sentence for every run of touching intervals that the same two or more regions cover. */
    private static void reportOverlaps(List<MemoryRegion> raw, List<Segment> segments, List<String> changes) {
        int s = 0;
        while (s < segments.size()) {
            Segment first = segments.get(s);
            int e = s + 1;
            while (e < segments.size() && segments.get(e).start() == segments.get(e - 1).end()
                    && Arrays.equals(segments.get(e).cover(), first.cover())) {
                e++;
            }
            if (first.cover().length >= 2) {
                changes.add(overlapSentence(raw, first.cover(), first.start(), segments.get(e - 1).end(), first.winner()));
            }
            s = e;
        }
    }

    private static String overlapSentence(List<MemoryRegion> raw, int[] cover, long start, long end, RegionType winner) {
        String range = MemoryRegion.range(start, end);
        // the types present, highest first
        TreeSet<RegionType> types = new TreeSet<>((a, b) -> Integer.compareUnsigned(b.code(), a.code()));
        for (int i : cover) {
            types.add(raw.get(i).type());
        }
        if (types.size() == 1) {
            return "overlap " + range + ": regions " + indexList(raw, cover, winner) + " are all " + winner + "; kept once";
        }
        StringBuilder losers = new StringBuilder();
        for (RegionType type : types) {
            if (!type.equals(winner)) {
                losers.append(losers.isEmpty() ? "" : ", ").append(type).append(" (").append(indexList(raw, cover, type)).append(')');
            }
        }
        return "overlap " + range + ": " + winner + " (" + indexList(raw, cover, winner) + ") wins over " + losers;
    }

    /** {@code #0, #3}: the regions of {@code cover} that have {@code type}, a few at most. */
    private static String indexList(List<MemoryRegion> raw, int[] cover, RegionType type) {
        StringBuilder list = new StringBuilder();
        int listed = 0;
        int more = 0;
        for (int i : cover) {
            if (!raw.get(i).type().equals(type)) {
                continue;
            }
            if (listed < LISTED_REGIONS) {
                list.append(listed == 0 ? "" : ", ").append('#').append(i);
                listed++;
            } else {
                more++;
            }
        }
        return more == 0 ? list.toString() : list + " and " + more + " more";
    }

    /** Step 4: touching intervals of one type become one region; a region built from several raw ones is reported. */
    private static List<MemoryRegion> join(List<MemoryRegion> raw, List<Segment> segments, List<String> changes) {
        List<MemoryRegion> result = new ArrayList<>();
        int s = 0;
        while (s < segments.size()) {
            Segment first = segments.get(s);
            TreeSet<Integer> sources = new TreeSet<>();
            int e = s;
            do {
                for (int i : segments.get(e).cover()) {
                    if (raw.get(i).type().equals(first.winner())) {
                        sources.add(i);
                    }
                }
                e++;
            } while (e < segments.size() && segments.get(e).start() == segments.get(e - 1).end()
                    && segments.get(e).winner().equals(first.winner()));
            MemoryRegion joined = MemoryRegion.between(first.start(), segments.get(e - 1).end(), first.winner());
            if (sources.size() >= 2) {
                StringBuilder parts = new StringBuilder();
                int listed = 0;
                for (int i : sources) {
                    if (listed++ == LISTED_REGIONS) {
                        parts.append(" and ").append(sources.size() - LISTED_REGIONS).append(" more");
                        break;
                    }
                    MemoryRegion part = raw.get(i);
                    parts.append(listed == 1 ? "" : ", ").append('#').append(i).append(' ')
                            .append(MemoryRegion.range(part.base(), part.end()));
                }
                changes.add("merged " + first.winner() + " regions " + parts + " into "
                        + MemoryRegion.range(joined.base(), joined.end()));
            }
            result.add(joined);
            s = e;
        }
        return result;
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (MemoryRegion region : regions) {
            if (region.isUsable() && Long.compareUnsigned(region.end(), ADDRESSABLE_LIMIT) > 0) {
                boolean whole = Long.compareUnsigned(region.base(), ADDRESSABLE_LIMIT) >= 0;
                long from = whole ? region.base() : ADDRESSABLE_LIMIT;
                notes.add("usable " + MemoryRegion.range(region.base(), region.end())
                        + (whole ? "" : ": its part " + MemoryRegion.range(from, region.end()))
                        + " lies at or above 4 GiB: kept in the map, not addressable by a 32-bit kernel without PAE ("
                        + sizeText(region.end() - from) + ")");
            }
        }
        long partial = usableBytes - notAddressableBytes - usableFrames * Addresses.PAGE_BYTES;
        if (partial != 0) {
            notes.add(sizeText(partial) + " of usable memory below 4 GiB lies in partial 4 KiB frames and does not count"
                    + " (only whole frames do)");
        }
        return notes;
    }

    /** {@code 1 GiB}, {@code 3 KiB}, {@code 1536 bytes}: a byte count (unsigned) in the largest exact unit. */
    static String sizeText(long bytes) {
        if (bytes != 0 && Long.remainderUnsigned(bytes, GIB) == 0) {
            return Long.divideUnsigned(bytes, GIB) + " GiB";
        }
        if (bytes != 0 && Long.remainderUnsigned(bytes, MIB) == 0) {
            return Long.divideUnsigned(bytes, MIB) + " MiB";
        }
        if (bytes != 0 && Long.remainderUnsigned(bytes, KIB) == 0) {
            return Long.divideUnsigned(bytes, KIB) + " KiB";
        }
        return Long.toUnsignedString(bytes) + (bytes == 1 ? " byte" : " bytes");
    }

    // ---------------------------------------------------------------- queries

    /** The regions in address order: sorted, non-overlapping, non-empty, touching ones of different types. */
    public List<MemoryRegion> regions() {
        return regions;
    }

    /** Whether the map has no regions at all. */
    public boolean isEmpty() {
        return regions.isEmpty();
    }

    /** Whole 4 KiB frames of usable memory below 4 GiB: what a frame allocator can hand out. */
    public long usableFrames() {
        return usableFrames;
    }

    /**
     * The runs {@code [startPfn, endPfn)} of whole usable frames below 4 GiB, in address order.
     * Runs never overlap or touch: two usable regions are always separated by something else.
     */
    public List<FrameRange> usableFrameRanges() {
        return frameRanges;
    }

    /** Bytes of usable memory anywhere in the map, partial frames and memory above 4 GiB included. */
    public long usableBytes() {
        return usableBytes;
    }

    /** Bytes of usable memory at or above 4 GiB, which a 32-bit kernel without PAE cannot reach. */
    public long notAddressableBytes() {
        return notAddressableBytes;
    }

    /** The highest whole usable frame below 4 GiB, or {@link #NO_FRAME} when there is none. */
    public long highestUsableFrame() {
        return frameRanges.isEmpty() ? NO_FRAME : frameRanges.get(frameRanges.size() - 1).endPfn() - 1;
    }

    /** The region that holds {@code paddr} (unsigned), or empty when the map says nothing about it. */
    public Optional<MemoryRegion> regionAt(long paddr) {
        int low = 0;
        int high = regions.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            MemoryRegion region = regions.get(mid);
            if (Long.compareUnsigned(paddr, region.base()) < 0) {
                high = mid - 1;
            } else if (Long.compareUnsigned(paddr, region.end()) >= 0) {
                low = mid + 1;
            } else {
                return Optional.of(region);
            }
        }
        return Optional.empty();
    }

    /** The type of the memory at {@code paddr} (unsigned), or empty when the map says nothing about it. */
    public Optional<RegionType> typeAt(long paddr) {
        return regionAt(paddr).map(MemoryRegion::type);
    }

    /**
     * The map as Linux prints it at boot, one line a region, end inclusive:
     * {@code BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable}. {@link E820Text#parse}
     * reads these lines back to the same map.
     */
    public List<String> e820Lines() {
        List<String> lines = new ArrayList<>(regions.size());
        for (MemoryRegion region : regions) {
            lines.add(String.format("BIOS-e820: [mem %#018x-%#018x] %s", region.base(), region.end() - 1,
                    region.type().e820Name()));
        }
        return lines;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemoryMap map && map.regions.equals(regions);
    }

    @Override
    public int hashCode() {
        return regions.hashCode();
    }

    /** The {@link #e820Lines()}, one a line. */
    @Override
    public String toString() {
        return String.join("\n", e820Lines());
    }
}
