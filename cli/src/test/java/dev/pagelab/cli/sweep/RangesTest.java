package dev.pagelab.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RangesTest {
    private static long[] parse(String text) {
        return Ranges.parse("--frames", text, 1, Integer.MAX_VALUE);
    }

    @Test
    void parse_list_isSortedWithoutRepeats() {
        assertThat(parse("32,8,16,8")).containsExactly(8, 16, 32);
    }

    @Test
    void parse_geometricRange_includesTheEndWhenReached() {
        assertThat(parse("16..1024*2")).containsExactly(16, 32, 64, 128, 256, 512, 1024);
        assertThat(parse("3..100*3")).containsExactly(3, 9, 27, 81);
    }

    @Test
    void parse_arithmeticRange_stepsUpToTheEnd() {
        assertThat(parse("100..1000+100")).containsExactly(100, 200, 300, 400, 500, 600, 700, 800, 900, 1000);
        assertThat(parse("1..10+4")).containsExactly(1, 5, 9);
        assertThat(parse("5..8")).containsExactly(5, 6, 7, 8);
        assertThat(parse("7..7*2")).containsExactly(7);
    }

    @Test
    void parse_mixed_mergesEveryItem() {
        assertThat(parse("4,8,16..64*2")).containsExactly(4, 8, 16, 32, 64);
        assertThat(parse(" 10..30+10 , 15 ")).containsExactly(10, 15, 20, 30);
    }

    @Test
    void parse_geometricNearLongMax_stopsWithoutOverflow() {
        long[] values = Ranges.parse("--quantum", "1.." + Long.MAX_VALUE + "*2", 1, Long.MAX_VALUE);
        assertThat(values).hasSize(63).endsWith(1L << 62);
    }

    @Test
    void parse_badInput_namesTheOptionItemAndWhatIsExpected() {
        assertThatThrownBy(() -> parse("8,abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--frames: item 2 of '8,abc'").hasMessageContaining("'abc'")
                .hasMessageContaining("is not a whole number").hasMessageContaining("16..1024*2");
        assertThatThrownBy(() -> parse("8,,16")).hasMessageContaining("item 2 of '8,,16' is empty");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("--frames: expected numbers and ranges");
        assertThatThrownBy(() -> parse("64..16*2")).hasMessageContaining("ends at 16, below its start 64");
        assertThatThrownBy(() -> parse("16..64*1")).hasMessageContaining("a factor of at least 2");
        assertThatThrownBy(() -> parse("16..64+0")).hasMessageContaining("a step of at least 1");
        assertThatThrownBy(() -> parse("16..64*2+2")).hasMessageContaining("both *FACTOR and +STEP");
        assertThatThrownBy(() -> parse("0,8")).hasMessageContaining("0 is out of range: expected 1 to 2147483647");
        assertThatThrownBy(() -> parse("4294967296")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse("99999999999999999999")).hasMessageContaining("too large");
        assertThatThrownBy(() -> parse("-4")).hasMessageContaining("'-4'").hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> parse("1..2000000000")).hasMessageContaining("makes 2000000000 values, more than 100000");
    }
}
