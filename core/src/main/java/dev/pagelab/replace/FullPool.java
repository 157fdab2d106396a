package dev.pagelab.replace;

/** What the policies that walk a full pool frame by frame (Clock, ESC, NRU, random) rely on. */
final class FullPool {
    private FullPool() {
    }

    /**
     * The page in {@code frame} of a pool that must be full (the owner only asks for a victim then).
     *
     * @throws AssertionError when the frame is free: the owner broke the calling protocol
     */
    static int pageAt(Pool pool, int frame, String policy) {
        int page = pool.pageAt(frame);
        if (page < 0) {
            throw new AssertionError(policy + ": frame " + frame + " is free while choosing a victim (capacity "
                    + pool.capacity() + ", resident " + pool.residentPages() + ")");
        }
        return page;
    }
}
