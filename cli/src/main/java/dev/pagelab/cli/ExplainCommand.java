package dev.pagelab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagelab explain VADDR...}: every step of the page walk on the booted kernel, flag by flag. */
@Command(name = "explain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Every step of the page walk for an address, flag by flag.",
        description = {
            "Boot the kernel (the same machine, map source and kernel options as 'pagelab boot')"
                    + " and walk its page tables for each address: the page-directory entry (index, address,"
                    + " each flag decoded), the page-table entry, the physical address, and what a read and"
                    + " a write would do at CPL 0 and CPL 3 - or where and why they fault, with the error"
                    + " code. Nothing is changed by looking: no Accessed bit, no TLB entry.",
            "",
            "With --json: one object per address (an array when there are several) with vaddr,"
                    + " pde and pte (the raw entries; absent where the walk stops), paddr (absent when not"
                    + " mapped), user and writable (the rights both levels grant) and the four verdicts."},
        footer = {"", "Examples:", "  pagelab explain 0xC0100000            (kernel text: read-only)",
            "  pagelab explain 0xC03FF000            (the temporary slot, empty between uses)",
            "  pagelab explain 0xFFFFF000 --table-access recursive",
            "                                        (the directory, seen as a page)",
            "  pagelab explain 0xC0100000 --table-access recursive --large-pages --json",
            "                                        (kernel text in a 4 MiB page)",
            "  pagelab explain --list-machines"})
final class ExplainCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "VADDR", converter = AddressConverter.class,
            description = "Linear addresses: 0xC0100000, C0100000h or decimal.")
    List<Long> addresses = new java.util.ArrayList<>();

    @Option(names = "--json", description = "Print the walks as JSON.")
    boolean json;

    @Mixin
    MachineOptions machine;

    @Mixin
    KernelOptions kernelOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (machine.listMachinesOnly()) {
            MachineOptions.listMachines(out);
            out.flush();
            return 0;
        }
        MachineOptions.Booted booted = machine.boot(spec.commandLine());
        KernelView kernel = Kernel.start(booted.report(), booted.memory(), booted.image(), kernelOptions.config())
                .view();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode all = mapper.createArrayNode();
            for (long vaddr : addresses) {
                all.add(toJson(mapper, kernel.explain(vaddr)));
            }
            try {
                out.println(mapper.writeValueAsString(all.size() == 1 ? all.get(0) : all));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("explain: cannot write JSON", e);
            }
        } else {
            out.printf("Kernel booted from %s (%s); CR3=%s%n%n", kernel.report().source(), kernel.config(),
                    dev.pagelab.hw.Addresses.hex(kernel.registers().cr3()));
            for (int i = 0; i < addresses.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                out.print(kernel.explain(addresses.get(i)).render());
            }
        }
        out.flush();
        return 0;
    }

    static ObjectNode toJson(ObjectMapper mapper, WalkExplanation walk) {
        ObjectNode node = mapper.createObjectNode();
        node.put("vaddr", walk.vaddr());
        int rights = Pte.USER | Pte.WRITABLE;
        for (WalkExplanation.Step step : walk.steps()) {
            String name = step.level() == WalkExplanation.Level.DIRECTORY ? "pde" : "pte";
            node.put(name, step.entry() & 0xFFFF_FFFFL);
            node.put(name + "Paddr", step.entryPaddr());
            rights &= step.entry();
        }
        Mmu.Outcome read = walk.supervisorRead();
        if (read.translates()) {
            node.put("paddr", read.paddr());
            node.put("user", (rights & Pte.USER) != 0);
            node.put("writable", (rights & Pte.WRITABLE) != 0);
            node.put("largePage", walk.steps().get(0).largePage());
        } else {
            node.put("fault", read.fault().cause().text());
        }
        ArrayNode verdicts = node.putArray("verdicts");
        for (WalkExplanation.Verdict v : walk.verdicts()) {
            ObjectNode o = verdicts.addObject().put("cpl", v.cpl()).put("write", v.write());
            if (v.outcome().translates()) {
                o.put("paddr", v.outcome().paddr());
            } else {
                o.put("errorCode", v.outcome().fault().errorCode());
            }
        }
        return node;
    }
}
