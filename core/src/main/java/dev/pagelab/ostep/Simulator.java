package dev.pagelab.ostep;

import java.math.BigInteger;

/**
 * One OSTEP homework script reproduced: its options ({@link #parser()}), its run, and where it
 * comes from. Implementations are stateless; a run's state lives in {@link #run}.
 */
sealed interface Simulator permits PagingPolicy, MallocSim, MultilevelTranslate, LinearTranslate {
    /** The repository the scripts come from. */
    String REPOSITORY = "remzi-arpacidusseau/ostep-homework";

    /** The mode's name: {@code pagelab ostep NAME}. */
    String mode();

    /** The script's path in {@link #REPOSITORY}, e.g. {@code vm-beyondphys-policy/paging-policy.py}. */
    String scriptPath();

    /** The commit of the script whose behaviour the mode follows (abbreviated). */
    String commit();

    /** The script's options, parsed as its {@code optparse} parser does. */
    OptParser parser();

    /** Runs the script's main program on parsed options, printing to {@code io}. */
    void run(OptParser.Values values, ScriptIo io);

    /** What {@code --pagelab} does in this mode, for the help line; null when the mode has no such switch. */
    String pagelabSummary();

    /** The same problem in pagelab's own engine ({@code --pagelab}); only when {@link #pagelabSummary()} is not null. */
    default void runPagelab(OptParser.Values values, ScriptIo io) {
        throw new UnsupportedOperationException(mode() + ": no --pagelab view");
    }

    /** The script's file name: what its usage line and errors call it. */
    default String scriptFile() {
        return scriptPath().substring(scriptPath().lastIndexOf('/') + 1);
    }

    /**
     * {@code value} as a long, or an {@link OstepLimitException} naming {@code what}.
     */
    static long toLong(BigInteger value, String what) {
        if (value.bitLength() > 63) {
            throw new OstepLimitException(what + " " + value + " is beyond the 64-bit integers pagelab computes with"
                    + " (from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")");
        }
        return value.longValue();
    }

    /** {@code value} clamped into the long range, for values only ever compared with small counts. */
    static long saturate(BigInteger value) {
        if (value.bitLength() <= 63) {
            return value.longValue();
        }
        return value.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
}
