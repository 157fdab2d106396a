package dev.pagelab.pmm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Frame allocators by name (Caffeine's simulator {@code Registry}), as an instance, the same shape
 * as {@code dev.pagelab.replace.PolicyRegistry}: the command line, the kernel, the benchmarks and
 * tests each hold one, and a course adds its students' allocators to its own without touching
 * anyone else's. {@link #builtIn()} makes one with every allocator of pagelab registered.
 *
 * <p>Not thread-safe; a registry is filled once, then read.
 */
public final class FrameAllocatorRegistry {
    /** Makes an allocator over a pool. */
    @FunctionalInterface
    public interface Factory {
        /**
         * A new allocator over {@code config.free()}, its metadata in {@code config.memory()}.
         *
         * @throws IllegalArgumentException when the pool breaks the allocator's rules; nothing is
         *                                  written to memory then
         */
        FrameAllocator create(FrameAllocatorConfig config);
    }

    private record Entry(FrameAllocatorInfo info, Factory factory) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** A registry with every built-in allocator, in the order help texts list them. */
    public static FrameAllocatorRegistry builtIn() {
        FrameAllocatorRegistry registry = new FrameAllocatorRegistry();
        // One line an allocator: the class's INFO and its constructor.
        registry.register(BitmapFrameAllocator.INFO, c -> new BitmapFrameAllocator(c.memory(), c.free()));
        registry.register(BumpFrameAllocator.INFO, c -> new BumpFrameAllocator(c.memory(), c.free()));
        registry.register(FreeListFrameAllocator.INFO, c -> new FreeListFrameAllocator(c.memory(), c.free()));
        registry.register(BuddyFrameAllocator.INFO, c -> new BuddyFrameAllocator(c.memory(), c.free()));
        return registry;
    }

    /** Adds (or replaces) the allocator {@code info.name()}; returns this registry. */
    public FrameAllocatorRegistry register(FrameAllocatorInfo info, Factory factory) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(factory, "factory");
        entries.put(info.name(), new Entry(info, factory));
        return this;
    }

    /** The registered names, in registration order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The names as help texts list them: {@code bitmap, bump, free-list or buddy}. */
    public String namesText() {
        List<String> names = names();
        if (names.size() < 2) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Whether an allocator is registered as {@code name}. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * What is known of the allocator {@code name}.
     *
     * @throws IllegalArgumentException listing the known names when there is none by that name
     */
    public FrameAllocatorInfo info(String name) {
        return entry(name).info();
    }

    /**
     * A new allocator {@code name} built from {@code config}.
     *
     * @throws IllegalArgumentException listing the known names when there is none by that name, or
     *                                  from the allocator when the pool breaks its rules
     */
    public FrameAllocator create(String name, FrameAllocatorConfig config) {
        Objects.requireNonNull(config, "config");
        return entry(name).factory().create(config);
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("unknown frame allocator '" + name + "' (known: "
                    + String.join(", ", entries.keySet()) + ")");
        }
        return entry;
    }
}
