package dev.pagelab.ostep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The recorded runs of the original scripts ({@code MODE.cases.gz}, described in the fixture
 * folder's README): each an argument list, the COLUMNS variable, and what python3 printed and
 * returned. {@link #check} runs the same arguments through {@link Ostep#run} and says how the
 * outcome differs, if it does.
 */
final class RecordedRuns {
    /**
     * One recorded run.
     *
     * @param columns null when COLUMNS was unset
     */
    record Run(int id, String mode, List<String> args, String columns, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return mode + " case " + id + " " + args + (columns == null ? "" : " COLUMNS=" + columns);
        }

        /**
         * What pagelab must print on stderr: the same text, except for a traceback, of which only
         * the last line (the exception) is kept, the lines above naming the script's file.
         */
        String expectedStderr() {
            if (exit == 1 && stderr.startsWith("Traceback (most recent call last):")) {
                String[] lines = stderr.split("\n");
                return lines[lines.length - 1] + "\n";
            }
            return stderr;
        }
    }

    /** Where the runs' address files are (their working directory). */
    static Path filesDirectory() {
        try {
            return Path.of(RecordedRuns.class.getResource("files").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The runs recorded for {@code mode}. */
    static List<Run> load(String mode) {
        byte[] data;
        try (InputStream in = new GZIPInputStream(RecordedRuns.class.getResourceAsStream(mode + ".cases.gz"))) {
            data = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Reader r = new Reader(data);
        List<Run> runs = new ArrayList<>();
        while (!r.atEnd()) {
            String[] head = r.line().split(" ");
            int id = Integer.parseInt(head[1]);
            int count = Integer.parseInt(r.word("args"));
            r.line();
            List<String> args = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                args.add(r.sized());
            }
            String columns = r.sizedAfter("columns");
            int exit = Integer.parseInt(r.word("exit"));
            r.line();
            String stdout = r.block("stdout");
            String stderr = r.block("stderr");
            runs.add(new Run(id, head[2], args, columns, exit, stdout, stderr));
        }
        return runs;
    }

    /** The outcome of running {@code run}'s arguments through pagelab. */
    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome replay(Run run) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = Ostep.run(run.mode(), run.args(), new OstepEnvironment(filesDirectory(), run.columns()), out, err);
        return new Outcome(exit, out.toString(), err.toString());
    }

    /**
     * Null when pagelab's outcome is the script's, else what differs first. Two allowances:
     * {@code -h} adds one line naming the script followed, and a run with a number of 19 digits
     * or more may be declined ({@link OstepLimitException}) after printing a part of the script's
     * output.
     */
    static String check(Run run) {
        Outcome o = replay(run);
        String expected = run.stdout();
        if (run.exit() == 0 && expected.startsWith("Usage: ")) {
            expected += Ostep.follows(run.mode()) + "\n";
        }
        if (o.exit() == 2 && o.stderr().startsWith("pagelab ostep " + run.mode() + ": ")
                && run.args().stream().anyMatch(a -> a.matches(".*[0-9]{19}.*")) && expected.startsWith(o.stdout())) {
            return null;
        }
        if (!o.stdout().equals(expected)) {
            return "stdout differs " + firstDifference(expected, o.stdout());
        }
        if (!o.stderr().equals(run.expectedStderr())) {
            return "stderr differs: expected " + Py.repr(run.expectedStderr()) + " got " + Py.repr(o.stderr());
        }
        if (o.exit() != run.exit()) {
            return "exit status " + o.exit() + ", the script's " + run.exit();
        }
        return null;
    }

    static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end>";
            String al = i < a.length ? a[i] : "<end>";
            if (!el.equals(al)) {
                return "at line " + (i + 1) + ": expected " + Py.repr(el) + " got " + Py.repr(al);
            }
        }
        return "(same lines)";
    }

    /** A cursor over the fixture's bytes. */
    private static final class Reader {
        private final byte[] data;
        private int at;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean atEnd() {
            return at >= data.length;
        }

        /** The text up to the next newline, which is skipped. */
        String line() {
            int start = at;
            while (data[at] != '\n') {
                at++;
            }
            return new String(data, start, at++ - start, StandardCharsets.UTF_8);
        }

        /** Checks that the next word is {@code key}; returns the word after it, without reading on. */
        String word(String key) {
            int start = at;
            int space = start;
            while (data[space] != ' ') {
                space++;
            }
            String found = new String(data, start, space - start, StandardCharsets.US_ASCII);
            if (!found.equals(key)) {
                throw new IllegalStateException("fixture: expected '" + key + "' at byte " + start + ", found '" + found + "'");
            }
            int end = space + 1;
            while (data[end] != '\n' && data[end] != ' ') {
                end++;
            }
            return new String(data, space + 1, end - space - 1, StandardCharsets.US_ASCII);
        }

        /** {@code LENGTH BYTES\n}. */
        String sized() {
            int space = at;
            while (data[space] != ' ') {
                space++;
            }
            int length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
            String text = length < 0 ? null : new String(data, space + 1, length, StandardCharsets.UTF_8);
            at = space + 1 + Math.max(length, 0) + 1;
            return text;
        }

        /** {@code KEY LENGTH BYTES\n}. */
        String sizedAfter(String key) {
            word(key);
            at += key.length() + 1;
            return sized();
        }

        /** {@code KEY LENGTH\nBYTES\n}. */
        String block(String key) {
            int length = Integer.parseInt(word(key));
            line();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
            bytes.write(data, at, length);
            at += length + 1;
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
