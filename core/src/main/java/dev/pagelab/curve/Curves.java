package dev.pagelab.curve;

import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Miss-ratio curves in one pass over a reference stream, with {@code pagelab replay}'s semantics
 * (see {@code Replay}'s rules): the faults and write-backs at every frame count at once, instead
 * of one replay a frame count (OPT's write-backs a frame count at a time, without reading the
 * trace again: {@link OptCurve}). The package comment says what each costs.
 *
 * <p>The readers given are read to their end but not closed. A {@code progress} consumer, when
 * not null, is told the references read so far after every block.
 */
public final class Curves {
    private Curves() {
    }

    /**
     * The exact LRU curve of {@code traces} (trace i is process i, or one trace with pids),
     * streamed: memory grows with the distinct pages and the frame counts, not with the references.
     *
     * @throws IllegalArgumentException for no traces, or a trace with pids among others
     */
    public static ExactCurve lru(List<TraceReader> traces, CurveOptions options, LongConsumer progress)
            throws IOException {
        Turns turns = new Turns(traces, options.quantum());
        return LruCurves.build(new TraceInput(turns).ids, options, quantumOf(turns, options), LruStack.DEFAULT_SLOTS,
                progress);
    }

    /**
     * The exact LRU curve of a stream already in memory; {@code options.quantum()} is recorded as
     * the quantum the stream was interleaved with (it cannot be changed now).
     */
    public static ExactCurve lru(ReferenceStream stream, CurveOptions options) {
        try {
            return LruCurves.build(stream.source(), options, stream.processes() > 1 ? options.quantum() : 0,
                    LruStack.DEFAULT_SLOTS, null);
        } catch (IOException e) {
            throw new AssertionError("a stream in memory cannot fail to read", e);
        }
    }

    /**
     * The exact OPT curve of {@code traces}: faults only (see {@link ExactCurve#hasWritebacks()}).
     * OPT needs the future, so the traces are read into memory first, as the replay does for OPT:
     * 8 bytes a reference (the stream and each reference's next use) and about 30 bytes a page.
     *
     * @throws IllegalArgumentException for no traces, or a trace with pids among others
     * @throws IllegalStateException    when the traces hold more references than an array can
     */
    public static ExactCurve opt(List<TraceReader> traces, CurveOptions options, LongConsumer progress)
            throws IOException {
        ReferenceStream stream = ReferenceStream.load(traces, options.quantum());
        return OptCurves.build(stream, options, traces.size() > 1 ? options.quantum() : 0, progress, false).curve();
    }

    /**
     * The exact OPT curve of a stream in memory (faults only); {@code options.quantum()} is
     * recorded as the quantum the stream was interleaved with.
     */
    public static ExactCurve opt(ReferenceStream stream, CurveOptions options) {
        return OptCurves.build(stream, options, stream.processes() > 1 ? options.quantum() : 0, null, false).curve();
    }

    /**
     * The exact OPT curve of {@code traces} with its write-backs, exactly the replay's (tie rule
     * included): faults at every frame count, write-backs counted when a frame count is asked for
     * ({@link OptCurve}). Memory as {@link #opt(List, CurveOptions, LongConsumer)}, plus 4 bytes a
     * reference under local scope and about 30 bytes a page; the result keeps the distances.
     *
     * @throws IllegalArgumentException for no traces, or a trace with pids among others
     * @throws IllegalStateException    when the traces hold more references than an array can
     */
    public static OptCurve optWithWritebacks(List<TraceReader> traces, CurveOptions options, LongConsumer progress)
            throws IOException {
        ReferenceStream stream = ReferenceStream.load(traces, options.quantum());
        return OptCurves.build(stream, options, traces.size() > 1 ? options.quantum() : 0, progress, true);
    }

    /** The exact OPT curve of a stream in memory with its write-backs ({@link #optWithWritebacks(List, CurveOptions, LongConsumer)}). */
    public static OptCurve optWithWritebacks(ReferenceStream stream, CurveOptions options) {
        return OptCurves.build(stream, options, stream.processes() > 1 ? options.quantum() : 0, null, true);
    }

    /**
     * An LRU curve of {@code traces} under global scope estimated by SHARDS from a spatial sample
     * of the pages: for traces too long or with too many pages for the exact curve's time or
     * memory. Memory is bounded by the sample, not by the distinct pages.
     *
     * @throws IllegalArgumentException for local scope (a process's local curve is its own trace's
     *                                  curve: estimate that trace alone), no traces, or a trace with
     *                                  pids among others
     */
    public static SampledCurve shards(List<TraceReader> traces, CurveOptions options, Sampling sampling,
                                      LongConsumer progress) throws IOException {
        if (options.scope() != Scope.GLOBAL) {
            throw new IllegalArgumentException("SHARDS estimates the curve of one pool (global scope); under local scope a"
                    + " process's curve is that of its own trace alone: estimate each trace by itself");
        }
        return ShardsCurves.build(new Turns(traces, options.quantum()), options, sampling, LruStack.DEFAULT_SLOTS,
                progress);
    }

    /** The quantum a curve records: 0 when there is no turn-taking. */
    static long quantumOf(Turns turns, CurveOptions options) {
        return turns.takesTurns() ? options.quantum() : 0;
    }
}
