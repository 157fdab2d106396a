package dev.pagelab.scenario;

import dev.pagelab.boot.BadInputException;

/**
 * A scenario file that cannot be run: a YAML syntax error, an unknown key or step, a value of
 * the wrong type, a name used before a step defines it. The message reads like a compiler's,
 * {@code "scenario.yaml:12:5: unknown step 'kmallok' (did you mean 'kmalloc'?)"}: the file, the
 * line and column (both 1-based), and what was expected. It is thrown before any step runs.
 */
public final class ScenarioException extends BadInputException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /** A problem at {@code line}:{@code column} (1-based) of {@code source}. */
    public ScenarioException(String source, int line, int column, String problem) {
        super(source + ":" + line + ":" + column + ": " + problem, source, "line " + line + ", column " + column,
                problem);
        this.line = line;
        this.column = column;
    }

    /** A problem with the file as a whole: it cannot be read, it is empty. */
    public ScenarioException(String source, String problem) {
        super(source, "", problem);
        this.line = 0;
        this.column = 0;
    }

    /** The 1-based line, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The 1-based column, or 0 when the problem concerns the whole file. */
    public int column() {
        return column;
    }
}
