package dev.pagelab.ostep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The OSTEP-compatible mode: each of the four memory homework scripts of
 * {@code remzi-arpacidusseau/ostep-homework} run as its Python 3 interpreter runs it, same
 * options, same output character for character, same errors and exit status.
 *
 * <ul>
 *   <li>status 0: the run completed (or {@code -h} printed the help, plus one line naming the
 *       script and commit followed);</li>
 *   <li>status 2: {@code optparse} refused the command line (usage and error on stderr), or
 *       pagelab declined the run ({@link OstepLimitException}: {@code pagelab ostep MODE: ...});</li>
 *   <li>status 1: the script exits with 1 after its own message, or raises (the traceback's last
 *       line on stderr, {@code ValueError: ...}).</li>
 * </ul>
 * Stdout is whatever was printed up to the end or the failure.
 */
public final class Ostep {
    private static final List<Simulator> SIMULATORS = List.of(new PagingPolicy(), new MallocSim(),
            new MultilevelTranslate(), new LinearTranslate());

    private Ostep() {
    }

    /** The modes: {@code paging-policy}, {@code malloc}, {@code paging-multilevel-translate}, {@code paging-linear-translate}. */
    public static List<String> modes() {
        List<String> names = new ArrayList<>();
        for (Simulator s : SIMULATORS) {
            names.add(s.mode());
        }
        return names;
    }

    /** The line {@code --help} adds: which script, which commit, what {@code --pagelab} does. */
    public static String follows(String mode) {
        Simulator s = simulator(mode);
        return "pagelab ostep " + s.mode() + " follows " + s.scriptFile() + " of " + Simulator.REPOSITORY + " ("
                + s.scriptPath() + ", commit " + s.commit() + ") as Python 3 runs it"
                + (s.pagelabSummary() == null ? "." : "; --pagelab " + s.pagelabSummary() + ".");
    }

    /** The script a mode follows, {@code vm-beyondphys-policy/paging-policy.py}. */
    public static String scriptPath(String mode) {
        return simulator(mode).scriptPath();
    }

    /**
     * Runs {@code mode} on the script's arguments.
     *
     * @param args the arguments after the mode's name, as the script would get them
     * @param out  the script's stdout (flushed before returning)
     * @param err  its stderr (flushed before returning)
     * @return the exit status
     * @throws IllegalArgumentException for an unknown mode
     * @throws UncheckedIOException     when a stream cannot be written
     */
    public static int run(String mode, List<String> args, OstepEnvironment environment, Writer out, Writer err) {
        Simulator simulator = simulator(mode);
        ScriptIo io = new ScriptIo(out, environment);
        try {
            try {
                return switch (simulator.parser().parse(args, environment.columns())) {
                    case OptParser.Help help -> {
                        out.write(help.text());
                        out.write(follows(mode) + "\n");
                        yield 0;
                    }
                    case OptParser.Failure failure -> {
                        err.write(failure.stderr());
                        yield 2;
                    }
                    case OptParser.Values values -> {
                        if (values.pagelab()) {
                            simulator.runPagelab(values, io);
                        } else {
                            simulator.run(values, io);
                        }
                        yield 0;
                    }
                };
            } catch (ScriptExit e) {
                return e.status();
            } catch (PythonError e) {
                err.write(e.line() + "\n");
                return 1;
            } catch (OstepLimitException e) {
                err.write("pagelab ostep " + mode + ": " + e.getMessage() + "\n");
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Simulator simulator(String mode) {
        for (Simulator s : SIMULATORS) {
            if (s.mode().equals(mode)) {
                return s;
            }
        }
        throw new IllegalArgumentException("ostep: no mode '" + mode + "' (modes: " + String.join(", ", modes()) + ")");
    }
}
