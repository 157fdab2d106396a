package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.trace.Compression;
import dev.pagelab.trace.TraceFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace reading benchmark reads what it wrote, every way; speed is never asserted. */
class TraceReadBenchTest {
    @Test
    void run_tinyTrace_everyFormatCompressionAndSourceReadsTheSameReferences(@TempDir Path dir) throws IOException {
        List<String> progress = new ArrayList<>();

        List<TraceReadBench.Result> results = TraceReadBench.run(5_000, 1, dir, progress::add);

        assertThat(results).hasSize(TraceFormat.values().length * 2 * 2);
        for (TraceReadBench.Result r : results) {
            TraceReadBench.Result first = results.stream().filter(o -> o.format() == r.format()).findFirst().orElseThrow();
            // The same synthetic trace: every reading of a format gives the same references.
            assertThat(r.references()).as("%s", r).isEqualTo(first.references()).isGreaterThanOrEqualTo(5_000);
            assertThat(r.checksum()).as("%s", r).isEqualTo(first.checksum());
            assertThat(r.nanos()).isPositive();
            assertThat(r.bytes()).isPositive();
        }
        assertThat(results).filteredOn(r -> r.compression() == Compression.GZIP).hasSize(8);
        assertThat(progress).anyMatch(line -> line.startsWith("writing bench.oracle-general.gz"));
    }
}
