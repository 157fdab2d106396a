package dev.pagelab.cli;

import dev.pagelab.hw.TlbConfig;
import picocli.CommandLine.Option;

/** The TLB's shape, shared by every command that builds a machine. */
final class TlbOptions {
    @Option(names = "--tlb-entries", paramLabel = "N", defaultValue = "64",
            description = "4 KiB translations the TLB holds (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--tlb-ways", paramLabel = "N", defaultValue = "4",
            description = "TLB associativity (default: ${DEFAULT-VALUE}).")
    int ways;

    @Option(names = "--tlb-large-entries", paramLabel = "N", defaultValue = "8",
            description = "4 MiB translations the TLB holds (default: ${DEFAULT-VALUE}).")
    int largeEntries;

    @Option(names = "--no-tlb", description = "Turn the TLB off: every access walks the page tables.")
    boolean off;

    TlbConfig config() {
        return off ? TlbConfig.OFF : new TlbConfig(entries, ways, largeEntries);
    }
}
