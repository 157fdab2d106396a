package dev.pagelab.pmm;

import dev.pagelab.hw.PhysicalMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of frame allocators by name, so that the command line, scenarios and tests can
 * pick one (Caffeine's simulator {@code Registry}).
 */
public final class FrameAllocators {
    /** Builds an allocator over the free frames the boot found. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param memory the machine's physical memory; metadata goes into frames taken from {@code free}
         * @param free   the free pool, runs in address order (BootReport.freeFrameRanges())
         */
        FrameAllocator create(PhysicalMemory memory, List<FrameRange> free);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        // The built-in allocators, one line each: register(NAME, Class::new or a factory method).
        register("bitmap", BitmapFrameAllocator::new);
        register("bump", BumpFrameAllocator::new);
        register("free-list", FreeListFrameAllocator::new);
        register("buddy", BuddyFrameAllocator::new);
    }

    private FrameAllocators() {
    }

    /** Adds (or replaces) the allocator called {@code name}: for students' own allocators. */
    public static synchronized void register(String name, Factory factory) {
        FACTORIES.put(name, factory);
    }

    /** The registered names, built-in ones first. */
    public static synchronized List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * A new allocator called {@code name} over {@code free}.
     *
     * @throws IllegalArgumentException listing the known names when there is none by that name
     */
    public static synchronized FrameAllocator create(String name, PhysicalMemory memory, List<FrameRange> free) {
        Factory factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown frame allocator '" + name + "' (known: "
                    + String.join(", ", FACTORIES.keySet()) + ")");
        }
        return factory.create(memory, free);
    }
}
