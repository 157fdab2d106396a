package dev.pagelab.replay;

import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A whole interleaved reference stream held in memory: 4 bytes a reference (the packed ints of
 * {@link RefSource}) plus 8 bytes a distinct page. The engine holds one when it must know the
 * stream before it starts: OPT needs every page's next use, proportional allocation needs each
 * process's size, and a trace with pids names its processes only as it goes. It also serves
 * benchmarks that replay from memory.
 */
public final class ReferenceStream {
    private final int[] refs;
    private final int length;
    private final int[] pidOf;
    private final int[] localOf;
    private final int[] pagesOf;
    private final long[] referencesOf;
    private final String[] names;
    private final int pages;

    private ReferenceStream(int[] refs, int length, int[] pidOf, int[] localOf, int[] pagesOf, String[] names,
                            int pages) {
        this.refs = refs;
        this.length = length;
        this.pidOf = pidOf;
        this.localOf = localOf;
        this.pagesOf = pagesOf;
        this.names = names;
        this.pages = pages;
        this.referencesOf = new long[names.length];
        for (int i = 0; i < length; i++) {
            referencesOf[pidOf[refs[i] & RefSource.ID_MASK]]++;
        }
    }

    /**
     * Reads {@code traces} to their end (not closing them), interleaved as {@link Replay} would
     * with {@code quantum}.
     *
     * @throws IllegalArgumentException for no traces, a quantum below 1, or a trace with pids among others
     * @throws IllegalStateException    when the traces hold more references than an array can
     */
    public static ReferenceStream load(List<TraceReader> traces, long quantum) throws IOException {
        return load(RefSource.of(traces, quantum));
    }

    /**
     * Reads the rest of {@code source} (all of it when nothing was read yet), with its ids.
     *
     * @throws IllegalStateException when it holds more references than an array can
     */
    public static ReferenceStream load(RefSource source) throws IOException {
        int[] refs = new int[1 << 16];
        int length = 0;
        int[] buffer = new int[1 << 14];
        int n;
        while ((n = source.next(buffer)) > 0) {
            if (length + n > refs.length) {
                if (refs.length >= Integer.MAX_VALUE - 16 - n) {
                    throw new IllegalStateException("the traces hold more than " + (Integer.MAX_VALUE - 16)
                            + " references, more than can be held in memory for OPT or proportional sizes;"
                            + " give --sizes, or replay a part of the traces");
                }
                refs = Arrays.copyOf(refs, (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(length + n, refs.length * 2L)));
            }
            System.arraycopy(buffer, 0, refs, length, n);
            length += n;
        }
        int processes = source.processes();
        int[] pagesOf = new int[processes];
        String[] names = new String[processes];
        for (int pid = 0; pid < processes; pid++) {
            pagesOf[pid] = source.pagesOf(pid);
            names[pid] = source.nameOf(pid);
        }
        return new ReferenceStream(refs, length, Arrays.copyOf(source.pidOf(), source.pages()),
                Arrays.copyOf(source.localOf(), source.pages()), pagesOf, names, source.pages());
    }

    /** The number of references. */
    public int length() {
        return length;
    }

    /** The number of processes. */
    public int processes() {
        return names.length;
    }

    /** The distinct pages of all processes. */
    public int pages() {
        return pages;
    }

    /** The distinct pages of process {@code pid}: its size for proportional allocation. */
    public int pagesOf(int pid) {
        return pagesOf[pid];
    }

    /** The references of process {@code pid}. */
    public long referencesOf(int pid) {
        return referencesOf[pid];
    }

    /** The name of process {@code pid}'s trace. */
    public String nameOf(int pid) {
        return names[pid];
    }

    /** The page of reference {@code i}: a global id, below {@link #pages()}. */
    public int pageAt(int i) {
        return refs[i] & RefSource.ID_MASK;
    }

    /**
     * Copies references {@code [from, to)}, packed as {@link RefSource} packs them, to
     * {@code buffer} from index 0.
     *
     * @throws IndexOutOfBoundsException when the range is not within the stream or does not fit the buffer
     */
    public void copy(int from, int to, int[] buffer) {
        Objects.checkFromToIndex(from, to, length);
        System.arraycopy(refs, from, buffer, 0, to - from);
    }

    /** Whether reference {@code i} is a write. */
    public boolean isWrite(int i) {
        return refs[i] < 0;
    }

    /** The process of global page id {@code page}. */
    public int processOf(int page) {
        return pidOf[page];
    }

    /** The id of global page {@code page} among its own process's pages (0, 1, … in order of first use). */
    public int localIdOf(int page) {
        return localOf[page];
    }

    int[] refs() {
        return refs;
    }

    int[] pidOf() {
        return pidOf;
    }

    int[] localOf() {
        return localOf;
    }

    /**
     * The next use of every reference's page, in pool time: under global scope the index of the
     * page's next reference in the stream; under local scope its index among its own process's
     * references. {@code Integer.MAX_VALUE} when there is none.
     */
    public int[] nextUse(Scope scope) {
        int[] next = new int[length];
        int[] seen = new int[pages];
        Arrays.fill(seen, Integer.MAX_VALUE);
        if (scope == Scope.GLOBAL) {
            for (int i = length - 1; i >= 0; i--) {
                int id = refs[i] & RefSource.ID_MASK;
                next[i] = seen[id];
                seen[id] = i;
            }
        } else {
            long[] time = new long[names.length];
            int[] processTime = new int[length];
            for (int i = 0; i < length; i++) {
                processTime[i] = (int) time[pidOf[refs[i] & RefSource.ID_MASK]]++;
            }
            for (int i = length - 1; i >= 0; i--) {
                int id = refs[i] & RefSource.ID_MASK;
                next[i] = seen[id];
                seen[id] = processTime[i];
            }
        }
        return next;
    }

    /** A source that replays this stream from the start: its ids and counts are the whole stream's from the outset. */
    public RefSource source() {
        return new Replayer(this);
    }

    /** {@link #source()}: blocks copied out of the stream. */
    static final class Replayer implements RefSource {
        private final ReferenceStream stream;
        private int position;

        private Replayer(ReferenceStream stream) {
            this.stream = stream;
        }

        @Override
        public int next(int[] buffer) {
            int n = Math.min(buffer.length, stream.length - position);
            stream.copy(position, position + n, buffer);
            position += n;
            return n;
        }

        @Override
        public boolean processesAppear() {
            return false;
        }

        @Override
        public int processes() {
            return stream.names.length;
        }

        @Override
        public int pages() {
            return stream.pages;
        }

        @Override
        public int[] pidOf() {
            return stream.pidOf;
        }

        @Override
        public int[] localOf() {
            return stream.localOf;
        }

        @Override
        public int pagesOf(int pid) {
            return stream.pagesOf[pid];
        }

        @Override
        public long referencesOf(int pid) {
            return stream.referencesOf[pid];
        }

        @Override
        public String nameOf(int pid) {
            return stream.names[pid];
        }
    }
}
