package dev.pagelab.replace;

/**
 * One policy instance over a {@link PolicyDriver}, kept at hand so that a test can step a
 * hand-worked example reference by reference and look inside the policy between steps.
 */
final class PolicyProbe<P extends ReplacementPolicy> {
    /** A policy's package-private constructor. */
    @FunctionalInterface
    interface Maker<P> {
        P make(PolicyConfig config, Pool pool);
    }

    final PolicyDriver driver;
    final P policy;
    private long now;

    private PolicyProbe(PolicyDriver driver, P policy) {
        this.driver = driver;
        this.policy = policy;
    }

    static <P extends ReplacementPolicy> PolicyProbe<P> of(PolicyInfo info, Maker<P> maker, PolicyConfig config,
                                                           int capacity) {
        Object[] made = new Object[1];
        PolicyRegistry registry = new PolicyRegistry().register(info, (c, pool) -> {
            P policy = maker.make(c, pool);
            made[0] = policy;
            return policy;
        });
        PolicyDriver driver = PolicyDriver.of(registry, info.name(), config, capacity);
        @SuppressWarnings("unchecked")
        P policy = (P) made[0];
        return new PolicyProbe<>(driver, policy);
    }

    static <P extends ReplacementPolicy> PolicyProbe<P> of(PolicyInfo info, Maker<P> maker, int capacity) {
        return of(info, maker, PolicyConfig.DEFAULTS, capacity);
    }

    /** Reads {@code page} at the next pool time; true on a fault. */
    boolean read(int page) {
        return driver.reference(page, false, now++, ReplacementPolicy.NEVER);
    }

    /** Writes {@code page} at the next pool time; true on a fault. */
    boolean write(int page) {
        return driver.reference(page, true, now++, ReplacementPolicy.NEVER);
    }

    /** Reads each page in turn; returns how many faulted. */
    int reads(int... pages) {
        int faults = 0;
        for (int page : pages) {
            faults += read(page) ? 1 : 0;
        }
        return faults;
    }

    long now() {
        return now;
    }

    int[] resident() {
        return driver.residentSet();
    }
}
