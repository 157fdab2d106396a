package dev.pagelab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.boot.MachineProfiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What pagelab's kernel never writes, written by hand ({@link HandMadeTables}), compared like the
 * random sequences, on QEMU's {@code qemu32} CPU (no PSE-36: M = 32) and on {@code qemu32,+pse36}
 * (M = 36).
 *
 * <p>pagelab's expectation is computed twice: with the width the CPU reports, as the SDM says,
 * and with the width QEMU really uses ({@link QemuQuirks#PAGING_ADDRESS_BITS}). The two must
 * differ exactly on the accesses through 4 MiB entries with address bits beyond the reported
 * width; QEMU must then agree with the second, everywhere.
 */
@Conformance
class HandMadeTablesConformanceTest {
    @ParameterizedTest(name = "-cpu {0}")
    @ValueSource(strings = {"qemu32", "qemu32,+pse36"})
    void handMadeTables_qemuAgreesWithPagelab(String cpu) {
        StubKernel stub = StubKernel.get();
        QemuComparison comparison = new QemuComparison(MachineProfiles.byName(RandomSequence.MACHINE), cpu, stub);
        int reported = comparison.addressBits();
        List<PagingCase> sdm = HandMadeTables.cases(stub.image(), reported);
        List<PagingCase> asQemu = HandMadeTables.cases(stub.image(), reported);
        sdm.forEach(c -> c.expect(reported));
        asQemu.forEach(c -> c.expect(QemuQuirks.PAGING_ADDRESS_BITS));

        List<String> unexplained = new ArrayList<>();
        int beyondWidth = 0;
        for (int p = 0; p < sdm.size(); p++) {
            PagingCase c = sdm.get(p);
            for (int i = 0; i < c.phase.accesses().size(); i++) {
                ParameterBlock.Access a = c.phase.accesses().get(i);
                boolean quirk = HandMadeTables.beyondWidth(a.vaddr(), c.phase.cr4(), reported);
                beyondWidth += quirk ? 1 : 0;
                boolean differ = !c.expected.get(i).equals(asQemu.get(p).expected.get(i));
                if (differ != quirk) {
                    unexplained.add(c.description + ", " + a + ": M=" + reported + " gives " + c.expected.get(i)
                            + ", M=40 gives " + asQemu.get(p).expected.get(i));
                }
            }
        }
        comparison.run(asQemu);

        System.err.printf("conformance: hand-made tables on -cpu %s: %s; %d accesses through 4 MiB entries beyond"
                + " M=%d, where QEMU translates as M=40%n", cpu, comparison.summary(), beyondWidth, reported);
        assertThat(reported).as("M from CPUID").isEqualTo(cpu.contains("pse36") ? 36 : 32);
        assertThat(beyondWidth).isPositive();
        assertThat(unexplained).as("differences between M=%d and M=40 elsewhere than where the SDM and QEMU part", reported)
                .isEmpty();
        assertThat(comparison.disagreements()).as("disagreements between QEMU and pagelab").isEmpty();
    }
}
