package dev.pagelab.curve;

import dev.pagelab.replay.ReferenceStream;

/** A stream the replay engine holds in memory, given as a {@link CurveInput}: the same ids, repacked. */
final class StreamInput implements CurveInput {
    private final ReferenceStream stream;
    private final int[] pidOf;
    private final int[] localOf;
    private int position;

    StreamInput(ReferenceStream stream) {
        this.stream = stream;
        int pages = stream.pages();
        pidOf = new int[pages];
        localOf = new int[pages];
        for (int id = 0; id < pages; id++) {
            pidOf[id] = stream.processOf(id);
            localOf[id] = stream.localIdOf(id);
        }
    }

    @Override
    public int next(int[] buffer) {
        int count = Math.min(buffer.length, stream.length() - position);
        for (int i = 0; i < count; i++) {
            int at = position + i;
            buffer[i] = stream.isWrite(at) ? stream.pageAt(at) | WRITE : stream.pageAt(at);
        }
        position += count;
        return count;
    }

    @Override
    public int processes() {
        return stream.processes();
    }

    @Override
    public int pages() {
        return stream.pages();
    }

    @Override
    public int[] pidOf() {
        return pidOf;
    }

    @Override
    public int[] localOf() {
        return localOf;
    }

    @Override
    public int pagesOf(int pid) {
        return stream.pagesOf(pid);
    }

    @Override
    public long referencesOf(int pid) {
        // The whole stream is known from the start; a curve asks only at the end.
        return stream.referencesOf(pid);
    }

    @Override
    public String nameOf(int pid) {
        return stream.nameOf(pid);
    }
}
