package dev.pagelab.trace;

import java.io.IOException;

/** What every file reader shares: the buffered input, its format, its name and compression. */
abstract class BufferedTraceReader implements TraceReader {
    final TraceInput input;
    private final TraceFormat format;

    BufferedTraceReader(TraceInput input, TraceFormat format) {
        this.input = input;
        this.format = format;
    }

    @Override
    public final TraceFormat format() {
        return format;
    }

    @Override
    public final String name() {
        return input.name;
    }

    @Override
    public final Compression compression() {
        return input.compression;
    }

    @Override
    public final void close() throws IOException {
        input.close();
    }

    /** Stores one reference at index {@code n} of {@code block}; returns {@code n + 1}. */
    static int put(TraceBlock block, int n, long page, byte kind, int pid) {
        block.pages[n] = page;
        block.kinds[n] = kind;
        block.pids[n] = pid;
        return n + 1;
    }
}
