package dev.pagelab.trace;

import static dev.pagelab.trace.TraceFixtures.ascii;
import static dev.pagelab.trace.TraceFixtures.format;
import static dev.pagelab.trace.TraceFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pagelab.trace.TraceFixtures.Ref;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LackeyReaderTest {
    private static final TraceOptions LACKEY = format(TraceFormat.LACKEY);

    private static Ref ref(long page, byte kind) {
        return new Ref(page, kind, 0);
    }

    @Test
    void read_valgrindsLayout_givesOneReferenceALineWithItsKind() throws IOException {
        String log = """
                ==5386== Lackey, an example Valgrind tool
                ==5386==\s
                I  0401ab70,3
                 S 1fff000688,8
                 L 04035e80,4
                 M 0403c418,4
                --5386-- a warning valgrind prints with dashes
                """;

        assertThat(readAll(ascii(log), LACKEY)).containsExactly(ref(0x401a, RefKind.FETCH),
                ref(0x1fff000, RefKind.WRITE), ref(0x4035, RefKind.READ), ref(0x403c, RefKind.MODIFY));
    }

    @Test
    void read_accessStraddlingAPageBoundary_touchesBothPagesInAddressOrderWithItsKind() throws IOException {
        String log = " L 0000fffc,8\n S 1ffe,2\n M 2fff,2\nI  3ffe,3\n L 4ff8,8\n";

        assertThat(readAll(ascii(log), LACKEY)).containsExactly(
                ref(0xf, RefKind.READ), ref(0x10, RefKind.READ),
                ref(0x1, RefKind.WRITE), // 0x1ffe + 2 - 1 = 0x1fff: the last byte is still on page 1
                ref(0x2, RefKind.MODIFY), ref(0x3, RefKind.MODIFY),
                ref(0x3, RefKind.FETCH), ref(0x4, RefKind.FETCH),
                ref(0x4, RefKind.READ)); // 0x4ff8..0x4fff: ends exactly at the boundary
    }

    @Test
    void read_modify_isOneWriteReference() throws IOException {
        List<Ref> refs = readAll(ascii(" M 0403c418,4\n"), LACKEY);

        assertThat(refs).containsExactly(ref(0x403c, RefKind.MODIFY));
        assertThat(RefKind.isWrite(refs.get(0).kind())).isTrue();
    }

    @Test
    void read_accessOverManySmallPagesInBlocksOfOne_givesEveryPageAcrossReads() throws IOException {
        TraceOptions tiny = LACKEY.withPageSize(16);

        List<Ref> refs = readAll(ascii(" L 100,64\n S 200,1\n"), tiny, 1);

        assertThat(refs).containsExactly(ref(0x10, RefKind.READ), ref(0x11, RefKind.READ), ref(0x12, RefKind.READ),
                ref(0x13, RefKind.READ), ref(0x20, RefKind.WRITE));
    }

    @Test
    void read_noInstructions_dropsFetchesOnly() throws IOException {
        String log = "I  0401ab70,3\n L 04035e80,4\nI  0401fffe,4\n S 0402,1\n";

        assertThat(readAll(ascii(log), LACKEY.withInstructions(false))).containsExactly(ref(0x4035, RefKind.READ),
                ref(0x0, RefKind.WRITE));
    }

    @Test
    void read_sizeZeroAndLooserSpacing_areAccepted() throws IOException {
        String log = "I 1000,0\n  L\t2000,1  \r\n\n   \nI  0x3000,1\n";

        TraceFormatException e = catchThrowableOfType(TraceFormatException.class, () -> readAll(ascii(log), LACKEY));

        assertThat(e.line()).as("0x is not lackey's").isEqualTo(5);
        assertThat(readAll(ascii("I 1000,0\n  L\t2000,1  \r\n\n   \n"), LACKEY)).containsExactly(ref(1, RefKind.FETCH),
                ref(2, RefKind.READ));
    }

    @Test
    void read_corruptLines_areErrorsWithTheirLineNumbers() {
        String[] bad = {"X  0401ab70,3", " L 0401ab70", " L 0401ab70,", " L ,4", " L 0401zz70,4", " Q 0401ab70,4",
            "I  0401ab70,3 junk", " L 12345678901234567,4", " L 1000,1234567890", "# comment", "L0401ab70,4"};
        for (String line : bad) {
            TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                    () -> readAll(ascii("==1== hi\nI  0401ab70,3\n\n" + line + "\n L 1000,4\n"), LACKEY));

            assertThat(e).as(line).isNotNull();
            assertThat(e.line()).as(line).isEqualTo(4);
            assertThat(e.getMessage()).as(line).startsWith("t, line 4: found '");
        }
    }

    @Test
    void read_addressTooLong_saysSo() {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                () -> readAll(ascii(" L 12345678901234567,4\n"), LACKEY));

        assertThat(e).hasMessage("t, line 1: found ' L 12345678901234567,4', expected an address of at most 16 hex digits");
    }

    @Test
    void read_accessPast2To64_isAnError() {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class,
                () -> readAll(ascii(" L fffffffffffffffc,4\n L fffffffffffffffd,4\n"), LACKEY));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("wraps around");
    }

    @Test
    void read_highestAddress_isTheLastPage() throws IOException {
        assertThat(readAll(ascii(" S ffffffffffffffff,1\n"), LACKEY)).containsExactly(ref(0xfffffffffffffL, RefKind.WRITE));
    }
}
