package dev.pagelab.ostep;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The few Python 3 built-ins whose exact text the scripts' output depends on: {@code int(text)}
 * and {@code int(text, base)} with their error message, {@code repr} of a string (error messages
 * quote the bad value with it), and the {@code %} formats the scripts use ({@code %08x} of a
 * negative number keeps its sign; {@code %.2f} rounds the exact binary value half to even).
 * Rules from the Python language reference (integer literals, PEP 515 underscores) and the
 * {@code str} and {@code int} documentation.
 */
final class Py {
    /** CPython refuses to convert more decimal digits than this (Python 3.11's default limit). */
    static final int MAX_STR_DIGITS = 4300;

    private Py() {
    }

    // ---------------------------------------------------------------- int()

    /**
     * {@code int(text, base)} for base 2, 8, 10 or 16.
     *
     * <ol>
     *   <li>Non-ASCII decimal digits count as their ASCII digit, non-ASCII Python whitespace as a
     *       space; any other non-ASCII character makes the text invalid.</li>
     *   <li>ASCII whitespace around the number is skipped; then an optional sign; then, for base
     *       16, 8 or 2, an optional {@code 0x}, {@code 0o} or {@code 0b} prefix (any case) that may
     *       be followed by one underscore.</li>
     *   <li>At least one digit below the base; single underscores only between digits.</li>
     * </ol>
     *
     * @throws PythonError a ValueError with Python's message when the text is not a number
     */
    static BigInteger parseInt(String text, int base) {
        BigInteger value = tryParseInt(text, base);
        if (value == null) {
            throw PythonError.valueError("invalid literal for int() with base " + base + ": " + truncate(repr(text), 200));
        }
        if (value == TOO_MANY_DIGITS) {
            throw PythonError.valueError("Exceeds the limit (" + MAX_STR_DIGITS + " digits) for integer string"
                    + " conversion: value has " + countDigits(text) + " digits; use sys.set_int_max_str_digits()"
                    + " to increase the limit");
        }
        return value;
    }

    /** {@code int(text)}: base 10. */
    static BigInteger parseInt(String text) {
        return parseInt(text, 10);
    }

    /** A marker: a decimal number longer than {@link #MAX_STR_DIGITS}. */
    private static final BigInteger TOO_MANY_DIGITS = new BigInteger("-1");

    /** The value, {@link #TOO_MANY_DIGITS}, or null when the text is not a number. */
    private static BigInteger tryParseInt(String text, int base) {
        StringBuilder ascii = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 127) {
                ascii.append((char) cp);
            } else if (isPythonSpace(cp)) {
                ascii.append(' ');
            } else if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                ascii.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                return null;
            }
        }
        String s = ascii.toString();
        int at = 0;
        int end = s.length();
        while (at < end && isAsciiSpace(s.charAt(at))) {
            at++;
        }
        while (end > at && isAsciiSpace(s.charAt(end - 1))) {
            end--;
        }
        boolean negative = false;
        if (at < end && (s.charAt(at) == '+' || s.charAt(at) == '-')) {
            negative = s.charAt(at) == '-';
            at++;
        }
        if (at + 1 < end && s.charAt(at) == '0') {
            char p = Character.toLowerCase(s.charAt(at + 1));
            if ((base == 16 && p == 'x') || (base == 8 && p == 'o') || (base == 2 && p == 'b')) {
                at += 2;
                if (at < end && s.charAt(at) == '_') {
                    at++;
                }
            }
        }
        StringBuilder digits = new StringBuilder(end - at);
        boolean lastUnderscore = false;
        for (int i = at; i < end; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (digits.isEmpty() || lastUnderscore) {
                    return null;
                }
                lastUnderscore = true;
                continue;
            }
            if (Character.digit(c, base) < 0) {
                return null;
            }
            digits.append(c);
            lastUnderscore = false;
        }
        if (digits.isEmpty() || lastUnderscore) {
            return null;
        }
        if (base == 10 && digits.length() > MAX_STR_DIGITS) {
            return TOO_MANY_DIGITS;
        }
        BigInteger value = new BigInteger(digits.toString(), base);
        return negative ? value.negate() : value;
    }

    private static int countDigits(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                n++;
            }
        }
        return n;
    }

    /**
     * The value of an optparse {@code type='int'} option, or null when optparse would refuse it:
     * base 16 after {@code 0x}, base 2 after {@code 0b} (the prefix removed first), base 8 after
     * any other leading {@code 0}, else base 10; then {@code int(value, base)}.
     */
    static BigInteger optparseInt(String value) {
        String lower2 = value.length() >= 2 ? value.substring(0, 2).toLowerCase(java.util.Locale.ROOT) : value;
        BigInteger parsed;
        if (lower2.equals("0x")) {
            parsed = tryParseInt(value, 16);
        } else if (lower2.equals("0b")) {
            String rest = value.substring(2);
            parsed = tryParseInt(rest.isEmpty() ? "0" : rest, 2);
        } else if (value.startsWith("0")) {
            parsed = tryParseInt(value, 8);
        } else {
            parsed = tryParseInt(value, 10);
        }
        return parsed == TOO_MANY_DIGITS ? null : parsed;
    }

    /** Space, tab, LF, VT, FF, CR: what CPython's number parser skips around a number. */
    static boolean isAsciiSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** {@code str.isspace()} for one character. */
    static boolean isPythonSpace(int cp) {
        return switch (cp) {
            case ' ', '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    // ---------------------------------------------------------------- repr()

    /** {@code repr(text)}: quoted, with Python's escapes for what is not printable. */
    static String repr(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(text.length() + 2).append(quote);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp < ' ' || cp == 0x7F) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7F || isPrintable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp <= 0xFF) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xFFFF) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        }
        return out.append(quote).toString();
    }

    /** {@code str.isprintable()} for one non-ASCII character. */
    private static boolean isPrintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** The first {@code max} characters (code points), as {@code %.200R} cuts a repr. */
    static String truncate(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max));
    }

    // ---------------------------------------------------------------- % formats

    /** {@code '%0<width>x' % value} (zero-padded) or {@code '%x'} (width 0): the sign, then the padded digits. */
    static String hex(long value, int width) {
        String digits = Long.toHexString(Math.abs(value));
        if (value == Long.MIN_VALUE) {
            digits = "8000000000000000";
        }
        String sign = value < 0 ? "-" : "";
        int zeros = width - sign.length() - digits.length();
        return zeros > 0 ? sign + "0".repeat(zeros) + digits : sign + digits;
    }

    /** {@code '%<width>s' % text}: right-justified with spaces, never cut. */
    static String right(String text, int width) {
        int pad = width - text.length();
        return pad > 0 ? " ".repeat(pad) + text : text;
    }

    /** {@code '%.2f' % value}: the exact binary value rounded half to even, as CPython formats it. */
    static String fixed2(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String text = new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
        // A negative value that rounds to zero keeps its sign in C's printf: -0.00.
        if ((value < 0 || (value == 0 && 1 / value < 0)) && !text.startsWith("-")) {
            text = "-" + text;
        }
        return text;
    }

    /** {@code str(flag)}: {@code True} or {@code False}. */
    static String bool(boolean flag) {
        return flag ? "True" : "False";
    }
}
