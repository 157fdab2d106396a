package dev.pagelab.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefetchingTraceReaderTest {
    private static List<Long> drain(TraceReader reader, int capacity) throws IOException {
        List<Long> all = new ArrayList<>();
        TraceBlock block = new TraceBlock(capacity);
        while (reader.read(block) > 0) {
            for (int i = 0; i < block.size; i++) {
                all.add(block.pages[i] * 4 + block.kinds[i] + 1_000_000L * block.pids[i]);
            }
        }
        return all;
    }

    @Test
    void read_sameReferencesInTheSameOrder_whateverTheCallersBlockSize() throws IOException {
        SyntheticTrace.Config config = new SyntheticTrace.Config(300_001, 5_000, 0.3, 3, 9);
        List<Long> expected = drain(SyntheticTrace.reader(config), 4_096);
        for (int capacity : new int[] {1, 777, 1 << 16, 1 << 18}) {
            try (TraceReader reader = new PrefetchingTraceReader(SyntheticTrace.reader(config))) {
                assertThat(drain(reader, capacity)).as("block capacity " + capacity).isEqualTo(expected);
                assertThat(reader.read(new TraceBlock(8))).as("0 from then on").isZero();
            }
        }
    }

    @Test
    void read_badLine_referencesBeforeItThenTheSameException() throws IOException {
        byte[] text = "1\n2\n3\nfour\n5\n".getBytes(StandardCharsets.US_ASCII);
        TraceOptions plain = TraceOptions.DEFAULTS.withFormat(TraceFormat.PLAIN);
        try (TraceReader reader = new PrefetchingTraceReader(
                Traces.open("bad.txt", new ByteArrayInputStream(text), plain))) {
            TraceBlock block = new TraceBlock(16);
            List<Long> pages = new ArrayList<>();
            assertThatThrownBy(() -> {
                while (reader.read(block) > 0) {
                    for (int i = 0; i < block.size; i++) {
                        pages.add(block.pages[i]);
                    }
                }
            }).isInstanceOf(TraceFormatException.class).hasMessageContaining("bad.txt").hasMessageContaining("line 4");
            assertThat(pages).containsExactly(1L, 2L, 3L);
            assertThatThrownBy(() -> reader.read(block)).as("unusable after the exception")
                    .isInstanceOf(TraceFormatException.class);
        }
    }

    @Test
    void close_beforeTheEnd_stopsTheThread() throws IOException {
        PrefetchingTraceReader reader = new PrefetchingTraceReader(
                SyntheticTrace.reader(SyntheticTrace.Config.of(100_000_000, 1_000)));
        reader.read(new TraceBlock(10));
        reader.close();
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("pagelab-read-synthetic") && t.isAlive())).isEmpty();
    }
}
