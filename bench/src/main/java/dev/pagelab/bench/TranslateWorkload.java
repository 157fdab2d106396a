package dev.pagelab.bench;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.TlbConfig;
import java.util.SplittableRandom;

/**
 * A machine with many mapped pages and a precomputed stream of accesses, for measuring
 * {@link Mmu#translate(long, boolean)} and nothing else. Shared by the JMH benchmark and by
 * {@code pagelab bench translate}; it uses no JMH.
 *
 * <h2>The machine</h2>
 * <pre>
 *  physical (64 MiB of RAM, no holes)             virtual (CPL 3, CR0 = PE|WP|PG, CR4 = PSE)
 *  0x00000000 +-----------------------+
 *  0x00001000 | page directory (CR3)  |           PDE 256..263 -> the eight page tables
 *  0x00002000 | 8 page tables         |           0x40000000-0x41FFFFFF: 8192 pages, 32 MiB,
 *  0x0000A000 +-----------------------+           each P|R/W|U/S
 *  0x02000000 | 8192 mapped frames    |   <----   page i -> frame 0x2000 + scatter(i)
 *  0x04000000 +-----------------------+
 * </pre>
 * The entries are written with {@link Pte#make} and {@link Pde#table} into simulated memory,
 * so the MMU walks real bytes. Pages go to frames in a scattered order (an odd multiplier
 * modulo 8192, a bijection) so that a wrong table index would show up as a wrong address.
 * The frames themselves are never touched: translation reads only the directory and tables.
 *
 * <h2>The access stream</h2>
 * {@value #ACCESSES} accesses (a power of two, 512 KiB of addresses, small enough to stay
 * in the host's L2 cache) are drawn from a fixed seed <em>before</em> anything is timed, so
 * the timed loop does only what is measured: load an address, translate it, add the result
 * to a checksum that the caller consumes (which keeps the JIT from dropping the work). The
 * stream is replayed cyclically. About {@value #WRITE_PERCENT}% of accesses are writes, at
 * random positions; offsets inside a page are random and 4-byte aligned.
 * <ul>
 *   <li>{@link Pattern#TLB_HIT}: {@value #HOT_PAGES} consecutive pages, chosen at random,
 *       under {@link TlbConfig#DEFAULT} (64 entries, 16 sets of 4 ways). Consecutive pages
 *       fall into distinct sets, two pages a set, so once they are cached every access is a
 *       hit.</li>
 *   <li>{@link Pattern#WALK}: all {@value #MAPPED_PAGES} pages, each appearing
 *       {@code ACCESSES / MAPPED_PAGES} times (the stream is that many shuffled permutations
 *       of the pages), under {@link TlbConfig#OFF}: every access is a full two-level walk,
 *       PDE then PTE.</li>
 * </ul>
 *
 * <h2>Steady state</h2>
 * The constructor replays the whole stream once and checks every physical address against
 * the mapping (so no access faults, and each translates to the right frame), then resets the
 * MMU's counters. That pass sets every A bit the stream needs, and the D bit of every page
 * the stream writes, and fills the TLB of the {@code tlb-hit} pattern. Measured passes
 * therefore write nothing into the tables (a walk finds A and D already set and does not
 * write the entry back) and the {@code tlb-hit} pattern never misses: what is measured is
 * the pure lookup or the pure walk. Setting A and D is a one-off cost of the first touch of
 * a page and is not part of either number.
 *
 * <p>Not thread-safe: one workload per thread.
 */
public final class TranslateWorkload {
    /** Bytes of simulated RAM. */
    public static final long MEMORY_BYTES = 64L << 20;
    /** Physical address of the page directory, loaded into CR3. */
    public static final long DIRECTORY_PADDR = 0x1000;
    /** Physical address of the first of the page tables, which follow each other. */
    public static final long FIRST_TABLE_PADDR = 0x2000;
    /** The first mapped linear address (page-directory entry 256). */
    public static final long BASE_VADDR = 0x4000_0000L;
    /** 4 KiB pages mapped from {@link #BASE_VADDR} on: 32 MiB. */
    public static final int MAPPED_PAGES = 8192;
    /** Page tables needed for {@link #MAPPED_PAGES}. */
    public static final int TABLES = MAPPED_PAGES / Addresses.ENTRIES_PER_TABLE;
    /** Physical address of the first frame that mapped pages use. */
    public static final long FIRST_FRAME_PADDR = 32L << 20;
    /** Pages the {@code tlb-hit} pattern touches: half of the default TLB's 64 entries. */
    public static final int HOT_PAGES = 32;
    /** Accesses in the precomputed stream. */
    public static final int ACCESSES = 1 << 16;
    /** Share of writes in the stream, in percent. */
    public static final int WRITE_PERCENT = 25;
    /** Seed of the stream, fixed so that every run measures the same accesses. */
    public static final long SEED = 0x5EED_1386L;

    private static final int PAGE_FLAGS = Pte.PRESENT | Pte.WRITABLE | Pte.USER;
    private static final long SCATTER = 0x9E37;

    /** What the accesses exercise. */
    public enum Pattern {
        /** A few pages that stay in the default TLB: every access is a TLB hit. */
        TLB_HIT("tlb-hit", TlbConfig.DEFAULT),
        /** Every page, no TLB: every access is a full two-level walk. */
        WALK("walk", TlbConfig.OFF);

        private final String id;
        private final TlbConfig tlb;

        Pattern(String id, TlbConfig tlb) {
            this.id = id;
            this.tlb = tlb;
        }

        /** The name on the command line and in reports: {@code tlb-hit} or {@code walk}. */
        public String id() {
            return id;
        }

        /** The TLB the pattern runs under. */
        public TlbConfig tlb() {
            return tlb;
        }

        /**
         * The pattern called {@code id}.
         *
         * @throws IllegalArgumentException naming the id and the known ones
         */
        public static Pattern byId(String id) {
            for (Pattern p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown translate pattern '" + id + "' (expected tlb-hit or walk)");
        }
    }

    private final Pattern pattern;
    private final Mmu mmu;
    private final long[] vaddrs;
    private final boolean[] writes;
    private final int mask;
    private int cursor;

    /**
     * Builds the machine and the stream for {@code pattern}, replays the stream once and
     * checks every translation.
     *
     * @throws AssertionError if an access faults or lands on the wrong frame
     */
    public TranslateWorkload(Pattern pattern) {
        this.pattern = pattern;
        this.mmu = buildMachine(pattern.tlb());
        this.vaddrs = new long[ACCESSES];
        this.writes = new boolean[ACCESSES];
        this.mask = ACCESSES - 1;
        fillStream(new SplittableRandom(SEED));
        prime();
    }

    /** The pattern this workload exercises. */
    public Pattern pattern() {
        return pattern;
    }

    /** The MMU, for its counters. */
    public Mmu mmu() {
        return mmu;
    }

    /** Distinct pages the stream touches. */
    public int pagesTouched() {
        return pattern == Pattern.TLB_HIT ? HOT_PAGES : MAPPED_PAGES;
    }

    /** One line for reports: what the pattern touches and under which TLB. */
    public String describe() {
        TlbConfig tlb = pattern.tlb();
        String pages = pattern == Pattern.TLB_HIT
                ? String.format("%d of the %d mapped pages (%d KiB)", HOT_PAGES, MAPPED_PAGES, HOT_PAGES * 4)
                : String.format("all %d mapped pages (%d MiB)", MAPPED_PAGES, MAPPED_PAGES / 256);
        String where = tlb.enabled()
                ? String.format("TLB of %d entries, %d-way: every access hits", tlb.entries(), tlb.ways())
                : "TLB off: every access walks PDE and PTE";
        return String.format("%s, %s; %d%% writes, CPL 3", pages, where, WRITE_PERCENT);
    }

    /**
     * The timed work: {@code translations} accesses from the stream, continuing where the
     * last call stopped.
     *
     * @return the sum of the physical addresses, for the caller to consume
     */
    public long run(int translations) {
        final Mmu mmu = this.mmu;
        final long[] vaddrs = this.vaddrs;
        final boolean[] writes = this.writes;
        final int mask = this.mask;
        int i = cursor;
        long checksum = 0;
        for (int n = 0; n < translations; n++) {
            checksum += mmu.translate(vaddrs[i], writes[i]);
            i = (i + 1) & mask;
        }
        cursor = i;
        return checksum;
    }

    /**
     * Checks that the accesses since the counters were last reset did what the pattern
     * promises: none faulted, no A or D bit had to be set, and either (walk) every access
     * walked or (tlb-hit) at least 99% of them hit the TLB.
     *
     * @throws AssertionError with the counters when one of these does not hold
     */
    public void checkSteadyState() {
        MmuStats.Snapshot s = mmu.stats().snapshot();
        boolean patternHolds = pattern == Pattern.WALK
                ? s.walks() == s.accesses() && s.tlbHits() == 0
                : s.tlbHits() >= s.accesses() * 0.99;
        if (s.faults() != 0 || s.accessedBitsSet() != 0 || s.dirtyBitsSet() != 0 || !patternHolds) {
            throw new AssertionError(pattern.id() + ": not the steady state the pattern promises: " + s
                    + (s.faults() != 0 ? "; last fault: " + mmu.lastFault() : ""));
        }
    }

    /** The linear address of access {@code index} of the stream. */
    long vaddr(int index) {
        return vaddrs[index];
    }

    /** Whether access {@code index} of the stream is a write. */
    boolean isWrite(int index) {
        return writes[index];
    }

    /** The physical address access {@code index} must translate to, from the mapping rule. */
    long expectedPaddr(int index) {
        long vaddr = vaddrs[index];
        int page = (int) ((vaddr - BASE_VADDR) >>> Addresses.PAGE_SHIFT);
        return framePaddr(page) | Addresses.pageOffset(vaddr);
    }

    /** The frame behind mapped page {@code page} (0 to {@link #MAPPED_PAGES} - 1). */
    static long framePaddr(int page) {
        long scattered = (page * SCATTER + 0x51) & (MAPPED_PAGES - 1);
        return FIRST_FRAME_PADDR + (scattered << Addresses.PAGE_SHIFT);
    }

    private static Mmu buildMachine(TlbConfig tlb) {
        PhysicalMemory memory = PhysicalMemory.ofSize(MEMORY_BYTES);
        int firstDirectoryIndex = Addresses.directoryIndex(BASE_VADDR);
        for (int t = 0; t < TABLES; t++) {
            long tablePaddr = FIRST_TABLE_PADDR + ((long) t << Addresses.PAGE_SHIFT);
            for (int e = 0; e < Addresses.ENTRIES_PER_TABLE; e++) {
                long framePaddr = framePaddr(t * Addresses.ENTRIES_PER_TABLE + e);
                memory.write32(tablePaddr + 4L * e, Pte.make(framePaddr >>> Addresses.PAGE_SHIFT, PAGE_FLAGS));
            }
            memory.write32(DIRECTORY_PADDR + 4L * (firstDirectoryIndex + t),
                    Pde.table(tablePaddr >>> Addresses.PAGE_SHIFT, PAGE_FLAGS));
        }
        Mmu mmu = new Mmu(memory, tlb);
        mmu.setCr3(DIRECTORY_PADDR);
        mmu.setCr4(Mmu.CR4_PSE);
        mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_WP | Mmu.CR0_PG);
        mmu.setCpl(3);
        return mmu;
    }

    private void fillStream(SplittableRandom random) {
        if (pattern == Pattern.TLB_HIT) {
            int firstHot = random.nextInt(MAPPED_PAGES - HOT_PAGES + 1);
            for (int i = 0; i < ACCESSES; i++) {
                setAccess(i, firstHot + random.nextInt(HOT_PAGES), random);
            }
        } else {
            int[] pages = new int[MAPPED_PAGES];
            for (int p = 0; p < MAPPED_PAGES; p++) {
                pages[p] = p;
            }
            for (int i = 0; i < ACCESSES; i += MAPPED_PAGES) {
                shuffle(pages, random);
                for (int p = 0; p < MAPPED_PAGES; p++) {
                    setAccess(i + p, pages[p], random);
                }
            }
        }
    }

    private void setAccess(int index, int page, SplittableRandom random) {
        int offset = random.nextInt(Addresses.PAGE_BYTES / 4) * 4;
        vaddrs[index] = BASE_VADDR + ((long) page << Addresses.PAGE_SHIFT) + offset;
        writes[index] = random.nextInt(100) < WRITE_PERCENT;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** One checked pass over the stream: A/D bits set, TLB warm, every address verified. */
    private void prime() {
        for (int i = 0; i < ACCESSES; i++) {
            long paddr = mmu.translate(vaddrs[i], writes[i]);
            if (paddr != expectedPaddr(i)) {
                throw new AssertionError(String.format("%s: access %d, %s of %s, gave %s, expected %s (fault: %s)",
                        pattern.id(), i, writes[i] ? "write" : "read", Addresses.hex(vaddrs[i]),
                        paddr == Mmu.FAULT ? "FAULT" : Addresses.hex(paddr), Addresses.hex(expectedPaddr(i)),
                        mmu.lastFault()));
            }
        }
        mmu.resetStats();
    }
}
