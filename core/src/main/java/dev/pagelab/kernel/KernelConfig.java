package dev.pagelab.kernel;

import dev.pagelab.hw.TlbConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocatorRegistry;

/**
 * The choices a kernel is built with.
 *
 * @param allocator   the frame allocator's registry name ({@code bitmap}, {@code bump}, {@code free-list}, {@code buddy})
 * @param tableAccess how the kernel reaches page-table frames once paging is on
 * @param largePages  whether the kernel half is mapped with 4 MiB pages (CR4.PSE)
 * @param tlb         the TLB's shape
 */
public record KernelConfig(String allocator, TableAccessStrategy tableAccess, boolean largePages, TlbConfig tlb) {
    /** The seeds' kernel: bitmap frames, the temporary slot, 4 KiB pages, the default TLB. */
    public static final KernelConfig DEFAULT = new KernelConfig("bitmap", TableAccessStrategy.TEMPORARY_MAPPING, false,
            TlbConfig.DEFAULT);

    /**
     * Checks the allocator name against the built-in registry, the one {@link Kernel} makes its
     * allocator from.
     *
     * @throws IllegalArgumentException listing the known names when there is no allocator by that name
     */
    public KernelConfig {
        FrameAllocatorRegistry.builtIn().info(allocator);
    }

    /** This configuration with another frame allocator. */
    public KernelConfig withAllocator(String name) {
        return new KernelConfig(name, tableAccess, largePages, tlb);
    }

    /** This configuration with another way to reach page tables. */
    public KernelConfig withTableAccess(TableAccessStrategy strategy) {
        return new KernelConfig(allocator, strategy, largePages, tlb);
    }

    /** This configuration with or without 4 MiB pages for the kernel half. */
    public KernelConfig withLargePages(boolean large) {
        return new KernelConfig(allocator, tableAccess, large, tlb);
    }

    /** This configuration with another TLB. */
    public KernelConfig withTlb(TlbConfig config) {
        return new KernelConfig(allocator, tableAccess, largePages, config);
    }

    @Override
    public String toString() {
        return "allocator " + allocator + ", " + tableAccess + ", " + (largePages ? "4 MiB" : "4 KiB") + " kernel pages";
    }
}
