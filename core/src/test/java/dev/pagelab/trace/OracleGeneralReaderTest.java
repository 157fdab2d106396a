package dev.pagelab.trace;

import static dev.pagelab.trace.TraceFixtures.concat;
import static dev.pagelab.trace.TraceFixtures.format;
import static dev.pagelab.trace.TraceFixtures.readAll;
import static dev.pagelab.trace.TraceFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pagelab.trace.TraceFixtures.Ref;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OracleGeneralReaderTest {
    private static final TraceOptions ORACLE = format(TraceFormat.ORACLE_GENERAL);

    @Test
    void read_records_giveObjectIdsAsReads() throws IOException {
        byte[] trace = concat(record(1, 42, 4096, 3), record(1, 0x8000_0000_0000_0001L, 512, -1), record(2, 42, 4096,
                -1));

        assertThat(readAll(trace, ORACLE, 2)).containsExactly(Ref.read(42), Ref.read(0x8000_0000_0000_0001L),
                Ref.read(42));
    }

    @Test
    void read_truncatedLastRecord_isAnErrorAtItsOffset() {
        byte[] whole = concat(record(1, 1, 1, -1), record(1, 2, 1, -1), record(1, 3, 1, -1));
        byte[] truncated = Arrays.copyOf(whole, 24 * 2 + 10);

        TraceFormatException e = catchThrowableOfType(TraceFormatException.class, () -> readAll(truncated, ORACLE));

        assertThat(e.offset()).isEqualTo(48);
        assertThat(e).hasMessage("t, byte offset 48: found a last record of 10 bytes; expected 24-byte records (the"
                + " file is truncated)");
    }

    @Test
    void read_impossibleNextAccess_isAnErrorAtTheField() {
        for (long next : new long[] {0, -2, Long.MIN_VALUE}) {
            byte[] trace = concat(record(1, 1, 1, -1), record(1, 2, 1, next));

            TraceFormatException e = catchThrowableOfType(TraceFormatException.class, () -> readAll(trace, ORACLE));

            assertThat(e.offset()).as("next %d", next).isEqualTo(24 + 16);
            assertThat(e.getMessage()).as("next %d", next).contains("found next-access vtime " + next + " in record 1;"
                    + " expected -1 (never again) or a 1-based request number");
        }
    }

    @Test
    void read_manyBuffers_givesEveryRecordOnce() throws IOException {
        int records = 20_000; // 480,000 bytes: several refills, records split across them
        byte[][] parts = new byte[records][];
        for (int i = 0; i < records; i++) {
            parts[i] = record(i, i * 31L, 4096, -1);
        }
        var refs = readAll(concat(parts), ORACLE, 1000);

        assertThat(refs).hasSize(records);
        for (int i = 0; i < records; i++) {
            assertThat(refs.get(i).page()).as("record %d", i).isEqualTo(i * 31L);
        }
    }
}
