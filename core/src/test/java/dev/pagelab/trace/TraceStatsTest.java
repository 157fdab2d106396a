package dev.pagelab.trace;

import static dev.pagelab.trace.TraceFixtures.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.trace.TraceStats.ProcessStats;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TraceStatsTest {
    @Test
    void of_vmsimWithPids_countsKindsWritesAndPagesPerProcess() throws IOException {
        String text = """
                1000 R 2
                1fff W 2
                2000 W 2
                1000 R 0
                5000 r 0
                1000 w 7
                """;
        TraceStats stats;
        try (TraceReader reader = TraceFixtures.open(ascii(text), TraceOptions.DEFAULTS)) {
            stats = TraceStats.of(reader);
        }

        assertThat(stats.references()).isEqualTo(6);
        assertThat(stats.references(RefKind.READ)).isEqualTo(3);
        assertThat(stats.references(RefKind.WRITE)).isEqualTo(3);
        assertThat(stats.writes()).isEqualTo(3);
        // Page 1 of pids 0, 2 and 7 are three pages: each process's page numbers are its own.
        assertThat(stats.distinctPages()).isEqualTo(2 + 2 + 1);
        assertThat(stats.processes()).containsExactly(new ProcessStats(0, 2, 0, 2), new ProcessStats(2, 3, 2, 2),
                new ProcessStats(7, 1, 1, 1));
    }

    @Test
    void add_lackeyKinds_countsModifyAsAWrite() {
        TraceBlock block = new TraceBlock(8);
        block.add(1, RefKind.FETCH, 0);
        block.add(1, RefKind.MODIFY, 0);
        block.add(2, RefKind.WRITE, 0);
        block.add(3, RefKind.READ, 0);
        TraceStats stats = new TraceStats();

        stats.add(block);
        stats.add(block);

        assertThat(stats.references()).isEqualTo(8);
        assertThat(stats.writes()).isEqualTo(4);
        assertThat(stats.references(RefKind.FETCH)).isEqualTo(2);
        assertThat(stats.distinctPages()).isEqualTo(3);
        assertThat(stats.processes()).containsExactly(new ProcessStats(0, 8, 4, 3));
    }
}
