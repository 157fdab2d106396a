package dev.pagelab.pmm;

import static dev.pagelab.pmm.FrameAllocator.NO_FRAME;
import static dev.pagelab.pmm.FrameAllocatorFixtures.assertMetadataInPool;
import static dev.pagelab.pmm.FrameAllocatorFixtures.assertUnchanged;
import static dev.pagelab.pmm.FrameAllocatorFixtures.namesFrameInHex;
import static dev.pagelab.pmm.FrameAllocatorFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.pmm.FrameAllocatorFixtures.Machine;
import dev.pagelab.pmm.FrameAllocatorFixtures.Pool;
import dev.pagelab.pmm.FrameAllocatorFixtures.Snapshot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link FrameAllocator} contract, run over every allocator of {@link FrameAllocatorRegistry#builtIn()} and
 * over the {@link ReferenceFrameAllocator}, on hand-made pools (gaps, frame 0 free or not, holes
 * in RAM) and on the pools of real boots (QEMU {@code pc} 16M/128M/1G, {@code q35} 128M, a
 * firmware map with holes).
 *
 * <p>Every allocator is held to: counts of a fresh allocator; allocation until NO_FRAME hands
 * out every managed frame once and nothing else; freed frames come back; each kind of misuse
 * throws a {@link FrameAllocatorException} naming the operation and the frame in hex and changes
 * nothing (counts, {@code isAllocated} of every frame, {@code describe()}, the bytes of the
 * metadata frames, and of every pool frame on small pools); runs are aligned, contiguous and
 * free; {@code checkInvariants} holds after every step (every 1,024 steps on pools of more than
 * 8,192 frames, whose invariant checks walk the whole structure). Tests about freeing are
 * skipped where {@code canFree()} is false, and one test checks that such an allocator refuses
 * every free. Where an allocator may legitimately fail a run the reference could satisfy, see
 * {@link FrameAllocatorFixtures}.
 */
class FrameAllocatorContractTest {

    // ---------------------------------------------------------------- parameters

    static Stream<Arguments> cases(List<Pool> pools) {
        List<Arguments> out = new ArrayList<>();
        for (String name : FrameAllocatorFixtures.allocatorNames()) {
            for (Pool pool : pools) {
                out.add(Arguments.of(name, pool));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> smallCases() {
        return cases(FrameAllocatorFixtures.smallPools());
    }

    static Stream<Arguments> walkCases() {
        return cases(FrameAllocatorFixtures.walkPools());
    }

    static Stream<Arguments> allCases() {
        return cases(FrameAllocatorFixtures.allPools());
    }

    static Stream<Arguments> frameZeroCases() {
        return cases(List.of(FrameAllocatorFixtures.FROM_ZERO, FrameAllocatorFixtures.ZERO_ALONE,
                FrameAllocatorFixtures.ZERO_ALONE_LARGE));
    }

    /** An allocator on a fresh machine, its shadow, and a step counter for invariant checks. */
    static final class Subject {
        final String name;
        final Machine machine;
        final FrameAllocator allocator;
        final ReferenceFrameAllocator model;
        private long steps;

        Subject(String name, Pool pool) {
            this.name = name;
            this.machine = pool.machine().get();
            this.allocator = FrameAllocatorFixtures.create(name, machine.memory(), machine.free());
            this.model = ReferenceFrameAllocator.shadow(machine.free(), allocator.metadataFrames());
        }

        /** checkInvariants after a step: every step on small pools, every 1,024 on large ones. */
        void step() {
            if (allocator.freeFrames() != model.freeFrames()) {
                fail("%s: freeFrames() is %d, the reference counts %d free frames", name, allocator.freeFrames(),
                        model.freeFrames());
            }
            if (machine.small() || ++steps % 1024 == 0) {
                allocator.checkInvariants();
            }
        }

        /** allocate(), checked against the shadow; NO_FRAME only when the shadow has no free frame. */
        long allocateChecked() {
            long before = allocator.freeFrames();
            long pfn = allocator.allocate();
            if (pfn == NO_FRAME) {
                if (model.freeFrames() != 0 || before != 0) {
                    fail("%s: allocate() returned NO_FRAME with %d frames free (freeFrames()=%d)", name,
                            model.freeFrames(), before);
                }
            } else {
                if (!model.isFree(pfn)) {
                    fail("%s: allocate() returned frame 0x%x, which is %s", name, pfn, model.stateOf(pfn));
                }
                model.take(pfn, 1);
                if (!allocator.isAllocated(pfn) || allocator.freeFrames() != before - 1) {
                    fail("%s: after allocate() = 0x%x, isAllocated=%s, freeFrames %d -> %d", name, pfn,
                            allocator.isAllocated(pfn), before, allocator.freeFrames());
                }
            }
            step();
            return pfn;
        }

        /**
         * allocateRun, checked: a run handed out is aligned, contiguous, made of managed free frames,
         * and the count drops by its size; NO_FRAME only where the allocator's limits allow it, and
         * then nothing changes.
         */
        long allocateRunChecked(long frames, long align) {
            Snapshot before = machine.small() ? snapshot(allocator, machine) : null;
            long freeBefore = allocator.freeFrames();
            long pfn = allocator.allocateRun(frames, align);
            if (pfn == NO_FRAME) {
                if (!FrameAllocatorFixtures.runFailureAllowed(name, model, frames, align)) {
                    fail("%s: allocateRun(%d, %d) returned NO_FRAME, but frames [0x%x, +%d) are free and aligned", name,
                            frames, align, model.findRun(frames, align), frames);
                }
                if (before != null) {
                    assertUnchanged(name + ": allocateRun(" + frames + ", " + align + ") = NO_FRAME", before,
                            snapshot(allocator, machine));
                }
                assertThat(allocator.freeFrames()).as("%s: freeFrames after NO_FRAME", name).isEqualTo(freeBefore);
            } else {
                if (pfn < 0 || pfn % align != 0) {
                    fail("%s: allocateRun(%d, %d) returned frame 0x%x, not aligned", name, frames, align, pfn);
                }
                model.take(pfn, frames);
                for (long f = pfn; f < pfn + frames; f++) {
                    if (!allocator.isAllocated(f)) {
                        fail("%s: frame 0x%x of the run [0x%x, +%d) is not allocated", name, f, pfn, frames);
                    }
                }
                long lost = freeBefore - allocator.freeFrames() - frames;
                if (lost != 0 && FrameAllocatorFixtures.losesSkippedFrames(name) && lost > 0) {
                    BitSet free = model.freeSet();
                    for (int f = free.nextSetBit(0); f >= 0 && f < pfn; f = free.nextSetBit(f + 1)) {
                        if (allocator.isAllocated(f)) {
                            model.lose(f);
                            lost--;
                        }
                    }
                }
                if (lost != 0) {
                    fail("%s: allocateRun(%d, %d) = 0x%x took freeFrames from %d to %d, %d frames unaccounted for", name,
                            frames, align, pfn, freeBefore, allocator.freeFrames(), lost);
                }
            }
            step();
            return pfn;
        }

        void freeChecked(long pfn) {
            long before = allocator.freeFrames();
            allocator.free(pfn);
            model.give(pfn, 1);
            if (allocator.isAllocated(pfn) || allocator.freeFrames() != before + 1) {
                fail("%s: after free(0x%x), isAllocated=%s, freeFrames %d -> %d", name, pfn, allocator.isAllocated(pfn),
                        before, allocator.freeFrames());
            }
            step();
        }

        void freeRunChecked(long pfn, long frames) {
            long before = allocator.freeFrames();
            allocator.freeRun(pfn, frames);
            model.give(pfn, frames);
            for (long f = pfn; f < pfn + frames; f++) {
                assertThat(allocator.isAllocated(f)).as("%s: frame 0x%x after freeRun(0x%x, %d)", name, f, pfn, frames)
                        .isFalse();
            }
            assertThat(allocator.freeFrames()).as("%s: freeFrames after freeRun(0x%x, %d)", name, pfn, frames)
                    .isEqualTo(before + frames);
            step();
        }

        /** allocate() until NO_FRAME; the frames in the order they came. */
        List<Long> allocateAll() {
            List<Long> out = new ArrayList<>();
            for (long pfn = allocateChecked(); pfn != NO_FRAME; pfn = allocateChecked()) {
                out.add(pfn);
                if (out.size() > allocator.totalFrames()) {
                    fail("%s: allocate() handed out more frames than totalFrames()=%d", name, allocator.totalFrames());
                }
            }
            allocator.checkInvariants();
            return out;
        }

        /**
         * {@code call} must throw a {@link FrameAllocatorException} naming {@code operation} and
         * {@code pfn} in hex, and change nothing.
         */
        void assertMisuse(String operation, long pfn, Runnable call) {
            Snapshot before = snapshot(allocator, machine);
            String what = name + ": " + operation + " of frame 0x" + Long.toHexString(pfn);
            try {
                call.run();
                fail("%s did not throw (state: %s)", what, model.stateOf(pfn));
            } catch (FrameAllocatorException e) {
                assertThat(e.getMessage()).as("%s: the message names the operation", what)
                        .containsIgnoringCase(operation.replaceAll("\\(.*", ""));
                assertThat(namesFrameInHex(e.getMessage(), pfn)).as("%s: the message '%s' names the frame in hex", what,
                        e.getMessage()).isTrue();
            } catch (RuntimeException e) {
                throw new AssertionError(what + " threw " + e + ", not a FrameAllocatorException", e);
            }
            assertUnchanged(what, before, snapshot(allocator, machine));
            allocator.checkInvariants();
        }

        /** {@code call} must throw a {@link FrameAllocatorException} naming the operation and change nothing. */
        void assertRejected(String what, String operation, Runnable call) {
            Snapshot before = snapshot(allocator, machine);
            try {
                call.run();
                fail("%s: %s did not throw", name, what);
            } catch (FrameAllocatorException e) {
                assertThat(e.getMessage()).as("%s: %s: the message names the operation", name, what)
                        .containsIgnoringCase(operation);
            } catch (RuntimeException e) {
                throw new AssertionError(name + ": " + what + " threw " + e + ", not a FrameAllocatorException", e);
            }
            assertUnchanged(name + ": " + what, before, snapshot(allocator, machine));
            allocator.checkInvariants();
        }
    }

    // ---------------------------------------------------------------- the registry

    @Test
    void names_builtIn_areTheFourAllocatorsInHelpOrder() {
        assertThat(FrameAllocatorRegistry.builtIn().names()).as("the suites would test nothing without them")
                .isEqualTo(FrameAllocatorFixtures.BUILT_INS);
        assertThat(FrameAllocatorRegistry.builtIn().namesText()).isEqualTo("bitmap, bump, free-list or buddy");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void info_builtIn_saysWhatTheAllocatorItMakesDoes(String name) {
        FrameAllocatorInfo info = FrameAllocatorRegistry.builtIn().info(name);
        FrameAllocator made = FrameAllocatorFixtures.create(name, PhysicalMemory.ofSize(1 << 20),
                List.of(new FrameRange(1, 64)));

        assertThat(info.name()).isEqualTo(name);
        assertThat(made.name()).isEqualTo(name);
        assertThat(info.canFree()).as("%s: info.canFree() and the allocator's canFree()", name)
                .isEqualTo(made.canFree());
        assertThat(info.summary()).isNotBlank();
    }

    @Test
    void create_unknownName_throwsListingTheKnownNames() {
        FrameAllocatorConfig config = new FrameAllocatorConfig(PhysicalMemory.ofSize(1 << 20), List.of());

        assertThatThrownBy(() -> FrameAllocatorRegistry.builtIn().create("slab", config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown frame allocator 'slab' (known: bitmap, bump, free-list, buddy)");
        assertThatThrownBy(() -> FrameAllocatorRegistry.builtIn().info("slab"))
                .hasMessage("unknown frame allocator 'slab' (known: bitmap, bump, free-list, buddy)");
    }

    @Test
    void register_ownAllocator_isAddedToThisRegistryOnly() {
        FrameAllocatorRegistry mine = FrameAllocatorRegistry.builtIn().register(
                new FrameAllocatorInfo("reference", "the suites' model", true),
                config -> new ReferenceFrameAllocator(config.memory(), config.free()));

        assertThat(mine.names()).endsWith("reference").hasSize(5);
        assertThat(mine.namesText()).isEqualTo("bitmap, bump, free-list, buddy or reference");
        assertThat(mine.create("reference", new FrameAllocatorConfig(PhysicalMemory.ofSize(1 << 20),
                List.of(new FrameRange(1, 3)))).name()).isEqualTo("reference");
        assertThat(FrameAllocatorRegistry.builtIn().contains("reference")).isFalse();
    }

    // ---------------------------------------------------------------- the pool check

    static Stream<String> builtIns() {
        return FrameAllocatorFixtures.BUILT_INS.stream();
    }

    /** Each built-in allocator checks its pool with {@link PoolRuns} (tested there): its messages, nothing written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void create_badPool_throwsThePoolCheckNamingTheAllocatorAndWritesNothing(String name) {
        PhysicalMemory memory = PhysicalMemory.ofSize(1 << 20);
        List<List<FrameRange>> bad = List.of(List.of(new FrameRange(10, 20), new FrameRange(1, 5)),
                List.of(new FrameRange(1, 20), new FrameRange(19, 30)), List.of(new FrameRange(200, 300)));
        for (List<FrameRange> pool : bad) {
            String expected = "";
            try {
                PoolRuns.of(name, memory, pool);
            } catch (IllegalArgumentException e) {
                expected = e.getMessage();
            }
            assertThat(expected).as("the pool check refuses %s", pool).isNotEmpty();
            assertThatThrownBy(() -> FrameAllocatorFixtures.create(name, memory, pool))
                    .as("%s over %s", name, pool).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        }
        assertThat(memory.touchedPages()).isZero();
    }

    /**
     * Pool frames must be RAM where an allocator writes: every frame for the free list and the
     * buddy system (their links), none for the bump allocator, the bitmap's own frames for the
     * bitmap (its placement test checks a hole there).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void create_poolOverAHole_throwsOnlyWhereTheAllocatorWrites(String name) {
        PhysicalMemory memory = PhysicalMemory.builder(1 << 20).hole(Addresses.pfnToPaddr(4), Addresses.pfnToPaddr(2))
                .build();
        List<FrameRange> pool = List.of(new FrameRange(1, 0x40));
        boolean linksInFreeFrames = name.equals("free-list") || name.equals("buddy");

        if (linksInFreeFrames) {
            assertThatThrownBy(() -> FrameAllocatorFixtures.create(name, memory, pool))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(name + ": pool run 0 (frames [0x1, 0x40) = [0x00001000, 0x00040000), 63 frames) holds"
                            + " frame 0x4, which is not RAM: "
                            + PoolRuns.LINKS_NEED_RAM);
            assertThat(memory.touchedPages()).isZero();
        } else {
            assertThat(FrameAllocatorFixtures.create(name, memory, pool).totalFrames()).as(name).isPositive();
        }
    }

    // ---------------------------------------------------------------- a fresh allocator

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("allCases")
    void create_freshPool_countsEveryPoolFrameButMetadataAsFree(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        FrameAllocator a = s.allocator;
        assertThat(a.name()).isEqualTo(name);
        assertMetadataInPool(name, a.metadataFrames(), s.machine);
        long metadata = a.metadataFrames().stream().mapToLong(FrameRange::frames).sum();
        assertThat(a.totalFrames()).as("%s: totalFrames = pool %d - metadata %d", name, s.machine.poolFrames(), metadata)
                .isEqualTo(s.machine.poolFrames() - metadata);
        assertThat(a.freeFrames()).as("%s: freeFrames of a fresh allocator", name).isEqualTo(a.totalFrames());
        assertThat(s.model.freeFrames()).isEqualTo(a.totalFrames());
        a.checkInvariants();

        List<Long> probes = new ArrayList<>(s.machine.reserved());
        probes.addAll(s.machine.outsideRam());
        for (FrameRange range : s.machine.free()) {
            probes.add(range.startPfn());
            probes.add(range.endPfn() - 1);
        }
        if (s.machine.small()) {
            for (long pfn = 0; pfn < s.machine.scanTopPfn(); pfn++) {
                probes.add(pfn);
            }
        }
        for (long pfn : probes) {
            assertThat(a.isAllocated(pfn)).as("%s: isAllocated(0x%x) of a fresh allocator", name, pfn).isFalse();
        }
    }

    static Stream<String> names() {
        return FrameAllocatorFixtures.allocatorNames().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void create_emptyPool_handsOutNothing(String name) {
        Subject s = new Subject(name, FrameAllocatorFixtures.handMade("empty", 16, List.of(), List.of()));
        assertThat(s.allocator.totalFrames()).isZero();
        assertThat(s.allocator.freeFrames()).isZero();
        assertThat(s.allocator.metadataFrames()).isEmpty();
        assertThat(s.allocateChecked()).isEqualTo(NO_FRAME);
        assertThat(s.allocateRunChecked(1, 1)).isEqualTo(NO_FRAME);
        assertThat(s.allocateRunChecked(2, 2)).isEqualTo(NO_FRAME);
        s.assertMisuse("free", 0, () -> s.allocator.free(0));
        s.assertMisuse("freeRun", 0, () -> s.allocator.freeRun(0, 1));
        s.allocator.checkInvariants();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void create_oneFramePool_handsOutThatFrameUnlessItHoldsMetadata(String name) {
        Subject s = new Subject(name, FrameAllocatorFixtures.handMade("one-frame", 16, List.of(),
                List.of(new FrameRange(5, 6))));
        long metadata = s.allocator.metadataFrames().stream().mapToLong(FrameRange::frames).sum();
        assertThat(s.allocator.totalFrames()).isEqualTo(1 - metadata);
        List<Long> frames = s.allocateAll();
        assertThat(frames).isEqualTo(metadata == 0 ? List.of(5L) : List.of());
    }

    // ---------------------------------------------------------------- allocate until NO_FRAME

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("walkCases")
    void allocate_untilNoFrame_handsOutEveryManagedFrameOnce(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        List<Long> frames = s.allocateAll();

        assertThat(frames).as("%s: frames handed out", name).hasSize((int) s.allocator.totalFrames());
        assertThat(new HashSet<>(frames)).as("%s: frames handed out twice", name).hasSize(frames.size());
        assertThat(s.model.freeFrames()).as("%s: managed frames never handed out", name).isZero();
        assertThat(s.allocator.freeFrames()).isZero();
        assertThat(s.allocator.allocate()).as("%s: allocate() once more", name).isEqualTo(NO_FRAME);
        assertThat(s.allocator.allocateRun(1, 1)).as("%s: allocateRun(1, 1) when full", name).isEqualTo(NO_FRAME);
        assertThat(s.allocator.allocateRun(2, 1)).as("%s: allocateRun(2, 1) when full", name).isEqualTo(NO_FRAME);
        assertThat(s.allocator.freeFrames()).isZero();
        s.allocator.checkInvariants();

        for (long pfn : s.machine.reserved()) {
            assertThat(s.allocator.isAllocated(pfn)).as("%s: isAllocated(reserved 0x%x) when full", name, pfn).isFalse();
        }
        for (long pfn : s.machine.outsideRam()) {
            assertThat(s.allocator.isAllocated(pfn)).as("%s: isAllocated(0x%x outside RAM) when full", name, pfn).isFalse();
        }
        for (FrameRange range : s.allocator.metadataFrames()) {
            for (long pfn = range.startPfn(); pfn < range.endPfn(); pfn++) {
                assertThat(s.allocator.isAllocated(pfn)).as("%s: isAllocated(metadata 0x%x) when full", name, pfn).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("frameZeroCases")
    void allocate_poolHoldingFrameZero_handsOutFrameZero(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(!s.model.isMetadata(0), name + " keeps its metadata in frame 0 of " + pool);

        List<Long> frames = s.allocateAll();

        assertThat(frames).as("%s: frames handed out", name).contains(0L);
        assertThat(s.allocator.isAllocated(0)).isTrue();
        if (s.allocator.canFree()) {
            s.freeChecked(0);
            assertThat(s.allocator.freeFrames()).isEqualTo(1);
            assertThat(s.allocateChecked()).as("%s: the one free frame is frame 0", name).isZero();
            s.freeChecked(0);
            assertThat(s.allocator.allocateRun(1, 1)).as("%s: allocateRun(1, 1) with frame 0 free", name).isZero();
        }
    }

    // ---------------------------------------------------------------- free, and allocate again

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("walkCases")
    void free_oneFrameOfAFullPool_isHandedOutAgain(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        List<Long> frames = s.allocateAll();
        List<Long> sorted = new ArrayList<>(frames);
        Collections.sort(sorted);
        List<Long> picks = List.of(sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
                frames.get(frames.size() - 1), frames.get(0));

        for (long pfn : picks) {
            s.freeChecked(pfn);
            assertThat(s.allocator.freeFrames()).isEqualTo(1);
            assertThat(s.allocateChecked()).as("%s: allocate() with only 0x%x free", name, pfn).isEqualTo(pfn);
            assertThat(s.allocateChecked()).as("%s: allocate() when full again", name).isEqualTo(NO_FRAME);
            s.freeChecked(pfn);
            assertThat(s.allocator.allocateRun(1, 1)).as("%s: allocateRun(1, 1) with only 0x%x free", name, pfn)
                    .isEqualTo(pfn);
            s.model.take(pfn, 1);
            s.freeChecked(pfn);
            assertThat(s.allocateChecked()).isEqualTo(pfn);
        }
        s.allocator.checkInvariants();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("walkCases")
    void free_everyFrameInRandomOrder_restoresTheFreshAllocator(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        Set<Long> first = new HashSet<>(s.allocateAll());
        List<Long> order = new ArrayList<>(first);
        Collections.shuffle(order, new Random(0x5EED));

        for (long pfn : order) {
            s.freeChecked(pfn);
        }
        s.allocator.checkInvariants();
        assertThat(s.allocator.freeFrames()).as("%s: freeFrames after freeing everything", name)
                .isEqualTo(s.allocator.totalFrames());

        Set<Long> second = new HashSet<>(s.allocateAll());
        assertThat(second).as("%s: the frames of a second full allocation", name).isEqualTo(first);
    }

    // ---------------------------------------------------------------- misuse of free

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_sameFrameTwice_throwsNamingTheFrameAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        long kept = s.allocateChecked();
        long pfn = s.allocateChecked();
        s.allocateChecked();
        s.freeChecked(pfn);

        s.assertMisuse("free", pfn, () -> s.allocator.free(pfn));
        s.assertMisuse("freeRun", pfn, () -> s.allocator.freeRun(pfn, 1));
        s.freeChecked(kept);
        s.assertMisuse("free", kept, () -> s.allocator.free(kept));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_frameNeverAllocated_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        s.allocateChecked();
        s.allocateRunChecked(3, 1);
        BitSet free = s.model.freeSet();
        List<Long> picks = List.of((long) free.nextSetBit(0), (long) free.length() - 1,
                (long) free.nextSetBit(free.length() / 2));
        for (long pfn : picks) {
            assertThat(s.model.isFree(pfn)).isTrue();
            s.assertMisuse("free", pfn, () -> s.allocator.free(pfn));
            s.assertMisuse("freeRun", pfn, () -> s.allocator.freeRun(pfn, 1));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_reservedFrame_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        s.allocateChecked();
        s.allocateRunChecked(2, 2);
        assertThat(s.machine.reserved()).as("the pool %s has reserved frames to try", pool).isNotEmpty();
        for (long pfn : s.machine.reserved()) {
            assertThat(s.model.inPool(pfn)).isFalse();
            s.assertMisuse("free", pfn, () -> s.allocator.free(pfn));
            s.assertMisuse("freeRun", pfn, () -> s.allocator.freeRun(pfn, 1));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_frameOutsideRam_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        s.allocateChecked();
        for (long pfn : s.machine.outsideRam()) {
            assertThat(pfn >= 0 && pfn < 1L << 40 && s.machine.memory().isRam(pfn << 12)).as("0x%x is RAM", pfn).isFalse();
            s.assertMisuse("free", pfn, () -> s.allocator.free(pfn));
            s.assertMisuse("freeRun", pfn, () -> s.allocator.freeRun(pfn, 1));
        }
        s.assertMisuse("free", NO_FRAME, () -> s.allocator.free(NO_FRAME));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_metadataFrame_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(!s.allocator.metadataFrames().isEmpty(), name + " has no metadata frames on " + pool);
        s.allocateChecked();
        for (FrameRange range : s.allocator.metadataFrames()) {
            for (long pfn : new long[] {range.startPfn(), range.endPfn() - 1}) {
                s.assertMisuse("free", pfn, () -> s.allocator.free(pfn));
                s.assertMisuse("freeRun", pfn, () -> s.allocator.freeRun(pfn, 1));
                assertThat(s.allocator.isAllocated(pfn)).as("%s: isAllocated(metadata 0x%x)", name, pfn).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_allocatorThatCannotFree_refusesEveryFreeAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(!s.allocator.canFree(), name + " can free");
        long pfn = s.allocateChecked();
        long run = s.allocateRunChecked(2, 1);

        s.assertMisuse("free", pfn, () -> s.allocator.free(pfn));
        s.assertMisuse("freeRun", pfn, () -> s.allocator.freeRun(pfn, 1));
        assumeTrue(run != NO_FRAME);
        s.assertMisuse("freeRun", run, () -> s.allocator.freeRun(run, 2));
        assertThat(s.allocator.isAllocated(pfn)).isTrue();
    }

    // ---------------------------------------------------------------- runs

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_sizesAndAlignments_returnsAlignedContiguousFreeFrames(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        long[][] asks = {{1, 1}, {2, 1}, {3, 1}, {4, 4}, {5, 8}, {8, 8}, {16, 16}, {7, 2}, {1, 64}, {33, 1}, {64, 64},
            {2, 128}, {1, 1}, {3, 4}};
        long handedOut = 0;
        for (int round = 0; round < 3; round++) {
            for (long[] ask : asks) {
                long pfn = s.allocateRunChecked(ask[0], ask[1]);
                if (pfn != NO_FRAME) {
                    handedOut += ask[0];
                }
            }
        }
        assertThat(s.allocator.freeFrames()).isEqualTo(s.model.freeFrames());
        assertThat(s.allocator.totalFrames() - s.allocator.freeFrames()).isGreaterThanOrEqualTo(handedOut);
        assertThat(handedOut).as("%s: frames handed out as runs", name).isPositive();
    }

    /**
     * Frames handed out as a run far above the lowest free frame, then single frames, some
     * freed and taken again, then the rest: an allocator that tracks a high-water mark (the free
     * list threads itself lazily) must skip the run's frames when its mark reaches them, and
     * must hand out a freed frame below the mark and every never-used frame above it, once.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocate_afterARunHighInThePoolAndFrees_handsOutEveryOtherManagedFrameOnce(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        long high = s.allocateRunChecked(4, 32);
        long first = s.allocateChecked();
        long second = s.allocateChecked();
        if (s.allocator.canFree() && first != NO_FRAME && second != NO_FRAME) {
            s.freeChecked(first);
            assertThat(s.allocateChecked()).as("%s: the frame freed below the mark", name).isNotEqualTo(NO_FRAME);
        }
        List<Long> rest = s.allocateAll();

        assertThat(new HashSet<>(rest)).as("%s: frames handed out twice", name).hasSize(rest.size());
        if (high != NO_FRAME) {
            assertThat(rest).as("%s: the run [0x%x, +4) handed out again", name)
                    .doesNotContain(high, high + 1, high + 2, high + 3);
        }
        assertThat(s.model.freeFrames()).as("%s: managed frames never handed out", name).isZero();
        if (s.allocator.canFree() && high != NO_FRAME) {
            s.freeRunChecked(high, 4);
            assertThat(s.allocateAll()).as("%s: the run's frames come back once", name)
                    .containsExactlyInAnyOrder(high, high + 1, high + 2, high + 3);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_mixedSizesUntilExhausted_handsOutEveryManagedFrameOnce(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        long[] sizes = {3, 1, 4, 1, 5, 9, 2, 6};
        for (int i = 0; s.model.freeFrames() > 0; i++) {
            long frames = sizes[i % sizes.length];
            if (s.allocateRunChecked(frames, 1) == NO_FRAME) {
                // runs may fail within their limits; a single frame may not while one is free
                long free = s.model.freeFrames();
                assertThat(s.allocateRunChecked(1, 1)).as("%s: allocateRun(1, 1) with %d frames free", name, free)
                        .isNotEqualTo(NO_FRAME);
            }
        }
        assertThat(s.allocator.freeFrames()).isZero();
        assertThat(s.allocator.allocateRun(1, 1)).isEqualTo(NO_FRAME);
        s.allocator.checkInvariants();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void freeRun_alignedRunInAFullPool_isHandedOutAgain(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        long run = s.allocateRunChecked(4, 4);
        assumeTrue(run != NO_FRAME, name + " found no 4-frame run on " + pool);
        s.allocateAll();

        s.freeRunChecked(run, 4);
        assertThat(s.allocator.freeFrames()).isEqualTo(4);
        long again = s.allocateRunChecked(4, 4);
        if (again != NO_FRAME) {
            assertThat(again).as("%s: the only free aligned run", name).isEqualTo(run);
        }
        if (again != NO_FRAME) {
            s.freeRunChecked(again, 4);
        }
        s.assertMisuse("freeRun", run, () -> s.allocator.freeRun(run, 4));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void freeRun_wrongSize_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        long run = s.allocateRunChecked(4, 1);
        long odd = s.allocateRunChecked(3, 1);
        assumeTrue(run != NO_FRAME && odd != NO_FRAME, name + " found no runs of 4 and 3 frames on " + pool);

        for (long frames : new long[] {3, 5, 1, 2, 8, 0, -1, -4, Long.MAX_VALUE, Long.MIN_VALUE}) {
            s.assertMisuse("freeRun", run, () -> s.allocator.freeRun(run, frames));
        }
        for (long frames : new long[] {4, 2, 1}) {
            s.assertMisuse("freeRun", odd, () -> s.allocator.freeRun(odd, frames));
        }
        s.freeRunChecked(run, 4);
        s.freeRunChecked(odd, 3);
        assertThat(s.allocator.freeFrames()).isEqualTo(s.allocator.totalFrames());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void freeRun_wrongStart_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        long before = s.allocateRunChecked(4, 1);
        long run = s.allocateRunChecked(4, 1);
        assumeTrue(before != NO_FRAME && run != NO_FRAME, name + " found no runs of 4 frames on " + pool);

        s.assertMisuse("freeRun", run + 1, () -> s.allocator.freeRun(run + 1, 3));
        s.assertMisuse("freeRun", run + 1, () -> s.allocator.freeRun(run + 1, 4));
        s.assertMisuse("freeRun", run + 3, () -> s.allocator.freeRun(run + 3, 1));
        s.assertMisuse("freeRun", run - 1, () -> s.allocator.freeRun(run - 1, 4));
        s.assertMisuse("freeRun", run - 1, () -> s.allocator.freeRun(run - 1, 5));
        s.freeRunChecked(run, 4);
        s.freeRunChecked(before, 4);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void free_frameOfAMultiFrameRun_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        long run = s.allocateRunChecked(4, 1);
        assumeTrue(run != NO_FRAME, name + " found no run of 4 frames on " + pool);

        for (long pfn = run; pfn < run + 4; pfn++) {
            long frame = pfn;
            s.assertMisuse("free", frame, () -> s.allocator.free(frame));
        }
        s.freeRunChecked(run, 4);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void freeRun_framesAllocatedOneByOne_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        Set<Long> singles = new HashSet<>(s.allocateAll());
        long pair = NO_FRAME;
        for (long pfn : singles) {
            if (singles.contains(pfn + 1) && (pair == NO_FRAME || pfn < pair)) {
                pair = pfn;
            }
        }
        assertThat(pair).as("two neighbouring frames among %d", singles.size()).isNotEqualTo(NO_FRAME);
        long start = pair;
        s.assertMisuse("freeRun", start, () -> s.allocator.freeRun(start, 2));
        s.freeChecked(start);
        s.freeChecked(start + 1);
    }

    // ---------------------------------------------------------------- bad arguments and impossible runs

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_alignmentNotAPowerOfTwo_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        s.allocateChecked();
        for (long align : new long[] {0, 3, 6, 12, 100, -1, -2, -4, Long.MIN_VALUE, (1L << 40) + 1}) {
            s.assertRejected("allocateRun(1, " + align + ")", "allocateRun", () -> s.allocator.allocateRun(1, align));
            s.assertRejected("allocateRun(4, " + align + ")", "allocateRun", () -> s.allocator.allocateRun(4, align));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_fewerThanOneFrame_throwsAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        s.allocateChecked();
        for (long frames : new long[] {0, -1, -4096, Long.MIN_VALUE}) {
            s.assertRejected("allocateRun(" + frames + ", 1)", "allocateRun", () -> s.allocator.allocateRun(frames, 1));
            s.assertRejected("allocateRun(" + frames + ", 4)", "allocateRun", () -> s.allocator.allocateRun(frames, 4));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_moreFramesThanFree_returnsNoFrameAndChangesNothing(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        s.allocateChecked();
        long free = s.allocator.freeFrames();
        for (long frames : new long[] {free + 1, s.allocator.totalFrames() + 1, 1L << 32, 1L << 40, Long.MAX_VALUE}) {
            for (long align : new long[] {1, 2, 1L << 20}) {
                assertThat(s.allocateRunChecked(frames, align)).as("%s: allocateRun(%d, %d)", name, frames, align)
                        .isEqualTo(NO_FRAME);
            }
        }
        assertThat(s.allocator.freeFrames()).isEqualTo(free);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_hugeAlignment_returnsFrameZeroOrNoFrame(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        for (long align : new long[] {1L << 30, 1L << 62}) {
            long pfn = s.allocateRunChecked(1, align);
            assertThat(pfn).as("%s: allocateRun(1, 2^%d)", name, Long.numberOfTrailingZeros(align)).isIn(0L, NO_FRAME);
            if (pfn == 0) {
                if (s.allocator.canFree()) {
                    s.freeRunChecked(0, 1);
                } else {
                    break;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("smallCases")
    void allocateRun_runOfOne_freedByFree(String name, Pool pool) {
        Subject s = new Subject(name, pool);
        assumeTrue(s.allocator.canFree(), name + " cannot free");
        long pfn = s.allocateRunChecked(1, 8);
        assumeTrue(pfn != NO_FRAME);
        s.freeChecked(pfn);
        long again = s.allocateRunChecked(1, 1);
        s.freeRunChecked(again, 1);
        assertThat(s.allocator.freeFrames()).isEqualTo(s.allocator.totalFrames());
    }
}
