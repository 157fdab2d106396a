package dev.pagelab.scenario;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads the steps of a scenario, one list item at a time, in file order: the step's name (its
 * kind in the {@link StepCatalog}), its arguments as the kind declares them, and what stands
 * beside it ({@code as:}, {@code expect:}, {@code trace:}, {@code note:}). Keeps the names that
 * {@code as:} bound so far, so that a {@code $name} is checked where it is used: bound by an
 * earlier step, to a number of the right kind.
 */
final class StepReader {
    private static final List<String> STEP_KEYS = List.of("as", "expect", "trace", "note");
    private static final List<String> TLB_OUTCOMES = List.of("hit", "miss", "rewalk", "walk", "none");

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern REFERENCE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)\\s*(?:([+-])\\s*(\\S+))?");

    /** A name an earlier step bound with {@code as:}. */
    private record Binding(Quantity quantity, Step step) {
    }

    private final YamlNodes nodes;
    private final Map<String, Binding> names = new HashMap<>();
    /** Whether the scenario has a {@code processes:} block, which process steps need. */
    private final boolean processes;
    /** The processes spawned by the steps read so far, by name, in order. */
    private final Map<String, Step> spawned = new java.util.LinkedHashMap<>();

    StepReader(YamlNodes nodes, boolean processes) {
        this.nodes = nodes;
        this.processes = processes;
    }

    YamlNodes nodes() {
        return nodes;
    }

    /** The list item {@code node} as step {@code number}. */
    Step step(Node node, int number) {
        List<String> stepNames = StepCatalog.names();
        String name;
        Node arguments = null;
        Map<String, NodeTuple> keys = Map.of();
        if (node instanceof ScalarNode s && !YamlNodes.isNull(s)) {
            name = s.getValue().strip();
            if (!stepNames.contains(name)) {
                throw nodes.error(node, YamlNodes.unknown("step", name, stepNames));
            }
        } else if (node instanceof MappingNode m) {
            keys = nodes.keys(m, null, "");
            List<String> stepKeys = keys.keySet().stream().filter(k -> !STEP_KEYS.contains(k)).toList();
            String known = stepKeys.stream().filter(stepNames::contains).findFirst().orElse(null);
            for (String key : stepKeys) {
                if (key.equals(known)) {
                    continue;
                }
                Node keyNode = keys.get(key).getKeyNode();
                if (known == null) {
                    throw nodes.error(keyNode, YamlNodes.unknown("step", key, stepNames));
                }
                if (stepNames.contains(key)) {
                    throw nodes.error(keyNode, "'" + known + "' and '" + key + "' are two steps in one list item: start"
                            + " each step with '- '");
                }
                throw nodes.error(keyNode, "unknown key '" + key + "' beside step '" + known + "': a step takes "
                        + String.join(", ", STEP_KEYS) + " beside its name; its own arguments go under it, indented"
                        + " or as {" + key + ": ...}");
            }
            if (known == null) {
                throw nodes.error(node, "this step has no step name: expected one of " + String.join(", ", stepNames));
            }
            name = known;
            arguments = keys.get(name).getValueNode();
        } else {
            throw nodes.error(node, "expected a step, such as '- kmalloc: 100' or '- check', got "
                    + YamlNodes.describe(node));
        }
        StepArguments args = new StepArguments(name, node, arguments, this);
        Op op = StepCatalog.byName(name).read(args);
        args.finish();

        int line = YamlNodes.line(node);
        boolean trace = keys.containsKey("trace") && nodes.bool(keys.get("trace").getValueNode(), "trace");
        String note = nodes.text(keys, "note");
        List<Expectation> expect = keys.containsKey("expect") ? expect(keys.get("expect").getValueNode(), op)
                : List.of();
        String as = keys.containsKey("as") ? as(keys.get("as").getValueNode(), name, op) : null;
        Step step = new Step(number, line, op, as, expect, trace, note);
        if (as != null) {
            names.put(as, new Binding(op.result(), step));
        }
        if (op instanceof Op.Spawn spawn) {
            spawned.put(spawn.process(), step);
        }
        return step;
    }

    // ---------------------------------------------------------------- processes

    /** Refuses {@code step} at {@code node} when the scenario has no {@code processes:} block. */
    void requireProcesses(Node node, String step) {
        if (!processes) {
            throw nodes.error(node, step + ": this scenario has no 'processes:' block to run processes with; add one"
                    + " at the top level, such as 'processes: {policy: clock, frames: 4, swap-slots: 16}'");
        }
    }

    /** The name of a process at {@code node}, given as {@code what}: spawned by an earlier step. */
    String process(Node node, String what) {
        requireProcesses(node, what);
        String name = nodes.scalar(node, what, "the name of a process spawned by an earlier step").strip();
        if (!spawned.containsKey(name)) {
            throw nodes.error(node, what + ": no earlier step spawns a process called '" + name + "'" + (spawned.isEmpty()
                    ? " (no step before is a spawn)" : " (spawned so far: " + String.join(", ", spawned.keySet()) + ")"));
        }
        return name;
    }

    /** Refuses a second process called {@code name}, at {@code node}. */
    void checkNewProcess(Node node, String name) {
        Step earlier = spawned.get(name);
        if (earlier != null) {
            throw nodes.error(node, "spawn: a process called '" + name + "' is spawned already by step "
                    + earlier.number() + " (line " + earlier.line() + "); give each process its own name");
        }
    }

    private String as(Node asNode, String step, Op op) {
        String as = nodes.scalar(asNode, "as", "a name such as buf");
        if (!NAME.matcher(as).matches()) {
            throw nodes.error(asNode, "as: '" + as + "' is not a name: expected letters, digits and _, not starting"
                    + " with a digit (then write $" + "name to use it)");
        }
        if (op.result() == null) {
            throw nodes.error(asNode, "as: " + step + " gives no number to name");
        }
        Binding earlier = names.get(as);
        if (earlier != null) {
            throw nodes.error(asNode, "as: the name '" + as + "' is already given by step " + earlier.step().number()
                    + " (line " + earlier.step().line() + ")");
        }
        return as;
    }

    // ---------------------------------------------------------------- expect:

    private List<Expectation> expect(Node node, Op op) {
        Map<String, NodeTuple> keys = nodes.keys(nodes.mapping(node, "expect",
                "a mapping such as {value: 0x1000, frames-taken: 1}"), null, "");
        Set<Field> allowed = EnumSet.copyOf(Field.COMMON);
        allowed.addAll(op.fields());
        List<String> allowedKeys = allowed.stream().map(Field::key).toList();
        List<Expectation> out = new ArrayList<>();
        for (NodeTuple t : keys.values()) {
            String key = nodes.keyText(t.getKeyNode());
            Field field = Keys.lookup(Field.class, key);
            if (field == null || !allowed.contains(field)) {
                throw nodes.error(t.getKeyNode(), YamlNodes.unknown(op.name() + " result", key, allowedKeys));
            }
            Node v = t.getValueNode();
            Object expected = switch (field.type()) {
                case NUMBER -> number(v, key, Quantity.NUMBER);
                case BOOLEAN -> nodes.bool(v, key);
                case TEXT -> text(v, field);
                case FAILS -> failsValue(v);
                case FAULT -> YamlNodes.isBoolean(v) ? (Object) nodes.bool(v, key) : number(v, key, Quantity.NUMBER);
                case PAGES -> pages(v, key);
            };
            out.add(new Expectation(field, expected, YamlNodes.line(v)));
        }
        return out;
    }

    private String text(Node node, Field field) {
        String text = nodes.scalar(node, field.key(), "text");
        List<String> choices = switch (field) {
            case TLB -> TLB_OUTCOMES;
            case KILLED -> Keys.all(ProcessSteps.KillKind.class);
            default -> null;
        };
        if (choices != null && !choices.contains(text.strip())) {
            throw nodes.error(node, YamlNodes.unknown(field == Field.KILLED ? "kill reason" : "tlb outcome",
                    text, choices));
        }
        return field == Field.VICTIM ? victim(node, text) : choices != null ? text.strip() : text;
    }

    /** {@code none}, or a process and a page: {@code a 0x3000}, written as the runner writes it. */
    private String victim(Node node, String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length == 1 && parts[0].equals(ProcessSteps.NO_VICTIM)) {
            return ProcessSteps.NO_VICTIM;
        }
        long vaddr = parts.length == 2 ? ScenarioReader.parseNumber(parts[1]) : -1;
        if (vaddr < 0 || vaddr > Addresses.MAX_VADDR) {
            throw nodes.error(node, "victim: expected none, or a process and a page such as 'a 0x3000', got '" + text
                    + "'");
        }
        if (!spawned.containsKey(parts[0])) {
            throw nodes.error(node, "victim: no earlier step spawns a process called '" + parts[0] + "'");
        }
        return ProcessSteps.victim(parts[0], vaddr);
    }

    /** A list of page addresses ({@code [0x1000, 0x2000]}, {@code []}), as the runner writes a resident set. */
    private String pages(Node node, String key) {
        List<Node> items = node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode seq ? seq.getValue()
                : List.of(node);
        List<Long> pages = new ArrayList<>();
        for (Node item : items) {
            long vaddr = ScenarioReader.parseNumber(nodes.scalar(item, key, "a page address such as 0x1000"));
            if (vaddr < 0 || vaddr > Addresses.MAX_VADDR) {
                throw nodes.error(item, key + ": expected page addresses such as [0x1000, 0x2000], got "
                        + YamlNodes.describe(item));
            }
            pages.add(vaddr);
        }
        return ProcessSteps.pages(pages);
    }

    private Object failsValue(Node node) {
        if (YamlNodes.isBoolean(node)) {
            return nodes.bool(node, "fails");
        }
        String key = nodes.scalar(node, "fails", "true, false or a failure kind");
        Failure.Kind kind = Keys.lookup(Failure.Kind.class, key);
        if (kind == null) {
            List<String> choices = new ArrayList<>(List.of("true", "false"));
            choices.addAll(Keys.all(Failure.Kind.class));
            throw nodes.error(node, YamlNodes.unknown("failure kind", key, choices));
        }
        return kind;
    }

    // ---------------------------------------------------------------- numbers

    /** A number or {@code $name[+-offset]} at {@code node}, given as {@code what}, standing for {@code wanted}. */
    Value number(Node node, String what, Quantity wanted) {
        String text = nodes.scalar(node, what, wanted.label()).strip();
        Matcher ref = REFERENCE.matcher(text);
        if (ref.matches()) {
            String name = ref.group(1);
            Binding binding = names.get(name);
            if (binding == null) {
                throw nodes.error(node, what + ": $" + name + " is not named by an earlier step" + (names.isEmpty()
                        ? " (no step before has 'as:')" : " (names so far: " + String.join(", ", names.keySet()
                        .stream().sorted().toList()) + ")"));
            }
            if (!binding.quantity().fits(wanted)) {
                throw nodes.error(node, what + ": $" + name + " is " + binding.quantity().label() + " (from "
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
            throw nodes.error(node, what + ": '" + text + "' is not a reference: expected $name, $name+NUMBER or"
                    + " $name-NUMBER");
        }
        return new Value(text, null, literal(node, what, text, wanted));
    }

    private long literal(Node node, String what, String text, Quantity wanted) {
        long n = ScenarioReader.parseNumber(text);
        if (n < 0) {
            throw nodes.error(node, what + ": expected " + wanted.label() + " such as 4096, 4K or 0xC1000000"
                    + (wanted == Quantity.NUMBER ? "" : ", or $name") + ", got '" + text + "'");
        }
        long max = wanted == Quantity.FRAME ? (1L << (32 - Addresses.PAGE_SHIFT)) - 1 : Addresses.MAX_VADDR;
        if (n > max) {
            throw nodes.error(node, what + ": " + text + " is past " + Addresses.hex(max) + ", the largest "
                    + wanted.label().substring(2) + " of a 32-bit machine");
        }
        return n;
    }
}
