package dev.pagelab.replace;

/**
 * Belady's MIN written as plainly as possible, for the contract test's lower bound: at a fault,
 * scan every frame for the page whose next reference is farthest (never = infinitely far). Kept
 * apart from the registered {@code opt} so that the bound does not rest on the code under test.
 */
final class OptOracle implements ReplacementPolicy {
    static final PolicyRegistry REGISTRY = new PolicyRegistry().register(
            new PolicyInfo("opt-oracle", "test oracle", Visibility.EVERY_REFERENCE, true, false), OptOracle::new);

    private final Pool pool;
    private long[] nextUse = new long[0];

    OptOracle(PolicyConfig config, Pool pool) {
        this.pool = pool;
    }

    private void set(int page, long next) {
        if (page >= nextUse.length) {
            nextUse = java.util.Arrays.copyOf(nextUse, Math.max(page + 1, nextUse.length * 2));
        }
        nextUse[page] = next;
    }

    @Override
    public void hit(int page, boolean write, long now, long next) {
        set(page, next);
    }

    @Override
    public int victim(int incoming, long now, long next) {
        int best = -1;
        for (int frame = 0; frame < pool.capacity(); frame++) {
            int page = pool.pageAt(frame);
            if (best < 0 || nextUse[page] > nextUse[best]) {
                best = page;
            }
        }
        return best;
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long next) {
        set(page, next);
    }
}
