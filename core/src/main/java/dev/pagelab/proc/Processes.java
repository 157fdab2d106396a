package dev.pagelab.proc;

import dev.pagelab.event.EventSink;
import dev.pagelab.event.KernelEvent;
import dev.pagelab.event.KernelEvent.Eviction;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Cpu;
import dev.pagelab.hw.FaultHandler;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.AddressSpaces;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.PageEntries;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.replace.PolicyInfo;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replace.Visibility;
import dev.pagelab.replay.FrameAllocation;
import dev.pagelab.replay.Scope;
import dev.pagelab.vmm.PageRangeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Seed 001 inside the kernel: processes with their own page directories, a page-fault handler
 * that loads pages on demand, frames divided among processes, victims chosen from the real
 * Accessed and Dirty bits, dirty pages written to a {@link SwapDevice}. One a kernel, installed
 * with {@link #install}: it becomes the kernel's fault resolver.
 *
 * <h2>The page-fault handler</h2>
 * A fault at CPL 3 while a process runs (the kernel's own faults are not its business):
 * <ol>
 *   <li>an address outside the user area (a user access to a kernel page), outside every region,
 *       a write to a read-only region, or any other protection fault: the process is killed with a
 *       {@link Process.KillReport} (CR2, the error code, the region) and its frames, tables and
 *       slots are freed; the kernel goes on;</li>
 *   <li>otherwise the page is loaded: into the lowest free frame of the process's pool (its quota
 *       under local scope, all frames under global scope) while one is free, else into the frame
 *       of the victim the pool's policy chooses. The victim's PTE is cleared (INVLPG'd when its
 *       directory is loaded): dirty, it is written to a swap slot first and the PTE keeps the slot
 *       (P = 0, {@link SwapDevice#entryOf}); clean with a valid copy in swap, it is dropped and
 *       the PTE keeps the slot; clean without one (never written), the PTE becomes 0;</li>
 *   <li>the new page is read from its slot (page-in; the slot keeps the copy, so a later clean
 *       eviction writes nothing) or zero-filled on first touch, mapped user with the region's
 *       rights, A and D clear, and the policy is told; the access retries and the MMU sets A (and
 *       D for a write), as the replay engine's rule 3 sets the bits of a loaded page.</li>
 * </ol>
 * A full swap device kills the faulting process when the victim needs a slot; an empty frame
 * allocator (the machine has fewer free frames than the configuration promised) kills it too.
 *
 * <h2>Frames among processes</h2>
 * Local scope: {@link FrameAllocation#divide} over the live processes (sizes: their regions'
 * pages, or the size they were spawned with; priorities), recomputed at every spawn and exit. A
 * process whose quota changes has its pool rebuilt: when it holds more pages than its new quota,
 * the pages in its pool's last frames (those beyond the new quota) are evicted first, written
 * back if dirty; the pages that stay keep their frames, their A and D bits and their order, and
 * the policy starts afresh over them. Spawning checks the new quotas (and the swap slots the
 * evictions need) before anything changes. Global scope: one pool of all frames; a process that
 * ends leaves it rebuilt over the pages that remain.
 *
 * <h2>The reference hook</h2>
 * Hardware-bit policies (Clock, NRU, aging, WSClock, ...) see only A and D, through
 * {@link PagePool}. Policies that need every reference (LRU, OPT, ARC, ...) cannot run in a real
 * kernel; here every access made through {@link #touch}, {@link #read8} or {@link #write8} that
 * does not fault calls the policy's {@code hit}, the simulator's reference hook
 * ({@link #needsReferenceHook}).
 *
 * <h2>Size</h2>
 * Over a thousand lines, because the handler, eviction, quotas, load control and the checks all
 * work on one process table's state (the pools, the frame budget, the swap device, the pending
 * kill). The planned split: a {@code Pager} (load, evict, release, the frame budget) and
 * {@code ProcessChecks} over a package-private table record, once the scenario steps and the
 * kernel replay that drive this class have settled.
 *
 * <h2>Time</h2>
 * Each pool counts the references made through this class (its pool time, as in the replay
 * engine): a process's own under local scope, all of them under global scope. Ticks fall at
 * multiples of the policy's tick interval, and {@link #tick} forces one.
 */
public final class Processes {
    /** What one access came to. */
    public enum Outcome {
        /** The page was resident. */
        HIT,
        /** The page faulted and the handler loaded it; the access then completed. */
        FAULT,
        /** The fault could not be resolved: the process was killed (see its kill report). */
        KILLED,
        /**
         * Load control suspended the process at this fault (memory is overcommitted); the access
         * did not complete, and runs again when the process is resumed.
         */
        SUSPENDED
    }

    /**
     * The last fault the handler resolved: the page loaded and the victim, if there was one.
     *
     * @param pid          the faulting process
     * @param vaddr        the page loaded
     * @param pfn          the frame it went into
     * @param fromSlot     the swap slot it was read from, −1 when zero-filled
     * @param victimPid    the victim's process, or 0 when a free frame was used
     * @param victimVaddr  the victim page, or −1
     * @param victimDirty  whether the victim was written back
     */
    public record Fault(int pid, long vaddr, long pfn, int fromSlot, int victimPid, long victimVaddr,
                        boolean victimDirty) {
        /** Whether a victim was evicted for this fault. */
        public boolean evicted() {
            return victimPid != 0;
        }
    }

    private static final int CLEAN = 0;
    private static final int DIRTY = 1;
    private static final int NO_SLOT = -1;

    private final Kernel kernel;
    private final Cpu cpu;
    private final PhysicalMemory memory;
    private final AccountedFrames frames;
    private final EventSink events;
    private final PolicyRegistry registry;
    private final PolicyInfo info;
    private final ProcessConfig config;
    private final SwapDevice swap;
    private final FaultHandler previousResolver;

    private final List<Process> live = new ArrayList<>();
    private final List<Process> all = new ArrayList<>();
    private int nextPid = 1;
    private Process current;
    private PagePool global;
    private FrameAllocation allocation;

    /** The access under way: its pool time and next use, for the handler's calls into the policy. */
    private long now;
    private long nextUse = ReplacementPolicy.NEVER;
    private long faultsResolved;
    /** Physical frames holding process pages now, in every pool: at most {@code config.frames()}. */
    private int framesInUse;
    private long suspensions;
    private long admissions;
    /** What the MMU did inside the fault handler: the kernel's own accesses to page tables and windows. */
    private MmuStats.Snapshot handlerMmu = MmuStats.Snapshot.ZERO;
    private long handlerNanos;
    private Fault lastFault;
    private boolean uninstalled;
    /**
     * Why the running process must die once the policy call under way returns (a variable-allocation
     * policy released a dirty page and swap had no slot for it), or null. A policy cannot be stopped
     * half way through its own bookkeeping, so the kill waits for it to return.
     */
    private String pendingKill;
    /** The owner of the page whose release failed: the one killed when no process runs. */
    private Process pendingKillOwner;

    private Processes(Kernel kernel, ProcessConfig config, PolicyRegistry registry) {
        this.kernel = kernel;
        this.cpu = kernel.cpu();
        this.memory = kernel.memory();
        this.frames = kernel.frames();
        this.events = kernel.events();
        this.registry = registry;
        this.info = registry.info(config.policy());
        this.config = config;
        this.swap = new SwapDevice(config.swapSlots(), config.ioCostNanos());
        if (config.scope() == Scope.GLOBAL) {
            global = new PagePool(this, null, config.frames());
            global.installPolicy(registry.create(config.policy(), config.policyConfig(), global));
            global.everyReference = info.visibility() == Visibility.EVERY_REFERENCE;
        }
        this.previousResolver = kernel.setFaultResolver(this::handle);
    }

    /**
     * Makes the process subsystem of {@code kernel} and installs its page-fault handler.
     *
     * @throws IllegalArgumentException for an unknown policy, or when the kernel's frame allocator
     *                                  has fewer free frames than {@code config.frames()}
     * @throws IllegalStateException    when the kernel already has a fault resolver
     */
    public static Processes install(Kernel kernel, ProcessConfig config, PolicyRegistry registry) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        PolicyInfo policy = registry.info(config.policy());
        if (config.loadControl() && !policy.variableAllocation()) {
            throw new IllegalArgumentException("load control needs a variable-allocation policy (one that lets its"
                    + " resident set shrink: ws, pff), not " + config.policy());
        }
        long free = kernel.allocator().freeFrames();
        if (free < config.frames()) {
            throw new IllegalArgumentException(config.frames() + " frames for processes, but the frame allocator has only "
                    + free + " free; choose fewer frames or a larger machine");
        }
        FaultHandler installed = kernel.setFaultResolver(FaultHandler.NONE);
        if (installed != FaultHandler.NONE) {
            kernel.setFaultResolver(installed);
            throw new IllegalStateException("this kernel already has a page-fault resolver (" + installed + ")");
        }
        return new Processes(kernel, config, registry);
    }

    /** Gives the kernel its previous fault resolver back; every process must have ended. */
    public void uninstall() {
        if (!live.isEmpty()) {
            throw new IllegalStateException("uninstall: " + live.size() + " processes are still alive");
        }
        if (!uninstalled) {
            kernel.setFaultResolver(previousResolver);
            uninstalled = true;
        }
    }

    // ---------------------------------------------------------------- spawn, exit, switch

    /**
     * Spawns a process with {@code regions} (placed in order by its page-range allocator from
     * {@link KernelLayout#USER_HEAP_START}); nothing is mapped until it is touched.
     *
     * @param size its size for proportional and priority allocation, or −1 for its regions' pages
     * @throws ProcessException when it cannot be made (no frame for its directory or bitmap, a
     *                          quota below the minimum, regions larger than the user area, not
     *                          enough swap for the pages the new quotas push out); nothing changed
     */
    public Process spawn(String name, long priority, List<Region.Spec> regions, long size) {
        Objects.requireNonNull(name, "name");
        if (priority < 1) {
            throw new ProcessException("spawn " + name + ": the priority must be at least 1, not " + priority);
        }
        if (regions.isEmpty()) {
            throw new ProcessException("spawn " + name + ": a process needs at least one region");
        }
        long pages = 0;
        for (Region.Spec spec : regions) {
            pages += spec.pages();
        }
        if (pages > Process.USER_AREA_PAGES) {
            throw new ProcessException("spawn " + name + ": its regions have " + pages + " pages, more than the "
                    + Process.USER_AREA_PAGES + " of the user area " + Addresses.hex(KernelLayout.USER_HEAP_START) + "-"
                    + Addresses.hex(KernelLayout.USER_END - 1));
        }
        long processSize = size < 0 ? pages : size;
        if (processSize < 1) {
            throw new ProcessException("spawn " + name + ": its size must be at least 1, not " + processSize);
        }
        FrameAllocation quotas = null;
        if (config.scope() == Scope.LOCAL && !config.loadControl()) {
            quotas = divide(name, processSize, priority);
            checkSwapForShrink(name, quotas);
        }
        AddressSpaces spaces = kernel.spaces();
        AddressSpace space = switch (spaces.create()) {
            case AddressSpaces.CreateResult.Created c -> c.space();
            case AddressSpaces.CreateResult.OutOfFrames o ->
                    throw new ProcessException("spawn " + name + ": no frame left for its page directory");
        };
        long bitmapBytes = PageRangeAllocator.bitmapBytes(Process.USER_AREA_PAGES);
        long bitmap = kernel.vm().kmmap(bitmapBytes, FrameOwner.KERNEL_DATA);
        if (bitmap == dev.pagelab.vmm.KernelMemory.FAILED) {
            spaces.destroy(space);
            throw new ProcessException("spawn " + name + ": no room for its user area's page bitmap (" + bitmapBytes
                    + " bytes): " + kernel.vm().lastFailure());
        }
        int pid = nextPid++;
        PageRangeAllocator userArea;
        int cpl = cpu.cpl();
        cpu.setCpl(0);
        try {
            userArea = new PageRangeAllocator("user area of process " + pid, kernel.mmu(), bitmap,
                    KernelLayout.USER_HEAP_START, Process.USER_AREA_PAGES);
        } finally {
            cpu.setCpl(cpl);
        }
        List<Region> placed = new ArrayList<>();
        for (Region.Spec spec : regions) {
            long start;
            cpu.setCpl(0);
            try {
                start = userArea.allocPages(spec.pages());
            } finally {
                cpu.setCpl(cpl);
            }
            if (start == PageRangeAllocator.NO_PAGES) {
                throw new IllegalStateException("spawn: " + pages + " pages fit the user area but region " + spec.name()
                        + " did not");
            }
            placed.add(new Region(spec.name(), start, spec.pages(), spec.writable()));
        }
        Process p = new Process(pid, name, priority, processSize, space, userArea, bitmap, placed);
        p.admitted = ++admissions;
        live.add(p);
        all.add(p);
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessSpawned(pid, name, space.directoryPfn()));
        }
        if (quotas != null) {
            applyQuotas(quotas);
        } else if (config.loadControl()) {
            p.pool = newLocalPool(p, config.frames());
        }
        return p;
    }

    /** {@link #spawn} with the process's size taken from its regions. */
    public Process spawn(String name, long priority, List<Region.Spec> regions) {
        return spawn(name, priority, regions, -1);
    }

    /**
     * Ends {@code p}: its frames, page tables, swap slots, bitmap and directory are freed; the
     * quotas of the others are recomputed (local scope) or the pool rebuilt (global scope).
     *
     * @throws IllegalStateException when it has already ended
     */
    public void exit(Process p) {
        requireLive("exit", p);
        teardown(p, Process.State.EXITED);
    }

    /**
     * Puts {@code p} on the CPU: CR3 gets its directory (non-global TLB entries go), even when it
     * runs already.
     *
     * @throws IllegalStateException when it has ended
     */
    public void switchTo(Process p) {
        requireLive("switchTo", p);
        if (current != null && current != p) {
            current.state = Process.State.READY;
        }
        kernel.spaces().switchTo(p.space);
        current = p;
        p.state = Process.State.RUNNING;
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessSwitched(p.pid, cpu.mmu().cr3()));
        }
    }

    // ---------------------------------------------------------------- accesses

    /**
     * A reference of {@code p} to the page of {@code vaddr} that moves no data (a trace's
     * reference), at CPL 3, switching to {@code p} first when another process runs.
     *
     * @param nextUse the pool time of this page's next reference, for OPT; {@link ReplacementPolicy#NEVER} when unknown
     */
    public Outcome touch(Process p, long vaddr, boolean write, long nextUse) {
        PagePool pool = enter(p, vaddr, nextUse);
        if (pool == null) {
            return Outcome.KILLED;
        }
        long before = faultsResolved;
        int cpl = cpu.cpl();
        // A caller that replays many references puts the CPU at CPL 3 once (KernelReplay does).
        if (cpl != 3) {
            cpu.setCpl(3);
        }
        try {
            cpu.touch(vaddr, write);
        } catch (PageFaultException e) {
            return failed(p, e);
        } finally {
            if (cpl != 3) {
                cpu.setCpl(cpl);
            }
        }
        return completed(p, pool, vaddr, write, before);
    }

    /** {@link #touch} with no future known. */
    public Outcome touch(Process p, long vaddr, boolean write) {
        return touch(p, vaddr, write, ReplacementPolicy.NEVER);
    }

    /**
     * Reads the byte at {@code vaddr} as {@code p} does, at CPL 3.
     *
     * @throws ProcessException when the access killed the process (its kill report says why)
     */
    public int read8(Process p, long vaddr) {
        return (int) read(p, vaddr, 1);
    }

    /**
     * Reads the {@code bytes} bytes at {@code vaddr}, little-endian, as {@code p} does, at CPL 3:
     * one reference to one page, counted, faulted in and told to the policy as {@link #touch} is.
     *
     * @param bytes 1, 2 or 4, all in the page of {@code vaddr}
     * @return the value, zero-extended
     * @throws ProcessException         when the access killed the process (its kill report says why)
     * @throws IllegalArgumentException when {@code bytes} is not 1, 2 or 4 or the bytes cross into
     *                                  the next page; nothing is changed
     */
    public long read(Process p, long vaddr, int bytes) {
        checkOnePage("read", vaddr, bytes);
        PagePool pool = enter(p, vaddr, ReplacementPolicy.NEVER);
        if (pool == null) {
            throw new ProcessException(p + " was killed at a tick before its access to " + Addresses.hex(vaddr) + ": "
                    + p.killReport);
        }
        long before = faultsResolved;
        int cpl = cpu.cpl();
        cpu.setCpl(3);
        long value;
        try {
            value = switch (bytes) {
                case 1 -> cpu.read8(vaddr);
                case 2 -> cpu.read16(vaddr) & 0xFFFFL;
                default -> cpu.read32(vaddr) & 0xFFFF_FFFFL;
            };
        } catch (PageFaultException e) {
            throw notDone(p, failed(p, e), "reading", vaddr);
        } finally {
            cpu.setCpl(cpl);
        }
        if (completed(p, pool, vaddr, false, before) == Outcome.KILLED) {
            throw notDone(p, Outcome.KILLED, "reading", vaddr);
        }
        return value;
    }

    /**
     * Writes the low byte of {@code value} at {@code vaddr} as {@code p} does, at CPL 3.
     *
     * @throws ProcessException when the access killed the process (its kill report says why)
     */
    public Outcome write8(Process p, long vaddr, int value) {
        return write(p, vaddr, 1, value);
    }

    /**
     * Writes the low {@code bytes} bytes of {@code value} at {@code vaddr}, little-endian, as
     * {@code p} does, at CPL 3: one reference to one page, as {@link #read(Process, long, int)}.
     *
     * @param bytes 1, 2 or 4, all in the page of {@code vaddr}
     * @throws ProcessException         when the access killed the process (its kill report says why)
     * @throws IllegalArgumentException when {@code bytes} is not 1, 2 or 4 or the bytes cross into
     *                                  the next page; nothing is changed
     */
    public Outcome write(Process p, long vaddr, int bytes, long value) {
        checkOnePage("write", vaddr, bytes);
        PagePool pool = enter(p, vaddr, ReplacementPolicy.NEVER);
        if (pool == null) {
            throw new ProcessException(p + " was killed at a tick before its access to " + Addresses.hex(vaddr) + ": "
                    + p.killReport);
        }
        long before = faultsResolved;
        int cpl = cpu.cpl();
        cpu.setCpl(3);
        try {
            switch (bytes) {
                case 1 -> cpu.write8(vaddr, (int) value);
                case 2 -> cpu.write16(vaddr, (int) value);
                default -> cpu.write32(vaddr, (int) value);
            }
        } catch (PageFaultException e) {
            throw notDone(p, failed(p, e), "writing", vaddr);
        } finally {
            cpu.setCpl(cpl);
        }
        Outcome outcome = completed(p, pool, vaddr, true, before);
        if (outcome == Outcome.KILLED) {
            throw notDone(p, outcome, "writing", vaddr);
        }
        return outcome;
    }

    /** A process's access is one reference to one page: 1, 2 or 4 bytes that stay in the page of {@code vaddr}. */
    private static void checkOnePage(String operation, long vaddr, int bytes) {
        if (bytes != 1 && bytes != 2 && bytes != 4) {
            throw new IllegalArgumentException(operation + ": " + bytes + " bytes at " + Addresses.hex(vaddr)
                    + ": a process reads and writes 1, 2 or 4 bytes at a time");
        }
        if ((vaddr & Addresses.PAGE_OFFSET_MASK) + bytes > Addresses.PAGE_BYTES) {
            throw new IllegalArgumentException(operation + ": " + bytes + " bytes at " + Addresses.hex(vaddr)
                    + " cross into the next page: a process's access is one reference to one page, so split it");
        }
    }

    private static ProcessException notDone(Process p, Outcome outcome, String what, long vaddr) {
        return outcome == Outcome.SUSPENDED
                ? new ProcessException(p + " was suspended by load control " + what + " " + Addresses.hex(vaddr)
                + "; resume it and the access runs again")
                : new ProcessException(p + " was killed " + what + " " + Addresses.hex(vaddr) + ": " + p.killReport);
    }

    /** Starts an access of {@code p}: switch, pool time, tick; null when the tick's policy call killed it. */
    private PagePool enter(Process p, long vaddr, long use) {
        if (p.state.ended() || p.state == Process.State.SUSPENDED) {
            throw new IllegalStateException(p + " cannot run: it is " + p.state.name().toLowerCase(java.util.Locale.ROOT)
                    + (p.killReport == null ? "" : " (" + p.killReport + ")"));
        }
        if (current != p) {
            switchTo(p);
        }
        PagePool pool = p.pool != null ? p.pool : global;
        long t = pool.time++;
        if (t == pool.nextTick) {
            pool.nextTick += pool.tickInterval;
            pool.policy.tick(t);
            if (pendingKill != null) {
                killNow(p, vaddr);
                return null;
            }
        }
        now = t;
        nextUse = use;
        p.references++;
        return pool;
    }

    private String takePendingKill() {
        String why = pendingKill;
        pendingKill = null;
        pendingKillOwner = null;
        return why;
    }

    /** Kills {@code p} outside a fault for the pending reason (see {@link #pendingKill}). */
    private void killNow(Process p, long vaddr) {
        String why = takePendingKill();
        p.killReport = new Process.KillReport(vaddr, 0, p.regionOf(vaddr), why);
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessKilled(p.pid, vaddr, 0, why));
        }
        teardown(p, Process.State.KILLED);
    }

    private Outcome completed(Process p, PagePool pool, long vaddr, boolean write, long before) {
        if (faultsResolved != before) {
            return Outcome.FAULT;
        }
        if (pool.everyReference) {
            pool.policy.hit(p.poolId(Process.indexOf(vaddr)), write, now, nextUse);
            if (pendingKill != null) {
                killNow(p, vaddr);
                return Outcome.KILLED;
            }
        }
        return Outcome.HIT;
    }

    private Outcome failed(Process p, PageFaultException e) {
        if (p.state.ended()) {
            return Outcome.KILLED;
        }
        if (p.state == Process.State.SUSPENDED) {
            // The access did not happen: it runs again when the process is resumed.
            p.references--;
            p.pool.time--;
            return Outcome.SUSPENDED;
        }
        throw new IllegalStateException("kernel bug: " + p + "'s fault was neither resolved nor fatal: " + e.getMessage(), e);
    }

    /**
     * Calls every pool's policy's tick now (NRU clears A bits, aging shifts, working set trims). A
     * tick that cannot release a dirty page for want of a swap slot kills the running process (or,
     * when none runs, the page's owner).
     */
    public void tick() {
        if (global != null) {
            global.policy.tick(global.time);
            killPendingAfterTick(null);
        }
        for (Process p : List.copyOf(live)) {
            if (p.pool != null && !p.state.ended()) {
                p.pool.policy.tick(p.pool.time);
                killPendingAfterTick(p);
            }
        }
    }

    private void killPendingAfterTick(Process poolProcess) {
        if (pendingKill != null) {
            Process victim = poolProcess != null ? poolProcess : current != null ? current : pendingKillOwner;
            killNow(victim, victim.regions.get(0).start());
        }
    }

    // ---------------------------------------------------------------- the handler

    /** The handler, its MMU accesses and its time counted apart ({@link #handlerMmu}, {@link #handlerNanos}). */
    private FaultHandler.Resolution handle(PageFault f) {
        MmuStats.Snapshot before = cpu.mmu().stats().snapshot();
        long start = System.nanoTime();
        try {
            return resolve(f);
        } finally {
            handlerNanos += System.nanoTime() - start;
            handlerMmu = handlerMmu.plus(cpu.mmu().stats().snapshot().minus(before));
        }
    }

    private FaultHandler.Resolution resolve(PageFault f) {
        Process p = current;
        if (p == null || !f.isUser()) {
            return FaultHandler.Resolution.UNHANDLED;
        }
        long cr2 = f.linearAddress();
        if (cr2 < KernelLayout.USER_HEAP_START || cr2 >= KernelLayout.USER_END) {
            return kill(p, f, null, cr2 >= KernelLayout.USER_END ? "a user access to a kernel page"
                    : "an access to page 0, which no region holds (a null pointer)");
        }
        Region r = p.regionOf(cr2);
        if (r == null) {
            return kill(p, f, null, "no region of the process holds " + Addresses.hex(cr2));
        }
        if (f.isWrite() && !r.writable()) {
            return kill(p, f, r, "a write to the read-only region " + r.name());
        }
        if (f.isProtectionViolation()) {
            return kill(p, f, r, "a protection fault in region " + r.name() + ": " + f.cause().text());
        }
        return load(p, f, r, cr2 & ~(long) Addresses.PAGE_OFFSET_MASK);
    }

    private FaultHandler.Resolution load(Process p, PageFault f, Region r, long vaddr) {
        PagePool pool = p.pool != null ? p.pool : global;
        int index = Process.indexOf(vaddr);
        int page = pool.idOf(p, index);
        int frame;
        long pfn;
        int victimPid = 0;
        long victimVaddr = -1;
        boolean victimDirty = false;
        if (pool.resident >= pool.capacity) {
            int victim = pool.policy.victim(page, now, nextUse);
            if (pendingKill != null) {
                return kill(p, f, r, takePendingKill());
            }
            if (victim == page || victim < 0 || victim >= pool.pages || pool.frameOf[victim] < 0) {
                throw new IllegalStateException("policy " + config.policy() + " chose victim " + victim + " for page "
                        + page + " at pool time " + now + ", which is not a resident page other than the incoming one");
            }
            frame = pool.frameOf[victim];
            pfn = pool.pfnAt[frame];
            Process owner = pool.ownerOf[victim];
            victimVaddr = pool.vaddrOf(victim);
            victimPid = owner.pid;
            int evicted = evict(pool, victim, Eviction.VICTIM);
            if (evicted == NO_SLOT) {
                return kill(p, f, r, "the swap device is full (" + swap.slots() + " slots): no slot for dirty page "
                        + Addresses.hex(victimVaddr) + " of " + owner + ", the victim of this fault");
            }
            victimDirty = evicted == DIRTY;
        } else {
            if (framesInUse >= config.frames()) {
                Process out = loadControlVictim();
                suspend(out);
                if (out == p) {
                    return FaultHandler.Resolution.UNHANDLED;
                }
            }
            frame = pool.lowestFreeFrame();
            pfn = frames.allocate(FrameOwner.PROCESS);
            if (pfn == FrameAllocator.NO_FRAME) {
                pool.frameLeftEmpty(frame);
                return kill(p, f, r, "out of memory: the frame allocator has no free frame for pool frame " + frame);
            }
            framesInUse++;
        }
        frames.accounting().recordProcess(pfn, p.pid);
        int slot = p.slot(index);
        if (slot >= 0) {
            swap.read(slot, memory, pfn);
            p.pageIns++;
        } else {
            memory.fill(Addresses.pfnToPaddr(pfn), Addresses.PAGE_BYTES, 0);
            p.zeroFills++;
        }
        if (!p.space.mapPage(vaddr, pfn, Pte.USER | (r.writable() ? Pte.WRITABLE : 0)).mapped()) {
            giveBack(pfn);
            pool.frameLeftEmpty(frame);
            return kill(p, f, r, "out of memory: no frame for a page table to map " + Addresses.hex(vaddr));
        }
        pool.place(page, frame, pfn);
        p.resident++;
        p.faults++;
        faultsResolved++;
        pool.policy.loaded(page, frame, f.isWrite(), now, nextUse);
        if (pendingKill != null) {
            return kill(p, f, r, takePendingKill());
        }
        lastFault = new Fault(p.pid, vaddr, pfn, slot, victimPid, victimVaddr, victimDirty);
        if (events.enabled()) {
            events.emit(new KernelEvent.PageLoaded(p.pid, vaddr, pfn, frame, slot));
        }
        return FaultHandler.Resolution.RESOLVED;
    }

    /**
     * Takes {@code page} out of its frame: written to swap when its PTE is dirty, its PTE cleared
     * or turned into a swap entry. The frame stays in the pool's {@code pfnAt} for the caller.
     *
     * @return {@link #CLEAN}, {@link #DIRTY} (written back), or {@link #NO_SLOT} when it is dirty
     *         and the swap device has no slot for it (nothing changed)
     */
    private int evict(PagePool pool, int page, Eviction why) {
        Process q = pool.ownerOf[page];
        int index = pool.indexOf[page];
        long vaddr = Process.vaddrOf(index);
        long pfn = pool.pfnAt[pool.frameOf[page]];
        PageEntries entries = q.space.entries();
        boolean dirty = (entries.pte(vaddr) & Pte.DIRTY) != 0;
        int slot = q.slot(index);
        if (dirty) {
            if (slot < 0) {
                slot = swap.allocate();
                if (slot < 0) {
                    return NO_SLOT;
                }
                q.setSlot(index, slot);
                q.slotsHeld++;
            }
            swap.write(slot, memory, pfn);
            q.pageOuts++;
        } else if (slot >= 0) {
            q.writesAvoided++;
        }
        if (slot >= 0) {
            entries.swapOut(vaddr, SwapDevice.entryOf(slot));
        } else {
            q.space.unmapPage(vaddr);
        }
        pool.remove(page);
        q.resident--;
        q.evictions++;
        if (events.enabled()) {
            events.emit(new KernelEvent.PageEvicted(q.pid, vaddr, pfn, dirty, slot, why));
        }
        return dirty ? DIRTY : CLEAN;
    }

    /** {@link PagePool#release}: a variable-allocation policy gives a page's frame back. */
    void release(PagePool pool, int page) {
        int frame = pool.frameOf[page];
        long pfn = pool.pfnAt[frame];
        if (evict(pool, page, Eviction.RELEASED) == NO_SLOT) {
            if (pendingKill == null) {
                pendingKillOwner = pool.ownerOf[page];
                pendingKill = "the swap device is full (" + swap.slots() + " slots): page "
                        + Addresses.hex(pool.vaddrOf(page)) + " of " + pool.ownerOf[page]
                        + ", which the policy released, is dirty and has no slot";
            }
            return;
        }
        giveBack(pfn);
        pool.frameLeftEmpty(frame);
    }

    /** A process page's frame goes back to the frame allocator. */
    private void giveBack(long pfn) {
        frames.free(pfn);
        framesInUse--;
    }

    /**
     * {@link PagePool#testAndClearReferenced}: the PTE's A bit, cleared with the INVLPG a kernel
     * needs, or without it under the lesson switch. Only the clear of A skips it: a victim's PTE is
     * always invalidated, or the process would go on using a stale translation to a frame that now
     * holds another page (a different bug, which corrupts memory instead of degrading Clock).
     */
    boolean testAndClearAccessed(Process q, long vaddr) {
        boolean wasSet = q.space.entries().testAndClearAccessed(vaddr, !config.skipInvlpg());
        if (events.enabled()) {
            events.emit(new KernelEvent.AccessedTested(q.pid, vaddr, wasSet));
        }
        return wasSet;
    }

    private FaultHandler.Resolution kill(Process p, PageFault f, Region r, String why) {
        p.killReport = new Process.KillReport(f.linearAddress(), f.errorCode(), r, why);
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessKilled(p.pid, f.linearAddress(), f.errorCode(), why));
        }
        teardown(p, Process.State.KILLED);
        return FaultHandler.Resolution.UNHANDLED;
    }

    // ---------------------------------------------------------------- load control

    /**
     * The process load control suspends when a fault finds the frame budget spent: the lowest
     * priority, and among those the one most recently spawned or resumed (the last admitted is the
     * first out, so the processes that have run longest keep their progress), the faulting
     * process included.
     */
    private Process loadControlVictim() {
        Process chosen = null;
        for (Process q : live) {
            if (q.state == Process.State.SUSPENDED || q.resident == 0) {
                continue;
            }
            if (chosen == null || q.priority < chosen.priority
                    || q.priority == chosen.priority && q.admitted > chosen.admitted) {
                chosen = q;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("load control: the frame budget of " + config.frames()
                    + " is spent but no process holds a frame");
        }
        return chosen;
    }

    /**
     * Suspends {@code p} (load control, or by hand): every page it holds is evicted (dirty ones
     * written to swap) and its frames go back; it does not run until {@link #resume}d. Its policy
     * starts afresh when it comes back.
     *
     * @throws IllegalStateException when it has ended or is suspended already
     * @throws ProcessException      when a dirty page finds no swap slot (the pages evicted so far stay out)
     */
    public void suspend(Process p) {
        requireLive("suspend", p);
        if (p.state == Process.State.SUSPENDED) {
            throw new IllegalStateException("suspend: " + p + " is suspended already");
        }
        if (p.pool == null) {
            throw new IllegalStateException("suspend: only processes with a pool of their own (local scope) can be"
                    + " suspended; under global scope their pages are the one pool's");
        }
        if (current == p) {
            kernel.spaces().switchTo(kernel.space());
            current = null;
        }
        PagePool pool = p.pool;
        p.residentAtSuspension = p.resident;
        for (int f = 0; f < pool.pageAt.length; f++) {
            int page = pool.pageAt[f];
            if (page >= 0) {
                long pfn = pool.pfnAt[f];
                if (evict(pool, page, Eviction.SUSPENDED) == NO_SLOT) {
                    throw new ProcessException("suspend " + p + ": the swap device is full (" + swap.slots()
                            + " slots) and page " + Addresses.hex(pool.vaddrOf(page)) + " is dirty");
                }
                giveBack(pfn);
                pool.frameLeftEmpty(f);
            }
        }
        pool.rebuild(pool.capacity, () -> registry.create(config.policy(), config.policyConfig(), pool));
        p.state = Process.State.SUSPENDED;
        p.suspensions++;
        suspensions++;
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessSuspended(p.pid, p.residentAtSuspension));
        }
    }

    /**
     * Lets the suspended {@code p} run again; its pages come back on demand.
     *
     * @throws IllegalStateException when it is not suspended
     */
    public void resume(Process p) {
        requireLive("resume", p);
        if (p.state != Process.State.SUSPENDED) {
            throw new IllegalStateException("resume: " + p + " is not suspended");
        }
        p.state = Process.State.READY;
        p.admitted = ++admissions;
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessResumed(p.pid));
        }
    }

    /**
     * Load control's other half: resumes the suspended process that has waited longest when the
     * free part of the frame budget holds the pages it had when it was suspended (its working set
     * then), and returns it; null when none is suspended or there is no room yet.
     */
    public Process resumeWhenRoom() {
        Process longest = null;
        for (Process q : live) {
            if (q.state == Process.State.SUSPENDED && (longest == null || q.admitted < longest.admitted)) {
                longest = q;
            }
        }
        if (longest == null || config.frames() - framesInUse < Math.max(1, longest.residentAtSuspension)) {
            return null;
        }
        resume(longest);
        return longest;
    }

    /** Frames holding process pages now (at most the configuration's frames). */
    public int framesInUse() {
        return framesInUse;
    }

    /** Suspensions load control (or a caller) made so far. */
    public long suspensions() {
        return suspensions;
    }

    // ---------------------------------------------------------------- teardown and quotas

    private void teardown(Process p, Process.State end) {
        if (current == p) {
            kernel.spaces().switchTo(kernel.space());
            current = null;
        }
        PagePool pool = p.pool != null ? p.pool : global;
        long framesFreed = 0;
        for (int f = 0; f < pool.pageAt.length; f++) {
            int page = pool.pageAt[f];
            if (page >= 0 && pool.ownerOf[page] == p) {
                long pfn = pool.pfnAt[f];
                p.space.unmapPage(pool.vaddrOf(page));
                pool.remove(page);
                pool.frameLeftEmpty(f);
                giveBack(pfn);
                framesFreed++;
            }
        }
        p.resident = 0;
        long slotsFreed = 0;
        for (int index = 0; index < p.slots.length; index++) {
            int slot = p.slots[index];
            if (slot >= 0) {
                long vaddr = Process.vaddrOf(index);
                if (PageEntries.isSwapEntry(p.space.entries().pte(vaddr))) {
                    p.space.unmapPage(vaddr);
                }
                swap.release(slot);
                p.slots[index] = -1;
                slotsFreed++;
            }
        }
        p.slotsHeld = 0;
        long tables = p.space.pageTables();
        kernel.spaces().destroy(p.space);
        kernel.vm().kunmap(p.bitmapVaddr, FrameOwner.KERNEL_DATA);
        p.state = end;
        live.remove(p);
        if (events.enabled()) {
            events.emit(new KernelEvent.ProcessExited(p.pid, framesFreed, tables, slotsFreed));
        }
        if (config.scope() == Scope.LOCAL) {
            p.pool = null;
            if (config.loadControl()) {
                allocation = null;
            } else if (!live.isEmpty()) {
                applyQuotas(divide(null, 0, 0));
            } else {
                allocation = null;
            }
        } else {
            global.rebuild(global.capacity, () -> registry.create(config.policy(), config.policyConfig(), global));
        }
    }

    /**
     * The frames divided among the live processes, plus a new one ({@code name} non-null) of
     * {@code size} and {@code priority}.
     */
    private FrameAllocation divide(String name, long size, long priority) {
        int n = live.size() + (name == null ? 0 : 1);
        long[] sizes = new long[n];
        long[] priorities = new long[n];
        for (int i = 0; i < live.size(); i++) {
            sizes[i] = live.get(i).size;
            priorities[i] = live.get(i).priority;
        }
        if (name != null) {
            sizes[n - 1] = size;
            priorities[n - 1] = priority;
        }
        // Messages name processes as the kernel does: by pid and name, the new one by its name.
        IntFunction<String> names = i -> i < live.size() ? live.get(i).toString() : name + " (being spawned)";
        try {
            return FrameAllocation.divide(config.allocation(), config.frames(), sizes, priorities, config.minimumFor(n),
                    names);
        } catch (IllegalArgumentException e) {
            throw new ProcessException((name == null ? "" : "spawn " + name + ": ") + e.getMessage());
        }
    }

    /** Refuses a spawn whose new quotas would push out more dirty pages without a slot than swap has free slots. */
    private void checkSwapForShrink(String name, FrameAllocation quotas) {
        long needed = 0;
        for (int i = 0; i < live.size(); i++) {
            PagePool pool = live.get(i).pool;
            int quota = quotas.quota(i);
            for (int f = quota; pool != null && f < pool.pageAt.length; f++) {
                int page = pool.pageAt[f];
                if (page >= 0) {
                    Process q = pool.ownerOf[page];
                    int index = pool.indexOf[page];
                    if (q.slot(index) < 0 && (q.space.entries().pte(Process.vaddrOf(index)) & Pte.DIRTY) != 0) {
                        needed++;
                    }
                }
            }
        }
        if (needed > swap.free()) {
            throw new ProcessException("spawn " + name + ": the new quotas push out " + needed + " dirty pages with no"
                    + " swap slot, but the swap device has only " + swap.free() + " free");
        }
    }

    private void applyQuotas(FrameAllocation quotas) {
        allocation = quotas;
        for (int i = 0; i < live.size(); i++) {
            Process p = live.get(i);
            int quota = quotas.quota(i);
            if (p.pool == null) {
                p.pool = newLocalPool(p, quota);
            } else if (p.pool.capacity != quota) {
                PagePool pool = p.pool;
                for (int f = quota; f < pool.pageAt.length; f++) {
                    int page = pool.pageAt[f];
                    if (page >= 0) {
                        long pfn = pool.pfnAt[f];
                        if (evict(pool, page, Eviction.OVER_QUOTA) == NO_SLOT) {
                            throw new IllegalStateException("swap ran out while giving frames back to a new quota,"
                                    + " after the spawn checked it had room");
                        }
                        giveBack(pfn);
                        pool.frameLeftEmpty(f);
                    }
                }
                pool.rebuild(quota, () -> registry.create(config.policy(), config.policyConfig(), pool));
            }
        }
    }

    private PagePool newLocalPool(Process p, int capacity) {
        PagePool pool = new PagePool(this, p, capacity);
        pool.installPolicy(registry.create(config.policy(), config.policyConfig(), pool));
        pool.everyReference = info.visibility() == Visibility.EVERY_REFERENCE;
        return pool;
    }

    private void requireLive(String what, Process p) {
        Objects.requireNonNull(p, what + ": process");
        if (!live.contains(p)) {
            throw new IllegalStateException(what + ": " + p + " is not a live process of this kernel (it is "
                    + p.state.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }

    // ---------------------------------------------------------------- reading

    /** The kernel these processes run on. */
    public Kernel kernel() {
        return kernel;
    }

    /** The configuration. */
    public ProcessConfig config() {
        return config;
    }

    /** What the policy needs to be shown. */
    public PolicyInfo policy() {
        return info;
    }

    /**
     * Whether the policy needs the simulator's reference hook (every reference, in order): not
     * implementable in a real kernel, which learns of hits only through the A and D bits.
     */
    public boolean needsReferenceHook() {
        return info.visibility() == Visibility.EVERY_REFERENCE;
    }

    /** The swap device. */
    public SwapDevice swap() {
        return swap;
    }

    /** The running process, or null when the kernel's own directory is loaded. */
    public Process current() {
        return current;
    }

    /** The processes alive now, in the order they were spawned. */
    public List<Process> live() {
        return List.copyOf(live);
    }

    /** Every process spawned, ended ones included, in the order they were spawned. */
    public List<Process> all() {
        return List.copyOf(all);
    }

    /** The frames divided among the live processes (local scope), or null (global scope, or none alive). */
    public FrameAllocation allocation() {
        return allocation;
    }

    /** The last fault the handler resolved, or null. */
    public Fault lastFault() {
        return lastFault;
    }

    /** The faults the handler has resolved. */
    public long faultsResolved() {
        return faultsResolved;
    }

    /**
     * The MMU's counts inside the page-fault handler so far: the kernel's own accesses (page
     * tables through its windows, the temporary slot) and the INVLPGs it issued, apart from the
     * processes' references. The MMU's own {@link dev.pagelab.hw.Mmu#stats()} counts both.
     */
    public MmuStats.Snapshot handlerMmu() {
        return handlerMmu;
    }

    /** Wall-clock nanoseconds spent in the page-fault handler so far (the simulator's time, not simulated time). */
    public long handlerNanos() {
        return handlerNanos;
    }

    /** The pages of {@code p} in frames now, as addresses, in the order of their pool frames. */
    public List<Long> residentPages(Process p) {
        PagePool pool = p.pool != null ? p.pool : global;
        List<Long> pages = new ArrayList<>();
        if (pool == null) {
            return pages;
        }
        for (int f = 0; f < pool.pageAt.length; f++) {
            int page = pool.pageAt[f];
            if (page >= 0 && pool.ownerOf[page] == p) {
                pages.add(pool.vaddrOf(page));
            }
        }
        return pages;
    }

    /**
     * Checks every pool against the page tables, the frame accounting and the swap device: each
     * resident page is present in its process's tables in the pool frame's physical frame, held as
     * that process's frame; no frame is in two pools; every non-resident page with a slot has its
     * swap entry; the slots held add up to the device's.
     *
     * @throws AssertionError naming the first disagreement
     */
    public void checkInvariants() {
        ProcessChecks.check(global, live, swap, frames, framesInUse, config.frames());
    }
}
