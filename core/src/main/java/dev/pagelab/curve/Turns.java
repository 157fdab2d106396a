package dev.pagelab.curve;

import dev.pagelab.replay.TraceTurns;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Traces taken in {@code pagelab replay}'s order (its rule 5): a thin adapter over the replay's
 * own {@link TraceTurns}, so that a curve reads exactly what a replay reads. SHARDS reads its
 * runs ({@link #runs}); an LRU curve reads them with the replay's ids ({@link TraceInput});
 * {@link #next} copies them out into plain arrays for a caller that wants those.
 */
final class Turns {
    /** The replay's turns: read through this or through the adapters above, never both. */
    final TraceTurns runs;

    /**
     * @throws IllegalArgumentException for no traces, a quantum below 1, or a trace with pids
     *                                  among others
     */
    Turns(List<TraceReader> traces, long quantum) throws IOException {
        runs = new TraceTurns(traces, quantum);
    }

    /**
     * Fills {@code pids}, {@code pages} and {@code writes} from index 0 with the next references,
     * at most {@code limit}; their number, 0 at the end.
     */
    int next(int[] pids, long[] pages, boolean[] writes, int limit) throws IOException {
        int filled = 0;
        int length;
        while (filled < limit && (length = runs.next(limit - filled)) > 0) {
            TraceBlock block = runs.runBlock();
            int from = runs.runFrom();
            Arrays.fill(pids, filled, filled + length, runs.runProcess());
            System.arraycopy(block.pages, from, pages, filled, length);
            for (int i = 0; i < length; i++) {
                writes[filled + i] = RefKind.isWrite(block.kinds[from + i]);
            }
            filled += length;
        }
        return filled;
    }

    /** Processes seen so far. */
    int processes() {
        return runs.processes();
    }

    /** Whether several traces take turns (so that the quantum matters). */
    boolean takesTurns() {
        return runs.takesTurns();
    }
}
