package dev.pagelab.cli;

import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.scenario.MachineSource;
import dev.pagelab.scenario.Scenario;
import picocli.CommandLine.Option;

/** The machine and kernel options that change a scenario's own: shared by {@code run}, {@code demo} and {@code serve}. */
final class ScenarioChanges {
    @Option(names = "--machine", paramLabel = "NAME",
            description = "Run on this built-in machine instead of the scenario's (see 'pagelab boot --list-machines').")
    String machine;

    @Option(names = "--allocator", paramLabel = "NAME", descriptionKey = AllocatorHelp.SCENARIO,
            description = "Use this frame allocator instead of the scenario's.")
    String allocator;

    @Option(names = "--table-access", paramLabel = "HOW",
            description = "Reach page tables this way instead of the scenario's: temporary-mapping, recursive or direct-map.")
    String tableAccess;

    @Option(names = "--large-pages", description = "Set CR4.PSE and map the kernel half with 4 MiB pages, whatever the"
            + " scenario says; with recursive or direct-map only (temporary-mapping keeps the first 4 MiB in the"
            + " page table its slot lives in).")
    boolean largePages;

    @Option(names = "--global-pages", description = "Map the kernel half global (G=1) and set CR4.PGE, whatever the"
            + " scenario says: a process switch's CR3 load then keeps the kernel's translations in the TLB.")
    boolean globalPages;

    @Option(names = "--no-tlb", description = "Turn the TLB off, whatever the scenario says: every access walks the tables.")
    boolean noTlb;

    /** {@code scenario} with the machine and kernel options given on the command line. */
    Scenario apply(Scenario scenario) {
        KernelConfig config = scenario.config();
        if (allocator != null) {
            config = config.withAllocator(allocator);
        }
        if (tableAccess != null) {
            config = config.withTableAccess(TableAccessStrategy.byName(tableAccess));
        }
        if (largePages) {
            config = config.withLargePages(true);
        }
        if (globalPages) {
            config = config.withGlobalKernelPages(true);
        }
        if (noTlb) {
            config = config.withTlb(TlbConfig.OFF);
        }
        Scenario out = scenario.withConfig(config);
        if (machine != null) {
            out = out.withMachine(MachineSource.builtin(machine));
        }
        return out;
    }
}
