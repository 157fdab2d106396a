package dev.pagelab.cli.sweep;

import dev.pagelab.curve.CurveCounts;
import dev.pagelab.curve.CurveOptions;
import dev.pagelab.curve.Curves;
import dev.pagelab.curve.ExactCurve;
import dev.pagelab.curve.OptCurve;
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
 *       of the group ({@link OptCurve}).</li>
 * </ul>
 */
public final class OnePassCurves implements CurveSource {
    @Override
    public String method() {
        return "one-pass";
    }

    @Override
    public boolean supports(CurveGroup group) {
        return group.policy().equals("lru") || group.policy().equals("opt");
    }

    @Override
    public Curve compute(CurveGroup group, LongConsumer progress) {
        int most = 0;
        for (int f : group.frames()) {
            most = Math.max(most, f);
        }
        boolean local = group.scope() == Scope.LOCAL;
        CurveOptions options = CurveOptions.of(group.scope()).withQuantum(group.config(0).quantum())
                .withMaxFrames(most);
        int n = group.frames().length;
        CurveCounts[] counts = new CurveCounts[n];
        if (group.policy().equals("opt")) {
            OptCurve curve = Curves.optWithWritebacks(group.stream(), options);
            for (int i = 0; i < n; i++) {
                counts[i] = local ? curve.countsAt(group.allocations()[i]) : curve.countsAt(group.frames()[i]);
            }
        } else {
            ExactCurve curve = Curves.lru(group.stream(), options);
            for (int i = 0; i < n; i++) {
                counts[i] = local ? curve.countsAt(group.allocations()[i]) : curve.countsAt(group.frames()[i]);
            }
        }
        if (progress != null) {
            progress.accept(group.stream().length());
        }
        long[][] faults = new long[n][];
        long[][] writebacks = new long[n][];
        for (int i = 0; i < n; i++) {
            faults[i] = counts[i].faults();
            writebacks[i] = counts[i].writebacks();
        }
        return new Curve(faults, writebacks);
    }
}
