package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.SteppedReplacement.PageState;
import dev.pagelab.replay.SteppedReplacement.Probe;
import dev.pagelab.replay.SteppedReplacement.Step;
import dev.pagelab.replay.SteppedReplacement.Victim;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stepped recorder on textbook strings, against a naive FIFO/LRU/OPT, and its reasons. */
class SteppedReplacementTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    /** Silberschatz's reference string (Operating System Concepts, §10.4), 3 frames. */
    private static final SteppedString TEXTBOOK = SteppedString.parse("7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1");

    private static SteppedReplacement record(SteppedString string, int frames, String policy) {
        return SteppedReplacement.record(string, frames, policy, PolicyConfig.DEFAULTS, REGISTRY);
    }

    @Test
    void totals_textbookString_fifo15Lru12Opt9() {
        assertThat(record(TEXTBOOK, 3, "fifo").totals()).isEqualTo(new SteppedReplacement.Totals(20, 5, 15, 0, 0));
        assertThat(record(TEXTBOOK, 3, "lru").totals()).isEqualTo(new SteppedReplacement.Totals(20, 8, 12, 0, 0));
        assertThat(record(TEXTBOOK, 3, "opt").totals()).isEqualTo(new SteppedReplacement.Totals(20, 11, 9, 0, 0));
    }

    @Test
    void framesAfter_textbookFifo_matchesTheBooksFigure() {
        SteppedReplacement fifo = record(TEXTBOOK, 3, "fifo");
        // Silberschatz's figure, each frame column after every fault (the victim's frame takes the new page).
        int[][] expected = {{7, -1, -1}, {7, 0, -1}, {7, 0, 1}, {2, 0, 1}, {2, 0, 1}, {2, 3, 1}, {2, 3, 0},
            {4, 3, 0}, {4, 2, 0}, {4, 2, 3}, {0, 2, 3}, {0, 2, 3}, {0, 2, 3}, {0, 1, 3}, {0, 1, 2}, {0, 1, 2},
            {0, 1, 2}, {7, 1, 2}, {7, 0, 2}, {7, 0, 1}};
        for (int k = 0; k < expected.length; k++) {
            assertThat(fifo.framesAfter(k)).as("frames after reference %d", k).containsExactly(expected[k]);
        }
    }

    @Test
    void step_textbookFifoFirstVictim_namesTheFirstLoadedPage() {
        Step step = record(TEXTBOOK, 3, "fifo").step(3);
        assertThat(step.page()).isEqualTo(2);
        assertThat(step.hit()).isFalse();
        assertThat(step.frame()).isZero();
        assertThat(step.victim().page()).isEqualTo(7);
        assertThat(step.victim().reason()).isEqualTo("page 7 was loaded first (t=0)");
        assertThat(step.victim().candidates()).extracting(PageState::page).containsExactly(7, 0, 1);
        assertThat(step.victim().candidates()).extracting(PageState::nextUse).containsExactly(17, 4, 13);
    }

    @Test
    void step_textbookLru_namesTheLeastRecentlyUsedPage() {
        Step step = record(TEXTBOOK, 3, "lru").step(5);
        assertThat(step.victim().page()).isEqualTo(1);
        assertThat(step.victim().reason()).isEqualTo("page 1 was used least recently (t=2)");
        assertThat(step.victim().candidates()).extracting(PageState::lastUse).containsExactly(3, 4, 2);
    }

    @Test
    void step_textbookOpt_namesTheFarthestNextUseAndNeverUsedPages() {
        SteppedReplacement opt = record(TEXTBOOK, 3, "opt");
        assertThat(opt.step(3).victim().reason()).isEqualTo("page 7 is next used farthest away (t=17)");
        // Reference 17 (page 7): 2, 0, 1 resident; 2 is never used again.
        assertThat(opt.step(17).victim().reason()).isEqualTo("page 2 is never used again");
    }

    @Test
    void step_optSeveralNeverUsedAgain_takesTheFirstLoaded() {
        Victim victim = record(SteppedString.parse("1 2 3 4"), 3, "opt").step(3).victim();
        assertThat(victim.page()).isEqualTo(1);
        assertThat(victim.reason()).isEqualTo("page 1 is never used again, nor are pages 2, 3; of these it was loaded"
                + " first (t=0)");
    }

    @Test
    void step_clock_followsTheHand() {
        SteppedReplacement clock = record(SteppedString.parse("1 2 3 4 2 5"), 3, "clock");
        Victim first = clock.step(3).victim();
        assertThat(first.probes()).containsExactly(new Probe(1, true), new Probe(2, true), new Probe(3, true),
                new Probe(1, false));
        assertThat(first.reason()).isEqualTo("the hand cleared A on 1, 2, 3 and found 1 with A=0");
        assertThat(clock.step(5).victim().reason()).isEqualTo("the hand cleared A on 2 and found 3 with A=0");
        assertThat(clock.step(5).resident()).extracting(PageState::page, PageState::referenced)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4, true), org.assertj.core.groups.Tuple.tuple(2, false),
                        org.assertj.core.groups.Tuple.tuple(5, true));
    }

    @Test
    void step_clockLoadBitZero_probesOnlyTheHandsPath() {
        // With load bit 0 clock clears A in loaded(): not part of any victim's choice.
        PolicyConfig loadBitZero = PolicyConfig.DEFAULTS.withClockLoadBit(0);
        SteppedReplacement clock = SteppedReplacement.record(SteppedString.parse("1 2 3 4 5"), 3, "clock", loadBitZero,
                REGISTRY);
        assertThat(clock.step(3).victim().probes()).containsExactly(new Probe(1, false));
        assertThat(clock.step(4).victim().probes()).containsExactly(new Probe(2, false));
        assertThat(clock.step(4).victim().reason()).isEqualTo("the hand found 2 with A=0");
        assertThat(clock.step(4).resident()).extracting(PageState::referenced).containsExactly(false, false, false);
    }

    @Test
    void step_clockLongPath_keepsItsStartAndEndAndCountsAll() {
        int[] pages = new int[101];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = i;
        }
        Victim victim = record(SteppedString.of(pages), 100, "clock").step(100).victim();
        assertThat(victim.probeCount()).isEqualTo(101);
        assertThat(victim.clearedCount()).isEqualTo(100);
        assertThat(victim.probes()).hasSize(SteppedRun.PROBES_KEPT);
        assertThat(victim.probes().get(47)).isEqualTo(new Probe(47, true));
        // The last 16 of the 101 probes: pages 85 … 99, then 0.
        assertThat(victim.probes().get(48)).isEqualTo(new Probe(85, true));
        assertThat(victim.probes().getLast()).isEqualTo(new Probe(0, false));
        assertThat(victim.reason()).isEqualTo("the hand cleared A on 0, 1, 2, 3, 4, 5, 6, 7 (and 92 more) and found 0"
                + " with A=0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clock", "sieve", "esc", "wsclock", "nru"})
    void step_manyFrames_reasonStillNamesTheRule(String policy) {
        int victims = 0;
        int longPaths = 0;
        for (int seed = 0; seed < 6; seed++) {
            RandomGenerator random = ReplayPropertyTest.random(seed);
            int[] pages = ReplayPropertyTest.string(random, 3_000, 400);
            boolean[] writes = ReplayPropertyTest.writes(random, pages.length);
            PolicyConfig config = PolicyConfig.DEFAULTS.withTau(50 + random.nextInt(300)).withTickInterval(100);
            SteppedReplacement recorded = SteppedReplacement.record(new SteppedString(pages, writes), 80, policy, config,
                    REGISTRY);
            int[] victimOf = recorded.timeline().victims();
            for (int k = 0; k < pages.length; k++) {
                if (victimOf[k] >= 0) {
                    Victim victim = recorded.step(k).victim();
                    victims++;
                    longPaths += victim.probeCount() > SteppedRun.PROBES_KEPT ? 1 : 0;
                    assertThat(victim.probes()).as("%s seed %d step %d: kept probes", policy, seed, k)
                            .hasSize(Math.min(victim.probeCount(), SteppedRun.PROBES_KEPT));
                    assertThat(victim.reason()).as("%s seed %d step %d", policy, seed, k)
                            .doesNotContain("by its own state");
                }
            }
        }
        assertThat(victims).as("%s: victims", policy).isGreaterThan(1_000);
        // NRU tests no A bit while choosing; SIEVE loads pages unvisited, so its hand stops early.
        if (!policy.equals("nru") && !policy.equals("sieve")) {
            assertThat(longPaths).as("%s: paths longer than the probes kept", policy).isPositive();
        }
    }

    @Test
    void step_escWithAnUnusedCleanPage_clearsNothing() {
        // After the first victim every A bit is clear; 2 is then written: the next fault finds 3 (A=0, D=0).
        Victim victim = record(SteppedString.parse("1 2 3 4 2w 5"), 3, "esc").step(5).victim();
        assertThat(victim.probes()).isEmpty();
        assertThat(victim.page()).isEqualTo(3);
        assertThat(victim.reason()).startsWith("the hand found page 3 with A=0, D=0");
    }

    @Test
    void step_arc_saysItsOwnStateDecided() {
        Victim victim = record(TEXTBOOK, 3, "arc").step(3).victim();
        assertThat(victim.reason()).startsWith("arc chose page " + victim.page() + " by its own state")
                .contains("loaded at t=").contains("A=1, D=0");
    }

    @Test
    void step_writes_setDirtyAndCountWriteBacks() {
        SteppedReplacement fifo = record(SteppedString.parse("1w 2 3 4 1"), 2, "fifo");
        assertThat(fifo.step(0).resident()).singleElement().satisfies(page -> assertThat(page.dirty()).isTrue());
        assertThat(fifo.step(2).victim().page()).isEqualTo(1);
        assertThat(fifo.step(2).victim().writtenBack()).isTrue();
        assertThat(fifo.step(3).victim().writtenBack()).isFalse();
        assertThat(fifo.totals().writebacks()).isEqualTo(1);
        assertThat(fifo.timeline().writtenBack()).containsExactly(false, false, true, false, false);
    }

    @Test
    void step_nruWithTicks_namesTheLowestClass() {
        PolicyConfig ticks = PolicyConfig.DEFAULTS.withTickInterval(3);
        // The tick before reference 3 clears every A; 2 is then written (class 3), 1 and 3 stay class 0.
        SteppedReplacement nru = SteppedReplacement.record(SteppedString.parse("1 2 3 2w 4"), 3, "nru", ticks,
                REGISTRY);
        assertThat(nru.step(3).tick()).isTrue();
        Victim victim = nru.step(4).victim();
        assertThat(victim.page()).isIn(1, 3);
        assertThat(victim.reason()).isEqualTo("page " + victim.page()
                + " is in the lowest class present, class 0 (A=0, D=0), drawn at random among its 2 pages");
    }

    @Test
    void timeline_textbookLru_marksHitsAndVictims() {
        SteppedReplacement.Timeline timeline = record(TEXTBOOK, 3, "lru").timeline();
        assertThat(timeline.pages()).containsExactly(7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1);
        long hits = 0;
        for (boolean hit : timeline.hits()) {
            hits += hit ? 1 : 0;
        }
        assertThat(hits).isEqualTo(8);
        assertThat(timeline.victims()[3]).isEqualTo(7);
        assertThat(timeline.victims()[4]).isEqualTo(-1);
    }

    @Test
    void record_badArguments_refused() {
        assertThatThrownBy(() -> record(TEXTBOOK, 0, "lru")).hasMessageContaining("frames 0 must be 1 … 1024");
        assertThatThrownBy(() -> record(TEXTBOOK, SteppedReplacement.MAX_FRAMES + 1, "lru"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> record(TEXTBOOK, 3, "belady")).hasMessageContaining("unknown replacement policy 'belady'");
        SteppedReplacement lru = record(TEXTBOOK, 3, "lru");
        assertThatThrownBy(() -> lru.step(20)).hasMessageContaining("step 20 is outside the string's references 0 … 19");
        assertThatThrownBy(() -> lru.steps(0, 21)).isInstanceOf(IllegalArgumentException.class);
        assertThat(record(TEXTBOOK, 64, "lru").maxStepsAtOnce()).isEqualTo(256);
        assertThat(lru.maxStepsAtOnce()).isEqualTo(SteppedReplacement.MAX_STEPS_AT_ONCE);
        assertThat(lru.steps(18, 20)).extracting(Step::index).containsExactly(18, 19);
    }

    /** FIFO, LRU and OPT by their definitions, over frames numbered as the engine numbers them. */
    static final class Naive {
        final int[] frames;
        final Map<Integer, Integer> loadedAt = new HashMap<>();
        final Map<Integer, Integer> lastUse = new HashMap<>();

        Naive(int frames) {
            this.frames = new int[frames];
            Arrays.fill(this.frames, -1);
        }

        /** Runs reference {@code t}; returns the victim or −1. */
        int reference(String policy, int[] pages, int t) {
            int page = pages[t];
            lastUse.put(page, t);
            for (int frame : frames) {
                if (frame == page) {
                    return -1;
                }
            }
            loadedAt.put(page, t);
            for (int f = 0; f < frames.length; f++) {
                if (frames[f] < 0) {
                    frames[f] = page;
                    return -1;
                }
            }
            int best = 0;
            for (int f = 1; f < frames.length; f++) {
                if (better(policy, pages, t, frames[f], frames[best])) {
                    best = f;
                }
            }
            int victim = frames[best];
            frames[best] = page;
            return victim;
        }

        private boolean better(String policy, int[] pages, int t, int a, int b) {
            return switch (policy) {
                case "fifo" -> loadedAt.get(a) < loadedAt.get(b);
                case "lru" -> lastUse.get(a) < lastUse.get(b);
                default -> {
                    long na = nextUse(pages, t, a);
                    long nb = nextUse(pages, t, b);
                    yield na != nb ? na > nb : loadedAt.get(a) < loadedAt.get(b);
                }
            };
        }

        private static long nextUse(int[] pages, int t, int page) {
            for (int i = t + 1; i < pages.length; i++) {
                if (pages[i] == page) {
                    return i;
                }
            }
            return Long.MAX_VALUE;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "lru", "opt"})
    void framesAfter_randomStrings_equalTheNaivePolicy(String policy) {
        int replaced = 0;
        for (int seed = 0; seed < 40; seed++) {
            RandomGenerator random = ReplayPropertyTest.random(seed);
            int length = 1 + random.nextInt(seed < 5 ? 3_000 : 300);
            int[] pages = ReplayPropertyTest.string(random, length, 1 + random.nextInt(15));
            int frames = 1 + random.nextInt(8);
            SteppedReplacement recorded = record(new SteppedString(pages, new boolean[length]), frames, policy);
            int[] victims = recorded.timeline().victims();
            Naive naive = new Naive(frames);
            for (int t = 0; t < length; t++) {
                int victim = naive.reference(policy, pages, t);
                replaced += victim >= 0 ? 1 : 0;
                assertThat(recorded.framesAfter(t)).as("%s seed %d, frames after reference %d", policy, seed, t)
                        .containsExactly(naive.frames);
                assertThat(victims[t]).as("%s seed %d, victim of reference %d", policy, seed, t)
                        .isEqualTo(victim);
            }
        }
        assertThat(replaced).as("victims over all seeds").isGreaterThan(1_000);
    }
}
