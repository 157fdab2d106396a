package dev.pagelab.scenario;

import dev.pagelab.boot.BadInputException;
import dev.pagelab.boot.E820Text;
import dev.pagelab.boot.InputFileException;
import dev.pagelab.boot.InputFiles;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

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
 *  kernel: {allocator: bitmap, table-access: temporary-mapping, large-pages: false, global-pages: false, tlb: off}
 *  processes: {policy: clock, scope: local, frames: 4, swap-slots: 16}    (for spawn, access, ...)
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
 *
 * <p>This class reads the document and its header (title, machine, kernel, on-error, trace;
 * {@link ProcessSetupReader} the processes block);
 * {@link StepReader} reads the steps, each as its kind in the {@link StepCatalog} declares it;
 * {@link YamlNodes} makes every message about a node.
 */
public final class ScenarioReader {
    /** The machine of a scenario that names none. */
    public static final String DEFAULT_MACHINE = "qemu-pc-16M";

    /** The steps, in the order the documentation lists them. */
    public static final List<String> STEP_NAMES = StepCatalog.names();

    private static final List<String> TOP_KEYS = List.of("title", "description", "machine", "e820", "kernel",
            "processes", "on-error", "trace", "steps");
    private static final List<String> KERNEL_KEYS = List.of("allocator", "table-access", "large-pages", "global-pages", "tlb");
    private static final List<String> TLB_KEYS = List.of("entries", "ways", "large-entries");

    private static final Pattern DECIMAL = Pattern.compile("([0-9]+)([KMG]?)", Pattern.CASE_INSENSITIVE);

    private final YamlNodes nodes;
    private final Path baseDir;

    private ScenarioReader(String source, Path baseDir) {
        this.nodes = new YamlNodes(source);
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
        Optional<Node> root = ScenarioYaml.compose(nodes.source(), text);
        if (root.isEmpty() || YamlNodes.isNull(root.get())) {
            throw new ScenarioException(nodes.source(), "the file is empty: expected a mapping with at least 'steps:'");
        }
        return root.get();
    }

    private Scenario scenario(Node root) {
        Map<String, NodeTuple> top = nodes.keys(nodes.mapping(root, "the scenario",
                "a mapping with keys such as title, machine, kernel and steps"), TOP_KEYS, "scenario key");
        String title = nodes.text(top, "title");
        String description = nodes.text(top, "description");
        MachineSource machine = machine(top);
        KernelConfig config = kernel(top.get("kernel"));
        ProcessSetup processes = top.containsKey("processes") ? ProcessSetupReader.read(nodes, top.get("processes"))
                : null;
        OnError onError = top.containsKey("on-error")
                ? nodes.checked(top.get("on-error").getValueNode(), () -> OnError.byKey(nodes.scalar(top.get("on-error")
                        .getValueNode(), "on-error", "stop or continue")))
                : OnError.STOP;
        boolean trace = top.containsKey("trace") && nodes.bool(top.get("trace").getValueNode(), "trace");
        NodeTuple stepsKey = top.get("steps");
        if (stepsKey == null) {
            throw nodes.error(root, "no 'steps:': expected a list of steps, such as '- kmalloc: 100'");
        }
        if (!(stepsKey.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw nodes.error(stepsKey.getValueNode(), "'steps:' must be a list of at least one step ('- kmalloc:"
                    + " 100'), got " + YamlNodes.describe(stepsKey.getValueNode()));
        }
        StepReader steps = new StepReader(nodes, processes != null);
        List<Step> read = new ArrayList<>();
        for (Node item : list.getValue()) {
            read.add(steps.step(item, read.size() + 1));
        }
        return new Scenario(nodes.source(), title, description, machine, config, processes, onError, trace, read);
    }

    private MachineSource machine(Map<String, NodeTuple> top) {
        NodeTuple builtin = top.get("machine");
        NodeTuple e820 = top.get("e820");
        if (builtin != null && e820 != null) {
            NodeTuple second = YamlNodes.line(builtin.getKeyNode()) > YamlNodes.line(e820.getKeyNode()) ? builtin : e820;
            throw nodes.error(second.getKeyNode(), "give one machine source, 'machine:' or 'e820:', not both");
        }
        if (e820 != null) {
            Node node = e820.getValueNode();
            String file = nodes.scalar(node, "e820", "the path of a dmesg paste with BIOS-e820: lines");
            if (baseDir == null) {
                throw nodes.error(node, "e820: '" + file + "' needs a scenario file on disk to be found beside it");
            }
            try {
                return new MachineSource.E820(file, E820Text.parse(baseDir.resolve(file)));
            } catch (BadInputException e) {
                throw nodes.error(node, "e820: " + e.getMessage());
            } catch (InvalidPathException e) {
                throw nodes.error(node, "e820: '" + file + "' is not a file name here (" + e.getReason() + ")");
            }
        }
        if (builtin == null) {
            return MachineSource.builtin(DEFAULT_MACHINE);
        }
        Node node = builtin.getValueNode();
        String name = nodes.scalar(node, "machine", "a built-in machine such as qemu-pc-16M");
        return nodes.checked(node, () -> MachineSource.builtin(name));
    }

    private KernelConfig kernel(NodeTuple tuple) {
        KernelConfig config = KernelConfig.DEFAULT;
        if (tuple == null) {
            return config;
        }
        Map<String, NodeTuple> keys = nodes.keys(nodes.mapping(tuple.getValueNode(), "kernel",
                "a mapping with allocator, table-access, large-pages, global-pages or tlb"), KERNEL_KEYS, "kernel key");
        if (keys.containsKey("allocator")) {
            Node node = keys.get("allocator").getValueNode();
            String name = nodes.scalar(node, "allocator", "a frame allocator such as bitmap");
            config = nodes.checked(node, config::withAllocator, name);
        }
        if (keys.containsKey("table-access")) {
            Node node = keys.get("table-access").getValueNode();
            String name = nodes.scalar(node, "table-access", "temporary-mapping, recursive or direct-map");
            config = config.withTableAccess(nodes.checked(node, TableAccessStrategy::byName, name));
        }
        if (keys.containsKey("large-pages")) {
            config = config.withLargePages(nodes.bool(keys.get("large-pages").getValueNode(), "large-pages"));
        }
        if (keys.containsKey("global-pages")) {
            config = config.withGlobalKernelPages(nodes.bool(keys.get("global-pages").getValueNode(), "global-pages"));
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
                default -> throw nodes.error(node, "tlb: expected off, on, or a mapping {entries: 64, ways: 4,"
                        + " large-entries: 8}, got '" + s.getValue() + "'");
            };
        }
        Map<String, NodeTuple> keys = nodes.keys(nodes.mapping(node, "tlb", "off, on, or {entries, ways, large-entries}"),
                TLB_KEYS, "tlb key");
        TlbConfig d = TlbConfig.DEFAULT;
        int entries = keys.containsKey("entries") ? nodes.integer(keys.get("entries").getValueNode(), "entries")
                : d.entries();
        int ways = keys.containsKey("ways") ? nodes.integer(keys.get("ways").getValueNode(), "ways") : d.ways();
        int large = keys.containsKey("large-entries") ? nodes.integer(keys.get("large-entries").getValueNode(),
                "large-entries") : d.largeEntries();
        return nodes.checked(node, () -> new TlbConfig(entries, ways, large));
    }

    // ---------------------------------------------------------------- numbers

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
}
