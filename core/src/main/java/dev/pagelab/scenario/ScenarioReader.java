package dev.pagelab.scenario;

import dev.pagelab.boot.BadInputException;
import dev.pagelab.boot.E820Text;
import dev.pagelab.boot.InputFileException;
import dev.pagelab.boot.InputFiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameOwner;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a scenario file (YAML) and checks all of it before anything runs: every key is known,
 * every value has the right type and range, every {@code $name} is bound by an earlier step to
 * a number of the right kind, the machine, allocator and table-access strategy exist, and an
 * {@code e820:} file parses. The first problem found is a {@link ScenarioException} naming the
 * file, the line and column, and what was expected.
 *
 * <p>The format is documented in {@code examples/README.md}. In short:
 * <pre>
 *  title: ...                     description: ...
 *  machine: qemu-pc-16M           (or e820: FILE, relative to the scenario)
 *  kernel: {allocator: bitmap, table-access: temporary-mapping, large-pages: false, tlb: off}
 *  on-error: stop | continue      trace: false
 *  steps:
 *    - allocFrame:                a step is NAME: ARGUMENTS, the arguments a scalar (the first
 *      as: page                   argument) or a mapping, beside as:, expect:, trace:, note:
 *    - mapPage: {vaddr: 0x00400000, frame: $page, user: true}
 *    - read: 0x00400000
 *      expect: {value: 0, tlb: miss}
 * </pre>
 * Numbers: {@code 4096}, {@code 4K} (also M, G), {@code 0xC1000000} ({@code _} allowed), or
 * {@code $name}, {@code $name+0x10}, {@code $name-4}.
 */
public final class ScenarioReader {
    /** The machine of a scenario that names none. */
    public static final String DEFAULT_MACHINE = "qemu-pc-16M";

    /** The steps, in the order the documentation lists them. */
    public static final List<String> STEP_NAMES = List.of("kmalloc", "kcalloc", "krealloc", "kmallocAligned", "kfree",
            "kmmap", "kunmap", "allocFrame", "freeFrame", "mapPage", "unmapPage", "updateFlags", "getFrameAddr", "read",
            "write", "explain", "invlpg", "skipInvlpg", "snapshot", "check");

    private static final List<String> TOP_KEYS = List.of("title", "description", "machine", "e820", "kernel",
            "on-error", "trace", "steps");
    private static final List<String> KERNEL_KEYS = List.of("allocator", "table-access", "large-pages", "tlb");
    private static final List<String> TLB_KEYS = List.of("entries", "ways", "large-entries");
    private static final List<String> STEP_KEYS = List.of("as", "expect", "trace", "note");
    private static final List<String> TLB_OUTCOMES = List.of("hit", "miss", "rewalk", "walk", "none");
    private static final List<FrameOwner> FRAME_OWNERS = List.of(FrameOwner.ALLOCATED, FrameOwner.KERNEL_DATA);
    private static final int DEFAULT_BITMAP_PAGES = 32;
    private static final int MAX_READ_BYTES = Addresses.PAGE_BYTES;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern REFERENCE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)\\s*(?:([+-])\\s*(\\S+))?");
    private static final Pattern DECIMAL = Pattern.compile("([0-9]+)([KMG]?)", Pattern.CASE_INSENSITIVE);

    /** A name an earlier step bound with {@code as:}. */
    private record Binding(Quantity quantity, Step step) {
    }

    private final String source;
    private final Path baseDir;
    private final Map<String, Binding> names = new HashMap<>();

    private ScenarioReader(String source, Path baseDir) {
        this.source = source;
        this.baseDir = baseDir;
    }

    /**
     * Reads and checks the scenario in {@code file}; an {@code e820:} file is looked for beside it.
     * The file must be UTF-8 of at most 3 MiB, nested at most 50 deep (see {@link ScenarioYaml}).
     *
     * @throws ScenarioException naming the file, the line and what was expected
     */
    public static Scenario read(Path file) {
        String text;
        try {
            text = InputFiles.readUtf8(file, ScenarioYaml.MAX_BYTES, "a scenario (YAML)");
        } catch (InputFileException e) {
            throw e.line() > 0 ? new ScenarioException(e.source(), e.line(), e.column(), e.problem())
                    : new ScenarioException(e.source(), e.problem());
        }
        return parse(file.toString(), text, file.toAbsolutePath().getParent());
    }

    /**
     * Reads and checks a scenario given as text.
     *
     * @param source  what to call it in messages, usually its file name
     * @param baseDir where {@code e820:} files are looked for, or null when there is no such place
     *                (a scenario bundled with the program)
     * @throws ScenarioException naming the source, the line and what was expected
     */
    public static Scenario parse(String source, String text, Path baseDir) {
        ScenarioReader reader = new ScenarioReader(source, baseDir);
        return reader.scenario(reader.compose(text));
    }

    // ---------------------------------------------------------------- the document

    private Node compose(String text) {
        Optional<Node> root = ScenarioYaml.compose(source, text);
        if (root.isEmpty() || isNull(root.get())) {
            throw new ScenarioException(source, "the file is empty: expected a mapping with at least 'steps:'");
        }
        return root.get();
    }

    private Scenario scenario(Node root) {
        Map<String, NodeTuple> top = keys(mapping(root, "the scenario",
                "a mapping with keys such as title, machine, kernel and steps"), TOP_KEYS, "scenario key");
        String title = text(top, "title");
        String description = text(top, "description");
        MachineSource machine = machine(top);
        KernelConfig config = kernel(top.get("kernel"));
        OnError onError = top.containsKey("on-error")
                ? checked(top.get("on-error").getValueNode(), () -> OnError.byKey(scalar(top.get("on-error")
                        .getValueNode(), "on-error", "stop or continue")))
                : OnError.STOP;
        boolean trace = top.containsKey("trace") && bool(top.get("trace").getValueNode(), "trace");
        NodeTuple stepsKey = top.get("steps");
        if (stepsKey == null) {
            throw error(root, "no 'steps:': expected a list of steps, such as '- kmalloc: 100'");
        }
        if (!(stepsKey.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw error(stepsKey.getValueNode(), "'steps:' must be a list of at least one step ('- kmalloc: 100'), got "
                    + describe(stepsKey.getValueNode()));
        }
        List<Step> steps = new ArrayList<>();
        for (Node item : list.getValue()) {
            steps.add(step(item, steps.size() + 1));
        }
        return new Scenario(source, title, description, machine, config, onError, trace, steps);
    }

    private MachineSource machine(Map<String, NodeTuple> top) {
        NodeTuple builtin = top.get("machine");
        NodeTuple e820 = top.get("e820");
        if (builtin != null && e820 != null) {
            NodeTuple second = line(builtin.getKeyNode()) > line(e820.getKeyNode()) ? builtin : e820;
            throw error(second.getKeyNode(), "give one machine source, 'machine:' or 'e820:', not both");
        }
        if (e820 != null) {
            Node node = e820.getValueNode();
            String file = scalar(node, "e820", "the path of a dmesg paste with BIOS-e820: lines");
            if (baseDir == null) {
                throw error(node, "e820: '" + file + "' needs a scenario file on disk to be found beside it");
            }
            try {
                return new MachineSource.E820(file, E820Text.parse(baseDir.resolve(file)));
            } catch (BadInputException e) {
                throw error(node, "e820: " + e.getMessage());
            } catch (InvalidPathException e) {
                throw error(node, "e820: '" + file + "' is not a file name here (" + e.getReason() + ")");
            }
        }
        if (builtin == null) {
            return MachineSource.builtin(DEFAULT_MACHINE);
        }
        Node node = builtin.getValueNode();
        String name = scalar(node, "machine", "a built-in machine such as qemu-pc-16M");
        return checked(node, () -> MachineSource.builtin(name));
    }

    private KernelConfig kernel(NodeTuple tuple) {
        KernelConfig config = KernelConfig.DEFAULT;
        if (tuple == null) {
            return config;
        }
        Map<String, NodeTuple> keys = keys(mapping(tuple.getValueNode(), "kernel",
                "a mapping with allocator, table-access, large-pages or tlb"), KERNEL_KEYS, "kernel key");
        if (keys.containsKey("allocator")) {
            Node node = keys.get("allocator").getValueNode();
            String name = scalar(node, "allocator", "a frame allocator such as bitmap");
            config = checked(node, config::withAllocator, name);
        }
        if (keys.containsKey("table-access")) {
            Node node = keys.get("table-access").getValueNode();
            String name = scalar(node, "table-access", "temporary-mapping, recursive or direct-map");
            config = config.withTableAccess(checked(node, TableAccessStrategy::byName, name));
        }
        if (keys.containsKey("large-pages")) {
            config = config.withLargePages(bool(keys.get("large-pages").getValueNode(), "large-pages"));
        }
        if (keys.containsKey("tlb")) {
            config = config.withTlb(tlb(keys.get("tlb").getValueNode()));
        }
        return config;
    }

    private TlbConfig tlb(Node node) {
        if (node instanceof ScalarNode s) {
            return switch (s.getValue().strip().toLowerCase(Locale.ROOT)) {
                case "off", "false" -> TlbConfig.OFF;
                case "on", "true" -> TlbConfig.DEFAULT;
                default -> throw error(node, "tlb: expected off, on, or a mapping {entries: 64, ways: 4,"
                        + " large-entries: 8}, got '" + s.getValue() + "'");
            };
        }
        Map<String, NodeTuple> keys = keys(mapping(node, "tlb", "off, on, or {entries, ways, large-entries}"), TLB_KEYS,
                "tlb key");
        TlbConfig d = TlbConfig.DEFAULT;
        int entries = keys.containsKey("entries") ? integer(keys.get("entries").getValueNode(), "entries") : d.entries();
        int ways = keys.containsKey("ways") ? integer(keys.get("ways").getValueNode(), "ways") : d.ways();
        int large = keys.containsKey("large-entries") ? integer(keys.get("large-entries").getValueNode(),
                "large-entries") : d.largeEntries();
        return checked(node, () -> new TlbConfig(entries, ways, large));
    }

    // ---------------------------------------------------------------- steps

    private Step step(Node node, int number) {
        String name;
        Node arguments = null;
        Map<String, NodeTuple> keys = Map.of();
        if (node instanceof ScalarNode s && !isNull(s)) {
            name = s.getValue().strip();
            if (!STEP_NAMES.contains(name)) {
                throw error(node, unknown("step", name, STEP_NAMES));
            }
        } else if (node instanceof MappingNode m) {
            keys = keys(m, null, "");
            List<String> stepKeys = keys.keySet().stream().filter(k -> !STEP_KEYS.contains(k)).toList();
            String known = stepKeys.stream().filter(STEP_NAMES::contains).findFirst().orElse(null);
            for (String key : stepKeys) {
                if (key.equals(known)) {
                    continue;
                }
                Node keyNode = keys.get(key).getKeyNode();
                if (known == null) {
                    throw error(keyNode, unknown("step", key, STEP_NAMES));
                }
                if (STEP_NAMES.contains(key)) {
                    throw error(keyNode, "'" + known + "' and '" + key + "' are two steps in one list item: start each"
                            + " step with '- '");
                }
                throw error(keyNode, "unknown key '" + key + "' beside step '" + known + "': a step takes "
                        + String.join(", ", STEP_KEYS) + " beside its name; its own arguments go under it, indented"
                        + " or as {" + key + ": ...}");
            }
            if (known == null) {
                throw error(node, "this step has no step name: expected one of " + String.join(", ", STEP_NAMES));
            }
            name = known;
            arguments = keys.get(name).getValueNode();
        } else {
            throw error(node, "expected a step, such as '- kmalloc: 100' or '- check', got " + describe(node));
        }
        Args args = new Args(name, node, arguments);
        Op op = op(name, args);
        args.finish();

        int line = line(node);
        boolean trace = keys.containsKey("trace") && bool(keys.get("trace").getValueNode(), "trace");
        String note = text(keys, "note");
        List<Expectation> expect = keys.containsKey("expect") ? expect(keys.get("expect").getValueNode(), op)
                : List.of();
        String as = null;
        if (keys.containsKey("as")) {
            Node asNode = keys.get("as").getValueNode();
            as = scalar(asNode, "as", "a name such as buf");
            if (!NAME.matcher(as).matches()) {
                throw error(asNode, "as: '" + as + "' is not a name: expected letters, digits and _, not starting"
                        + " with a digit (then write $" + "name to use it)");
            }
            if (op.result() == null) {
                throw error(asNode, "as: " + name + " gives no number to name");
            }
            Binding earlier = names.get(as);
            if (earlier != null) {
                throw error(asNode, "as: the name '" + as + "' is already given by step " + earlier.step().number()
                        + " (line " + earlier.step().line() + ")");
            }
        }
        Step step = new Step(number, line, op, as, expect, trace, note);
        if (as != null) {
            names.put(as, new Binding(op.result(), step));
        }
        return step;
    }

    private Op op(String name, Args a) {
        return switch (name) {
            case "kmalloc" -> new Op.Kmalloc(a.value("bytes", Quantity.NUMBER));
            case "kcalloc" -> new Op.Kcalloc(a.value("count", Quantity.NUMBER), a.value("size", Quantity.NUMBER));
            case "krealloc" -> new Op.Krealloc(a.value("vaddr", Quantity.VIRTUAL_ADDRESS),
                    a.value("bytes", Quantity.NUMBER));
            case "kmallocAligned" -> new Op.KmallocAligned(a.value("bytes", Quantity.NUMBER),
                    a.value("alignment", Quantity.NUMBER));
            case "kfree" -> new Op.Kfree(a.value("vaddr", Quantity.VIRTUAL_ADDRESS));
            case "kmmap" -> new Op.Kmmap(a.value("bytes", Quantity.NUMBER));
            case "kunmap" -> new Op.Kunmap(a.value("vaddr", Quantity.VIRTUAL_ADDRESS));
            case "allocFrame" -> new Op.AllocFrame(a.owner("owner"));
            case "freeFrame" -> new Op.FreeFrame(a.value("frame", Quantity.FRAME));
            case "mapPage" -> new Op.MapPage(a.value("vaddr", Quantity.VIRTUAL_ADDRESS), a.value("frame", Quantity.FRAME),
                    a.flag("writable", true), a.flag("user", false));
            case "unmapPage" -> new Op.UnmapPage(a.value("vaddr", Quantity.VIRTUAL_ADDRESS));
            case "updateFlags" -> new Op.UpdateFlags(a.value("vaddr", Quantity.VIRTUAL_ADDRESS),
                    a.flag("writable", true), a.flag("user", false));
            case "getFrameAddr" -> new Op.GetFrameAddr(a.value("vaddr", Quantity.VIRTUAL_ADDRESS));
            case "read" -> read(a);
            case "write" -> write(a);
            case "explain" -> new Op.Explain(a.value("vaddr", Quantity.VIRTUAL_ADDRESS));
            case "invlpg" -> new Op.Invlpg(a.value("vaddr", Quantity.VIRTUAL_ADDRESS));
            case "skipInvlpg" -> new Op.SkipInvlpg(bool(a.take("skip", true), "skip"));
            case "snapshot" -> snapshot(a);
            case "check" -> new Op.Check();
            default -> throw new AssertionError("step '" + name + "' is listed but not read");
        };
    }

    private Op.Read read(Args a) {
        Value vaddr = a.value("vaddr", Quantity.VIRTUAL_ADDRESS);
        Node sizeNode = a.take("size", false);
        Node lengthNode = a.take("length", false);
        boolean user = a.flag("user", false);
        if (sizeNode != null && lengthNode != null) {
            throw error(lengthNode, "read: give size (1, 2 or 4: one value) or length (bytes shown as text), not both");
        }
        int length = lengthNode == null ? 0 : integer(lengthNode, "length");
        if (lengthNode != null && (length < 1 || length > MAX_READ_BYTES)) {
            throw error(lengthNode, "length: expected 1 to " + MAX_READ_BYTES + " bytes, got " + length);
        }
        return new Op.Read(vaddr, size(sizeNode), length, user);
    }

    private Op.Write write(Args a) {
        Value vaddr = a.value("vaddr", Quantity.VIRTUAL_ADDRESS);
        Node valueNode = a.take("value", false);
        Node stringNode = a.take("string", false);
        Node sizeNode = a.take("size", false);
        boolean user = a.flag("user", false);
        if ((valueNode == null) == (stringNode == null)) {
            throw error(stringNode != null ? stringNode : a.stepNode, "write: give value: (a number) or string: (text),"
                    + " one of the two");
        }
        if (stringNode != null) {
            if (sizeNode != null) {
                throw error(sizeNode, "write: size goes with value:, not with string:");
            }
            String string = scalar(stringNode, "string", "text");
            if (string.isEmpty()) {
                throw error(stringNode, "string: expected at least one character");
            }
            return new Op.Write(vaddr, null, 4, string, user);
        }
        int size = size(sizeNode);
        Value value = number(valueNode, "value", Quantity.NUMBER);
        if (!value.isReference() && size < 4 && value.number() >= 1L << (8 * size)) {
            throw error(valueNode, "value: " + value + " does not fit in " + size + (size == 1 ? " byte" : " bytes"));
        }
        return new Op.Write(vaddr, value, size, null, user);
    }

    private int size(Node node) {
        if (node == null) {
            return 4;
        }
        int size = integer(node, "size");
        if (size != 1 && size != 2 && size != 4) {
            throw error(node, "size: expected 1, 2 or 4 bytes, got " + size);
        }
        return size;
    }

    private Op.Snapshot snapshot(Args a) {
        Node labelNode = a.take("label", false);
        Node showNode = a.take("show", false);
        Node fromNode = a.take("bitmap-from", false);
        Node pagesNode = a.take("bitmap-pages", false);
        String label = labelNode == null ? null : scalar(labelNode, "label", "text");
        Set<Op.Snapshot.Part> parts = EnumSet.allOf(Op.Snapshot.Part.class);
        if (showNode != null) {
            parts = EnumSet.noneOf(Op.Snapshot.Part.class);
            List<Node> items = showNode instanceof SequenceNode seq ? seq.getValue() : List.of(showNode);
            for (Node item : items) {
                String key = scalar(item, "show", "a part such as frames");
                Op.Snapshot.Part part = Keys.lookup(Op.Snapshot.Part.class, key);
                if (part == null) {
                    throw error(item, unknown("snapshot part", key, Keys.all(Op.Snapshot.Part.class)));
                }
                parts.add(part);
            }
        }
        Value from = fromNode == null ? new Value(Addresses.hex(KernelLayout.KERNEL_HEAP_START), null,
                KernelLayout.KERNEL_HEAP_START) : number(fromNode, "bitmap-from", Quantity.VIRTUAL_ADDRESS);
        int pages = pagesNode == null ? DEFAULT_BITMAP_PAGES : integer(pagesNode, "bitmap-pages");
        if (pages < 1 || pages > 1024) {
            throw error(pagesNode, "bitmap-pages: expected 1 to 1024, got " + pages);
        }
        return new Op.Snapshot(label, parts, from, pages);
    }

    private List<Expectation> expect(Node node, Op op) {
        Map<String, NodeTuple> keys = keys(mapping(node, "expect", "a mapping such as {value: 0x1000, frames-taken: 1}"),
                null, "");
        Set<Field> allowed = EnumSet.copyOf(Field.COMMON);
        allowed.addAll(op.fields());
        List<String> allowedKeys = allowed.stream().map(Field::key).toList();
        List<Expectation> out = new ArrayList<>();
        for (NodeTuple t : keys.values()) {
            String key = keyText(t.getKeyNode());
            Field field = Keys.lookup(Field.class, key);
            if (field == null || !allowed.contains(field)) {
                throw error(t.getKeyNode(), unknown(op.name() + " result", key, allowedKeys));
            }
            Node v = t.getValueNode();
            Object expected = switch (field.type()) {
                case NUMBER -> number(v, key, Quantity.NUMBER);
                case BOOLEAN -> bool(v, key);
                case TEXT -> tlbOrText(v, field);
                case FAILS -> failsValue(v);
                case FAULT -> isBoolean(v) ? (Object) bool(v, key) : number(v, key, Quantity.NUMBER);
            };
            out.add(new Expectation(field, expected, line(v)));
        }
        return out;
    }

    private String tlbOrText(Node node, Field field) {
        String text = scalar(node, field.key(), "text");
        if (field == Field.TLB && !TLB_OUTCOMES.contains(text)) {
            throw error(node, unknown("tlb outcome", text, TLB_OUTCOMES));
        }
        return text;
    }

    private Object failsValue(Node node) {
        if (isBoolean(node)) {
            return bool(node, "fails");
        }
        String key = scalar(node, "fails", "true, false or a failure kind");
        Failure.Kind kind = Keys.lookup(Failure.Kind.class, key);
        if (kind == null) {
            List<String> choices = new ArrayList<>(List.of("true", "false"));
            choices.addAll(Keys.all(Failure.Kind.class));
            throw error(node, unknown("failure kind", key, choices));
        }
        return kind;
    }

    /** The arguments of one step: a scalar (its first argument) or a mapping; tracks which keys it knows. */
    private final class Args {
        final String step;
        final Node stepNode;
        final ScalarNode scalar;
        final Map<String, NodeTuple> keys;
        final Set<String> known = new LinkedHashSet<>();
        boolean scalarTaken;

        Args(String step, Node stepNode, Node arguments) {
            this.step = step;
            this.stepNode = stepNode;
            if (arguments == null || isNull(arguments)) {
                this.scalar = null;
                this.keys = Map.of();
            } else if (arguments instanceof ScalarNode s) {
                this.scalar = s;
                this.keys = Map.of();
            } else if (arguments instanceof MappingNode m) {
                this.scalar = null;
                this.keys = keys(m, null, "");
            } else {
                throw error(arguments, step + ": expected its argument or a mapping of arguments, got a list");
            }
        }

        /** The node given for {@code key}: the scalar for the first key asked, else the mapping's entry. */
        Node take(String key, boolean required) {
            boolean first = known.isEmpty();
            known.add(key);
            if (scalar != null && first) {
                scalarTaken = true;
                return scalar;
            }
            NodeTuple t = keys.get(key);
            if (t == null && required) {
                String form = known.size() == 1 ? step + ": VALUE or " : "";
                throw error(stepNode, step + " needs '" + key + "': write it as " + form + step + ": {"
                        + key + ": ...}");
            }
            return t == null ? null : t.getValueNode();
        }

        Value value(String key, Quantity wanted) {
            return number(take(key, true), key, wanted);
        }

        boolean flag(String key, boolean otherwise) {
            Node node = take(key, false);
            return node == null ? otherwise : bool(node, key);
        }

        FrameOwner owner(String key) {
            Node node = take(key, false);
            if (node == null) {
                return FrameOwner.ALLOCATED;
            }
            List<String> choices = FRAME_OWNERS.stream().map(Keys::of).toList();
            String text = scalar(node, key, String.join(" or ", choices));
            FrameOwner owner = Keys.lookup(FrameOwner.class, text);
            if (owner == null || !FRAME_OWNERS.contains(owner)) { // List.of(...).contains(null) throws
                throw error(node, unknown("frame owner", text, choices));
            }
            return owner;
        }

        /** Rejects what was given and not asked for. */
        void finish() {
            if (scalar != null && !scalarTaken) {
                throw error(scalar, step + " takes no arguments, got '" + scalar.getValue() + "'");
            }
            for (NodeTuple t : keys.values()) {
                String key = keyText(t.getKeyNode());
                if (!known.contains(key)) {
                    throw error(t.getKeyNode(), known.isEmpty() ? step + " takes no arguments, got '" + key + "'"
                            : unknown(step + " argument", key, List.copyOf(known)));
                }
            }
        }
    }

    // ---------------------------------------------------------------- values

    private Value number(Node node, String what, Quantity wanted) {
        String text = scalar(node, what, wanted.label()).strip();
        Matcher ref = REFERENCE.matcher(text);
        if (ref.matches()) {
            String name = ref.group(1);
            Binding binding = names.get(name);
            if (binding == null) {
                throw error(node, what + ": $" + name + " is not named by an earlier step" + (names.isEmpty()
                        ? " (no step before has 'as:')" : " (names so far: " + String.join(", ", names.keySet()
                        .stream().sorted().toList()) + ")"));
            }
            if (!binding.quantity().fits(wanted)) {
                throw error(node, what + ": $" + name + " is " + binding.quantity().label() + " (from "
                        + binding.step().op().name() + ", step " + binding.step().number() + " at line "
                        + binding.step().line() + "); " + what + " wants " + wanted.label());
            }
            long offset = 0;
            if (ref.group(2) != null) {
                offset = literal(node, what, ref.group(3), Quantity.NUMBER);
                offset = ref.group(2).equals("-") ? -offset : offset;
            }
            return new Value(text, name, offset);
        }
        if (text.startsWith("$")) {
            throw error(node, what + ": '" + text + "' is not a reference: expected $name, $name+NUMBER or"
                    + " $name-NUMBER");
        }
        return new Value(text, null, literal(node, what, text, wanted));
    }

    private long literal(Node node, String what, String text, Quantity wanted) {
        long n = parseNumber(text);
        if (n < 0) {
            throw error(node, what + ": expected " + wanted.label() + " such as 4096, 4K or 0xC1000000"
                    + (wanted == Quantity.NUMBER ? "" : ", or $name") + ", got '" + text + "'");
        }
        long max = wanted == Quantity.FRAME ? (1L << (32 - Addresses.PAGE_SHIFT)) - 1 : Addresses.MAX_VADDR;
        if (n > max) {
            throw error(node, what + ": " + text + " is past " + Addresses.hex(max) + ", the largest "
                    + wanted.label().substring(2) + " of a 32-bit machine");
        }
        return n;
    }

    /**
     * {@code 4096}, {@code 4K}, {@code 16M}, {@code 0xC1000000}, with {@code _} anywhere; -1 when it
     * is none; {@link Long#MAX_VALUE} for a number past it (up to 2^64 - 1, or a suffix that
     * overflows), which every caller then reports as too large.
     */
    static long parseNumber(String text) {
        String t = text.strip().replace("_", "");
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                if (t.length() <= 2 || t.length() > 18) {
                    return -1;
                }
                long n = Long.parseUnsignedLong(t.substring(2), 16);
                return n < 0 ? Long.MAX_VALUE : n;
            }
            Matcher m = DECIMAL.matcher(t);
            if (!m.matches() || m.group(1).length() > 12) {
                return -1;
            }
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            long n = Long.parseLong(m.group(1));
            return n > Long.MAX_VALUE >>> shift ? Long.MAX_VALUE : n << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int integer(Node node, String what) {
        String text = scalar(node, what, "a whole number");
        long n = parseNumber(text);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw error(node, what + ": expected a whole number, got '" + text + "'");
        }
        return (int) n;
    }

    private boolean bool(Node node, String what) {
        if (!isBoolean(node)) {
            throw error(node, what + ": expected true or false, got " + describe(node));
        }
        return ((ScalarNode) node).getValue().strip().equalsIgnoreCase("true");
    }

    private static boolean isBoolean(Node node) {
        return node instanceof ScalarNode s && (s.getValue().strip().equalsIgnoreCase("true")
                || s.getValue().strip().equalsIgnoreCase("false"));
    }

    // ---------------------------------------------------------------- nodes

    private MappingNode mapping(Node node, String what, String expected) {
        if (node instanceof MappingNode m) {
            return m;
        }
        throw error(node, what + ": expected " + expected + ", got " + describe(node));
    }

    private String scalar(Node node, String what, String expected) {
        if (node instanceof ScalarNode s && !isNull(s)) {
            return s.getValue();
        }
        throw error(node, what + ": expected " + expected + ", got " + describe(node));
    }

    private String text(Map<String, NodeTuple> keys, String key) {
        NodeTuple t = keys.get(key);
        return t == null ? null : scalar(t.getValueNode(), key, "text");
    }

    /** The entries of {@code mapping} by key, in order; duplicates and (with {@code known}) unknown keys refused. */
    private Map<String, NodeTuple> keys(MappingNode mapping, List<String> known, String what) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            String key = keyText(t.getKeyNode());
            NodeTuple first = out.get(key);
            if (first != null) {
                throw error(t.getKeyNode(), "'" + key + "' is given twice in this mapping (first at line "
                        + line(first.getKeyNode()) + ")");
            }
            if (known != null && !known.contains(key)) {
                throw error(t.getKeyNode(), unknown(what, key, known));
            }
            out.put(key, t);
        }
        return out;
    }

    private String keyText(Node key) {
        if (key instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(key, "expected a plain key, got " + describe(key));
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNull(node) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** Runs a check of the kernel's own (a name lookup, a constructor) and reports its refusal at {@code node}. */
    private <T> T checked(Node node, Supplier<T> work) {
        try {
            return work.get();
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    private <T> T checked(Node node, java.util.function.Function<String, T> work, String argument) {
        return checked(node, () -> work.apply(argument));
    }

    private ScenarioException error(Node node, String problem) {
        Mark mark = node.getStartMark().orElse(null);
        return mark == null ? new ScenarioException(source, problem)
                : new ScenarioException(source, mark.getLine() + 1, mark.getColumn() + 1, problem);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** {@code unknown step 'kmallok' (did you mean 'kmalloc'?); expected one of: ...}. */
    static String unknown(String what, String given, List<String> choices) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String choice : choices) {
            int d = distance(given.toLowerCase(Locale.ROOT), choice.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = choice;
                bestDistance = d;
            }
        }
        String hint = best != null && bestDistance <= Math.max(1, given.length() / 3) ? " (did you mean '" + best + "'?)"
                : "";
        return "unknown " + what + " '" + given + "'" + hint + "; expected one of: " + String.join(", ", choices);
    }

    /** Levenshtein distance, for the hint. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        Arrays.setAll(previous, i -> i);
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
