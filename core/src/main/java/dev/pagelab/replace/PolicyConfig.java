package dev.pagelab.replace;

/**
 * The parameters of every built-in policy in one record; each policy reads the ones it has and
 * its class comment says which. Times are in pool time (references the pool has seen).
 *
 * @param seed              seed of {@code random}'s generator (each pool starts from the same seed)
 * @param clockLoadBit      1: a page loaded by a fault starts with its reference bit set (the
 *                          faulting access sets A when it retries); 0: clear (libCacheSim's clock)
 * @param tickInterval      references between two ticks: NRU clears the reference bits, aging
 *                          shifts its counters
 * @param agingBits         width of aging's counters, 1 to 32
 * @param tau               WSClock's τ: a page unreferenced for longer is outside the working set
 * @param window            the working set's window Δ
 * @param pffTau            PFF's τ: a fault later than this after the previous one shrinks the set
 * @param twoQKin           2Q's A1in share of the frames (Johnson and Shasha: 25%)
 * @param twoQKout          2Q's A1out (ghost) size as a share of the frames (50%)
 * @param lirsHirFraction   LIRS's share of frames for resident HIR pages (Jiang and Zhang: 1%); also
 *                          CLOCK-Pro's initial cold target, which then adapts
 * @param s3fifoSmallFraction S3-FIFO's small queue as a share of the frames (Yang et al.: 10%)
 */
public record PolicyConfig(long seed, int clockLoadBit, long tickInterval, int agingBits, long tau,
                           long window, long pffTau, double twoQKin, double twoQKout,
                           double lirsHirFraction, double s3fifoSmallFraction) {
    /** The defaults, as {@code pagelab replay --help} lists them. */
    public static final PolicyConfig DEFAULTS =
            new PolicyConfig(42, 1, 1_000, 8, 1_000, 1_000, 1_000, 0.25, 0.5, 0.01, 0.10);

    public PolicyConfig {
        if (clockLoadBit != 0 && clockLoadBit != 1) {
            throw new IllegalArgumentException("clock load bit must be 0 or 1, not " + clockLoadBit);
        }
        positive("tick interval", tickInterval);
        if (agingBits < 1 || agingBits > 32) {
            throw new IllegalArgumentException("aging bits must be 1 to 32, not " + agingBits);
        }
        positive("tau", tau);
        positive("window", window);
        positive("PFF tau", pffTau);
        share("2Q Kin", twoQKin);
        share("2Q Kout", twoQKout);
        share("LIRS HIR fraction", lirsHirFraction);
        share("S3-FIFO small fraction", s3fifoSmallFraction);
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
    }

    private static void share(String what, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(what + " must lie strictly between 0 and 1, not " + value);
        }
    }

    public PolicyConfig withSeed(long value) {
        return new PolicyConfig(value, clockLoadBit, tickInterval, agingBits, tau, window, pffTau, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withClockLoadBit(int value) {
        return new PolicyConfig(seed, value, tickInterval, agingBits, tau, window, pffTau, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withTickInterval(long value) {
        return new PolicyConfig(seed, clockLoadBit, value, agingBits, tau, window, pffTau, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withAgingBits(int value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, value, tau, window, pffTau, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withTau(long value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, value, window, pffTau, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withWindow(long value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, tau, value, pffTau, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withPffTau(long value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, tau, window, value, twoQKin,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withTwoQKin(double value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, tau, window, pffTau, value,
                twoQKout, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withTwoQKout(double value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, tau, window, pffTau, twoQKin,
                value, lirsHirFraction, s3fifoSmallFraction);
    }

    public PolicyConfig withLirsHirFraction(double value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, tau, window, pffTau, twoQKin,
                twoQKout, value, s3fifoSmallFraction);
    }

    public PolicyConfig withS3fifoSmallFraction(double value) {
        return new PolicyConfig(seed, clockLoadBit, tickInterval, agingBits, tau, window, pffTau, twoQKin,
                twoQKout, lirsHirFraction, value);
    }
}
