package dev.pagelab.scenario;

import static dev.pagelab.scenario.Argument.flag;
import static dev.pagelab.scenario.Argument.node;
import static dev.pagelab.scenario.Argument.number;
import static dev.pagelab.scenario.Argument.process;

import dev.pagelab.hw.Addresses;
import dev.pagelab.paging.KernelLayout;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Every kind of scenario step, one {@link StepKind} entry each, in the order the documentation
 * lists them: its name, the record it reads into, its arguments, its result, whether it uses the
 * heap, how it is read and how it runs. The reader, the runner, {@link Op#result()} and
 * {@link Op#fields()} all take what they need about a step from here, so a new step is its record
 * in {@link Op}, one entry here and the method that runs it; nothing else switches on the kinds.
 *
 * <p>The entries read most steps from their arguments alone; {@code read}, {@code write} and
 * {@code snapshot}, whose arguments depend on each other, have readers of their own below, and
 * {@code spawn} has one in {@link ProcessSteps}. {@code read}, {@code write} and {@code explain}
 * with {@code process:} are a process's, run by {@link ProcessSteps}.
 */
final class StepCatalog {
    private static final Set<Field> ADDRESS = EnumSet.of(Field.PADDR, Field.FRAME);
    /** What a step reports of its process after it. */
    private static final Set<Field> PROCESS = EnumSet.of(Field.RESIDENT, Field.FAULTS, Field.ZERO_FILLS, Field.PAGE_INS,
            Field.PAGE_OUTS, Field.WRITES_AVOIDED, Field.EVICTIONS, Field.QUOTA, Field.SWAP_USED);
    /** What a process's access reports: how it went, the victim, where it went, and its process after it. */
    private static final Set<Field> IN_PROCESS = union(PROCESS, EnumSet.of(Field.HIT, Field.ZERO_FILLED,
            Field.FROM_SLOT, Field.VICTIM, Field.WRITTEN_BACK, Field.TO_SLOT, Field.KILLED, Field.PADDR, Field.FRAME,
            Field.TLB));
    private static final Set<Field> IN_PROCESS_READ = union(IN_PROCESS, EnumSet.of(Field.VALUE));
    /** What explain reports of a process's page-table entry. */
    private static final Set<Field> EXPLAIN_IN_PROCESS = EnumSet.of(Field.PADDR, Field.FRAME, Field.MAPPED, Field.PTE,
            Field.PRESENT, Field.ACCESSED, Field.DIRTY, Field.SWAP_SLOT);
    private static final int DEFAULT_BITMAP_PAGES = 32;
    private static final int MAX_READ_BYTES = Addresses.PAGE_BYTES;

    private static final List<StepKind<?>> KINDS = List.of(
            heap("kmalloc", Op.Kmalloc.class, List.of(number("bytes", Quantity.NUMBER)),
                    a -> new Op.Kmalloc(a.value("bytes")), HeapSteps::kmalloc),
            heap("kcalloc", Op.Kcalloc.class, List.of(number("count", Quantity.NUMBER), number("size", Quantity.NUMBER)),
                    a -> new Op.Kcalloc(a.value("count"), a.value("size")), HeapSteps::kcalloc),
            heap("krealloc", Op.Krealloc.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS),
                    number("bytes", Quantity.NUMBER)), a -> new Op.Krealloc(a.value("vaddr"), a.value("bytes")),
                    HeapSteps::krealloc),
            heap("kmallocAligned", Op.KmallocAligned.class, List.of(number("bytes", Quantity.NUMBER),
                    number("alignment", Quantity.NUMBER)), a -> new Op.KmallocAligned(a.value("bytes"),
                    a.value("alignment")), HeapSteps::kmallocAligned),
            new StepKind<>("kfree", Op.Kfree.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)), nothing(),
                    noFields(), true, a -> new Op.Kfree(a.value("vaddr")), HeapSteps::kfree),
            kind("kmmap", Op.Kmmap.class, List.of(number("bytes", Quantity.NUMBER)), Quantity.VIRTUAL_ADDRESS, ADDRESS,
                    a -> new Op.Kmmap(a.value("bytes")), PagingSteps::kmmap),
            kind("kunmap", Op.Kunmap.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)), Quantity.NUMBER,
                    Set.of(), a -> new Op.Kunmap(a.value("vaddr")), PagingSteps::kunmap),
            kind("allocFrame", Op.AllocFrame.class, List.of(Argument.owner("owner")), Quantity.FRAME, ADDRESS,
                    a -> new Op.AllocFrame(a.owner("owner")), PagingSteps::allocFrame),
            kind("freeFrame", Op.FreeFrame.class, List.of(number("frame", Quantity.FRAME)), null, Set.of(),
                    a -> new Op.FreeFrame(a.value("frame")), PagingSteps::freeFrame),
            kind("mapPage", Op.MapPage.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS),
                    number("frame", Quantity.FRAME), flag("writable", true), flag("user", false)), null, ADDRESS,
                    a -> new Op.MapPage(a.value("vaddr"), a.value("frame"), a.flag("writable"), a.flag("user")),
                    PagingSteps::mapPage),
            kind("unmapPage", Op.UnmapPage.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)), Quantity.FRAME,
                    Set.of(), a -> new Op.UnmapPage(a.value("vaddr")), PagingSteps::unmapPage),
            kind("updateFlags", Op.UpdateFlags.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS),
                    flag("writable", true), flag("user", false)), null, Set.of(),
                    a -> new Op.UpdateFlags(a.value("vaddr"), a.flag("writable"), a.flag("user")),
                    PagingSteps::updateFlags),
            kind("getFrameAddr", Op.GetFrameAddr.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)),
                    Quantity.PHYSICAL_ADDRESS, ADDRESS, a -> new Op.GetFrameAddr(a.value("vaddr")),
                    PagingSteps::getFrameAddr),
            new StepKind<>("read", Op.Read.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS), node("size"),
                    node("length"), flag("user", false), process("process", false)),
                    r -> r.length() > 0 ? null : Quantity.NUMBER,
                    r -> r.process() != null ? IN_PROCESS_READ : EnumSet.of(r.length() > 0 ? Field.STRING : Field.VALUE,
                            Field.PADDR, Field.FRAME, Field.FAULT, Field.TLB), false, StepCatalog::read,
                    (op, c, r) -> {
                        if (op.process() != null) {
                            ProcessSteps.read(op, c, r);
                        } else {
                            CpuSteps.read(op, c, r);
                        }
                    }),
            new StepKind<>("write", Op.Write.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS), node("value"),
                    node("string"), node("size"), flag("user", false), process("process", false)), nothing(),
                    w -> w.process() != null ? IN_PROCESS : EnumSet.of(Field.PADDR, Field.FRAME, Field.FAULT, Field.TLB),
                    false, StepCatalog::write, (op, c, r) -> {
                        if (op.process() != null) {
                            ProcessSteps.write(op, c, r);
                        } else {
                            CpuSteps.write(op, c, r);
                        }
                    }),
            new StepKind<>("explain", Op.Explain.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS),
                    process("process", false)), nothing(), e -> e.process() != null ? EXPLAIN_IN_PROCESS
                    : EnumSet.of(Field.PADDR, Field.FRAME, Field.MAPPED), false,
                    a -> new Op.Explain(a.value("vaddr"), a.process("process")), CpuSteps::explain),
            kind("invlpg", Op.Invlpg.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)), null, Set.of(),
                    a -> new Op.Invlpg(a.value("vaddr")), CpuSteps::invlpg),
            kind("skipInvlpg", Op.SkipInvlpg.class, List.of(Argument.requiredFlag("skip")), null, Set.of(),
                    a -> new Op.SkipInvlpg(a.flag("skip")), PagingSteps::skipInvlpg),
            kind("spawn", Op.Spawn.class, List.of(node("name"), node("priority"), node("size"), node("regions")),
                    Quantity.NUMBER, PROCESS, ProcessSteps::readSpawn, ProcessSteps::spawn),
            kind("exit", Op.Exit.class, List.of(process("process", true)), null, PROCESS,
                    a -> new Op.Exit(a.process("process")), ProcessSteps::exit),
            kind("switch", Op.Switch.class, List.of(process("process", true)), null, Set.of(Field.SWAP_USED),
                    a -> new Op.Switch(a.process("process")), ProcessSteps::switchTo),
            kind("access", Op.Access.class, List.of(process("process", true), number("vaddr", Quantity.VIRTUAL_ADDRESS),
                    flag("write", false)), null, IN_PROCESS,
                    a -> new Op.Access(a.process("process"), a.value("vaddr"), a.flag("write")), ProcessSteps::access),
            kind("tick", Op.Tick.class, List.of(), null, Set.of(Field.SWAP_USED), a -> {
                a.requireProcesses();
                return new Op.Tick();
            }, ProcessSteps::tick),
            new StepKind<>("ps", Op.Ps.class, List.of(process("process", false)), nothing(),
                    p -> p.process() != null ? PROCESS : Set.of(Field.SWAP_USED), false, a -> {
                        a.requireProcesses();
                        return new Op.Ps(a.process("process"));
                    }, ProcessSteps::ps),
            kind("snapshot", Op.Snapshot.class, List.of(node("label"), node("show"), node("bitmap-from"),
                    node("bitmap-pages")), null, Set.of(), StepCatalog::snapshot, LookSteps::snapshot),
            kind("check", Op.Check.class, List.of(), null, Set.of(), a -> new Op.Check(), LookSteps::check));

    private static final Map<String, StepKind<?>> BY_NAME = new HashMap<>();
    private static final Map<Class<?>, StepKind<?>> BY_TYPE = new HashMap<>();

    static {
        for (StepKind<?> kind : KINDS) {
            if (BY_NAME.put(kind.name(), kind) != null || BY_TYPE.put(kind.type(), kind) != null) {
                throw new AssertionError("step kind " + kind.name() + " (" + kind.type().getSimpleName()
                        + ") is listed twice");
            }
        }
    }

    private StepCatalog() {
    }

    /** Every kind, in the documentation's order. */
    static List<StepKind<?>> kinds() {
        return KINDS;
    }

    /** Every step's name, in the documentation's order. */
    static List<String> names() {
        return KINDS.stream().map(StepKind::name).toList();
    }

    /** The kind called {@code name}; the reader has checked that there is one. */
    static StepKind<?> byName(String name) {
        StepKind<?> kind = BY_NAME.get(name);
        if (kind == null) {
            throw new IllegalArgumentException("no step kind is called '" + name + "'");
        }
        return kind;
    }

    /** The kind of {@code op}. */
    static StepKind<?> of(Op op) {
        StepKind<?> kind = BY_TYPE.get(op.getClass());
        if (kind == null) {
            throw new AssertionError("step " + op.getClass().getSimpleName() + " has no entry in the catalog");
        }
        return kind;
    }

    // ---------------------------------------------------------------- entries

    private static <O extends Op> StepKind<O> kind(String name, Class<O> type, List<Argument> arguments,
                                                   Quantity result, Set<Field> fields, StepKind.Reader<O> reader,
                                                   StepKind.Runner<O> runner) {
        return new StepKind<>(name, type, arguments, op -> result, op -> fields, false, reader, runner);
    }

    /** A heap allocation: the block's virtual address, with its physical address and frame. */
    private static <O extends Op> StepKind<O> heap(String name, Class<O> type, List<Argument> arguments,
                                                   StepKind.Reader<O> reader, StepKind.Runner<O> runner) {
        return new StepKind<>(name, type, arguments, op -> Quantity.VIRTUAL_ADDRESS, op -> ADDRESS, true, reader,
                runner);
    }

    private static Set<Field> union(Set<Field> a, Set<Field> b) {
        Set<Field> out = EnumSet.copyOf(a);
        out.addAll(b);
        return out;
    }

    private static <O extends Op> Function<O, Quantity> nothing() {
        return op -> null;
    }

    private static <O extends Op> Function<O, Set<Field>> noFields() {
        return op -> Set.of();
    }

    // ---------------------------------------------------------------- readers of their own

    private static Op.Read read(StepArguments a) {
        YamlNodes nodes = a.nodes();
        Node sizeNode = a.node("size");
        Node lengthNode = a.node("length");
        if (sizeNode != null && lengthNode != null) {
            throw nodes.error(lengthNode, "read: give size (1, 2 or 4: one value) or length (bytes shown as text),"
                    + " not both");
        }
        int length = lengthNode == null ? 0 : nodes.integer(lengthNode, "length");
        if (lengthNode != null && (length < 1 || length > MAX_READ_BYTES)) {
            throw nodes.error(lengthNode, "length: expected 1 to " + MAX_READ_BYTES + " bytes, got " + length);
        }
        String process = a.process("process");
        if (process != null) {
            refuseInProcess(a, "read", "length", "user");
            int size = size(nodes, sizeNode, 1);
            if (size != 1) {
                throw nodes.error(sizeNode, "read in a process: one byte at a time (size 1), got size " + size);
            }
            return new Op.Read(a.value("vaddr"), 1, 0, false, process);
        }
        return new Op.Read(a.value("vaddr"), size(nodes, sizeNode, 4), length, a.flag("user"), null);
    }

    /** Refuses the arguments {@code keys} of {@code step} in a process, which reads and writes one byte at CPL 3. */
    private static void refuseInProcess(StepArguments a, String step, String... keys) {
        for (String key : keys) {
            if (a.given(key)) {
                throw a.nodes().error(a.stepNode(), step + " in a process: '" + key + "' does not go with 'process:'"
                        + " (a process " + step + "s one byte at a time, at CPL 3)");
            }
        }
    }

    private static Op.Write write(StepArguments a) {
        YamlNodes nodes = a.nodes();
        Node valueNode = a.node("value");
        Node stringNode = a.node("string");
        Node sizeNode = a.node("size");
        if ((valueNode == null) == (stringNode == null)) {
            throw nodes.error(stringNode != null ? stringNode : a.stepNode(), "write: give value: (a number) or"
                    + " string: (text), one of the two");
        }
        String process = a.process("process");
        if (process != null) {
            refuseInProcess(a, "write", "string", "user");
            int size = size(nodes, sizeNode, 1);
            Value value = a.number(valueNode, "value", Quantity.NUMBER);
            if (size != 1 || !value.isReference() && value.number() > 0xFF) {
                throw nodes.error(size != 1 ? sizeNode : valueNode, "write in a process: one byte at a time (size 1,"
                        + " a value of 0 to 0xFF), got " + (size != 1 ? "size " + size : "value " + value));
            }
            return new Op.Write(a.value("vaddr"), value, 1, null, false, process);
        }
        if (stringNode != null) {
            if (sizeNode != null) {
                throw nodes.error(sizeNode, "write: size goes with value:, not with string:");
            }
            String string = nodes.scalar(stringNode, "string", "text");
            if (string.isEmpty()) {
                throw nodes.error(stringNode, "string: expected at least one character");
            }
            return new Op.Write(a.value("vaddr"), null, 4, string, a.flag("user"), null);
        }
        int size = size(nodes, sizeNode, 4);
        Value value = a.number(valueNode, "value", Quantity.NUMBER);
        if (!value.isReference() && size < 4 && value.number() >= 1L << (8 * size)) {
            throw nodes.error(valueNode, "value: " + value + " does not fit in " + size + (size == 1 ? " byte"
                    : " bytes"));
        }
        return new Op.Write(a.value("vaddr"), value, size, null, a.flag("user"), null);
    }

    private static int size(YamlNodes nodes, Node node, int otherwise) {
        if (node == null) {
            return otherwise;
        }
        int size = nodes.integer(node, "size");
        if (size != 1 && size != 2 && size != 4) {
            throw nodes.error(node, "size: expected 1, 2 or 4 bytes, got " + size);
        }
        return size;
    }

    private static Op.Snapshot snapshot(StepArguments a) {
        YamlNodes nodes = a.nodes();
        Node labelNode = a.node("label");
        Node showNode = a.node("show");
        Node fromNode = a.node("bitmap-from");
        Node pagesNode = a.node("bitmap-pages");
        String label = labelNode == null ? null : nodes.scalar(labelNode, "label", "text");
        Set<Op.Snapshot.Part> parts = EnumSet.allOf(Op.Snapshot.Part.class);
        if (showNode != null) {
            parts = EnumSet.noneOf(Op.Snapshot.Part.class);
            List<Node> items = showNode instanceof SequenceNode seq ? seq.getValue() : List.of(showNode);
            for (Node item : items) {
                String key = nodes.scalar(item, "show", "a part such as frames");
                Op.Snapshot.Part part = Keys.lookup(Op.Snapshot.Part.class, key);
                if (part == null) {
                    throw nodes.error(item, YamlNodes.unknown("snapshot part", key, Keys.all(Op.Snapshot.Part.class)));
                }
                parts.add(part);
            }
        }
        Value from = fromNode == null ? new Value(Addresses.hex(KernelLayout.KERNEL_HEAP_START), null,
                KernelLayout.KERNEL_HEAP_START) : a.number(fromNode, "bitmap-from", Quantity.VIRTUAL_ADDRESS);
        int pages = pagesNode == null ? DEFAULT_BITMAP_PAGES : nodes.integer(pagesNode, "bitmap-pages");
        if (pages < 1 || pages > 1024) {
            throw nodes.error(pagesNode, "bitmap-pages: expected 1 to 1024, got " + pages);
        }
        return new Op.Snapshot(label, parts, from, pages);
    }
}
