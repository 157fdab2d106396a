package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MMU against {@link ReferenceMmu}, and the TLB against no TLB.
 *
 * <p>Random page tables (table pointers, 4 MiB pages, some with reserved bits, a recursive
 * entry, random R/W, U/S, A, D, G, AVL flags), random CR0.WP, CR4.PSE/PGE and CPL, and a random
 * sequence of accesses and entry changes. Every entry change is followed by the invalidation the
 * SDM asks for (4.10.4.2): INVLPG of every linear page that uses a changed PTE, a TLB flush after
 * a changed PDE. The MMU with a small TLB, the MMU without TLB and the reference must then agree
 * on every physical address, error code and CR2, and on every byte of the tables (A and D).
 *
 * <p>Physical layout of each of the three 16 MiB memories:
 * <pre>
 *  0x00001000          page directory (CR3)
 *  0x00002000-0x5FFF   four page tables
 *  0x00400000, 0x00C00000  4 MiB page frames (never written by data accesses)
 *  0x00800000-0x0080FFFF   16 data frames: the only place data writes may land
 * </pre>
 * Only the entries at {@link #INDEXES} are ever non-zero, in the directory and in every table.
 */
class MmuPropertyTest {
    static final long MEMORY_BYTES = 16L << 20;
    static final long DIRECTORY = 0x1000;
    static final long[] TABLES = {0x2000, 0x3000, 0x4000, 0x5000};
    static final List<Integer> INDEXES = List.of(0, 1, 2, 511, 768, 1023);
    static final long DATA_START = 0x0080_0000L;
    static final long DATA_END = DATA_START + 16 * 4096;

    static final int P = 1;
    static final int PS = 1 << 7;

    // ---------------------------------------------------------------- operations

    sealed interface Op {
        /** {@code Mmu.translate}. */
        record Translate(int dir, int table, int offset, boolean write) implements Op { }

        /** {@code Mmu.read32}, possibly crossing into the next page. */
        record Read32(int dir, int table, int offset) implements Op { }

        /** {@code Mmu.write32}, possibly crossing; turned into a translate unless it lands in data frames. */
        record Write32(int dir, int table, int offset, int value) implements Op { }

        /** A new PDE, then a TLB flush. */
        record SetPde(int dir, int value) implements Op {
            @Override
            public String toString() {
                return "SetPde[" + dir + " = " + Addresses.hex(Integer.toUnsignedLong(value)) + "]";
            }
        }

        /** A new PTE in table {@code tableSlot}, then INVLPG of every page that uses it. */
        record SetPte(int tableSlot, int index, int value) implements Op {
            @Override
            public String toString() {
                return "SetPte[table " + tableSlot + " entry " + index + " = "
                        + Addresses.hex(Integer.toUnsignedLong(value)) + "]";
            }
        }

        record SetCpl(int cpl) implements Op { }

        record ToggleWp() implements Op { }

        record TogglePse() implements Op { }

        record TogglePge() implements Op { }

        record ReloadCr3() implements Op { }
    }

    /** The starting tables and registers. */
    record Setup(List<Integer> pdes, List<Integer> ptes, boolean wp, boolean pse, boolean pge, int cpl) {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("Setup[wp=" + wp + " pse=" + pse + " pge=" + pge + " cpl=" + cpl);
            for (int i = 0; i < pdes.size(); i++) {
                out.append(" pde").append(INDEXES.get(i)).append('=')
                        .append(Addresses.hex(Integer.toUnsignedLong(pdes.get(i))));
            }
            for (int i = 0; i < ptes.size(); i++) {
                out.append(" t").append(i / INDEXES.size()).append('[').append(INDEXES.get(i % INDEXES.size()))
                        .append("]=").append(Addresses.hex(Integer.toUnsignedLong(ptes.get(i))));
            }
            return out.append(']').toString();
        }
    }

    /** What an access did: a value or physical address, or a fault's error code and CR2. */
    record Outcome(long value, int errorCode, long cr2) {
        static Outcome ok(long value) {
            return new Outcome(value, -1, -1);
        }

        static Outcome fault(int errorCode, long cr2) {
            return new Outcome(-1, errorCode, cr2);
        }
    }

    // ---------------------------------------------------------------- property (a)

    @Test
    void translateAndAccess_randomTablesAndChanges_tlbOnTlbOffAndReferenceAgree() {
        Seeded.cases("Mmu.translateAndAccess", 500).run(c -> {
            Setup setup = setup(c);
            List<Op> ops = operations(c);
            TlbConfig tlbShape = c.pick(SMALL_TLBS);
            c.given(setup + " " + tlbShape);
            agree(c, setup, ops, tlbShape);
        });
    }

    private static void agree(Seeded.Case c, Setup setup, List<Op> ops, TlbConfig tlbShape) {
        PhysicalMemory onMemory = build(setup);
        PhysicalMemory offMemory = build(setup);
        PhysicalMemory refMemory = build(setup);
        Mmu on = new Mmu(onMemory, tlbShape);
        Mmu off = new Mmu(offMemory, TlbConfig.OFF);
        ReferenceMmu ref = new ReferenceMmu(refMemory, 32);
        for (Mmu mmu : new Mmu[] {on, off}) {
            mmu.setCr3(DIRECTORY);
            mmu.setCr4((setup.pse() ? Mmu.CR4_PSE : 0) | (setup.pge() ? Mmu.CR4_PGE : 0));
            mmu.setCr0(Mmu.CR0_PE | Mmu.CR0_PG | (setup.wp() ? Mmu.CR0_WP : 0));
            mmu.setCpl(setup.cpl());
        }
        ref.cr3 = DIRECTORY;
        ref.paging = true;
        ref.pse = setup.pse();
        ref.writeProtect = setup.wp();
        ref.cpl = setup.cpl();

        for (int step = 0; step < ops.size(); step++) {
            Op op = ops.get(step);
            c.step(step, op);
            String at = "step " + step + " " + op;
            switch (op) {
                case Op.Translate t -> {
                    long vaddr = vaddr(t.dir(), t.table(), t.offset(), 1);
                    Outcome expected = refTranslate(ref, vaddr, t.write());
                    assertThat(translate(on, vaddr, t.write())).as(at + " TLB on").isEqualTo(expected);
                    assertThat(translate(off, vaddr, t.write())).as(at + " TLB off").isEqualTo(expected);
                }
                case Op.Read32 r -> {
                    long vaddr = vaddr(r.dir(), r.table(), r.offset(), 4);
                    Outcome expected = refAccess(ref, refMemory, vaddr, false, 0);
                    assertThat(read32(on, vaddr)).as(at + " TLB on").isEqualTo(expected);
                    assertThat(read32(off, vaddr)).as(at + " TLB off").isEqualTo(expected);
                }
                case Op.Write32 w -> {
                    long vaddr = vaddr(w.dir(), w.table(), w.offset(), 4);
                    if (writeStaysInDataFrames(ref, vaddr)) {
                        Outcome expected = refAccess(ref, refMemory, vaddr, true, w.value());
                        assertThat(write32(on, vaddr, w.value())).as(at + " TLB on").isEqualTo(expected);
                        assertThat(write32(off, vaddr, w.value())).as(at + " TLB off").isEqualTo(expected);
                    } else {
                        Outcome expected = refTranslate(ref, vaddr, true);
                        assertThat(translate(on, vaddr, true)).as(at + " TLB on").isEqualTo(expected);
                        assertThat(translate(off, vaddr, true)).as(at + " TLB off").isEqualTo(expected);
                    }
                }
                case Op.SetPde s -> {
                    for (PhysicalMemory memory : List.of(onMemory, offMemory, refMemory)) {
                        memory.write32(DIRECTORY + 4L * s.dir(), s.value());
                    }
                    for (Mmu mmu : new Mmu[] {on, off}) {
                        flushEverything(mmu);
                    }
                }
                case Op.SetPte s -> {
                    long entryPaddr = TABLES[s.tableSlot()] + 4L * s.index();
                    for (PhysicalMemory memory : List.of(onMemory, offMemory, refMemory)) {
                        memory.write32(entryPaddr, s.value());
                    }
                    for (int dir : INDEXES) {
                        int pde = onMemory.read32(DIRECTORY + 4L * dir);
                        boolean pointsToTable = (pde & P) != 0 && !((pde & PS) != 0 && ref.pse)
                                && Integer.toUnsignedLong(pde & 0xFFFF_F000) == TABLES[s.tableSlot()];
                        if (pointsToTable) {
                            on.invlpg(Addresses.linear(dir, s.index(), 0));
                            off.invlpg(Addresses.linear(dir, s.index(), 0));
                        }
                    }
                }
                case Op.SetCpl cpl -> {
                    on.setCpl(cpl.cpl());
                    off.setCpl(cpl.cpl());
                    ref.cpl = cpl.cpl();
                }
                case Op.ToggleWp ignored -> {
                    on.setCr0(on.cr0() ^ Mmu.CR0_WP);
                    off.setCr0(off.cr0() ^ Mmu.CR0_WP);
                    ref.writeProtect = !ref.writeProtect;
                }
                case Op.TogglePse ignored -> {
                    on.setCr4(on.cr4() ^ Mmu.CR4_PSE);
                    off.setCr4(off.cr4() ^ Mmu.CR4_PSE);
                    ref.pse = !ref.pse;
                }
                case Op.TogglePge ignored -> {
                    on.setCr4(on.cr4() ^ Mmu.CR4_PGE);
                    off.setCr4(off.cr4() ^ Mmu.CR4_PGE);
                }
                case Op.ReloadCr3 ignored -> {
                    // With PGE=1 global entries survive; the tables have not changed, so they are not stale.
                    on.setCr3(DIRECTORY);
                    off.setCr3(DIRECTORY);
                }
            }
            assertThat(on.cr2()).as(at + " CR2, TLB on").isEqualTo(ref.cr2);
            assertThat(off.cr2()).as(at + " CR2, TLB off").isEqualTo(ref.cr2);
            assertThat(entries(onMemory)).as(at + " entries, TLB on").isEqualTo(entries(refMemory));
            assertThat(entries(offMemory)).as(at + " entries, TLB off").isEqualTo(entries(refMemory));
        }
        byte[] refData = refMemory.readBytes(DATA_START, (int) (DATA_END - DATA_START));
        assertThat(onMemory.readBytes(DATA_START, refData.length)).isEqualTo(refData);
        assertThat(offMemory.readBytes(DATA_START, refData.length)).isEqualTo(refData);
    }

    private static PhysicalMemory build(Setup setup) {
        PhysicalMemory memory = PhysicalMemory.ofSize(MEMORY_BYTES);
        for (int i = 0; i < INDEXES.size(); i++) {
            memory.write32(DIRECTORY + 4L * INDEXES.get(i), setup.pdes().get(i));
        }
        for (int i = 0; i < setup.ptes().size(); i++) {
            int table = i / INDEXES.size();
            int index = INDEXES.get(i % INDEXES.size());
            memory.write32(TABLES[table] + 4L * index, setup.ptes().get(i));
        }
        for (long paddr = DATA_START; paddr < DATA_END; paddr += 4) {
            memory.write32(paddr, (int) (paddr * 0x9E37_79B9L));
        }
        return memory;
    }

    /** A full flush, as after a changed PDE: a CR3 load, or with PGE=1 a PGE toggle. */
    private static void flushEverything(Mmu mmu) {
        if ((mmu.cr4() & Mmu.CR4_PGE) == 0) {
            mmu.setCr3(DIRECTORY);
        } else {
            mmu.setCr4(mmu.cr4() & ~Mmu.CR4_PGE);
            mmu.setCr4(mmu.cr4() | Mmu.CR4_PGE);
        }
    }

    /** The linear address, moved down if an access of {@code bytes} would run past 4 GiB. */
    private static long vaddr(int dir, int table, int offset, int bytes) {
        long vaddr = Addresses.linear(dir, table, offset);
        return Math.min(vaddr, Addresses.LINEAR_SPACE_BYTES - bytes);
    }

    /** Every entry the walks can read or mark: the ones at INDEXES in the directory and the tables. */
    private static List<Integer> entries(PhysicalMemory memory) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int index : INDEXES) {
            out.add(memory.read32(DIRECTORY + 4L * index));
            for (long table : TABLES) {
                out.add(memory.read32(table + 4L * index));
            }
        }
        return out;
    }

    private static Outcome translate(Mmu mmu, long vaddr, boolean write) {
        long paddr = mmu.translate(vaddr, write);
        if (paddr == Mmu.FAULT) {
            assertThat(mmu.lastFault().linearAddress()).isEqualTo(mmu.cr2());
            return Outcome.fault(mmu.lastFault().errorCode(), mmu.cr2());
        }
        return Outcome.ok(paddr);
    }

    private static Outcome read32(Mmu mmu, long vaddr) {
        try {
            return Outcome.ok(Integer.toUnsignedLong(mmu.read32(vaddr)));
        } catch (PageFaultException e) {
            return Outcome.fault(e.fault().errorCode(), mmu.cr2());
        }
    }

    private static Outcome write32(Mmu mmu, long vaddr, int value) {
        try {
            mmu.write32(vaddr, value);
            return Outcome.ok(0);
        } catch (PageFaultException e) {
            return Outcome.fault(e.fault().errorCode(), mmu.cr2());
        }
    }

    private static Outcome refTranslate(ReferenceMmu ref, long vaddr, boolean write) {
        long paddr = ref.translate(vaddr, write);
        return paddr == ReferenceMmu.FAULT ? Outcome.fault(ref.lastErrorCode, ref.cr2) : Outcome.ok(paddr);
    }

    /** The first byte of each page a 4-byte access at {@code vaddr} touches. */
    private static long[] pagesOf(long vaddr) {
        long next = (vaddr | 0xFFF) + 1;
        return vaddr + 4 > next ? new long[] {vaddr, next} : new long[] {vaddr};
    }

    /**
     * A 4-byte access as the reference sees it: translate every page it touches, in order (the
     * first fault wins, nothing is read or written), then move the bytes.
     */
    private static Outcome refAccess(ReferenceMmu ref, PhysicalMemory memory, long vaddr, boolean write, int value) {
        long[] pages = pagesOf(vaddr);
        long[] paddrs = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            paddrs[i] = ref.translate(pages[i], write);
            if (paddrs[i] == ReferenceMmu.FAULT) {
                return Outcome.fault(ref.lastErrorCode, ref.cr2);
            }
        }
        long result = 0;
        for (int i = 0; i < 4; i++) {
            long byteVaddr = vaddr + i;
            int page = byteVaddr < (vaddr | 0xFFF) + 1 ? 0 : 1;
            long paddr = paddrs[page] + (byteVaddr - pages[page]);
            if (write) {
                memory.write8(paddr, value >>> (8 * i));
            } else {
                result |= (long) memory.read8(paddr) << (8 * i);
            }
        }
        return Outcome.ok(result);
    }

    /** Whether a write at {@code vaddr} either faults before any byte or writes only data frames. */
    private static boolean writeStaysInDataFrames(ReferenceMmu ref, long vaddr) {
        long[] pages = pagesOf(vaddr);
        for (int i = 0; i < pages.length; i++) {
            long paddr = ref.dryRun(pages[i], true);
            if (paddr == ReferenceMmu.FAULT) {
                return true;
            }
            long end = i == 0 ? Math.min(vaddr + 4, (vaddr | 0xFFF) + 1) - vaddr + paddr : paddr + (vaddr + 4 - pages[1]);
            if (paddr < DATA_START || end > DATA_END) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- generators

    private static int notPresent(Seeded.Case c) {
        return c.random().nextInt() & ~P;
    }

    /** A PDE: not present (other bits random), a table pointer, or a 4 MiB page, sometimes with reserved bits. */
    static int pdeValue(Seeded.Case c) {
        return switch (c.weighted(1, 5, 2)) {
            case 0 -> notPresent(c);
            case 1 -> {
                long table = switch (c.weighted(6, 4, 2, 2, 1)) {
                    case 0 -> TABLES[0];
                    case 1 -> TABLES[1];
                    case 2 -> TABLES[2];
                    case 3 -> TABLES[3];
                    default -> DIRECTORY;
                };
                yield (int) table | (c.edgy(0, 0xFFF) & ~PS) | P;
            }
            default -> {
                int base = c.oneOf(0x0040_0000, 0x00C0_0000);
                int flags = c.edgy(0, 0x1FFF);
                int reserved = switch (c.weighted(6, 1, 1)) {
                    case 0 -> 0;
                    case 1 -> 1 << 21;
                    default -> 1 << c.between(13, 20);
                };
                yield base | flags | reserved | PS | P;
            }
        };
    }

    /** A PTE: not present (other bits random), or one of the 16 data frames with random flags. */
    static int pteValue(Seeded.Case c) {
        if (c.weighted(1, 5) == 0) {
            return notPresent(c);
        }
        return (int) DATA_START + (c.edgy(0, 15) << 12) | c.edgy(0, 0xFFF) | P;
    }

    static Setup setup(Seeded.Case c) {
        List<Integer> pdes = new ArrayList<>();
        for (int i = 0; i < INDEXES.size(); i++) {
            pdes.add(pdeValue(c));
        }
        List<Integer> ptes = new ArrayList<>();
        for (int i = 0; i < INDEXES.size() * TABLES.length; i++) {
            ptes.add(pteValue(c));
        }
        return new Setup(pdes, ptes, c.coin(), c.coin(), c.coin(), c.oneOf(0, 3, 3, 1));
    }

    /** One of the entry indexes, a few hot ones more often, so that pages are accessed again after a CPL change, a flush or an eviction. */
    private static int index(Seeded.Case c) {
        return switch (c.weighted(1, 8, 1, 1, 3, 1)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 2;
            case 3 -> 511;
            case 4 -> 768;
            default -> 1023;
        };
    }

    /** An offset in the page, two times in five at or near its end. */
    private static int offset(Seeded.Case c) {
        return c.weighted(3, 2) == 0 ? c.between(0, 0xFFF) : c.oneOf(0, 0xFFC, 0xFFD, 0xFFE, 0xFFF);
    }

    static List<Op> operations(Seeded.Case c) {
        int count = c.length(1, 60);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(switch (c.weighted(6, 3, 3, 1, 2, 2, 1, 1, 1, 1)) {
                case 0 -> new Op.Translate(index(c), index(c), offset(c), c.coin());
                case 1 -> new Op.Read32(index(c), index(c), offset(c));
                case 2 -> new Op.Write32(index(c), index(c), offset(c), c.edgy(Integer.MIN_VALUE, Integer.MAX_VALUE));
                // New entries drawn like the starting ones, so that the tables stay in their frames.
                case 3 -> new Op.SetPde(index(c), pdeValue(c));
                case 4 -> new Op.SetPte(c.between(0, TABLES.length - 1), index(c), pteValue(c));
                case 5 -> new Op.SetCpl(c.oneOf(0, 1, 3));
                case 6 -> new Op.ToggleWp();
                case 7 -> new Op.TogglePse();
                case 8 -> new Op.TogglePge();
                default -> new Op.ReloadCr3();
            });
        }
        return out;
    }

    private static final TlbConfig[] SMALL_TLBS = {new TlbConfig(8, 2, 2), new TlbConfig(4, 1, 1), new TlbConfig(2, 2, 0),
        TlbConfig.DEFAULT};

    // ---------------------------------------------------------------- property (b)

    @Test
    void read32_entryRewrittenWithoutInvlpg_tlbReadsStaleFrameUntilInvlpg() {
        Seeded.cases("Mmu.read32_staleTlb", 200).run(c -> {
            int dir = c.edgy(0, 1023);
            int table = c.edgy(0, 1023);
            int offset = c.edgy(0, 0xFFC);
            int frame1 = c.edgy(0, 15);
            int frameDistance = c.edgy(1, 15);
            int value1 = c.edgy(Integer.MIN_VALUE, Integer.MAX_VALUE);
            boolean largePage = c.coin();
            boolean user = c.coin();
            int otherTable = c.edgy(0, 1023);
            TlbConfig tlbShape = c.pick(STALE_TLBS);
            c.given(String.format("dir %d table %d offset 0x%x frame1 %d distance %d value1 0x%x large %s user %s other %d %s",
                    dir, table, offset, frame1, frameDistance, value1, largePage, user, otherTable, tlbShape));
            staleUntilInvlpg(dir, table, offset, frame1, frameDistance, value1, largePage, user, otherTable, tlbShape);
        });
    }

    private static void staleUntilInvlpg(int dir, int table, int offset, int frame1, int frameDistance, int value1,
                                         boolean largePage, boolean user, int otherTable, TlbConfig tlbShape) {
        int frame2 = (frame1 + frameDistance) % 16;
        int value2 = ~value1;
        long vaddr = Addresses.linear(dir, table, offset);
        int rights = P | 2 | (user ? 4 : 0);
        // 4 KiB: frames in the data region. 4 MiB: pages at 4 MiB + 4 MiB * frame (frame 0..2).
        long page1 = largePage ? (1L + frame1 % 3) << 22 : DATA_START + ((long) frame1 << 12);
        long page2 = largePage ? (1L + (frame1 % 3 + 1 + frameDistance % 2) % 3) << 22 : DATA_START + ((long) frame2 << 12);
        long inPage = largePage ? vaddr & 0x3F_FFFF : offset;
        int entry1 = largePage ? (int) page1 | PS | rights : (int) page1 | rights;
        int entry2 = largePage ? (int) page2 | PS | rights : (int) page2 | rights;
        long entryPaddr = largePage ? DIRECTORY + 4L * dir : TABLES[0] + 4L * table;

        Mmu[] mmus = new Mmu[2];
        for (int i = 0; i < 2; i++) {
            PhysicalMemory memory = PhysicalMemory.ofSize(MEMORY_BYTES);
            if (!largePage) {
                memory.write32(DIRECTORY + 4L * dir, (int) TABLES[0] | rights);
            }
            memory.write32(entryPaddr, entry1);
            memory.write32(page1 + inPage, value1);
            memory.write32(page2 + inPage, value2);
            mmus[i] = new Mmu(memory, i == 0 ? tlbShape : TlbConfig.OFF);
            mmus[i].setCr3(DIRECTORY);
            mmus[i].setCr4(Mmu.CR4_PSE);
            mmus[i].setCr0(Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP);
            mmus[i].setCpl(user ? 3 : 0);
        }
        Mmu on = mmus[0];
        Mmu off = mmus[1];

        assertThat(on.read32(vaddr)).isEqualTo(value1);
        assertThat(off.read32(vaddr)).isEqualTo(value1);

        on.memory().write32(entryPaddr, entry2); // no INVLPG
        off.memory().write32(entryPaddr, entry2);

        assertThat(on.read32(vaddr)).as("stale: still the old frame").isEqualTo(value1);
        assertThat(off.read32(vaddr)).as("no TLB: the new frame").isEqualTo(value2);

        // For a 4 MiB page any address inside it will do.
        long invalidated = largePage ? Addresses.linear(dir, otherTable, 0) : vaddr;
        on.invlpg(invalidated);
        off.invlpg(invalidated);

        assertThat(on.read32(vaddr)).isEqualTo(value2);
        assertThat(off.read32(vaddr)).isEqualTo(value2);
    }

    private static final TlbConfig[] STALE_TLBS = {TlbConfig.DEFAULT, new TlbConfig(8, 2, 2), new TlbConfig(1, 1, 1)};
}
