package dev.pagelab.replay;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One policy over one reference string, step by step: the web page's <i>Replacement</i> view. For
 * every reference it keeps whether it hit, the frame contents after it, the victim and whether it
 * was written back, the A and D bits of the resident pages, and why the victim was chosen.
 *
 * <p>Semantics: {@link Replay}'s (demand paging from empty frames, the lowest free frame first, a
 * write makes a page dirty, evicting a dirty page is one write-back) for a single process with
 * {@code frames} frames, and {@link dev.pagelab.replace.ReplacementPolicy}'s protocol; the
 * {@link #totals()} are {@code Replay.run}'s for the same string, frames, policy and parameters
 * (an oracle test pins this for every registered policy). Ticks (NRU, aging) come every
 * {@link PolicyConfig#tickInterval()} references, so a short string needs a short interval to see one.
 *
 * <p>Times: {@code t} is a reference's index in the string, from 0. The counters are the
 * recorder's own, kept apart from the policy's state (so they also explain the policies that never
 * see them):
 * <ul>
 *   <li>{@code loadedAt}: the reference whose fault brought the page in (this time);</li>
 *   <li>{@code lastUse}: its latest reference so far;</li>
 *   <li>{@code uses}: its references since it was loaded, the loading one included;</li>
 *   <li>{@code nextUse}: its next reference, or {@link #NEVER}.</li>
 * </ul>
 *
 * <p>Why a victim: the A-bit tests the policy made through the pool while choosing (each page and
 * its A bit before the test, in order: a Clock hand's path), the candidates it chose among (the
 * resident pages, their A/D bits when it was asked and their counters) and one sentence. The
 * sentence names a rule only when the counters or probes confirm it: FIFO (loaded first), LRU and
 * the working set (used least recently), MRU, OPT (next used farthest away), LFU (fewest uses),
 * Clock and SIEVE (the hand's path), ESC and NRU (the A/D classes), WSClock (the hand's path; its
 * own last-use times are not visible here), random. For the others (aging, ARC, LIRS, 2Q, S3-FIFO,
 * CLOCK-Pro, PFF, any policy a registry adds) it gives the victim's bits and counters and says that
 * the policy's own state decided.
 *
 * <p>Storage: {@link SteppedRun}'s change log, about 40 bytes a reference whatever the frames;
 * {@link #step} rebuilds the frames from the nearest checkpoint (at most 1,024 references back).
 * Bounds: {@link SteppedString#MAX_REFERENCES} references, {@link #MAX_FRAMES} frames,
 * {@link #maxStepsAtOnce()} steps a call of {@link #steps} (1,000, fewer with many frames).
 *
 * <p>Threads: a finished recording is only read, and every answer is a fresh object, so it may be
 * read from several threads once {@link #record} has returned.
 */
public final class SteppedReplacement {
    /** The most frames a recording takes. */
    public static final int MAX_FRAMES = 1024;

    /** The most steps {@link #steps} gives at once, with few frames. */
    public static final int MAX_STEPS_AT_ONCE = 1000;

    /**
     * The most frame entries (steps × frames) {@link #steps} gives at once: a step holds every frame
     * and up to two records a resident page (after it, and as a candidate), so this keeps an answer
     * to about a few MB of JSON.
     */
    public static final int MAX_FRAME_ENTRIES_AT_ONCE = 1 << 14;

    /** {@code nextUse} of a page that is not referenced again. */
    public static final int NEVER = -1;

    /**
     * The counts of the whole string: {@code Replay.run}'s.
     *
     * @param released pages that a variable-allocation policy (working set, PFF) let go without a
     *                 fault taking their frame; their write-backs are in {@code writebacks}
     */
    public record Totals(long references, long hits, long faults, long writebacks, long released) {
    }

    /**
     * The whole run, one entry a reference, compact (a few bytes a reference in JSON).
     *
     * @param frames      the frame that holds the referenced page after the reference (on a fault,
     *                    the only frame whose page changed, besides released ones)
     * @param victims     the page evicted by the reference's fault, or −1
     * @param writtenBack whether that victim was dirty
     * @param ticks       whether a tick preceded the reference
     * @param released    how many pages the policy let go in the step
     */
    public record Timeline(int[] pages, boolean[] writes, boolean[] hits, int[] frames, int[] victims,
                           boolean[] writtenBack, boolean[] ticks, int[] released) {
    }

    /**
     * A resident page and the recorder's counters for it.
     *
     * @param referenced its A bit
     * @param dirty      its D bit
     * @param nextUse    its next reference, or {@link #NEVER}
     */
    public record PageState(int page, int frame, boolean referenced, boolean dirty, int loadedAt, int lastUse,
                            int uses, int nextUse) {
    }

    /** An A-bit test the policy made while choosing: the page and its A bit before (cleared if set). */
    public record Probe(int page, boolean referencedBefore) {
    }

    /** A page the policy let go without a fault taking its frame. */
    public record Release(int page, int frame, boolean writtenBack) {
    }

    /**
     * The victim of a fault and why.
     *
     * @param frame        its frame, which the faulting page took
     * @param reason       one sentence
     * @param probes       the A-bit tests of the choice, in order: all of them when there were at
     *                     most 64, else the first 48 and the last 16 (a hand's path may be 2 × frames)
     * @param probeCount   the A-bit tests of the choice, all counted
     * @param clearedCount of those, the tests that found A set (and cleared it)
     * @param candidates   the resident pages the policy chose among, by frame, with their bits when
     *                     it was asked (after any tick of the step) and their counters before the
     *                     reference
     */
    public record Victim(int page, int frame, boolean writtenBack, String reason, List<Probe> probes,
                         int probeCount, int clearedCount, List<PageState> candidates) {
    }

    /**
     * Everything about reference {@code index}.
     *
     * @param tick     whether a tick preceded it
     * @param frame    the frame of its page after it
     * @param frames   the page in every frame after it, −1 for an empty frame
     * @param resident the resident pages after it, by frame, with A/D bits and counters
     * @param victim   the page its fault evicted, or null (a hit, or a free frame)
     * @param released pages the policy let go in this step (working set, PFF)
     */
    public record Step(int index, int page, boolean write, boolean hit, boolean tick, int frame, int[] frames,
                       List<PageState> resident, Victim victim, List<Release> released) {
    }

    private final SteppedRun run;
    private final PolicyConfig config;
    private final int[] userPage;
    /** occurrences[occurrenceStart[id] …] are the steps that reference global id {@code id}, in order. */
    private final int[] occurrenceStart;
    private final int[] occurrences;

    private SteppedReplacement(SteppedRun run, PolicyConfig config, int[] userPage) {
        this.run = run;
        this.config = config;
        this.userPage = userPage;
        int pages = run.stream.pages();
        occurrenceStart = new int[pages + 1];
        for (int i = 0; i < run.length; i++) {
            occurrenceStart[run.stream.pageAt(i) + 1]++;
        }
        for (int id = 0; id < pages; id++) {
            occurrenceStart[id + 1] += occurrenceStart[id];
        }
        occurrences = new int[run.length];
        int[] filled = Arrays.copyOf(occurrenceStart, pages);
        for (int i = 0; i < run.length; i++) {
            occurrences[filled[run.stream.pageAt(i)]++] = i;
        }
    }

    /**
     * Records {@code policy} over {@code string} with {@code frames} frames.
     *
     * @throws IllegalArgumentException for an unknown policy (listing the known ones), or frames
     *                                  outside 1 … {@link #MAX_FRAMES}
     */
    public static SteppedReplacement record(SteppedString string, int frames, String policy, PolicyConfig config,
                                            PolicyRegistry registry) {
        return recordAll(string, frames, List.of(policy), config, registry).getFirst();
    }

    /** Records each of {@code policies} (at least one, none twice) over the same string and frames. */
    public static List<SteppedReplacement> recordAll(SteppedString string, int frames, List<String> policies,
                                                     PolicyConfig config, PolicyRegistry registry) {
        Objects.requireNonNull(string, "string");
        Objects.requireNonNull(config, "config");
        List<String> names = Replay.checkPolicies(policies, registry);
        if (frames < 1 || frames > MAX_FRAMES) {
            throw new IllegalArgumentException("frames " + frames + " must be 1 … " + MAX_FRAMES);
        }
        List<SteppedString> strings = List.of(string);
        ReferenceStream stream = SteppedTrace.interleave(strings, ReplayConfig.DEFAULT_QUANTUM);
        int[] userPage = SteppedRun.userPages(strings, stream);
        List<SteppedReplacement> recordings = new ArrayList<>();
        for (String name : names) {
            SteppedRun run = SteppedRun.record(name, registry, config, stream, Scope.GLOBAL, null, frames, 0);
            recordings.add(new SteppedReplacement(run, config, userPage));
        }
        return recordings;
    }

    /** The policy's name. */
    public String policy() {
        return run.policy;
    }

    /** The frames. */
    public int frames() {
        return run.machineFrames;
    }

    /** The references. */
    public int length() {
        return run.length;
    }

    public Totals totals() {
        long faults = SteppedRun.total(run.faults);
        return new Totals(run.length, SteppedRun.total(run.hits), faults, SteppedRun.total(run.writebacks),
                run.releases);
    }

    public Timeline timeline() {
        int n = run.length;
        int[] pages = new int[n];
        boolean[] writes = new boolean[n];
        boolean[] hits = new boolean[n];
        int[] victims = new int[n];
        boolean[] writtenBack = new boolean[n];
        boolean[] ticks = new boolean[n];
        int[] released = new int[n];
        for (int i = 0; i < n; i++) {
            pages[i] = userPage[run.stream.pageAt(i)];
            writes[i] = run.stream.isWrite(i);
            hits[i] = run.is(i, SteppedRun.HIT);
            victims[i] = run.victim[i] < 0 ? -1 : userPage[run.victim[i]];
            writtenBack[i] = run.is(i, SteppedRun.WRITTEN_BACK);
            ticks[i] = run.is(i, SteppedRun.TICK);
            released[i] = run.releaseStart[i + 1] - run.releaseStart[i];
        }
        return new Timeline(pages, writes, hits, run.frameAfter.clone(), victims, writtenBack, ticks, released);
    }

    /** The page in every frame after reference {@code step}, −1 for an empty frame. */
    public int[] framesAfter(int step) {
        checkStep(step);
        return pagesOf(run.stateAfter(step));
    }

    /** Everything about reference {@code step}. */
    public Step step(int step) {
        checkStep(step);
        int[] state = run.stateAfter(step);
        int id = run.stream.pageAt(step);
        Victim victim = null;
        if (run.victim[step] >= 0) {
            List<PageState> candidates = pageStates(run.stateAtDecision(step), step - 1);
            List<Probe> probes = new ArrayList<>();
            for (int j = run.probeStart[step]; j < run.probeStart[step + 1]; j++) {
                int probe = run.probes.get(j);
                probes.add(new Probe(userPage[probe >>> 1], (probe & 1) != 0));
            }
            int page = userPage[run.victim[step]];
            int count = run.probeCount[step];
            int cleared = run.probesCleared[step];
            victim = new Victim(page, run.frameAfter[step], run.is(step, SteppedRun.WRITTEN_BACK),
                    SteppedReasons.reason(run.policy, config, page, candidates, probes, count, cleared),
                    List.copyOf(probes), count, cleared, candidates);
        }
        List<Release> released = new ArrayList<>();
        for (int j = run.releaseStart[step]; j < run.releaseStart[step + 1]; j++) {
            int value = run.releaseValue.get(j);
            released.add(new Release(userPage[run.releasePage.get(j)], value >>> 1, (value & 1) != 0));
        }
        return new Step(step, userPage[id], run.stream.isWrite(step), run.is(step, SteppedRun.HIT),
                run.is(step, SteppedRun.TICK), run.frameAfter[step], pagesOf(state), pageStates(state, step), victim,
                List.copyOf(released));
    }

    /**
     * Steps {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @throws IllegalArgumentException when the range is outside the string, empty or reversed, or
     *                                  longer than {@link #maxStepsAtOnce()}
     */
    public List<Step> steps(int from, int to) {
        if (from < 0 || to > run.length || from >= to || to - from > maxStepsAtOnce()) {
            throw new IllegalArgumentException("steps " + from + " … " + to + " (exclusive): need 0 ≤ from < to ≤ "
                    + run.length + " and at most " + maxStepsAtOnce() + " at once with " + run.machineFrames
                    + " frames");
        }
        List<Step> steps = new ArrayList<>(to - from);
        for (int step = from; step < to; step++) {
            steps.add(step(step));
        }
        return steps;
    }

    /**
     * The most steps one call of {@link #steps} gives: {@link #MAX_STEPS_AT_ONCE}, or fewer with
     * many frames, {@link #MAX_FRAME_ENTRIES_AT_ONCE} / frames (at least 1).
     */
    public int maxStepsAtOnce() {
        return Math.min(MAX_STEPS_AT_ONCE, Math.max(1, MAX_FRAME_ENTRIES_AT_ONCE / run.machineFrames));
    }

    private void checkStep(int step) {
        if (step < 0 || step >= run.length) {
            throw new IllegalArgumentException("step " + step + " is outside the string's references 0 … "
                    + (run.length - 1));
        }
    }

    private int[] pagesOf(int[] state) {
        int[] pages = new int[state.length];
        for (int frame = 0; frame < state.length; frame++) {
            int id = SteppedRun.pageOf(state[frame]);
            pages[frame] = id < 0 ? -1 : userPage[id];
        }
        return pages;
    }

    /** The resident pages of {@code state}, by frame, with counters as of the end of step {@code now}. */
    private List<PageState> pageStates(int[] state, int now) {
        List<PageState> pages = new ArrayList<>();
        for (int frame = 0; frame < state.length; frame++) {
            int id = SteppedRun.pageOf(state[frame]);
            if (id >= 0) {
                int at = lastOccurrence(id, now);
                int last = occurrences[at];
                int next = at + 1 < occurrenceStart[id + 1] ? occurrences[at + 1] : NEVER;
                pages.add(new PageState(userPage[id], frame, SteppedRun.referenced(state[frame]),
                        SteppedRun.dirty(state[frame]), run.loadedAtStep[last], last, run.usesAtStep[last], next));
            }
        }
        return List.copyOf(pages);
    }

    /** The index in {@link #occurrences} of the last reference to {@code id} at or before step {@code now}. */
    private int lastOccurrence(int id, int now) {
        int at = Arrays.binarySearch(occurrences, occurrenceStart[id], occurrenceStart[id + 1], now);
        int index = at >= 0 ? at : -at - 2;
        if (index < occurrenceStart[id]) {
            throw new AssertionError("page id " + id + " is resident after step " + now
                    + " but was not referenced by then (policy " + run.policy + ")");
        }
        return index;
    }
}
