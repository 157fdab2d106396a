package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The {@link Tlb} against a naive one: per set (and for the 4 MiB part) an access-ordered map of
 * tag to entry, least recently used first, a lookup hit moving its entry last, an insert
 * replacing the tag's own entry, else filling a free way, else evicting the least recently used.
 * Long random sequences of lookups, inserts of both sizes, INVLPGs, CR3 loads (global entries
 * kept) and full flushes; after every step the two must cache the same translations and a lookup
 * must give the same answer.
 */
class TlbOracleTest {
    private static final int STEPS = 20_000;

    /** The naive TLB: maps in access order. */
    private static final class Naive {
        final int ways;
        final int sets;
        final int largeEntries;
        final List<LinkedHashMap<Long, Long>> small = new ArrayList<>();
        final LinkedHashMap<Long, Long> large;

        Naive(TlbConfig config) {
            ways = config.ways();
            sets = config.sets();
            largeEntries = config.largeEntries();
            for (int s = 0; s < sets; s++) {
                small.add(new LinkedHashMap<>(16, 0.75f, true));
            }
            large = new LinkedHashMap<>(16, 0.75f, true);
        }

        /** The cached flags of {@code vaddr}'s page (4 KiB first), or null. */
        Long lookup(long vaddr) {
            long vpn = vaddr >>> Addresses.PAGE_SHIFT;
            Long e = sets == 0 ? null : small.get((int) (vpn % sets)).get(vpn);
            return e != null ? e : large.get(vpn >>> 10);
        }

        void insert(Map<Long, Long> set, int capacity, long tag, long value) {
            if (capacity == 0) {
                return;
            }
            if (!set.containsKey(tag) && set.size() == capacity) {
                set.remove(set.keySet().iterator().next());
            }
            set.remove(tag);
            set.put(tag, value);
        }

        void invalidate(long vaddr) {
            long vpn = vaddr >>> Addresses.PAGE_SHIFT;
            if (sets != 0) {
                small.get((int) (vpn % sets)).remove(vpn);
            }
            large.remove(vpn >>> 10);
        }

        void flush(boolean keepGlobal) {
            for (Map<Long, Long> set : small) {
                set.values().removeIf(flags -> !keepGlobal || (flags & Tlb.GLOBAL) == 0);
            }
            large.values().removeIf(flags -> !keepGlobal || (flags & Tlb.GLOBAL) == 0);
        }

        Set<String> entries() {
            Set<String> out = new HashSet<>();
            for (Map<Long, Long> set : small) {
                set.forEach((vpn, flags) -> out.add("4K " + vpn + " " + flags));
            }
            large.forEach((tag, flags) -> out.add("4M " + tag + " " + flags));
            return out;
        }
    }

    private static Set<String> entries(Tlb tlb) {
        Set<String> out = new HashSet<>();
        for (Tlb.Entry e : tlb.entries()) {
            long flags = (e.writable() ? Tlb.WRITABLE : 0) | (e.user() ? Tlb.USER : 0) | (e.dirty() ? Tlb.DIRTY : 0)
                    | (e.global() ? Tlb.GLOBAL : 0) | (e.paddr() & Tlb.FRAME_MASK);
            out.add(e.large() ? "4M " + (e.vaddr() >>> Addresses.LARGE_PAGE_SHIFT) + " " + flags
                    : "4K " + (e.vaddr() >>> Addresses.PAGE_SHIFT) + " " + flags);
        }
        return out;
    }

    @Test
    void tlb_randomOperations_cachesWhatTheNaiveTlbCaches() {
        List<TlbConfig> shapes = List.of(TlbConfig.DEFAULT, new TlbConfig(16, 16, 4), new TlbConfig(8, 1, 0),
                new TlbConfig(0, 1, 2));
        long evictions = 0;
        long largeDrops = 0;
        long hits = 0;
        for (long seed = 1; seed <= 8; seed++) {
            for (TlbConfig shape : shapes) {
                RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
                Tlb tlb = new Tlb(shape);
                Naive naive = new Naive(shape);
                for (int step = 0; step < STEPS; step++) {
                    // A few large pages and a few dozen small ones, so that sets fill and entries are reused.
                    long vaddr = random.nextInt(4) == 0
                            ? ((long) random.nextInt(6) << Addresses.LARGE_PAGE_SHIFT) | random.nextInt(1 << 22)
                            : ((long) random.nextInt(80) << Addresses.PAGE_SHIFT) | random.nextInt(4096);
                    long flags = (random.nextBoolean() ? Tlb.WRITABLE : 0) | (random.nextBoolean() ? Tlb.USER : 0)
                            | (random.nextInt(4) == 0 ? Tlb.GLOBAL : 0);
                    long pfn = random.nextInt(1 << 20) & ~0x3FFL;
                    int op = random.nextInt(100);
                    String where = "seed " + seed + ", shape " + shape + ", step " + step + ", op " + op + ", vaddr "
                            + Addresses.hex(vaddr);
                    if (op < 45) {
                        long e = tlb.lookup(vaddr);
                        Long expected = naive.lookup(vaddr);
                        assertThat(e == Tlb.MISS ? null : e & (Tlb.FRAME_MASK | 0x1E)).as(where).isEqualTo(expected);
                        hits += expected == null ? 0 : 1;
                    } else if (op < 70) {
                        int before = naive.entries().size();
                        tlb.insertSmall(vaddr, pfn, flags);
                        long vpn = vaddr >>> Addresses.PAGE_SHIFT;
                        if (shape.sets() != 0) {
                            naive.insert(naive.small.get((int) (vpn % shape.sets())), shape.ways(), vpn,
                                    (pfn << Addresses.PAGE_SHIFT) | flags);
                        }
                        evictions += naive.entries().size() == before && shape.entries() > 0 ? 1 : 0;
                    } else if (op < 80) {
                        tlb.insertLarge(vaddr, pfn, flags);
                        naive.insert(naive.large, shape.largeEntries(), vaddr >>> Addresses.LARGE_PAGE_SHIFT,
                                (pfn << Addresses.PAGE_SHIFT) | flags);
                    } else if (op < 95) {
                        int before = naive.large.size();
                        tlb.invalidatePage(vaddr);
                        naive.invalidate(vaddr);
                        largeDrops += before - naive.large.size();
                    } else if (op < 99) {
                        tlb.flushNonGlobal();
                        naive.flush(true);
                    } else {
                        tlb.flushAll();
                        naive.flush(false);
                    }
                    tlb.checkInvariants();
                    assertThat(entries(tlb)).as(where).isEqualTo(naive.entries());
                }
            }
        }
        assertThat(evictions).as("inserts into full sets (or the same page)").isGreaterThan(10_000);
        assertThat(largeDrops).as("4 MiB entries dropped by INVLPG").isGreaterThan(1_000);
        assertThat(hits).as("lookups that hit").isGreaterThan(10_000);
    }
}
