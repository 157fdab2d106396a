package dev.pagelab.curve;

/**
 * Faults against frames for one policy over one reference stream: counted exactly
 * ({@link ExactCurve}) or estimated from a sample ({@link SampledCurve}). Frame counts run from
 * 1 to {@link #frames()}; a {@linkplain #complete() complete} curve also answers beyond, where
 * it is flat.
 */
public sealed interface MissRatioCurve permits ExactCurve, SampledCurve {
    /** The policy the curve is of: {@code lru} or {@code opt}. */
    String policy();

    /** The references of the stream. */
    long references();

    /** The largest frame count the curve holds a value for (at least 1 unless the stream is empty). */
    int frames();

    /**
     * Whether the curve reaches the pool's distinct pages, so that it is flat beyond
     * {@link #frames()} (only cold faults, no evictions); false when it was cut at a smaller
     * largest frame count.
     */
    boolean complete();

    /**
     * Faults per reference with {@code frames} frames, 0 for an empty stream.
     *
     * @throws IllegalArgumentException when {@code frames} is below 1, or beyond {@link #frames()}
     *                                  of a curve that is not complete
     * @throws IllegalStateException    for a local-scope curve of several processes, which has no
     *                                  total at a frame count (see {@link ExactCurve#countsAt})
     */
    double missRatioAt(int frames);
}
