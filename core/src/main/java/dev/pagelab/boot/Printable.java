package dev.pagelab.boot;

/**
 * Text from an input (a loader name, a kernel command line, a module string, an E820 type, a
 * scenario's strings) made safe to print on a terminal: control characters and the Unicode
 * characters that reorder text are written as escapes, so that an input can neither move the
 * cursor, recolour or clear the screen (ESC sequences), nor make a line read differently from
 * what it holds (the bidirectional overrides of CVE-2021-42574, "Trojan Source").
 *
 * <ul>
 *   <li>C0 controls and DEL: {@code \n}, {@code \r}, {@code \t}, else {@code \xNN}: a string
 *       stays on one line;</li>
 *   <li>C1 controls (U+0080-U+009F), the bidirectional controls (U+061C, U+200E, U+200F,
 *       U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators (U+2028, U+2029):
 *       {@code \}{@code uXXXX}.</li>
 * </ul>
 * Everything else, accents and other scripts included, is printed as it is.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with every character above escaped; the same string when there is none. */
    public static String escape(String text) {
        int first = 0;
        while (first < text.length() && !needsEscape(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x80) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    /** Whether {@code c} is escaped by {@link #escape}. */
    public static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
    }
}
