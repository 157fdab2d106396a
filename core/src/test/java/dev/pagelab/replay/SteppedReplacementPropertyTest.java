package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.SteppedReplacement.PageState;
import dev.pagelab.replay.SteppedReplacement.Probe;
import dev.pagelab.replay.SteppedReplacement.Release;
import dev.pagelab.replay.SteppedReplacement.Step;
import dev.pagelab.testing.ArrayTraceReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stepped recorder against the fast engine and against itself, for every registered policy:
 * its totals are {@code Replay.run}'s, and every step is consistent with the one before (the
 * frames change only where the step says, hits are references to resident pages, a victim comes
 * from a full pool), with counters recomputed here from the string. Seeds are fixed; every failure
 * names the policy, the seed and the step.
 */
class SteppedReplacementPropertyTest {
    private static final PolicyRegistry REGISTRY = PolicyRegistry.builtIn();
    private static final int CASES = 30;
    /** Policies whose reason must always name their rule (the recorder's evidence confirms it). */
    private static final Set<String> EXPLAINED = Set.of("fifo", "lru", "mru", "opt", "lfu", "ws", "clock", "sieve",
            "esc", "nru", "wsclock", "random");

    /** Policies with a tick interval. */
    private static final Set<String> TICKING = Set.of("nru", "aging");

    static List<String> policies() {
        return REGISTRY.names();
    }

    /** Parameters short enough that ticks, the working set's window and PFF's tau matter. */
    static PolicyConfig config(RandomGenerator random, long seed) {
        return PolicyConfig.DEFAULTS.withSeed(seed).withClockLoadBit(random.nextInt(2))
                .withTickInterval(1 + random.nextInt(60)).withTau(1 + random.nextInt(80))
                .withWindow(1 + random.nextInt(80)).withPffTau(1 + random.nextInt(80));
    }

    @ParameterizedTest
    @MethodSource("policies")
    void totals_randomStrings_equalReplayRun(String policy) throws IOException {
        long victims = 0;
        long writebacks = 0;
        long ticks = 0;
        long released = 0;
        for (int seed = 0; seed < CASES; seed++) {
            RandomGenerator random = ReplayPropertyTest.random(seed);
            int length = 1 + random.nextInt(seed % 5 == 0 ? 3_000 : 400);
            int[] pages = ReplayPropertyTest.string(random, length, 1 + random.nextInt(30));
            boolean[] writes = ReplayPropertyTest.writes(random, length);
            int frames = 1 + random.nextInt(12);
            PolicyConfig config = config(random, seed);
            Scope scope = seed % 2 == 0 ? Scope.LOCAL : Scope.GLOBAL;
            PolicyResult expected = Replay.run(List.of(ArrayTraceReader.of("t", pages, writes)), List.of(policy),
                    ReplayConfig.of(frames, scope).withPolicy(config), REGISTRY, null).policy(policy);
            SteppedReplacement recorded = SteppedReplacement.record(new SteppedString(pages, writes), frames, policy,
                    config, REGISTRY);
            SteppedReplacement.Totals totals = recorded.totals();
            int[] last = recorded.framesAfter(length - 1);
            assertThat(new long[] {totals.references(), totals.faults(), totals.writebacks(), resident(last)})
                    .as("%s seed %d (%s): references, faults, write-backs, resident at the end", policy, seed, scope)
                    .containsExactly(expected.references(), expected.faults(), expected.writebacks(),
                            expected.framesHeld());
            assertThat(totals.hits() + totals.faults()).as("%s seed %d: hits + faults", policy, seed).isEqualTo(length);
            SteppedReplacement.Timeline timeline = recorded.timeline();
            for (int k = 0; k < length; k++) {
                victims += timeline.victims()[k] >= 0 ? 1 : 0;
                writebacks += timeline.writtenBack()[k] ? 1 : 0;
                ticks += timeline.ticks()[k] ? 1 : 0;
                released += timeline.released()[k];
            }
        }
        assertThat(victims).as("%s: victims over all seeds", policy).isGreaterThan(500);
        assertThat(writebacks).as("%s: write-backs of victims over all seeds", policy).isGreaterThan(50);
        if (TICKING.contains(policy)) {
            assertThat(ticks).as("%s: ticks over all seeds", policy).isGreaterThan(100);
        }
        if (REGISTRY.info(policy).variableAllocation()) {
            assertThat(released).as("%s: pages released over all seeds", policy).isGreaterThan(100);
        }
    }

    @ParameterizedTest
    @MethodSource("policies")
    void step_everyStep_consistentWithThePreviousAndTheString(String policy) {
        int decisions = 0;
        for (int seed = 0; seed < CASES / 2; seed++) {
            RandomGenerator random = ReplayPropertyTest.random(1_000 + seed);
            int length = 1 + random.nextInt(seed % 5 == 0 ? 2_500 : 300);
            int[] pages = ReplayPropertyTest.string(random, length, 1 + random.nextInt(25));
            boolean[] writes = ReplayPropertyTest.writes(random, length);
            int frames = 1 + random.nextInt(10);
            PolicyConfig config = config(random, seed);
            SteppedReplacement recorded = SteppedReplacement.record(new SteppedString(pages, writes), frames, policy,
                    config, REGISTRY);
            int[] nextUse = nextUse(pages);
            Map<Integer, Integer> loadedAt = new HashMap<>();
            Map<Integer, Integer> lastUse = new HashMap<>();
            Map<Integer, Integer> uses = new HashMap<>();
            int[] before = new int[frames];
            Arrays.fill(before, -1);
            long writebacks = 0;
            for (int k = 0; k < length; k++) {
                String where = policy + " seed " + seed + " step " + k;
                Step step = recorded.step(k);
                int page = pages[k];
                boolean resident = Arrays.stream(before).anyMatch(p -> p == page);
                assertThat(step.hit()).as("%s: hit", where).isEqualTo(resident);
                int[] expected = before.clone();
                for (Release release : step.released()) {
                    assertThat(expected[release.frame()]).as("%s: frame of released %s", where, release)
                            .isEqualTo(release.page());
                    expected[release.frame()] = -1;
                    writebacks += release.writtenBack() ? 1 : 0;
                }
                if (!step.hit()) {
                    if (step.victim() != null) {
                        decisions++;
                        assertThat(before).as("%s: a victim is taken from a full pool", where).doesNotContain(-1);
                        assertThat(before[step.frame()]).as("%s: the victim's frame", where)
                                .isEqualTo(step.victim().page());
                        checkVictim(where, policy, step, frames);
                        writebacks += step.victim().writtenBack() ? 1 : 0;
                    } else {
                        int lowest = 0;
                        while (before[lowest] >= 0) {
                            lowest++;
                        }
                        assertThat(step.frame()).as("%s: the lowest free frame", where).isEqualTo(lowest);
                    }
                    expected[step.frame()] = page;
                    loadedAt.put(page, k);
                    uses.put(page, 0);
                }
                lastUse.put(page, k);
                uses.merge(page, 1, Integer::sum);
                assertThat(step.frames()).as("%s: frames", where).containsExactly(expected);
                for (PageState state : step.resident()) {
                    int p = state.page();
                    assertThat(new int[] {state.frame(), state.loadedAt(), state.lastUse(), state.uses(), state.nextUse()})
                            .as("%s: frame, loadedAt, lastUse, uses, nextUse of page %d", where, p)
                            .containsExactly(indexOf(expected, p), loadedAt.get(p), lastUse.get(p), uses.get(p),
                                    nextUse[lastUse.get(p)]);
                    if (p == page && writes[k]) {
                        assertThat(state.dirty()).as("%s: the written page is dirty", where).isTrue();
                    }
                }
                assertThat(step.resident()).as("%s: resident pages", where).hasSize((int) resident(expected));
                before = expected;
            }
            assertThat(writebacks).as("%s seed %d: write-backs of the steps", policy, seed)
                    .isEqualTo(recorded.totals().writebacks());
        }
        assertThat(decisions).as("%s: victims checked", policy).isGreaterThan(200);
    }

    private static void checkVictim(String where, String policy, Step step, int frames) {
        SteppedReplacement.Victim victim = step.victim();
        assertThat(victim.candidates()).as("%s: candidates", where).hasSize(frames);
        assertThat(victim.candidates()).extracting(PageState::page).as("%s: candidates", where)
                .contains(victim.page()).doesNotContain(step.page());
        for (Probe probe : victim.probes()) {
            assertThat(victim.candidates()).extracting(PageState::page).as("%s: probed page", where)
                    .contains(probe.page());
        }
        PageState chosen = victim.candidates().stream().filter(c -> c.page() == victim.page()).findFirst().orElseThrow();
        assertThat(victim.writtenBack()).as("%s: written back iff dirty when chosen", where).isEqualTo(chosen.dirty());
        if (EXPLAINED.contains(policy)) {
            assertThat(victim.reason()).as("%s: a reason that names the rule", where).doesNotContain("by its own state");
        } else {
            assertThat(victim.reason()).as("%s: a reason", where).startsWith(policy + " chose page " + victim.page());
        }
    }

    private static int[] nextUse(int[] pages) {
        int[] next = new int[pages.length];
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = pages.length - 1; i >= 0; i--) {
            next[i] = seen.getOrDefault(pages[i], SteppedReplacement.NEVER);
            seen.put(pages[i], i);
        }
        return next;
    }

    private static int indexOf(int[] frames, int page) {
        for (int f = 0; f < frames.length; f++) {
            if (frames[f] == page) {
                return f;
            }
        }
        return -1;
    }

    private static long resident(int[] frames) {
        return Arrays.stream(frames).filter(p -> p >= 0).count();
    }
}
