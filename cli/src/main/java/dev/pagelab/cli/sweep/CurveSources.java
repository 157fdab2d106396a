package dev.pagelab.cli.sweep;

import java.util.List;

/**
 * The curve sources a sweep consults ({@link CurveSource}), in order of preference.
 *
 * <p>{@link OnePassCurves} (Mattson's stack distances, exact) computes the LRU groups, and OPT's
 * when the stream has no writes, in one pass and marks their rows {@code one-pass}; every other
 * group is replayed a cell at a time.
 */
public final class CurveSources {
    private CurveSources() {
    }

    /** The sources {@code pagelab sweep} uses, first preferred. */
    public static List<CurveSource> installed() {
        return List.of(new OnePassCurves());
    }
}
