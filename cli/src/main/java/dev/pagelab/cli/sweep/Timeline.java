package dev.pagelab.cli.sweep;

import java.util.Arrays;

/**
 * Faults so far of every process of one cell at a series of times.
 *
 * @param times  {@code times[s]}: references replayed (all processes, interleaved) at sample s,
 *               ascending, from 0 to the stream's length
 * @param faults {@code faults[s][pid]}: process pid's faults among the first {@code times[s]}
 *               references
 */
public record Timeline(long[] times, long[][] faults) {
    public Timeline {
        if (times.length != faults.length) {
            throw new IllegalArgumentException(times.length + " sample times for " + faults.length + " samples");
        }
        times = times.clone();
        faults = Arrays.stream(faults).map(long[]::clone).toArray(long[][]::new);
    }

    /** The number of samples. */
    public int size() {
        return times.length;
    }

    /** The time of sample {@code s}. */
    public long time(int s) {
        return times[s];
    }

    /** Process {@code pid}'s faults at sample {@code s}. */
    public long faults(int s, int pid) {
        return faults[s][pid];
    }
}
