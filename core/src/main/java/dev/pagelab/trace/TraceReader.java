package dev.pagelab.trace;

/** Placeholder until the trace readers land. */
public interface TraceReader extends java.io.Closeable {
    String name();

    boolean hasPids();

    int read(TraceBlock block) throws java.io.IOException;
}
