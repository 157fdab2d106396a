package dev.pagelab.replay;

import java.io.IOException;

/**
 * The interleaved reference stream of all processes, in blocks of packed {@code int}s: bits 30:0
 * are a dense global page id (0, 1, 2, … in order of first use over all processes), bit 31 is set
 * for a write. The id tables grow as a block introduces new pages: after every {@link #next}, every
 * id in the block is covered by {@link #pidOf} and {@link #localOf}.
 */
interface RefSource {
    /** Packs a reference. */
    static int pack(int globalId, boolean write) {
        return write ? globalId | WRITE : globalId;
    }

    int WRITE = 1 << 31;
    int ID_MASK = ~WRITE;

    /** Fills {@code buffer} from index 0; returns the number of references, 0 at the end. */
    int next(int[] buffer) throws IOException;

    /** The number of processes seen so far. */
    int processes();

    /** The number of global page ids given so far. */
    int pages();

    /** The process of each global page id (an array at least {@link #pages()} long; do not modify). */
    int[] pidOf();

    /** The page id within its own process of each global page id (do not modify). */
    int[] localOf();

    /** The references of process {@code pid} given so far. */
    long referencesOf(int pid);

    /** The number of distinct pages of process {@code pid} so far. */
    int pagesOf(int pid);

    /** The name of process {@code pid}'s trace (its file, with the pid when a trace carries pids). */
    String nameOf(int pid);
}
