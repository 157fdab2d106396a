package dev.pagelab.pmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Allocators that thread their free lists through the free frames (free-list, buddy), after
 * something wrote into a free frame's link: they never hand out a frame twice nor fail with
 * anything but a {@link FrameAllocatorCorruptedException} that leaves them unchanged.
 *
 * <p>The pools are large (8,432 frames, limit 8,448) and each allocator makes fewer than 1,024
 * changes, so that the debug checks that run after each change ({@code pagelab.checks}) stay the
 * O(1) ones: the allocators' own link checks, which the shipped program runs without the debug
 * checks, are what meets the damage first.
 */
class FrameAllocatorCorruptionTest {
    private static final long LIMIT = 8448;
    private static final List<FrameRange> POOL = List.of(new FrameRange(16, LIMIT));

    private static PhysicalMemory memory() {
        return PhysicalMemory.ofSize(Addresses.pfnToPaddr(LIMIT));
    }

    private static FreeListFrameAllocator freeList(PhysicalMemory memory) {
        return new FreeListFrameAllocator(memory, POOL);
    }

    private static void writeLink(PhysicalMemory memory, long pfn, long value) {
        memory.write32(Addresses.pfnToPaddr(pfn), (int) value);
    }

    /**
     * What a failed call must leave as it was: the counts and the allocator's own description,
     * every frame's state, which frames hold links and the first 8 bytes of each of them.
     */
    private record State(long free, List<String> describe, BitSet allocated, BitSet linked, byte[] links) {
        static State of(FrameAllocator a, PhysicalMemory memory) {
            BitSet allocated = new BitSet();
            BitSet linked = new BitSet();
            java.io.ByteArrayOutputStream links = new java.io.ByteArrayOutputStream();
            byte[] eight = new byte[8];
            for (long pfn = 0; pfn < LIMIT; pfn++) {
                allocated.set((int) pfn, a.isAllocated(pfn));
                if (a.linkBytesIn(pfn) > 0) {
                    linked.set((int) pfn);
                    memory.readBytes(Addresses.pfnToPaddr(pfn), eight, 0, 8);
                    links.writeBytes(eight);
                }
            }
            return new State(a.freeFrames(), a.describe(), allocated, linked, links.toByteArray());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && free == s.free && describe.equals(s.describe) && allocated.equals(s.allocated)
                    && linked.equals(s.linked) && java.util.Arrays.equals(links, s.links);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(free);
        }
    }

    /**
     * Frames 16-21 handed out, 16-20 given back in order: the stack is 20 -> 19 -> 18 -> 17 -> 16,
     * the bottom's link the mark's address (frame 22); frame 21 stays allocated.
     */
    private static FreeListFrameAllocator stackOfFive(PhysicalMemory memory) {
        FreeListFrameAllocator a = freeList(memory);
        for (int i = 0; i < 6; i++) {
            assertThat(a.allocate()).isEqualTo(16 + i);
        }
        for (long pfn = 16; pfn <= 20; pfn++) {
            a.free(pfn);
        }
        return a;
    }

    /** Asserts that the next allocation is refused naming {@code pfn} and {@code message}, with nothing changed, and again. */
    private static void assertRefused(FreeListFrameAllocator a, PhysicalMemory memory, long pfn, String... message) {
        State before = State.of(a, memory);
        assertThatThrownBy(a::allocate).isInstanceOf(FrameAllocatorCorruptedException.class)
                .hasMessageContainingAll(message)
                .satisfies(e -> assertThat(((FrameAllocatorCorruptedException) e).pfn()).isEqualTo(pfn));
        assertThat(State.of(a, memory)).isEqualTo(before);
        assertThatThrownBy(a::allocate).as("and again").isInstanceOf(FrameAllocatorCorruptedException.class);
    }

    /** Allocates frames that come out as the list says. */
    private static void allocate(FrameAllocator a, long... expected) {
        for (long pfn : expected) {
            assertThat(a.allocate()).isEqualTo(pfn);
        }
    }

    @Test
    void allocate_topLinkOutsideThePool_isRefusedNamingTheFrameAndTheLink() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 20, 0x1234_5000L);

        assertRefused(a, memory, 20, "allocate: the free list is corrupt: the link in free frame 0x14"
                + " (bytes 0-3 at paddr 0x00014000) is 0x12345000, and frame 0x12345 is not in the pool");
    }

    @Test
    void allocate_linkToAnAllocatedFrame_isRefusedInsteadOfHandingItOutTwice() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 20, Addresses.pfnToPaddr(21));

        assertRefused(a, memory, 20, "is 0x00015000, and frame 0x15 is allocated");
    }

    @Test
    void allocate_linkBackUpTheStack_isRefusedWhenTheCycleCloses() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        allocate(a, 20, 19);
        writeLink(memory, 18, Addresses.pfnToPaddr(20));

        assertRefused(a, memory, 18, "frame 0x14 is allocated");
    }

    @Test
    void allocate_linkToItself_isRefused() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        allocate(a, 20);
        writeLink(memory, 19, Addresses.pfnToPaddr(19));

        assertRefused(a, memory, 19, "it names the frame itself");
    }

    @Test
    void allocate_linkToAFrameNeverHandedOut_isRefused() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 20, Addresses.pfnToPaddr(100));

        assertRefused(a, memory, 20, "frame 0x64 was never handed out, so it is on no list");
    }

    @Test
    void allocate_linkNotAnAddress_isRefused() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 20, 0x0001_2345L);

        assertRefused(a, memory, 20, "that is not the address of a frame");
    }

    @Test
    void allocate_linkSkippingFrames_isRefusedAtTheBottom() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 20, Addresses.pfnToPaddr(17));
        allocate(a, 20, 17);

        assertRefused(a, memory, -1, "the free list reaches its bottom frame 0x10 with 2 more"
                + " free frames counted on it: a link skipped them");
    }

    @Test
    void allocate_bottomLinkNotTheMark_isRefused() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        allocate(a, 20, 19, 18, 17);
        writeLink(memory, 16, Addresses.pfnToPaddr(30));

        assertRefused(a, memory, 16, "the bottom frame's link must be the mark's"
                + " address 0x00016000");
    }

    @Test
    void allocateRun_corruptLinkOnTheWalk_isRefusedBeforeAnythingIsUnlinked() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 19, 0xFFFL);
        State before = State.of(a, memory);

        assertThatThrownBy(() -> a.allocateRun(3, 1)).isInstanceOf(FrameAllocatorCorruptedException.class)
                .hasMessageStartingWith("allocateRun: the free list is corrupt: the link in free frame 0x13");
        assertThat(State.of(a, memory)).isEqualTo(before);
    }

    @Test
    void allocateRun_linkSkippingTheRunsFrames_isRefused() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        writeLink(memory, 20, Addresses.pfnToPaddr(16));
        State before = State.of(a, memory);

        assertThatThrownBy(() -> a.allocateRun(3, 1)).isInstanceOf(FrameAllocatorCorruptedException.class)
                .hasMessageContaining("a link skipped them");
        assertThat(State.of(a, memory)).isEqualTo(before);
    }

    @Test
    void linkBytesIn_onlyFramesThatHoldALinkNow() {
        PhysicalMemory memory = memory();
        FreeListFrameAllocator a = stackOfFive(memory);
        FrameAllocator buddy = new BuddyFrameAllocator(memory(), POOL);

        assertThat(a.linkBytesIn(20)).isEqualTo(4);
        assertThat(a.linkBytesIn(16)).as("the bottom holds the mark's address").isEqualTo(4);
        assertThat(a.linkBytesIn(21)).as("allocated").isZero();
        assertThat(a.linkBytesIn(22)).as("never handed out: no link yet").isZero();
        assertThat(a.linkBytesIn(3)).as("not in the pool").isZero();
        assertThat(buddy.linkBytesIn(16)).as("the first frame of a free block").isEqualTo(8);
        assertThat(buddy.linkBytesIn(17)).isZero();
        assertThat(new BitmapFrameAllocator(memory(), POOL).linkBytesIn(100)).isZero();
    }

    // ---------------------------------------------------------------- random damage

    private static final int SEEDS = 300;

    /**
     * For each seed: random allocations, frees and runs; then a random u32 written into the link
     * bytes of a random free frame that holds a link (a random number, the address of a frame in
     * the pool or just outside it, of an allocated frame, of a free one, END, the frame's own);
     * then more random calls. Every frame handed out must have been free, and a call may fail only
     * with a FrameAllocatorCorruptedException that changed nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"free-list", "buddy"})
    void randomDamage_toAFreeFramesLink_neverHandsOutAFrameTwice(String name) {
        int detected = 0;
        int harmless = 0;
        int byDebugChecks = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            PhysicalMemory memory = memory();
            FrameAllocator a = FrameAllocatorRegistry.builtIn().create(name, new FrameAllocatorConfig(memory, POOL));
            Model model = new Model();
            for (int step = 0; step < 200; step++) {
                model.randomCall(a, random, seed, step);
            }
            model.freeSome(a, random);
            long victim = model.linkedFreeFrame(a, random);
            if (victim < 0) {
                fail("seed %d: no free frame holds a link after the warm-up", seed);
            }
            int offset = a.linkBytesIn(victim) > 4 && random.nextBoolean() ? 4 : 0;
            memory.write32(Addresses.pfnToPaddr(victim) + offset, (int) damage(a, model, victim, random));
            String outcome = "harmless";
            for (int step = 200; step < 500 && outcome.equals("harmless"); step++) {
                State before = State.of(a, memory);
                try {
                    model.randomCall(a, random, seed, step);
                } catch (FrameAllocatorCorruptedException e) {
                    assertThat(State.of(a, memory)).as("seed %d step %d: %s changed", seed, step, e.getMessage())
                            .isEqualTo(before);
                    outcome = "detected";
                } catch (AssertionError e) {
                    if (!e.getMessage().startsWith("free list:") && !e.getMessage().startsWith("buddy:")) {
                        throw e;
                    }
                    outcome = "debug";
                }
            }
            switch (outcome) {
                case "detected" -> detected++;
                case "debug" -> byDebugChecks++;
                default -> harmless++;
            }
        }
        // The buddy system's debug checks look at every list's head after each change, so they often see the
        // damage first; its own checks must still be what catches a good share of it.
        assertThat(detected).as("%s: damage its own checks caught (harmless %d, debug checks %d)", name, harmless,
                byDebugChecks).isGreaterThan(SEEDS / 5);
        assertThat(harmless).as("%s: damage that never mattered (the same link, or a link never followed)", name)
                .isPositive();
    }

    private static long damage(FrameAllocator a, Model model, long victim, RandomGenerator random) {
        return switch (random.nextInt(7)) {
            case 0 -> random.nextInt() & 0xFFFF_FFFFL;
            case 1 -> Addresses.pfnToPaddr(random.nextLong(LIMIT + 64));
            case 2 -> model.allocated.isEmpty() ? 0 : Addresses.pfnToPaddr(model.allocated.get(random.nextInt(
                    model.allocated.size()))[0]);
            case 3 -> Addresses.pfnToPaddr(model.linkedFreeFrame(a, random));
            case 4 -> 0xFFFF_FFFFL;
            case 5 -> Addresses.pfnToPaddr(victim);
            default -> 0;
        };
    }

    /** What the test handed out: runs (first frame, frames), and every frame held, for the "never twice" check. */
    private static final class Model {
        final List<long[]> allocated = new ArrayList<>();
        final BitSet held = new BitSet();

        void randomCall(FrameAllocator a, RandomGenerator random, int seed, int step) {
            int what = random.nextInt(10);
            if (what < 5 || allocated.isEmpty()) {
                take(a.allocate(), 1, seed, step);
            } else if (what < 9) {
                long[] run = allocated.get(random.nextInt(allocated.size()));
                if (run[1] == 1) {
                    a.free(run[0]);
                } else {
                    a.freeRun(run[0], run[1]);
                }
                allocated.remove(run);
                held.clear((int) run[0], (int) (run[0] + run[1]));
            } else {
                long frames = 1 + random.nextInt(8);
                take(a.allocateRun(frames, 1L << random.nextInt(3)), frames, seed, step);
            }
        }

        private void take(long pfn, long frames, int seed, int step) {
            if (pfn == FrameAllocator.NO_FRAME) {
                return;
            }
            for (long f = pfn; f < pfn + frames; f++) {
                if (f < POOL.getFirst().startPfn() || f >= LIMIT || held.get((int) f)) {
                    fail("seed %d step %d: frame 0x%x handed out while %s", seed, step, f,
                            held.get((int) f) ? "held" : "outside the pool");
                }
            }
            held.set((int) pfn, (int) (pfn + frames));
            allocated.add(new long[] {pfn, frames});
        }

        /** Gives back a few single frames, so that a free list has linked frames to damage. */
        void freeSome(FrameAllocator a, RandomGenerator random) {
            for (int i = 0; i < 3; i++) {
                for (long[] run : allocated) {
                    if (run[1] == 1 && random.nextBoolean()) {
                        a.free(run[0]);
                        allocated.remove(run);
                        held.clear((int) run[0]);
                        break;
                    }
                }
            }
        }

        /** A random free frame that holds a link now, or -1. */
        long linkedFreeFrame(FrameAllocator a, RandomGenerator random) {
            for (int tries = 0; tries < 100_000; tries++) {
                long pfn = POOL.getFirst().startPfn() + random.nextLong(LIMIT - POOL.getFirst().startPfn());
                if (a.linkBytesIn(pfn) > 0) {
                    return pfn;
                }
            }
            return -1;
        }
    }
}
