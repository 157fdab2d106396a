package dev.pagelab.hw;

import java.util.Objects;

/**
 * One i386 processor as the kernel's code sees it: the {@link Mmu} it owns (control registers,
 * the walk, the TLB), data reads and writes and instruction fetches at the current privilege
 * level, and the page-fault exception delivered to a {@link FaultHandler}.
 *
 * <h2>A faulting access</h2>
 * <ol>
 *   <li>The MMU raises the fault: CR2 = the faulting linear address (for an access that crosses
 *       into a second page and faults there, the first byte of that page, as on QEMU), the error
 *       code as SDM vol. 3A 4.7 defines it, the TLB entry of the page dropped (4.10.4.1).</li>
 *   <li>The CPU calls the handler at CPL 0 with the fault, and puts the interrupted CPL back when
 *       it returns (the IRET).</li>
 *   <li>{@link FaultHandler.Resolution#RESOLVED}: the access restarts from its first byte, every
 *       page translated again, as the faulting instruction restarts. It may fault again (a
 *       not-present page mapped read-only, then written); each fault goes to the handler.</li>
 *   <li>{@link FaultHandler.Resolution#UNHANDLED}: the access fails with a
 *       {@link PageFaultException} carrying the fault. Nothing was written.</li>
 *   <li>A handler that says resolved and leaves the page faulting would loop for ever, as it
 *       does on real hardware; here an access restarts at most {@link #MAX_RESTARTS} times, and
 *       the fault after the last restart is reported without calling the handler, the exception
 *       saying that the handler claimed resolution ({@link PageFaultException#restartsExhausted()}).</li>
 * </ol>
 * The default handler is {@link FaultHandler#NONE}: every fault is the access's result, as
 * accesses through the MMU alone have it.
 *
 * <h2>Fetches</h2>
 * An instruction fetch translates as a read. The error code's I/D bit (bit 4) is set only with
 * CR4.SMEP or with PAE and EFER.NXE (SDM 4.7); pagelab models neither, so a fetch fault has I/D=0
 * and the same error code as a read, as on the processors the seeds' kernels target.
 *
 * <p>Counts: {@link #stats()} says how many faults the handler resolved and how many were
 * reported; the MMU's {@link Mmu#stats()} counts every fault. Not thread-safe.
 */
public final class Cpu {
    /**
     * Restarts one access may take before its fault is reported whatever the handler says: enough
     * for an access that crosses a page boundary with two faults on each page (not present, then
     * a write to a page mapped read-only), and small enough to stop a handler that claims
     * resolution without mapping anything at once.
     */
    public static final int MAX_RESTARTS = 4;

    private final Mmu mmu;
    private final PagedAccess access;
    private FaultHandler handler = FaultHandler.NONE;
    private long faultsHandled;
    private long faultsUnhandled;
    private long restartsExhausted;
    private final CpuStats stats = new StatsView();

    /** A CPU with a fresh MMU over {@code memory}, as a Multiboot loader leaves it: paging off, CPL 0. */
    public Cpu(PhysicalMemory memory, TlbConfig tlbConfig) {
        this(new Mmu(memory, tlbConfig));
    }

    /** The CPU around {@code mmu}, which it owns from now on: make one CPU an MMU. */
    public Cpu(Mmu mmu) {
        this.mmu = Objects.requireNonNull(mmu, "mmu");
        this.access = new PagedAccess(mmu, this::resolve);
    }

    /** The MMU: control registers, translation, the TLB and its counters. */
    public Mmu mmu() {
        return mmu;
    }

    /** The current privilege level, 0 to 3 (the MMU's). */
    public int cpl() {
        return mmu.cpl();
    }

    /** Changes the privilege level: 3 is user mode, 0-2 are supervisor mode. */
    public void setCpl(int cpl) {
        mmu.setCpl(cpl);
    }

    /** The page-fault handler in use. */
    public FaultHandler faultHandler() {
        return handler;
    }

    /**
     * Installs {@code handler} for page faults ({@link FaultHandler#NONE} for none) and returns the
     * one it replaces.
     */
    public FaultHandler setFaultHandler(FaultHandler handler) {
        FaultHandler previous = this.handler;
        this.handler = Objects.requireNonNull(handler, "setFaultHandler: handler (FaultHandler.NONE for none)");
        return previous;
    }

    // ---------------------------------------------------------------- accesses
    // Each one runs at the current CPL and throws PageFaultException when a fault is not resolved.

    /**
     * A reference to the page of {@code vaddr} that moves no data, what a trace-driven memory
     * reference is: the translation, A and D set, faults handled as for any access.
     *
     * @return the physical address
     * @throws PageFaultException when the fault is not resolved
     */
    public long touch(long vaddr, boolean write) {
        return access.translatePage(vaddr, write);
    }

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

    /** Copies {@code length} bytes from {@code vaddr} into {@code dst}; every page translates before any byte is read. */
    public void readBytes(long vaddr, byte[] dst, int offset, int length) {
        access.readBytes(vaddr, dst, offset, length);
    }

    /** Copies {@code length} bytes of {@code src} to {@code vaddr}; every page translates before any byte is written. */
    public void writeBytes(long vaddr, byte[] src, int offset, int length) {
        access.writeBytes(vaddr, src, offset, length);
    }

    /** Fetches the instruction byte at {@code vaddr}: translated as a read, I/D=0 in a fault's error code. */
    public int fetch8(long vaddr) {
        return access.read8(vaddr);
    }

    /** Fetches {@code length} instruction bytes from {@code vaddr}, as {@link #readBytes} reads them. */
    public void fetchBytes(long vaddr, byte[] dst, int offset, int length) {
        access.readBytes(vaddr, dst, offset, length);
    }

    // ---------------------------------------------------------------- the exception

    /** The MMU's last fault goes to the handler at CPL 0; returns to restart the access, or throws. */
    private void resolve(int restarts) {
        PageFault fault = mmu.lastFault();
        if (restarts >= MAX_RESTARTS) {
            faultsUnhandled++;
            restartsExhausted++;
            throw PageFaultException.restartsExhausted(fault, restarts);
        }
        int interrupted = mmu.cpl();
        FaultHandler.Resolution resolution;
        mmu.setCpl(0);
        try {
            resolution = handler.handle(fault);
        } finally {
            mmu.setCpl(interrupted);
        }
        if (resolution == FaultHandler.Resolution.RESOLVED) {
            faultsHandled++;
            return;
        }
        if (resolution == null) {
            throw new NullPointerException("page-fault handler " + handler + " returned null for " + fault
                    + "; expected RESOLVED or UNHANDLED");
        }
        faultsUnhandled++;
        throw PageFaultException.unhandled(fault, restarts);
    }

    // ---------------------------------------------------------------- counters

    /** What this CPU did with its faults, as a live read-only view. */
    public CpuStats stats() {
        return stats;
    }

    /** Sets the fault counters back to zero (the MMU's have {@link Mmu#resetStats()}). */
    public void resetStats() {
        faultsHandled = faultsUnhandled = restartsExhausted = 0;
    }

    private final class StatsView implements CpuStats {
        @Override
        public long faultsHandled() {
            return faultsHandled;
        }

        @Override
        public long faultsUnhandled() {
            return faultsUnhandled;
        }

        @Override
        public long restartsExhausted() {
            return restartsExhausted;
        }

        @Override
        public String toString() {
            return snapshot().toString();
        }
    }
}
