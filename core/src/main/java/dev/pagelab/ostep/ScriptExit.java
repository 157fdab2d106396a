package dev.pagelab.ostep;

/**
 * The script called {@code exit(status)} or {@code sys.exit(status)} after printing its message
 * to stdout: the run ends with that status and nothing more is printed.
 */
final class ScriptExit extends RuntimeException {
    private final int status;

    ScriptExit(int status) {
        super("exit(" + status + ")", null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
