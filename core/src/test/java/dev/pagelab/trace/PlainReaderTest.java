package dev.pagelab.trace;

import static dev.pagelab.trace.TraceFixtures.Ref.read;
import static dev.pagelab.trace.TraceFixtures.ascii;
import static dev.pagelab.trace.TraceFixtures.format;
import static dev.pagelab.trace.TraceFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainReaderTest {
    private static final TraceOptions PLAIN = format(TraceFormat.PLAIN);

    @Test
    void read_ostepStyleList_givesEveryNumberAsAReadByPidZero() throws IOException {
        assertThat(readAll(ascii("7\n0\n1\n2\n0\n3\n"), PLAIN)).containsExactly(read(7), read(0), read(1), read(2),
                read(0), read(3));
    }

    @Test
    void read_hexSpacesCrLfCommentsAndBlankLines_acceptsThemAll() throws IOException {
        String text = "# a comment\n\n  12  \r\n0x1F\n0XaB\r\n\t5\t\n   \n# 99\n42";

        assertThat(readAll(ascii(text), PLAIN)).containsExactly(read(12), read(0x1f), read(0xab), read(5), read(42));
    }

    @Test
    void read_largestNumbers_keepAll64Bits() throws IOException {
        String text = "18446744073709551615\n999999999999999999\n1000000000000000000\n0xffffffffffffffff\n"
                + "9223372036854775808\n";

        assertThat(readAll(ascii(text), PLAIN)).containsExactly(read(-1), read(999_999_999_999_999_999L),
                read(1_000_000_000_000_000_000L), read(-1), read(Long.MIN_VALUE));
    }

    @Test
    void read_numberAbove64Bits_isAnErrorNamingTheLine() {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                () -> readAll(ascii("1\n2\n18446744073709551616\n"), PLAIN));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e).hasMessage("t, line 3: found '18446744073709551616', expected a page number (decimal up to"
                + " 2^64-1, or hex with 0x) alone on the line, a blank line or a # comment");
    }

    @Test
    void read_corruptLines_areErrorsWithTheirLineNumbers() {
        String[] bad = {"12x", "0x", "-3", "1 2", "0x12345678901234567", "12 # trailing comment", "\u00e9"};
        for (String line : bad) {
            TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                    () -> readAll(ascii("1\n\n# c\n" + line + "\n5\n"), PLAIN));

            assertThat(e).as(line).isNotNull();
            assertThat(e.line()).as(line).isEqualTo(4);
            assertThat(e.getMessage()).as(line).startsWith("t, line 4: found '");
        }
    }

    @Test
    void read_errorAfterSomeReferences_leavesTheGoodOnesInTheBlock() throws IOException {
        try (TraceReader reader = TraceFixtures.open(ascii("1\n2\nthree\n"), PLAIN)) {
            TraceBlock block = new TraceBlock(16);

            catchThrowableOfType(TraceFormatException.class, () -> reader.read(block));

            assertThat(block.size).isEqualTo(2);
            assertThat(block.pages[1]).isEqualTo(2);
        }
    }

    @Test
    void read_lastLineWithoutNewline_isRead() throws IOException {
        assertThat(readAll(ascii("1\n2"), PLAIN)).containsExactly(read(1), read(2));
        assertThat(readAll(ascii("3"), PLAIN)).containsExactly(read(3));
        assertThat(readAll(ascii(""), PLAIN)).isEmpty();
    }

    @Test
    void read_manyBuffersInBlocksOfAnySize_givesEveryLineOnce() throws IOException {
        StringBuilder text = new StringBuilder();
        List<TraceFixtures.Ref> expected = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            long page = (long) i * 7919 % 100_003;
            text.append(i % 3 == 0 ? "0x" + Long.toHexString(page) : Long.toString(page)).append(i % 5 == 0 ? "\r\n" : "\n");
            expected.add(read(page));
        }
        for (int capacity : new int[] {1, 3, 4096, 100_001}) {
            assertThat(readAll(ascii(text.toString()), PLAIN, capacity)).as("capacity %d", capacity).isEqualTo(expected);
        }
    }

    @Test
    void read_lineLongerThanTheBuffer_isAnErrorNotUnboundedMemory() {
        byte[] bytes = ascii("1\n" + " ".repeat(TraceInput.CAPACITY + 10) + "2\n");

        TraceFormatException e = catchThrowableOfType(TraceFormatException.class, () -> readAll(bytes, PLAIN));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("longer than " + TraceInput.CAPACITY + " bytes");
    }

    @Test
    void read_afterTheEnd_keepsReturningZero() throws IOException {
        try (TraceReader reader = TraceFixtures.open(ascii("1\n"), PLAIN)) {
            TraceBlock block = new TraceBlock(4);

            assertThat(reader.read(block)).isEqualTo(1);
            assertThat(reader.read(block)).isZero();
            assertThat(reader.read(block)).isZero();
            assertThat(block.size).isZero();
            assertThat(reader.hasPids()).isFalse();
            assertThat(reader.format()).isEqualTo(TraceFormat.PLAIN);
        }
    }
}
