package dev.pagelab.pmm;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.boot.RegionType;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the frame-allocator suites share: the allocators under test, the pools they run on, a
 * snapshot of everything an allocator shows (to prove that a misuse changed nothing), and each
 * allocator's documented limits on contiguous runs.
 *
 * <h2>When may {@code allocateRun} return NO_FRAME although free frames remain?</h2>
 * The reference finds a run whenever {@code frames} free frames with an aligned first frame lie
 * side by side. Each built-in allocator documents that it does the same, and is held to it:
 * <ul>
 *   <li><b>bitmap</b>: first fit over the whole bitmap;</li>
 *   <li><b>bump</b>: it never frees, so every free frame lies above its counter, in address
 *       order; it moves the counter on (run by run) until a fitting run starts;</li>
 *   <li><b>free-list</b>: first fit over its Java-side bitsets, beside the list;</li>
 *   <li><b>buddy</b>: a free block of order ⌈log2 max(frames, align)⌉ when there is one, else a
 *       search of its page array for any fitting run (Linux's {@code alloc_contig_range}), and
 *       the surplus of a block is given back ({@code alloc_pages_exact}).</li>
 * </ul>
 * An allocator registered under any other name (a student's) is held to the reference for
 * single frames only: its runs may fail ({@code frames > 1} or {@code align > 1}), but a run it
 * hands out must be valid. For every allocator, a single frame ({@code allocate()},
 * {@code allocateRun(1, 1)}) is NO_FRAME exactly when no frame is free.
 *
 * <h2>Frames consumed but not handed out</h2>
 * Only the bump allocator may consume more frames than a run holds: the frames it skips to reach
 * an alignment or the next pool run are lost for good ({@code isAllocated} true, not free, in no
 * run). The suites accept that from {@link #losesSkippedFrames} allocators only, and only for
 * frames below the run's first frame that were free; the shadow then marks them lost.
 */
final class FrameAllocatorFixtures {
    static final List<String> BUILT_INS = List.of("bitmap", "bump", "free-list", "buddy");

    private FrameAllocatorFixtures() {
    }

    // ---------------------------------------------------------------- the allocators under test

    /** The registry the suites take their allocators from: the built-in one. */
    static final FrameAllocatorRegistry REGISTRY = FrameAllocatorRegistry.builtIn();

    /**
     * Every registered allocator, then the reference, which is built here and not registered: the
     * suites test the registry's allocators against it.
     */
    static List<String> allocatorNames() {
        Set<String> names = new LinkedHashSet<>(REGISTRY.names());
        names.add(ReferenceFrameAllocator.NAME);
        return List.copyOf(names);
    }

    /** A new allocator called {@code name}; the reference is built here, the rest by the registry. */
    static FrameAllocator create(String name, PhysicalMemory memory, List<FrameRange> free) {
        return ReferenceFrameAllocator.NAME.equals(name) ? new ReferenceFrameAllocator(memory, free)
                : REGISTRY.create(name, new FrameAllocatorConfig(memory, free));
    }

    /**
     * Whether {@code allocateRun(frames, align)} may return NO_FRAME for the allocator called
     * {@code name} while {@code model} (its shadow) still has free frames (see the class comment).
     */
    static boolean runFailureAllowed(String name, ReferenceFrameAllocator model, long frames, long align) {
        if (model.findRun(frames, align) == FrameAllocator.NO_FRAME) {
            return true;
        }
        return !(ReferenceFrameAllocator.NAME.equals(name) || BUILT_INS.contains(name)) && (frames > 1 || align > 1);
    }

    /** Whether {@code allocateRun} of the allocator called {@code name} may lose the frames it skips. */
    static boolean losesSkippedFrames(String name) {
        return "bump".equals(name);
    }

    // ---------------------------------------------------------------- pools

    /**
     * A machine as an allocator finds it.
     *
     * @param memory      the physical memory, fresh
     * @param free        the pool
     * @param reserved    frames in RAM that are not in the pool (gaps, kernel, firmware, low memory)
     * @param outsideRam  frame numbers that are no RAM at all (holes, past the end, negative)
     * @param scanTopPfn  snapshots compare {@code isAllocated} of every frame below this
     * @param small       whether snapshots checksum every pool frame's bytes (else the metadata only)
     */
    record Machine(PhysicalMemory memory, List<FrameRange> free, List<Long> reserved, List<Long> outsideRam,
                   long scanTopPfn, boolean small) {
        long poolFrames() {
            return free.stream().mapToLong(FrameRange::frames).sum();
        }

        boolean inPool(long pfn) {
            return free.stream().anyMatch(r -> r.contains(pfn));
        }
    }

    /** A named way to build a fresh {@link Machine}. */
    record Pool(String name, Supplier<Machine> machine) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** 1 MiB of RAM; runs with gaps of every width, frame 0 not free. */
    static final Pool GAPS = handMade("gaps", 256, List.of(), List.of(
            new FrameRange(1, 40), new FrameRange(41, 42), new FrameRange(48, 120), new FrameRange(130, 133),
            new FrameRange(160, 250)));
    /** One run from frame 0. */
    static final Pool FROM_ZERO = handMade("from-frame-0", 128, List.of(), List.of(new FrameRange(0, 96)));
    /** Frame 0 alone in its run, then a gap, then the rest. */
    static final Pool ZERO_ALONE = handMade("frame-0-alone", 128, List.of(),
            List.of(new FrameRange(0, 1), new FrameRange(3, 70)));
    /**
     * Frame 0 alone, and a pool so large (top past 32,768 frames) that a one-frame run cannot
     * hold a bitmap: so frame 0 is not where a bitmap allocator keeps its metadata.
     */
    static final Pool ZERO_ALONE_LARGE = handMade("frame-0-alone-large", 40_064, List.of(),
            List.of(new FrameRange(0, 1), new FrameRange(16, 40_000)));
    /** Frame 0 reserved, odd starts, a 1-frame run in the middle. */
    static final Pool ZERO_RESERVED = handMade("frame-0-reserved", 128, List.of(),
            List.of(new FrameRange(1, 2), new FrameRange(5, 37), new FrameRange(39, 40),
                    new FrameRange(45, 101)));
    /** 2 MiB with two holes (not RAM) between the runs. */
    static final Pool HOLES = handMade("ram-holes", 512, List.of(new long[] {64, 16}, new long[] {300, 100}),
            List.of(new FrameRange(8, 64), new FrameRange(80, 300), new FrameRange(400, 480)));

    static final Pool QEMU_PC_16M = boot("qemu-pc-16M", LowMemory.FIRST_MIB);
    static final Pool QEMU_PC_16M_PAGE_ZERO = boot("qemu-pc-16M", LowMemory.PAGE_ZERO);
    static final Pool QEMU_PC_128M = boot("qemu-pc-128M", LowMemory.FIRST_MIB);
    static final Pool QEMU_Q35_128M = boot("qemu-q35-128M", LowMemory.FIRST_MIB);
    static final Pool QEMU_PC_1G = boot("qemu-pc-1G", LowMemory.FIRST_MIB);
    static final Pool MAP_WITH_HOLES = mapWithHoles();

    /** The pools every misuse test runs on: cheap to snapshot. */
    static List<Pool> smallPools() {
        return List.of(GAPS, FROM_ZERO, ZERO_ALONE, ZERO_RESERVED, HOLES, QEMU_PC_16M_PAGE_ZERO, MAP_WITH_HOLES);
    }

    /** The pools where whole-pool walks (allocate everything, free everything) still run fast. */
    static List<Pool> walkPools() {
        return List.of(GAPS, FROM_ZERO, ZERO_ALONE, ZERO_RESERVED, HOLES, QEMU_PC_16M, QEMU_PC_16M_PAGE_ZERO,
                MAP_WITH_HOLES, QEMU_PC_128M, QEMU_Q35_128M);
    }

    /** The pools for counts of a fresh allocator: every built-in machine up to 1 GiB too. */
    static List<Pool> allPools() {
        List<Pool> pools = new ArrayList<>(walkPools());
        pools.add(ZERO_ALONE_LARGE);
        pools.add(QEMU_PC_1G);
        return pools;
    }

    /**
     * A memory of {@code frames} frames with {@code holes} ({@code [startPfn, frames]} each) and
     * the pool {@code free}.
     */
    static Pool handMade(String name, long frames, List<long[]> holes, List<FrameRange> free) {
        return new Pool(name, () -> {
            PhysicalMemory.Builder builder = PhysicalMemory.builder(Addresses.pfnToPaddr(frames));
            List<Long> outside = new ArrayList<>(List.of(frames, frames + 1, 1L << 20, -1L, Long.MIN_VALUE));
            for (long[] hole : holes) {
                builder.hole(Addresses.pfnToPaddr(hole[0]), Addresses.pfnToPaddr(hole[1]));
                outside.add(hole[0]);
                outside.add(hole[0] + hole[1] - 1);
            }
            PhysicalMemory memory = builder.build();
            List<Long> reserved = new ArrayList<>();
            long pfn = 0;
            for (FrameRange range : free) {
                if (range.startPfn() > pfn) {
                    reserved.add(pfn);
                    reserved.add(range.startPfn() - 1);
                }
                pfn = range.endPfn();
            }
            if (pfn < frames) {
                reserved.add(frames - 1);
            }
            reserved.removeIf(r -> !memory.isRam(Addresses.pfnToPaddr(r)));
            long poolFrames = free.stream().mapToLong(FrameRange::frames).sum();
            return new Machine(memory, free, List.copyOf(new LinkedHashSet<>(reserved)), List.copyOf(outside), frames + 2,
                    poolFrames <= 8192);
        });
    }

    /** A real boot of a built-in machine with the built-in 1 MiB kernel. */
    static Pool boot(String machineName, LowMemory lowMemory) {
        String name = machineName + (lowMemory == LowMemory.FIRST_MIB ? "" : "-page-0");
        return new Pool(name, () -> machineOf(Boot.run(MachineProfiles.byName(machineName),
                KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(), "", lowMemory)));
    }

    /**
     * A firmware map with holes the address space leaves unmapped, and every non-usable type:
     * 4 MiB of RAM, nothing at [4, 8) MiB, then usable memory broken by ACPI, bad and reserved
     * regions, and a usable region that does not start or end on a frame boundary.
     */
    static Pool mapWithHoles() {
        List<MemoryRegion> regions = List.of(
                MemoryRegion.between(0, 0x9_FC00, RegionType.USABLE),
                MemoryRegion.between(0x9_FC00, 0xA_0000, RegionType.RESERVED),
                MemoryRegion.between(0xF_0000, 0x10_0000, RegionType.RESERVED),
                MemoryRegion.between(0x10_0000, 0x40_0000, RegionType.USABLE),
                MemoryRegion.between(0x80_0000, 0x90_0000, RegionType.USABLE),
                MemoryRegion.between(0x90_0000, 0x90_3000, RegionType.ACPI_RECLAIMABLE),
                MemoryRegion.between(0x90_3000, 0x98_0000, RegionType.USABLE),
                MemoryRegion.between(0x98_0000, 0x98_1000, RegionType.BAD),
                MemoryRegion.between(0x98_1000, 0xA0_0800, RegionType.USABLE),
                MemoryRegion.between(0xA0_1000, 0xA0_4000, RegionType.ACPI_NVS),
                MemoryRegion.between(0xA0_4000, 0xB0_0000, RegionType.USABLE));
        return new Pool("map-with-holes", () -> {
            PhysicalMemory memory = Boot.memoryFor(MemoryMap.sanitize(regions).map());
            return machineOf(Boot.run("map with holes", memory, regions, KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
                    List.of(), "", LowMemory.PAGE_ZERO));
        });
    }

    private static Machine machineOf(Boot boot) {
        BootReport report = boot.report();
        PhysicalMemory memory = boot.memory();
        List<Long> reserved = new ArrayList<>();
        List<Long> outside = new ArrayList<>(List.of(-1L, Long.MIN_VALUE, 1L << 20, (1L << 20) + 5, 1L << 40));
        for (FrameSpan span : report.layout()) {
            if (span.owner() == FrameOwner.FREE) {
                continue;
            }
            for (long pfn : new long[] {span.startPfn(), span.endPfn() - 1}) {
                if (memory.isRam(Addresses.pfnToPaddr(pfn))) {
                    if (reserved.size() < 24) {
                        reserved.add(pfn);
                    }
                } else if (outside.size() < 24) {
                    outside.add(pfn);
                }
            }
        }
        List<FrameRange> free = report.freeFrameRanges();
        long top = free.get(free.size() - 1).endPfn() + 64;
        long frames = free.stream().mapToLong(FrameRange::frames).sum();
        return new Machine(memory, free, List.copyOf(new LinkedHashSet<>(reserved)),
                List.copyOf(new LinkedHashSet<>(outside)), top, frames <= 8192);
    }

    // ---------------------------------------------------------------- snapshots

    /** Everything an allocator shows, and its bytes in RAM. */
    record Snapshot(long freeFrames, long totalFrames, List<FrameRange> metadata, List<String> describe,
                    BitSet allocated, List<Long> allocatedOutside, long ramCrc) {
    }

    static Snapshot snapshot(FrameAllocator allocator, Machine machine) {
        BitSet allocated = new BitSet();
        for (long pfn = 0; pfn < machine.scanTopPfn(); pfn++) {
            if (allocator.isAllocated(pfn)) {
                allocated.set((int) pfn);
            }
        }
        List<Long> outside = new ArrayList<>();
        for (long pfn : machine.outsideRam()) {
            if (allocator.isAllocated(pfn)) {
                outside.add(pfn);
            }
        }
        CRC32 crc = new CRC32();
        byte[] page = new byte[Addresses.PAGE_BYTES];
        List<FrameRange> summed = machine.small() ? machine.free() : allocator.metadataFrames();
        for (FrameRange range : summed) {
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                machine.memory().readBytes(Addresses.pfnToPaddr(pfn), page, 0, page.length);
                crc.update(page);
            }
        }
        for (FrameRange range : allocator.metadataFrames()) {
            // metadata frames count twice for a small pool: cheap, and it keeps one code path
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                machine.memory().readBytes(Addresses.pfnToPaddr(pfn), page, 0, page.length);
                crc.update(page);
            }
        }
        return new Snapshot(allocator.freeFrames(), allocator.totalFrames(), List.copyOf(allocator.metadataFrames()),
                List.copyOf(allocator.describe()), allocated, List.copyOf(outside), crc.getValue());
    }

    /** Fails naming what differs between {@code before} and {@code after}. */
    static void assertUnchanged(String operation, Snapshot before, Snapshot after) {
        List<String> diffs = new ArrayList<>();
        if (before.freeFrames() != after.freeFrames()) {
            diffs.add("freeFrames " + before.freeFrames() + " -> " + after.freeFrames());
        }
        if (before.totalFrames() != after.totalFrames()) {
            diffs.add("totalFrames " + before.totalFrames() + " -> " + after.totalFrames());
        }
        if (!before.metadata().equals(after.metadata())) {
            diffs.add("metadataFrames " + before.metadata() + " -> " + after.metadata());
        }
        if (!before.describe().equals(after.describe())) {
            diffs.add("describe " + before.describe() + " -> " + after.describe());
        }
        if (!before.allocated().equals(after.allocated())) {
            BitSet changed = (BitSet) before.allocated().clone();
            changed.xor(after.allocated());
            diffs.add("isAllocated changed for " + changed.cardinality() + " frames, first 0x"
                    + Integer.toHexString(changed.nextSetBit(0)) + " (now " + after.allocated().get(changed.nextSetBit(0)) + ")");
        }
        if (!before.allocatedOutside().equals(after.allocatedOutside())) {
            diffs.add("isAllocated outside RAM " + before.allocatedOutside() + " -> " + after.allocatedOutside());
        }
        if (before.ramCrc() != after.ramCrc()) {
            diffs.add("bytes in RAM changed (CRC-32 " + Long.toHexString(before.ramCrc()) + " -> "
                    + Long.toHexString(after.ramCrc()) + ")");
        }
        if (!diffs.isEmpty()) {
            fail(operation + " threw but changed the allocator: " + String.join("; ", diffs));
        }
    }

    /** Whether {@code message} names {@code pfn} in hex, as a frame number or as a physical address. */
    static boolean namesFrameInHex(String message, long pfn) {
        if (message == null) {
            return false;
        }
        String frame = pfn < 0 ? Long.toHexString(pfn) : Long.toHexString(pfn).replaceFirst("^0+(?=.)", "");
        Pattern byFrame = Pattern.compile("(?i)0x0*" + Pattern.quote(frame) + "(?![0-9a-f])");
        if (byFrame.matcher(message).find()) {
            return true;
        }
        if (pfn >= 0 && pfn < 1L << 40) {
            Pattern byAddress = Pattern.compile("(?i)0x0*" + Long.toHexString(pfn << 12) + "(?![0-9a-f])");
            return byAddress.matcher(message).find();
        }
        // a negative frame may be printed as a signed number
        return message.contains(Long.toString(pfn)) || message.toLowerCase().contains("-0x" + Long.toHexString(-pfn));
    }

    /** Every pool frame that is not a metadata frame, in address order. */
    static List<Long> managedFrames(FrameAllocator allocator, Machine machine) {
        ReferenceFrameAllocator model = ReferenceFrameAllocator.shadow(machine.free(), allocator.metadataFrames());
        List<Long> out = new ArrayList<>();
        BitSet free = model.freeSet();
        for (int pfn = free.nextSetBit(0); pfn >= 0; pfn = free.nextSetBit(pfn + 1)) {
            out.add((long) pfn);
        }
        return out;
    }

    /** Asserts that {@code metadata} lies in the pool, in address order, without overlaps. */
    static void assertMetadataInPool(String name, List<FrameRange> metadata, Machine machine) {
        Objects.requireNonNull(metadata, name + ".metadataFrames()");
        long previousEnd = Long.MIN_VALUE;
        for (FrameRange range : metadata) {
            assertThat(range.startPfn()).as("%s: metadata %s starts after the previous run ends", name, range)
                    .isGreaterThanOrEqualTo(previousEnd);
            previousEnd = range.endPfn();
            assertThat(machine.free().stream().anyMatch(r -> r.startPfn() <= range.startPfn() && range.endPfn() <= r.endPfn()))
                    .as("%s: metadata %s lies inside one pool run of %s", name, range, machine.free()).isTrue();
        }
    }
}
