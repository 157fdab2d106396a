package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python's {@code int()}, optparse's integers, {@code repr} and the {@code %} formats, value by value (python3's answers). */
class PyTest {
    @ParameterizedTest(name = "int([{0}]) = {1}")
    @CsvSource(delimiter = '|', value = {
        "42|42", "' 7 '|7", "+5|5", "-0|0", "1_000|1000", "007|7", "\u0663|3", "\u00a05\u2003|5", "\u0085 7|7",
        "123456789012345678901234567890|123456789012345678901234567890"})
    void parseInt_validText_value(String text, String value) {
        assertThat(Py.parseInt(text)).isEqualTo(new BigInteger(value));
    }

    @ParameterizedTest(name = "int([{0}]) fails")
    @CsvSource(delimiter = '|', value = {"_1", "1_", "1__0", "- 5", "1e3", "0x10", "''", "' '", "'\u001c7'", "1.5", "++1"})
    void parseInt_invalidText_valueError(String text) {
        assertThatThrownBy(() -> Py.parseInt(text)).isInstanceOf(PythonError.class)
                .hasMessage("ValueError: invalid literal for int() with base 10: " + Py.repr(text));
    }

    @Test
    void parseInt_longBadText_reprCutAt200() {
        String text = "a".repeat(300);
        assertThatThrownBy(() -> Py.parseInt(text))
                .hasMessage("ValueError: invalid literal for int() with base 10: '" + "a".repeat(199));
        assertThatThrownBy(() -> Py.parseInt("5".repeat(4400))).hasMessageStartingWith(
                "ValueError: Exceeds the limit (4300 digits) for integer string conversion: value has 4400 digits");
    }

    @ParameterizedTest(name = "optparse int [{0}] = {1}")
    @CsvSource(delimiter = '|', value = {"010|8", "0x1F|31", "0X_1f|31", "0b101|5", "0b|0", "0o17|15", "0|0", "-010|-10",
        "' 12'|12", "1_0|10", "00|0"})
    void optparseInt_prefixes_value(String text, String value) {
        assertThat(Py.optparseInt(text)).isEqualTo(new BigInteger(value));
    }

    @ParameterizedTest(name = "optparse int [{0}] refused")
    @CsvSource(delimiter = '|', value = {"08", "0b2", "0x", "-0x10", "' 0x10'", "0b_1", "x", "''"})
    void optparseInt_bad_null(String text) {
        assertThat(Py.optparseInt(text)).isNull();
    }

    @Test
    void repr_quotesAndEscapes_sameAsPython() {
        assertThat(Py.repr("abc")).isEqualTo("'abc'");
        assertThat(Py.repr("it's")).isEqualTo("\"it's\"");
        assertThat(Py.repr("\"q\"'s")).isEqualTo("'\"q\"\\'s'");
        assertThat(Py.repr("a\nb\t\\")).isEqualTo("'a\\nb\\t\\\\'");
        assertThat(Py.repr("\u0001\u007f\u00e9\u200b\u00a0")).isEqualTo("'\\x01\\x7f\u00e9\\u200b\\xa0'");
        assertThat(Py.repr("\uD83D\uDE00")).isEqualTo("'\uD83D\uDE00'");
    }

    @Test
    void formats_percentOperator_sameText() {
        assertThat(Py.hex(-5, 8)).isEqualTo("-0000005");
        assertThat(Py.hex(0x3229, 8)).isEqualTo("00003229");
        assertThat(Py.hex(0x123456789L, 4)).isEqualTo("123456789");
        assertThat(Py.right("-5", 8)).isEqualTo("      -5");
        assertThat(Py.fixed2(0.125)).isEqualTo("0.12");
        assertThat(Py.fixed2(0.375)).isEqualTo("0.38");
        assertThat(Py.fixed2(100.0 * 2 / 3)).isEqualTo("66.67");
        assertThat(Py.fixed2(1.005)).isEqualTo("1.00");
    }
}
