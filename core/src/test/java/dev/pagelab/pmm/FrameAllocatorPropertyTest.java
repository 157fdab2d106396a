package dev.pagelab.pmm;

import static dev.pagelab.pmm.FrameAllocator.NO_FRAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Long random sequences of single and contiguous allocations, frees of what is allocated, and
 * misuse (double frees, frees of frames never handed out or outside the pool, runs freed with the
 * wrong size or from the wrong frame), thrown at each allocator on a small random pool and
 * compared step by step with a {@link ReferenceFrameAllocator} shadowing it. The allocators
 * choose other frames than the reference would, so the comparison is of what must hold whatever
 * they choose:
 * <ul>
 *   <li>a frame or run handed out is aligned, in the pool, not metadata, and was free;</li>
 *   <li>{@code freeFrames()} and {@code totalFrames()} equal the reference's after every step, and
 *       {@code isAllocated} agrees for the frames a step touched (for every frame every 32 steps);</li>
 *   <li>NO_FRAME for a single frame exactly when none is free; for a run, only where
 *       {@link FrameAllocatorFixtures#runFailureAllowed} allows it;</li>
 *   <li>misuse throws {@link FrameAllocatorException} and changes nothing (counts,
 *       {@code isAllocated} of every frame, the metadata frames' and the target frame's bytes);</li>
 *   <li>{@code checkInvariants()} after every step;</li>
 *   <li>at the end, everything freed (where the allocator can free): the free count of a fresh
 *       allocator, the same per-order free blocks as a fresh buddy allocator, and a full
 *       allocation that hands out every managed frame once.</li>
 * </ul>
 * The bump allocator cannot free: its frees are expected to throw and change nothing, and the
 * frames it skips for an alignment are accepted as lost (see {@link FrameAllocatorFixtures}).
 *
 * <p>One property an allocator, so that a failure names it. Each also checks its own coverage
 * (coverage gates): enough sequences must fill the pool, have a run refused, try a misuse and
 * free something, so that the property cannot pass on sequences that test nothing.
 */
class FrameAllocatorPropertyTest {
    static final int TRIES = 150;

    /** One step; {@code pick} chooses among what exists when the step runs. */
    sealed interface Op {
        record Allocate() implements Op { }

        record AllocateRun(long frames, long align) implements Op { }

        /** Frees one live allocation; a run of one is freed with free or freeRun, by pick's parity. */
        record Free(int pick) implements Op { }

        /** A misuse of kind {@code kind} (see {@link Run#misuse}). */
        record Misuse(int kind, int pick) implements Op { }
    }

    /**
     * A pool of runs with gaps, possibly from frame 0, inside a memory a little larger.
     *
     * @param runs         runs in address order, separated by at least one frame
     * @param memoryFrames the memory's size in frames
     */
    record PoolSpec(List<FrameRange> runs, long memoryFrames) {
        @Override
        public String toString() {
            return runs.stream().map(r -> "[0x" + Long.toHexString(r.startPfn()) + ", 0x" + Long.toHexString(r.endPfn()) + ")")
                    .toList() + " in " + memoryFrames + " frames";
        }
    }

    // ---------------------------------------------------------------- generators

    /** One big run (16 to 200 frames) and up to four others (1 to 96), with gaps, from frame 0 to 6. */
    static PoolSpec pool(Seeded.Case c) {
        long firstGap = c.edgy(0, 6);
        long big = c.edgy(16, 200);
        int others = c.edgy(0, 4);
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < others; i++) {
            shapes.add(new long[] {c.edgy(1, 24), c.edgy(1, 96)});
        }
        shapes.add(Math.min(c.edgy(0, 4), shapes.size()), new long[] {1, big});
        List<FrameRange> runs = new ArrayList<>();
        long pfn = firstGap;
        for (int i = 0; i < shapes.size(); i++) {
            pfn += i == 0 ? 0 : shapes.get(i)[0];
            runs.add(new FrameRange(pfn, pfn + shapes.get(i)[1]));
            pfn += shapes.get(i)[1];
        }
        return new PoolSpec(List.copyOf(runs), pfn + 8);
    }

    /**
     * 300 to 1000 operations. The weight of frees varies from sequence to sequence: light churn
     * that keeps the pool half empty, and heavy pressure that fills it and runs into NO_FRAME
     * again and again.
     */
    static List<Op> operations(Seeded.Case c) {
        int freeWeight = c.edgy(12, 50);
        int count = c.length(300, 1000);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(switch (c.weighted(30, 22, freeWeight, 8)) {
                case 0 -> new Op.Allocate();
                case 1 -> {
                    long frames = switch (c.weighted(6, 3, 1)) {
                        case 0 -> c.edgy(1, 4);
                        case 1 -> c.edgy(5, 16);
                        default -> c.edgy(17, 70);
                    };
                    yield new Op.AllocateRun(frames, c.oneOf(1L, 1L, 1L, 1L, 2L, 4L, 8L, 16L, 64L));
                }
                case 2 -> new Op.Free(c.between(0, Integer.MAX_VALUE));
                default -> new Op.Misuse(c.edgy(0, 4), c.between(0, Integer.MAX_VALUE));
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- one property an allocator

    /** {@code cases} sequences on {@code name}, with the coverage gates of the class comment. */
    static void property(String name, int cases) {
        Seeded property = Seeded.cases("FrameAllocator." + name, cases)
                .requireShare("pool exhausted", 0.15)
                .requireShare("run refused", 0.30)
                .requireShare("misuse tried", 0.95);
        if (!name.equals("bump")) {
            property.requireShare("frees", 0.95);
        }
        property.run(c -> {
            PoolSpec pool = pool(c);
            c.given(pool);
            new Run(name, pool, c).play(operations(c)).cover(c);
        });
    }

    @Test
    void operations_bitmap_agreeWithTheReference() {
        property("bitmap", TRIES);
    }

    @Test
    void operations_bump_agreeWithTheReference() {
        property("bump", TRIES);
    }

    @Test
    void operations_freeList_agreeWithTheReference() {
        property("free-list", TRIES);
    }

    @Test
    void operations_buddy_agreeWithTheReference() {
        property("buddy", TRIES);
    }

    /** The reference against a shadow of itself: proves the harness, and that the oracle keeps the contract. */
    @Test
    void operations_reference_agreeWithTheReference() {
        property(ReferenceFrameAllocator.NAME, 60);
    }

    // ---------------------------------------------------------------- the harness

    /** One allocator, its shadow, and what is live, for one sequence. */
    static final class Run {
        final String name;
        final PoolSpec pool;
        final PhysicalMemory memory;
        final FrameAllocator allocator;
        final ReferenceFrameAllocator model;
        final long scanTop;
        /** What is allocated: {first frame, frames, 1 when it came from allocate()}. */
        final List<long[]> live = new ArrayList<>();
        final Seeded.Case seeded;
        int step;
        Op op;
        int exhausted;
        int runsRefused;
        int misuses;
        int frees;

        Run(String name, PoolSpec pool, Seeded.Case seeded) {
            this.seeded = seeded;
            this.name = name;
            this.pool = pool;
            this.memory = PhysicalMemory.ofSize(Addresses.pfnToPaddr(pool.memoryFrames()));
            this.allocator = FrameAllocatorFixtures.create(name, memory, pool.runs());
            this.model = ReferenceFrameAllocator.shadow(pool.runs(), allocator.metadataFrames());
            this.scanTop = pool.memoryFrames() + 4;
            assertThat(allocator.totalFrames()).as("%s: totalFrames on %s", name, pool).isEqualTo(model.totalFrames());
            compareAll();
        }

        Run play(List<Op> ops) {
            for (Op next : ops) {
                op = next;
                seeded.step(step, next);
                switch (next) {
                    case Op.Allocate a -> allocate();
                    case Op.AllocateRun r -> allocateRun(r.frames(), r.align());
                    case Op.Free f -> free(f.pick());
                    case Op.Misuse m -> misuse(m.kind(), m.pick());
                }
                allocator.checkInvariants();
                check(allocator.freeFrames() == model.freeFrames(), "freeFrames() = %d, the reference counts %d",
                        allocator.freeFrames(), model.freeFrames());
                check(allocator.totalFrames() == model.totalFrames(), "totalFrames() = %d, expected %d",
                        allocator.totalFrames(), model.totalFrames());
                if (++step % 32 == 0) {
                    compareAll();
                }
            }
            op = null;
            compareAll();
            finish();
            return this;
        }

        /**
         * Records, for the property's coverage gates, what the sequence reached: a full pool
         * (allocate() = NO_FRAME), a run refused, a misuse, a free. The gates fail the property
         * when the generators stop reaching them, so that it cannot pass on sequences that test
         * nothing.
         */
        void cover(Seeded.Case c) {
            c.cover("pool exhausted", exhausted > 0);
            c.cover("run refused", runsRefused > 0);
            c.cover("misuse tried", misuses > 0);
            if (allocator.canFree()) {
                c.cover("frees", frees > 0);
            }
        }

        void allocate() {
            long pfn = allocator.allocate();
            if (pfn == NO_FRAME) {
                check(model.freeFrames() == 0, "allocate() = NO_FRAME with %d frames free", model.freeFrames());
                exhausted++;
                return;
            }
            check(model.isFree(pfn), "allocate() = 0x%x, which is %s", pfn, model.stateOf(pfn));
            model.take(pfn, 1);
            live.add(new long[] {pfn, 1, 1});
            check(allocator.isAllocated(pfn), "isAllocated(0x%x) after allocate()", pfn);
        }

        void allocateRun(long frames, long align) {
            long freeBefore = allocator.freeFrames();
            long pfn = allocator.allocateRun(frames, align);
            if (pfn == NO_FRAME) {
                check(FrameAllocatorFixtures.runFailureAllowed(name, model, frames, align),
                        "allocateRun(%d, %d) = NO_FRAME, but [0x%x, +%d) is free and aligned", frames, align,
                        model.findRun(frames, align), frames);
                check(allocator.freeFrames() == freeBefore, "NO_FRAME changed freeFrames");
                runsRefused++;
                return;
            }
            check(pfn >= 0 && pfn % align == 0, "allocateRun(%d, %d) = 0x%x: not aligned", frames, align, pfn);
            for (long f = pfn; f < pfn + frames; f++) {
                check(model.isFree(f), "allocateRun(%d, %d) = 0x%x: frame 0x%x is %s", frames, align, pfn, f,
                        model.stateOf(f));
            }
            model.take(pfn, frames);
            live.add(new long[] {pfn, frames, 0});
            for (long f = pfn; f < pfn + frames; f++) {
                check(allocator.isAllocated(f), "isAllocated(0x%x) after allocateRun(%d, %d) = 0x%x", f, frames, align, pfn);
            }
            long lost = freeBefore - allocator.freeFrames() - frames;
            if (lost > 0 && FrameAllocatorFixtures.losesSkippedFrames(name)) {
                BitSet free = model.freeSet();
                for (int f = free.nextSetBit(0); f >= 0 && f < pfn; f = free.nextSetBit(f + 1)) {
                    if (allocator.isAllocated(f)) {
                        model.lose(f);
                        lost--;
                    }
                }
            }
            check(lost == 0, "allocateRun(%d, %d) = 0x%x took freeFrames from %d to %d: %d frames unaccounted for",
                    frames, align, pfn, freeBefore, allocator.freeFrames(), lost);
        }

        void free(int pick) {
            if (live.isEmpty()) {
                return;
            }
            int index = pick % live.size();
            long[] item = live.get(index);
            long pfn = item[0];
            long frames = item[1];
            boolean byFree = item[2] == 1 || frames == 1 && (pick & 1) == 0;
            if (!allocator.canFree()) {
                if (byFree) {
                    expectMisuse("free", pfn, () -> allocator.free(pfn));
                } else {
                    expectMisuse("freeRun", pfn, () -> allocator.freeRun(pfn, frames));
                }
                return;
            }
            if (byFree) {
                allocator.free(pfn);
            } else {
                allocator.freeRun(pfn, frames);
            }
            model.give(pfn, frames);
            frees++;
            live.set(index, live.get(live.size() - 1));
            live.remove(live.size() - 1);
            for (long f = pfn; f < pfn + frames; f++) {
                check(!allocator.isAllocated(f), "isAllocated(0x%x) after freeing [0x%x, +%d)", f, pfn, frames);
            }
        }

        /**
         * Kind 0: free a managed frame that is free. 1: freeRun of a live allocation with the wrong
         * size. 2: free a frame of a run of two or more. 3: free a frame outside the pool, or a
         * metadata frame. 4: freeRun starting one frame after a live run's first.
         */
        void misuse(int kind, int pick) {
            switch (kind) {
                case 0 -> {
                    BitSet free = model.freeSet();
                    if (free.isEmpty()) {
                        return;
                    }
                    long pfn = nth(free, pick % free.cardinality());
                    expectMisuse("free", pfn, () -> allocator.free(pfn));
                }
                case 1 -> {
                    if (live.isEmpty()) {
                        return;
                    }
                    long[] item = live.get(pick % live.size());
                    long wrong = (pick & 2) == 0 ? item[1] + 1 : item[1] == 1 ? 2 : item[1] - 1;
                    expectMisuse("freeRun", item[0], () -> allocator.freeRun(item[0], wrong));
                }
                case 2 -> {
                    long[] item = liveRun(pick);
                    if (item == null) {
                        return;
                    }
                    long pfn = item[0] + (pick >>> 1) % item[1];
                    expectMisuse("free", pfn, () -> allocator.free(pfn));
                }
                case 3 -> {
                    long pfn = Math.floorMod(pick, scanTop + 2) - 1;
                    if (model.inPool(pfn) && !model.isMetadata(pfn)) {
                        return;
                    }
                    expectMisuse("free", pfn, () -> allocator.free(pfn));
                }
                default -> {
                    long[] item = liveRun(pick);
                    if (item == null) {
                        return;
                    }
                    expectMisuse("freeRun", item[0] + 1, () -> allocator.freeRun(item[0] + 1, item[1] - 1));
                }
            }
        }

        /** A live run of two frames or more, or null. */
        long[] liveRun(int pick) {
            for (int i = 0; i < live.size(); i++) {
                long[] item = live.get(Math.floorMod(pick + i, live.size()));
                if (item[1] >= 2) {
                    return item;
                }
            }
            return null;
        }

        void expectMisuse(String operation, long pfn, Runnable call) {
            long free = allocator.freeFrames();
            BitSet allocated = allocatedFrames();
            List<String> describe = allocator.describe();
            long crc = crc(pfn);
            misuses++;
            try {
                call.run();
                check(false, "%s of frame 0x%x (%s) did not throw", operation, pfn, model.stateOf(pfn));
            } catch (FrameAllocatorException e) {
                check(FrameAllocatorFixtures.namesFrameInHex(e.getMessage(), pfn), "%s of 0x%x: the message '%s' does"
                        + " not name the frame in hex", operation, pfn, e.getMessage());
            }
            check(allocator.freeFrames() == free, "%s of 0x%x threw but changed freeFrames %d -> %d", operation, pfn, free,
                    allocator.freeFrames());
            BitSet after = allocatedFrames();
            after.xor(allocated);
            check(after.isEmpty(), "%s of 0x%x threw but changed isAllocated of frames %s", operation, pfn, after);
            check(allocator.describe().equals(describe), "%s of 0x%x threw but changed describe() %s -> %s", operation, pfn,
                    describe, allocator.describe());
            check(crc(pfn) == crc, "%s of 0x%x threw but changed bytes in RAM (metadata or the frame)", operation, pfn);
        }

        /** Frees everything, then checks the allocator is as good as new. */
        void finish() {
            if (!allocator.canFree()) {
                return;
            }
            for (int i = live.size() - 1; i >= 0; i--) {
                long[] item = live.get(i);
                if (item[2] == 1) {
                    allocator.free(item[0]);
                } else {
                    allocator.freeRun(item[0], item[1]);
                }
                model.give(item[0], item[1]);
            }
            live.clear();
            allocator.checkInvariants();
            check(allocator.freeFrames() == allocator.totalFrames(), "after freeing everything, freeFrames() = %d of %d",
                    allocator.freeFrames(), allocator.totalFrames());
            compareAll();
            if (allocator instanceof BuddyFrameAllocator buddy) {
                PhysicalMemory fresh = PhysicalMemory.ofSize(memory.sizeBytes());
                BuddyFrameAllocator pristine = (BuddyFrameAllocator) FrameAllocatorRegistry.builtIn().create("buddy",
                        new FrameAllocatorConfig(fresh, pool.runs()));
                for (int order = 0; order <= BuddyFrameAllocator.MAX_ORDER; order++) {
                    check(buddy.freeBlocks(order) == pristine.freeBlocks(order),
                            "after freeing everything, %d free blocks of order %d; a fresh allocator has %d",
                            buddy.freeBlocks(order), order, pristine.freeBlocks(order));
                }
            }
            BitSet seen = new BitSet();
            for (long pfn = allocator.allocate(); pfn != NO_FRAME; pfn = allocator.allocate()) {
                check(model.isFree(pfn) && !seen.get((int) pfn), "full allocation after freeing everything: 0x%x is %s%s",
                        pfn, model.stateOf(pfn), seen.get((int) pfn) ? ", handed out twice" : "");
                seen.set((int) pfn);
            }
            check(seen.cardinality() == allocator.totalFrames(), "full allocation after freeing everything handed out %d"
                    + " of %d frames", seen.cardinality(), allocator.totalFrames());
            allocator.checkInvariants();
        }

        void compareAll() {
            for (long pfn = -1; pfn < scanTop; pfn++) {
                boolean expected = model.isAllocated(pfn);
                if (allocator.isAllocated(pfn) != expected) {
                    check(false, "isAllocated(0x%x) = %s, the reference says %s (%s)", pfn, !expected, expected,
                            model.stateOf(pfn));
                }
            }
        }

        BitSet allocatedFrames() {
            BitSet out = new BitSet();
            for (long pfn = 0; pfn < scanTop; pfn++) {
                if (allocator.isAllocated(pfn)) {
                    out.set((int) pfn);
                }
            }
            return out;
        }

        /** CRC-32 of the metadata frames and of frame {@code pfn}, when it is in the memory. */
        long crc(long pfn) {
            CRC32 crc = new CRC32();
            byte[] page = new byte[Addresses.PAGE_BYTES];
            for (FrameRange range : allocator.metadataFrames()) {
                for (long f = range.startPfn(); f < range.endPfn(); f++) {
                    memory.readBytes(Addresses.pfnToPaddr(f), page, 0, page.length);
                    crc.update(page);
                }
            }
            if (pfn >= 0 && pfn < pool.memoryFrames()) {
                memory.readBytes(Addresses.pfnToPaddr(pfn), page, 0, page.length);
                crc.update(page);
            }
            return crc.getValue();
        }

        void check(boolean ok, String format, Object... args) {
            if (!ok) {
                throw new AssertionError(name + " on " + pool + ", step " + step + " (" + op + "): "
                        + String.format(format, args));
            }
        }

        static long nth(BitSet bits, int n) {
            int at = bits.nextSetBit(0);
            for (int i = 0; i < n; i++) {
                at = bits.nextSetBit(at + 1);
            }
            return at;
        }
    }
}
