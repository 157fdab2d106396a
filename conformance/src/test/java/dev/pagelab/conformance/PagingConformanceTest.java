package dev.pagelab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.boot.MachineProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part 2 of the conformance suite: randomised page tables built by pagelab's kernel
 * ({@link RandomSequence}), loaded into QEMU at the same physical addresses, and the same
 * accesses on both machines. QEMU must agree with pagelab on every access (value, or #PF with
 * the same CR2 and error code), every table entry afterwards (the A and D bits), {@code info
 * tlb}, {@code info mem} and the translation of every page touched ({@link QemuComparison}).
 *
 * <p>Up to {@value #PHASES_PER_RUN} sequences share a QEMU run, one phase each.
 * {@code -Dpagelab.conformance.sequences=N} and {@code -Dpagelab.conformance.seed=S} change how
 * many sequences there are and which.
 */
@Conformance
class PagingConformanceTest {
    static final int SEQUENCES = Integer.getInteger("pagelab.conformance.sequences", 240);
    static final long SEED = Long.getLong("pagelab.conformance.seed", 7);
    static final int PHASES_PER_RUN = 12;

    @TempDir
    Path dir;

    @Test
    void randomSequences_qemuAgreesWithPagelab() throws Exception {
        StubKernel stub = StubKernel.get();
        QemuComparison comparison = new QemuComparison(MachineProfiles.byName(RandomSequence.MACHINE), "qemu32", stub);
        int addressBits = comparison.addressBits();
        long started = System.nanoTime();
        int next = 0;
        while (next < SEQUENCES) {
            List<PagingCase> batch = new ArrayList<>();
            int blockBytes = 0;
            while (next < SEQUENCES && batch.size() < PHASES_PER_RUN && blockBytes < QemuComparison.BLOCK_LIMIT_BYTES / 2) {
                PagingCase c = RandomSequence.build(next, SEED * 1_000_003L + next, stub.image(),
                        Files.createDirectory(dir.resolve("sequence-" + next)));
                c.expect(addressBits);
                batch.add(c);
                blockBytes += c.phase.encodedBytes();
                next++;
            }
            comparison.run(batch);
        }
        System.err.printf(Locale.ROOT, "conformance: %d random page-table sequences (seed %d): %s; %.1f s%n", SEQUENCES,
                SEED, comparison.summary(), (System.nanoTime() - started) / 1e9);
        assertThat(comparison.disagreements()).as("disagreements between QEMU and pagelab").isEmpty();
        // Agreement means nothing if nothing was compared: every kind of check ran, and the
        // faults covered the seven error codes of P, W/R and U/S that exist (0x1, a supervisor
        // read refused by the rights, cannot happen in 32-bit paging without SMAP).
        long[] coverage = comparison.coverage();
        assertThat(coverage).as("accesses, faults, error codes, values, entries, tlb, mem, translations")
                .doesNotContain(0L);
        if (SEQUENCES >= 240) {
            assertThat(coverage[2]).as("distinct error codes").isEqualTo(7);
        }
    }
}
