package dev.pagelab.replace;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replacement policies by name (Caffeine's simulator {@code Registry}), as an instance: the
 * command line, the kernel and tests each hold one, and a course adds its students' policies to
 * its own without touching anyone else's. {@link #builtIn()} makes one with every policy of
 * pagelab registered.
 */
public final class PolicyRegistry {
    /** Makes a policy for one pool. */
    @FunctionalInterface
    public interface Factory {
        ReplacementPolicy create(PolicyConfig config, Pool pool);
    }

    private record Entry(PolicyInfo info, Factory factory) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** A registry with every built-in policy, in the order help texts list them. */
    public static PolicyRegistry builtIn() {
        PolicyRegistry registry = new PolicyRegistry();
        // One line a policy: the class's INFO and its constructor.
        registry.register(FifoPolicy.INFO, FifoPolicy::new);
        registry.register(LruPolicy.INFO, LruPolicy::new);
        registry.register(MruPolicy.INFO, MruPolicy::new);
        registry.register(OptPolicy.INFO, OptPolicy::new);
        registry.register(RandomPolicy.INFO, RandomPolicy::new);
        registry.register(ClockPolicy.INFO, ClockPolicy::new);
        registry.register(EscPolicy.INFO, EscPolicy::new);
        registry.register(NruPolicy.INFO, NruPolicy::new);
        registry.register(AgingPolicy.INFO, AgingPolicy::new);
        registry.register(LfuPolicy.INFO, LfuPolicy::new);
        registry.register(WsClockPolicy.INFO, WsClockPolicy::new);
        registry.register(WorkingSetPolicy.INFO, WorkingSetPolicy::new);
        registry.register(PffPolicy.INFO, PffPolicy::new);
        registry.register(ArcPolicy.INFO, ArcPolicy::new);
        registry.register(LirsPolicy.INFO, LirsPolicy::new);
        registry.register(TwoQueuePolicy.INFO, TwoQueuePolicy::new);
        registry.register(SievePolicy.INFO, SievePolicy::new);
        registry.register(S3FifoPolicy.INFO, S3FifoPolicy::new);
        registry.register(ClockProPolicy.INFO, ClockProPolicy::new);
        return registry;
    }

    /** Adds (or replaces) the policy {@code info.name()}; returns this registry. */
    public PolicyRegistry register(PolicyInfo info, Factory factory) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(factory, "factory");
        entries.put(info.name(), new Entry(info, factory));
        return this;
    }

    /** The registered names, in registration order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Whether a policy is registered as {@code name}. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * What is known of the policy {@code name}.
     *
     * @throws IllegalArgumentException listing the known names when there is none by that name
     */
    public PolicyInfo info(String name) {
        return entry(name).info();
    }

    /**
     * A new policy {@code name} for {@code pool}.
     *
     * @throws IllegalArgumentException listing the known names when there is none by that name
     */
    public ReplacementPolicy create(String name, PolicyConfig config, Pool pool) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pool, "pool");
        return entry(name).factory().create(config, pool);
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("unknown replacement policy '" + name + "' (known: "
                    + String.join(", ", entries.keySet()) + ")");
        }
        return entry;
    }
}
