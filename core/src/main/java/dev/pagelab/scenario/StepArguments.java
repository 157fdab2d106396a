package dev.pagelab.scenario;

import dev.pagelab.pmm.FrameOwner;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The arguments of one step as the file gives them: a scalar (the first argument) or a mapping.
 * {@link #readAll} reads them as the step's kind declares them, in order, and keeps the values;
 * the kind's reader takes them by key; {@link #finish} then refuses whatever was given and not
 * asked for.
 */
final class StepArguments {
    private static final List<FrameOwner> FRAME_OWNERS = List.of(FrameOwner.ALLOCATED, FrameOwner.KERNEL_DATA);

    private final String step;
    private final Node stepNode;
    private final ScalarNode scalar;
    private final Map<String, NodeTuple> keys;
    private final StepReader reader;
    private final YamlNodes nodes;
    private final Set<String> known = new LinkedHashSet<>();
    private final Map<String, Object> values = new HashMap<>();
    private boolean scalarTaken;

    StepArguments(String step, Node stepNode, Node arguments, StepReader reader) {
        this.step = step;
        this.stepNode = stepNode;
        this.reader = reader;
        this.nodes = reader.nodes();
        if (arguments == null || YamlNodes.isNull(arguments)) {
            this.scalar = null;
            this.keys = Map.of();
        } else if (arguments instanceof ScalarNode s) {
            this.scalar = s;
            this.keys = Map.of();
        } else if (arguments instanceof MappingNode m) {
            this.scalar = null;
            this.keys = nodes.keys(m, null, "");
        } else {
            throw nodes.error(arguments, step + ": expected its argument or a mapping of arguments, got a list");
        }
    }

    /** Reads every argument of {@code schema}, in its order, and keeps the values by key. */
    void readAll(List<Argument> schema) {
        for (Argument a : schema) {
            String key = a.key();
            Object value = switch (a.type()) {
                case NUMBER -> reader.number(take(key, true), key, a.quantity());
                case FLAG -> {
                    Node node = take(key, false);
                    yield node == null ? a.otherwise() : nodes.bool(node, key);
                }
                case REQUIRED_FLAG -> nodes.bool(take(key, true), key);
                case OWNER -> readOwner(key);
                case NODE -> take(key, false);
                case PROCESS -> reader.process(take(key, true), key);
                case OPTIONAL_PROCESS -> {
                    Node node = take(key, false);
                    yield node == null ? null : reader.process(node, key);
                }
            };
            if (value != null) {
                values.put(key, value);
            }
        }
    }

    /** The number read for {@code key}. */
    Value value(String key) {
        return (Value) values.get(key);
    }

    /** The flag read for {@code key}. */
    boolean flag(String key) {
        return (Boolean) values.get(key);
    }

    /** The owner read for {@code key}. */
    FrameOwner owner(String key) {
        return (FrameOwner) values.get(key);
    }

    /** The node given for {@code key}, or null. */
    Node node(String key) {
        return (Node) values.get(key);
    }

    /** The process named for {@code key}, or null when an optional one was not given. */
    String process(String key) {
        return (String) values.get(key);
    }

    /** Whether the file gave {@code key} (not only its default). */
    boolean given(String key) {
        return keys.containsKey(key) || scalarTaken && known.iterator().next().equals(key);
    }

    /** Refuses a second process called {@code name}, at {@code node}. */
    void checkNewProcess(Node node, String name) {
        reader.checkNewProcess(node, name);
    }

    /** Refuses the step when the scenario has no {@code processes:} block. */
    void requireProcesses() {
        reader.requireProcesses(stepNode, step);
    }

    /** The step's name. */
    String step() {
        return step;
    }

    /** The step's own node, for a problem with the step as a whole. */
    Node stepNode() {
        return stepNode;
    }

    /** The nodes' helpers, for a kind's reader. */
    YamlNodes nodes() {
        return nodes;
    }

    /** A number or {@code $name} at {@code node}, as {@code what}, standing for {@code wanted}. */
    Value number(Node node, String what, Quantity wanted) {
        return reader.number(node, what, wanted);
    }

    /** Rejects what was given and not asked for. */
    void finish() {
        if (scalar != null && !scalarTaken) {
            throw nodes.error(scalar, step + " takes no arguments, got '" + scalar.getValue() + "'");
        }
        for (NodeTuple t : keys.values()) {
            String key = nodes.keyText(t.getKeyNode());
            if (!known.contains(key)) {
                throw nodes.error(t.getKeyNode(), known.isEmpty() ? step + " takes no arguments, got '" + key + "'"
                        : YamlNodes.unknown(step + " argument", key, List.copyOf(known)));
            }
        }
    }

    /** The node given for {@code key}: the scalar for the first key asked, else the mapping's entry. */
    private Node take(String key, boolean required) {
        boolean first = known.isEmpty();
        known.add(key);
        if (scalar != null && first) {
            scalarTaken = true;
            return scalar;
        }
        NodeTuple t = keys.get(key);
        if (t == null && required) {
            String form = known.size() == 1 ? step + ": VALUE or " : "";
            throw nodes.error(stepNode, step + " needs '" + key + "': write it as " + form + step + ": {"
                    + key + ": ...}");
        }
        return t == null ? null : t.getValueNode();
    }

    private FrameOwner readOwner(String key) {
        Node node = take(key, false);
        if (node == null) {
            return FrameOwner.ALLOCATED;
        }
        List<String> choices = FRAME_OWNERS.stream().map(Keys::of).toList();
        String text = nodes.scalar(node, key, String.join(" or ", choices));
        FrameOwner owner = Keys.lookup(FrameOwner.class, text);
        if (owner == null || !FRAME_OWNERS.contains(owner)) { // List.of(...).contains(null) throws
            throw nodes.error(node, YamlNodes.unknown("frame owner", text, choices));
        }
        return owner;
    }
}
