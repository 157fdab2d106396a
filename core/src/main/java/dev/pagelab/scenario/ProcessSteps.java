package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.MmuStats;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.proc.Process;
import dev.pagelab.proc.ProcessException;
import dev.pagelab.proc.ProcessStats;
import dev.pagelab.proc.Processes;
import dev.pagelab.proc.Region;
import dev.pagelab.proc.SwapDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * How the process steps run: spawn, exit, switch, access, a read or a write in a process, tick
 * and ps, each one call into {@link Processes}; and what they report: how an access went (a hit,
 * a fault with the page zero-filled or read back from swap and the victim it cost, a kill and
 * why), the process's resident set and counts after the step, and the swap device's slots in use.
 *
 * <p>A process's read and write move one byte ({@link Processes#read8}, {@link Processes#write8});
 * {@code access} is a reference that moves no data ({@link Processes#touch}). Each switches to
 * its process first when another runs, as the kernel would, so that the step's walk, TLB outcome
 * and A and D bits are the process's.
 */
final class ProcessSteps {
    /** {@link Field#VICTIM} when no page was evicted. */
    static final String NO_VICTIM = "none";

    /** The regions of a process spawned without any: code 1 page (read-only), data 1, heap 2, stack 1. */
    static final List<Region.Spec> DEFAULT_REGIONS = List.of(Region.Spec.code(1), Region.Spec.data(1),
            Region.Spec.heap(2), Region.Spec.stack(1));

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    /** Why the kernel killed a process, worked out from its {@link Process.KillReport}. */
    enum KillKind {
        /** An access to page 0, which no region holds. */
        NULL_POINTER,
        /** A user access to the kernel half. */
        KERNEL_PAGE,
        /** An address no region of the process holds. */
        NO_REGION,
        /** A write to a read-only region (code). */
        READ_ONLY,
        /** Any other protection fault in a region. */
        PROTECTION,
        /** The page could not be loaded: no frame left, or a dirty victim and no free swap slot. */
        NO_MEMORY;

        static KillKind of(Process.KillReport k) {
            if (k.cr2() < KernelLayout.USER_HEAP_START) {
                return NULL_POINTER;
            }
            if (k.cr2() >= KernelLayout.USER_END) {
                return KERNEL_PAGE;
            }
            if (k.region() == null) {
                return NO_REGION;
            }
            if ((k.errorCode() & PageFault.ERR_WRITE) != 0 && !k.region().writable()) {
                return READ_ONLY;
            }
            return (k.errorCode() & PageFault.ERR_PRESENT) != 0 ? PROTECTION : NO_MEMORY;
        }
    }

    private ProcessSteps() {
    }

    // ---------------------------------------------------------------- reading spawn

    static Op.Spawn readSpawn(StepArguments a) {
        a.requireProcesses();
        YamlNodes nodes = a.nodes();
        Node nameNode = a.node("name");
        if (nameNode == null) {
            throw nodes.error(a.stepNode(), "spawn needs 'name': write it as spawn: NAME or spawn: {name: ...,"
                    + " regions: {code: 1, heap: 4}}");
        }
        String name = nodes.scalar(nameNode, "name", "a name such as a").strip();
        if (!NAME.matcher(name).matches() || name.equals(NO_VICTIM) || name.equals("kernel")) {
            throw nodes.error(nameNode, "name: '" + name + "' is not a process name: expected letters, digits, _ and -,"
                    + " not starting with a digit, and not 'none' or 'kernel'");
        }
        a.checkNewProcess(nameNode, name);
        long priority = positive(nodes, a.node("priority"), "priority", 1);
        long size = positive(nodes, a.node("size"), "size", -1);
        Node regionsNode = a.node("regions");
        List<Region.Spec> regions = regionsNode == null ? DEFAULT_REGIONS : regions(nodes, regionsNode);
        return new Op.Spawn(name, priority, size, regions);
    }

    private static long positive(YamlNodes nodes, Node node, String what, long otherwise) {
        if (node == null) {
            return otherwise;
        }
        int n = nodes.integer(node, what);
        if (n < 1) {
            throw nodes.error(node, what + ": expected 1 or more, got " + n);
        }
        return n;
    }

    /** {@code {code: 1, heap: {pages: 4}, ro: {pages: 2, writable: false}}}: in order, code read-only by default. */
    private static List<Region.Spec> regions(YamlNodes nodes, Node node) {
        Map<String, NodeTuple> keys = nodes.keys(nodes.mapping(node, "regions",
                "a mapping of regions to their pages, such as {code: 1, data: 2, heap: 4, stack: 1}"), null, "");
        if (keys.isEmpty()) {
            throw nodes.error(node, "regions: a process needs at least one region, such as {code: 1, heap: 4}");
        }
        List<Region.Spec> out = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            String name = e.getKey();
            Node value = e.getValue().getValueNode();
            boolean writable = !name.equals("code");
            int pages;
            if (value instanceof ScalarNode) {
                pages = nodes.integer(value, name);
            } else {
                Map<String, NodeTuple> region = nodes.keys(nodes.mapping(value, name, "its pages, or {pages: N,"
                        + " writable: true}"), List.of("pages", "writable"), "region key");
                if (!region.containsKey("pages")) {
                    throw nodes.error(value, name + ": needs 'pages', such as {pages: 4, writable: true}");
                }
                pages = nodes.integer(region.get("pages").getValueNode(), "pages");
                if (region.containsKey("writable")) {
                    writable = nodes.bool(region.get("writable").getValueNode(), "writable");
                }
            }
            if (pages < 1 || pages > Process.USER_AREA_PAGES) {
                throw nodes.error(value, name + ": expected 1 to " + Process.USER_AREA_PAGES + " pages, got " + pages);
            }
            total += pages;
            out.add(new Region.Spec(name, pages, writable));
        }
        if (total > Process.USER_AREA_PAGES) {
            throw nodes.error(node, "regions: " + total + " pages in all, more than the " + Process.USER_AREA_PAGES
                    + " of the user area " + Addresses.hex(KernelLayout.USER_HEAP_START) + "-"
                    + Addresses.hex(KernelLayout.USER_END - 1));
        }
        return out;
    }

    // ---------------------------------------------------------------- running

    static void spawn(Op.Spawn op, StepContext c, StepResult r) {
        Process p;
        try {
            p = c.processes().spawn(op.process(), op.priority(), op.regions(), op.size());
        } catch (ProcessException e) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, e.getMessage());
            return;
        }
        c.spawned(op.process(), p);
        ProcessStats s = p.stats();
        r.value(p.pid(), p + ": page directory in frame " + Addresses.hex(p.space().directoryPfn()) + "; "
                + String.join(", ", p.regions().stream().map(Region::toString).toList())
                + (s.quota() >= 0 ? "; quota " + frames(s.quota()) : "") + quotasOfOthers(c.processes(), p));
        processFields(c, p, r);
    }

    static void exit(Op.Exit op, StepContext c, StepResult r) {
        Process p = c.process(op.process());
        ProcessStats before = p.stats();
        c.processes().exit(p);
        r.text(p + " exited: " + frames(before.resident()) + " and " + before.swapSlots() + " swap slot"
                + (before.swapSlots() == 1 ? "" : "s") + " freed, its page tables and directory too"
                + quotasOfOthers(c.processes(), p));
        processFields(c, p, r);
    }

    static void switchTo(Op.Switch op, StepContext c, StepResult r) {
        Process p = c.process(op.process());
        c.processes().switchTo(p);
        r.text("CR3 = " + Addresses.hex(c.mmu().cr3()) + ", the directory of " + p
                + ": the TLB keeps only global entries");
        r.put(Field.SWAP_USED, (long) c.processes().swap().used());
    }

    static void access(Op.Access op, StepContext c, StepResult r) {
        Process p = c.process(op.process());
        long vaddr = c.resolve(op.vaddr());
        inProcess(c, r, p, vaddr, op.write(), () -> {
            c.processes().touch(p, vaddr, op.write());
            return 0;
        }, ignored -> r.text(op.write() ? "write reference" : "reference"));
    }

    static void read(Op.Read op, StepContext c, StepResult r) {
        Process p = c.process(op.process());
        long vaddr = c.resolve(op.vaddr());
        inProcess(c, r, p, vaddr, false, () -> c.processes().read8(p, vaddr),
                value -> r.value(value, Addresses.hex(value)));
    }

    static void write(Op.Write op, StepContext c, StepResult r) {
        Process p = c.process(op.process());
        long vaddr = c.resolve(op.vaddr());
        long value = c.resolve(op.value());
        inProcess(c, r, p, vaddr, true, () -> {
            c.processes().write8(p, vaddr, (int) value);
            return 0;
        }, ignored -> r.text("wrote " + Addresses.hex(value & 0xFF)));
    }

    /**
     * A plain {@code read} with {@code user: true} while {@code p} runs: an access at CPL 3 with
     * p's directory in CR3 is p's own, whoever wrote the step, so it runs as
     * {@code read: {process: p, ...}} does (a reference of p, told to its policy; a fault handled
     * by the kernel: the page loaded, or p killed), with the step's size. A string is refused: a
     * process's access is one reference to one page.
     */
    static void readAsRunning(Op.Read op, Process p, StepContext c, StepResult r) {
        long vaddr = c.resolve(op.vaddr());
        if (op.length() > 0) {
            throw new IllegalArgumentException("read: " + op.length() + " bytes at " + Addresses.hex(vaddr) + " with user:"
                    + " true while " + p + " runs: an access at CPL 3 is " + p.name() + "'s, one reference to one page,"
                    + " so read 1, 2 or 4 bytes (size:) at a time");
        }
        inProcess(c, r, p, vaddr, false, () -> (int) c.processes().read(p, vaddr, op.size()),
                value -> r.value(Integer.toUnsignedLong(value), Addresses.hex(Integer.toUnsignedLong(value)) + " (" + p
                        + " runs: a read at CPL 3 is its reference)"));
    }

    /** A plain {@code write} with {@code user: true} while {@code p} runs: p's access, as {@link #readAsRunning}. */
    static void writeAsRunning(Op.Write op, Process p, StepContext c, StepResult r) {
        long vaddr = c.resolve(op.vaddr());
        if (op.string() != null) {
            throw new IllegalArgumentException("write: a string at " + Addresses.hex(vaddr) + " with user: true while "
                    + p + " runs: an access at CPL 3 is " + p.name() + "'s, one reference to one page, so write 1, 2"
                    + " or 4 bytes (value:, size:) at a time");
        }
        long value = op.value() == null ? 0 : c.resolve(op.value());
        long mask = op.size() == 4 ? 0xFFFF_FFFFL : (1L << (8 * op.size())) - 1;
        inProcess(c, r, p, vaddr, true, () -> {
            c.processes().write(p, vaddr, op.size(), value);
            return 0;
        }, ignored -> r.text("wrote " + Addresses.hex(value & mask) + " (" + p + " runs: a write at CPL 3 is its"
                + " reference)"));
    }

    static void tick(Op.Tick op, StepContext c, StepResult r) {
        c.processes().tick();
        r.text("every pool's policy (" + c.processes().config().policy() + ") ticked");
        r.put(Field.SWAP_USED, (long) c.processes().swap().used());
    }

    static void ps(Op.Ps op, StepContext c, StepResult r) {
        Processes ps = c.processes();
        List<Process> shown = op.process() == null ? ps.all() : List.of(c.process(op.process()));
        List<String> d = r.details();
        d.add("processes: " + describeSetup(ps));
        for (Process p : shown) {
            d.addAll(ProcessViews.process(c.kernel().memory(), ps, p));
        }
        d.add(ProcessViews.swap(ps.swap()));
        long alive = ps.live().size();
        r.text(alive + " process" + (alive == 1 ? "" : "es") + " alive, " + (ps.all().size() - alive) + " ended; swap "
                + ps.swap().used() + " of " + ps.swap().slots() + " slots in use");
        if (op.process() != null) {
            processFields(c, shown.get(0), r);
        } else {
            r.put(Field.SWAP_USED, (long) ps.swap().used());
        }
    }

    /** The setup's line, as the runner's header prints it. */
    static String describeSetup(Processes ps) {
        return new ProcessSetup(ps.config(), ps.needsReferenceHook(), 0, 0).describe();
    }

    // ---------------------------------------------------------------- an access of a process

    /**
     * Runs {@code call}, an access of {@code p} to {@code vaddr} through the kernel, and reports how
     * it went: {@code head} gets what the call returned and writes the step's line; then where the
     * access went in the process's tables (the TLB's part, the A and D bits set); then a hit, or a
     * fault (what was loaded, the victim); or the kill instead. Then the process after it.
     */
    private static void inProcess(StepContext c, StepResult r, Process p, long vaddr, boolean write, IntSupplier call,
                                  IntConsumer head) {
        Processes ps = c.processes();
        if (ps.current() != p) {
            ps.switchTo(p);
        }
        WalkExplanation before = c.mmu().explain(vaddr);
        MmuStats.Snapshot stats = c.mmu().stats().snapshot();
        long faultsBefore = ps.faultsResolved();
        ProcessException refused = null;
        int returned = 0;
        try {
            returned = call.getAsInt();
        } catch (ProcessException e) {
            refused = e;
        }
        if (p.state() == Process.State.KILLED) {
            Process.KillReport k = p.killReport();
            r.put(Field.HIT, false);
            r.put(Field.KILLED, Keys.of(KillKind.of(k)));
            r.fail(Failure.Kind.KILLED, p + " was killed: " + k);
            processFields(c, p, r);
            return;
        }
        if (refused != null) {
            r.fail(Failure.Kind.OUT_OF_MEMORY, refused.getMessage());
            return;
        }
        boolean fault = ps.faultsResolved() != faultsBefore;
        r.put(Field.HIT, !fault);
        Processes.Fault f = fault ? ps.lastFault() : null;
        r.put(Field.ZERO_FILLED, f != null && f.fromSlot() < 0);
        if (f != null && f.fromSlot() >= 0) {
            r.put(Field.FROM_SLOT, (long) f.fromSlot());
        }
        String victim = NO_VICTIM;
        if (f != null && f.evicted()) {
            Process owner = byPid(ps, f.victimPid());
            victim = victim(owner.name(), f.victimVaddr());
            int slot = owner.swapSlotOf(f.victimVaddr());
            if (slot >= 0) {
                r.put(Field.TO_SLOT, (long) slot);
            }
        }
        r.put(Field.VICTIM, victim);
        r.put(Field.WRITTEN_BACK, f != null && f.victimDirty());
        head.accept(returned);
        // A fault is a miss whatever the handler's own accesses through the TLB were.
        CpuSteps.access(c, vaddr, write, 3, before, stats, fault ? "miss" : null, r);
        r.appendText(fault ? "; page fault: " + loaded(f) + evicted(ps, f) : "; hit: the page is resident");
        processFields(c, p, r);
    }

    private static String loaded(Processes.Fault f) {
        return Addresses.hex(f.vaddr()) + (f.fromSlot() < 0 ? " zero-filled (first touch)"
                : " read back from swap slot " + f.fromSlot()) + " into frame " + Addresses.hex(f.pfn());
    }

    private static String evicted(Processes ps, Processes.Fault f) {
        if (!f.evicted()) {
            return ", a free frame of its pool (no victim)";
        }
        Process owner = byPid(ps, f.victimPid());
        int slot = owner.swapSlotOf(f.victimVaddr());
        return "; victim " + victim(owner.name(), f.victimVaddr()) + ": " + (f.victimDirty()
                ? "dirty, written to swap slot " + slot : slot >= 0 ? "clean, dropped (swap slot " + slot + " keeps its copy: no write)"
                : "clean and never written, dropped (it comes back zero-filled)");
    }

    private static Process byPid(Processes ps, int pid) {
        for (Process q : ps.all()) {
            if (q.pid() == pid) {
                return q;
            }
        }
        throw new IllegalStateException("no process has pid " + pid);
    }

    /** The fields every process step reports of its process after the step. */
    private static void processFields(StepContext c, Process p, StepResult r) {
        ProcessStats s = p.stats();
        r.put(Field.RESIDENT, pages(c.processes().residentPages(p)));
        r.put(Field.FAULTS, s.faults());
        r.put(Field.ZERO_FILLS, s.zeroFills());
        r.put(Field.PAGE_INS, s.pageIns());
        r.put(Field.PAGE_OUTS, s.pageOuts());
        r.put(Field.WRITES_AVOIDED, s.writesAvoided());
        r.put(Field.EVICTIONS, s.evictions());
        if (s.quota() >= 0 && !p.state().ended()) {
            r.put(Field.QUOTA, (long) s.quota());
        }
        r.put(Field.SWAP_USED, (long) c.processes().swap().used());
    }

    /** {@code ; quotas now: b 2 frames} under local scope when others live, else nothing. */
    private static String quotasOfOthers(Processes ps, Process p) {
        List<String> others = new ArrayList<>();
        for (Process q : ps.live()) {
            if (q != p && q.stats().quota() >= 0) {
                others.add(q.name() + " " + q.stats().quota());
            }
        }
        return others.isEmpty() ? "" : "; quotas now: " + String.join(", ", others);
    }

    private static String frames(long n) {
        return n + " frame" + (n == 1 ? "" : "s");
    }

    // ---------------------------------------------------------------- the forms expect: compares

    /** A victim as {@link Field#VICTIM} writes it: {@code a 0x00003000}. */
    static String victim(String process, long vaddr) {
        return process + " " + Addresses.hex(Addresses.alignDown(vaddr));
    }

    /** A set of pages as {@link Field#RESIDENT} writes it: {@code [0x00001000, 0x00003000]}, sorted. */
    static String pages(List<Long> vaddrs) {
        return "[" + String.join(", ", vaddrs.stream().map(Addresses::alignDown).sorted().distinct()
                .map(Addresses::hex).toList()) + "]";
    }

    /** Pagelab's swap entry in a not-present PTE of the user half, for {@link WalkExplanation#render(WalkExplanation.OsBits)}. */
    static final WalkExplanation.OsBits SWAP_ENTRIES = (vaddr, level, entry) -> {
        int slot = SwapDevice.slotOf(entry);
        if (level != WalkExplanation.Level.TABLE || vaddr >= KernelLayout.USER_END || slot < 0) {
            return null;
        }
        return String.format(Locale.ROOT, "pagelab's swap entry: the page's copy is in swap slot %d (bits 31:12 = %d;"
                + " bit 1 set, so that slot 0 is not the empty entry 0)", slot, slot);
    };

    /**
     * Fills the fields of explain in a process from the PTE its walk found (0 when no table covers
     * the page), and adds the PTE, flag by flag, to the step's line.
     */
    static void pteFields(WalkExplanation walk, StepResult r) {
        int pte = 0;
        for (WalkExplanation.Step s : walk.steps()) {
            if (s.level() == WalkExplanation.Level.TABLE) {
                pte = s.entry();
            }
        }
        boolean present = Pte.isPresent(pte);
        r.put(Field.PTE, pte & 0xFFFF_FFFFL);
        r.put(Field.PRESENT, present);
        r.put(Field.ACCESSED, present && (pte & Pte.ACCESSED) != 0);
        r.put(Field.DIRTY, present && (pte & Pte.DIRTY) != 0);
        int slot = present ? -1 : SwapDevice.slotOf(pte);
        if (slot >= 0) {
            r.put(Field.SWAP_SLOT, (long) slot);
        }
        r.appendText("; PTE " + Addresses.hex(pte & 0xFFFF_FFFFL) + " (" + (present ? Pte.flagNames(pte)
                : slot >= 0 ? "not present: swap entry, slot " + slot : pte == 0 ? "empty" : "not present") + ")");
    }
}
