package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SteppedStringTest {
    @ParameterizedTest
    @ValueSource(strings = {"7 0 1w 2", "7,0,1w,2", " 7, 0 ,1W  2 ", "7\t0\n1w,\t2"})
    void parse_spacesCommasAndW_sameString(String text) {
        SteppedString string = SteppedString.parse(text);
        assertThat(string.pages()).containsExactly(7, 0, 1, 2);
        assertThat(string.writes()).containsExactly(false, false, true, false);
        assertThat(string.format()).isEqualTo("7 0 1w 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|no references",
        "'   '|no references",
        "w:3|column 1: found 'w' where a page number",
        "3r|column 2: found 'r' where w (a write), a space, a comma or the end after 3 was expected",
        "3wr|column 3: found 'r' where a space, a comma or the end after 3w was expected",
        "1 -2|column 3: found '-' where a page number",
        "3 w|column 3: found 'w' where a page number",
        "1,,2|column 3: found ',' where a page number",
        "1, 2,|column 6: found the end where a page number",
        "1 1000000|column 3: page 1000000 is above the largest page, 999999",
        "99999999999999999999|column 1: page 99999999999999999999 is above the largest page"})
    void parse_badText_namesColumnAndExpectation(String text, String message) {
        assertThatThrownBy(() -> SteppedString.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void parse_tooManyReferences_refusedWithTheBound() {
        String text = "1 ".repeat(SteppedString.MAX_REFERENCES) + "2";
        assertThatThrownBy(() -> SteppedString.parse(text)).hasMessageContaining("100001 references, more than the 100000");
        assertThat(SteppedString.parse(text.substring(0, text.length() - 2)).length())
                .isEqualTo(SteppedString.MAX_REFERENCES);
    }

    @Test
    void constructor_badValues_refusedWithTheIndex() {
        assertThatThrownBy(() -> new SteppedString(new int[] {1, -1}, new boolean[2]))
                .hasMessageContaining("reference 1 is page -1");
        assertThatThrownBy(() -> new SteppedString(new int[] {1}, new boolean[2])).hasMessageContaining("1 pages but 2");
        assertThatThrownBy(() -> SteppedString.of()).hasMessageContaining("no references");
    }

    @Test
    void random_sameArguments_sameStringAndFormatParsesBack() {
        for (long seed = 0; seed < 20; seed++) {
            SteppedString string = SteppedString.random(500, 40, 0.3, seed, 0.5);
            assertThat(SteppedString.random(500, 40, 0.3, seed, 0.5)).as("seed %d", seed).isEqualTo(string);
            assertThat(SteppedString.parse(string.format())).as("seed %d", seed).isEqualTo(string);
        }
        assertThat(SteppedString.random(500, 40, 0.3, 1, 0.5)).isNotEqualTo(SteppedString.random(500, 40, 0.3, 2, 0.5));
    }

    @Test
    void random_writeShareAndPages_respected() {
        SteppedString none = SteppedString.random(2_000, 10, 0, 7, 0);
        SteppedString all = SteppedString.random(2_000, 10, 1, 7, 0);
        SteppedString some = SteppedString.random(20_000, 10, 0.25, 7, 0);
        assertThat(count(none.writes())).isZero();
        assertThat(count(all.writes())).isEqualTo(2_000);
        assertThat(count(some.writes())).isBetween(4_500, 5_500);
        assertThat(Arrays.stream(some.pages()).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void random_fullLocality_staysInTheMovingWindow() {
        int pages = 100;
        int window = 25;
        for (long seed = 0; seed < 10; seed++) {
            SteppedString string = SteppedString.random(1_000, pages, 0, seed, 1);
            for (int phase = 0; phase < 1_000; phase += 4 * window) {
                int first = string.page(phase);
                for (int i = phase; i < Math.min(1_000, phase + 4 * window); i++) {
                    int distance = Math.floorMod(string.page(i) - first, pages);
                    int back = Math.floorMod(first - string.page(i), pages);
                    assertThat(Math.min(distance, back)).as("seed %d reference %d", seed, i).isLessThan(window);
                }
            }
        }
        SteppedString uniform = SteppedString.random(1_000, pages, 0, 3, 0);
        assertThat(Arrays.stream(uniform.pages(), 0, 100).distinct().count()).as("distinct pages of a phase, uniform")
                .isGreaterThan(window);
    }

    @Test
    void random_badArguments_refused() {
        assertThatThrownBy(() -> SteppedString.random(0, 10, 0, 1, 0)).hasMessageContaining("no references");
        assertThatThrownBy(() -> SteppedString.random(10, 0, 0, 1, 0)).hasMessageContaining("pages 0 must be 1");
        assertThatThrownBy(() -> SteppedString.random(10, 10, 1.5, 1, 0)).hasMessageContaining("write share 1.5");
        assertThatThrownBy(() -> SteppedString.random(10, 10, 0, 1, Double.NaN)).hasMessageContaining("locality NaN");
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean flag : flags) {
            n += flag ? 1 : 0;
        }
        return n;
    }
}
