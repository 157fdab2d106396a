package dev.pagelab.trace;

import java.io.OutputStream;

/** What the writers share: the output, its name, the format and the count of references written. */
abstract class StreamTraceWriter implements TraceWriter {
    final String name;
    final OutputStream out;
    /** References written so far; the subclasses count them. */
    long references;
    private final TraceFormat format;

    StreamTraceWriter(String name, OutputStream out, TraceFormat format, int pageSize) {
        TraceOptions.checkPageSize(pageSize);
        this.name = name;
        this.out = out;
        this.format = format;
    }

    @Override
    public final TraceFormat format() {
        return format;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long references() {
        return references;
    }
}
