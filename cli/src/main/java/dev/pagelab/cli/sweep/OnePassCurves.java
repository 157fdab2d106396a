package dev.pagelab.cli.sweep;

import dev.pagelab.curve.CurveCounts;
import dev.pagelab.curve.CurveOptions;
import dev.pagelab.curve.Curves;
import dev.pagelab.curve.ExactCurve;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Scope;
import java.util.function.LongConsumer;

/**
 * The exact one-pass curves of {@code dev.pagelab.curve} as a {@link CurveSource}: every frame
 * count of a group from one pass over its stream (Mattson's stack distances), instead of one
 * replay a frame count.
 *
 * <ul>
 *   <li>LRU, global or local scope: faults and write-backs, exactly the replay's.</li>
 *   <li>OPT: the one-pass curve counts faults only (write-backs depend on which of the pages
 *       never used again OPT evicts, which a stack does not record), so this source takes an OPT
 *       group only when its stream has no writes (no write-backs at any size); otherwise the sweep
 *       replays OPT a frame count at a time, and the {@code method} column says which.</li>
 * </ul>
 */
public final class OnePassCurves implements CurveSource {
    @Override
    public String method() {
        return "one-pass";
    }

    @Override
    public boolean supports(CurveGroup group) {
        return switch (group.policy()) {
            case "lru" -> true;
            case "opt" -> !hasWrites(group.stream());
            default -> false;
        };
    }

    private static boolean hasWrites(ReferenceStream stream) {
        for (int i = 0, n = stream.length(); i < n; i++) {
            if (stream.isWrite(i)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Curve compute(CurveGroup group, LongConsumer progress) {
        int most = 0;
        for (int f : group.frames()) {
            most = Math.max(most, f);
        }
        Scope scope = group.scope();
        CurveOptions options = CurveOptions.of(scope).withQuantum(group.config(0).quantum()).withMaxFrames(most);
        ExactCurve curve = group.policy().equals("opt") ? Curves.opt(group.stream(), options)
                : Curves.lru(group.stream(), options);
        if (progress != null) {
            progress.accept(group.stream().length());
        }
        int n = group.frames().length;
        long[][] faults = new long[n][];
        long[][] writebacks = new long[n][];
        for (int i = 0; i < n; i++) {
            CurveCounts counts = scope == Scope.LOCAL ? curve.countsAt(group.allocations()[i])
                    : curve.countsAt(group.frames()[i]);
            faults[i] = counts.faults();
            writebacks[i] = counts.writebacks() != null ? counts.writebacks() : new long[faults[i].length];
        }
        return new Curve(faults, writebacks);
    }
}
