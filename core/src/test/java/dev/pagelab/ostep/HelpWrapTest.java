package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HelpWrap} against Python's {@code textwrap.wrap} on 400 texts of letters, digits,
 * hyphens, dashes, spaces and punctuation at widths from 1 to 70 ({@code python-textwrap.txt},
 * recorded with python3), and on the scripts' own help texts.
 */
class HelpWrapTest {
    @Test
    void wrap_recordedTexts_sameLinesAsPython() throws IOException {
        List<String> cases;
        try (InputStream in = getClass().getResourceAsStream("python-textwrap.txt")) {
            cases = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        int hyphenBreaks = 0;
        int longWords = 0;
        for (int i = 0; i < cases.size(); i++) {
            String[] f = cases.get(i).split("\u001f", -1);
            int width = Integer.parseInt(f[0]);
            List<String> expected = f[2].isEmpty() ? List.of() : List.of(f[2].split("\u001e", -1));
            assertThat(HelpWrap.wrap(f[1], width)).as("case %d, width %d: %s", i, width, Py.repr(f[1]))
                    .isEqualTo(expected);
            hyphenBreaks += expected.stream().anyMatch(l -> l.endsWith("-")) ? 1 : 0;
            longWords += expected.stream().anyMatch(l -> l.length() == width && !l.contains(" ")) ? 1 : 0;
        }
        assertThat(cases).hasSizeGreaterThan(300);
        assertThat(hyphenBreaks).as("texts broken after a hyphen").isGreaterThan(30);
        assertThat(longWords).as("words cut for being longer than a line").isGreaterThan(30);
    }

    @Test
    void chunks_hyphensAndDashes_cutAsTextwrap() {
        assertThat(HelpWrap.chunks("INSERT-FRONT, -1->no (--addresses) a-b-c")).containsExactly("INSERT-", "FRONT,",
                " ", "-1->no", " ", "(--addresses)", " ", "a-b-c");
        assertThat(HelpWrap.chunks("x--y ab--cd")).containsExactly("x", "--", "y", " ", "ab", "--", "cd");
    }
}
