package dev.pagelab.cli;

import dev.pagelab.hw.Mmu;
import dev.pagelab.kernel.HandBuiltMachine;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pagelab explain VADDR...}: every step of the page walk, flag by flag. */
@Command(name = "explain",
        mixinStandardHelpOptions = true,
        header = "Every step of the page walk for an address, flag by flag.",
        description = {
            "Walk the page tables for each address and show every step: the page-directory",
            "entry (index, address, each flag decoded), the page-table entry, the physical",
            "address, and what a read and a write would do at CPL 0 and CPL 3 - or where and",
            "why they fault, with the error code. Nothing is changed by looking.",
            "",
            "The address space is the one 'pagelab demo' builds by hand (see its help)."},
        footer = {"", "Examples:", "  pagelab explain 0xC0100000", "  pagelab explain 0xC0400123 0x08048000 0"})
final class ExplainCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "VADDR", converter = AddressConverter.class,
            description = "Linear addresses: 0xC0100000, C0100000h or decimal.")
    List<Long> addresses;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Mmu mmu = HandBuiltMachine.build();
        var out = spec.commandLine().getOut();
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                out.println();
            }
            out.print(mmu.explain(addresses.get(i)).render());
        }
        out.flush();
        return 0;
    }
}
