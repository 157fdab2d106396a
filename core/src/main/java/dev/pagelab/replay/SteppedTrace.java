package dev.pagelab.replay;

import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SteppedString} as a trace, so that the stepped recorders interleave and intern pages
 * exactly as {@link Replay} does: through {@link RefSource} into a {@link ReferenceStream}.
 */
final class SteppedTrace implements TraceReader {
    private final String name;
    private final SteppedString string;
    private int position;

    SteppedTrace(String name, SteppedString string) {
        this.name = name;
        this.string = string;
    }

    /**
     * The strings interleaved round-robin with {@code quantum} (string i is process i, named
     * {@code "process i"}), held in memory.
     */
    static ReferenceStream interleave(List<SteppedString> strings, long quantum) {
        List<TraceReader> readers = new ArrayList<>();
        for (int pid = 0; pid < strings.size(); pid++) {
            readers.add(new SteppedTrace("process " + pid, strings.get(pid)));
        }
        try {
            return ReferenceStream.load(readers, quantum);
        } catch (IOException e) {
            throw new UncheckedIOException("a reference string held in memory could not be read", e);
        }
    }

    @Override
    public TraceFormat format() {
        return TraceFormat.PLAIN;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean hasPids() {
        return false;
    }

    @Override
    public int read(TraceBlock block) {
        int n = Math.min(block.capacity(), string.length() - position);
        for (int i = 0; i < n; i++) {
            block.pages[i] = string.page(position + i);
            block.kinds[i] = string.isWrite(position + i) ? RefKind.WRITE : RefKind.READ;
            block.pids[i] = 0;
        }
        position += n;
        block.size = n;
        return n;
    }

    @Override
    public void close() {
    }
}
