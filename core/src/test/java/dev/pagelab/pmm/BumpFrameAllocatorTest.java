package dev.pagelab.pmm;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static dev.pagelab.pmm.FrameAllocator.NO_FRAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BumpFrameAllocatorTest {
    private static final long MIB = 1L << 20;

    /** Three runs with gaps, frame 0 not free: indexes 0..2 = frames 1..3, 3..4 = 10..11, 5..7 = 20..22. */
    private static final List<FrameRange> GAPS = List.of(new FrameRange(1, 4), new FrameRange(10, 12),
            new FrameRange(20, 23));

    private static BumpFrameAllocator gaps() {
        return new BumpFrameAllocator(PhysicalMemory.ofSize(MIB), GAPS);
    }

    private static Boot boot(LowMemory lowMemory) {
        return Boot.run(MachineProfiles.byName("qemu-pc-128M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(),
                "", lowMemory);
    }

    /** Everything the allocator shows, to prove that a call changed nothing. */
    private record State(long freeFrames, long totalFrames, long nextIndex, long lostFrames, List<String> describe,
                         List<Boolean> allocated) {
        static State of(BumpFrameAllocator allocator) {
            List<Boolean> allocated = new ArrayList<>();
            for (long pfn = 0; pfn < 40; pfn++) {
                allocated.add(allocator.isAllocated(pfn));
            }
            return new State(allocator.freeFrames(), allocator.totalFrames(), allocator.nextIndex(), allocator.lostFrames(),
                    allocator.describe(), allocated);
        }
    }

    // ---------------------------------------------------------------- handing out

    @Test
    void allocate_runsWithGaps_handsOutFramesInMapOrderThenNoFrame() {
        BumpFrameAllocator allocator = gaps();
        List<Long> handedOut = new ArrayList<>();

        for (int i = 0; i < 8; i++) {
            handedOut.add(allocator.allocate());
        }

        assertThat(handedOut).containsExactly(1L, 2L, 3L, 10L, 11L, 20L, 21L, 22L);
        assertThat(allocator.freeFrames()).isZero();
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 1)).isEqualTo(NO_FRAME);
        assertThat(allocator.describe().get(0)).isEqualTo("counter: 8 of 8 pool frames used; every frame is used");
    }

    @Test
    void allocate_poolStartingAtFrame0_handsOutFrame0First() {
        BumpFrameAllocator allocator = new BumpFrameAllocator(PhysicalMemory.ofSize(MIB), List.of(new FrameRange(0, 96)));

        assertThat(allocator.allocate()).as("frame 0 is a valid frame, not NO_FRAME").isZero();
        assertThat(allocator.allocate()).isEqualTo(1);
        assertThat(allocator.isAllocated(0)).isTrue();
        assertThat(allocator.totalFrames()).isEqualTo(96);
        assertThat(allocator.freeFrames()).isEqualTo(94);
    }

    @Test
    void allocate_realBoot128M_startsAt2MiBAndTouchesNoRam() {
        Boot boot = boot(LowMemory.FIRST_MIB);
        FrameAllocator allocator = FrameAllocatorRegistry.builtIn().create("bump",
                new FrameAllocatorConfig(boot.memory(), boot.report().freeFrameRanges()));
        long touched = boot.memory().touchedPages();

        assertThat(allocator).isInstanceOf(BumpFrameAllocator.class);
        assertThat(allocator.name()).isEqualTo("bump");
        assertThat(allocator.metadataFrames()).isEmpty();
        assertThat(allocator.totalFrames()).isEqualTo(boot.report().freeFrames()).isEqualTo(0x7FE0 - 0x200);
        for (long expected = 0x200; expected < 0x7FE0; expected++) {
            assertThat(allocator.allocate()).isEqualTo(expected);
        }
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(boot.memory().touchedPages()).as("no metadata in RAM").isEqualTo(touched);
    }

    @Test
    void allocate_realBootKeepingPageZeroOnly_walksTheThreeRunsInOrder() {
        Boot boot = boot(LowMemory.PAGE_ZERO);
        BumpFrameAllocator allocator = new BumpFrameAllocator(boot.memory(), boot.report().freeFrameRanges());
        List<Long> expected = new ArrayList<>();
        for (long pfn = 1; pfn < 9; pfn++) {
            expected.add(pfn);
        }
        for (long pfn = 0xA; pfn < 0x9F; pfn++) {
            expected.add(pfn);
        }
        expected.add(0x200L);
        expected.add(0x201L);

        List<Long> handedOut = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            handedOut.add(allocator.allocate());
        }

        assertThat(handedOut).isEqualTo(expected);
        assertThat(allocator.describe().get(0))
                .isEqualTo("counter: 159 of 32381 pool frames used; the next frame is 0x202 (index 159, in run 2 of 3:"
                        + " frames [0x200, 0x7fe0))");
    }

    // ---------------------------------------------------------------- the seed's look-ups

    @Test
    void pfnAtAndIndexOf_acrossRunsWithGaps() {
        BumpFrameAllocator allocator = gaps();

        assertThat(allocator.pfnAt(0)).isEqualTo(1);
        assertThat(allocator.pfnAt(2)).isEqualTo(3);
        assertThat(allocator.pfnAt(3)).isEqualTo(10);
        assertThat(allocator.pfnAt(5)).isEqualTo(20);
        assertThat(allocator.pfnAt(7)).isEqualTo(22);
        assertThat(allocator.pfnAt(8)).isEqualTo(NO_FRAME);
        assertThat(allocator.pfnAt(-1)).isEqualTo(NO_FRAME);

        assertThat(allocator.indexOf(1)).isZero();
        assertThat(allocator.indexOf(3)).isEqualTo(2);
        assertThat(allocator.indexOf(10)).isEqualTo(3);
        assertThat(allocator.indexOf(22)).isEqualTo(7);
        for (long notInPool : new long[] {0, 4, 9, 12, 19, 23, 1000, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThat(allocator.indexOf(notInPool)).as("frame %d", notInPool).isEqualTo(NO_FRAME);
        }
    }

    @Test
    void paddrAtAndIndexOfPaddr_areTheSeedsTwoModes() {
        BumpFrameAllocator allocator = gaps();

        assertThat(allocator.paddrAt(3)).as("MMAP_GET_ADDR").isEqualTo(0xA000);
        assertThat(allocator.paddrAt(7)).isEqualTo(0x16000);
        assertThat(allocator.paddrAt(8)).isEqualTo(NO_FRAME);
        assertThat(allocator.indexOfPaddr(0xA000)).as("MMAP_GET_NUM").isEqualTo(3);
        assertThat(allocator.indexOfPaddr(0xAFFF)).as("any byte of the frame").isEqualTo(3);
        assertThat(allocator.indexOfPaddr(0x16FFF)).isEqualTo(7);
        assertThat(allocator.indexOfPaddr(0x4000)).as("in a gap").isEqualTo(NO_FRAME);
        assertThat(allocator.indexOfPaddr(0x17000)).isEqualTo(NO_FRAME);
        assertThat(allocator.indexOfPaddr(-1)).isEqualTo(NO_FRAME);
    }

    @Test
    void pfnAtAndIndexOf_realBoot_areInversesAndMatchTheAllocationOrder() {
        Boot boot = boot(LowMemory.PAGE_ZERO);
        List<FrameRange> pool = boot.report().freeFrameRanges();
        BumpFrameAllocator allocator = new BumpFrameAllocator(boot.memory(), pool);
        BumpFrameAllocator walker = new BumpFrameAllocator(boot.memory(), pool);

        long index = 0;
        for (FrameRange range : pool) {
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++, index++) {
                assertThat(allocator.indexOf(pfn)).isEqualTo(index);
                assertThat(allocator.pfnAt(index)).isEqualTo(pfn);
                assertThat(walker.allocate()).isEqualTo(pfn);
            }
        }
        assertThat(index).isEqualTo(allocator.totalFrames());
        assertThat(allocator.indexOf(0)).isEqualTo(NO_FRAME);
        assertThat(allocator.indexOf(9)).as("the boot information").isEqualTo(NO_FRAME);
        assertThat(allocator.indexOf(0x100)).as("the kernel").isEqualTo(NO_FRAME);
    }

    // ---------------------------------------------------------------- isAllocated

    @Test
    void isAllocated_belowTheCounterAndInThePool() {
        BumpFrameAllocator allocator = gaps();
        allocator.allocate();
        allocator.allocate();
        allocator.allocate();
        allocator.allocate(); // 10

        assertThat(allocator.isAllocated(1)).isTrue();
        assertThat(allocator.isAllocated(3)).isTrue();
        assertThat(allocator.isAllocated(10)).isTrue();
        assertThat(allocator.isAllocated(11)).as("above the counter").isFalse();
        assertThat(allocator.isAllocated(20)).isFalse();
        assertThat(allocator.isAllocated(0)).as("not in the pool").isFalse();
        assertThat(allocator.isAllocated(5)).as("in a gap below the counter").isFalse();
        assertThat(allocator.isAllocated(-1)).isFalse();
    }

    // ---------------------------------------------------------------- runs

    @Test
    void allocateRun_aligned_skipsAndLosesFramesToReachTheAlignment() {
        BumpFrameAllocator allocator = new BumpFrameAllocator(PhysicalMemory.ofSize(MIB),
                List.of(new FrameRange(1, 4), new FrameRange(10, 40)));
        assertThat(allocator.allocate()).isEqualTo(1);

        assertThat(allocator.allocateRun(2, 2)).as("2 is aligned: nothing lost").isEqualTo(2);
        assertThat(allocator.lostFrames()).isZero();
        assertThat(allocator.allocateRun(4, 4)).as("from 10, up to 12").isEqualTo(12);

        assertThat(allocator.lostFrames()).isEqualTo(2);
        assertThat(allocator.isAllocated(10)).as("lost frames lie below the counter").isTrue();
        assertThat(allocator.isAllocated(11)).isTrue();
        assertThat(allocator.freeFrames()).isEqualTo(33 - 1 - 2 - 2 - 4);
        assertThat(allocator.allocate()).isEqualTo(16);
        assertThat(allocator.describe()).contains(
                "lost: 2 frames skipped by allocateRun to reach an alignment or the next run");
    }

    @Test
    void allocateRun_tooBigForTheRestOfTheRun_movesToTheNextRunAndLosesTheRest() {
        BumpFrameAllocator allocator = new BumpFrameAllocator(PhysicalMemory.ofSize(MIB),
                List.of(new FrameRange(1, 4), new FrameRange(10, 40)));
        allocator.allocate();

        assertThat(allocator.allocateRun(3, 1)).isEqualTo(10);

        assertThat(allocator.lostFrames()).as("frames 2 and 3").isEqualTo(2);
        assertThat(allocator.nextIndex()).isEqualTo(6);
        assertThat(allocator.allocateRun(1, 32)).as("32 lies in the run").isEqualTo(32);
        assertThat(allocator.lostFrames()).isEqualTo(2 + 19);
        assertThat(allocator.allocate()).isEqualTo(33);
        assertThat(allocator.allocateRun(7, 1)).as("34..39 is 6 frames").isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(6, 1)).as("exactly the rest").isEqualTo(34);
        assertThat(allocator.freeFrames()).isZero();
    }

    @Test
    void allocateRun_fitsNowhere_returnsNoFrameAndMovesNothing() {
        BumpFrameAllocator allocator = new BumpFrameAllocator(PhysicalMemory.ofSize(MIB),
                List.of(new FrameRange(1, 4), new FrameRange(10, 40)));
        allocator.allocate();
        State before = State.of(allocator);

        assertThat(allocator.allocateRun(31, 1)).as("[10, 40) holds 30").isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 64)).as("no pool frame is a multiple of 64").isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 1L << 62)).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(Long.MAX_VALUE, 1)).isEqualTo(NO_FRAME);

        assertThat(State.of(allocator)).isEqualTo(before);
        assertThat(allocator.allocate()).isEqualTo(2);
    }

    @Test
    void allocateRun_runsThatTouch_areOneRunAndLoseNothingAtTheSeam() {
        BumpFrameAllocator allocator = new BumpFrameAllocator(PhysicalMemory.ofSize(MIB),
                List.of(new FrameRange(1, 4), new FrameRange(4, 8), new FrameRange(8, 9), new FrameRange(12, 14)));
        allocator.allocate();

        assertThat(allocator.allocateRun(6, 1)).isEqualTo(2);

        assertThat(allocator.lostFrames()).isZero();
        assertThat(allocator.describe().get(0)).isEqualTo("counter: 7 of 10 pool frames used; the next frame is 0x8"
                + " (index 7, in run 0 of 2: frames [0x1, 0x9))");
        assertThat(allocator.pfnAt(8)).isEqualTo(12);
        assertThat(allocator.indexOf(4)).isEqualTo(3);
    }

    @Test
    void allocateRun_exactlyTheRestOfThePool_usesItUp() {
        BumpFrameAllocator allocator = gaps();
        allocator.allocateRun(2, 1); // 1, 2

        assertThat(allocator.allocateRun(3, 1)).as("3 alone in its run is too short").isEqualTo(20);

        assertThat(allocator.lostFrames()).isEqualTo(3);
        assertThat(allocator.freeFrames()).isZero();
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
    }

    // ---------------------------------------------------------------- no freeing, misuse

    static Stream<Arguments> misuses() {
        return Stream.of(
                misuse("free an allocated frame", a -> a.free(1),
                        "free: the bump allocator cannot free (canFree() is false): it only counts forward, so frame 0x1"
                                + " stays as it is (state=allocated)"),
                misuse("free a free frame", a -> a.free(20),
                        "free: the bump allocator cannot free (canFree() is false): it only counts forward, so frame 0x14"
                                + " stays as it is (state=free)"),
                misuse("free a reserved frame", a -> a.free(0),
                        "free: the bump allocator cannot free (canFree() is false): it only counts forward, so frame 0x0"
                                + " stays as it is (state=not in the pool)"),
                misuse("free a negative frame", a -> a.free(-2),
                        "free: the bump allocator cannot free (canFree() is false): it only counts forward, so frame -0x2"
                                + " stays as it is (state=not in the pool)"),
                misuse("freeRun an allocated run", a -> a.freeRun(10, 2),
                        "freeRun: the bump allocator cannot free (canFree() is false): it only counts forward, so frames"
                                + " [0xa, +2) stay as they are (first frame state=allocated)"),
                misuse("allocateRun of no frames", a -> a.allocateRun(0, 1),
                        "allocateRun: a run holds at least 1 frame (frames=0, alignFrames=1)"),
                misuse("allocateRun aligned to 6", a -> a.allocateRun(1, 6),
                        "allocateRun: the alignment must be a power of two, at least 1 (frames=1, alignFrames=6)"),
                misuse("allocateRun aligned to -2", a -> a.allocateRun(1, -2),
                        "allocateRun: the alignment must be a power of two, at least 1 (frames=1, alignFrames=-2)"));
    }

    private static Arguments misuse(String name, Consumer<BumpFrameAllocator> operation, String message) {
        return Arguments.of(Named.of(name, operation), message);
    }

    @ParameterizedTest
    @MethodSource("misuses")
    void misuse_throwsNamingOperationAndValues_andChangesNothing(Consumer<BumpFrameAllocator> operation, String message) {
        BumpFrameAllocator allocator = gaps();
        allocator.allocate();
        allocator.allocate();
        assertThat(allocator.allocateRun(2, 2)).as("loses 3, hands out 10 and 11").isEqualTo(10);
        State before = State.of(allocator);

        assertThatThrownBy(() -> operation.accept(allocator)).isInstanceOf(FrameAllocatorException.class)
                .hasMessage(message);

        assertThat(State.of(allocator)).isEqualTo(before);
        allocator.checkInvariants();
        assertThat(allocator.allocate()).isEqualTo(20);
    }

    @Test
    void canFree_isFalse() {
        assertThat(gaps().canFree()).isFalse();
    }

    // ---------------------------------------------------------------- construction

    @Test
    void new_emptyPool_handsOutNothing() {
        BumpFrameAllocator allocator = new BumpFrameAllocator(PhysicalMemory.ofSize(MIB), List.of());

        assertThat(allocator.totalFrames()).isZero();
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 1)).isEqualTo(NO_FRAME);
        assertThat(allocator.pfnAt(0)).isEqualTo(NO_FRAME);
        assertThat(allocator.indexOf(0)).isEqualTo(NO_FRAME);
        assertThat(allocator.describe().get(0)).isEqualTo("counter: 0 of 0 pool frames used; every frame is used");
        allocator.checkInvariants();
    }

    @Test
    void describe_saysWhereTheNextFrameIsAndThatThereIsNoMetadata() {
        BumpFrameAllocator allocator = gaps();
        allocator.allocate();
        allocator.allocate();
        allocator.allocate();

        assertThat(allocator.describe()).containsExactly(
                "counter: 3 of 8 pool frames used; the next frame is 0xa (index 3, in run 1 of 3: frames [0xa, 0xc))",
                "lost: 0 frames skipped by allocateRun to reach an alignment or the next run",
                "metadata: none; the counter and the cursor are two numbers a kernel keeps in .data");
    }
}
