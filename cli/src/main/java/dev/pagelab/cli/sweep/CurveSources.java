package dev.pagelab.cli.sweep;

import java.util.List;

/**
 * The curve sources a sweep consults ({@link CurveSource}), in order of preference.
 *
 * <p>None is installed yet: every cell is replayed. A one-pass source for LRU and OPT (Mattson's
 * stack distances, exact) goes first in {@link #installed()} when it exists; the sweep then
 * computes the groups it supports in one pass and marks their rows {@code one-pass}.
 */
public final class CurveSources {
    private CurveSources() {
    }

    /** The sources {@code pagelab sweep} uses, first preferred. */
    public static List<CurveSource> installed() {
        return List.of();
    }
}
