package dev.pagelab.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.trace.TraceFixtures.Ref;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticTraceTest {
    private static List<Ref> all(SyntheticTrace.Config config, int capacity) throws IOException {
        try (TraceReader reader = SyntheticTrace.reader(config)) {
            return TraceFixtures.readAll(reader, capacity);
        }
    }

    @Test
    void next_sameConfigInBlocksOfAnySize_givesTheSameReferences() throws IOException {
        SyntheticTrace.Config config = new SyntheticTrace.Config(50_000, 5_000, 0.3, 3, 42);

        List<Ref> reference = all(config, 50_000);

        assertThat(reference).hasSize(50_000);
        for (int capacity : new int[] {1, 7, 4096}) {
            assertThat(all(config, capacity).equals(reference)).as("capacity %d", capacity).isTrue();
        }
        assertThat(all(config.withSeed(43), 4096)).isNotEqualTo(reference);
    }

    @Test
    void next_valuesStayInTheirRanges_andEveryProcessAndPageShowsUp() throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            int pages = 1000 + (int) seed * 317;
            SyntheticTrace.Config config = new SyntheticTrace.Config(400_000, pages, 0.2, (int) seed, seed);
            long[] perPid = new long[config.processes()];
            boolean[][] touched = new boolean[config.processes()][pages];
            long writes = 0;
            for (Ref ref : all(config, 10_000)) {
                assertThat(ref.page()).as("seed %d", seed).isBetween(0L, pages - 1L);
                assertThat(ref.kind()).as("seed %d", seed).isIn(RefKind.READ, RefKind.WRITE);
                perPid[ref.pid()]++;
                touched[ref.pid()][(int) ref.page()] = true;
                writes += ref.kind() == RefKind.WRITE ? 1 : 0;
            }
            assertThat((double) writes / config.references()).as("seed %d: write share", seed).isBetween(0.19, 0.21);
            for (int pid = 0; pid < config.processes(); pid++) {
                assertThat(perPid[pid]).as("seed %d, pid %d", seed, pid).isGreaterThan(config.references()
                        / config.processes() / 2);
                int distinct = 0;
                for (boolean t : touched[pid]) {
                    distinct += t ? 1 : 0;
                }
                assertThat(distinct).as("seed %d, pid %d: pages touched", seed, pid).isGreaterThan(pages * 9 / 10);
            }
        }
    }

    @Test
    void next_hasLocality_aTenthOfThePagesTakesMostReferences() throws IOException {
        int pages = 10_000;
        long[] count = new long[pages];
        int repeats = 0;
        long previous = -1;
        List<Ref> refs = all(new SyntheticTrace.Config(1_000_000, pages, 0, 1, 7), 65_536);
        for (Ref ref : refs) {
            count[(int) ref.page()]++;
            repeats += ref.page() == previous || ref.page() == previous + 1 ? 1 : 0;
            previous = ref.page();
        }
        Arrays.sort(count);
        long top = 0;
        for (int i = pages - pages / 10; i < pages; i++) {
            top += count[i];
        }
        // Uniform references would give the top tenth about 10%; the hot set, loops and scans give far more.
        assertThat((double) top / refs.size()).isGreaterThan(0.4);
        // Loops and scans: many references follow their predecessor's page or the next one.
        assertThat((double) repeats / refs.size()).isGreaterThan(0.25);
    }

    @Test
    void reader_describesItself() throws IOException {
        SyntheticTrace.Config one = SyntheticTrace.Config.of(10, 100);
        try (TraceReader reader = SyntheticTrace.reader(one)) {
            assertThat(reader.name()).isEqualTo("synthetic(references=10, pages=100, writes=0.25, processes=1, seed=1)");
            assertThat(reader.format()).isEqualTo(TraceFormat.VMSIM);
            assertThat(reader.hasPids()).isFalse();
        }
        assertThat(SyntheticTrace.reader(new SyntheticTrace.Config(10, 100, 0, 2, 1)).hasPids()).isTrue();
        assertThat(all(SyntheticTrace.Config.of(0, 1), 8)).isEmpty();
        assertThat(all(SyntheticTrace.Config.of(100, 1), 8)).extracting(Ref::page).containsOnly(0L);
    }

    @Test
    void config_badValues_areRejectedWithTheValue() {
        assertThatThrownBy(() -> new SyntheticTrace.Config(-1, 10, 0, 1, 1)).hasMessage(
                "synthetic trace: references -1 must be 0 or more");
        assertThatThrownBy(() -> new SyntheticTrace.Config(1, 0, 0, 1, 1)).hasMessage(
                "synthetic trace: pages 0 must be at least 1");
        assertThatThrownBy(() -> new SyntheticTrace.Config(1, 1, 1.5, 1, 1)).hasMessage(
                "synthetic trace: write share 1.5 must be from 0 to 1");
        assertThatThrownBy(() -> new SyntheticTrace.Config(1, 1, Double.NaN, 1, 1)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new SyntheticTrace.Config(1, 1, 0, 0, 1)).hasMessage(
                "synthetic trace: processes 0 must be at least 1");
    }
}
