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
 * @param globalKernelPages whether every kernel-half page is mapped global (G = 1 in its PTE, or
 *                    in its 4 MiB PDE) and CR4.PGE is set once the boot's identity mapping is gone,
 *                    so that the kernel's translations stay in the TLB when CR3 is loaded (SDM vol.
 *                    3A 4.10.2.4, 4.10.4.1: a CR3 load drops only non-global entries when
 *                    CR4.PGE = 1; INVLPG drops a global one too). Off in the seeds' kernel, which
 *                    never sets CR4.PGE
 */
public record KernelConfig(String allocator, TableAccessStrategy tableAccess, boolean largePages, TlbConfig tlb,
                           boolean globalKernelPages) {
    /** The seeds' kernel: bitmap frames, the temporary slot, 4 KiB pages, the default TLB, no global pages. */
    public static final KernelConfig DEFAULT = new KernelConfig("bitmap", TableAccessStrategy.TEMPORARY_MAPPING, false,
            TlbConfig.DEFAULT, false);

    /**
     * Checks the allocator name against the built-in registry, the one {@link Kernel} makes its
     * allocator from.
     *
     * @throws IllegalArgumentException listing the known names when there is no allocator by that name
     */
    public KernelConfig {
        FrameAllocatorRegistry.builtIn().info(allocator);
    }

    /** A configuration without global kernel pages, as the seeds' kernel has it. */
    public KernelConfig(String allocator, TableAccessStrategy tableAccess, boolean largePages, TlbConfig tlb) {
        this(allocator, tableAccess, largePages, tlb, false);
    }

    /** This configuration with another frame allocator. */
    public KernelConfig withAllocator(String name) {
        return new KernelConfig(name, tableAccess, largePages, tlb, globalKernelPages);
    }

    /** This configuration with another way to reach page tables. */
    public KernelConfig withTableAccess(TableAccessStrategy strategy) {
        return new KernelConfig(allocator, strategy, largePages, tlb, globalKernelPages);
    }

    /** This configuration with or without 4 MiB pages for the kernel half. */
    public KernelConfig withLargePages(boolean large) {
        return new KernelConfig(allocator, tableAccess, large, tlb, globalKernelPages);
    }

    /** This configuration with another TLB. */
    public KernelConfig withTlb(TlbConfig config) {
        return new KernelConfig(allocator, tableAccess, largePages, config, globalKernelPages);
    }

    /** This configuration with or without global kernel pages (G = 1 in the kernel half, CR4.PGE set). */
    public KernelConfig withGlobalKernelPages(boolean global) {
        return new KernelConfig(allocator, tableAccess, largePages, tlb, global);
    }

    @Override
    public String toString() {
        return "allocator " + allocator + ", " + tableAccess + ", " + (largePages ? "4 MiB" : "4 KiB") + " kernel pages"
                + (globalKernelPages ? ", global" : "");
    }
}
