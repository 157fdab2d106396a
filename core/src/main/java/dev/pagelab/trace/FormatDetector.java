package dev.pagelab.trace;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Recognises a trace's format from its first buffer of decompressed content (up to
 * {@link TraceInput#CAPACITY} bytes), in two steps:
 * <ol>
 *   <li>Binary or text: a control byte other than tab, CR and LF (oracle-general records are full of
 *       zero bytes) makes the content binary. Binary content is oracle-general when it holds at least
 *       one 24-byte record and the first records' next-access vtimes are -1 or at least 1.</li>
 *   <li>Text: up to {@link #LINES} reference lines are classified, skipping blank lines, {@code #}
 *       comments and valgrind's {@code ==PID==} / {@code --PID--} lines; each line fits at most one
 *       format (lackey's comma, vmsim's R or W, plain's lone number), and they must all agree. Only
 *       valgrind lines and no reference: lackey.</li>
 * </ol>
 * Failures name the file, the line and what each format would need. Not a hot path: a regex a line.
 */
final class FormatDetector {
    /** Reference lines looked at. */
    static final int LINES = 32;

    private static final Pattern LACKEY = Pattern.compile("[ \\t]*[ILSM][ \\t]+[0-9a-fA-F]{1,16},[0-9]{1,9}[ \\t\\r]*");
    private static final Pattern VMSIM = Pattern.compile(
            "[ \\t]*(0[xX])?[0-9a-fA-F]{1,16}[ \\t]+[RrWw]([ \\t]+[0-9]{1,10})?[ \\t\\r]*");
    private static final Pattern PLAIN = Pattern.compile("[ \\t]*(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})[ \\t\\r]*");
    private static final Pattern SKIPPED = Pattern.compile("[ \\t\\r]*(#.*)?|==.*|--[0-9].*");
    private static final Pattern VALGRIND = Pattern.compile("==.*|--[0-9].*");

    static final String WHAT_EACH_NEEDS = "lackey needs valgrind's 'I  ADDR,SIZE' or ' L|S|M ADDR,SIZE' lines,"
            + " plain one page number a line (decimal, or hex with 0x), vmsim 'ADDRESS R|W [PID]' lines (ADDRESS"
            + " in hex), oracle-general is binary (24-byte records); --format forces one";

    private FormatDetector() {
    }

    static TraceFormat detect(TraceInput input) throws TraceFormatException {
        byte[] buf = input.buf;
        int limit = input.limit;
        if (limit == 0) {
            throw TraceFormatException.ofFile(input.name, "found an empty file, expected a trace (" + WHAT_EACH_NEEDS + ")");
        }
        for (int i = 0; i < limit; i++) {
            int c = buf[i] & 0xff;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f) {
                return binary(input, i);
            }
        }
        return text(input);
    }

    private static TraceFormat binary(TraceInput input, int controlAt) throws TraceFormatException {
        String found = String.format("binary content (byte 0x%02x at offset %d)", input.buf[controlAt] & 0xff, controlAt);
        if (input.limit < OracleGeneralReader.RECORD_BYTES) {
            throw TraceFormatException.ofFile(input.name, "found " + found + " of only " + input.limit
                    + " bytes; expected a trace (" + WHAT_EACH_NEEDS + ")");
        }
        int records = Math.min(LINES, input.limit / OracleGeneralReader.RECORD_BYTES);
        for (int r = 0; r < records; r++) {
            int at = r * OracleGeneralReader.RECORD_BYTES + OracleGeneralReader.NEXT_OFFSET;
            long next = (long) OracleGeneralReader.LONG.get(input.buf, at);
            if (!OracleGeneralReader.validNext(next)) {
                throw TraceFormatException.atOffset(input.name, at, "found " + found + " that is not oracle-general:"
                        + " the next-access vtime of record " + r + " is " + next + "; expected -1 or at least 1 ("
                        + WHAT_EACH_NEEDS + ")");
            }
        }
        return TraceFormat.ORACLE_GENERAL;
    }

    private static TraceFormat text(TraceInput input) throws TraceFormatException {
        // The last line counts only when it is complete or the content ends there.
        int limit = input.limit;
        if (!input.eof) {
            while (limit > 0 && input.buf[limit - 1] != '\n') {
                limit--;
            }
        }
        String[] lines = new String(input.buf, 0, limit, StandardCharsets.ISO_8859_1).split("\n", -1);
        TraceFormat agreed = null;
        int agreedLine = 0;
        int seen = 0;
        boolean valgrind = false;
        for (int i = 0; i < lines.length && seen < LINES; i++) {
            String line = lines[i];
            if (SKIPPED.matcher(line).matches()) {
                valgrind |= VALGRIND.matcher(line).matches();
                continue;
            }
            TraceFormat fits = LACKEY.matcher(line).matches() ? TraceFormat.LACKEY
                    : VMSIM.matcher(line).matches() ? TraceFormat.VMSIM
                    : PLAIN.matcher(line).matches() ? TraceFormat.PLAIN : null;
            if (fits == null) {
                throw TraceFormatException.atLine(input.name, i + 1, "cannot detect the format: found "
                        + quoted(line) + ", which is a line of no"
                        + " trace format; expected a trace (" + WHAT_EACH_NEEDS + ")");
            }
            if (agreed != null && fits != agreed) {
                throw TraceFormatException.atLine(input.name, i + 1, "cannot detect the format: found a " + fits
                        + " line " + quoted(line) + " after a " + agreed + " line (line " + agreedLine + ");"
                        + " expected every line in one format (" + WHAT_EACH_NEEDS + ")");
            }
            if (agreed == null) {
                agreed = fits;
                agreedLine = i + 1;
            }
            seen++;
        }
        if (agreed != null) {
            return agreed;
        }
        if (valgrind) {
            return TraceFormat.LACKEY;
        }
        throw TraceFormatException.ofFile(input.name, "cannot detect the format: found no reference line in the first "
                + lines.length + " lines (blank or comments); expected a trace (" + WHAT_EACH_NEEDS + ")");
    }

    private static String quoted(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        return TextTraceReader.quote(bytes, 0, bytes.length);
    }
}
