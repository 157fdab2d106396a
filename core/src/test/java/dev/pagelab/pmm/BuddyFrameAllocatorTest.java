package dev.pagelab.pmm;

import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import static dev.pagelab.pmm.BuddyFrameAllocator.MAX_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuddyFrameAllocatorTest {
    private static final long END = 0xFFFF_FFFFL;

    private static PhysicalMemory memory(long frames) {
        return PhysicalMemory.ofSize(Addresses.pfnToPaddr(frames));
    }

    private static BuddyFrameAllocator buddy(PhysicalMemory memory, long... startEndPairs) {
        List<FrameRange> pool = new ArrayList<>();
        for (int i = 0; i < startEndPairs.length; i += 2) {
            pool.add(new FrameRange(startEndPairs[i], startEndPairs[i + 1]));
        }
        return new BuddyFrameAllocator(memory, pool);
    }

    private static long next(PhysicalMemory memory, long pfn) {
        return Integer.toUnsignedLong(memory.read32(Addresses.pfnToPaddr(pfn) + BuddyFrameAllocator.NEXT_OFFSET));
    }

    private static long prev(PhysicalMemory memory, long pfn) {
        return Integer.toUnsignedLong(memory.read32(Addresses.pfnToPaddr(pfn) + BuddyFrameAllocator.PREV_OFFSET));
    }

    private static long paddr(long pfn) {
        return Addresses.pfnToPaddr(pfn);
    }

    /** Free blocks per order 0..10. */
    private static long[] counts(BuddyFrameAllocator allocator) {
        long[] out = new long[MAX_ORDER + 1];
        for (int k = 0; k <= MAX_ORDER; k++) {
            out[k] = allocator.freeBlocks(k);
        }
        return out;
    }

    /** Counts by order from a list of (order, blocks) pairs; the rest 0. */
    private static long[] orders(long... orderBlockPairs) {
        long[] out = new long[MAX_ORDER + 1];
        for (int i = 0; i < orderBlockPairs.length; i += 2) {
            out[(int) orderBlockPairs[i]] = orderBlockPairs[i + 1];
        }
        return out;
    }

    /** Lists by order: {@code lists(0, List.of(3L), 2, List.of(4L, 1032L))}; the rest empty. */
    private static List<List<Long>> lists(Object... orderListPairs) {
        List<List<Long>> out = new ArrayList<>();
        for (int k = 0; k <= MAX_ORDER; k++) {
            out.add(List.of());
        }
        for (int i = 0; i < orderListPairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Long> list = (List<Long>) orderListPairs[i + 1];
            out.set((Integer) orderListPairs[i], list);
        }
        return out;
    }

    private static List<Long> frames(long... pfns) {
        return LongStream.of(pfns).boxed().toList();
    }

    /** Everything the allocator shows, and the first 8 bytes of every frame of the memory. */
    private record State(long free, List<List<Long>> lists, BitSet allocated, List<String> describe, byte[] links) {
        static State of(BuddyFrameAllocator allocator, PhysicalMemory memory) {
            long frames = memory.sizeBytes() >>> 12;
            BitSet allocated = new BitSet();
            byte[] links = new byte[(int) frames * 8];
            for (long pfn = 0; pfn < frames; pfn++) {
                allocated.set((int) pfn, allocator.isAllocated(pfn));
                memory.readBytes(paddr(pfn), links, (int) pfn * 8, 8);
            }
            return new State(allocator.freeFrames(), allocator.freeLists(), allocated, allocator.describe(), links);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && free == s.free && lists.equals(s.lists) && allocated.equals(s.allocated)
                    && describe.equals(s.describe) && Arrays.equals(links, s.links);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(free);
        }
    }

    private static void assertMisuse(BuddyFrameAllocator allocator, PhysicalMemory memory, ThrowingCallable misuse,
                                     String... message) {
        State before = State.of(allocator, memory);
        assertThatThrownBy(misuse).isInstanceOf(FrameAllocatorException.class).hasMessageContainingAll(message);
        assertThat(State.of(allocator, memory)).isEqualTo(before);
        allocator.checkInvariants();
    }

    /** Asserts that every free block lies inside one run of {@code pool} and is aligned to its order. */
    private static void assertBlocksInsideRuns(BuddyFrameAllocator allocator, List<FrameRange> pool) {
        List<List<Long>> lists = allocator.freeLists();
        for (int k = 0; k <= MAX_ORDER; k++) {
            for (long pfn : lists.get(k)) {
                long end = pfn + (1L << k);
                assertThat(pfn % (1L << k)).as("block %x of order %d is aligned", pfn, k).isZero();
                assertThat(pool).as("block [%x, %x) lies inside one pool run", pfn, end)
                        .anyMatch(r -> r.startPfn() <= pfn && end <= r.endPfn());
            }
        }
    }

    // ---------------------------------------------------------------- construction

    @Test
    void constructor_runNotAlignedTo4MiB_carvesMaximalAlignedBlocksInAddressOrder() {
        BuddyFrameAllocator allocator = buddy(memory(2048), 3, 1036);

        // 3 | 4..8 | 8..16 | 16..32 | 32..64 | 64..128 | 128..256 | 256..512 | 512..1024 | 1024..1032 | 1032..1036
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(3), 2, frames(4, 1032), 3, frames(8, 1024),
                4, frames(16), 5, frames(32), 6, frames(64), 7, frames(128), 8, frames(256), 9, frames(512)));
        assertThat(counts(allocator)).containsExactly(orders(0, 1, 2, 2, 3, 2, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        assertThat(allocator.freeFrames()).isEqualTo(1033).isEqualTo(allocator.totalFrames());
        assertThat(allocator.freeBlockOrder(1032)).isEqualTo(2);
        assertThat(allocator.freeBlockOrder(1033)).isEqualTo(-1);
        assertThat(allocator.freeBlockOrder(0)).isEqualTo(-1);
    }

    @Test
    void constructor_poolStartingAtFrame0_startsWithMaxOrderBlocksAtFrame0() {
        BuddyFrameAllocator allocator = buddy(memory(4096), 0, 2053);

        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(2052), 2, frames(2048), 10, frames(0, 1024)));
        assertThat(allocator.allocate()).as("the lowest frame of the smallest block").isEqualTo(2052);
        assertThat(allocator.allocateRun(1024, 1)).isZero();
    }

    @Test
    void constructor_fourMaxOrderBlocks_linksThemNextAndPrevInRam() {
        PhysicalMemory memory = memory(4096);
        BuddyFrameAllocator allocator = buddy(memory, 0, 4096);

        assertThat(allocator.freeLists()).isEqualTo(lists(10, frames(0, 0x400, 0x800, 0xC00)));
        assertThat(next(memory, 0)).isEqualTo(0x0040_0000L);
        assertThat(prev(memory, 0)).isEqualTo(END);
        assertThat(next(memory, 0x400)).isEqualTo(0x0080_0000L);
        assertThat(prev(memory, 0x400)).isZero();
        assertThat(next(memory, 0x800)).isEqualTo(0x00C0_0000L);
        assertThat(prev(memory, 0x800)).isEqualTo(0x0040_0000L);
        assertThat(next(memory, 0xC00)).isEqualTo(END);
        assertThat(prev(memory, 0xC00)).isEqualTo(0x0080_0000L);
        assertThat(memory.readBytes(paddr(0x400), 8)).containsExactly(0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00);
        assertThat(memory.touchedPages()).as("only the blocks' first frames are written").isEqualTo(4);
    }

    @Test
    void constructor_runsAroundAHole_carvesNoBlockAcrossIt() {
        PhysicalMemory memory = PhysicalMemory.builder(paddr(2048)).hole(paddr(0x100), paddr(0x10)).build();
        List<FrameRange> pool = List.of(new FrameRange(0, 0x100), new FrameRange(0x110, 0x800));
        BuddyFrameAllocator allocator = new BuddyFrameAllocator(memory, pool);

        assertThat(allocator.freeLists()).isEqualTo(lists(4, frames(0x110), 5, frames(0x120), 6, frames(0x140),
                7, frames(0x180), 8, frames(0), 9, frames(0x200), 10, frames(0x400)));
        long[] held = new long[(int) allocator.totalFrames()];
        for (int i = 0; i < held.length; i++) {
            held[i] = allocator.allocate();
        }
        for (int i = held.length - 1; i >= 0; i--) {
            allocator.free(held[i]);
            assertBlocksInsideRuns(allocator, pool);
        }
        assertThat(allocator.freeBlockOrder(0)).as("(0, 8) does not merge with (0x100, 8): a hole").isEqualTo(8);
    }

    @Test
    void constructor_touchingRuns_areCarvedAsOne() {
        BuddyFrameAllocator allocator = buddy(memory(64), 0, 8, 8, 16);

        assertThat(allocator.freeLists()).isEqualTo(lists(4, frames(0)));
    }

    @Test
    void constructor_badPool_throwsAndWritesNothing() {
        PhysicalMemory memory = memory(64);

        assertThatThrownBy(() -> buddy(memory, 8, 16, 0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address order");
        assertThatThrownBy(() -> buddy(memory, 0, 8, 4, 12)).hasMessageContaining("overlap");
        assertThatThrownBy(() -> buddy(memory, 32, 65)).hasMessageContaining("outside the physical memory");
        assertThat(memory.touchedPages()).isZero();
    }

    @Test
    void registry_buddy_buildsThisAllocatorWithItsCounts() {
        FrameAllocator allocator = FrameAllocatorRegistry.builtIn().create("buddy",
                new FrameAllocatorConfig(memory(4096), List.of(new FrameRange(0, 4096))));

        assertThat(allocator).isInstanceOf(BuddyFrameAllocator.class);
        assertThat(allocator.name()).isEqualTo("buddy");
        assertThat(allocator.metadataFrames()).isEmpty();
        assertThat(allocator.describe().get(0)).isEqualTo("free blocks by order 0..10 (4 KiB .. 4 MiB): 0 0 0 0 0 0 0 0 0 0 4");
        assertThatThrownBy(() -> ((BuddyFrameAllocator) allocator).freeBlocks(11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order 11");
    }

    // ---------------------------------------------------------------- split and merge

    @Test
    void allocate_fromOneMaxOrderBlock_handsOutTheLowHalfAndListsEveryHighHalf() {
        PhysicalMemory memory = memory(2048);
        BuddyFrameAllocator allocator = buddy(memory, 1024, 2048);

        assertThat(allocator.allocate()).isEqualTo(1024);

        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(1025), 1, frames(1026), 2, frames(1028),
                3, frames(1032), 4, frames(1040), 5, frames(1056), 6, frames(1088), 7, frames(1152), 8, frames(1280),
                9, frames(1536)));
        for (int k = 0; k < MAX_ORDER; k++) {
            long high = 1024 + (1L << k);
            assertThat(high ^ (1L << k)).as("the buddy of each high half is the low half").isEqualTo(1024);
            assertThat(next(memory, high)).isEqualTo(END);
            assertThat(prev(memory, high)).isEqualTo(END);
        }
        assertThat(allocator.freeFrames()).isEqualTo(1023);
    }

    @Test
    void allocateAndFree_handComputedSequence_exactCountsThenMergesBackToOneBlock() {
        BuddyFrameAllocator allocator = buddy(memory(2048), 1024, 2048);
        long[] initial = counts(allocator);

        assertThat(allocator.allocate()).isEqualTo(1024);
        assertThat(allocator.allocate()).isEqualTo(1025);
        assertThat(counts(allocator)).containsExactly(orders(1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        assertThat(allocator.allocate()).as("splits (1026, 1)").isEqualTo(1026);
        assertThat(counts(allocator)).containsExactly(orders(0, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        assertThat(allocator.freeBlockOrder(1027)).isZero();
        assertThat(allocator.allocateRun(4, 1)).as("the order-2 block").isEqualTo(1028);
        assertThat(counts(allocator)).containsExactly(orders(0, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        assertThat(allocator.allocateRun(3, 1)).as("(1032, 3) split, its last frame given back").isEqualTo(1032);
        assertThat(allocator.freeLists().get(0)).isEqualTo(frames(1035, 1027));
        assertThat(allocator.freeLists().get(2)).isEqualTo(frames(1036));
        assertThat(counts(allocator)).containsExactly(orders(0, 2, 2, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        assertThat(allocator.freeFrames()).isEqualTo(1024 - 10);

        allocator.free(1024);
        assertThat(counts(allocator)).as("1025 is allocated: no merge").containsExactly(
                orders(0, 3, 2, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        allocator.free(1026);
        assertThat(allocator.freeBlockOrder(1026)).as("merged with 1027").isEqualTo(1);
        assertThat(counts(allocator)).containsExactly(orders(0, 2, 1, 1, 2, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        allocator.free(1025);
        assertThat(allocator.freeBlockOrder(1024)).as("1025 + 1024, then + (1026, 1)").isEqualTo(2);
        assertThat(counts(allocator)).containsExactly(orders(0, 1, 2, 2, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        allocator.freeRun(1028, 4);
        assertThat(allocator.freeBlockOrder(1024)).isEqualTo(3);
        assertThat(counts(allocator)).containsExactly(orders(0, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
        allocator.freeRun(1032, 3);

        assertThat(counts(allocator)).containsExactly(initial);
        assertThat(allocator.freeLists()).isEqualTo(lists(10, frames(1024)));
        assertThat(allocator.freeFrames()).isEqualTo(1024);
    }

    @Test
    void free_buddiesByXor_mergeButNeighboursThatAreNotBuddiesDoNot() {
        BuddyFrameAllocator allocator = buddy(memory(8), 0, 4);
        assertThat(List.of(allocator.allocate(), allocator.allocate(), allocator.allocate(), allocator.allocate()))
                .isEqualTo(frames(0, 1, 2, 3));

        allocator.free(1);
        allocator.free(2);
        assertThat(allocator.freeLists()).as("1 ^ 1 = 0 and 2 ^ 1 = 3: adjacent, not buddies")
                .isEqualTo(lists(0, frames(2, 1)));
        allocator.free(0);
        assertThat(allocator.freeLists()).as("0 ^ 1 = 1 merges; (0, 1) ^ 2 = 2 is order 0, not 1")
                .isEqualTo(lists(0, frames(2), 1, frames(0)));
        allocator.free(3);
        assertThat(allocator.freeLists()).isEqualTo(lists(2, frames(0)));
    }

    @Test
    void free_buddyOutsideThePool_neverMerges() {
        PhysicalMemory memory = memory(8);
        BuddyFrameAllocator allocator = buddy(memory, 1, 3, 4, 5);
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(1, 2, 4)));
        long[] held = {allocator.allocate(), allocator.allocate(), allocator.allocate()};

        allocator.free(held[0]);
        allocator.free(held[1]);
        allocator.free(held[2]);

        assertThat(allocator.freeLists()).as("0, 3 and 5 are not in the pool").isEqualTo(lists(0, frames(4, 2, 1)));
        assertThat(allocator.isAllocated(0)).isFalse();
        assertThat(allocator.isAllocated(3)).isFalse();
    }

    @Test
    void freeRun_everythingInAnyOrder_mergesBackToTheInitialBlocks() {
        List<FrameRange> pool = List.of(new FrameRange(3, 300), new FrameRange(301, 1500), new FrameRange(1600, 2100));
        BuddyFrameAllocator allocator = new BuddyFrameAllocator(memory(2200), pool);
        List<List<Long>> initialLists = allocator.freeLists();
        long[] initial = counts(allocator);
        Random random = new Random(42);
        List<long[]> runs = new ArrayList<>();
        while (allocator.freeFrames() > 0) {
            long frames = random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(12);
            long align = 1L << random.nextInt(4);
            long pfn = frames == 1 ? allocator.allocate() : allocator.allocateRun(frames, align);
            if (pfn != FrameAllocator.NO_FRAME) {
                runs.add(new long[] {pfn, frames});
            }
        }
        assertThat(counts(allocator)).containsOnly(0);

        Collections.shuffle(runs, random);
        for (long[] run : runs) {
            allocator.freeRun(run[0], run[1]);
        }

        assertThat(counts(allocator)).containsExactly(initial);
        assertThat(allocator.freeLists().stream().map(l -> l.stream().sorted().toList()).toList())
                .isEqualTo(initialLists);
    }

    // ---------------------------------------------------------------- runs

    @Test
    void allocateRun_threeFrames_allocatesExactlyThreeAndGivesTheFourthBack() {
        BuddyFrameAllocator allocator = buddy(memory(8), 0, 8);

        assertThat(allocator.allocateRun(3, 1)).isZero();

        assertThat(LongStream.range(0, 8).filter(allocator::isAllocated).boxed().toList()).isEqualTo(frames(0, 1, 2));
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(3), 2, frames(4)));
        assertThat(allocator.freeFrames()).isEqualTo(5);
        allocator.freeRun(0, 3);
        assertThat(allocator.freeLists()).isEqualTo(lists(3, frames(0)));
    }

    @Test
    void allocateRun_alignment_isHonouredByTheBlockOrder() {
        BuddyFrameAllocator allocator = buddy(memory(64), 1, 64);
        // 1 | 2..4 | 4..8 | 8..16 | 16..32 | 32..64
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(1), 1, frames(2), 2, frames(4), 3, frames(8),
                4, frames(16), 5, frames(32)));

        assertThat(allocator.allocateRun(1, 8)).isEqualTo(8);
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(9, 1), 1, frames(10, 2), 2, frames(12, 4),
                4, frames(16), 5, frames(32)));
        assertThat(allocator.allocateRun(2, 16)).isEqualTo(16);
        assertThat(allocator.allocateRun(5, 32)).isEqualTo(32);
        assertThat(allocator.allocateRun(1, 64)).as("no frame of the pool is a multiple of 64").isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(2, 4)).as("the last block pushed on list 2").isEqualTo(20);
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(37, 9, 1), 1, frames(22, 38, 18, 10, 2),
                2, frames(12, 4), 3, frames(40, 24), 4, frames(48)));
    }

    @Test
    void allocateRun_largerThanMaxOrder_takesConsecutiveBlocksAndGivesBackTheRest() {
        BuddyFrameAllocator allocator = buddy(memory(0x1200), 0x100, 0x1100);
        assertThat(allocator.freeLists()).isEqualTo(lists(8, frames(0x100, 0x1000), 9, frames(0x200),
                10, frames(0x400, 0x800, 0xC00)));
        long[] initial = counts(allocator);

        assertThat(allocator.allocateRun(2048, 1)).isEqualTo(0x100);

        assertThat(allocator.freeLists()).isEqualTo(lists(8, frames(0x900, 0x1000), 9, frames(0xA00), 10, frames(0xC00)));
        assertThat(allocator.freeFrames()).isEqualTo(0x1000 - 2048);
        assertThat(allocator.isAllocated(0x8FF)).isTrue();
        assertThat(allocator.isAllocated(0x900)).isFalse();
        assertThat(allocator.allocateRun(1024, 2048)).as("no free multiple of 2048 with 1024 frames after it")
                .isEqualTo(FrameAllocator.NO_FRAME);
        allocator.freeRun(0x100, 2048);
        assertThat(counts(allocator)).containsExactly(initial);

        assertThat(allocator.allocateRun(2048, 2048)).isEqualTo(0x800);
        assertThat(allocator.freeLists()).isEqualTo(lists(8, frames(0x100, 0x1000), 9, frames(0x200), 10, frames(0x400)));
    }

    @Test
    void allocateRun_fragmentedMemory_fallsBackToSearchingFreeFrames() {
        BuddyFrameAllocator allocator = buddy(memory(8), 0, 8);
        for (int i = 0; i < 8; i++) {
            allocator.allocate();
        }
        allocator.free(1);
        allocator.free(2);
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(2, 1)));

        assertThat(allocator.allocateRun(2, 2)).as("[1, 3) is free but not aligned to 2").isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(2, 1)).as("no order-1 block, but [1, 3) is free").isEqualTo(1);

        assertThat(allocator.freeLists()).isEqualTo(lists());
        assertThat(allocator.freeFrames()).isZero();
        allocator.freeRun(1, 2);
        assertThat(allocator.freeLists()).isEqualTo(lists(0, frames(2, 1)));
    }

    @Test
    void allocate_untilExhausted_returnsNoFrameThenRecovers() {
        BuddyFrameAllocator allocator = buddy(memory(2048), 3, 1036);
        long[] initial = counts(allocator);
        List<Long> handedOut = new ArrayList<>();
        for (long pfn = allocator.allocate(); pfn != FrameAllocator.NO_FRAME; pfn = allocator.allocate()) {
            handedOut.add(pfn);
        }

        assertThat(handedOut).hasSize(1033).doesNotHaveDuplicates().allMatch(p -> p >= 3 && p < 1036);
        assertThat(allocator.allocate()).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(1, 1)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(allocator.allocateRun(2, 1)).isEqualTo(FrameAllocator.NO_FRAME);
        assertThat(counts(allocator)).containsOnly(0);

        Collections.shuffle(handedOut, new Random(3));
        handedOut.forEach(allocator::free);
        assertThat(counts(allocator)).containsExactly(initial);
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void free_misuse_throwsNamingTheStateAndChangesNothing() {
        PhysicalMemory memory = memory(64);
        BuddyFrameAllocator allocator = buddy(memory, 1, 40);
        long single = allocator.allocate();
        long run = allocator.allocateRun(3, 4);
        assertThat(single).isEqualTo(1);
        assertThat(run).isEqualTo(4);

        assertMisuse(allocator, memory, () -> allocator.free(2),
                "free: frame 0x2 is not allocated (state=free, in the free block [0x2, +2 frames) of order 1)");
        assertMisuse(allocator, memory, () -> allocator.free(3), "free: frame 0x3 is not allocated",
                "in the free block [0x2, +2 frames) of order 1");
        assertMisuse(allocator, memory, () -> allocator.free(0), "free: frame 0x0 is not allocated",
                "state=reserved: not in the free pool");
        assertMisuse(allocator, memory, () -> allocator.free(40), "frame 0x28", "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(1L << 20), "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(-5), "frame -0x5", "reserved");
        assertMisuse(allocator, memory, () -> allocator.free(run), "free: the run at frame 0x4 has 3 frames, not 1",
                "freeRun(0x4, 3)");
        assertMisuse(allocator, memory, () -> allocator.free(run + 2), "free: frame 0x6 does not start a run",
                "state=in the run [0x4, +3 frames)");
        allocator.free(single);
        assertMisuse(allocator, memory, () -> allocator.free(single), "free: frame 0x1 is not allocated (state=free");
    }

    @Test
    void freeRun_misuse_throwsNamingTheRunAndChangesNothing() {
        PhysicalMemory memory = memory(64);
        BuddyFrameAllocator allocator = buddy(memory, 0, 32);
        long run = allocator.allocateRun(5, 1);
        long next = allocator.allocateRun(3, 1);
        assertThat(run).isZero();
        assertThat(next).isEqualTo(8);

        assertMisuse(allocator, memory, () -> allocator.freeRun(run, 4),
                "freeRun: the run at frame 0x0 has 5 frames, not 4 (state=in the run [0x0, +5 frames))");
        assertMisuse(allocator, memory, () -> allocator.freeRun(run, 8), "has 5 frames, not 8");
        assertMisuse(allocator, memory, () -> allocator.freeRun(run + 1, 4), "freeRun: frame 0x1 does not start a run",
                "freeRun(0x0, 5)");
        assertMisuse(allocator, memory, () -> allocator.freeRun(5, 3), "freeRun: frame 0x5 is not allocated (state=free");
        assertMisuse(allocator, memory, () -> allocator.freeRun(run, 0), "freeRun: a run holds at least 1 frame");
        assertMisuse(allocator, memory, () -> allocator.freeRun(40, 1), "reserved");
        assertMisuse(allocator, memory, () -> allocator.freeRun(next, Long.MAX_VALUE), "has 3 frames");
        assertMisuse(allocator, memory, () -> allocator.allocateRun(0, 1), "allocateRun: a run holds at least 1 frame");
        assertMisuse(allocator, memory, () -> allocator.allocateRun(1, 6), "allocateRun: the alignment must be a power of two");
        allocator.freeRun(next, 3);
        allocator.freeRun(run, 5);
        assertThat(allocator.freeLists()).isEqualTo(lists(5, frames(0)));
    }

    @Test
    void runsOfOne_freeAndFreeRunAreInterchangeable() {
        BuddyFrameAllocator allocator = buddy(memory(8), 0, 4);
        long a = allocator.allocate();
        long b = allocator.allocateRun(1, 1);

        allocator.freeRun(a, 1);
        allocator.free(b);

        assertThat(allocator.freeLists()).isEqualTo(lists(2, frames(0)));
    }

    // ---------------------------------------------------------------- invariants

    @Test
    void checkInvariants_corruptLinksInRam_throwNamingThem() {
        PhysicalMemory memory = memory(4096);
        BuddyFrameAllocator allocator = buddy(memory, 0, 4096);

        memory.write32(paddr(0x800) + BuddyFrameAllocator.PREV_OFFSET, 0);
        assertThatThrownBy(allocator::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContainingAll("list 10", "block 0x800 has prev 0x00000000, expected 0x00400000");
        memory.write32(paddr(0x800) + BuddyFrameAllocator.PREV_OFFSET, 0x0040_0000);

        memory.write32(paddr(0x800) + BuddyFrameAllocator.NEXT_OFFSET, 0);
        assertThatThrownBy(allocator::checkInvariants).hasMessageContaining("already listed: a cycle after 3 blocks");

        memory.write32(paddr(0x800) + BuddyFrameAllocator.NEXT_OFFSET, 0x0010_0000);
        assertThatThrownBy(allocator::checkInvariants).hasMessageContainingAll("frame 0x100",
                "not the first frame of a free block of order 10");

        memory.write32(paddr(0x800) + BuddyFrameAllocator.NEXT_OFFSET, -1);
        assertThatThrownBy(allocator::checkInvariants).hasMessageContaining("list 10 holds 3 blocks but freeBlocks(10)=4");
    }

    // ---------------------------------------------------------------- a model

    @Test
    void randomOperations_freeBlocksAreAlwaysTheMaximalAlignedBlocksOfTheFreeFrames() {
        List<FrameRange> pool = List.of(new FrameRange(0, 1), new FrameRange(3, 70), new FrameRange(71, 200),
                new FrameRange(256, 700));
        BuddyFrameAllocator allocator = new BuddyFrameAllocator(memory(800), pool);
        BitSet free = new BitSet();
        pool.forEach(r -> free.set((int) r.startPfn(), (int) r.endPfn()));
        BitSet inPool = (BitSet) free.clone();
        List<long[]> runs = new ArrayList<>();
        Random random = new Random(99);

        for (int step = 0; step < 3000; step++) {
            int op = random.nextInt(10);
            if (op < 3) {
                long pfn = allocator.allocate();
                assertThat(pfn == FrameAllocator.NO_FRAME).isEqualTo(free.isEmpty());
                if (pfn != FrameAllocator.NO_FRAME) {
                    assertThat(free.get((int) pfn)).isTrue();
                    free.clear((int) pfn);
                    runs.add(new long[] {pfn, 1});
                }
            } else if (op < 6) {
                long frames = 1 + random.nextInt(20);
                long align = 1L << random.nextInt(5);
                long start = allocator.allocateRun(frames, align);
                if (start == FrameAllocator.NO_FRAME) {
                    assertThat(hasAlignedRun(free, pool, frames, align)).as("run of %d aligned to %d", frames, align).isFalse();
                } else {
                    assertThat(start % align).isZero();
                    assertThat(free.get((int) start, (int) (start + frames)).cardinality()).isEqualTo((int) frames);
                    free.clear((int) start, (int) (start + frames));
                    runs.add(new long[] {start, frames});
                }
            } else if (!runs.isEmpty()) {
                long[] run = runs.remove(random.nextInt(runs.size()));
                allocator.freeRun(run[0], run[1]);
                free.set((int) run[0], (int) (run[0] + run[1]));
            }
            assertThat(allocator.freeLists().stream().map(l -> l.stream().sorted().toList()).toList())
                    .isEqualTo(maximalBlocks(free, pool));
            BitSet allocated = new BitSet();
            for (int pfn = 0; pfn < 800; pfn++) {
                allocated.set(pfn, allocator.isAllocated(pfn));
            }
            BitSet expected = (BitSet) inPool.clone();
            expected.andNot(free);
            assertThat(allocated).isEqualTo(expected);
        }
    }

    private static boolean hasAlignedRun(BitSet free, List<FrameRange> pool, long frames, long align) {
        for (FrameRange r : pool) {
            for (long s = (r.startPfn() + align - 1) / align * align; s + frames <= r.endPfn(); s += align) {
                if (free.get((int) s, (int) (s + frames)).cardinality() == frames) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The free frames carved into maximal aligned blocks, each maximal free stretch of a run on its own; sorted. */
    private static List<List<Long>> maximalBlocks(BitSet free, List<FrameRange> pool) {
        List<List<Long>> out = new ArrayList<>();
        for (int k = 0; k <= MAX_ORDER; k++) {
            out.add(new ArrayList<>());
        }
        for (FrameRange r : pool) {
            long pfn = r.startPfn();
            while (pfn < r.endPfn()) {
                if (!free.get((int) pfn)) {
                    pfn++;
                    continue;
                }
                long end = pfn;
                while (end < r.endPfn() && free.get((int) end)) {
                    end++;
                }
                while (pfn < end) {
                    int k = 0;
                    while (k < MAX_ORDER && pfn % (2L << k) == 0 && pfn + (2L << k) <= end) {
                        k++;
                    }
                    out.get(k).add(pfn);
                    pfn += 1L << k;
                }
            }
        }
        return out.stream().map(l -> l.stream().sorted().toList()).toList();
    }

    // ---------------------------------------------------------------- real boots

    private static Boot boot(LowMemory lowMemory) {
        return Boot.run(MachineProfiles.byName("qemu-pc-128M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(),
                "", lowMemory);
    }

    @Test
    void qemuPc128M_pool_isCarvedAsComputedByHand() {
        Boot boot = boot(LowMemory.FIRST_MIB);
        BootReport report = boot.report();
        BuddyFrameAllocator allocator = new BuddyFrameAllocator(boot.memory(), report.freeFrameRanges());

        // [0x200, 0x400) order 9; 30 blocks of order 10 up to 0x7C00; then 0x3E0 frames: 9, 8, 7, 6, 5.
        assertThat(counts(allocator)).containsExactly(orders(5, 1, 6, 1, 7, 1, 8, 1, 9, 2, 10, 30));
        assertThat(allocator.freeLists().get(9)).isEqualTo(frames(0x200, 0x7C00));
        assertThat(allocator.freeLists().get(5)).isEqualTo(frames(0x7FC0));
        assertThat(allocator.totalFrames()).isEqualTo(report.freeFrames()).isEqualTo(32_224);
        assertThat(next(boot.memory(), 0x200)).isEqualTo(0x07C0_0000L);
        assertThat(prev(boot.memory(), 0x7C00)).isEqualTo(0x0020_0000L);
        assertThat(allocator.allocate()).as("the lowest frame of the smallest block").isEqualTo(0x7FC0);
        assertThat(allocator.allocateRun(1024, 1024)).isEqualTo(0x400);
    }

    @Test
    void qemuPc128M_churn_thenFreeEverything_restoresTheInitialCounts() {
        Boot boot = boot(LowMemory.FIRST_MIB);
        BuddyFrameAllocator allocator = new BuddyFrameAllocator(boot.memory(), boot.report().freeFrameRanges());
        long[] initial = counts(allocator);
        Random random = new Random(5);
        long[] held = new long[20_000];
        for (int i = 0; i < held.length; i++) {
            held[i] = allocator.allocate();
        }
        for (int step = 0; step < 20_000; step++) {
            int i = random.nextInt(held.length);
            allocator.free(held[i]);
            held[i] = allocator.allocate();
        }
        allocator.checkInvariants();
        for (long pfn : held) {
            allocator.free(pfn);
        }

        assertThat(counts(allocator)).containsExactly(initial);
        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames());
        allocator.checkInvariants();
    }

    @Test
    void qemuPc128MPageZero_severalRuns_noBlockLeavesItsRun() {
        Boot boot = boot(LowMemory.PAGE_ZERO);
        List<FrameRange> pool = boot.report().freeFrameRanges();
        BuddyFrameAllocator allocator = new BuddyFrameAllocator(boot.memory(), pool);
        assertThat(pool.size()).isGreaterThan(1);
        assertBlocksInsideRuns(allocator, pool);

        List<Long> held = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            held.add(allocator.allocate());
        }
        assertThat(held).allMatch(p -> pool.stream().anyMatch(r -> r.contains(p)));
        Collections.shuffle(held, new Random(11));
        held.forEach(allocator::free);
        assertBlocksInsideRuns(allocator, pool);
    }
}
