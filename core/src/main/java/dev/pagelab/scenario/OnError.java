package dev.pagelab.scenario;

/** What a run does after a step fails unexpectedly. */
public enum OnError {
    /** Stop: the steps after it do not run (the default). */
    STOP,
    /** Report it and run the next step. */
    CONTINUE;

    /** {@code stop} or {@code continue}. */
    public String key() {
        return Keys.of(this);
    }

    /**
     * The policy called {@code key}.
     *
     * @throws IllegalArgumentException naming the two choices
     */
    public static OnError byKey(String key) {
        OnError found = Keys.lookup(OnError.class, key.strip().toLowerCase(java.util.Locale.ROOT));
        if (found == null) {
            throw new IllegalArgumentException("on-error: expected stop or continue, got '" + key + "'");
        }
        return found;
    }
}
