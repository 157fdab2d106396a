package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkingSetPolicyTest {
    private static PolicyProbe<WorkingSetPolicy> probe(long window, int capacity) {
        return PolicyProbe.of(WorkingSetPolicy.INFO, WorkingSetPolicy::new,
                PolicyConfig.DEFAULTS.withWindow(window), capacity);
    }

    /**
     * Δ = 3, room for 10. The window after the reference at t is (t−3, t].
     * <pre>
     *   t  page  fault  resident after      why
     *   0  1     yes    {1}
     *   1  2     yes    {1,2}
     *   2  3     yes    {1,2,3}
     *   3  1     no     {1,2,3}             1 last at 0: distance 3 ≤ Δ; 2 (last 1) still inside
     *   4  4     yes    {1,3,4}             2 last at 1 ≤ 4−3: released
     *   5  4     no     {1,4}               3 last at 2 ≤ 5−3: released
     *   6  4     no     {4}                 1 last at 3 ≤ 6−3: released
     *   7  2     yes    {2,4}               2 came back: distance 6 &gt; Δ
     * </pre>
     */
    @Test
    void reference_pageOutsideWindow_isReleasedWithoutAFault() {
        var ws = probe(3, 10);
        int[][] residentAfter = {{1}, {1, 2}, {1, 2, 3}, {1, 2, 3}, {1, 3, 4}, {1, 4}, {4}, {2, 4}};
        boolean[] faultAt = {true, true, true, false, true, false, false, true};
        int[] pages = {1, 2, 3, 1, 4, 4, 4, 2};
        for (int t = 0; t < pages.length; t++) {
            assertThat(ws.read(pages[t])).as("fault at t=" + t).isEqualTo(faultAt[t]);
            assertThat(ws.resident()).as("resident after t=" + t).containsExactly(residentAfter[t]);
        }
        assertThat(ws.driver.releases).isEqualTo(3);
        assertThat(ws.driver.faults).isEqualTo(5);
    }

    @Test
    void release_dirtyPage_countsAWriteback() {
        var ws = probe(2, 10);
        ws.write(1);
        ws.read(2);
        ws.read(2);
        assertThat(ws.resident()).containsExactly(2);
        assertThat(ws.driver.writebacks).isEqualTo(1);
    }

    /** Room for 2, Δ larger than the string: the set never shrinks, a full pool evicts the LRU page. */
    @Test
    void fault_poolFull_evictsOldestLastReference() {
        var ws = probe(1_000, 2);
        ws.reads(1, 2, 1, 3);
        assertThat(ws.resident()).containsExactly(1, 3);
        ws.reads(2);
        assertThat(ws.resident()).containsExactly(2, 3);
        assertThat(ws.driver.releases).isZero();
    }

    /** With room for every page, a reference faults exactly when its backward distance exceeds Δ. */
    @Test
    void roomForAll_randomStrings_faultsAreReferencesFartherThanWindow() {
        long releases = 0;
        for (long seed : LongSeeds.of(40)) {
            var c = NaiveModel.Case.of(seed, 1, 30, 3_000);
            long window = 1 + Math.floorMod(seed, 40);
            PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), "ws",
                    PolicyConfig.DEFAULTS.withWindow(window), 64);
            Map<Integer, Integer> last = new HashMap<>();
            long expected = 0;
            for (int t = 0; t < c.pages().length; t++) {
                Integer before = last.put(c.pages()[t], t);
                boolean far = before == null || t - before > window;
                expected += far ? 1 : 0;
                boolean fault = driver.reference(c.pages()[t], false, t, ReplacementPolicy.NEVER);
                long inWindow = java.util.Arrays.stream(c.pages(), (int) Math.max(0, t - window + 1), t + 1)
                        .distinct().count();
                if (fault != far || driver.residentPages() != inWindow) {
                    throw new AssertionError(c.where("ws") + " window " + window + " step " + t + ": fault " + fault
                            + " (expected " + far + "), resident " + driver.residentPages() + " (expected "
                            + inWindow + ")");
                }
            }
            assertThat(driver.faults).isEqualTo(expected);
            releases += driver.releases;
        }
        assertThat(releases).as("pages released by the window").isPositive();
    }

    /** A plain working set: last-use times in a map, a scan for the oldest, a scan for the window. */
    static final class Model extends NaiveModel {
        private final long window;
        private final Map<Integer, Long> lastUse = new HashMap<>();

        Model(int capacity, long window) {
            super(capacity);
            this.window = window;
        }

        @Override
        void hit(int page, long now) {
            lastUse.put(page, now);
        }

        @Override
        int victim(int incoming, long now) {
            saw("victim");
            return frameOf.keySet().stream().min((a, b) -> Long.compare(lastUse.get(a), lastUse.get(b))).orElseThrow();
        }

        @Override
        void loaded(int page, int frame, long now) {
            lastUse.put(page, now);
        }

        @Override
        void after(long now) {
            for (int page : List.copyOf(frameOf.keySet())) {
                if (lastUse.get(page) <= now - window) {
                    saw("release");
                    remove(page);
                }
            }
        }
    }

    @Test
    void ws_randomStrings_matchesNaiveWorkingSet() {
        Map<String, Long> seen = NaiveModel.agreeOverSeeds("ws", 12, 30,
                c -> PolicyConfig.DEFAULTS.withWindow(1 + Math.floorMod(c.seed() >>> 8, 60)),
                (c, config) -> new Model(c.capacity(), config.window()));
        assertThat(seen).as("branches the model saw").containsKeys("victim", "release");
    }
}
