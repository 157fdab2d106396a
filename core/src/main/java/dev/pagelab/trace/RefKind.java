package dev.pagelab.trace;

/** Reference kinds, one byte each (placeholder until the trace readers land). */
public final class RefKind {
    public static final byte READ = 0;
    public static final byte WRITE = 1;
    public static final byte MODIFY = 2;
    public static final byte FETCH = 3;

    private RefKind() {
    }

    public static boolean isWrite(byte kind) {
        return kind == WRITE || kind == MODIFY;
    }
}
