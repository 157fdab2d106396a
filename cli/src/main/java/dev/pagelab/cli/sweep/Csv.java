package dev.pagelab.cli.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of RFC 4180 CSV to fields and back (Jackson's CSV module): a field is quoted only when
 * it holds a comma or a quote. Fields never hold a line break (the sweep refuses trace names with
 * control characters), so a line of a file is a row.
 */
final class Csv {
    private static final CsvMapper MAPPER = new CsvMapper();
    private static final ObjectWriter WRITER = MAPPER.writerFor(String[].class)
            .with(CsvSchema.emptySchema().withLineSeparator("\n"))
            .with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
    private static final ObjectReader READER = MAPPER.readerFor(String[].class);

    private Csv() {
    }

    /** The fields as one line, ending in a line feed. */
    static String line(List<String> fields) {
        try {
            return WRITER.writeValueAsString(fields.toArray(String[]::new));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The rows of a CSV file this package wrote: its header must be {@code columns}; a last line
     * without its line feed (torn by a kill) is left out; an empty or missing file has no rows.
     *
     * @throws IllegalArgumentException naming the file and line of a wrong header or row
     */
    static List<String[]> read(Path file, List<String> columns) throws IOException {
        List<String> lines = ResultsStore.completeLines(file);
        List<String[]> rows = new ArrayList<>();
        checkHeader(file, lines, columns);
        for (int i = 1; i < lines.size(); i++) {
            rows.add(fields(file, i + 1, lines.get(i), columns.size()));
        }
        return rows;
    }

    /**
     * Checks that the first of {@code lines} (if any) is the header of {@code columns}.
     *
     * @throws IllegalArgumentException naming the file, what was expected and what was found
     */
    static void checkHeader(Path file, List<String> lines, List<String> columns) {
        String header = String.join(",", columns);
        if (!lines.isEmpty() && !lines.get(0).equals(header)) {
            throw new IllegalArgumentException(file + ": line 1: expected the header " + header + ", found '"
                    + lines.get(0) + "': not a file of pagelab sweep");
        }
    }

    /**
     * The fields of line {@code lineNumber} of {@code file}, which must have {@code expected}.
     *
     * @throws IllegalArgumentException naming the file, the line and what was found
     */
    static String[] fields(Path file, int lineNumber, String line, int expected) {
        String[] fields;
        try {
            fields = fields(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": line " + lineNumber + ": expected a CSV row, found '" + line
                    + "' (" + e.getMessage() + ")");
        }
        if (fields.length != expected) {
            throw new IllegalArgumentException(file + ": line " + lineNumber + ": expected " + expected
                    + " columns, found " + fields.length + " in '" + line + "'");
        }
        return fields;
    }

    /**
     * The fields of one line (without its line feed).
     *
     * @throws IllegalArgumentException saying what is wrong with it (a quote left open)
     */
    static String[] fields(String line) {
        if (line.isEmpty()) {
            return new String[] {""};
        }
        try {
            return READER.readValue(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage());
        }
    }
}
