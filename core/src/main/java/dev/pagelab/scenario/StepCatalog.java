package dev.pagelab.scenario;

import static dev.pagelab.scenario.Argument.flag;
import static dev.pagelab.scenario.Argument.node;
import static dev.pagelab.scenario.Argument.number;

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
 * {@code snapshot}, whose arguments depend on each other, have readers of their own below.
 */
final class StepCatalog {
    private static final Set<Field> ADDRESS = EnumSet.of(Field.PADDR, Field.FRAME);
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
                    node("length"), flag("user", false)), r -> r.length() > 0 ? null : Quantity.NUMBER,
                    r -> EnumSet.of(r.length() > 0 ? Field.STRING : Field.VALUE, Field.PADDR, Field.FRAME, Field.FAULT,
                            Field.TLB), false, StepCatalog::read, CpuSteps::read),
            kind("write", Op.Write.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS), node("value"),
                    node("string"), node("size"), flag("user", false)), null, EnumSet.of(Field.PADDR, Field.FRAME,
                    Field.FAULT, Field.TLB), StepCatalog::write, CpuSteps::write),
            kind("explain", Op.Explain.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)), null,
                    EnumSet.of(Field.PADDR, Field.FRAME, Field.MAPPED), a -> new Op.Explain(a.value("vaddr")),
                    CpuSteps::explain),
            kind("invlpg", Op.Invlpg.class, List.of(number("vaddr", Quantity.VIRTUAL_ADDRESS)), null, Set.of(),
                    a -> new Op.Invlpg(a.value("vaddr")), CpuSteps::invlpg),
            kind("skipInvlpg", Op.SkipInvlpg.class, List.of(Argument.requiredFlag("skip")), null, Set.of(),
                    a -> new Op.SkipInvlpg(a.flag("skip")), PagingSteps::skipInvlpg),
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
        return new Op.Read(a.value("vaddr"), size(nodes, sizeNode), length, a.flag("user"));
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
        if (stringNode != null) {
            if (sizeNode != null) {
                throw nodes.error(sizeNode, "write: size goes with value:, not with string:");
            }
            String string = nodes.scalar(stringNode, "string", "text");
            if (string.isEmpty()) {
                throw nodes.error(stringNode, "string: expected at least one character");
            }
            return new Op.Write(a.value("vaddr"), null, 4, string, a.flag("user"));
        }
        int size = size(nodes, sizeNode);
        Value value = a.number(valueNode, "value", Quantity.NUMBER);
        if (!value.isReference() && size < 4 && value.number() >= 1L << (8 * size)) {
            throw nodes.error(valueNode, "value: " + value + " does not fit in " + size + (size == 1 ? " byte"
                    : " bytes"));
        }
        return new Op.Write(a.value("vaddr"), value, size, null, a.flag("user"));
    }

    private static int size(YamlNodes nodes, Node node) {
        if (node == null) {
            return 4;
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
