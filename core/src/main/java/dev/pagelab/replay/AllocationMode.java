package dev.pagelab.replay;

import java.util.Locale;

/** How frames are divided among processes under local replacement (seed 001). */
public enum AllocationMode {
    /** ⌊m/N⌋ frames each; the remainder stays free and unused by local replacement. */
    EQUAL,
    /** aᵢ = ⌊sᵢ·m/S⌋: in proportion to each process's size sᵢ, S = Σsᵢ. */
    PROPORTIONAL,
    /** aᵢ = ⌊wᵢ·m/W⌋ with wᵢ = sᵢ·pᵢ: size weighted by a priority pᵢ ≥ 1, W = Σwᵢ. */
    PRIORITY;

    /** The name the command line uses. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
