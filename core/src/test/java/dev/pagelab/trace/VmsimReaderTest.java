package dev.pagelab.trace;

import static dev.pagelab.trace.TraceFixtures.ascii;
import static dev.pagelab.trace.TraceFixtures.format;
import static dev.pagelab.trace.TraceFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pagelab.trace.TraceFixtures.Ref;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class VmsimReaderTest {
    private static final TraceOptions VMSIM = format(TraceFormat.VMSIM);

    @Test
    void read_addressesWithAndWithout0x_givePagesAndKinds() throws IOException {
        String text = "0041f7a0 R\n0x13f5e2c0 w\n  0X0000ffff\tW  \r\n# comment\n\nabc r\n";

        try (TraceReader reader = TraceFixtures.open(ascii(text), VMSIM)) {
            assertThat(reader.hasPids()).isFalse();
            assertThat(TraceFixtures.readAll(reader, 2)).containsExactly(new Ref(0x41f, RefKind.READ, 0),
                    new Ref(0x13f5e, RefKind.WRITE, 0), new Ref(0xf, RefKind.WRITE, 0), new Ref(0, RefKind.READ, 0));
        }
    }

    @Test
    void open_pidColumnAfterComments_isKnownBeforeTheFirstRead() throws IOException {
        String text = "# header\n\n1000 R 3\n2000 W 0\n3000 r 2147483647\n";

        try (TraceReader reader = TraceFixtures.open(ascii(text), VMSIM)) {
            assertThat(reader.hasPids()).isTrue();
            assertThat(TraceFixtures.readAll(reader, 1)).containsExactly(new Ref(1, RefKind.READ, 3),
                    new Ref(2, RefKind.WRITE, 0), new Ref(3, RefKind.READ, Integer.MAX_VALUE));
        }
    }

    @Test
    void read_pageSize_dividesTheAddress() throws IOException {
        assertThat(readAll(ascii("0x12345 W\n"), VMSIM.withPageSize(256))).containsExactly(
                new Ref(0x123, RefKind.WRITE, 0));
        assertThat(readAll(ascii("ffffffffffffffff R\n"), VMSIM.withPageSize(1))).containsExactly(
                new Ref(-1, RefKind.READ, 0));
    }

    @Test
    void read_lineWithoutPidInATraceWithPids_isAnErrorNamingBothLines() {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                () -> readAll(ascii("#\n1000 R 1\n2000 W 1\n3000 W\n"), VMSIM));

        assertThat(e).hasMessage("t, line 4: found '3000 W', expected a pid as on line 2, the first reference (a vmsim"
                + " trace has a pid on every line or on none)");
    }

    @Test
    void read_lineWithPidInATraceWithout_isAnError() {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                () -> readAll(ascii("1000 R\n2000 W 1\n"), VMSIM));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("no pid as on line 1");
    }

    @Test
    void read_corruptLines_areErrorsWithTheirLineNumbers() {
        String[] bad = {"1000", "1000 X", "1000 RW", "1000R", "zz R", "1000 R -1", "1000 R 2147483648", "1000 R 1 2",
            "0x R", "12345678901234567 R", "R 1000"};
        for (String line : bad) {
            TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                    () -> readAll(ascii("1 R\n\n2 W\n" + line + "\n3 R\n"), VMSIM));

            assertThat(e).as(line).isNotNull();
            assertThat(e.line()).as(line).isEqualTo(4);
            assertThat(e.getMessage()).as(line).startsWith("t, line 4: found '" + line + "', expected ");
        }
    }

    @Test
    void open_badFirstReference_failsAtOpen() {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                () -> TraceFixtures.open(ascii("\n\n1000 Q\n"), VMSIM));

        assertThat(e.line()).isEqualTo(3);
    }
}
