package dev.pagelab.trace;

import java.io.Closeable;
import java.io.IOException;

/**
 * A stream of references, read a block at a time in constant memory whatever the trace's length
 * (a fixed buffer of the file's bytes; nothing a reference). Opened by {@link Traces#open}; the
 * synthetic generator has one too ({@link SyntheticTrace#reader()}).
 *
 * <p>Not thread-safe. After an exception the reader is unusable; close it.
 */
public interface TraceReader extends Closeable {
    /** The trace's format, given or detected. */
    TraceFormat format();

    /** The file name as given, for messages and reports. */
    String name();

    /**
     * True when the trace carries pids: a vmsim trace whose lines have the third column (a vmsim
     * trace has it on every line or on none). Known from the moment the reader is opened: the
     * vmsim reader looks at the first reference line then. False for the other formats, whose
     * {@link TraceBlock#pids} are all 0.
     */
    boolean hasPids();

    /** How the file was compressed (detected by its magic bytes). */
    default Compression compression() {
        return Compression.NONE;
    }

    /**
     * Fills {@code block} from index 0 with up to {@code block.capacity()} references, in trace
     * order, and sets {@code block.size}.
     *
     * @return {@code block.size}; 0 only at the end of the trace (and from then on)
     * @throws TraceFormatException naming the file and the line (text) or byte offset (binary), what
     *                              was found and what was expected, when the content is bad; the
     *                              block then holds the references before the bad one
     * @throws IOException          when the file cannot be read
     */
    int read(TraceBlock block) throws IOException;
}
