package dev.pagelab.replay;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyInfo;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replace.Visibility;
import java.util.Arrays;

/**
 * One policy replayed over the stream: its pools (one a process under local scope, one under
 * global scope) and its counts per process. The hot loop is {@link #process}: a hit sets the
 * page's reference bit (and dirty bit) and, only for a policy that sees every reference, calls
 * its {@code hit}; a fault takes the lowest free frame or asks the policy for a victim.
 */
final class PolicyRun {
    final String name;
    final PolicyInfo info;
    private final Scope scope;
    private final PolicyRegistry registry;
    private final PolicyConfig config;
    private final FrameAllocation allocation;

    private PoolState[] pools = new PoolState[0];
    private PoolState globalPool;

    long[] faults = new long[0];
    long[] writebacks = new long[0];
    int[] resident = new int[0];

    private int[] pidOf;
    private int[] localOf;

    PolicyRun(String name, PolicyRegistry registry, PolicyConfig config, Scope scope, FrameAllocation allocation,
              int globalFrames) {
        this.name = name;
        this.info = registry.info(name);
        this.registry = registry;
        this.config = config;
        this.scope = scope;
        this.allocation = allocation;
        if (scope == Scope.GLOBAL) {
            globalPool = newPool(globalFrames, -1);
        }
    }

    private PoolState newPool(int capacity, int pid) {
        PoolState pool = new PoolState(this, capacity, pid);
        ReplacementPolicy policy = registry.create(name, config, pool);
        pool.policy = policy;
        pool.everyReference = info.visibility() == Visibility.EVERY_REFERENCE;
        long interval = policy.tickInterval();
        if (interval < 0) {
            throw new IllegalStateException("policy " + name + " has a negative tick interval " + interval);
        }
        pool.tickInterval = interval;
        pool.nextTick = interval > 0 ? interval : Long.MAX_VALUE;
        return pool;
    }

    /** Brings the run up to date with the source's processes and pages before a block. */
    void prepare(RefSource source) {
        int processes = source.processes();
        if (processes > faults.length) {
            faults = Arrays.copyOf(faults, processes);
            writebacks = Arrays.copyOf(writebacks, processes);
            resident = Arrays.copyOf(resident, processes);
        }
        pidOf = source.pidOf();
        localOf = source.localOf();
        if (scope == Scope.LOCAL) {
            if (processes > pools.length) {
                int old = pools.length;
                pools = Arrays.copyOf(pools, processes);
                for (int pid = old; pid < processes; pid++) {
                    if (allocation == null || pid >= allocation.quotas().length) {
                        throw new IllegalStateException("process " + pid + " appeared after the frames were divided");
                    }
                    pools[pid] = newPool(allocation.quota(pid), pid);
                }
            }
            for (int pid = 0; pid < processes; pid++) {
                pools[pid].ensurePages(source.pagesOf(pid));
            }
        } else {
            globalPool.ensurePages(source.pages());
        }
    }

    /**
     * Replays {@code refs[from, to)}; {@code nextUse} (or null) holds the next use of each of
     * them in pool time at the same index.
     */
    void process(int[] refs, int from, int to, int[] nextUse) {
        if (scope == Scope.GLOBAL) {
            processGlobal(refs, from, to, nextUse);
        } else {
            processLocal(refs, from, to, nextUse);
        }
    }

    /**
     * The global loop: one pool, page ids are global ids, so a hit needs neither the process nor a
     * pool lookup; the pool's arrays stay in locals (they are only reallocated in {@link #prepare}).
     */
    private void processGlobal(int[] refs, int from, int to, int[] nextUse) {
        final PoolState pool = globalPool;
        final int[] frameOf = pool.frameOf;
        final byte[] bits = pool.bits;
        final ReplacementPolicy policy = pool.policy;
        final boolean everyReference = pool.everyReference;
        long now = pool.time;
        for (int i = from; i < to; i++) {
            int ref = refs[i];
            int page = ref & RefSource.ID_MASK;
            boolean write = ref < 0;
            if (now == pool.nextTick) {
                pool.nextTick += pool.tickInterval;
                pool.time = now;
                policy.tick(now);
            }
            if (frameOf[page] >= 0) {
                bits[page] |= write ? PoolState.REFERENCED | PoolState.DIRTY : PoolState.REFERENCED;
                if (everyReference) {
                    policy.hit(page, write, now, nextUse == null ? ReplacementPolicy.NEVER : toLong(nextUse[i]));
                }
            } else {
                pool.time = now;
                fault(pool, pidOf[page], page, write, now, nextUse == null ? ReplacementPolicy.NEVER : toLong(nextUse[i]));
            }
            now++;
        }
        pool.time = now;
    }

    /** The local loop: the process picks the pool, and its own page id the page. */
    private void processLocal(int[] refs, int from, int to, int[] nextUse) {
        final int[] pidOf = this.pidOf;
        final int[] localOf = this.localOf;
        final PoolState[] pools = this.pools;
        for (int i = from; i < to; i++) {
            int ref = refs[i];
            int id = ref & RefSource.ID_MASK;
            boolean write = ref < 0;
            int pid = pidOf[id];
            PoolState pool = pools[pid];
            int page = localOf[id];
            long now = pool.time++;
            if (now == pool.nextTick) {
                pool.nextTick += pool.tickInterval;
                pool.policy.tick(now);
            }
            if (pool.frameOf[page] >= 0) {
                pool.bits[page] |= write ? PoolState.REFERENCED | PoolState.DIRTY : PoolState.REFERENCED;
                if (pool.everyReference) {
                    pool.policy.hit(page, write, now, nextUse == null ? ReplacementPolicy.NEVER : toLong(nextUse[i]));
                }
            } else {
                fault(pool, pid, page, write, now, nextUse == null ? ReplacementPolicy.NEVER : toLong(nextUse[i]));
            }
        }
    }

    private static long toLong(int next) {
        return next == Integer.MAX_VALUE ? ReplacementPolicy.NEVER : next;
    }

    private void fault(PoolState pool, int pid, int page, boolean write, long now, long nextUse) {
        faults[pid]++;
        int frame;
        if (pool.resident == pool.capacity) {
            int victim = pool.policy.victim(page, now, nextUse);
            if (victim == page || victim < 0 || victim >= pool.frameOf.length || pool.frameOf[victim] < 0) {
                throw new IllegalStateException("policy " + name + " chose victim " + victim + " for page " + page
                        + " at pool time " + now + ", which is not a resident page other than the incoming one");
            }
            frame = pool.frameOf[victim];
            evicted(pool, victim);
        } else {
            frame = pool.lowestFreeFrame();
        }
        pool.place(page, frame, write);
        resident[pid]++;
        pool.policy.loaded(page, frame, write, now, nextUse);
    }

    /** Takes {@code page} out of {@code pool}, charging a write-back to its owner. */
    void evicted(PoolState pool, int page) {
        int owner = pool.pid >= 0 ? pool.pid : pidOf[page];
        if (pool.remove(page)) {
            writebacks[owner]++;
        }
        resident[owner]--;
    }

    /** The quota of process {@code pid}, or −1 under global scope. */
    int quota(int pid) {
        return scope == Scope.LOCAL ? pools[pid].capacity : -1;
    }
}
