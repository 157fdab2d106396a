package dev.pagelab.ostep;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line parsing as Python's {@code optparse.OptionParser()} does it with the scripts'
 * options, so that every spelling the scripts accept is accepted here with the same meaning, and
 * every spelling they refuse is refused with the same message (the rules are those of the
 * {@code optparse} documentation; the texts are what it prints).
 *
 * <h2>Parsing, argument by argument, left to right</h2>
 * <ol>
 *   <li>{@code --} ends the options; everything after it is a positional argument.</li>
 *   <li>{@code --name} or {@code --name=value}: a long option. {@code name} may be any prefix of
 *       exactly one long option ({@code --see 5} is {@code --seed 5}); an exact match wins over
 *       longer ones. A value-taking option takes the text after {@code =}, else the next argument
 *       whatever it looks like ({@code --seed -5}); a flag given {@code =value} is an error.</li>
 *   <li>{@code -abc}: a cluster of short options; the first one that takes a value takes the rest
 *       of the cluster ({@code -n10}, {@code -cn10}), or the next argument when nothing is left.</li>
 *   <li>Anything else (including {@code -} alone) is a positional argument; the scripts ignore them.</li>
 *   <li>{@code -h} or {@code --help} prints the help at once and stops, even after other options.</li>
 * </ol>
 * An {@code int} option's text goes through {@link Py#optparseInt} ({@code 0x1f}, {@code 017} in
 * octal, {@code 0b101}). Errors print {@code Usage: PROG [options]}, a blank line and
 * {@code PROG: error: MESSAGE} to stderr, and the status is 2.
 *
 * <p>pagelab's own switch ({@code --pagelab}) is recognized only when spelled out exactly and is
 * left out of the prefix matching, so that every abbreviation means what it means to the script.
 *
 * <p>Immutable; {@link #parse} keeps no state.
 */
final class OptParser {
    /** What an option stores. */
    enum Kind {
        /** {@code type='string'}: the text as given. */
        STRING,
        /** {@code type='int'}: an integer of any size ({@link BigInteger}). */
        INT,
        /** {@code action='store_true'}. */
        FLAG
    }

    /**
     * One {@code add_option}.
     *
     * @param shortName    {@code -a}, or null
     * @param longName     {@code --addresses}, or null
     * @param dest         the attribute name; its upper case is the metavar in the help
     * @param kind         what it stores
     * @param defaultValue a String, BigInteger or Boolean, as the script's default
     * @param help         the help text
     */
    record Option(String shortName, String longName, String dest, Kind kind, Object defaultValue, String help) {
        boolean takesValue() {
            return kind != Kind.FLAG;
        }

        /** {@code -a ADDRESSES, --addresses=ADDRESSES} or {@code -N, --notrace}. */
        String strings() {
            String metavar = dest == null ? "" : dest.toUpperCase(java.util.Locale.ROOT);
            List<String> parts = new ArrayList<>(2);
            if (shortName != null) {
                parts.add(takesValue() ? shortName + " " + metavar : shortName);
            }
            if (longName != null) {
                parts.add(takesValue() ? longName + "=" + metavar : longName);
            }
            return String.join(", ", parts);
        }
    }

    /** The outcome of {@link #parse}. */
    sealed interface Result permits Values, Help, Failure {
    }

    /** {@code -h}: the help text for stdout; the status is 0. */
    record Help(String text) implements Result {
    }

    /** A refused command line: the text for stderr; the status is 2. */
    record Failure(String stderr) implements Result {
    }

    /** The options' values, defaults where not given, and whether {@code --pagelab} was given. */
    static final class Values implements Result {
        private final Map<String, Object> values;
        private final boolean pagelab;

        Values(Map<String, Object> values, boolean pagelab) {
            this.values = values;
            this.pagelab = pagelab;
        }

        String string(String dest) {
            return (String) get(dest);
        }

        BigInteger integer(String dest) {
            return (BigInteger) get(dest);
        }

        boolean flag(String dest) {
            return (Boolean) get(dest);
        }

        boolean pagelab() {
            return pagelab;
        }

        private Object get(String dest) {
            if (!values.containsKey(dest)) {
                throw new IllegalArgumentException("optparse: no option stores '" + dest + "'");
            }
            return values.get(dest);
        }
    }

    private static final Option HELP = new Option("-h", "--help", null, Kind.FLAG, Boolean.FALSE,
            "show this help message and exit");

    private final String prog;
    private final List<Option> options;
    private final String pagelabSwitch;

    /**
     * A parser.
     *
     * @param prog          the script's file name, for usage and errors ({@code paging-policy.py})
     * @param options       the script's options, in its order ({@code -h} comes first by itself)
     * @param pagelabSwitch {@code --pagelab} when the mode has it, else null
     */
    OptParser(String prog, List<Option> options, String pagelabSwitch) {
        this.prog = prog;
        this.options = List.copyOf(options);
        this.pagelabSwitch = pagelabSwitch;
    }

    /** The script's file name. */
    String prog() {
        return prog;
    }

    /**
     * Parses {@code args}.
     *
     * @param columns the {@code COLUMNS} environment variable (null when unset): the help's width
     */
    Result parse(List<String> args, String columns) {
        Map<String, Object> values = new HashMap<>();
        for (Option o : options) {
            values.put(o.dest(), o.defaultValue());
        }
        boolean pagelab = false;
        List<String> rest = new ArrayList<>(args);
        int at = 0;
        while (at < rest.size()) {
            String arg = rest.get(at);
            if (arg.equals("--")) {
                break;
            }
            if (pagelabSwitch != null && arg.equals(pagelabSwitch)) {
                pagelab = true;
                at++;
            } else if (arg.startsWith("--")) {
                at++;
                String name = arg;
                String attached = null;
                int eq = arg.indexOf('=');
                if (eq >= 0) {
                    name = arg.substring(0, eq);
                    attached = arg.substring(eq + 1);
                }
                Object matched = matchLong(name);
                if (matched instanceof String error) {
                    return failure(error);
                }
                Option option = (Option) matched;
                String value = null;
                if (option.takesValue()) {
                    if (attached != null) {
                        value = attached;
                    } else if (at < rest.size()) {
                        value = rest.get(at++);
                    } else {
                        return failure(option.longName() + " option requires 1 argument");
                    }
                } else if (attached != null) {
                    return failure(option.longName() + " option does not take a value");
                }
                Result stop = store(option, option.longName(), value, values, columns);
                if (stop != null) {
                    return stop;
                }
            } else if (arg.startsWith("-") && arg.length() > 1) {
                at++;
                int[] cps = arg.codePoints().toArray();
                for (int i = 1; i < cps.length; i++) {
                    String opt = "-" + new String(cps, i, 1);
                    Option option = shortOption(opt);
                    if (option == null) {
                        return failure("no such option: " + opt);
                    }
                    String value = null;
                    boolean clusterEnds = false;
                    if (option.takesValue()) {
                        if (i + 1 < cps.length) {
                            value = new String(cps, i + 1, cps.length - i - 1);
                            clusterEnds = true;
                        } else if (at < rest.size()) {
                            value = rest.get(at++);
                        } else {
                            return failure(opt + " option requires 1 argument");
                        }
                    }
                    Result stop = store(option, opt, value, values, columns);
                    if (stop != null) {
                        return stop;
                    }
                    if (clusterEnds) {
                        break;
                    }
                }
            } else {
                at++;
            }
        }
        return new Values(values, pagelab);
    }

    /** Stores one option's value; returns the help or an error when it ends the parse, else null. */
    private Result store(Option option, String spelled, String value, Map<String, Object> values, String columns) {
        if (option == HELP) {
            return new Help(help(columns));
        }
        switch (option.kind()) {
            case FLAG -> values.put(option.dest(), Boolean.TRUE);
            case STRING -> values.put(option.dest(), value);
            case INT -> {
                BigInteger number = Py.optparseInt(value);
                if (number == null) {
                    return failure("option " + spelled + ": invalid integer value: " + Py.repr(value));
                }
                values.put(option.dest(), number);
            }
        }
        return null;
    }

    /** The option a long name means, or the error text. */
    private Object matchLong(String name) {
        List<Option> all = all();
        for (Option o : all) {
            if (name.equals(o.longName())) {
                return o;
            }
        }
        List<String> candidates = new ArrayList<>();
        Option only = null;
        for (Option o : all) {
            if (o.longName() != null && o.longName().startsWith(name)) {
                candidates.add(o.longName());
                only = o;
            }
        }
        if (candidates.size() == 1) {
            return only;
        }
        if (candidates.isEmpty()) {
            return "no such option: " + name;
        }
        candidates.sort(null);
        return "ambiguous option: " + name + " (" + String.join(", ", candidates) + "?)";
    }

    private Option shortOption(String opt) {
        for (Option o : all()) {
            if (opt.equals(o.shortName())) {
                return o;
            }
        }
        return null;
    }

    private List<Option> all() {
        List<Option> all = new ArrayList<>(options.size() + 1);
        all.add(HELP);
        all.addAll(options);
        return all;
    }

    private Failure failure(String message) {
        return new Failure(usage() + "\n" + prog + ": error: " + message + "\n");
    }

    /** {@code Usage: PROG [options]} and its newline. */
    String usage() {
        return "Usage: " + prog + " [options]\n";
    }

    /**
     * The help as {@code optparse}'s {@code IndentedHelpFormatter} lays it out for a terminal
     * {@code COLUMNS} wide (80 when unset or not a number): option strings in a column of at most
     * 24 characters, help text wrapped to the rest ({@link HelpWrap}).
     */
    String help(String columns) {
        int width = terminalWidth(columns) - 2;
        int maxHelpPosition = Math.min(24, Math.max(width - 20, 4));
        int maxLength = 0;
        for (Option o : all()) {
            maxLength = Math.max(maxLength, o.strings().length() + 2);
        }
        int helpPosition = Math.min(maxLength + 2, maxHelpPosition);
        int helpWidth = Math.max(width - helpPosition, 11);
        int optWidth = helpPosition - 2 - 2;
        StringBuilder out = new StringBuilder(usage()).append("\nOptions:\n");
        for (Option o : all()) {
            String opts = o.strings();
            int indentFirst;
            if (opts.length() > optWidth) {
                out.append("  ").append(opts).append('\n');
                indentFirst = helpPosition;
            } else {
                out.append("  ").append(opts).append(" ".repeat(optWidth - opts.length())).append("  ");
                indentFirst = 0;
            }
            List<String> lines = HelpWrap.wrap(o.help(), helpWidth);
            for (int i = 0; i < lines.size(); i++) {
                out.append(" ".repeat(i == 0 ? indentFirst : helpPosition)).append(lines.get(i)).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code int(os.environ['COLUMNS'])}, or 80 when unset or not an integer. */
    static int terminalWidth(String columns) {
        if (columns == null) {
            return 80;
        }
        try {
            BigInteger value = Py.parseInt(columns);
            // Wider than any terminal: the layout no longer changes.
            return value.min(BigInteger.valueOf(100_000)).max(BigInteger.valueOf(-100_000)).intValue();
        } catch (PythonError e) {
            return 80;
        }
    }
}
