package dev.pagelab.cli.sweep;

import dev.pagelab.curve.CurveCounts;
import dev.pagelab.curve.CurveOptions;
import dev.pagelab.curve.Curves;
import dev.pagelab.curve.ExactCurve;
import dev.pagelab.curve.OptCurve;
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
 *   <li>OPT, global or local scope: faults from the stack, and write-backs exactly the replay's
 *       (tie rule included) from the same pass, the dead pages' part counted at each frame count
 *       of the group ({@link OptCurve}); a stream without writes skips recording them.</li>
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
            case "opt" -> true;
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
        boolean opt = group.policy().equals("opt");
        // OPT's write-backs need each pool's distances kept; without writes there are none to count.
        OptCurve optCurve = opt && hasWrites(group.stream()) ? Curves.optWithWritebacks(group.stream(), options) : null;
        ExactCurve curve = optCurve != null ? optCurve.curve() : opt ? Curves.opt(group.stream(), options)
                : Curves.lru(group.stream(), options);
        if (progress != null) {
            progress.accept(group.stream().length());
        }
        int n = group.frames().length;
        long[][] faults = new long[n][];
        long[][] writebacks = new long[n][];
        for (int i = 0; i < n; i++) {
            CurveCounts counts;
            if (optCurve != null) {
                counts = scope == Scope.LOCAL ? optCurve.countsAt(group.allocations()[i])
                        : optCurve.countsAt(group.frames()[i]);
            } else {
                counts = scope == Scope.LOCAL ? curve.countsAt(group.allocations()[i])
                        : curve.countsAt(group.frames()[i]);
            }
            faults[i] = counts.faults();
            writebacks[i] = counts.writebacks() != null ? counts.writebacks() : new long[faults[i].length];
        }
        return new Curve(faults, writebacks);
    }
}
