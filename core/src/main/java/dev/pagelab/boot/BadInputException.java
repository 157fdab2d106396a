package dev.pagelab.boot;

/**
 * Input the boot cannot use, reported so that the user can find and fix it: the message names
 * the {@linkplain #source() source} (a file, a directory, {@code "MBI at 0x00009000"}), the
 * {@linkplain #location() location} inside it (a line, an offset, an address; empty for the
 * whole source) and the {@linkplain #problem() problem}, which says what was expected and what
 * was found. Nothing has been applied when it is thrown.
 */
public abstract class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String location;
    private final String problem;

    /** The message reads {@code "source, location: problem"}, or {@code "source: problem"} without a location. */
    protected BadInputException(String source, String location, String problem) {
        this(source + (location.isEmpty() ? "" : ", " + location) + ": " + problem, source, location, problem);
    }

    /** For messages of another shape, such as {@code "file:7: problem"}. */
    protected BadInputException(String message, String source, String location, String problem) {
        super(message);
        this.source = source;
        this.location = location;
        this.problem = problem;
    }

    /** The file, directory or structure at fault. */
    public String source() {
        return source;
    }

    /** Where in the source: {@code "line 7"}, {@code "offset 0x48"}, an address; empty for the whole source. */
    public String location() {
        return location;
    }

    /** What was expected and what was found. */
    public String problem() {
        return problem;
    }
}
