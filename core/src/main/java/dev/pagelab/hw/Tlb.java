package dev.pagelab.hw;

import java.util.ArrayList;
import java.util.List;

/**
 * The translation lookaside buffer: recent translations, with the rights the walk found, so
 * that most accesses need no walk. Owned by one {@link Mmu}, which is the only writer.
 *
 * <p><b>Layout.</b> A set-associative array for 4 KiB pages ({@code sets x ways}, set =
 * {@code vpn mod sets}, least recently used way replaced) and a small fully associative array
 * for 4 MiB pages, as Pentium-class processors have. Each entry is one packed {@code long}:
 *
 * <pre>
 *  63  60 59            40 39                  12 11     5   4   3   2   1   0
 * +------+----------------+----------------------+--------+---+---+---+---+---+
 * |  0   | tag (vpn, or   | physical frame (pfn) |   0    | G | D | U | W | V |
 * |      | vpn >> 10)     |                      |        |   |   |   |   |   |
 * +------+----------------+----------------------+--------+---+---+---+---+---+
 * </pre>
 * V = valid; W and U = R/W and U/S combined over both levels; D = the leaf's D was set when
 * cached; G = global (leaf G with CR4.PGE=1).
 *
 * <p><b>Staleness is real.</b> Nothing here watches memory: change a PTE without
 * {@link Mmu#invlpg} and the old translation is still used, exactly the bug the seeds'
 * temporary-mapping slot must avoid.
 */
public final class Tlb {
    static final long VALID = 1;
    static final long WRITABLE = 1 << 1;
    static final long USER = 1 << 2;
    static final int DIRTY_BIT = 3;
    static final long DIRTY = 1 << DIRTY_BIT;
    static final long GLOBAL = 1 << 4;
    static final int TAG_SHIFT = 40;
    static final long FRAME_MASK = 0xFF_FFFF_F000L;
    static final long MISS = 0;
    /** Set on entries returned by {@link #lookup} that came from the 4 MiB array. */
    static final long LARGE_MARK = 1 << 11;

    private final TlbConfig config;
    private final int ways;
    private final int setMask;
    private final long[] small;
    private final long[] smallUsed;
    private final long[] large;
    private final long[] largeUsed;
    /** Valid entries in {@code large}: a lookup that misses the 4 KiB part skips an empty 4 MiB part. */
    private int largeValid;
    private long clock;

    /** An empty TLB of the given shape. */
    public Tlb(TlbConfig config) {
        this.config = config;
        this.ways = Math.max(config.ways(), 1);
        this.setMask = Math.max(config.sets() - 1, 0);
        this.small = new long[config.entries()];
        this.smallUsed = new long[config.entries()];
        this.large = new long[config.largeEntries()];
        this.largeUsed = new long[config.largeEntries()];
    }

    /** The shape of this TLB. */
    public TlbConfig config() {
        return config;
    }

    static long pack(long tag, long pfn, long flags) {
        return (tag << TAG_SHIFT) | (pfn << Addresses.PAGE_SHIFT) | flags | VALID;
    }

    /**
     * The entry caching the page of {@code vaddr}, or {@link #MISS}. For a 4 MiB entry the
     * frame is the large page's base.
     */
    long lookup(long vaddr) {
        long vpn = vaddr >>> Addresses.PAGE_SHIFT;
        long wanted = (vpn << TAG_SHIFT) | VALID;
        if (small.length != 0) {
            int base = (int) (vpn & setMask) * ways;
            // Every way is compared and the match selected without a branch: which way holds
            // a page is random, and an early exit would mispredict on most hits.
            int hit = -1;
            for (int i = base, end = base + ways; i < end; i++) {
                hit = (small[i] & ~(FRAME_MASK | 0xFFE)) == wanted ? i : hit;
            }
            if (hit >= 0) {
                smallUsed[hit] = ++clock;
                return small[hit];
            }
        }
        if (largeValid != 0) {
            long wantedLarge = ((vpn >>> 10) << TAG_SHIFT) | VALID;
            for (int i = 0; i < large.length; i++) {
                long e = large[i];
                if ((e & ~(FRAME_MASK | 0xFFE)) == wantedLarge) {
                    largeUsed[i] = ++clock;
                    return e | LARGE_MARK;
                }
            }
        }
        return MISS;
    }

    /** What {@link #lookup} finds for {@code vaddr}, without marking the entry used: for an observer. */
    long peek(long vaddr) {
        long vpn = vaddr >>> Addresses.PAGE_SHIFT;
        long wanted = (vpn << TAG_SHIFT) | VALID;
        if (small.length != 0) {
            int base = (int) (vpn & setMask) * ways;
            for (int i = base; i < base + ways; i++) {
                if ((small[i] & ~(FRAME_MASK | 0xFFE)) == wanted) {
                    return small[i];
                }
            }
        }
        long wantedLarge = ((vpn >>> 10) << TAG_SHIFT) | VALID;
        for (int i = 0; largeValid != 0 && i < large.length; i++) {
            if ((large[i] & ~(FRAME_MASK | 0xFFE)) == wantedLarge) {
                return large[i] | LARGE_MARK;
            }
        }
        return MISS;
    }

    /** Caches a 4 KiB translation, replacing any entry for the same page. */
    void insertSmall(long vaddr, long pfn, long flags) {
        if (small.length == 0) {
            return;
        }
        long vpn = vaddr >>> Addresses.PAGE_SHIFT;
        int base = (int) (vpn & setMask) * ways;
        int victim = victim(small, smallUsed, base, base + ways, vpn);
        small[victim] = pack(vpn, pfn, flags);
        smallUsed[victim] = ++clock;
    }

    /** Caches a 4 MiB translation whose page starts at frame {@code pfn}. */
    void insertLarge(long vaddr, long pfn, long flags) {
        if (large.length == 0) {
            return;
        }
        long tag = vaddr >>> Addresses.LARGE_PAGE_SHIFT;
        int victim = victim(large, largeUsed, 0, large.length, tag);
        largeValid += (int) (~large[victim] & VALID);
        large[victim] = pack(tag, pfn, flags);
        largeUsed[victim] = ++clock;
    }

    /**
     * The slot for {@code tag}: its own, else the first invalid one, else the least recently used.
     * Each slot gets a rank (−2 its own, −1 invalid, else its last use, which is positive and
     * unique) and the first of the lowest wins, without a branch on what the slots hold.
     */
    private static int victim(long[] entries, long[] used, int from, int to, long tag) {
        int victim = from;
        long best = Long.MAX_VALUE;
        for (int i = from; i < to; i++) {
            long e = entries[i];
            long rank = (e & VALID) == 0 ? -1 : (e >>> TAG_SHIFT) == tag ? -2 : used[i];
            victim = rank < best ? i : victim;
            best = Math.min(rank, best);
        }
        return victim;
    }

    /** INVLPG: drops whatever translates the page of {@code vaddr}, 4 KiB or 4 MiB. */
    void invalidatePage(long vaddr) {
        long vpn = vaddr >>> Addresses.PAGE_SHIFT;
        if (small.length != 0) {
            int base = (int) (vpn & setMask) * ways;
            for (int i = base; i < base + ways; i++) {
                if ((small[i] >>> TAG_SHIFT) == vpn) {
                    small[i] = 0;
                }
            }
        }
        if (largeValid == 0) {
            return;
        }
        long tag = vpn >>> 10;
        for (int i = 0; i < large.length; i++) {
            if ((large[i] >>> TAG_SHIFT) == tag) {
                largeValid -= (int) (large[i] & VALID);
                large[i] = 0;
            }
        }
    }

    /** Every entry and its recency, to be put back by {@link #restore}. */
    record Saved(long[] small, long[] smallUsed, long[] large, long[] largeUsed, long clock) {
    }

    /** A copy of the whole state. */
    Saved save() {
        return new Saved(small.clone(), smallUsed.clone(), large.clone(), largeUsed.clone(), clock);
    }

    /** Puts back a state {@link #save} took from this TLB. */
    void restore(Saved saved) {
        System.arraycopy(saved.small(), 0, small, 0, small.length);
        System.arraycopy(saved.smallUsed(), 0, smallUsed, 0, smallUsed.length);
        System.arraycopy(saved.large(), 0, large, 0, large.length);
        System.arraycopy(saved.largeUsed(), 0, largeUsed, 0, largeUsed.length);
        clock = saved.clock();
        largeValid = countValid(large);
    }

    /** A CR3 load: drops every entry that is not global. */
    void flushNonGlobal() {
        dropWhere(small, true);
        dropWhere(large, true);
        largeValid = countValid(large);
    }

    /** Drops everything, global entries too. */
    void flushAll() {
        dropWhere(small, false);
        dropWhere(large, false);
        largeValid = 0;
    }

    private static int countValid(long[] entries) {
        int n = 0;
        for (long e : entries) {
            n += (int) (e & VALID);
        }
        return n;
    }

    private static void dropWhere(long[] entries, boolean keepGlobal) {
        for (int i = 0; i < entries.length; i++) {
            if (!keepGlobal || (entries[i] & GLOBAL) == 0) {
                entries[i] = 0;
            }
        }
    }

    /** How many translations are cached now. */
    public int size() {
        int n = 0;
        for (long e : small) {
            n += (int) (e & VALID);
        }
        for (long e : large) {
            n += (int) (e & VALID);
        }
        return n;
    }

    /** A cached translation, for people: what a TLB dump shows. */
    public record Entry(long vaddr, long paddr, boolean large, boolean writable, boolean user, boolean dirty,
                        boolean global) {
    }

    /** Every valid entry, 4 KiB entries first, in slot order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (long e : small) {
            if ((e & VALID) != 0) {
                out.add(describe(e, false));
            }
        }
        for (long e : large) {
            if ((e & VALID) != 0) {
                out.add(describe(e, true));
            }
        }
        return out;
    }

    private static Entry describe(long e, boolean isLarge) {
        long tag = e >>> TAG_SHIFT;
        long vaddr = isLarge ? tag << Addresses.LARGE_PAGE_SHIFT : tag << Addresses.PAGE_SHIFT;
        return new Entry(vaddr, e & FRAME_MASK, isLarge, (e & WRITABLE) != 0, (e & USER) != 0,
                (e & DIRTY) != 0, (e & GLOBAL) != 0);
    }

    /**
     * Invariants: no page is cached twice, and the count of valid 4 MiB entries is right. Throws
     * {@link AssertionError} with the state.
     */
    void checkInvariants() {
        if (largeValid != countValid(large)) {
            throw new AssertionError("TLB counts " + largeValid + " valid 4 MiB entries, it holds "
                    + countValid(large));
        }
        for (int s = 0; s < small.length; s += ways) {
            for (int i = s; i < s + ways; i++) {
                for (int j = i + 1; j < s + ways; j++) {
                    if ((small[i] & VALID) != 0 && (small[j] & VALID) != 0
                            && (small[i] >>> TAG_SHIFT) == (small[j] >>> TAG_SHIFT)) {
                        throw new AssertionError("TLB caches vpn 0x" + Long.toHexString(small[i] >>> TAG_SHIFT)
                                + " twice, in slots " + i + " and " + j);
                    }
                }
            }
        }
    }
}
