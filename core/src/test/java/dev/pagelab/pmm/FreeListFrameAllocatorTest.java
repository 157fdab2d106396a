package dev.pagelab.pmm;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FreeListFrameAllocatorTest {
    private static final long END = 0xFFFF_FFFFL;

    /** 16 frames of RAM; the pool [1, 4), [6, 8), [9, 10): frame 0 reserved, gaps of 2 and 1 frames. */
    private static final List<FrameRange> GAPS = List.of(new FrameRange(1, 4), new FrameRange(6, 8), new FrameRange(9, 10));

    private static PhysicalMemory memory(long frames) {
        return PhysicalMemory.ofSize(Addresses.pfnToPaddr(frames));
    }

    /** The u32 link in the first bytes of frame {@code pfn}, read through the memory. */
    private static long link(PhysicalMemory memory, long pfn) {
        return Integer.toUnsignedLong(memory.read32(Addresses.pfnToPaddr(pfn)));
    }

    private static long paddr(long pfn) {
        return Addresses.pfnToPaddr(pfn);
    }

    /**
     * The list as RAM holds it: from head, the linked frames following their links (the last
     * link must name the mark), then the frames never handed out, from the mark up in address
     * order: the free pool frames that are on no link.
     */
    private static List<Long> listInRam(FreeListFrameAllocator allocator, PhysicalMemory memory) {
        List<Long> out = new ArrayList<>();
        Set<Long> linked = new HashSet<>();
        long pfn = allocator.topPfn();
        for (long i = 0; i < allocator.stackFrames(); i++) {
            out.add(pfn);
            linked.add(pfn);
            long next = link(memory, pfn);
            pfn = next == END ? FrameAllocator.NO_FRAME : next >>> 12;
        }
        assertThat(pfn).as("the last link names the mark").isEqualTo(allocator.markPfn());
        long mark = allocator.markPfn();
        for (long f = mark; mark != FrameAllocator.NO_FRAME && out.size() < allocator.freeFrames(); f++) {
            if (allocator.isPoolFrame(f) && !allocator.isAllocated(f) && !linked.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<Long> frames(long... pfns) {
        return LongStream.of(pfns).boxed().toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    /** Everything the allocator shows, and the first bytes of every frame of the memory. */
    private record State(long free, long top, List<Long> list, BitSet allocated, List<String> describe, byte[] links) {
        static State of(FreeListFrameAllocator allocator, PhysicalMemory memory) {
            long frames = memory.sizeBytes() >>> 12;
            BitSet allocated = new BitSet();
            byte[] links = new byte[(int) frames * 4];
            for (long pfn = 0; pfn < frames; pfn++) {
                allocated.set((int) pfn, allocator.isAllocated(pfn));
                memory.readBytes(paddr(pfn), links, (int) pfn * 4, 4);
            }
            return new State(allocator.freeFrames(), allocator.topPfn(), listInRam(allocator, memory), allocated,
                    allocator.describe(), links);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && free == s.free && top == s.top && list.equals(s.list)
                    && allocated.equals(s.allocated) && describe.equals(s.describe) && Arrays.equals(links, s.links);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(free);
        }
    }

    /** Asserts that {@code misuse} throws a FrameAllocatorException with {@code message} and changes nothing. */
    private static void assertMisuse(FreeListFrameAllocator allocator, PhysicalMemory memory, ThrowingCallable misuse,
                                     String... message) {
        State before = State.of(allocator, memory);
        assertThatThrownBy(misuse).isInstanceOf(FrameAllocatorException.class).hasMessageContainingAll(message);
        assertThat(State.of(allocator, memory)).isEqualTo(before);
        allocator.checkInvariants();
    }

    // ---------------------------------------------------------------- construction

    @Test
    void constructor_runsWithGaps_writesNothingAndListsEveryPoolFrameInAddressOrderFromTheMark() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);

        assertThat(memory.touchedPages()).as("the list is threaded as frames are freed").isZero();
        assertThat(allocator.markPfn()).isEqualTo(1);
        assertThat(allocator.stackFrames()).isZero();
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(1, 2, 3, 6, 7, 9));
        assertThat(allocator.topPfn()).isEqualTo(1);
        assertThat(allocator.freeFrames()).isEqualTo(6);
        assertThat(allocator.totalFrames()).isEqualTo(6);
        assertThat(allocator.metadataFrames()).isEmpty();
        assertThat(allocator.name()).isEqualTo("free-list");
    }

    @Test
    void constructor_poolStartingAtFrame0_linksFrame0AndHandsItOutFirst() {
        PhysicalMemory memory = memory(8);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, List.of(new FrameRange(0, 3)));

        assertThat(allocator.markPfn()).isZero();
        assertThat(allocator.allocate()).isZero();
        assertThat(allocator.isAllocated(0)).isTrue();
        allocator.free(0);
        assertThat(allocator.topPfn()).isZero();
        assertThat(link(memory, 0)).isEqualTo(paddr(1));
    }

    @Test
    void constructor_touchingRuns_areOneList() {
        PhysicalMemory memory = memory(8);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory,
                List.of(new FrameRange(1, 3), new FrameRange(3, 5)));

        assertThat(listInRam(allocator, memory)).isEqualTo(frames(1, 2, 3, 4));
        assertThat(allocator.allocateRun(4, 1)).isEqualTo(1);
    }

    @Test
    void constructor_emptyPool_handsOutNothing() {
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory(4), List.of());

        assertThat(allocator.allocate()).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(2, 1)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.totalFrames()).isZero();
        assertThat(allocator.isAllocated(0)).isFalse();
    }

    @Test
    void registry_freeList_buildsThisAllocator() {
        FrameAllocator allocator = FrameAllocatorRegistry.builtIn().create("free-list",
                new FrameAllocatorConfig(memory(16), GAPS));

        assertThat(allocator).isInstanceOf(FreeListFrameAllocator.class);
        assertThat(allocator.describe()).anySatisfy(line -> assertThat(line).contains("head END (empty)"))
                .anySatisfy(line -> assertThat(line).contains("high-water mark 0x00001000 (frame 0x1): 6 frames"));
    }

    // ---------------------------------------------------------------- allocate and free

    @Test
    void allocate_freshPool_returnsFramesLowestFirstThenNoFrame() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);

        List<Long> handedOut = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            handedOut.add(allocator.allocate());
        }

        assertThat(handedOut).isEqualTo(frames(1, 2, 3, 6, 7, 9));
        assertThat(allocator.allocate()).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocate()).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.freeFrames()).isZero();
        assertThat(allocator.topPfn()).isEqualTo(FrameAllocator.NO_FRAME);
    }

    @Test
    void free_afterExhaustion_isLastFreedFirstAllocated() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        for (int i = 0; i < 6; i++) {
            allocator.allocate();
        }

        allocator.free(3);
        allocator.free(6);
        allocator.free(1);

        assertThat(link(memory, 1)).isEqualTo(paddr(6));
        assertThat(link(memory, 6)).isEqualTo(paddr(3));
        assertThat(link(memory, 3)).isEqualTo(END);
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(1, 6, 3));
        assertThat(allocator.allocate()).isEqualTo(1);
        assertThat(allocator.allocate()).isEqualTo(6);
        assertThat(allocator.allocate()).isEqualTo(3);
        assertThat(allocator.allocate()).isEqualTo(FrameAllocator.NO_FRAME);
    }

    @Test
    void free_midway_pushesFrameOnTopOfTheInitialList() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        assertThat(allocator.allocate()).isEqualTo(1);
        assertThat(allocator.allocate()).isEqualTo(2);

        allocator.free(1);

        assertThat(link(memory, 1)).as("the mark, frame 3").isEqualTo(paddr(3));
        assertThat(link(memory, 2)).as("a frame never freed was never linked").isZero();
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(1, 3, 6, 7, 9));
        assertThat(allocator.allocate()).isEqualTo(1);
        assertThat(allocator.allocate()).isEqualTo(3);
    }

    @Test
    void free_doubleFree_throwsNamingFrameAndChangesNothing() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        long pfn = allocator.allocate();
        allocator.allocate();
        allocator.free(pfn);

        assertMisuse(allocator, memory, () -> allocator.free(pfn), "free: frame 0x1 is not allocated (state=free)");
        assertThat(allocator.allocate()).as("no cycle: the frame comes out once").isEqualTo(pfn);
        assertThat(allocator.allocate()).isEqualTo(3);
    }

    @Test
    void free_frameOutsideThePool_throwsAndChangesNothing() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        allocator.allocate();

        assertMisuse(allocator, memory, () -> allocator.free(0), "free: frame 0x0 is not allocated",
                "state=reserved: not in the free pool");
        assertMisuse(allocator, memory, () -> allocator.free(4), "frame 0x4", "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(10), "frame 0xa", "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(1L << 20), "frame 0x100000", "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(-1), "frame -0x1", "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(Long.MIN_VALUE), "free: frame", "reserved");
    }

    @Test
    void free_frameOfARun_throwsPointingToFreeRun() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        assertThat(allocator.allocateRun(3, 1)).isEqualTo(1);

        assertMisuse(allocator, memory, () -> allocator.free(1), "free: the run at frame 0x1 has 3 frames, not 1",
                "freeRun(0x1, 3)");
        assertMisuse(allocator, memory, () -> allocator.free(2), "free: frame 0x2 does not start a run",
                "state=in the run [0x1, +3 frames)", "freeRun(0x1, 3)");
    }

    @Test
    void freeRun_ofOneFrame_andFree_ofARunOfOne_areTheSame() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        long single = allocator.allocate();
        long runOfOne = allocator.allocateRun(1, 1);

        allocator.freeRun(single, 1);
        allocator.free(runOfOne);

        assertThat(allocator.freeFrames()).isEqualTo(6);
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(2, 1, 3, 6, 7, 9));
    }

    // ---------------------------------------------------------------- runs

    @Test
    void allocateRun_alignedAcrossGaps_takesFirstFitAndUnlinksItFromTheList() {
        PhysicalMemory memory = memory(32);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory,
                List.of(new FrameRange(1, 5), new FrameRange(6, 20)));

        long start = allocator.allocateRun(4, 4);

        // [4, 8) holds the gap at 5; the next multiple of 4 in a run is 8.
        assertThat(start).isEqualTo(8);
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(1, 2, 3, 4, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19));
        assertThat(memory.touchedPages()).as("a run of frames never handed out unlinks nothing").isZero();
        assertThat(allocator.markPfn()).isEqualTo(1);
        assertThat(allocator.freeFrames()).isEqualTo(14);
        assertThat(range(0, 21).stream().filter(allocator::isAllocated).toList()).isEqualTo(frames(8, 9, 10, 11));
    }

    @Test
    void allocateRun_runAtTheTop_movesTheHead() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);

        assertThat(allocator.allocateRun(2, 1)).isEqualTo(1);

        assertThat(allocator.topPfn()).isEqualTo(3);
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(3, 6, 7, 9));
    }

    @Test
    void allocateRun_unorderedList_findsRunByAddressAndUnlinksEveryFrame() {
        PhysicalMemory memory = memory(32);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, List.of(new FrameRange(0, 16)));
        for (int i = 0; i < 16; i++) {
            allocator.allocate();
        }
        for (long pfn : new long[] {9, 3, 11, 4, 10, 8, 15}) {
            allocator.free(pfn);
        }
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(15, 8, 10, 4, 11, 3, 9));

        assertThat(allocator.allocateRun(3, 1)).isEqualTo(8);

        assertThat(listInRam(allocator, memory)).isEqualTo(frames(15, 4, 11, 3));
        assertThat(link(memory, 15)).isEqualTo(paddr(4));
        assertThat(allocator.allocateRun(2, 2)).as("[3, 5) is not aligned to 2").isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(2, 1)).isEqualTo(3);
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(15, 11));
        assertThat(link(memory, 15)).isEqualTo(paddr(11));
    }

    @Test
    void allocateRun_noFittingRun_returnsNoFrameAndChangesNothing() {
        PhysicalMemory memory = memory(32);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory,
                List.of(new FrameRange(1, 5), new FrameRange(6, 20)));
        State before = State.of(allocator, memory);

        assertThat(allocator.allocateRun(15, 1)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(8, 16)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(1, 32)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(19, 1)).as("more than are free").isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(1L << 40, 1)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(1, 1L << 62)).isEqualTo(FrameAllocator.NO_FRAME);

        assertThat(State.of(allocator, memory)).isEqualTo(before);
        assertThat(allocator.allocateRun(14, 1)).isEqualTo(6);
    }

    @Test
    void allocateRun_badArguments_throwAndChangeNothing() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);

        assertMisuse(allocator, memory, () -> allocator.allocateRun(0, 1), "allocateRun: a run holds at least 1 frame",
                "frames=0");
        assertMisuse(allocator, memory, () -> allocator.allocateRun(-3, 1), "frames=-3");
        assertMisuse(allocator, memory, () -> allocator.allocateRun(2, 3), "allocateRun: the alignment must be a power of two",
                "alignFrames=3");
        assertMisuse(allocator, memory, () -> allocator.allocateRun(2, 0), "alignFrames=0");
        assertMisuse(allocator, memory, () -> allocator.allocateRun(2, Long.MIN_VALUE), "power of two");
    }

    @Test
    void freeRun_pushesTheRunSoThatItComesBackInAddressOrder() {
        PhysicalMemory memory = memory(32);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory,
                List.of(new FrameRange(1, 5), new FrameRange(6, 20)));
        long start = allocator.allocateRun(4, 4);

        allocator.freeRun(start, 4);

        assertThat(listInRam(allocator, memory)).startsWith(8L, 9L, 10L, 11L, 1L, 2L);
        assertThat(link(memory, 11)).isEqualTo(paddr(1));
        assertThat(allocator.freeFrames()).isEqualTo(18);
        assertThat(List.of(allocator.allocate(), allocator.allocate(), allocator.allocate(), allocator.allocate()))
                .isEqualTo(frames(8, 9, 10, 11));
    }

    @Test
    void freeRun_wrongStartOrSize_throwsNamingTheRunAndChangesNothing() {
        PhysicalMemory memory = memory(32);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory,
                List.of(new FrameRange(1, 5), new FrameRange(6, 20)));
        long start = allocator.allocateRun(4, 4);
        long single = allocator.allocate();

        assertMisuse(allocator, memory, () -> allocator.freeRun(start, 3),
                "freeRun: the run at frame 0x8 has 4 frames, not 3 (state=in the run [0x8, +4 frames))");
        assertMisuse(allocator, memory, () -> allocator.freeRun(start, 5), "has 4 frames, not 5");
        assertMisuse(allocator, memory, () -> allocator.freeRun(start + 1, 3), "freeRun: frame 0x9 does not start a run",
                "freeRun(0x8, 4)");
        assertMisuse(allocator, memory, () -> allocator.freeRun(start, 0), "freeRun: a run holds at least 1 frame",
                "frames=0");
        assertMisuse(allocator, memory, () -> allocator.freeRun(single, 2), "the run at frame 0x1 has 1 frame, not 2");
        assertMisuse(allocator, memory, () -> allocator.freeRun(12, 4), "freeRun: frame 0xc is not allocated (state=free)");
        assertMisuse(allocator, memory, () -> allocator.freeRun(5, 1), "frame 0x5 is not allocated", "reserved");
        assertMisuse(allocator, memory, () -> allocator.freeRun(start, Long.MAX_VALUE), "not " + Long.MAX_VALUE);
    }

    @Test
    void freeRun_adjacentRuns_keepTheirOwnSizes() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, List.of(new FrameRange(0, 8)));
        long first = allocator.allocateRun(2, 1);
        long second = allocator.allocateRun(2, 1);
        assertThat(second).isEqualTo(first + 2);

        assertMisuse(allocator, memory, () -> allocator.freeRun(first, 4), "has 2 frames, not 4");
        allocator.freeRun(second, 2);
        allocator.freeRun(first, 2);

        assertThat(allocator.freeFrames()).isEqualTo(8);
        assertThat(listInRam(allocator, memory)).isEqualTo(frames(0, 1, 2, 3, 4, 5, 6, 7));
    }

    // ---------------------------------------------------------------- invariants

    /** An allocator over {@code [from, to)} with every frame allocated and freed again, so that all are linked, lowest on top. */
    private static FreeListFrameAllocator allLinked(PhysicalMemory memory, long from, long to) {
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, List.of(new FrameRange(from, to)));
        for (long pfn = from; pfn < to; pfn++) {
            allocator.allocate();
        }
        for (long pfn = to - 1; pfn >= from; pfn--) {
            allocator.free(pfn);
        }
        assertThat(allocator.stackFrames()).isEqualTo(to - from);
        return allocator;
    }

    @Test
    void checkInvariants_cycleInRam_throws() {
        PhysicalMemory memory = memory(8);
        FreeListFrameAllocator allocator = allLinked(memory, 0, 4);

        memory.write32(paddr(2), (int) paddr(0));

        assertThatThrownBy(allocator::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContainingAll("link in frame 0x2", "frame 0x0", "cycle after 3 frames");
    }

    @Test
    void checkInvariants_brokenLinks_throwNamingThem() {
        PhysicalMemory memory = memory(8);
        FreeListFrameAllocator allocator = allLinked(memory, 1, 4);

        memory.write32(paddr(2), (int) paddr(5));
        assertThatThrownBy(allocator::checkInvariants).hasMessageContainingAll("frame 0x5", "not in the pool");

        memory.write32(paddr(2), 0x3004);
        assertThatThrownBy(allocator::checkInvariants).hasMessageContainingAll("0x00003004", "neither a frame's address nor");

        memory.write32(paddr(2), -1);
        assertThatThrownBy(allocator::checkInvariants).hasMessageContainingAll("link in frame 0x2", "0xFFFFFFFF",
                "neither a frame's address nor");

        memory.write32(paddr(2), (int) paddr(3));
        long pfn = allocator.allocate();
        memory.write32(paddr(2), (int) paddr(pfn));
        assertThatThrownBy(allocator::checkInvariants).hasMessageContainingAll("frame 0x1", "allocated");
    }

    @Test
    void checkInvariants_bottomLinkNotTheMark_throws() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);
        allocator.free(allocator.allocate());
        assertThat(link(memory, 1)).isEqualTo(paddr(2));

        memory.write32(paddr(1), -1);

        assertThatThrownBy(allocator::checkInvariants).hasMessageContainingAll("bottom frame 0x1", "0xFFFFFFFF",
                "not the mark's 0x00002000");
    }

    // ---------------------------------------------------------------- a model of the list

    /**
     * A property over explicit seeds: random allocate, allocateRun, free and freeRun on a pool
     * with gaps, checked after every step against a plain model of xv6's eagerly linked list (a
     * deque: every pool frame in address order, freed frames pushed on top, runs removed where
     * they are). The lazy list must hand out exactly the same frames, and RAM (links from head,
     * then the untouched frames from the mark) must read as the model. Coverage gates: the mark
     * moved by allocate, runs took untouched frames above the mark and took the mark's own frame
     * while the stack held frames (the bottom's link rewritten), runs unlinked the bottom, and
     * the pool was exhausted.
     */
    @Test
    void randomOperations_matchAnEagerListModelExactly() {
        long[] seeds = {20240611, 1, 2, 3, 42, 0xC0FFEE, 977, 31337};
        long markMoves = 0;
        long runsAboveMark = 0;
        long runsOnMarkWithStack = 0;
        long runsOnBottom = 0;
        long exhausted = 0;
        for (long seed : seeds) {
            PhysicalMemory memory = memory(64);
            List<FrameRange> pool = List.of(new FrameRange(0, 1), new FrameRange(3, 20), new FrameRange(21, 22),
                    new FrameRange(24, 60));
            FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, pool);
            Deque<Long> model = new ArrayDeque<>();
            pool.forEach(r -> range(r.startPfn(), r.endPfn()).forEach(model::addLast));
            List<long[]> runs = new ArrayList<>();
            java.util.random.RandomGenerator random =
                    java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            for (int step = 0; step < 4000; step++) {
                String where = "seed " + seed + ", step " + step;
                long markBefore = allocator.markPfn();
                long stackBefore = allocator.stackFrames();
                long bottomBefore = stackBefore == 0 ? -1 : listInRam(allocator, memory).get((int) stackBefore - 1);
                int op = random.nextInt(10);
                if (op < 4) {
                    long pfn = allocator.allocate();
                    assertThat(pfn).as(where).isEqualTo(model.isEmpty() ? FrameAllocator.NO_FRAME : model.pollFirst());
                    if (pfn != FrameAllocator.NO_FRAME) {
                        runs.add(new long[] {pfn, 1});
                        markMoves += allocator.markPfn() != markBefore ? 1 : 0;
                    } else {
                        exhausted++;
                    }
                } else if (op < 6) {
                    long frames = 1 + random.nextInt(4);
                    long align = 1L << random.nextInt(3);
                    long start = allocator.allocateRun(frames, align);
                    if (start != FrameAllocator.NO_FRAME) {
                        assertThat(start % align).as(where).isZero();
                        for (long pfn = start; pfn < start + frames; pfn++) {
                            assertThat(model.remove(pfn)).as("%s: frame %d was free", where, pfn).isTrue();
                        }
                        runs.add(new long[] {start, frames});
                        boolean onMark = markBefore >= start && markBefore < start + frames;
                        runsAboveMark += markBefore != FrameAllocator.NO_FRAME && start > markBefore ? 1 : 0;
                        runsOnMarkWithStack += onMark && stackBefore > 0 && allocator.stackFrames() > 0 ? 1 : 0;
                        runsOnBottom += bottomBefore >= start && bottomBefore < start + frames ? 1 : 0;
                    }
                } else if (!runs.isEmpty()) {
                    long[] run = runs.remove(random.nextInt(runs.size()));
                    if (run[1] == 1 && random.nextBoolean()) {
                        allocator.free(run[0]);
                    } else {
                        allocator.freeRun(run[0], run[1]);
                    }
                    for (long pfn = run[0] + run[1] - 1; pfn >= run[0]; pfn--) {
                        model.addFirst(pfn);
                    }
                }
                assertThat(listInRam(allocator, memory)).as(where).isEqualTo(List.copyOf(model));
                assertThat(allocator.freeFrames()).as(where).isEqualTo(model.size());
            }
            allocator.checkInvariants();
        }
        assertThat(markMoves).as("allocate moved the mark").isGreaterThan(50);
        assertThat(runsAboveMark).as("runs above the mark").isGreaterThan(50);
        assertThat(runsOnMarkWithStack).as("runs on the mark's frame with frames on the stack").isGreaterThan(10);
        assertThat(runsOnBottom).as("runs that unlinked the bottom").isGreaterThan(50);
        assertThat(exhausted).as("allocations that found the pool empty").isGreaterThan(100);
    }

    @Test
    void allocate_everyFrameFromTheMark_writesNoRam() {
        PhysicalMemory memory = memory(16);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, GAPS);

        for (int i = 0; i < 6; i++) {
            allocator.allocate();
        }

        assertThat(memory.touchedPages()).isZero();
        assertThat(allocator.markPfn()).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.describe()).anySatisfy(line -> assertThat(line).contains("high-water mark none"));
    }

    @Test
    void allocate_afterARunAboveTheMark_skipsTheRunsFrames() {
        PhysicalMemory memory = memory(32);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory,
                List.of(new FrameRange(1, 5), new FrameRange(6, 20)));
        assertThat(allocator.allocateRun(4, 4)).isEqualTo(8);
        assertThat(allocator.markPfn()).isEqualTo(1);

        List<Long> handedOut = new ArrayList<>();
        for (long pfn = allocator.allocate(); pfn != FrameAllocator.NO_FRAME; pfn = allocator.allocate()) {
            handedOut.add(pfn);
        }

        assertThat(handedOut).isEqualTo(frames(1, 2, 3, 4, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19));
        allocator.freeRun(8, 4);
        assertThat(allocator.markPfn()).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(link(memory, 11)).as("the bottom: no frame is left untouched").isEqualTo(END);
    }

    @Test
    void qemuPc4G_freshAllocator_writesNoRamAndHandsOutTheLowestFrames() {
        Boot boot = Boot.run(MachineProfiles.byName("qemu-pc-4G"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES),
                List.of(), "", LowMemory.FIRST_MIB);
        long touched = boot.memory().touchedPages();

        FreeListFrameAllocator allocator = new FreeListFrameAllocator(boot.memory(), boot.report().freeFrameRanges());

        assertThat(boot.memory().touchedPages()).as("no link written for %,d frames", allocator.totalFrames())
                .isEqualTo(touched);
        assertThat(allocator.totalFrames()).isGreaterThan(700_000);
        assertThat(allocator.allocate()).isEqualTo(boot.report().freeFrameRanges().get(0).startPfn());
    }

    // ---------------------------------------------------------------- real boots

    private static Boot boot(LowMemory lowMemory) {
        return Boot.run(MachineProfiles.byName("qemu-pc-128M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(),
                "", lowMemory);
    }

    @Test
    void qemuPc128M_pool_isOneListFromFrame0x200() {
        Boot boot = boot(LowMemory.FIRST_MIB);
        BootReport report = boot.report();
        PhysicalMemory memory = boot.memory();
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(memory, report.freeFrameRanges());

        assertThat(report.freeFrameRanges()).containsExactly(new FrameRange(0x200, 0x7FE0));
        assertThat(allocator.totalFrames()).isEqualTo(report.freeFrames()).isEqualTo(0x7FE0 - 0x200);
        assertThat(allocator.markPfn()).isEqualTo(0x200);
        assertThat(allocator.allocate()).isEqualTo(0x200);
        assertThat(allocator.allocateRun(1024, 1024)).isEqualTo(0x400);
        assertThat(allocator.markPfn()).as("the run lies above the mark").isEqualTo(0x201);
        allocator.free(0x200);
        assertThat(link(memory, 0x200)).as("the bottom links to the mark").isEqualTo(0x0020_1000L);
        allocator.freeRun(0x400, 1024);
        assertThat(link(memory, 0x7FF)).isEqualTo(0x0020_0000L);
        assertThat(link(memory, 0x400)).isEqualTo(0x0040_1000L);
        assertThat(allocator.allocateRun(2, 1)).as("the bottom, 0x200, and the mark, 0x201").isEqualTo(0x200);
        assertThat(allocator.markPfn()).isEqualTo(0x202);
        assertThat(link(memory, 0x7FF)).as("the new bottom links to the new mark").isEqualTo(0x0020_2000L);
        allocator.freeRun(0x200, 2);
        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames());
        assertThat(listInRam(allocator, memory)).hasSize((int) allocator.totalFrames());
    }

    @Test
    void qemuPc128MPageZero_pool_listsEveryFreeFrameOnceInAddressOrder() {
        Boot boot = boot(LowMemory.PAGE_ZERO);
        List<FrameRange> pool = boot.report().freeFrameRanges();
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(boot.memory(), pool);

        List<Long> expected = pool.stream().flatMap(r -> range(r.startPfn(), r.endPfn()).stream()).toList();
        assertThat(pool.size()).isGreaterThan(1);
        assertThat(listInRam(allocator, boot.memory())).isEqualTo(expected);
        for (FrameRange r : pool) {
            assertThat(allocator.isAllocated(r.startPfn() - 1)).isFalse();
        }
    }

    @Test
    void qemuPc128M_churn_isLifo_andFreeingEverythingRestoresTheCount() {
        Boot boot = boot(LowMemory.FIRST_MIB);
        FreeListFrameAllocator allocator = new FreeListFrameAllocator(boot.memory(), boot.report().freeFrameRanges());
        Random random = new Random(7);
        long[] held = new long[256];
        for (int i = 0; i < held.length; i++) {
            held[i] = allocator.allocate();
        }
        for (int step = 0; step < 500; step++) {
            int i = random.nextInt(held.length);
            int j = (i + 1 + random.nextInt(held.length - 1)) % held.length;
            long a = held[i];
            long b = held[j];
            allocator.free(a);
            allocator.free(b);
            held[i] = allocator.allocate();
            held[j] = allocator.allocate();
            assertThat(held[i]).as("last freed, first allocated").isEqualTo(b);
            assertThat(held[j]).isEqualTo(a);
        }
        for (long pfn : held) {
            allocator.free(pfn);
        }

        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames());
        assertThat(allocator.topPfn()).isEqualTo(held[held.length - 1]);
    }
}
