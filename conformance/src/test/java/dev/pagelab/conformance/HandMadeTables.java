package dev.pagelab.conformance;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.MemoryDump;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Page tables written entry by entry, for what pagelab's kernel never writes: directory entries
 * that restrict rights (R/W=0, U/S=0 at the directory level), PS with CR4.PSE off, a reserved
 * bit, not-present entries full of other bits, a 4 MiB page right after a 4 KiB page, CR3 with
 * PWT and PCD. One directory slot a situation:
 * <pre>
 *  PDE  vaddr        what
 *   0   0x00000000   the stub's pages, P R/W U/S (a table at {@value #TABLES} + 0x1000)
 *   1   0x00400000   table under a supervisor read-only PDE; PTEs R/W U/S, and U/S
 *   2   0x00800000   table under a user read-only PDE; PTEs R/W U/S, and R/W supervisor
 *   3   0x00C00000   PDE with PWT PCD A and available bits; PTEs with PAT G PCD PWT D, A D,
 *                    a not-present PTE of all other bits, PTE 1023 just before PDE 4's page
 *   4   0x01000000   4 MiB page, R/W U/S G, PAT (bit 12)
 *   5   0x01400000   4 MiB page, user read-only, D already set
 *   6   0x01800000   4 MiB page with reserved bit 21 set
 *   7   0x01C00000   not present, but PS and bit 21 set
 *   8   0x02000000   4 MiB page, supervisor R/W
 *   9   0x02400000   a table of not-present entries
 *  10   0x02800000   4 MiB page at 4 GiB + 8 MiB: PSE-36 bits 20:13 = 0x01 (address bit 32)
 *  11   0x02C00000   the same with address bit 36 (entry bit 17)
 *  12   0x03000000   the same with address bit 39 (entry bit 20)
 * </pre>
 * Slots 10-12 are where QEMU departs from the SDM (see {@link #beyondWidth}).
 * Every access is a read and a write, at CPL 0 and 3, of 4 bytes, at a few offsets of each
 * slot, plus 2- and 4-byte accesses across the boundary of slots 3 and 4.
 */
final class HandMadeTables {
    static final long DIRECTORY = 0x30_0000L;
    static final long TABLES = 0x30_0000L;
    private static final long DATA = 0x40_0000L;
    private static final int DATA_FRAMES = 8;
    private static final long LARGE_A = 0x80_0000L;
    private static final long LARGE_B = 0xC0_0000L;
    private static final int URW = Pte.PRESENT | Pte.WRITABLE | Pte.USER;
    /** 4 MiB pages above 4 GiB, through PSE-36: physical-address bit 32, bit 36, bit 39 set. */
    private static final long PSE36_BIT_32 = (1L << 32) | LARGE_A;
    private static final long PSE36_BIT_36 = (1L << 36) | LARGE_A;
    private static final long PSE36_BIT_39 = (1L << 39) | LARGE_A;

    private HandMadeTables() {
    }

    /** The directory entries of the table above, and the PTEs of slots that have a table. */
    private static Map<Integer, Integer> directory() {
        Map<Integer, Integer> pdes = new LinkedHashMap<>();
        pdes.put(0, table(0, URW));
        pdes.put(1, table(1, Pde.PRESENT));
        pdes.put(2, table(2, Pde.PRESENT | Pde.USER));
        pdes.put(3, table(3, URW | Pde.WRITE_THROUGH | Pde.CACHE_DISABLE | Pde.ACCESSED | Pde.AVAILABLE_MASK));
        pdes.put(4, Pde.large(LARGE_A, URW | Pde.GLOBAL | Pde.LARGE_PAT));
        pdes.put(5, Pde.large(LARGE_B, Pde.PRESENT | Pde.USER | Pde.DIRTY));
        pdes.put(6, Pde.large(LARGE_A, URW) | Pde.LARGE_RESERVED_BIT);
        pdes.put(7, Pde.large(LARGE_B, URW & ~Pde.PRESENT) | Pde.LARGE_RESERVED_BIT);
        pdes.put(8, Pde.large(LARGE_B, Pde.PRESENT | Pde.WRITABLE));
        pdes.put(9, table(9, URW));
        pdes.put(10, Pde.large(PSE36_BIT_32, URW));
        pdes.put(11, Pde.large(PSE36_BIT_36, URW));
        pdes.put(12, Pde.large(PSE36_BIT_39, URW));
        return pdes;
    }

    /**
     * Whether the access at {@code vaddr} in a phase with CR4 {@code cr4} goes through a 4 MiB
     * entry that uses physical-address bits (bits 20:13 of the entry, PSE-36) beyond
     * {@code addressBits}: the SDM makes them reserved, QEMU 7.2 uses them.
     */
    static boolean beyondWidth(long vaddr, long cr4, int addressBits) {
        Integer pde = directory().get(Addresses.directoryIndex(vaddr));
        return (cr4 & Mmu.CR4_PSE) != 0 && pde != null && Pde.isPresent(pde) && Pde.isLarge(pde)
                && (pde & Pde.largeReservedMask(addressBits) & ~Pde.LARGE_RESERVED_BIT) != 0;
    }

    private static Map<Long, Integer> tableEntries(KernelImage stub) {
        Map<Long, Integer> ptes = new LinkedHashMap<>();
        for (long p = stub.physicalStart(); p < stub.physicalEnd(); p += Addresses.PAGE_BYTES) {
            ptes.put(pte(0, (int) (p >>> Addresses.PAGE_SHIFT)), Pte.make(Addresses.paddrToPfn(p), URW));
        }
        ptes.put(pte(1, 0), Pte.make(data(0), URW));
        ptes.put(pte(1, 1), Pte.make(data(1), Pte.PRESENT | Pte.USER));
        ptes.put(pte(2, 0), Pte.make(data(2), URW));
        ptes.put(pte(2, 1), Pte.make(data(3), Pte.PRESENT | Pte.WRITABLE));
        ptes.put(pte(3, 0), Pte.make(data(4), URW | Pte.PAT | Pte.GLOBAL | Pte.CACHE_DISABLE | Pte.WRITE_THROUGH
                | Pte.DIRTY));
        ptes.put(pte(3, 1), Pte.make(data(5), URW | Pte.ACCESSED | Pte.DIRTY));
        ptes.put(pte(3, 2), ~Pte.PRESENT);
        ptes.put(pte(3, 1023), Pte.make(data(6), URW));
        ptes.put(pte(9, 5), Pte.make(data(7), URW) & ~Pte.PRESENT);
        return ptes;
    }

    /** The phases: registers and the CR3 bits to add. */
    private record Registers(String name, long cr0, long cr4, long cr3Flags) {
    }

    private static final List<Registers> PHASES = List.of(
            new Registers("PSE, WP", Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP, Mmu.CR4_PSE, 0),
            new Registers("PSE, PGE, no WP", Mmu.CR0_PE | Mmu.CR0_PG, Mmu.CR4_PSE | Mmu.CR4_PGE, 0),
            new Registers("no PSE (PS bits ignored), WP", Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP, 0, 0),
            new Registers("PSE, WP, CR3 with PWT and PCD", Mmu.CR0_PE | Mmu.CR0_PG | Mmu.CR0_WP, Mmu.CR4_PSE, 0x18));

    /**
     * One case a phase, each on its own copy of the tables, for a CPU whose 32-bit paging uses
     * physical-address width {@code addressBits} (which only decides which accesses may write).
     */
    static List<PagingCase> cases(KernelImage stub, int addressBits) {
        List<PagingCase> cases = new ArrayList<>();
        for (Registers r : PHASES) {
            PhysicalMemory memory = MachineProfiles.byName(RandomSequence.MACHINE).physicalMemory();
            directory().forEach((pdi, pde) -> memory.write32(DIRECTORY + 4L * pdi, pde));
            tableEntries(stub).forEach((paddr, pte) -> memory.write32(paddr, pte));
            List<ParameterBlock.TagRange> tags = List.of(new ParameterBlock.TagRange(DATA, DATA_FRAMES),
                    new ParameterBlock.TagRange(LARGE_A, Addresses.ENTRIES_PER_TABLE),
                    new ParameterBlock.TagRange(LARGE_B, Addresses.ENTRIES_PER_TABLE));
            Mmu cpu = PagingCase.cpu(memory, r.cr0(), DIRECTORY | r.cr3Flags(), r.cr4(), addressBits);
            MemoryDump dump = MemoryDump.of(cpu);
            List<ParameterBlock.Access> accesses = accesses(cpu, tags);
            cases.add(new PagingCase("hand-made tables, " + r.name() + ", " + accesses.size() + " accesses",
                    stub.physicalStart(), Addresses.alignUp(stub.physicalEnd()), memory, dump, tags, accesses));
        }
        return cases;
    }

    private static List<ParameterBlock.Access> accesses(Mmu cpu, List<ParameterBlock.TagRange> tags) {
        List<Long> vaddrs = new ArrayList<>();
        for (int pdi = 1; pdi <= 12; pdi++) {
            for (long offset : new long[] {0x10, 0x1008, 0x2FFC, 0x5010, 0x3F_F000}) {
                vaddrs.add(((long) pdi << Addresses.LARGE_PAGE_SHIFT) + offset);
            }
        }
        List<ParameterBlock.Access> accesses = new ArrayList<>();
        int value = 0x5EED_0000;
        for (long vaddr : vaddrs) {
            for (boolean user : new boolean[] {false, true}) {
                accesses.add(new ParameterBlock.Access(vaddr, 4, false, user, 0));
                ParameterBlock.Access write = new ParameterBlock.Access(vaddr, 4, true, user, value++);
                if (PagingCase.landsInTags(cpu, write, tags, true)) {
                    accesses.add(write);
                }
            }
        }
        long boundary = 4L << Addresses.LARGE_PAGE_SHIFT;
        for (int bytes : new int[] {2, 4}) {
            for (boolean user : new boolean[] {false, true}) {
                accesses.add(new ParameterBlock.Access(boundary - bytes / 2, bytes, false, user, 0));
                ParameterBlock.Access write = new ParameterBlock.Access(boundary - bytes / 2, bytes, true, user, value++);
                if (PagingCase.landsInTags(cpu, write, tags, true)) {
                    accesses.add(write);
                }
            }
        }
        return accesses;
    }

    private static int table(int pdi, int flags) {
        return Pde.table(Addresses.paddrToPfn(TABLES + ((long) (pdi + 1) << Addresses.PAGE_SHIFT)), flags);
    }

    private static long pte(int pdi, int pti) {
        return TABLES + ((long) (pdi + 1) << Addresses.PAGE_SHIFT) + 4L * pti;
    }

    private static long data(int i) {
        return Addresses.paddrToPfn(DATA) + i;
    }
}
