package dev.pagelab.replay;

import com.carrotsearch.hppc.IntArrayList;
import com.carrotsearch.hppc.IntIntHashMap;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyInfo;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replace.Visibility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One policy replayed over a {@link ReferenceStream} held in memory, keeping a record of every
 * step: the engine behind {@link SteppedReplacement} and {@link SteppedProcesses}. It follows
 * {@link ReplacementPolicy}'s protocol exactly as {@link PolicyRun} does (the same tick rule, the
 * same order of bit updates, {@code hit}, {@code victim} and {@code loaded}, the lowest free frame
 * from {@link dev.pagelab.replace.FreeFrames}), so its counts are {@link Replay}'s.
 *
 * <p>Machine frames: under global scope the pool's frames; under local scope the processes' pools
 * laid end to end in pid order (process i holds machine frames {@code base[i] … base[i]+quota−1}),
 * the frames left over by the allocation last and never used.
 *
 * <p>What is kept, and why it is compact (cost follows the change, not the machine):
 * <pre>
 *   per step k         flags (HIT, TICK, VICTIM, WRITTEN_BACK), the machine frame of the page
 *                      referenced, the victim (global id or −1), decisionAt[k]
 *   change log         one entry per change of a machine frame's content: (frame, page·4 | A | D·2),
 *                      page −1 for an empty frame; step k's entries are
 *                      [changeStart[k], changeStart[k+1]); a step makes O(1) changes amortized
 *                      (a reference sets a bit once, a clear undoes one set)
 *   decisionAt[k]      the log position when victim() was called (−1: no victim), so the state the
 *                      policy chose from can be rebuilt
 *   probes             the A bits victim() tested and cleared: (global id·2 | A before), all of
 *                      them when a victim needed at most {@link #PROBES_KEPT}, else the first
 *                      {@link #PROBES_HEAD} and the last PROBES_KEPT − PROBES_HEAD; probeCount[k] and
 *                      probesCleared[k] count them all (a hand may test 2 × frames pages a fault)
 *   releases           pages a variable-allocation policy let go: (global id, frame·2 | dirty)
 *   checkpoints        every machine frame's entry before steps 0, 1024, 2048, …
 *   loadedAt, uses     of the page referenced, after step k (the recorder's own counters)
 * </pre>
 * The state after any step is its checkpoint plus at most 1,024 steps of the log. Memory: 45
 * bytes a step, 8 bytes a change (1.4 to 2.7 changes a step over the built-in policies, measured
 * at 64 frames), 4 bytes a kept probe (0 to 45 a step measured, at most 64) and 4 bytes a machine
 * frame a checkpoint: 6 to 20 MB for 100,000 references at 64 frames, at most about 35 MB
 * whatever the frames.
 */
final class SteppedRun {
    static final int CHECKPOINT = 1024;
    /** The most probes kept for one victim. */
    static final int PROBES_KEPT = 64;
    /** Of those, kept from the start of the hand's path; the rest are its end. */
    static final int PROBES_HEAD = 48;
    static final byte HIT = 1;
    static final byte TICK = 2;
    static final byte VICTIM = 4;
    static final byte WRITTEN_BACK = 8;
    /** The log value of an empty frame. */
    static final int EMPTY = -1 << 2;

    final String policy;
    final PolicyInfo info;
    final ReferenceStream stream;
    final Scope scope;
    final FrameAllocation allocation;
    final int length;
    final int machineFrames;
    /** Machine frame of each pool's frame 0: by pid under local scope, one entry under global scope. */
    final int[] base;

    final byte[] flags;
    final int[] frameAfter;
    final int[] victim;
    final int[] decisionAt;
    final int[] changeStart;
    final int[] probeStart;
    final int[] probeCount;
    final int[] probesCleared;
    final int[] releaseStart;
    final int[] loadedAtStep;
    final int[] usesAtStep;
    final IntArrayList changeFrame = new IntArrayList();
    final IntArrayList changeValue = new IntArrayList();
    final IntArrayList probes = new IntArrayList();
    /** The probes of the victim being chosen, before {@link #keepProbes}. */
    private final IntArrayList choiceProbes = new IntArrayList();
    final IntArrayList releasePage = new IntArrayList();
    final IntArrayList releaseValue = new IntArrayList();
    private final List<int[]> checkpoints = new ArrayList<>();
    private final int[] machineValue;

    final long[] faults;
    final long[] writebacks;
    final long[] hits;
    final int[] resident;
    long releases;

    final int sampleEvery;
    final IntArrayList sampleStep = new IntArrayList();
    final List<int[]> sampleResident = new ArrayList<>();
    final List<long[]> sampleFaults = new ArrayList<>();
    final List<int[]> sampleOwners = new ArrayList<>();

    private final SteppedPool[] pools;
    private final int[] pidOf;
    private final int[] loadedAt;
    private final int[] uses;

    private SteppedRun(String policy, PolicyRegistry registry, PolicyConfig config, ReferenceStream stream, Scope scope,
                       FrameAllocation allocation, int frames, int sampleEvery) {
        this.policy = policy;
        this.info = registry.info(policy);
        this.stream = stream;
        this.scope = scope;
        this.allocation = allocation;
        this.length = stream.length();
        this.machineFrames = frames;
        this.sampleEvery = sampleEvery;
        int processes = stream.processes();
        flags = new byte[length];
        frameAfter = new int[length];
        victim = new int[length];
        decisionAt = new int[length];
        changeStart = new int[length + 1];
        probeStart = new int[length + 1];
        probeCount = new int[length];
        probesCleared = new int[length];
        releaseStart = new int[length + 1];
        loadedAtStep = new int[length];
        usesAtStep = new int[length];
        faults = new long[processes];
        writebacks = new long[processes];
        hits = new long[processes];
        resident = new int[processes];
        pidOf = stream.pidOf();
        loadedAt = new int[stream.pages()];
        uses = new int[stream.pages()];
        machineValue = new int[frames];
        Arrays.fill(machineValue, EMPTY);
        if (scope == Scope.GLOBAL) {
            base = new int[] {0};
            pools = new SteppedPool[] {newPool(registry, config, frames, -1, 0, stream.pages(), null)};
        } else {
            base = new int[processes];
            pools = new SteppedPool[processes];
            int[][] globalOf = new int[processes][];
            for (int pid = 0; pid < processes; pid++) {
                globalOf[pid] = new int[stream.pagesOf(pid)];
            }
            for (int id = 0; id < stream.pages(); id++) {
                globalOf[pidOf[id]][stream.localIdOf(id)] = id;
            }
            int next = 0;
            for (int pid = 0; pid < processes; pid++) {
                base[pid] = next;
                pools[pid] = newPool(registry, config, allocation.quota(pid), pid, next, stream.pagesOf(pid),
                        globalOf[pid]);
                next += allocation.quota(pid);
            }
        }
    }

    /**
     * Replays {@code stream} under {@code policy}.
     *
     * @param allocation  the quotas under local scope (null under global scope)
     * @param frames      the machine's frames
     * @param sampleEvery take a sample of the processes' resident sets after every this many steps
     *                    and after the last (0: none)
     */
    static SteppedRun record(String policy, PolicyRegistry registry, PolicyConfig config, ReferenceStream stream,
                             Scope scope, FrameAllocation allocation, int frames, int sampleEvery) {
        SteppedRun run = new SteppedRun(policy, registry, config, stream, scope, allocation, frames, sampleEvery);
        run.replay();
        return run;
    }

    private SteppedPool newPool(PolicyRegistry registry, PolicyConfig config, int capacity, int pid, int poolBase,
                                int pages, int[] globalOf) {
        SteppedPool pool = new SteppedPool(this, capacity, pid, poolBase, pages, globalOf);
        pool.policy = registry.create(policy, config, pool);
        pool.everyReference = info.visibility() == Visibility.EVERY_REFERENCE;
        long interval = pool.policy.tickInterval();
        if (interval < 0) {
            throw new IllegalStateException("policy " + policy + " has a negative tick interval " + interval);
        }
        pool.tickInterval = interval;
        pool.nextTick = interval > 0 ? interval : Long.MAX_VALUE;
        return pool;
    }

    private void replay() {
        int[] nextUse = info.needsFuture() ? stream.nextUse(scope) : null;
        int[] refs = stream.refs();
        int[] localOf = stream.localOf();
        boolean global = scope == Scope.GLOBAL;
        Arrays.fill(victim, -1);
        Arrays.fill(decisionAt, -1);
        checkpoints.add(machineValue.clone());
        for (int i = 0; i < length; i++) {
            changeStart[i] = changeFrame.size();
            probeStart[i] = probes.size();
            releaseStart[i] = releasePage.size();
            int id = refs[i] & RefSource.ID_MASK;
            boolean write = refs[i] < 0;
            int pid = pidOf[id];
            SteppedPool pool = global ? pools[0] : pools[pid];
            int page = global ? id : localOf[id];
            long now = pool.time++;
            long next = nextUse == null || nextUse[i] == Integer.MAX_VALUE ? ReplacementPolicy.NEVER : nextUse[i];
            if (now == pool.nextTick) {
                pool.nextTick += pool.tickInterval;
                flags[i] |= TICK;
                pool.policy.tick(now);
            }
            if (pool.frameOf[page] >= 0) {
                hits[pid]++;
                flags[i] |= HIT;
                uses[id]++;
                pool.reference(page, write);
                if (pool.everyReference) {
                    pool.policy.hit(page, write, now, next);
                }
            } else {
                loadedAt[id] = i;
                uses[id] = 1;
                fault(pool, pid, page, write, now, next, i);
            }
            frameAfter[i] = pool.frameOf[page] < 0 ? -1 : pool.base + pool.frameOf[page];
            loadedAtStep[i] = loadedAt[id];
            usesAtStep[i] = uses[id];
            if (sampleEvery > 0 && ((i + 1) % sampleEvery == 0 || i == length - 1)) {
                sample(i);
            }
            if ((i + 1) % CHECKPOINT == 0) {
                checkpoints.add(machineValue.clone());
            }
        }
        changeStart[length] = changeFrame.size();
        probeStart[length] = probes.size();
        releaseStart[length] = releasePage.size();
    }

    private void fault(SteppedPool pool, int pid, int page, boolean write, long now, long next, int step) {
        faults[pid]++;
        int frame;
        if (pool.resident == pool.capacity) {
            decisionAt[step] = changeFrame.size();
            pool.choosing = true;
            int chosen = pool.policy.victim(page, now, next);
            pool.choosing = false;
            keepProbes(step);
            if (chosen == page || chosen < 0 || chosen >= pool.frameOf.length || pool.frameOf[chosen] < 0) {
                throw new IllegalStateException("policy " + policy + " chose victim " + chosen + " for page " + page
                        + " at pool time " + now + ", which is not a resident page other than the incoming one");
            }
            frame = pool.frameOf[chosen];
            int id = pool.globalId(chosen);
            victim[step] = id;
            flags[step] |= VICTIM;
            int owner = pidOf[id];
            if (pool.remove(chosen)) {
                writebacks[owner]++;
                flags[step] |= WRITTEN_BACK;
            }
            resident[owner]--;
        } else {
            frame = pool.lowestFreeFrame();
        }
        pool.place(page, frame, write);
        resident[pid]++;
        pool.policy.loaded(page, frame, write, now, next);
    }

    /** A machine frame's content changed: {@code page} (global id, −1 for none) with {@code bits}. */
    void changed(int frame, int page, int bits) {
        int value = page < 0 ? EMPTY : page << 2 | bits;
        machineValue[frame] = value;
        changeFrame.add(frame);
        changeValue.add(value);
    }

    /** The policy tested (and cleared) the A bit of {@code page} while choosing a victim. */
    void probed(int page, boolean referencedBefore) {
        choiceProbes.add(page << 1 | (referencedBefore ? 1 : 0));
    }

    /** Counts the victim's probes and keeps at most {@link #PROBES_KEPT} of them: the path's start and end. */
    private void keepProbes(int step) {
        int count = choiceProbes.size();
        int[] all = choiceProbes.buffer;
        int cleared = 0;
        for (int j = 0; j < count; j++) {
            cleared += all[j] & 1;
        }
        probeCount[step] = count;
        probesCleared[step] = cleared;
        for (int j = 0; j < count; j++) {
            if (count <= PROBES_KEPT || j < PROBES_HEAD || j >= count - (PROBES_KEPT - PROBES_HEAD)) {
                probes.add(all[j]);
            }
        }
        choiceProbes.clear();
    }

    /** The policy let {@code page} of {@code pool} go through {@link SteppedPool#release}. */
    void released(SteppedPool pool, int page, int frame) {
        int id = pool.globalId(page);
        int owner = pidOf[id];
        boolean dirty = pool.remove(page);
        if (dirty) {
            writebacks[owner]++;
        }
        resident[owner]--;
        releases++;
        releasePage.add(id);
        releaseValue.add((pool.base + frame) << 1 | (dirty ? 1 : 0));
    }

    private void sample(int step) {
        sampleStep.add(step);
        sampleResident.add(resident.clone());
        sampleFaults.add(faults.clone());
        int[] owners = new int[machineFrames];
        for (int frame = 0; frame < machineFrames; frame++) {
            owners[frame] = machineValue[frame] < 0 ? -1 : pidOf[machineValue[frame] >> 2];
        }
        sampleOwners.add(owners);
    }

    /** Every machine frame's entry (page·4 | bits, or {@link #EMPTY}) after step {@code step}. */
    int[] stateAfter(int step) {
        return stateAt(step, changeStart[step + 1]);
    }

    /** Every machine frame's entry when the policy was asked for step {@code step}'s victim. */
    int[] stateAtDecision(int step) {
        return stateAt(step, decisionAt[step]);
    }

    private int[] stateAt(int step, int logPosition) {
        int checkpoint = step / CHECKPOINT;
        int[] state = checkpoints.get(checkpoint).clone();
        int[] frames = changeFrame.buffer;
        int[] values = changeValue.buffer;
        for (int j = changeStart[checkpoint * CHECKPOINT]; j < logPosition; j++) {
            state[frames[j]] = values[j];
        }
        return state;
    }

    /** The page (global id, −1 for none) of a log entry. */
    static int pageOf(int value) {
        return value >> 2;
    }

    static boolean referenced(int value) {
        return (value & PoolState.REFERENCED) != 0;
    }

    static boolean dirty(int value) {
        return (value & PoolState.DIRTY) != 0;
    }

    boolean is(int step, byte flag) {
        return (flags[step] & flag) != 0;
    }

    /**
     * The page number each global id of {@code stream} stands for: {@link RefSource} numbers a
     * process's pages in order of first use in its own string, whatever the interleaving.
     */
    static int[] userPages(List<SteppedString> strings, ReferenceStream stream) {
        int[][] byLocal = new int[strings.size()][];
        for (int pid = 0; pid < strings.size(); pid++) {
            SteppedString string = strings.get(pid);
            IntIntHashMap seen = new IntIntHashMap();
            int[] firstUse = new int[stream.pagesOf(pid)];
            for (int i = 0; i < string.length(); i++) {
                if (seen.putIfAbsent(string.page(i), seen.size())) {
                    firstUse[seen.size() - 1] = string.page(i);
                }
            }
            byLocal[pid] = firstUse;
        }
        int[] user = new int[stream.pages()];
        for (int id = 0; id < user.length; id++) {
            user[id] = byLocal[stream.processOf(id)][stream.localIdOf(id)];
        }
        return user;
    }

    /** The sum over processes. */
    static long total(long[] perProcess) {
        long sum = 0;
        for (long value : perProcess) {
            sum += value;
        }
        return sum;
    }
}
