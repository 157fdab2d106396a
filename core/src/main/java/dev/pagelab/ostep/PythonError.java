package dev.pagelab.ostep;

/**
 * An exception the script would raise and not catch: Python prints a traceback to stderr and
 * exits with status 1. pagelab prints the traceback's last line, {@code Type: message} (or the
 * type alone when the message is empty, as {@code assert} without a message gives), since the
 * lines above it name the script's file and line numbers, which belong to the script.
 */
final class PythonError extends RuntimeException {
    private final String type;
    private final String pythonMessage;

    PythonError(String type, String pythonMessage) {
        super(pythonMessage.isEmpty() ? type : type + ": " + pythonMessage, null, false, false);
        this.type = type;
        this.pythonMessage = pythonMessage;
    }

    /** {@code ValueError: ...}. */
    static PythonError valueError(String message) {
        return new PythonError("ValueError", message);
    }

    /** A failed {@code assert} without a message. */
    static PythonError assertion() {
        return new PythonError("AssertionError", "");
    }

    /** The exception's class name, as Python prints it. */
    String type() {
        return type;
    }

    /** The exception's text after the colon. */
    String pythonMessage() {
        return pythonMessage;
    }

    /** The last line of Python's traceback. */
    String line() {
        return getMessage();
    }
}
