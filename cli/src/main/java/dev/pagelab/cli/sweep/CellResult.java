package dev.pagelab.cli.sweep;

import java.util.List;

/**
 * What one cell found.
 *
 * @param cell      the cell
 * @param processes one entry a process, by pid
 * @param method    how it was computed: {@link #REPLAY}, or the {@link CurveSource#method()} of
 *                  the curve source that computed it
 * @param seconds   wall-clock seconds it took (for a curve, the whole curve's time divided among
 *                  its cells)
 */
public record CellResult(Cell cell, List<ProcessCounts> processes, String method, double seconds) {
    /** The method of a cell replayed on its own by {@code Replay.run}. */
    public static final String REPLAY = "replay";

    public CellResult {
        processes = List.copyOf(processes);
    }

    public long references() {
        return processes.stream().mapToLong(ProcessCounts::references).sum();
    }

    public long faults() {
        return processes.stream().mapToLong(ProcessCounts::faults).sum();
    }

    public long writebacks() {
        return processes.stream().mapToLong(ProcessCounts::writebacks).sum();
    }

    public long pages() {
        return processes.stream().mapToLong(ProcessCounts::pages).sum();
    }
}
