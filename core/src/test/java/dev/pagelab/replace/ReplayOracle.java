package dev.pagelab.replace;

/** The plain driver's counts, for tests in other packages (the replay engine's oracle). */
public final class ReplayOracle {
    private ReplayOracle() {
    }

    /** What one pool did over a string. */
    public record Counts(long faults, long writebacks, long resident) {
    }

    /** Runs {@code policy} over {@code pages} with {@code frames} frames in the plain driver. */
    public static Counts run(PolicyRegistry registry, String policy, PolicyConfig config, int frames, int[] pages,
                             boolean[] writes) {
        PolicyDriver driver = PolicyDriver.of(registry, policy, config, frames);
        driver.run(pages, writes);
        return new Counts(driver.faults, driver.writebacks, driver.residentSet().length);
    }
}
