package dev.pagelab.curve;

import dev.pagelab.replay.ReferenceStream;

/** A stream the replay engine holds in memory, given as a {@link CurveInput}: the same ids, repacked. */
final class StreamInput extends CurveInput {
    private final ReferenceStream stream;
    private int position;

    StreamInput(ReferenceStream stream) {
        super(new int[stream.pages()], new int[stream.pages()], new int[stream.processes()], stream.pages());
        this.stream = stream;
        for (int id = 0; id < pages; id++) {
            pidOf[id] = stream.processOf(id);
            localOf[id] = stream.localIdOf(id);
        }
        for (int pid = 0; pid < pagesOf.length; pid++) {
            pagesOf[pid] = stream.pagesOf(pid);
        }
    }

    @Override
    int next(int[] buffer) {
        int count = Math.min(buffer.length, stream.length() - position);
        for (int i = 0; i < count; i++) {
            int at = position + i;
            buffer[i] = stream.isWrite(at) ? stream.pageAt(at) | WRITE : stream.pageAt(at);
        }
        position += count;
        return count;
    }

    @Override
    int processes() {
        return stream.processes();
    }

    @Override
    long referencesOf(int pid) {
        // The whole stream is known from the start; a curve asks only at the end.
        return stream.referencesOf(pid);
    }

    @Override
    String nameOf(int pid) {
        return stream.nameOf(pid);
    }
}
