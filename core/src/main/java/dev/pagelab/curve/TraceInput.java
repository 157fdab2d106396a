package dev.pagelab.curve;

import dev.pagelab.replay.RefSource;

/**
 * Traces as an LRU curve reads them: {@link Turns}' references with the replay engine's own
 * dense page ids ({@link RefSource#of(dev.pagelab.replay.TraceTurns)}), in memory that grows with
 * the distinct pages only. A thin adapter; a stream in memory is read through its
 * {@link dev.pagelab.replay.ReferenceStream#source()} instead.
 */
final class TraceInput {
    /** The ids source over the turns. */
    final RefSource ids;

    TraceInput(Turns turns) {
        ids = RefSource.of(turns.runs);
    }
}
