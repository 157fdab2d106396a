package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PffPolicyTest {
    private static PolicyProbe<PffPolicy> probe(long tau, int capacity) {
        return PolicyProbe.of(PffPolicy.INFO, PffPolicy::new, PolicyConfig.DEFAULTS.withPffTau(tau), capacity);
    }

    /**
     * τ = 3, room for 10. Every fault clears the reference bits; a gap &gt; τ since the previous
     * fault drops the pages whose bit is still clear (not referenced since that fault).
     * <pre>
     *   t   page  event                  resident after
     *   0   1     fault (first)          {1}
     *   1   1     hit
     *   2   2     fault, gap 2: grow     {1,2}        bits cleared: 1, 2 loaded (set)
     *   3   3     fault, gap 1: grow     {1,2,3}      bits cleared: 1, 2; 3 loaded (set)
     *   4   3     hit
     *   5   2     hit
     *   6   2     hit
     *   7   4     fault, gap 4 &gt; 3      {2,3,4}      1 unreferenced since t=3: released
     *   8…12 4    hits
     *   13  5     fault, gap 6 &gt; 3      {4,5}        2 and 3 unreferenced since t=7: released
     * </pre>
     */
    @Test
    void fault_longGap_releasesPagesUnreferencedSincePreviousFault() {
        var pff = probe(3, 10);
        pff.reads(1, 1, 2, 3);
        assertThat(pff.resident()).containsExactly(1, 2, 3);
        pff.reads(3, 2, 2);
        pff.read(4);
        assertThat(pff.resident()).containsExactly(2, 3, 4);
        pff.reads(4, 4, 4, 4, 4);
        pff.read(5);
        assertThat(pff.resident()).containsExactly(4, 5);
        assertThat(pff.driver.faults).isEqualTo(5);
        assertThat(pff.driver.releases).isEqualTo(3);
    }

    @Test
    void fault_gapOfExactlyTau_doesNotShrink() {
        var pff = probe(3, 10);
        pff.reads(1, 2, 2, 2);
        pff.read(3); // t=4, the previous fault at t=1; 1 is unreferenced since
        assertThat(pff.resident()).containsExactly(1, 2, 3);
        pff.reads(3, 3, 3);
        pff.read(4); // t=8, gap 4
        assertThat(pff.resident()).containsExactly(3, 4);
        assertThat(pff.driver.releases).isEqualTo(2);
    }

    /**
     * Room for 2, τ = 3.
     * <pre>
     *   t0 1, t1 2          faults; at t1 1's bit is cleared
     *   t2 3  fault, full, gap 1: 1 unreferenced since t1 → victim 1            {2,3}
     *   t3 2, t4 3          hits
     *   t5 4  fault, full, gap 3: every page referenced → the earliest loaded, 2  {3,4}
     *   t6…t9 4             hits
     *   t10 5 fault, full, gap 5 &gt; 3: 3 unreferenced since t5 → it leaves          {4,5}
     * </pre>
     */
    @Test
    void fault_poolFull_takesUnreferencedThenEarliestLoaded() {
        var pff = probe(3, 2);
        pff.reads(1, 2, 3);
        assertThat(pff.resident()).containsExactly(2, 3);
        pff.reads(2, 3, 4);
        assertThat(pff.resident()).containsExactly(3, 4);
        pff.reads(4, 4, 4, 4, 5);
        assertThat(pff.resident()).containsExactly(4, 5);
        assertThat(pff.driver.releases).isZero();
    }

    /**
     * Room for 3, τ = 3: 1 2 3 fill frames 0 1 2; 3 is referenced until t6; 4 faults at t7 with a
     * gap of 5: 1 and 2 are unreferenced; both go and 4 takes the lower frame, 1's frame 0.
     */
    @Test
    void fault_poolFullLongGap_releasesAllUnreferencedAndTakesLowestFrame() {
        var pff = probe(3, 3);
        pff.reads(1, 2, 3, 3, 3, 3, 3, 4);
        assertThat(pff.resident()).containsExactly(3, 4);
        assertThat(pff.driver.frameOf(4)).isZero();
        assertThat(pff.driver.releases).isEqualTo(1);
    }

    /**
     * Room for 3, τ = 3; frames and load order part ways: the long-gap fault keeps for the new page
     * the lowest frame among the pages that leave, not the earliest loaded one.
     * <pre>
     *   t0–t2 1 2 3   frames 0 1 2
     *   t3 4   fault, gap 1, full: 1 unreferenced → victim; 4 takes frame 0   load order 3 4 (2 first)
     *   t4 3   hit
     *   t5 5   fault, gap 2, full: 2 unreferenced → victim; 5 takes frame 1   load order 3 4 5
     *   t6–t9 5 hits
     *   t10 6  fault, gap 5 &gt; 3, full: 3 (frame 2) and 4 (frame 0) unreferenced since t5; both
     *          leave, 6 takes frame 0
     * </pre>
     */
    @Test
    void fault_poolFullLongGap_lowestFrameNotEarliestLoaded() {
        var pff = probe(3, 3);
        pff.reads(1, 2, 3, 4, 3, 5);
        assertThat(pff.resident()).containsExactly(3, 4, 5);
        assertThat(new int[] {pff.driver.frameOf(4), pff.driver.frameOf(5), pff.driver.frameOf(3)})
                .containsExactly(0, 1, 2);
        pff.reads(5, 5, 5, 5, 6);
        assertThat(pff.resident()).containsExactly(5, 6);
        assertThat(pff.driver.frameOf(6)).isZero();
    }

    /** PFF with last-use times instead of bits: "bit set" is "referenced at or after the previous fault". */
    static final class Model extends NaiveModel {
        private final long tau;
        private final Map<Integer, Long> lastUse = new HashMap<>();
        private final Map<Integer, Long> loadTime = new HashMap<>();
        private long previousFault;
        private long shrunkAt = -1;

        Model(int capacity, long tau) {
            super(capacity);
            this.tau = tau;
        }

        private List<Integer> unreferenced(int except) {
            return frameOf.keySet().stream().filter(p -> p != except && lastUse.get(p) < previousFault)
                    .sorted(Comparator.comparing(loadTime::get)).toList();
        }

        @Override
        void hit(int page, long now) {
            lastUse.put(page, now);
        }

        @Override
        int victim(int incoming, long now) {
            shrunkAt = now;
            List<Integer> unreferenced = unreferenced(incoming);
            if (now - previousFault > tau && !unreferenced.isEmpty()) {
                int victim = unreferenced.stream().min(Comparator.comparing(frameOf::get)).orElseThrow();
                unreferenced.stream().filter(p -> p != victim).forEach(this::remove);
                saw(unreferenced.size() > 1 ? "full, long gap, several leave" : "full, long gap");
                return victim;
            }
            if (!unreferenced.isEmpty()) {
                saw("full, unreferenced");
                return unreferenced.get(0);
            }
            saw("full, all referenced");
            return frameOf.keySet().stream().min(Comparator.comparing(loadTime::get)).orElseThrow();
        }

        @Override
        void loaded(int page, int frame, long now) {
            if (shrunkAt != now && now - previousFault > tau) {
                List<Integer> unreferenced = unreferenced(page);
                if (!unreferenced.isEmpty()) {
                    saw("shrink");
                }
                unreferenced.forEach(this::remove);
            }
            lastUse.put(page, now);
            loadTime.put(page, now);
            previousFault = now;
        }
    }

    @Test
    void pff_randomStrings_matchesTimestampModel() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("pff", 14, 30,
                c -> PolicyConfig.DEFAULTS.withPffTau(1 + Math.floorMod(c.seed() >>> 8, 12)),
                (c, config) -> new Model(c.capacity(), config.pffTau()));
        assertThat(seen).as("branches the model saw").containsKeys("shrink", "full, long gap",
                "full, long gap, several leave", "full, unreferenced", "full, all referenced");
    }
}
