package dev.pagelab.curve;

import java.util.Arrays;
import java.util.Objects;

/**
 * An LRU miss-ratio curve estimated by SHARDS from a spatial sample of the pages (global scope:
 * one pool over the interleaved stream).
 *
 * @param references        the references of the whole stream
 * @param sampledReferences the references to sampled pages
 * @param sampledPages      the pages in the sample at the end
 * @param rate              the sampling rate at the end (fixed size: it only falls)
 * @param missRatio         the estimated misses per reference at frame counts 1 … {@code missRatio.length},
 *                          at index frames − 1, each in [0, 1]
 * @param complete          whether the estimate reaches the largest scaled distance seen, so that
 *                          it is flat beyond
 * @param sampling          how the pages were sampled
 */
public record SampledCurve(long references, long sampledReferences, int sampledPages, double rate,
                           double[] missRatio, boolean complete, Sampling sampling) implements MissRatioCurve {
    public SampledCurve {
        Objects.requireNonNull(sampling, "sampling");
        missRatio = missRatio.clone();
    }

    @Override
    public String policy() {
        return "lru";
    }

    @Override
    public double[] missRatio() {
        return missRatio.clone();
    }

    @Override
    public int frames() {
        return missRatio.length;
    }

    @Override
    public double missRatioAt(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames " + frames + " must be at least 1");
        }
        if (frames <= missRatio.length) {
            return missRatio[frames - 1];
        }
        if (complete) {
            return missRatio.length == 0 ? 0 : missRatio[missRatio.length - 1];
        }
        throw new IllegalArgumentException("the estimate covers 1 to " + missRatio.length + " frames, not " + frames);
    }

    /** The estimated faults with {@code frames} frames: the miss ratio times the references, rounded. */
    public long estimatedFaultsAt(int frames) {
        return Math.round(missRatioAt(frames) * references);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SampledCurve that && references == that.references
                && sampledReferences == that.sampledReferences && sampledPages == that.sampledPages
                && Double.compare(rate, that.rate) == 0 && Arrays.equals(missRatio, that.missRatio)
                && complete == that.complete && sampling.equals(that.sampling);
    }

    @Override
    public int hashCode() {
        return Objects.hash(references, sampledReferences, sampledPages, rate, Arrays.hashCode(missRatio), complete,
                sampling);
    }

    @Override
    public String toString() {
        return "SampledCurve[references=" + references + ", sampled references=" + sampledReferences
                + ", sampled pages=" + sampledPages + ", rate=" + rate + ", frames=1.." + missRatio.length
                + (complete ? " (complete)" : "") + ", " + sampling + "]";
    }
}
