package dev.pagelab.scenario;

import dev.pagelab.proc.ProcessConfig;
import dev.pagelab.proc.SwapDevice;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyInfo;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.Visibility;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.Scope;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads a scenario's {@code processes:} block into a {@link ProcessSetup}, every key checked:
 *
 * <pre>
 *  processes:
 *    policy: clock            a replacement policy by name (not opt: it needs the future)
 *    scope: local             local or global
 *    allocation: equal        equal, proportional or priority (local scope)
 *    frames: 4                the frames processes share
 *    min-frames: 2            the least a process gets (default: 2 when several share, else 1)
 *    swap-slots: 16           slots of the swap device
 *    io-cost: 8ms             one page transfer to or from swap: ns, us, ms or s
 *    skip-invlpg: false       the lesson switch: clear A without INVLPG
 *    seed, clock-load-bit, tick, aging-bits, tau, window, pff-tau    the policy's parameters,
 *                             as pagelab replay names them
 * </pre>
 */
final class ProcessSetupReader {
    private static final List<String> KEYS = List.of("policy", "scope", "allocation", "frames", "min-frames",
            "swap-slots", "io-cost", "skip-invlpg", "seed", "clock-load-bit", "tick", "aging-bits", "tau", "window",
            "pff-tau");
    private static final Pattern IO_COST = Pattern.compile("([0-9][0-9_]*)\\s*(ns|us|ms|s)?");

    private final YamlNodes nodes;
    private final Map<String, NodeTuple> keys;

    private ProcessSetupReader(YamlNodes nodes, Map<String, NodeTuple> keys) {
        this.nodes = nodes;
        this.keys = keys;
    }

    /** The block under {@code tuple}'s key. */
    static ProcessSetup read(YamlNodes nodes, NodeTuple tuple) {
        Node block = tuple.getValueNode();
        Map<String, NodeTuple> keys = nodes.keys(nodes.mapping(block, "processes",
                "a mapping such as {policy: clock, frames: 4, swap-slots: 16}"), KEYS, "processes key");
        return new ProcessSetupReader(nodes, keys).setup(tuple.getKeyNode());
    }

    private ProcessSetup setup(Node at) {
        PolicyRegistry registry = PolicyRegistry.builtIn();
        ProcessConfig config = ProcessConfig.DEFAULT;
        PolicyInfo info = registry.info(config.policy());
        if (keys.containsKey("policy")) {
            Node node = keys.get("policy").getValueNode();
            String name = nodes.scalar(node, "policy", "a replacement policy such as clock").strip()
                    .toLowerCase(Locale.ROOT);
            if (!registry.contains(name)) {
                throw nodes.error(node, YamlNodes.unknown("replacement policy", name, registry.names()));
            }
            info = registry.info(name);
            if (info.needsFuture()) {
                throw nodes.error(node, "policy: " + name + " needs the future (it evicts the page whose next use is"
                        + " farthest away), which neither a kernel nor a scenario run step by step knows; choose"
                        + " another policy here, or compare with " + name + " in 'pagelab replay', which reads the"
                        + " whole trace first");
            }
            config = config.withPolicy(name);
        }
        if (keys.containsKey("scope")) {
            config = config.withScope(choice("scope", Scope.class, Scope::cliName));
        }
        if (keys.containsKey("allocation")) {
            config = config.withAllocation(choice("allocation", AllocationMode.class, AllocationMode::cliName));
        }
        if (keys.containsKey("frames")) {
            config = config.withFrames(atLeast("frames", 1, Integer.MAX_VALUE));
        }
        if (keys.containsKey("min-frames")) {
            config = config.withMinimumFrames(atLeast("min-frames", 1, Integer.MAX_VALUE));
        }
        if (keys.containsKey("swap-slots") || keys.containsKey("io-cost")) {
            int slots = keys.containsKey("swap-slots") ? atLeast("swap-slots", 0, SwapDevice.MAX_SLOTS)
                    : config.swapSlots();
            long cost = keys.containsKey("io-cost") ? ioCost(keys.get("io-cost").getValueNode()) : config.ioCostNanos();
            config = config.withSwap(slots, cost);
        }
        if (keys.containsKey("skip-invlpg")) {
            config = config.withSkipInvlpg(nodes.bool(keys.get("skip-invlpg").getValueNode(), "skip-invlpg"));
        }
        config = config.withPolicyConfig(policyConfig(config.policyConfig()));
        int line = YamlNodes.line(at);
        int column = at.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
        return new ProcessSetup(config, info.visibility() == Visibility.EVERY_REFERENCE, line, column);
    }

    private PolicyConfig policyConfig(PolicyConfig config) {
        PolicyConfig c = config;
        if (keys.containsKey("seed")) {
            c = c.withSeed(atLeast("seed", 0, Integer.MAX_VALUE));
        }
        if (keys.containsKey("clock-load-bit")) {
            c = c.withClockLoadBit(atLeast("clock-load-bit", 0, 1));
        }
        if (keys.containsKey("tick")) {
            c = c.withTickInterval(atLeast("tick", 1, Integer.MAX_VALUE));
        }
        if (keys.containsKey("aging-bits")) {
            c = c.withAgingBits(atLeast("aging-bits", 1, 32));
        }
        if (keys.containsKey("tau")) {
            c = c.withTau(atLeast("tau", 1, Integer.MAX_VALUE));
        }
        if (keys.containsKey("window")) {
            c = c.withWindow(atLeast("window", 1, Integer.MAX_VALUE));
        }
        if (keys.containsKey("pff-tau")) {
            c = c.withPffTau(atLeast("pff-tau", 1, Integer.MAX_VALUE));
        }
        return c;
    }

    private <E extends Enum<E>> E choice(String key, Class<E> type, java.util.function.Function<E, String> name) {
        Node node = keys.get(key).getValueNode();
        List<String> names = Arrays.stream(type.getEnumConstants()).map(name).toList();
        String given = nodes.scalar(node, key, String.join(" or ", names)).strip().toLowerCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (name.apply(constant).equals(given)) {
                return constant;
            }
        }
        throw nodes.error(node, YamlNodes.unknown(key, given, names));
    }

    private int atLeast(String key, int min, int max) {
        Node node = keys.get(key).getValueNode();
        int n = nodes.integer(node, key);
        if (n < min || n > max) {
            throw nodes.error(node, key + ": expected " + min + " to " + max + ", got " + n);
        }
        return n;
    }

    private long ioCost(Node node) {
        String text = nodes.scalar(node, "io-cost", "a time such as 8ms");
        Matcher m = IO_COST.matcher(text.strip());
        if (!m.matches() || m.group(1).replace("_", "").length() > 12 || m.group(2) == null && !text.strip().equals("0")) {
            throw nodes.error(node, "io-cost: expected a time with its unit, such as 8ms, 100us, 250ns or 0, got '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1).replace("_", ""));
        long unit = switch (m.group(2) == null ? "ns" : m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 1L;
        };
        if (n > Long.MAX_VALUE / unit / 4) {
            throw nodes.error(node, "io-cost: " + text + " is too long for a page transfer");
        }
        return n * unit;
    }
}
