package dev.pagelab.replace;

import java.util.Arrays;

/**
 * A plain single-pool owner for tests: runs one policy over one reference string with the calling
 * protocol of {@link ReplacementPolicy} and checks the policy keeps it (a victim is resident and
 * not the incoming page, a released page was resident). Deliberately simple (linear searches): it
 * is the oracle the replay engine is compared with.
 */
final class PolicyDriver implements Pool {
    private final int capacity;
    private final int[] pageAt;
    private int[] frameOf = new int[0];
    private boolean[] referenced = new boolean[0];
    private boolean[] dirty = new boolean[0];
    private int resident;
    private ReplacementPolicy policy;
    private PolicyInfo info;
    private long tickInterval;

    long faults;
    long writebacks;
    long releases;
    long hitsShown;

    PolicyDriver(int capacity) {
        this.capacity = capacity;
        this.pageAt = new int[capacity];
        Arrays.fill(pageAt, -1);
    }

    /** A driver with {@code name} from {@code registry} over {@code capacity} frames. */
    static PolicyDriver of(PolicyRegistry registry, String name, PolicyConfig config, int capacity) {
        PolicyDriver driver = new PolicyDriver(capacity);
        driver.info = registry.info(name);
        driver.policy = registry.create(name, config, driver);
        driver.tickInterval = driver.policy.tickInterval();
        return driver;
    }

    static PolicyDriver of(String name, int capacity) {
        return of(PolicyRegistry.builtIn(), name, PolicyConfig.DEFAULTS, capacity);
    }

    /** Runs {@code pages} (all reads); returns the fault count. */
    static long faults(String name, int capacity, int... pages) {
        PolicyDriver driver = of(name, capacity);
        driver.run(pages, null);
        return driver.faults;
    }

    /** Runs the string; {@code writes} may be null (all reads). */
    void run(int[] pages, boolean[] writes) {
        long[] nextUse = new long[pages.length];
        if (info.needsFuture()) {
            java.util.HashMap<Integer, Long> seen = new java.util.HashMap<>();
            for (int i = pages.length - 1; i >= 0; i--) {
                Long n = seen.get(pages[i]);
                nextUse[i] = n == null ? ReplacementPolicy.NEVER : n;
                seen.put(pages[i], (long) i);
            }
        } else {
            Arrays.fill(nextUse, ReplacementPolicy.NEVER);
        }
        for (int now = 0; now < pages.length; now++) {
            reference(pages[now], writes != null && writes[now], now, nextUse[now]);
        }
    }

    /** One reference at pool time {@code now}; returns true when it faulted. */
    boolean reference(int page, boolean write, long now, long nextUse) {
        if (tickInterval > 0 && now > 0 && now % tickInterval == 0) {
            policy.tick(now);
        }
        grow(page);
        if (frameOf[page] >= 0) {
            referenced[page] = true;
            dirty[page] |= write;
            if (info.visibility() == Visibility.EVERY_REFERENCE) {
                hitsShown++;
                policy.hit(page, write, now, nextUse);
            }
            return false;
        }
        faults++;
        int frame;
        if (resident == capacity) {
            int victim = policy.victim(page, now, nextUse);
            if (victim == page || victim < 0 || victim >= frameOf.length || frameOf[victim] < 0) {
                throw new AssertionError(info.name() + ": victim " + victim + " for incoming " + page
                        + " at time " + now + " is not a resident page other than the incoming one");
            }
            frame = frameOf[victim];
            evict(victim);
        } else {
            frame = 0;
            while (pageAt[frame] >= 0) {
                frame++;
            }
        }
        pageAt[frame] = page;
        frameOf[page] = frame;
        referenced[page] = true;
        dirty[page] = write;
        resident++;
        policy.loaded(page, frame, write, now, nextUse);
        return true;
    }

    private void evict(int page) {
        if (dirty[page]) {
            writebacks++;
        }
        pageAt[frameOf[page]] = -1;
        frameOf[page] = -1;
        referenced[page] = false;
        dirty[page] = false;
        resident--;
    }

    private void grow(int page) {
        if (page >= frameOf.length) {
            int old = frameOf.length;
            int length = Math.max(page + 1, old * 2);
            frameOf = Arrays.copyOf(frameOf, length);
            Arrays.fill(frameOf, old, length, -1);
            referenced = Arrays.copyOf(referenced, length);
            dirty = Arrays.copyOf(dirty, length);
        }
    }

    /** The resident pages, sorted. */
    int[] residentSet() {
        return Arrays.stream(pageAt).filter(p -> p >= 0).sorted().toArray();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int residentPages() {
        return resident;
    }

    @Override
    public int pageAt(int frame) {
        return pageAt[frame];
    }

    @Override
    public int frameOf(int page) {
        return page < frameOf.length ? frameOf[page] : -1;
    }

    @Override
    public boolean isReferenced(int page) {
        requireResident(page, "isReferenced");
        return referenced[page];
    }

    @Override
    public boolean testAndClearReferenced(int page) {
        requireResident(page, "testAndClearReferenced");
        boolean was = referenced[page];
        referenced[page] = false;
        return was;
    }

    @Override
    public boolean isDirty(int page) {
        requireResident(page, "isDirty");
        return dirty[page];
    }

    @Override
    public void release(int page) {
        if (!info.variableAllocation()) {
            throw new AssertionError(info.name() + " released page " + page + " but is not variable-allocation");
        }
        requireResident(page, "release");
        releases++;
        evict(page);
    }

    private void requireResident(int page, String what) {
        if (page < 0 || page >= frameOf.length || frameOf[page] < 0) {
            throw new AssertionError(info.name() + ": " + what + " of page " + page + ", which is not resident");
        }
    }
}
