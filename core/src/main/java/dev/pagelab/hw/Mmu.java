package dev.pagelab.hw;

import java.util.function.Supplier;

/**
 * The memory-management unit of one i386 processor using 32-bit paging (Intel SDM vol. 3A,
 * chapter 4): control registers, the two-level walk, protection, A/D updates, page faults,
 * and a {@link Tlb}.
 *
 * <h2>Registers</h2>
 * CR0 (PE bit 0, WP bit 16, PG bit 31), CR2 (the last faulting address), CR3 (page-directory
 * base in bits 31:12), CR4 (PSE bit 4, PGE bit 7; PAE is not modelled and is refused), and the
 * current privilege level: CPL 3 is user mode, CPL 0-2 supervisor mode.
 *
 * <h2>The walk</h2>
 * <ol>
 *   <li>PG=0: the linear address is the physical address.</li>
 *   <li>Read the PDE at {@code (CR3 & ~0xFFF) | (vaddr[31:22] << 2)}. P=0: fault, P=0 in the
 *       error code.</li>
 *   <li>PS=1 and CR4.PSE=1: a 4 MiB page. A reserved bit set (bit 21, or bits 20:13 above the
 *       physical address width): fault with P=1 and RSVD=1. Else check rights on the PDE, set
 *       A (and D on a write) in it, and the address is {@code PDE[31:22] | vaddr[21:0]} (plus
 *       bits 39:32 from PDE[20:13] when the width allows).</li>
 *   <li>Otherwise set A in the PDE, read the PTE at {@code (PDE & ~0xFFF) | (vaddr[21:12] << 2)};
 *       P=0: fault. Check rights on PDE AND PTE, set A (and D on a write) in the PTE; the
 *       address is {@code PTE[31:12] | vaddr[11:0]}.</li>
 * </ol>
 * Rights over both levels: a CPL 3 access needs U/S=1 in both; a CPL 3 write needs R/W=1 in
 * both; a supervisor write needs R/W=1 in both only when CR0.WP=1. A faulting access never
 * sets D and never sets A in the leaf.
 *
 * <p><b>Choices the SDM leaves open, settled as QEMU's x86 model does:</b> the PDE's A flag is
 * set as soon as the walk moves on to the page table, so a fault at the table level (P=0 in
 * the PTE, or a protection violation) still leaves A=1 in the directory entry; a TLB entry
 * whose cached rights do not allow an access, or that was cached clean and is now written, is
 * not trusted: the MMU walks again. This is how D gets set, and it means a stale entry never
 * refuses an access that the tables now allow (it may still allow one they now forbid: SDM
 * 4.10.4.2 leaves that to software's INVLPG). Following the SDM (4.10.4.1), a page fault drops any TLB entry
 * for the faulting page. CR0 writes that change PG, WP or PE and CR4 writes that change PSE
 * or PGE flush the whole TLB, global entries included.
 *
 * <p><b>Checked against QEMU.</b> The conformance suite ({@code conformance/}) runs the same
 * tables and accesses on QEMU 7.2's x86 model and requires the same outcomes, error codes, CR2
 * and A/D bits. Where QEMU departs from the SDM this class follows the SDM: a reserved-bit fault
 * has P=1 in its error code (QEMU gives P=0), and bits 20:13 of a 4 MiB entry above the
 * physical-address width are reserved (QEMU uses them as address bits 39:32 on any CPU).
 *
 * <p><b>Missing memory.</b> A paging entry or a data access at a physical address beyond the
 * end of this machine's memory reads as all ones and drops writes, like a read from an empty
 * bus; it is not an error of the simulator. An all-ones PDE is present with PS and the reserved
 * bit 21 set, so under CR4.PSE it faults with RSVD=1.
 *
 * <h2>Failure</h2>
 * {@link #translate} returns {@link #FAULT} and records the fault ({@link #lastFault()},
 * {@link #cr2()}); the read and write methods throw {@link PageFaultException}: a fault through
 * the MMU alone is final. The {@link Cpu} that owns this MMU delivers faults to a
 * {@link FaultHandler} and restarts the access instead. An address outside 32 bits is an
 * {@link IllegalArgumentException}. Not thread-safe.
 *
 * <p>Where the rest lives: the data accesses (sizes, page crossings, the empty bus) in
 * {@code PagedAccess}, shared with the CPU; the counters in {@code MmuCounters} behind the
 * {@link MmuStats} view; the flag-by-flag explanation of a walk in {@link WalkExplanation}.
 */
public final class Mmu {
    /** Returned by {@link #translate} when the access faults. */
    public static final long FAULT = -1;

    /** CR0.PE, bit 0: protected mode; paging requires it. */
    public static final long CR0_PE = 1L;
    /** CR0.WP, bit 16: supervisor writes honour R/W=0. */
    public static final long CR0_WP = 1L << 16;
    /** CR0.PG, bit 31: paging on. */
    public static final long CR0_PG = 1L << 31;
    /** CR4.PSE, bit 4: PS=1 in a PDE maps a 4 MiB page. */
    public static final long CR4_PSE = 1L << 4;
    /** CR4.PAE, bit 5: PAE paging, which pagelab does not model. */
    public static final long CR4_PAE = 1L << 5;
    /** CR4.PGE, bit 7: G=1 translations survive CR3 loads. */
    public static final long CR4_PGE = 1L << 7;

    private static final long FAULT_FLAG = Long.MIN_VALUE;
    private static final PageFault.Cause[] CAUSES = PageFault.Cause.values();

    private final PhysicalMemory memory;
    private final long memorySizeBytes;
    private final Tlb tlb;
    private final boolean tlbOn;
    private final int physicalAddressBits;
    private final int largeReservedMask;

    private long cr0;
    private long cr2;
    private long cr3;
    /** Nesting depth of {@link #observe}, and the pages INVLPG'd meanwhile, to look at again after the restore. */
    private int observers;
    private long[] invalidatedPages = new long[16];
    private int invalidatedWhileObserved;
    /**
     * While observed: each entry whose A or D flag a walk set, as two longs (its physical address;
     * the entry before, high half, and after, low half), to be put back when the observer ends.
     */
    private long[] flagsSet = new long[32];
    private int flagsSetWhileObserved;
    private long cr4;
    private int cpl;
    private boolean paging;
    private boolean writeProtect;
    private boolean pse;
    private boolean pge;

    private long lastFaultVaddr;
    private int lastFaultErrorCode;
    private PageFault.Cause lastFaultCause;
    private long lastFaultEntry;
    /** Entry address of the fault the last walk hit; set only on faults. */
    private long walkFaultEntry;

    private final MmuCounters counters = new MmuCounters();
    private final PagedAccess access;

    /**
     * An MMU over {@code memory} with the default TLB and a 32-bit physical address width: a CPU
     * without PSE-36, like QEMU's {@code qemu32}.
     */
    public Mmu(PhysicalMemory memory) {
        this(memory, TlbConfig.DEFAULT);
    }

    /** An MMU over {@code memory} with a TLB of the given shape and a 32-bit physical address width. */
    public Mmu(PhysicalMemory memory, TlbConfig tlbConfig) {
        this(memory, tlbConfig, 32);
    }

    /**
     * An MMU over {@code memory}.
     *
     * @param physicalAddressBits the processor's physical address width M, 32 to 40: 4 MiB
     *                            entries may use bits 20:13 for address bits M-1:32 (PSE-36)
     *                            and the rest of them are reserved
     */
    public Mmu(PhysicalMemory memory, TlbConfig tlbConfig, int physicalAddressBits) {
        this.memory = memory;
        this.memorySizeBytes = memory.sizeBytes();
        this.tlb = new Tlb(tlbConfig);
        this.tlbOn = tlbConfig.enabled();
        this.physicalAddressBits = physicalAddressBits;
        this.largeReservedMask = Pde.largeReservedMask(physicalAddressBits);
        this.access = new PagedAccess(this, restarts -> {
            throw new PageFaultException(lastFault());
        });
    }

    // ---------------------------------------------------------------- registers

    /** CR0. */
    public long cr0() {
        return cr0;
    }

    /**
     * MOV to CR0. Setting PG without PE is refused as the processor refuses it (#GP). A change
     * of PG, WP or PE flushes the TLB.
     */
    public void setCr0(long value) {
        check32("setCr0", value);
        if ((value & CR0_PG) != 0 && (value & CR0_PE) == 0) {
            throw new IllegalStateException("setCr0: " + Addresses.hex(value)
                    + " sets PG without PE; the processor raises #GP(0)");
        }
        if (((value ^ cr0) & (CR0_PG | CR0_WP | CR0_PE)) != 0) {
            flushAll();
        }
        cr0 = value;
        paging = (value & CR0_PG) != 0;
        writeProtect = (value & CR0_WP) != 0;
    }

    /** CR2: the linear address of the last page fault. */
    public long cr2() {
        return cr2;
    }

    /** MOV to CR2 (a handler may clear it). */
    public void setCr2(long value) {
        check32("setCr2", value);
        cr2 = value;
    }

    /** CR3: the page directory's physical address in bits 31:12, PWT/PCD in bits 3 and 4. */
    public long cr3() {
        return cr3;
    }

    /** MOV to CR3: a new page directory; every non-global TLB entry is dropped, even if the value is the same. */
    public void setCr3(long value) {
        check32("setCr3", value);
        cr3 = value;
        tlb.flushNonGlobal();
        counters.tlbFlushes++;
    }

    /** CR4. */
    public long cr4() {
        return cr4;
    }

    /** MOV to CR4. A change of PSE or PGE flushes the TLB, global entries included. PAE is refused. */
    public void setCr4(long value) {
        check32("setCr4", value);
        if ((value & CR4_PAE) != 0) {
            throw new UnsupportedOperationException("setCr4: " + Addresses.hex(value)
                    + " sets PAE; pagelab models 32-bit paging only");
        }
        if (((value ^ cr4) & (CR4_PSE | CR4_PGE)) != 0) {
            flushAll();
        }
        cr4 = value;
        pse = (value & CR4_PSE) != 0;
        pge = (value & CR4_PGE) != 0;
    }

    /** The current privilege level, 0 to 3. */
    public int cpl() {
        return cpl;
    }

    /** Changes the privilege level: 3 is user mode, 0-2 are supervisor mode. */
    public void setCpl(int cpl) {
        if (cpl < 0 || cpl > 3) {
            throw new IllegalArgumentException("setCpl: privilege level " + cpl + " is not 0..3");
        }
        this.cpl = cpl;
    }

    /** Whether CR0.PG is set. */
    public boolean pagingEnabled() {
        return paging;
    }

    /** INVLPG: drops the TLB entry of the page holding {@code vaddr}, 4 KiB or 4 MiB. */
    public void invlpg(long vaddr) {
        Addresses.checkLinear("invlpg", vaddr);
        counters.invlpgs++;
        tlb.invalidatePage(vaddr);
        if (observers > 0) {
            if (invalidatedWhileObserved == invalidatedPages.length) {
                invalidatedPages = java.util.Arrays.copyOf(invalidatedPages, 2 * invalidatedPages.length);
            }
            invalidatedPages[invalidatedWhileObserved++] = vaddr;
        }
    }

    /** The physical memory this MMU translates into. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** The TLB, for looking at what it caches. */
    public Tlb tlb() {
        return tlb;
    }

    /** The physical address width M given at construction. */
    public int physicalAddressBits() {
        return physicalAddressBits;
    }

    // ---------------------------------------------------------------- translation

    /**
     * Translates {@code vaddr} for a read or a write at the current privilege level, exactly as
     * an access would: the TLB is used and filled, A and D flags are written into the tables.
     *
     * @return the physical address, or {@link #FAULT} with the fault in {@link #lastFault()}
     *         and CR2
     */
    public long translate(long vaddr, boolean write) {
        if ((vaddr >>> 32) != 0) {
            Addresses.checkLinear(write ? "translate (write)" : "translate (read)", vaddr);
        }
        counters.accesses++;
        if (!paging) {
            return vaddr;
        }
        boolean user = cpl == 3;
        if (tlbOn) {
            long e = tlb.lookup(vaddr);
            if (e != Tlb.MISS) {
                if (cachedAllows(e, write, user)) {
                    counters.tlbHits++;
                    return paddrOf(e, vaddr);
                }
                counters.tlbRewalks++;
            } else {
                counters.tlbMisses++;
            }
        }
        return walkAndFill(vaddr, write, user);
    }

    private boolean cachedAllows(long e, boolean write, boolean user) {
        // The bits the entry must have, computed without branching on the access kind: reads
        // and writes come in random order, and a branch on them would mispredict.
        long need = (user ? Tlb.USER : 0)
                | (write ? Tlb.DIRTY | (user || writeProtect ? Tlb.WRITABLE : 0) : 0);
        return (e & need) == need;
    }

    private static long paddrOf(long e, long vaddr) {
        long frame = e & Tlb.FRAME_MASK;
        return (e & Tlb.LARGE_MARK) != 0
                ? frame | (vaddr & Addresses.LARGE_PAGE_OFFSET_MASK)
                : frame | (vaddr & Addresses.PAGE_OFFSET_MASK);
    }

    private long walkAndFill(long vaddr, boolean write, boolean user) {
        counters.walks++;
        long r = walk(vaddr, write, user, true);
        if (r < 0) {
            raise(vaddr, r);
            return FAULT;
        }
        if (tlbOn) {
            long flags = r & (Tlb.WRITABLE | Tlb.USER | Tlb.DIRTY | Tlb.GLOBAL);
            long pfn = (r & Tlb.FRAME_MASK) >>> Addresses.PAGE_SHIFT;
            if ((r & Tlb.LARGE_MARK) != 0) {
                tlb.insertLarge(vaddr, pfn, flags);
            } else {
                tlb.insertSmall(vaddr, pfn, flags);
            }
            if (Checks.ENABLED) {
                tlb.checkInvariants();
            }
        }
        return paddrOf(r, vaddr);
    }

    private void raise(long vaddr, long walkResult) {
        counters.faults++;
        cr2 = vaddr;
        lastFaultVaddr = vaddr;
        lastFaultErrorCode = (int) (walkResult & 0xFF);
        lastFaultCause = CAUSES[(int) ((walkResult >>> 8) & 0xFF)];
        lastFaultEntry = walkFaultEntry;
        tlb.invalidatePage(vaddr);
    }

    /**
     * The 32-bit two-level walk. Returns the translation packed as a TLB entry (frame, combined
     * W and U, D after this access, G, and {@link Tlb#LARGE_MARK} for 4 MiB pages), or a
     * negative value: {@code FAULT_FLAG | cause << 8 | errorCode}, with the deciding entry's
     * address in {@link #walkFaultEntry}. With {@code commit} false nothing is written and
     * nothing counted: that is the dry run behind {@link #explain}.
     */
    private long walk(long vaddr, boolean write, boolean user, boolean commit) {
        long pdeAddr = (cr3 & 0xFFFF_F000L) | ((vaddr >>> Addresses.LARGE_PAGE_SHIFT) << 2);
        int pde = readEntry(pdeAddr);
        if ((pde & Pde.PRESENT) == 0) {
            return fault(PageFault.Cause.DIRECTORY_NOT_PRESENT, access(write, user), pdeAddr);
        }
        if ((pde & Pde.PAGE_SIZE) != 0 && pse) {
            if ((pde & largeReservedMask) != 0) {
                return fault(PageFault.Cause.RESERVED_BIT,
                        access(write, user) | PageFault.ERR_PRESENT | PageFault.ERR_RESERVED, pdeAddr);
            }
            PageFault.Cause denied = denied(pde, write, user, writeProtect);
            if (denied != null) {
                return fault(denied, access(write, user) | PageFault.ERR_PRESENT, pdeAddr);
            }
            int leaf = commit ? setAccessedDirty(pdeAddr, pde, write) : pde;
            return packed(Pde.largePaddr(leaf), pde, leaf, write) | Tlb.LARGE_MARK;
        }
        if (commit && (pde & Pde.ACCESSED) == 0) {
            writeFlags(pdeAddr, pde, pde | Pde.ACCESSED);
            counters.accessedBitsSet++;
        }
        long pteAddr = Pde.tablePaddr(pde) | (((vaddr >>> Addresses.PAGE_SHIFT) & 0x3FF) << 2);
        int pte = readEntry(pteAddr);
        if ((pte & Pte.PRESENT) == 0) {
            return fault(PageFault.Cause.TABLE_NOT_PRESENT, access(write, user), pteAddr);
        }
        int rights = pde & pte;
        PageFault.Cause denied = denied(rights, write, user, writeProtect);
        if (denied != null) {
            return fault(denied, access(write, user) | PageFault.ERR_PRESENT, pteAddr);
        }
        int leaf = commit ? setAccessedDirty(pteAddr, pte, write) : pte;
        return packed(Pte.paddr(leaf), rights, leaf, write);
    }

    /** The W/R and U/S bits of a page-fault error code for this access. */
    private static int access(boolean write, boolean user) {
        return (write ? PageFault.ERR_WRITE : 0) | (user ? PageFault.ERR_USER : 0);
    }

    private long packed(long frame, int rights, int leaf, boolean write) {
        long flags = Tlb.VALID
                | ((rights & Pte.WRITABLE) != 0 ? Tlb.WRITABLE : 0)
                | ((rights & Pte.USER) != 0 ? Tlb.USER : 0)
                | ((((leaf >>> Pte.DIRTY_BIT) | (write ? 1 : 0)) & 1) << Tlb.DIRTY_BIT)
                | (pge && (leaf & Pte.GLOBAL) != 0 ? Tlb.GLOBAL : 0);
        return frame | flags;
    }

    /** The rule an access breaks given the combined U/S and R/W bits, or null when allowed. */
    static PageFault.Cause denied(int rights, boolean write, boolean user, boolean writeProtect) {
        if (user && (rights & Pte.USER) == 0) {
            return PageFault.Cause.USER_TO_SUPERVISOR;
        }
        // The entry's bit first: it is almost always set, while reads and writes alternate at random.
        if ((rights & Pte.WRITABLE) == 0 && write && (user || writeProtect)) {
            return PageFault.Cause.WRITE_TO_READ_ONLY;
        }
        return null;
    }

    private int setAccessedDirty(long entryPaddr, int entry, boolean write) {
        int wanted = entry | Pte.ACCESSED | ((write ? 1 : 0) << Pte.DIRTY_BIT);
        if (wanted != entry) {
            writeFlags(entryPaddr, entry, wanted);
            if ((entry & Pte.ACCESSED) == 0) {
                counters.accessedBitsSet++;
            }
            if (((wanted ^ entry) & Pte.DIRTY) != 0) {
                counters.dirtyBitsSet++;
            }
        }
        return wanted;
    }

    /** A paging entry; all ones past the end of memory (an empty bus). */
    int readEntry(long paddr) {
        return paddr <= memorySizeBytes - 4 ? memory.read32(paddr) : -1;
    }

    /** Writes the A or D flag a walk sets into the entry at {@code paddr}; an observer's are put back when it ends. */
    private void writeFlags(long paddr, int before, int after) {
        writeEntry(paddr, after);
        if (observers > 0) {
            if (flagsSetWhileObserved == flagsSet.length) {
                flagsSet = java.util.Arrays.copyOf(flagsSet, 2 * flagsSet.length);
            }
            flagsSet[flagsSetWhileObserved++] = paddr;
            flagsSet[flagsSetWhileObserved++] = (long) before << 32 | Integer.toUnsignedLong(after);
        }
    }

    private void writeEntry(long paddr, int entry) {
        if (paddr <= memorySizeBytes - 4) {
            memory.write32(paddr, entry);
        }
    }

    private long fault(PageFault.Cause cause, int errorCode, long entryPaddr) {
        walkFaultEntry = entryPaddr;
        return FAULT_FLAG | ((long) cause.ordinal() << 8) | errorCode;
    }

    /** The last page fault, or null if none happened yet. */
    public PageFault lastFault() {
        return lastFaultCause == null ? null
                : new PageFault(lastFaultVaddr, lastFaultErrorCode, lastFaultCause, lastFaultEntry);
    }

    /**
     * What an access would do, without doing it: no TLB, no A/D writes, no counts, CR2 as it
     * was. Uses the current CR0, CR3, CR4 and the given privilege level.
     *
     * @return the physical address, or the fault the access would raise
     */
    public Outcome probe(long vaddr, boolean write, int cpl) {
        Addresses.checkLinear("probe", vaddr);
        if (cpl < 0 || cpl > 3) {
            throw new IllegalArgumentException("probe: privilege level " + cpl + " is not 0..3");
        }
        if (!paging) {
            return new Outcome(vaddr, null);
        }
        long r = walk(vaddr, write, cpl == 3, false);
        if (r < 0) {
            return new Outcome(FAULT, new PageFault(vaddr, (int) (r & 0xFF), CAUSES[(int) ((r >>> 8) & 0xFF)],
                    walkFaultEntry));
        }
        return new Outcome(paddrOf(r, vaddr), null);
    }

    /**
     * The result of a {@link #probe}.
     *
     * @param paddr the physical address, or {@link #FAULT}
     * @param fault the fault, or null when the access translates
     */
    public record Outcome(long paddr, PageFault fault) {
        /** Whether the access translates. */
        public boolean translates() {
            return fault == null;
        }
    }

    /** Every step of the walk for {@code vaddr}, and what each kind of access would do. */
    public WalkExplanation explain(long vaddr) {
        return WalkExplanation.of(this, vaddr);
    }

    /**
     * {@link #explain} under another page directory, as if CR3 held {@code otherCr3}: how a
     * debugger looks at a process that is not running. CR3 is not loaded (the TLB keeps what it
     * holds), nothing is written and nothing counted.
     */
    public WalkExplanation explain(long vaddr, long otherCr3) {
        check32("explain", otherCr3);
        long loaded = cr3;
        cr3 = otherCr3;
        try {
            return WalkExplanation.of(this, vaddr);
        } finally {
            cr3 = loaded;
        }
    }

    /** Whether CR4.PSE is set: a PDE with PS=1 maps 4 MiB. */
    public boolean largePagesEnabled() {
        return pse;
    }

    // ---------------------------------------------------------------- accesses

    /** Reads the byte at {@code vaddr}. */
    public int read8(long vaddr) {
        return access.read8(vaddr);
    }

    /** Reads the little-endian 16-bit value at {@code vaddr}. */
    public int read16(long vaddr) {
        return (int) access.read(vaddr, 2);
    }

    /** Reads the little-endian 32-bit value at {@code vaddr}. */
    public int read32(long vaddr) {
        return (int) access.read(vaddr, 4);
    }

    /** Writes the low byte of {@code value} at {@code vaddr}. */
    public void write8(long vaddr, int value) {
        access.write8(vaddr, value);
    }

    /** Writes the low 16 bits of {@code value} at {@code vaddr}. */
    public void write16(long vaddr, int value) {
        access.write(vaddr, value, 2);
    }

    /** Writes {@code value} at {@code vaddr}. */
    public void write32(long vaddr, int value) {
        access.write(vaddr, value, 4);
    }

    /**
     * Copies {@code length} bytes from virtual {@code vaddr} into {@code dst}. Every page is
     * translated before any byte is read.
     */
    public void readBytes(long vaddr, byte[] dst, int offset, int length) {
        access.readBytes(vaddr, dst, offset, length);
    }

    /**
     * Copies {@code length} bytes of {@code src} to virtual {@code vaddr}. Every page is
     * translated before any byte is written, so a fault writes nothing.
     */
    public void writeBytes(long vaddr, byte[] src, int offset, int length) {
        access.writeBytes(vaddr, src, offset, length);
    }

    // ---------------------------------------------------------------- counters

    /** What this MMU has done, as a live read-only view. */
    public MmuStats stats() {
        return counters;
    }

    /** Sets every counter back to zero. */
    public void resetStats() {
        counters.restore(new MmuStats.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /**
     * Runs {@code work} as an observer, the way a debugger reads a machine: after it, the Accessed
     * and Dirty flags its walks set are clear again, the TLB holds what it held (recency included), and the counters, CR2 and the
     * last fault are as they were, whatever {@code work} read through this MMU. For invariant
     * checks and reports that read kernel memory at its virtual addresses, so that looking does
     * not change what is looked at. A page {@code work} invalidated with INVLPG gets its old TLB
     * entry back only if the tables still say the same (a window onto another directory's tables
     * that the work pointed elsewhere and back); otherwise the old translation must not come back
     * stale. An entry whose flag a walk set and that was then written again is left as it is. Work
     * that changes CR0, CR3, CR4 or CPL, or writes page tables and leaves them changed, is not an
     * observer.
     */
    public <T> T observe(Supplier<T> work) {
        Tlb.Saved saved = tlb.save();
        MmuStats.Snapshot counted = counters.snapshot();
        long savedCr2 = cr2;
        long faultVaddr = lastFaultVaddr;
        int faultErrorCode = lastFaultErrorCode;
        PageFault.Cause faultCause = lastFaultCause;
        long faultEntry = lastFaultEntry;
        int invalidatedBefore = invalidatedWhileObserved;
        int flagsBefore = flagsSetWhileObserved;
        observers++;
        try {
            return work.get();
        } finally {
            // Last set, first cleared: an entry set twice goes back through its first value.
            for (int i = flagsSetWhileObserved - 2; i >= flagsBefore; i -= 2) {
                long paddr = flagsSet[i];
                long values = flagsSet[i + 1];
                if (readEntry(paddr) == (int) values) {
                    writeEntry(paddr, (int) (values >>> 32));
                }
            }
            flagsSetWhileObserved = flagsBefore;
            tlb.restore(saved);
            for (int i = invalidatedBefore; i < invalidatedWhileObserved; i++) {
                if (!cachedAgreesWithTables(invalidatedPages[i])) {
                    tlb.invalidatePage(invalidatedPages[i]);
                }
            }
            if (--observers == 0) {
                invalidatedWhileObserved = 0;
            }
            counters.restore(counted);
            cr2 = savedCr2;
            lastFaultVaddr = faultVaddr;
            lastFaultErrorCode = faultErrorCode;
            lastFaultCause = faultCause;
            lastFaultEntry = faultEntry;
        }
    }

    /**
     * Whether the TLB's entry for the page of {@code vaddr}, if any, is what a walk of the tables
     * gives now (frame, size, rights, D, G): true when it holds none.
     */
    private boolean cachedAgreesWithTables(long vaddr) {
        long cached = tlb.peek(vaddr);
        if (cached == Tlb.MISS) {
            return true;
        }
        long walked = walk(vaddr, false, false, false);
        long compared = Tlb.FRAME_MASK | Tlb.LARGE_MARK | Tlb.WRITABLE | Tlb.USER | Tlb.DIRTY | Tlb.GLOBAL;
        return walked >= 0 && (cached & compared) == (walked & compared);
    }

    private void flushAll() {
        tlb.flushAll();
        counters.tlbFlushes++;
    }

    private static void check32(String operation, long value) {
        if ((value >>> 32) != 0) {
            throw new IllegalArgumentException(operation + ": " + Addresses.hex(value) + " does not fit in 32 bits");
        }
    }
}
