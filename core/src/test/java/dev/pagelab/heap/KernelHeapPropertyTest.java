package dev.pagelab.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random kmalloc / kfree / krealloc / kcalloc / kmallocAligned sequences, and bad frees, on a
 * 16 MiB machine. Every live block holds a pattern of its own, written through the MMU; after
 * every step every live block still holds its pattern, no two live blocks overlap, bad frees
 * change nothing, and when everything is freed the heap holds no more frames than its first chunk.
 *
 * <p>Coverage gates: a heap whose allocations all return NULL would pass every check above, so
 * the property requires that most allocations succeed, that most frees find a live block to free,
 * and that krealloc both grows in place and moves.
 */
class KernelHeapPropertyTest {
    record Op(int kind, long size, int pick) {
    }

    /** Ten to 250 operations; sizes log-uniform from 1 byte to 32 KiB, one time in 21 far larger. */
    static List<Op> ops(Seeded.Case c) {
        int count = c.length(10, 250);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = c.between(0, 11);
            long size = c.weighted(20, 1) == 0 ? c.edgy(1L, 1L << c.between(0, 15)) : c.edgy(40_000L, 3_000_000L);
            out.add(new Op(kind, size, c.between(0, Integer.MAX_VALUE)));
        }
        return out;
    }

    @Test
    void sequences_blocksIntactDisjointAndFramesReturn() {
        Seeded.cases("KernelHeap.sequences", 60)
                .requireShare("allocation succeeded", 0.6)
                .requireShare("free of a live block", 0.6)
                .requireAtLeast("realloc in place", 20)
                .requireAtLeast("realloc moved", 20)
                .run(c -> {
                    TableAccessStrategy strategy = c.pick(TableAccessStrategy.values());
                    c.given(strategy);
                    sequence(c, strategy, ops(c));
                });
    }

    private static void sequence(Seeded.Case c, TableAccessStrategy strategy, List<Op> ops) {
        Kernel k = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy));
        KernelHeap heap = k.heap();
        long freeAtBoot = k.allocator().freeFrames();
        TreeMap<Long, byte[]> live = new TreeMap<>();
        int serial = 0;
        long firstChunkFrames = -1;
        for (Op op : ops) {
            c.step(serial, op);
            serial++;
            switch (op.kind()) {
                case 0, 1, 2, 3 -> allocated(c, k, live, heap.kmalloc(op.size()), op.size(), serial, false);
                case 4 -> {
                    long count = 1 + op.pick() % 16;
                    allocated(c, k, live, heap.kcalloc(count, Math.max(1, op.size() / count)),
                            count * Math.max(1, op.size() / count), serial, true);
                }
                case 5 -> {
                    long align = 16L << (op.pick() % 9);
                    long p = heap.kmallocAligned(op.size(), align);
                    assertThat(p % align).isZero();
                    allocated(c, k, live, p, op.size(), serial, false);
                }
                case 6, 7, 8 -> {
                    c.cover("free of a live block", !live.isEmpty());
                    if (!live.isEmpty()) {
                        long p = pick(live, op.pick());
                        heap.kfree(p);
                        live.remove(p);
                    }
                }
                case 9, 10 -> {
                    if (!live.isEmpty()) {
                        long p = pick(live, op.pick());
                        byte[] old = live.get(p);
                        long q = heap.krealloc(p, op.size());
                        if (q != KernelHeap.NULL) {
                            live.remove(p);
                            byte[] kept = new byte[(int) Math.min(old.length, op.size())];
                            k.mmu().readBytes(q, kept, 0, kept.length);
                            assertThat(kept).as("krealloc keeps the contents").isEqualTo(
                                    java.util.Arrays.copyOf(old, kept.length));
                            allocated(c, k, live, q, op.size(), serial, false);
                        }
                        c.cover("realloc in place", q == p);
                        c.cover("realloc moved", q != p && q != KernelHeap.NULL);
                    }
                }
                default -> badFree(k, heap, live, op.pick());
            }
            if (firstChunkFrames < 0 && heap.stats().chunks() > 0) {
                firstChunkFrames = heap.stats().framesHeld(); // right after the first morecore
            }
            for (Map.Entry<Long, byte[]> e : live.entrySet()) {
                byte[] seen = new byte[e.getValue().length];
                k.mmu().readBytes(e.getKey(), seen, 0, seen.length);
                assertThat(seen).as("block %s after step %d", Long.toHexString(e.getKey()), serial)
                        .isEqualTo(e.getValue());
            }
            long end = 0;
            for (HeapBlock b : heap.blocks()) {
                assertThat(b.vaddr()).isGreaterThanOrEqualTo(end);
                end = b.vaddr() + b.bytes();
            }
            assertThat(heap.stats().liveBlocks()).isEqualTo(live.size());
        }
        k.checkInvariants();
        for (long p : List.copyOf(live.keySet())) {
            heap.kfree(p);
        }
        HeapStats s = heap.stats();
        assertThat(s.liveBlocks()).isZero();
        assertThat(s.chunks()).isLessThanOrEqualTo(1);
        if (firstChunkFrames >= 0) {
            assertThat(s.framesHeld()).isLessThanOrEqualTo(firstChunkFrames);
        }
        // Everything but the first chunk's frames (and the page tables they need) is back.
        assertThat(freeAtBoot - k.allocator().freeFrames()).isLessThanOrEqualTo(s.framesHeld() + 1);
        k.checkInvariants();
    }

    private static void allocated(Seeded.Case c, Kernel k, Map<Long, byte[]> live, long p, long bytes, int serial,
                                  boolean zeroed) {
        c.cover("allocation succeeded", p != KernelHeap.NULL);
        if (p == KernelHeap.NULL) {
            return;
        }
        assertThat(p % 8).isZero();
        if (zeroed) {
            byte[] seen = new byte[(int) bytes];
            k.mmu().readBytes(p, seen, 0, seen.length);
            assertThat(seen).as("kcalloc zeroes").containsOnly((byte) 0);
        }
        byte[] pattern = new byte[(int) bytes];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (serial * 31 + i * 7);
        }
        k.mmu().writeBytes(p, pattern, 0, pattern.length);
        assertThat(live.put(p, pattern)).as("a live address handed out twice").isNull();
    }

    private static long pick(TreeMap<Long, byte[]> live, int pick) {
        return new ArrayList<>(live.keySet()).get(pick % live.size());
    }

    /** A free of something that is not a live block: refused, nothing changed. */
    private static void badFree(Kernel k, KernelHeap heap, TreeMap<Long, byte[]> live, int pick) {
        if (live.isEmpty()) {
            return;
        }
        long p = pick(live, pick);
        long bad = switch (pick % 3) {
            case 0 -> p + 8 * (1 + pick % 4); // inside the block (if it is that big)
            case 1 -> p + 4;                   // misaligned
            default -> 0xC010_0000L;           // the kernel's text
        };
        if (live.containsKey(bad)) {
            return;
        }
        String before = heap.blocks().toString();
        HeapStats stats = heap.stats();
        assertThatThrownBy(() -> heap.kfree(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThat(heap.blocks()).hasToString(before);
        assertThat(heap.stats()).isEqualTo(stats);
    }
}
