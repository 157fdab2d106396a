package dev.pagelab.pmm;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.Boot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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

class BitmapFrameAllocatorTest {
    private static final long MIB = 1L << 20;

    /**
     * 1 MiB of RAM (256 frames) and a pool with gaps: frame 0 reserved, a one-frame run, and a
     * top (250) that is not a multiple of 64. The bitmap is 4 words, 32 bytes, in frame 1.
     */
    private static final List<FrameRange> GAPS = List.of(new FrameRange(1, 40), new FrameRange(41, 42),
            new FrameRange(48, 120), new FrameRange(130, 133), new FrameRange(160, 250));

    private static PhysicalMemory oneMib() {
        return PhysicalMemory.ofSize(MIB);
    }

    private static BitmapFrameAllocator gaps(PhysicalMemory memory) {
        return new BitmapFrameAllocator(memory, GAPS);
    }

    private static Boot boot(LowMemory lowMemory) {
        return Boot.run(MachineProfiles.byName("qemu-pc-128M"), KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(),
                "", lowMemory);
    }

    // ---------------------------------------------------------------- helpers: the bytes in RAM

    /** Every byte of the metadata frames, read through the memory, not through the allocator. */
    private static byte[] metadataBytes(PhysicalMemory memory, FrameAllocator allocator) {
        List<FrameRange> metadata = allocator.metadataFrames();
        assertThat(metadata).hasSize(1);
        return memory.readBytes(metadata.get(0).startPaddr(), (int) (metadata.get(0).frames() * Addresses.PAGE_BYTES));
    }

    /**
     * The metadata frames as they must be: bit {@code i} of byte {@code n} is frame {@code 8n + i}, 1
     * for every frame not in {@code pool}, the metadata frames, the frames in {@code allocated}
     * and the padding up to a whole 64-bit word past top; the rest of the frames zero.
     */
    private static byte[] expectedBytes(List<FrameRange> pool, FrameRange metadata, BitSet allocated) {
        long top = pool.get(pool.size() - 1).endPfn();
        long paddedTop = (top + 63) / 64 * 64;
        byte[] bytes = new byte[(int) (metadata.frames() * Addresses.PAGE_BYTES)];
        for (long pfn = 0; pfn < paddedTop; pfn++) {
            long p = pfn;
            boolean inPool = pool.stream().anyMatch(r -> r.contains(p));
            if (!inPool || metadata.contains(pfn) || allocated.get((int) pfn)) {
                bytes[(int) (pfn >>> 3)] |= (byte) (1 << (pfn & 7));
            }
        }
        return bytes;
    }

    private static void assertBitmapBytes(PhysicalMemory memory, FrameAllocator allocator, List<FrameRange> pool,
                                          BitSet allocated) {
        byte[] expected = expectedBytes(pool, allocator.metadataFrames().get(0), allocated);
        byte[] actual = metadataBytes(memory, allocator);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                throw new AssertionError(String.format("bitmap byte 0x%X (frames 0x%X..0x%X): expected %02X, found %02X",
                        i, i * 8, i * 8 + 7, expected[i] & 0xFF, actual[i] & 0xFF));
            }
        }
    }

    /** Everything an allocator shows, and its bytes in RAM, to prove that a misuse changed nothing. */
    private record State(String bytes, long freeFrames, long totalFrames, long nextFitPfn, List<String> describe,
                         List<Boolean> allocated) {
        static State of(PhysicalMemory memory, BitmapFrameAllocator allocator) {
            List<Boolean> allocated = new ArrayList<>();
            for (long pfn = 0; pfn < allocator.topPfn() + 8; pfn++) {
                allocated.add(allocator.isAllocated(pfn));
            }
            return new State(HexFormat.of().formatHex(metadataBytes(memory, allocator)), allocator.freeFrames(),
                    allocator.totalFrames(), allocator.nextFitPfn(), allocator.describe(), allocated);
        }
    }

    // ---------------------------------------------------------------- construction and layout

    @Test
    void new_poolWithGaps_bitmapInFrame1MarksAllButFreePoolFrames() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);

        assertThat(allocator.name()).isEqualTo("bitmap");
        assertThat(allocator.metadataFrames()).containsExactly(new FrameRange(1, 2));
        assertThat(allocator.bitmapPaddr()).isEqualTo(0x1000);
        assertThat(allocator.bitmapBytes()).isEqualTo(32);
        assertThat(allocator.totalFrames()).isEqualTo(39 + 1 + 72 + 3 + 90 - 1);
        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames());
        byte[] bytes = metadataBytes(memory, allocator);
        assertThat(bytes[0]).as("frames 0..7: 0 reserved, 1 the bitmap").isEqualTo((byte) 0x03);
        assertThat(bytes[5]).as("frames 40..47: only 41 free").isEqualTo((byte) 0xFD);
        assertThat(bytes[15]).as("frames 120..127: reserved").isEqualTo((byte) 0xFF);
        assertThat(bytes[16]).as("frames 128..135: 130..132 free").isEqualTo((byte) 0xE3);
        assertThat(bytes[31]).as("frames 248..255: 248, 249 free, then padding past top").isEqualTo((byte) 0xFC);
        assertThat(HexFormat.of().formatHex(bytes, 32, 4096)).as("the rest of the frame").matches("0+");
        assertBitmapBytes(memory, allocator, GAPS, new BitSet());
    }

    @Test
    void new_poolStartingAtFrame0_bitmapTakesFrame0() {
        PhysicalMemory memory = oneMib();
        List<FrameRange> pool = List.of(new FrameRange(0, 96));
        BitmapFrameAllocator allocator = new BitmapFrameAllocator(memory, pool);

        assertThat(allocator.metadataFrames()).containsExactly(new FrameRange(0, 1));
        assertThat(allocator.isAllocated(0)).as("metadata is not allocated").isFalse();
        assertThat(allocator.totalFrames()).isEqualTo(95);
        assertBitmapBytes(memory, allocator, pool, new BitSet());
        assertThat(allocator.allocate()).isEqualTo(1);
    }

    @Test
    void new_firstRunTooSmallForTheBitmap_takesFirstRunBigEnoughAndFrame0IsHandedOut() {
        // 256 MiB: top = 0x10000 frames, 1024 words = 8 KiB = 2 frames; run [0, 1) is too small.
        PhysicalMemory memory = PhysicalMemory.ofSize(256 * MIB);
        List<FrameRange> pool = List.of(new FrameRange(0, 1), new FrameRange(3, 4), new FrameRange(0x10, 0x10000));
        BitmapFrameAllocator allocator = new BitmapFrameAllocator(memory, pool);

        assertThat(allocator.metadataFrames()).containsExactly(new FrameRange(0x10, 0x12));
        assertThat(allocator.bitmapBytes()).isEqualTo(8192);
        assertBitmapBytes(memory, allocator, pool, new BitSet());
        assertThat(allocator.allocate()).as("frame 0 is a valid frame, not NO_FRAME").isZero();
        assertThat(allocator.allocate()).isEqualTo(3);
        assertThat(allocator.allocate()).isEqualTo(0x12);
        BitSet allocated = new BitSet();
        allocated.set(0);
        allocated.set(3);
        allocated.set(0x12);
        assertBitmapBytes(memory, allocator, pool, allocated);
    }

    @Test
    void new_realBoot128M_bitmapIsOneFrameAt2MiBWithTheExpectedBytes() {
        Boot boot = boot(LowMemory.FIRST_MIB);
        List<FrameRange> pool = boot.report().freeFrameRanges();
        FrameAllocator allocator = FrameAllocatorRegistry.builtIn().create("bitmap",
                new FrameAllocatorConfig(boot.memory(), pool));

        assertThat(allocator).isInstanceOf(BitmapFrameAllocator.class);
        assertThat(allocator.metadataFrames()).containsExactly(new FrameRange(0x200, 0x201));
        assertThat(allocator.totalFrames()).isEqualTo(boot.report().freeFrames() - 1);
        byte[] bytes = metadataBytes(boot.memory(), allocator);
        for (int i = 0; i < 4096; i++) {
            int expected = i < 0x40 ? 0xFF : i == 0x40 ? 0x01 : i < 0xFFC ? 0x00 : 0xFF;
            assertThat(bytes[i] & 0xFF).as("byte 0x%X", i).isEqualTo(expected);
        }
        assertThat(allocator.allocate()).isEqualTo(0x201);
        assertThat(boot.memory().read8(0x20_0040)).isEqualTo(0x03);
        assertThat(allocator.describe()).first().asString().contains("4096 bytes at 0x00200000", "[0, 0x7fe0)");
    }

    @Test
    void new_realBootKeepingPageZeroOnly_bitmapInFrame1BetweenReservedFrames() {
        Boot boot = boot(LowMemory.PAGE_ZERO);
        List<FrameRange> pool = boot.report().freeFrameRanges();
        BitmapFrameAllocator allocator = new BitmapFrameAllocator(boot.memory(), pool);

        assertThat(pool).hasSize(3);
        assertThat(allocator.metadataFrames()).containsExactly(new FrameRange(1, 2));
        byte[] bytes = metadataBytes(boot.memory(), allocator);
        assertThat(bytes[0]).as("frames 0..7: page 0 kept, 1 the bitmap").isEqualTo((byte) 0x03);
        assertThat(bytes[1]).as("frames 8..15: 9 holds the boot information").isEqualTo((byte) 0x02);
        assertBitmapBytes(boot.memory(), allocator, pool, new BitSet());
        assertThat(allocator.allocate()).isEqualTo(2);
    }

    @Test
    void new_4GiBPool_bitmapIs32FramesAndOnlyThoseAreTouched() {
        PhysicalMemory memory = PhysicalMemory.ofSize(PhysicalMemory.MAX_BYTES);
        BitmapFrameAllocator allocator = new BitmapFrameAllocator(memory, List.of(new FrameRange(0x100, 0x10_0000)));

        assertThat(allocator.metadataFrames()).containsExactly(new FrameRange(0x100, 0x120));
        assertThat(allocator.bitmapBytes()).isEqualTo(128 * 1024);
        assertThat(memory.touchedPages()).isEqualTo(32);
        assertThat(allocator.allocate()).isEqualTo(0x120);
        assertThat(allocator.allocateRun(1024, 1024)).isEqualTo(0x400);
        assertThat(memory.touchedPages()).isEqualTo(32);
    }

    @Test
    void new_emptyPool_handsOutNothing() {
        BitmapFrameAllocator allocator = new BitmapFrameAllocator(oneMib(), List.of());

        assertThat(allocator.metadataFrames()).isEmpty();
        assertThat(allocator.totalFrames()).isZero();
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 1)).isEqualTo(NO_FRAME);
        assertThatThrownBy(() -> allocator.free(0)).isInstanceOf(FrameAllocatorException.class)
                .hasMessageContaining("free: frame 0x0 is not allocated");
    }

    @Test
    void new_noRunBigEnoughForTheBitmap_throwsNamingTheSizes() {
        PhysicalMemory memory = PhysicalMemory.ofSize(256 * MIB);
        List<FrameRange> pool = List.of(new FrameRange(0, 1), new FrameRange(2, 3), new FrameRange(0xFFFF, 0x10000));

        assertThatThrownBy(() -> new BitmapFrameAllocator(memory, pool)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bitmap: the bitmap for frames [0, 0x10000) needs 8192 bytes = 2 contiguous free frames, and"
                        + " the largest pool run holds 1");
        assertThat(memory.touchedPages()).isZero();
    }

    @Test
    void new_bitmapWouldLieInAHole_throws() {
        PhysicalMemory memory = PhysicalMemory.builder(MIB).hole(0x1000, 0x1000).build();

        assertThatThrownBy(() -> new BitmapFrameAllocator(memory, GAPS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bitmap: pool run 0 (frames [0x1, 0x28) = [0x00001000, 0x00028000), 39 frames) holds frame 0x1,"
                        + " which is not RAM: the bitmap cannot be kept there");
    }

    // ---------------------------------------------------------------- next fit

    @Test
    void allocate_fresh_handsOutPoolFramesInAddressOrderSkippingGapsAndTheBitmap() {
        BitmapFrameAllocator allocator = gaps(oneMib());
        List<Long> expected = new ArrayList<>();
        for (FrameRange range : GAPS) {
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                if (pfn != 1) {
                    expected.add(pfn);
                }
            }
        }

        List<Long> handedOut = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            handedOut.add(allocator.allocate());
        }

        assertThat(handedOut).isEqualTo(expected);
        assertThat(allocator.freeFrames()).isZero();
    }

    @Test
    void allocate_afterFreeingALowFrame_continuesAfterTheLastOneUntilItWrapsAround() {
        BitmapFrameAllocator allocator = gaps(oneMib());
        for (long expected = 2; expected <= 6; expected++) {
            assertThat(allocator.allocate()).isEqualTo(expected);
        }

        allocator.free(3);

        assertThat(allocator.allocate()).as("next fit goes on from 7, not back to the freed 3").isEqualTo(7);
        assertThat(allocator.nextFitPfn()).isEqualTo(8);
        long last = 7;
        while (allocator.freeFrames() > 1) {
            long pfn = allocator.allocate();
            assertThat(pfn).as("no wrap while frames remain above").isGreaterThan(last);
            last = pfn;
        }
        assertThat(last).isEqualTo(249);
        assertThat(allocator.allocate()).as("after the wrap: the freed frame").isEqualTo(3);
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
    }

    @Test
    void allocate_freedFrameInTheWordOfTheLastOne_belowIt_isFoundOnlyAfterTheWrap() {
        BitmapFrameAllocator allocator = gaps(oneMib());
        allocator.allocate(); // 2
        allocator.allocate(); // 3
        allocator.allocate(); // 4

        allocator.free(2);
        allocator.free(4);

        assertThat(allocator.allocate()).as("bits below next are skipped on the first visit").isEqualTo(5);
        allocator.free(5);
        assertThat(allocator.allocate()).isEqualTo(6);
    }

    @Test
    void allocate_lastFrameOfThePool_wrapsTheNextFitPositionTo0() {
        PhysicalMemory memory = oneMib();
        List<FrameRange> pool = List.of(new FrameRange(1, 4), new FrameRange(127, 128));
        BitmapFrameAllocator allocator = new BitmapFrameAllocator(memory, pool);

        assertThat(allocator.allocate()).isEqualTo(2);
        assertThat(allocator.allocate()).isEqualTo(3);
        assertThat(allocator.allocate()).isEqualTo(127);
        assertThat(allocator.nextFitPfn()).isZero();
        allocator.free(2);
        assertThat(allocator.allocate()).isEqualTo(2);
    }

    @Test
    void allocate_exhausted_returnsNoFrameUntilAFree() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        Set<Long> handedOut = new HashSet<>();
        BitSet allocated = new BitSet();
        for (long i = 0; i < allocator.totalFrames(); i++) {
            long pfn = allocator.allocate();
            assertThat(handedOut.add(pfn)).as("frame %s handed out twice", pfn).isTrue();
            assertThat(allocator.isAllocated(pfn)).isTrue();
            allocated.set((int) pfn);
        }

        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 1)).isEqualTo(NO_FRAME);
        assertThat(allocator.freeFrames()).isZero();
        assertBitmapBytes(memory, allocator, GAPS, allocated);
        assertThat(handedOut).doesNotContain(0L, 1L, 40L, 120L, 250L);

        allocator.free(100);

        assertThat(allocator.allocate()).isEqualTo(100);
        assertThat(allocator.allocate()).isEqualTo(NO_FRAME);
    }

    @Test
    void allocateAndFree_bitmapBytesInRamHaveExactlyTheAllocatedBits() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        BitSet allocated = new BitSet();
        for (int i = 0; i < 70; i++) {
            allocated.set((int) allocator.allocate());
        }
        for (long pfn : new long[] {2, 41, 63, 64, 65}) {
            allocator.free(pfn);
            allocated.clear((int) pfn);
        }
        long run = allocator.allocateRun(5, 4);
        allocated.set((int) run, (int) run + 5);

        assertBitmapBytes(memory, allocator, GAPS, allocated);
        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames() - allocated.cardinality());
        for (long pfn = 0; pfn < 260; pfn++) {
            assertThat(allocator.isAllocated(pfn)).as("frame %s", pfn).isEqualTo(allocated.get((int) pfn));
        }
    }

    // ---------------------------------------------------------------- runs

    @Test
    void allocateRun_aligned_firstFitOfAlignedFreeFrames() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        BitSet allocated = new BitSet();

        long a = allocator.allocateRun(8, 8);
        long b = allocator.allocateRun(16, 16);
        long c = allocator.allocateRun(8, 8);
        long d = allocator.allocateRun(4, 4);
        long e = allocator.allocateRun(64, 1);
        long f = allocator.allocateRun(2, 32);

        assertThat(new long[] {a, b, c, d, e, f}).containsExactly(8, 16, 32, 4, 48, 160);
        allocated.set(8, 16);
        allocated.set(16, 32);
        allocated.set(32, 40);
        allocated.set(4, 8);
        allocated.set(48, 112);
        allocated.set(160, 162);
        assertBitmapBytes(memory, allocator, GAPS, allocated);
        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames() - allocated.cardinality());
        assertThat(allocator.nextFitPfn()).as("runs leave next fit alone").isZero();
        assertThat(allocator.describe()).contains("runs of two frames or more outstanding: 6");
    }

    @Test
    void allocateRun_neverSpansAGapOrTheBitmap() {
        BitmapFrameAllocator allocator = gaps(oneMib());

        assertThat(allocator.allocateRun(39, 1)).as("[1, 40) has 38 frames after the bitmap").isEqualTo(48);
        assertThat(allocator.allocateRun(38, 1)).isEqualTo(2);
        assertThat(allocator.allocateRun(34, 1)).as("of [48, 120) only 33 are left").isEqualTo(160);
        assertThat(allocator.allocateRun(33, 1)).isEqualTo(87);
        assertThat(allocator.allocateRun(4, 1)).as("[130, 133) holds 3").isEqualTo(194);
        assertThat(allocator.allocateRun(3, 1)).isEqualTo(130);
    }

    @Test
    void allocateRun_noFittingRun_returnsNoFrameAndChangesNothing() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        allocator.allocate();
        State before = State.of(memory, allocator);

        assertThat(allocator.allocateRun(91, 1)).as("longer than any run").isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 128)).as("frames 0 and 128 are taken, 256 is past top").isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(1, 1L << 62)).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(Long.MAX_VALUE, 1)).isEqualTo(NO_FRAME);
        assertThat(allocator.allocateRun(60, 64)).isEqualTo(NO_FRAME);

        assertThat(State.of(memory, allocator)).isEqualTo(before);
    }

    @Test
    void allocateRun_alignmentOf64_startsOnAWordBoundary() {
        BitmapFrameAllocator allocator = gaps(oneMib());

        assertThat(allocator.allocateRun(57, 64)).as("[64, 121) crosses into reserved 120").isEqualTo(192);
        assertThat(allocator.allocateRun(56, 32)).as("[32, 88) crosses into reserved 40").isEqualTo(64);
        assertThat(allocator.allocateRun(1, 64)).as("0 reserved, 64 and 192 taken, 256 past top").isEqualTo(NO_FRAME);
    }

    @Test
    void freeRun_wholeRun_returnsItsFramesAndRestoresTheBytes() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        State fresh = State.of(memory, allocator);
        long run = allocator.allocateRun(70, 2);
        assertThat(run).isEqualTo(48);

        allocator.freeRun(run, 70);

        assertThat(State.of(memory, allocator)).isEqualTo(fresh);
        assertThat(allocator.describe()).contains("runs of two frames or more outstanding: 0");
    }

    @Test
    void freeRun_adjacentRuns_areKeptApart() {
        BitmapFrameAllocator allocator = gaps(oneMib());
        long first = allocator.allocateRun(2, 1);
        long second = allocator.allocateRun(3, 1);
        assertThat(second).isEqualTo(first + 2);

        assertThatThrownBy(() -> allocator.freeRun(first, 5)).isInstanceOf(FrameAllocatorException.class)
                .hasMessage("freeRun: the run at frame 0x2 has 2 frames, not 5 (state=in the run [0x2, +2 frames))");
        allocator.freeRun(second, 3);
        allocator.freeRun(first, 2);
        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames());
    }

    @Test
    void freeRun_runOfOne_isASingleFrameEitherWay() {
        BitmapFrameAllocator allocator = gaps(oneMib());
        long single = allocator.allocate();
        long runOfOne = allocator.allocateRun(1, 8);

        allocator.freeRun(single, 1);
        allocator.free(runOfOne);

        assertThat(allocator.freeFrames()).isEqualTo(allocator.totalFrames());
    }

    static Stream<Arguments> runMisuses() {
        // A run of 4 frames at 8 (allocateRun(4, 8)) and a single frame at 2 (allocate()).
        return Stream.of(
                misuse("freeRun shorter", a -> a.freeRun(8, 3),
                        "freeRun: the run at frame 0x8 has 4 frames, not 3 (state=in the run [0x8, +4 frames))"),
                misuse("freeRun longer", a -> a.freeRun(8, 5),
                        "freeRun: the run at frame 0x8 has 4 frames, not 5 (state=in the run [0x8, +4 frames))"),
                misuse("freeRun from the middle", a -> a.freeRun(9, 3),
                        "freeRun: frames [0x9, +3) were not allocated as one run: frame 0x9 is state=in the run [0x8, +4 frames)"),
                misuse("free the run's first frame", a -> a.free(8),
                        "free: frame 0x8 was not allocated alone (state=in the run [0x8, +4 frames)): give the run back with"
                                + " freeRun(0x8, 4)"),
                misuse("free the run's last frame", a -> a.free(11),
                        "free: frame 0xb was not allocated alone (state=in the run [0x8, +4 frames)): give the run back with"
                                + " freeRun(0x8, 4)"),
                misuse("freeRun of a single frame", a -> a.freeRun(2, 2),
                        "freeRun: frames [0x2, +2) were not allocated as one run: frame 0x2 is state=allocated alone"),
                misuse("freeRun of free frames", a -> a.freeRun(20, 2),
                        "freeRun: frames [0x14, +2) were not allocated as one run: frame 0x14 is state=free"),
                misuse("freeRun of the bitmap", a -> a.freeRun(1, 2),
                        "freeRun: frames [0x1, +2) were not allocated as one run: frame 0x1 is state=allocator metadata:"
                                + " the bitmap's own frame"),
                misuse("freeRun past top", a -> a.freeRun(248, 3),
                        "freeRun: frames [0xf8, +3) reach outside the bitmap, which covers frames [0, 0xfa)"),
                misuse("freeRun of no frames", a -> a.freeRun(8, 0),
                        "freeRun: a run holds at least 1 frame (pfn=0x8, frames=0)"),
                misuse("freeRun of one free frame", a -> a.freeRun(3, 1),
                        "freeRun: frame 0x3 is not allocated (state=free)"),
                misuse("allocateRun of no frames", a -> a.allocateRun(0, 1),
                        "allocateRun: a run holds at least 1 frame (frames=0, alignFrames=1)"),
                misuse("allocateRun of negative frames", a -> a.allocateRun(-3, 1),
                        "allocateRun: a run holds at least 1 frame (frames=-3, alignFrames=1)"),
                misuse("allocateRun aligned to 3", a -> a.allocateRun(2, 3),
                        "allocateRun: the alignment must be a power of two, at least 1 (frames=2, alignFrames=3)"),
                misuse("allocateRun aligned to 0", a -> a.allocateRun(2, 0),
                        "allocateRun: the alignment must be a power of two, at least 1 (frames=2, alignFrames=0)"),
                misuse("allocateRun aligned to MIN_VALUE", a -> a.allocateRun(2, Long.MIN_VALUE),
                        "allocateRun: the alignment must be a power of two, at least 1 (frames=2, alignFrames="
                                + Long.MIN_VALUE + ")"),
                misuse("free twice", a -> a.free(3),
                        "free: frame 0x3 is not allocated (state=free)"),
                misuse("free a reserved frame", a -> a.free(0),
                        "free: frame 0x0 is not allocated (state=reserved: not in the free pool)"),
                misuse("free a frame in a gap", a -> a.free(0x78),
                        "free: frame 0x78 is not allocated (state=reserved: not in the free pool)"),
                misuse("free the bitmap's frame", a -> a.free(1),
                        "free: frame 0x1 is not allocated (state=allocator metadata: the bitmap's own frame)"),
                misuse("free past top", a -> a.free(250),
                        "free: frame 0xfa is not allocated (state=outside the bitmap, which covers frames [0, 0xfa))"),
                misuse("free a negative frame", a -> a.free(-1),
                        "free: frame -0x1 is not allocated (state=outside the bitmap, which covers frames [0, 0xfa))"),
                misuse("free Long.MAX_VALUE", a -> a.free(Long.MAX_VALUE),
                        "free: frame 0x7fffffffffffffff is not allocated (state=outside the bitmap, which covers frames"
                                + " [0, 0xfa))"));
    }

    private static Arguments misuse(String name, Consumer<BitmapFrameAllocator> operation, String message) {
        return Arguments.of(Named.of(name, operation), message);
    }

    @ParameterizedTest
    @MethodSource("runMisuses")
    void misuse_throwsNamingOperationAndValues_andChangesNothing(Consumer<BitmapFrameAllocator> operation, String message) {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        assertThat(allocator.allocate()).isEqualTo(2);
        assertThat(allocator.allocateRun(4, 8)).isEqualTo(8);
        State before = State.of(memory, allocator);

        assertThatThrownBy(() -> operation.accept(allocator)).isInstanceOf(FrameAllocatorException.class)
                .hasMessage(message);

        assertThat(State.of(memory, allocator)).isEqualTo(before);
        allocator.checkInvariants();
        assertThat(allocator.allocate()).as("next fit goes on as before").isEqualTo(3);
    }

    // ---------------------------------------------------------------- isAllocated

    @Test
    void isAllocated_onlyForFramesHandedOutToAClient() {
        BitmapFrameAllocator allocator = gaps(oneMib());
        long pfn = allocator.allocate();
        long run = allocator.allocateRun(3, 1);

        assertThat(allocator.isAllocated(pfn)).isTrue();
        assertThat(allocator.isAllocated(run + 2)).isTrue();
        assertThat(allocator.isAllocated(run + 3)).isFalse();
        assertThat(allocator.isAllocated(0)).as("reserved, 1 in the bitmap").isFalse();
        assertThat(allocator.isAllocated(1)).as("the bitmap itself, 1 in the bitmap").isFalse();
        assertThat(allocator.isAllocated(250)).as("padding past top, 1 in the bitmap").isFalse();
        assertThat(allocator.isAllocated(-1)).isFalse();
        assertThat(allocator.isAllocated(Long.MAX_VALUE)).isFalse();
    }

    // ---------------------------------------------------------------- invariants

    @Test
    void checkInvariants_reservedBitClearedBehindItsBack_throwsNamingTheFrame() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);

        memory.write8(0x1000 + 5, 0xFC); // frame 40, reserved, now looks free

        assertThatThrownBy(allocator::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContaining("frame 0x28 is 0 in the bitmap").hasMessageContaining("state=reserved");
    }

    @Test
    void checkInvariants_metadataBitClearedBehindItsBack_throws() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);

        memory.write8(0x1000, 0x01);

        assertThatThrownBy(allocator::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContaining("frame 0x1 is 0 in the bitmap").hasMessageContaining("allocator metadata");
    }

    @Test
    void checkInvariants_freeBitSetBehindItsBack_throwsWithTheCounts() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        allocator.allocate();

        memory.write8(0x1000 + 10, 0x01); // frame 80

        assertThatThrownBy(allocator::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessage("bitmap: 2 pool frames are 1 in the bitmap, but the counts say 1 allocated (total=204, free=203)");
    }

    @Test
    void checkInvariants_runFrameFreedBehindItsBack_throws() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        allocator.allocateRun(4, 8);

        memory.write8(0x1000 + 1, 0x0E); // frame 8, the run's first, cleared

        assertThatThrownBy(allocator::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageContaining("frame 0x8 is recorded in a run");
    }

    // ---------------------------------------------------------------- against a plain model

    @Test
    void randomOperations_matchAPlainNextFitAndFirstFitModel() {
        PhysicalMemory memory = oneMib();
        BitmapFrameAllocator allocator = gaps(memory);
        BitSet pool = new BitSet();
        GAPS.forEach(r -> pool.set((int) r.startPfn(), (int) r.endPfn()));
        pool.clear(1);
        BitSet allocated = new BitSet();
        TreeMap<Long, Long> runs = new TreeMap<>();
        long next = 0;
        Random random = new Random(42);

        for (int step = 0; step < 4000; step++) {
            int choice = random.nextInt(10);
            if (choice < 4) {
                long expected = NO_FRAME;
                if (allocated.cardinality() < pool.cardinality()) {
                    int found = firstFree(pool, allocated, (int) next, 250);
                    expected = found >= 0 ? found : firstFree(pool, allocated, 0, 250);
                    next = expected + 1 == 250 ? 0 : expected + 1;
                }
                assertThat(allocator.allocate()).as("step %d: allocate", step).isEqualTo(expected);
                if (expected != NO_FRAME) {
                    allocated.set((int) expected);
                    runs.put(expected, 1L);
                }
            } else if (choice < 6) {
                long frames = 1 + random.nextInt(random.nextBoolean() ? 4 : 40);
                long align = 1L << random.nextInt(6);
                long expected = NO_FRAME;
                for (long start = 0; start + frames <= 250; start += align) {
                    int s = (int) start;
                    if (pool.get(s, s + (int) frames).cardinality() == frames
                            && allocated.get(s, s + (int) frames).isEmpty()) {
                        expected = start;
                        break;
                    }
                }
                assertThat(allocator.allocateRun(frames, align)).as("step %d: allocateRun(%d, %d)", step, frames, align)
                        .isEqualTo(expected);
                if (expected != NO_FRAME) {
                    allocated.set((int) expected, (int) (expected + frames));
                    runs.put(expected, frames);
                }
            } else if (!runs.isEmpty()) {
                Long start = runs.keySet().stream().skip(random.nextInt(runs.size())).findFirst().orElseThrow();
                long frames = runs.remove(start);
                if (frames == 1 && random.nextBoolean()) {
                    allocator.free(start);
                } else {
                    allocator.freeRun(start, frames);
                }
                allocated.clear((int) (long) start, (int) (start + frames));
            }
            assertThat(allocator.freeFrames()).isEqualTo(pool.cardinality() - allocated.cardinality());
            if (step % 100 == 0) {
                assertBitmapBytes(memory, allocator, GAPS, allocated);
            }
        }
        assertBitmapBytes(memory, allocator, GAPS, allocated);
    }

    private static int firstFree(BitSet pool, BitSet allocated, int from, int to) {
        for (int pfn = from; pfn < to; pfn++) {
            if (pool.get(pfn) && !allocated.get(pfn)) {
                return pfn;
            }
        }
        return -1;
    }
}
