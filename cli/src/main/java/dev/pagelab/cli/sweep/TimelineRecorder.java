package dev.pagelab.cli.sweep;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replace.Pool;
import dev.pagelab.replace.ReplacementPolicy;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Records one replayed cell's faults over time, per process, from inside the engine's own run
 * (nothing is replayed a second time, so OPT keeps its whole future and the counts are the
 * engine's).
 *
 * <p>How: the policy is registered again under its own name in a registry of this cell alone,
 * wrapped in a policy that passes every call through and counts each {@code loaded} call (the
 * engine calls it once after every fault) for the faulting page's process: under global scope the
 * pool's page ids are the stream's global ids ({@link ReferenceStream#processOf}); under local
 * scope each process has a pool of its own, made in pid order. The engine tells the replay's
 * progress after every block of 16,384 references, with all of the block replayed; a sample is
 * taken at the first block end at or past each multiple of {@code every} (and at 0 and at the
 * end), so the times are exact but not always round. {@link #check} compares the last sample with
 * the replay's own counts, process by process, so a wrong attribution cannot go unnoticed.
 */
final class TimelineRecorder {
    private final ReferenceStream stream;
    private final Scope scope;
    private final long every;
    private final long[] faults;
    private final List<long[]> samples = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private int pools;
    private long nextSample;

    TimelineRecorder(ReferenceStream stream, Scope scope, long every) {
        if (every < 1) {
            throw new IllegalArgumentException("a timeline needs a sample every 1 or more references, not " + every);
        }
        this.stream = stream;
        this.scope = scope;
        this.every = every;
        this.faults = new long[stream.processes()];
        sample(0);
        nextSample = every;
    }

    /** A registry of {@code policy} alone, wrapped to count faults; its info is the original's. */
    PolicyRegistry registry(PolicyRegistry base, String policy) {
        PolicyRegistry registry = new PolicyRegistry();
        registry.register(base.info(policy), (config, pool) -> wrap(base, policy, config, pool));
        return registry;
    }

    private ReplacementPolicy wrap(PolicyRegistry base, String policy, PolicyConfig config, Pool pool) {
        int pid = scope == Scope.GLOBAL ? -1 : pools;
        pools++;
        if (pid >= faults.length) {
            throw new IllegalStateException("timeline: pool " + pid + " made for a stream of " + faults.length
                    + " processes");
        }
        return new Counting(base.create(policy, config, pool), pid);
    }

    /** The engine's progress callback: {@code done} references replayed. */
    LongConsumer progress(LongConsumer next) {
        return done -> {
            if (done >= nextSample) {
                sample(done);
                nextSample = (done / every + 1) * every;
            }
            next.accept(done);
        };
    }

    private void sample(long time) {
        times.add(time);
        samples.add(faults.clone());
    }

    /**
     * The samples, with one at the stream's end.
     *
     * @throws IllegalStateException when the counts seen differ from the replay's
     */
    Timeline finish(PolicyResult result) {
        long end = stream.length();
        if (times.get(times.size() - 1) != end) {
            sample(end);
        }
        for (int pid = 0; pid < faults.length; pid++) {
            if (faults[pid] != result.process(pid).faults()) {
                throw new IllegalStateException("timeline of " + result.policy() + ": process " + pid + " counted "
                        + faults[pid] + " faults, the replay " + result.process(pid).faults() + " (all: "
                        + Arrays.toString(faults) + ")");
            }
        }
        return new Timeline(times.stream().mapToLong(Long::longValue).toArray(), samples.toArray(long[][]::new));
    }

    /** A policy that counts the faults of its pool and otherwise is the policy it wraps. */
    private final class Counting implements ReplacementPolicy {
        private final ReplacementPolicy policy;
        private final int pid;

        Counting(ReplacementPolicy policy, int pid) {
            this.policy = policy;
            this.pid = pid;
        }

        @Override
        public void hit(int page, boolean write, long now, long nextUse) {
            policy.hit(page, write, now, nextUse);
        }

        @Override
        public int victim(int incoming, long now, long nextUse) {
            return policy.victim(incoming, now, nextUse);
        }

        @Override
        public void loaded(int page, int frame, boolean write, long now, long nextUse) {
            faults[pid >= 0 ? pid : stream.processOf(page)]++;
            policy.loaded(page, frame, write, now, nextUse);
        }

        @Override
        public long tickInterval() {
            return policy.tickInterval();
        }

        @Override
        public void tick(long now) {
            policy.tick(now);
        }
    }
}
