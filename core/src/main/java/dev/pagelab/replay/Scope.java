package dev.pagelab.replay;

import java.util.Locale;

/** Where a faulting process may take its victim from (seed 001's local and global replacement). */
public enum Scope {
    /**
     * Each process has its own pool of its allocated frames and its own policy state (its own LRU
     * list, clock hand, future for OPT); a fault with all its frames in use evicts one of its own
     * pages. Its page fault rate depends on its own behaviour only.
     */
    LOCAL,
    /**
     * One pool of all frames and one policy over all resident pages of all processes, in the
     * interleaved order; no quotas: a process may take a frame from another.
     */
    GLOBAL;

    /** The name the command line uses. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
