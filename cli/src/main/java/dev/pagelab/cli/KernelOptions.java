package dev.pagelab.cli;

import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How the kernel is built: shared by every command that starts one. */
final class KernelOptions {
    @Option(names = "--allocator", paramLabel = "NAME", defaultValue = "bitmap", descriptionKey = AllocatorHelp.KERNEL,
            description = "The frame allocator (default: ${DEFAULT-VALUE}).")
    String allocator;

    @Option(names = "--table-access", paramLabel = "HOW", defaultValue = "temporary-mapping",
            description = "How the kernel reaches page tables once paging is on: temporary-mapping (the seeds' slot"
                    + " at 0xC03FF000), recursive (PDE 1023) or direct-map (0xC0000000 + paddr)"
                    + " (default: ${DEFAULT-VALUE}).")
    String tableAccess;

    @Option(names = "--large-pages", description = "Set CR4.PSE and map the kernel half with 4 MiB pages; with"
            + " --table-access recursive or direct-map only: temporary-mapping keeps the first 4 MiB, where the"
            + " kernel lies, in the page table its slot lives in.")
    boolean largePages;

    @Option(names = "--global-pages", description = "Map the kernel half global (G=1) and set CR4.PGE once the"
            + " boot's identity mapping is gone: the kernel's translations then stay in the TLB across CR3 loads.")
    boolean globalPages;

    @Mixin
    TlbOptions tlb;

    KernelConfig config() {
        return new KernelConfig(allocator, TableAccessStrategy.byName(tableAccess), largePages, tlb.config(),
                globalPages);
    }
}
