package dev.pagelab.conformance;

import dev.pagelab.boot.MachineProfile;
import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link PagingCase}s in QEMU, one phase each in a shared run, and compares what QEMU shows
 * with what pagelab expects: every access's outcome, every table entry afterwards (A and D
 * included; {@code xp}), {@code info tlb}, {@code info mem} and the translation ({@code gva2gpa})
 * of every page touched. Disagreements are collected, with the case's description, rather than
 * thrown, so that one run reports them all.
 */
final class QemuComparison {
    /** The most disagreements kept for the report. */
    static final int MAX_REPORTED = Integer.getInteger("pagelab.conformance.reported", 25);
    /** A run's parameter block must stay below pagelab's first frames at 2 MiB (the stub refuses overlaps). */
    static final int BLOCK_LIMIT_BYTES = 640 << 10;

    private final MachineProfile machine;
    private final String cpu;
    private final StubKernel stub;
    private final List<String> disagreements = new ArrayList<>();
    private int addressBits;
    private long runs;
    private long phases;
    private long accesses;
    private long faults;
    /** Faults by error code, 0 to 15 (P, W/R, U/S, RSVD). */
    private final long[] faultsByErrorCode = new long[16];
    private long writes;
    private long userAccesses;
    private long crossing;
    private long quirks;
    private long valuesCompared;
    private long entriesCompared;
    private long tlbLines;
    private long memLines;
    private long translations;

    QemuComparison(MachineProfile machine, String cpu, StubKernel stub) {
        this.machine = machine;
        this.cpu = cpu;
        this.stub = stub;
    }

    /** M, the physical-address width QEMU's CPU uses for 32-bit paging (from its CPUID, one boot). */
    int addressBits() {
        if (addressBits == 0) {
            try (QemuRun run = QemuRun.start(machine, cpu, stub, null, false)) {
                addressBits = StubBoot.read(run).pagingAddressBits();
            }
        }
        return addressBits;
    }

    /** Runs {@code cases}, each already {@linkplain PagingCase#expect expected}, in one QEMU run. */
    void run(List<PagingCase> cases) {
        byte[] block = ParameterBlock.encode(cases.stream().map(c -> c.phase).toList());
        if (block.length > BLOCK_LIMIT_BYTES) {
            throw new IllegalArgumentException("parameter block of " + block.length + " bytes, more than "
                    + BLOCK_LIMIT_BYTES + ": run fewer cases at once");
        }
        try (QemuRun run = QemuRun.start(machine, cpu, stub, block, true)) {
            StubBoot boot = StubBoot.read(run);
            if (boot.moduleStart() < 0 || boot.imageEnd() != cases.get(0).stubEnd) {
                throw new IllegalStateException("the stub did not get its block, or lies elsewhere than pagelab mapped it: "
                        + boot + "\n" + run.context());
            }
            for (int p = 0; p < cases.size(); p++) {
                PagingCase c = cases.get(p);
                expectLine(run, String.format("PHASE %08X", p));
                for (int i = 0; i < c.phase.accesses().size(); i++) {
                    compareAccess(c, i, Outcome.parse(run.line(), i));
                }
                expectLine(run, String.format("DONE %08X", p));
                compareMachineState(c, run.monitor());
                run.resume();
                phases++;
            }
            expectLine(run, "END");
            int status = run.exitStatus();
            if (status != QemuRun.STUB_SUCCESS) {
                throw new IllegalStateException("QEMU ended with status " + status + "\n" + run.context());
            }
            runs++;
        }
    }

    private static void expectLine(QemuRun run, String wanted) {
        String line = run.line();
        if (!line.equals(wanted)) {
            throw new IllegalStateException("expected '" + wanted + "' from the stub, got '" + line + "'\n" + run.context());
        }
    }

    private void compareAccess(PagingCase c, int i, Outcome qemu) {
        Outcome ours = QemuQuirks.asQemu(c.expected.get(i));
        quirks += QemuQuirks.applies(c.expected.get(i)) ? 1 : 0;
        boolean withValue = c.valueCompared.get(i);
        ParameterBlock.Access a = c.phase.accesses().get(i);
        accesses++;
        writes += a.write() ? 1 : 0;
        userAccesses += a.user() ? 1 : 0;
        crossing += a.crossesPage() ? 1 : 0;
        if (qemu.faulted()) {
            faults++;
            faultsByErrorCode[qemu.errorCode() & 15]++;
        }
        valuesCompared += withValue && !qemu.faulted() ? 1 : 0;
        if (withValue ? !qemu.equals(ours) : !qemu.sameButValue(ours)) {
            disagree(c, "access " + i + ", " + a + ": QEMU " + qemu + ", pagelab " + c.expected.get(i)
                    + (QemuQuirks.applies(c.expected.get(i)) ? " (QEMU 7.2 expected: " + ours + ")" : ""));
        }
    }

    private void compareMachineState(PagingCase c, Qmp qmp) {
        for (Map.Entry<Long, int[]> frame : c.tablesAfter.entrySet()) {
            long paddr = frame.getKey();
            int[] qemu = MonitorViews.xpWords(qmp.hmp(String.format("xp /%dwx 0x%x", Addresses.ENTRIES_PER_TABLE, paddr)),
                    Addresses.ENTRIES_PER_TABLE);
            int[] ours = frame.getValue();
            for (int i = 0; i < ours.length; i++) {
                int mask = ~c.ignoredBits(paddr, i);
                entriesCompared++;
                if ((qemu[i] & mask) != (ours[i] & mask)) {
                    disagree(c, String.format("entry %d of table frame 0x%08X: QEMU 0x%08X, pagelab 0x%08X", i, paddr,
                            qemu[i], ours[i]));
                }
            }
        }
        List<String> tlb = outsideStub(c, MonitorViews.lines(qmp.hmp("info tlb")));
        tlbLines += tlb.size();
        compareLines(c, "info tlb", tlb, outsideStub(c, c.infoTlb));
        List<String> mem = MonitorViews.lines(qmp.hmp("info mem"));
        memLines += mem.size();
        compareLines(c, "info mem", mem, c.infoMem);
        c.translations.forEach((page, ours) -> {
            long qemu = MonitorViews.gpa(qmp.hmp(String.format("gva2gpa 0x%x", page)));
            translations++;
            if (qemu != ours) {
                disagree(c, String.format("gva2gpa 0x%08X: QEMU %s, pagelab %s", page, gpaText(qemu), gpaText(ours)));
            }
        });
    }

    /** {@code info tlb} lines but those of the stub's pages, whose A and D bits its running sets. */
    private static List<String> outsideStub(PagingCase c, List<String> tlbLines) {
        return tlbLines.stream()
                .filter(l -> !c.inStub(Long.parseUnsignedLong(l.substring(0, l.indexOf(':')), 16), 1)).toList();
    }

    private void compareLines(PagingCase c, String what, List<String> qemu, List<String> ours) {
        if (!qemu.equals(ours)) {
            List<String> onlyQemu = new ArrayList<>(qemu);
            onlyQemu.removeAll(ours);
            List<String> onlyOurs = new ArrayList<>(ours);
            onlyOurs.removeAll(qemu);
            disagree(c, what + ": only QEMU shows " + onlyQemu + "; only pagelab shows " + onlyOurs);
        }
    }

    private static String gpaText(long paddr) {
        return paddr < 0 ? "unmapped" : Addresses.hex(paddr);
    }

    private void disagree(PagingCase c, String what) {
        if (disagreements.size() < MAX_REPORTED) {
            disagreements.add(c.description + "\n    " + what);
        } else if (disagreements.size() == MAX_REPORTED) {
            disagreements.add("(more left out)");
        }
    }

    /** What disagreed, at most {@link #MAX_REPORTED} of them. */
    List<String> disagreements() {
        return disagreements;
    }

    /**
     * The counts that show the comparison compared something: accesses, faults, error codes seen,
     * values read, table entries, info tlb lines, info mem lines, translations.
     */
    long[] coverage() {
        long codes = java.util.Arrays.stream(faultsByErrorCode).filter(n -> n > 0).count();
        return new long[] {accesses, faults, codes, valuesCompared, entriesCompared, tlbLines, memLines, translations};
    }

    /** The counts, in one line. */
    String summary() {
        StringBuilder byCode = new StringBuilder();
        for (int code = 0; code < faultsByErrorCode.length; code++) {
            if (faultsByErrorCode[code] > 0) {
                byCode.append(byCode.isEmpty() ? "error code " : ", ").append(String.format(Locale.ROOT, "0x%X: %,d",
                        code, faultsByErrorCode[code]));
            }
        }
        return String.format(Locale.ROOT, "%d phases in %d QEMU runs (CPU %s, paging width M=%d): %,d accesses"
                + " (%,d writes, %,d at CPL 3, %,d across a page boundary), %,d page faults (%s), %,d values, %,d table"
                + " entries, %,d info tlb lines, %,d info mem lines, %,d translations compared, %d disagreements; %,d reserved-bit"
                + " faults with QEMU 7.2's P=0 quirk", phases,
                runs, cpu, addressBits, accesses, writes, userAccesses, crossing, faults, byCode, valuesCompared,
                entriesCompared, tlbLines, memLines, translations, disagreements.size(), quirks);
    }
}
