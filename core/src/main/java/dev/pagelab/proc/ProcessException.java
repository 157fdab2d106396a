package dev.pagelab.proc;

/**
 * What the process subsystem refuses, with the reason in the message: a spawn that cannot be
 * made, an access that killed its process, a page that cannot go to a full swap device. Whatever
 * the operation was, it changed nothing except what its message says (a killed process is gone).
 */
public final class ProcessException extends IllegalStateException {
    public ProcessException(String message) {
        super(message);
    }
}
