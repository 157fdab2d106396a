package dev.pagelab.scenario;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The YAML nodes of one scenario file as the reader takes them apart: a mapping, a scalar, a
 * boolean, a whole number, the keys of a mapping (no key twice, only known ones), and the
 * {@link ScenarioException} for a node, which names the file, the node's line and column, and
 * what was expected. Every message the reader gives about the shape of the file is made here.
 */
final class YamlNodes {
    private final String source;

    YamlNodes(String source) {
        this.source = source;
    }

    /** The file's name, for messages. */
    String source() {
        return source;
    }

    MappingNode mapping(Node node, String what, String expected) {
        if (node instanceof MappingNode m) {
            return m;
        }
        throw error(node, what + ": expected " + expected + ", got " + describe(node));
    }

    String scalar(Node node, String what, String expected) {
        if (node instanceof ScalarNode s && !isNull(s)) {
            return s.getValue();
        }
        throw error(node, what + ": expected " + expected + ", got " + describe(node));
    }

    /** The text under {@code key}, or null when the key is not there. */
    String text(Map<String, NodeTuple> keys, String key) {
        NodeTuple t = keys.get(key);
        return t == null ? null : scalar(t.getValueNode(), key, "text");
    }

    /** The entries of {@code mapping} by key, in order; duplicates and (with {@code known}) unknown keys refused. */
    Map<String, NodeTuple> keys(MappingNode mapping, List<String> known, String what) {
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

    String keyText(Node key) {
        if (key instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(key, "expected a plain key, got " + describe(key));
    }

    int integer(Node node, String what) {
        String text = scalar(node, what, "a whole number");
        long n = ScenarioReader.parseNumber(text);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw error(node, what + ": expected a whole number, got '" + text + "'");
        }
        return (int) n;
    }

    boolean bool(Node node, String what) {
        if (!isBoolean(node)) {
            throw error(node, what + ": expected true or false, got " + describe(node));
        }
        return ((ScalarNode) node).getValue().strip().equalsIgnoreCase("true");
    }

    static boolean isBoolean(Node node) {
        return node instanceof ScalarNode s && (s.getValue().strip().equalsIgnoreCase("true")
                || s.getValue().strip().equalsIgnoreCase("false"));
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNull(node) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** Runs a check of the kernel's own (a name lookup, a constructor) and reports its refusal at {@code node}. */
    <T> T checked(Node node, Supplier<T> work) {
        try {
            return work.get();
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    <T> T checked(Node node, Function<String, T> work, String argument) {
        return checked(node, () -> work.apply(argument));
    }

    ScenarioException error(Node node, String problem) {
        Mark mark = node.getStartMark().orElse(null);
        return mark == null ? new ScenarioException(source, problem)
                : new ScenarioException(source, mark.getLine() + 1, mark.getColumn() + 1, problem);
    }

    static int line(Node node) {
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
