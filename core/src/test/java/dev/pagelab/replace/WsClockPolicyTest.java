package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WsClockPolicyTest {
    /**
     * Three frames, τ = 1. "lu" is the frame's last-use time, R the reference bit, * dirty.
     * <pre>
     *   t0 8, t1 W1, t2 2       fill frames 0, 1, 2 (R set by each load); the hand stays at frame 0
     *   t3 9   fault, first full one: the round clears every R (lu := 3), nothing is older than τ,
     *          so the oldest clean page, ties to the first from the hand: 8 in frame 0.
     *          frames: 9(lu3,R) 1*(lu3) 2(lu3)        hand → 1
     *   t4 9   hit
     *   t5 3   fault: frame 1: 1* is 2 old and dirty → its write is scheduled, skipped;
     *          frame 2: 2 is 2 old and clean → the victim.
     *          frames: 9(lu3,R) 1*(lu3,scheduled) 3(lu5,R)   hand → 0
     *   t6 9   hit
     *   t7 4   fault: frame 0: 9 referenced → R cleared, lu := 7; frame 1: 1* old and scheduled → the
     *          victim, written back now.                  hand → 2
     *          frames: 9(lu7) 4(lu7,R) 3(lu5,R)
     *   t8 9, t9 W4   hits
     *   t10 5  fault: frames 2, 0, 1 all referenced → cleared, lu := 10; nothing old, nothing
     *          scheduled → the oldest clean page from the hand: 3 in frame 2 (4* is dirty).
     * </pre>
     */
    @Test
    void victim_handWorkedExample_schedulesDirtyTakesCleanThenScheduled() {
        var ws = PolicyProbe.of(WsClockPolicy.INFO, WsClockPolicy::new, PolicyConfig.DEFAULTS.withTau(1), 3);
        ws.read(8);
        ws.write(1);
        ws.read(2);
        ws.read(9);
        assertThat(ws.resident()).containsExactly(1, 2, 9);
        assertThat(ws.driver.frameOf(9)).isZero();
        ws.read(9);
        ws.read(3);
        assertThat(ws.resident()).as("dirty 1 scheduled, clean 2 taken").containsExactly(1, 3, 9);
        assertThat(ws.driver.writebacks).isZero();
        ws.read(9);
        ws.read(4);
        assertThat(ws.resident()).as("scheduled 1 taken at the next visit").containsExactly(3, 4, 9);
        assertThat(ws.driver.writebacks).isEqualTo(1);
        assertThat(ws.driver.frameOf(4)).isEqualTo(1);
        ws.read(9);
        ws.write(4);
        ws.read(5);
        assertThat(ws.resident()).as("all in the working set: oldest clean from the hand").containsExactly(4, 5, 9);
        assertThat(ws.driver.frameOf(5)).isEqualTo(2);
    }

    /** Every page in the working set and dirty: the oldest last use goes, even though it is dirty. */
    @Test
    void victim_allYoungAllDirty_takesOldestLastUse() {
        var ws = PolicyProbe.of(WsClockPolicy.INFO, WsClockPolicy::new, PolicyConfig.DEFAULTS.withTau(100), 2);
        ws.write(1);
        ws.write(2);
        ws.write(3); // first full fault: both cleared at t2, tie → frame 0 (page 1)
        assertThat(ws.resident()).containsExactly(2, 3);
        ws.write(3);
        ws.write(4); // hand at 1: 2 R clear since t2, lu 2; frame 0: 3 R set → lu 4; nothing old → oldest: 2
        assertThat(ws.resident()).containsExactly(3, 4);
        assertThat(ws.driver.writebacks).isEqualTo(2);
    }

    /** WSClock written again from the class comment's numbered steps, with its own reference bits. */
    static final class Model extends NaiveModel {
        private final long tau;
        private final long[] lastUse;
        private final boolean[] scheduled;
        private final Set<Integer> referenced = new HashSet<>();
        private int hand;

        Model(int capacity, long tau) {
            super(capacity);
            this.tau = tau;
            this.lastUse = new long[capacity];
            this.scheduled = new boolean[capacity];
        }

        @Override
        void hit(int page, long now) {
            referenced.add(page);
        }

        @Override
        int victim(int incoming, long now) {
            boolean scheduledAny = false;
            for (int round = 0; round < 2 && (round == 0 || scheduledAny); round++) {
                for (int i = 0; i < capacity; i++) {
                    int frame = hand;
                    int page = pageAt[frame];
                    hand = (hand + 1) % capacity;
                    if (referenced.remove(page)) {
                        lastUse[frame] = now;
                        scheduled[frame] = false;
                    } else if (now - lastUse[frame] > tau) {
                        if (!dirty.contains(page)) {
                            saw("old clean");
                            return page;
                        }
                        if (scheduled[frame]) {
                            saw(round == 0 ? "scheduled earlier" : "scheduled this fault");
                            return page;
                        }
                        saw("schedule");
                        scheduled[frame] = true;
                        scheduledAny = true;
                    }
                }
            }
            int best = -1;
            for (int i = 0; i < capacity; i++) {
                int frame = (hand + i) % capacity;
                if (best < 0 || better(frame, best)) {
                    best = frame;
                }
            }
            saw(dirty.contains(pageAt[best]) ? "fallback dirty" : "fallback clean");
            hand = (best + 1) % capacity;
            return pageAt[best];
        }

        private boolean better(int frame, int best) {
            boolean clean = !dirty.contains(pageAt[frame]);
            boolean bestClean = !dirty.contains(pageAt[best]);
            return clean != bestClean ? clean : lastUse[frame] < lastUse[best];
        }

        @Override
        void loaded(int page, int frame, long now) {
            referenced.add(page);
            lastUse[frame] = now;
            scheduled[frame] = false;
        }
    }

    @Test
    void wsclock_randomStrings_matchesModel() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("wsclock", 12, 30,
                c -> PolicyConfig.DEFAULTS.withTau(1 + Math.floorMod(c.seed() >>> 8, 30)),
                (c, config) -> new Model(c.capacity(), config.tau()));
        assertThat(seen).as("branches the model saw").containsKeys("old clean", "scheduled earlier",
                "scheduled this fault", "schedule", "fallback clean", "fallback dirty");
    }
}
