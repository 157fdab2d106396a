package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void escape_plainTextAndOtherScripts_isUnchanged() {
        String text = "GRUB 2.06 root=/dev/sda1 caf\u00e9 \u65e5\u672c \u0627\u0644\u0639\u0631\u0628\u064a\u0629";

        assertThat(Printable.escape(text)).isSameAs(text);
    }

    @Test
    void escape_terminalEscapeSequence_cannotReachTheTerminal() {
        assertThat(Printable.escape("\u001B[2J\u001B[31mred\u0007")).isEqualTo("\\x1B[2J\\x1B[31mred\\x07");
    }

    @Test
    void escape_lineBreaksTabsAndDel_stayOnOneLine() {
        assertThat(Printable.escape("a\nb\rc\td\u007F")).isEqualTo("a\\nb\\rc\\td\\x7F");
    }

    @Test
    void escape_bidirectionalControls_areEscaped() {
        // CVE-2021-42574: an override makes "admin" read backwards on screen.
        assertThat(Printable.escape("user\u202Enimda\u202C")).isEqualTo("user\\u202Enimda\\u202C");
        assertThat(Printable.escape("\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u202A\u202B\u202D"))
                .isEqualTo("\\u2066\\u2067\\u2068\\u2069\\u200E\\u200F\\u061C\\u202A\\u202B\\u202D");
    }

    @Test
    void escape_c1ControlsAndLineSeparators_areEscaped() {
        assertThat(Printable.escape("\u0085\u009B\u2028\u2029")).isEqualTo("\\u0085\\u009B\\u2028\\u2029");
    }
}
