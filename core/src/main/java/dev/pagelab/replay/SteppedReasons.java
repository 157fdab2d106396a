package dev.pagelab.replay;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replay.SteppedReplacement.PageState;
import dev.pagelab.replay.SteppedReplacement.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The one-sentence reason for a victim, from what the recorder saw: the candidates' A/D bits and
 * counters when the policy was asked, and the A-bit tests it made. A policy's rule is named only
 * when that evidence confirms it (the victim is the candidate the rule picks, or the probes follow
 * the hand's path); otherwise, and for every policy whose decision rests on state the recorder
 * does not see, the sentence gives the victim's bits and counters and says so.
 */
final class SteppedReasons {
    /** Pages named in a list before "and n more". */
    private static final int LISTED = 8;

    private SteppedReasons() {
    }

    /**
     * The probes of a choice: {@code kept} (in order; the middle of a long path left out, the last
     * probe always kept), {@code count} of them in all, {@code cleared} of which found A set.
     */
    private record Path(List<Probe> kept, int count, int cleared) {
        /** The pages of the kept probes but the last that found A {@code set}, and how many there were in all. */
        Pages before(boolean set) {
            List<Integer> pages = new ArrayList<>();
            for (Probe probe : kept.subList(0, kept.size() - 1)) {
                if (probe.referencedBefore() == set) {
                    pages.add(probe.page());
                }
            }
            Probe last = kept.getLast();
            int lastCounts = last.referencedBefore() == set ? 1 : 0;
            return new Pages(pages, (set ? cleared : count - cleared) - lastCounts);
        }
    }

    /** Some of {@code total} pages. */
    private record Pages(List<Integer> shown, int total) {
        boolean isEmpty() {
            return total == 0;
        }

        @Override
        public String toString() {
            return list(shown, total);
        }
    }

    static String reason(String policy, PolicyConfig config, int victimPage, List<PageState> candidates,
                         List<Probe> kept, int count, int cleared) {
        Path probes = new Path(kept, count, cleared);
        PageState victim = null;
        for (PageState candidate : candidates) {
            if (candidate.page() == victimPage) {
                victim = candidate;
            }
        }
        if (victim == null) {
            throw new AssertionError(policy + ": victim page " + victimPage + " is not among the candidates "
                    + candidates);
        }
        String confirmed = switch (policy) {
            case "fifo" -> smallest(victim, candidates, PageState::loadedAt)
                    ? "page " + victim.page() + " was loaded first (t=" + victim.loadedAt() + ")" : null;
            case "lru" -> leastRecent(victim, candidates);
            case "ws" -> prefix("the working set does not fit in the frames: ", leastRecent(victim, candidates));
            case "mru" -> smallest(victim, candidates, page -> -page.lastUse())
                    ? "page " + victim.page() + " was used most recently (t=" + victim.lastUse() + ")" : null;
            case "opt" -> farthest(victim, candidates);
            case "lfu" -> fewestUses(victim, candidates);
            case "clock", "sieve" -> hand(victim, probes, "");
            case "esc" -> enhancedSecondChance(victim, probes, candidates.size());
            case "nru" -> notRecentlyUsed(victim, candidates);
            case "wsclock" -> wsClock(victim, probes, config, candidates.size());
            case "random" -> "page " + victim.page() + " was drawn at random (seed " + config.seed()
                    + "); nothing in its bits or counters singled it out";
            default -> null;
        };
        return confirmed != null ? confirmed : unexplained(policy, victim, probes);
    }

    private static String prefix(String text, String sentence) {
        return sentence == null ? null : text + sentence;
    }

    /** Whether {@code victim} has the strictly smallest {@code key} of all candidates. */
    private static boolean smallest(PageState victim, List<PageState> candidates, ToLongFunction<PageState> key) {
        long mine = key.applyAsLong(victim);
        for (PageState other : candidates) {
            if (other != victim && key.applyAsLong(other) <= mine) {
                return false;
            }
        }
        return true;
    }

    private static String leastRecent(PageState victim, List<PageState> candidates) {
        return smallest(victim, candidates, PageState::lastUse)
                ? "page " + victim.page() + " was used least recently (t=" + victim.lastUse() + ")" : null;
    }

    /** OPT: the farthest next use; among pages never used again, the one loaded first (its tie rule). */
    private static String farthest(PageState victim, List<PageState> candidates) {
        if (victim.nextUse() != SteppedReplacement.NEVER) {
            return smallest(victim, candidates, page -> page.nextUse() == SteppedReplacement.NEVER ? Long.MIN_VALUE
                    : -page.nextUse()) ? "page " + victim.page() + " is next used farthest away (t="
                    + victim.nextUse() + ")" : null;
        }
        List<PageState> never = new ArrayList<>();
        for (PageState page : candidates) {
            if (page.nextUse() == SteppedReplacement.NEVER) {
                never.add(page);
            }
        }
        if (never.size() == 1) {
            return "page " + victim.page() + " is never used again";
        }
        if (!smallest(victim, never, PageState::loadedAt)) {
            return null;
        }
        List<Integer> others = new ArrayList<>();
        for (PageState page : never) {
            if (page != victim) {
                others.add(page.page());
            }
        }
        return "page " + victim.page() + " is never used again, nor " + (others.size() == 1 ? "is page " : "are pages ")
                + list(others, others.size()) + "; of these it was loaded first (t=" + victim.loadedAt() + ")";
    }

    /** LFU: the fewest uses since loaded; ties go to the least recently used. */
    private static String fewestUses(PageState victim, List<PageState> candidates) {
        List<PageState> tied = new ArrayList<>();
        for (PageState page : candidates) {
            if (page.uses() < victim.uses()) {
                return null;
            }
            if (page.uses() == victim.uses()) {
                tied.add(page);
            }
        }
        String uses = "page " + victim.page() + " was used the fewest times since it was loaded (" + victim.uses() + ")";
        if (tied.size() == 1) {
            return uses;
        }
        return smallest(victim, tied, PageState::lastUse)
                ? uses + ", and least recently of the " + tied.size() + " pages used that often (t="
                + victim.lastUse() + ")" : null;
    }

    /**
     * A hand's path: every probe but the last found A set (and cleared it), or is passed (allowed
     * only when {@code passedWhy} is not empty), and the last probe is the victim with A clear.
     * Null when the probes do not look like that.
     */
    private static String hand(PageState victim, Path probes, String passedWhy) {
        if (probes.count() == 0) {
            return null;
        }
        Probe last = probes.kept().getLast();
        if (last.page() != victim.page() || last.referencedBefore()) {
            return null;
        }
        Pages cleared = probes.before(true);
        Pages passed = probes.before(false);
        if (!passed.isEmpty() && passedWhy.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder("the hand");
        if (!cleared.isEmpty()) {
            text.append(" cleared A on ").append(cleared);
        }
        if (!passed.isEmpty()) {
            text.append(cleared.isEmpty() ? "" : ",").append(" passed ").append(passed).append(" with A=0 (")
                    .append(passedWhy).append(')');
        }
        text.append(cleared.isEmpty() && passed.isEmpty() ? " found " : " and found ").append(victim.page())
                .append(" with A=0");
        return text.toString();
    }

    /**
     * ESC: a (0, 0) page found without clearing anything; or the hand's path to a page with A=0;
     * or, when every page had A set, one round that cleared them all ({@code frames} probes) and
     * then the first clean page from the hand.
     */
    private static String enhancedSecondChance(PageState victim, Path probes, int frames) {
        if (probes.count() == 0) {
            return !victim.referenced() && !victim.dirty() ? "the hand found page " + victim.page()
                    + " with A=0, D=0 (not referenced since its A was cleared, and clean) and cleared nothing" : null;
        }
        String path = hand(victim, probes, "");
        if (path != null) {
            return "no page had A=0, D=0; " + path + (victim.dirty() ? " (D=1: it is written back)" : "");
        }
        if (probes.count() == frames && probes.cleared() == frames && !victim.dirty()) {
            List<Integer> pages = new ArrayList<>();
            for (Probe probe : probes.kept()) {
                pages.add(probe.page());
            }
            return "no page had A=0; the hand cleared A on " + list(pages, frames) + ", then took the first clean"
                    + " page from where it started, " + victim.page();
        }
        return null;
    }

    private static String notRecentlyUsed(PageState victim, List<PageState> candidates) {
        int lowest = 4;
        for (PageState page : candidates) {
            lowest = Math.min(lowest, classOf(page));
        }
        if (classOf(victim) != lowest) {
            return null;
        }
        int members = 0;
        for (PageState page : candidates) {
            if (classOf(page) == lowest) {
                members++;
            }
        }
        String bits = "class " + lowest + " (" + bits(victim) + ")";
        return members == 1 ? "page " + victim.page() + " is the only page of the lowest class present, " + bits
                : "page " + victim.page() + " is in the lowest class present, " + bits + ", drawn at random among its "
                + members + " pages";
    }

    private static int classOf(PageState page) {
        return (page.referenced() ? 2 : 0) | (page.dirty() ? 1 : 0);
    }

    /**
     * WSClock: the hand's path. Its round is {@code frames} steps, two rounds once it schedules a
     * write; when the round runs out it takes the oldest page by its own last-use times. A victim
     * found at the very last step of a round looks the same either way, so that case says both.
     */
    private static String wsClock(PageState victim, Path probes, PolicyConfig config, int frames) {
        String path = hand(victim, probes, "in the working set, or dirty: write scheduled");
        String old = "unused for more than tau=" + config.tau() + " by WSClock's own last-use times";
        if (path != null && probes.count() != frames && probes.count() != 2 * frames) {
            return path + ", " + old
                    + (victim.dirty() ? " (dirty: its write was scheduled at an earlier visit of the hand)" : "");
        }
        if (path != null) {
            return path + " at the end of its round: either " + old + ", or, when no page was, the oldest by them"
                    + " (clean pages first)";
        }
        return "the hand went round without finding a page " + old + "; WSClock took page " + victim.page()
                + ", the oldest by them (clean pages first; " + bits(victim) + ")";
    }

    /** The evidence without a rule: the victim's bits and counters, and the probes. */
    private static String unexplained(String policy, PageState victim, Path probes) {
        StringBuilder text = new StringBuilder(policy).append(" chose page ").append(victim.page())
                .append(" by its own state, which the recorder does not see; the page had ").append(bits(victim))
                .append(", was loaded at t=").append(victim.loadedAt()).append(" and used ").append(victim.uses())
                .append(victim.uses() == 1 ? " time" : " times").append(" since (last at t=").append(victim.lastUse())
                .append("), and is ").append(victim.nextUse() == SteppedReplacement.NEVER ? "never used again"
                        : "next used at t=" + victim.nextUse());
        List<Integer> cleared = new ArrayList<>();
        List<Integer> unset = new ArrayList<>();
        for (Probe probe : probes.kept()) {
            (probe.referencedBefore() ? cleared : unset).add(probe.page());
        }
        if (probes.count() > 0) {
            text.append("; while choosing it");
            if (probes.cleared() > 0) {
                text.append(" cleared A on ").append(list(cleared, probes.cleared()));
            }
            if (probes.count() > probes.cleared()) {
                text.append(probes.cleared() == 0 ? "" : " and").append(" found A=0 on ")
                        .append(list(unset, probes.count() - probes.cleared()));
            }
        }
        return text.toString();
    }

    private static String bits(PageState page) {
        return "A=" + (page.referenced() ? 1 : 0) + ", D=" + (page.dirty() ? 1 : 0);
    }

    /** "4, 1, 7": some of {@code total} pages; past {@link #LISTED} shown, "4, 1, … (and 12 more)". */
    static String list(List<Integer> pages, int total) {
        StringBuilder text = new StringBuilder();
        int shown = Math.min(pages.size(), LISTED);
        for (int i = 0; i < shown; i++) {
            text.append(i > 0 ? ", " : "").append(pages.get(i));
        }
        if (shown < total) {
            text.append(" (and ").append(total - shown).append(" more)");
        }
        return text.toString();
    }
}
