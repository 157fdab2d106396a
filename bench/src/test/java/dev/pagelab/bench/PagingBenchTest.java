package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.paging.TableAccessStrategy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the macro benchmark for a few pairs: checks what it reports, never how fast. */
class PagingBenchTest {
    @Test
    void run_everyStrategy_aBlockPerVariantAndSizeWithCounters() {
        List<String> progress = new ArrayList<>();
        PagingBench.Settings settings = new PagingBench.Settings("qemu-pc-16M", "bitmap",
                List.of(TableAccessStrategy.values()), 64, 8);

        PagingBench.Result r = PagingBench.run(settings, progress::add);

        assertThat(r.mapUnmap()).hasSize(6);
        assertThat(r.kmmap()).hasSize(3 * PagingWorkload.KMMAP_PAGES.size());
        for (PagingBench.MapUnmap m : r.mapUnmap()) {
            assertThat(m.block().pairs()).isEqualTo(64);
            assertThat(m.block().nanos()).isPositive();
            assertThat(m.block().pairsPerSecond()).isPositive();
            assertThat(m.block().counters().tablesAllocated())
                    .isEqualTo(m.variant() == PagingWorkload.Variant.TABLE_CHURN ? 64 : 0);
            assertThat(m.block().perPair(m.block().counters().invlpgs())).isGreaterThanOrEqualTo(1);
        }
        for (PagingBench.Kmmap k : r.kmmap()) {
            assertThat(k.block().pairs()).isEqualTo(Math.max(1, 64 / k.pages()));
            assertThat(k.block().pagesPerPair()).isEqualTo(k.pages());
            assertThat(k.block().nsPerPage()).isPositive();
            assertThat(k.block().counters().tablesAllocated()).isZero();
        }
        assertThat(r.mapUnmap().get(0).strategy()).isEqualTo(TableAccessStrategy.TEMPORARY_MAPPING);
        assertThat(r.mapUnmap().get(0).block().counters().slotLoads()).isEqualTo(2 * 64);
        assertThat(r.mapUnmap().get(2).block().counters().slotLoads()).isZero();
        assertThat(r.checksOn()).isTrue();
        assertThat(progress).hasSize(3 + 3 * (2 + PagingWorkload.KMMAP_PAGES.size()));
        assertThat(progress.get(0)).isEqualTo("temporary-mapping: warm-up: 8 pairs a block, untimed");
        assertThat(progress).contains("recursive: map-unmap, table-churn: 64 pairs",
                "direct-map: kmmap-kunmap of 64 pages: 1 pair", "direct-map: kmmap-kunmap of 1 page: 64 pairs");
    }

    @Test
    void run_oneStrategyNoWarmup_onlyThatOne() {
        List<String> progress = new ArrayList<>();

        PagingBench.Result r = PagingBench.run(new PagingBench.Settings("qemu-pc-16M", "buddy",
                List.of(TableAccessStrategy.RECURSIVE), 5, 0), progress::add);

        assertThat(r.mapUnmap()).extracting(PagingBench.MapUnmap::strategy).containsOnly(TableAccessStrategy.RECURSIVE);
        assertThat(progress).noneMatch(line -> line.contains("warm-up"));
    }

    @Test
    void settings_badValues_namedInTheMessage() {
        List<TableAccessStrategy> all = List.of(TableAccessStrategy.values());
        assertThatThrownBy(() -> new PagingBench.Settings("qemu-pc-16M", "bitmap", all, 0, 0))
                .hasMessageContaining("pairs 0");
        assertThatThrownBy(() -> new PagingBench.Settings("qemu-pc-16M", "bitmap", all, 1, -3))
                .hasMessageContaining("-3");
        assertThatThrownBy(() -> new PagingBench.Settings("qemu-pc-16M", "bitmap", List.of(), 1, 0))
                .hasMessageContaining("no page-table access strategy");
    }

    @Test
    void defaults_theDocumentedRun() {
        PagingBench.Settings s = PagingBench.Settings.defaults();

        assertThat(s.machine()).isEqualTo("qemu-pc-128M");
        assertThat(s.allocator()).isEqualTo("bitmap");
        assertThat(s.strategies()).containsExactly(TableAccessStrategy.values());
        assertThat(s.kmmapPairs(64)).isEqualTo(PagingBench.DEFAULT_PAIRS / 64);
        assertThat(s.config(TableAccessStrategy.DIRECT_MAP).largePages()).isFalse();
    }

    @Test
    void canFree_bumpCannot() {
        assertThat(PagingBench.canFree("bitmap")).isTrue();
        assertThat(PagingBench.canFree("bump")).isFalse();
    }
}
