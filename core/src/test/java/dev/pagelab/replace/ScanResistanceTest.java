package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The claim the scan-resistant policies are made for: a small hot set used again and again
 * survives a stream of pages used once, which flushes LRU. 1,000 rounds, 8 frames; each round
 * references the hot pages 0–4, then 6 new pages. Between two rounds' references to a hot page
 * come 10 other pages, so LRU keeps none of them.
 */
class ScanResistanceTest {
    private static final int ROUNDS = 1_000;
    private static final int HOT = 5;
    private static final int SCAN = 6;
    private static final int FRAMES = 8;
    /** The compulsory faults: every scan page once and the hot pages once. */
    private static final long DISTINCT = ROUNDS * SCAN + HOT;

    /** Each round: every hot page {@code repeat} times in a row, then the scan pages. */
    static int[] hotSetAndScan(int repeat) {
        int[] pages = new int[ROUNDS * (HOT * repeat + SCAN)];
        int i = 0;
        int next = HOT;
        for (int round = 0; round < ROUNDS; round++) {
            for (int hot = 0; hot < HOT; hot++) {
                for (int r = 0; r < repeat; r++) {
                    pages[i++] = hot;
                }
            }
            for (int s = 0; s < SCAN; s++) {
                pages[i++] = next++;
            }
        }
        return pages;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lru", "fifo"})
    void recencyPolicies_hotSetAndScan_loseTheHotSetEveryRound(String name) {
        assertThat(PolicyDriver.faults(name, FRAMES, hotSetAndScan(2))).isEqualTo(ROUNDS * (HOT + SCAN));
    }

    /**
     * A hot page is referenced twice in a row: the second reference is a hit while it is resident,
     * which is what ARC (T2) and SIEVE (the visited bit) need to tell it from a scan page.
     */
    @ParameterizedTest
    @ValueSource(strings = {"arc", "lirs", "2q", "sieve", "s3fifo", "clock-pro"})
    void scanResistantPolicies_hotPagesHitWhileResident_keepTheHotSet(String name) {
        long faults = PolicyDriver.faults(name, FRAMES, hotSetAndScan(2));
        assertThat(faults).as(name + ": faults beyond the compulsory ones").isLessThanOrEqualTo(DISTINCT + 50);
    }

    /**
     * A hot page is referenced once a round and its reuse distance (10) exceeds the frames, so it
     * never hits while resident: only a policy that remembers evicted pages (LIRS's ghosts in S,
     * 2Q's A1out, S3-FIFO's G, CLOCK-Pro's non-resident test pages) recognises it coming back. ARC
     * and SIEVE fault on every reference here, as LRU does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lirs", "2q", "s3fifo", "clock-pro"})
    void historyPolicies_hotPagesNeverHitWhileResident_stillKeepTheHotSet(String name) {
        long faults = PolicyDriver.faults(name, FRAMES, hotSetAndScan(1));
        assertThat(faults).as(name + ": faults beyond the compulsory ones").isLessThanOrEqualTo(DISTINCT + 50);
    }
}
