package dev.pagelab.hw;

/**
 * The one switch for invariant checks: on when the JVM runs with {@code -Dpagelab.checks=true}
 * (the test build sets it), off otherwise, so benchmarks and the shipped command pay nothing.
 * A check that fails throws {@link AssertionError} with the state in its message.
 */
public final class Checks {
    /** Whether invariant checks run. Read once, at class initialisation. */
    public static final boolean ENABLED = Boolean.getBoolean("pagelab.checks");

    private Checks() {
    }
}
