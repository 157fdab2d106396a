package dev.pagelab.replace;

/**
 * CLOCK-Pro (Jiang, Chen and Zhang, "CLOCK-Pro: an effective improvement of the CLOCK
 * replacement", USENIX ATC 2005): LIRS's idea on a clock. Resident pages are hot (a short reuse
 * distance, like LIR) or cold (like resident HIR); a cold page is given a test period after it is
 * loaded, and a cold page referenced again within its test period turns hot. Recently evicted cold
 * pages still in their test period stay on the clock as non-resident entries, so that a page coming
 * back soon is recognised. The share of cold frames adapts: more when test pages are reused, fewer
 * when their tests expire unused.
 *
 * <p>One circle holds every entry (hot, resident cold, non-resident cold), in the order the hands
 * leave them. Three hands move the same way around it: HAND_hot (at the hot page with the largest
 * recency), HAND_cold (at the next resident cold page to examine) and HAND_test (at the next page in
 * its test period to examine). "The list head" is just behind HAND_hot: that is where new and
 * promoted pages go, and a hand passing a page leaves it there.
 *
 * <pre>
 *        head ─┐   ┌─ HAND_hot (the tail: the oldest entry, where the hot hand stands)
 *              ▼   ▼
 *   … ─► [new] ─► [hot] ─► … ─► [test] ─► … ─► [cold] ─► …     hands move ─►
 *                               HAND_test      HAND_cold
 * </pre>
 * It is kept as one {@link PageLists} list whose tail is HAND_hot's page: HAND_hot passing a page
 * moves it from tail to head, which leaves the circular order as it is; HAND_cold and HAND_test are
 * page ids moving from tail toward head and wrapping.
 *
 * <p>With m the frames, mc the cold target and mh = m − mc:
 * <ol>
 *   <li>A fault with the pool full runs HAND_cold (first turning a hot page cold with HAND_hot if no
 *       resident page is cold). At a resident cold page: bit set and in its test period → it turns
 *       hot, mc + 1, it moves to the head, and HAND_hot runs while the hot pages exceed mh; bit set
 *       and not in test → its bit is cleared, a new test period starts, it moves to the head; bit
 *       clear → the victim. A victim in its test period stays on the circle as non-resident (and
 *       while more than m entries are non-resident, HAND_test runs); otherwise it leaves the
 *       circle. The hand then stops at the next resident cold page.</li>
 *   <li>The faulting page: if it is non-resident on the circle (still in its test period) it comes
 *       back hot, mc + 1, moved to the head, and HAND_hot runs while the hot pages exceed mh.
 *       Otherwise it comes in cold at the head with a new test period. While the pool first fills,
 *       new pages are hot until there are mh of them (LIRS's warm-up).</li>
 *   <li>HAND_hot, run once, turns one hot page cold: a hot page with its bit set is spared (bit
 *       cleared, passed); the first with its bit clear turns cold (no test period). Every cold page
 *       it passes loses its test period (a non-resident one leaves the circle). It stops at the next
 *       hot page.</li>
 *   <li>HAND_test, run once, ends the test period of the next page in one (removing it if it is
 *       non-resident), then stops at the next page in a test period.</li>
 *   <li>A test period that ends: mc − 1 when the page was not referenced in it, mc + 1 when it was
 *       (a resident cold page whose bit is set).</li>
 * </ol>
 *
 * <p>What it sees: reference bits only ({@link Visibility#HARDWARE_BITS}), read and cleared by the
 * hands; that is CLOCK-Pro's point (it ran in Linux 2.4 on PTE bits). {@link #loaded} clears the bit
 * the faulting reference set: a page comes in unreferenced, or HAND_cold would promote every
 * re-examined new page.
 *
 * <p>Parameters: none of its own. The initial cold target is LIRS's share of HIR frames,
 * {@link PolicyConfig#lirsHirFraction()} (default 1%): mc starts at max(1, ⌊m·fraction⌋) and adapts
 * within [1, m − 1] (at least one hot and one cold frame; [1, 1] for one frame, where every page is
 * cold). At most m non-resident entries are kept (the paper's bound). State: one {@link PageLists}
 * circle, a status byte per page, two hand positions, counts. Cost: hand movement, as in Clock:
 * O(1) amortised in practice, a round of the circle in the worst case.
 *
 * <p>Choices where implementations differ:
 * <ul>
 *   <li>Hands skip what they do not handle (HAND_cold everything but resident cold pages, HAND_test
 *       everything not in a test period) instead of pushing each other along.</li>
 *   <li>A resident cold page whose test ends with its bit set counts as reused (mc + 1) but stays
 *       cold; only HAND_cold promotes. A promoted page (either way) comes in with its bit clear, so
 *       HAND_hot may turn it cold again at once when every other hot page was referenced: the
 *       authors' code likewise declines such a promotion.</li>
 *   <li>The page faulting in is looked up after HAND_cold (and the HAND_test runs it triggers) have
 *       run, as the paper orders it: if its non-resident entry was removed meanwhile, it comes in
 *       cold.</li>
 * </ul>
 */
final class ClockProPolicy implements ReplacementPolicy {
    static final PolicyInfo INFO = new PolicyInfo("clock-pro",
            "CLOCK-Pro: hot and cold pages with test periods on one clock with three hands, adaptive cold share",
            Visibility.HARDWARE_BITS, false, false);

    private static final int CLOCK = 0;
    private static final int NONE = PageLists.NONE;

    private static final byte KIND = 3;
    private static final byte OFF = 0;
    private static final byte HOT = 1;
    private static final byte COLD = 2;
    private static final byte GHOST = 3;
    /** In a test period; always set on a non-resident (GHOST) entry. */
    private static final byte TEST = 4;

    private final Pool pool;
    private final int frames;
    private final int maxColdTarget;
    private final PageLists clock = new PageLists(1);
    private byte[] status = new byte[0];
    private int handCold = NONE;
    private int handTest = NONE;
    private int hotCount;
    private int coldCount;
    private int ghostCount;
    private int testCount;
    private int coldTarget;
    private boolean filling = true;

    private long promotions;
    private long demotions;
    private long coldTargetRaises;
    private long coldTargetCuts;
    private long refaultsInTest;
    private long testsEndedReused;

    ClockProPolicy(PolicyConfig config, Pool pool) {
        this.pool = pool;
        this.frames = pool.capacity();
        this.maxColdTarget = Math.max(1, frames - 1);
        this.coldTarget = Math.min(maxColdTarget, Math.max(1, (int) (frames * config.lirsHirFraction())));
    }

    @Override
    public void hit(int page, boolean write, long now, long nextUse) {
        // Hardware bits only: the hands read the reference bits.
    }

    @Override
    public int victim(int incoming, long now, long nextUse) {
        filling = false;
        while (true) {
            if (coldCount == 0) {
                runHandHot();
            }
            int page = coldHand();
            handCold = advance(page);
            if (pool.testAndClearReferenced(page)) {
                if ((status[page] & TEST) != 0) {
                    testCount--;
                    coldCount--;
                    promote(page);
                } else {
                    status[page] |= TEST;
                    testCount++;
                    toHead(page);
                }
                continue;
            }
            coldCount--;
            if ((status[page] & TEST) != 0) {
                status[page] = GHOST | TEST;
                ghostCount++;
                while (ghostCount > frames) {
                    runHandTest();
                }
            } else {
                detach(page);
                status[page] = OFF;
            }
            settleHands();
            return page;
        }
    }

    @Override
    public void loaded(int page, int frame, boolean write, long now, long nextUse) {
        pool.testAndClearReferenced(page);
        status = PageArrays.cover(status, page);
        if ((status[page] & KIND) == GHOST) {
            refaultsInTest++;
            ghostCount--;
            testCount--;
            detach(page);
            promote(page);
        } else if (filling && hotCount < frames - coldTarget) {
            status[page] = HOT;
            hotCount++;
            clock.pushHead(CLOCK, page);
        } else {
            status[page] = COLD | TEST;
            coldCount++;
            testCount++;
            clock.pushHead(CLOCK, page);
        }
        settleHands();
    }

    /** {@code page}, reused in its test period and counted out of its old kind, turns hot at the head. */
    private void promote(int page) {
        status[page] = HOT;
        hotCount++;
        promotions++;
        adjustColdTarget(+1);
        toHead(page);
        while (hotCount > frames - coldTarget) {
            runHandHot();
        }
    }

    /** HAND_hot: turns one hot page cold, ending the test periods it passes; stops at a hot page. */
    private void runHandHot() {
        boolean demoted = false;
        while (hotCount > 0) {
            int page = clock.tail(CLOCK);
            int kind = status[page] & KIND;
            if (kind == HOT) {
                if (demoted) {
                    return;
                }
                if (!pool.testAndClearReferenced(page)) {
                    status[page] = COLD;
                    hotCount--;
                    coldCount++;
                    demotions++;
                    demoted = true;
                }
                clock.moveToHead(CLOCK, page);
            } else if (kind == GHOST) {
                endTest(page);
            } else {
                if ((status[page] & TEST) != 0) {
                    endTest(page);
                }
                clock.moveToHead(CLOCK, page);
            }
        }
    }

    /** HAND_test: ends the next test period, then stops at the following one. */
    private void runHandTest() {
        int page = testHand();
        handTest = advance(page);
        endTest(page);
        if (testCount > 0) {
            testHand();
        } else {
            handTest = NONE;
        }
    }

    /** Ends the test period of {@code page}; a non-resident page leaves the circle. */
    private void endTest(int page) {
        testCount--;
        if ((status[page] & KIND) == GHOST) {
            ghostCount--;
            detach(page);
            status[page] = OFF;
            adjustColdTarget(-1);
        } else {
            status[page] &= ~TEST;
            boolean reused = pool.isReferenced(page);
            testsEndedReused += reused ? 1 : 0;
            adjustColdTarget(reused ? +1 : -1);
        }
    }

    private void adjustColdTarget(int delta) {
        int adjusted = Math.max(1, Math.min(maxColdTarget, coldTarget + delta));
        if (adjusted > coldTarget) {
            coldTargetRaises++;
        } else if (adjusted < coldTarget) {
            coldTargetCuts++;
        }
        coldTarget = adjusted;
    }

    /** The entry after {@code page} in the hands' direction (toward the head, then the tail). */
    private int step(int page) {
        int newer = clock.prev(page);
        return newer != NONE ? newer : clock.tail(CLOCK);
    }

    /** Where a hand on {@code page} goes when it moves past it. */
    private int advance(int page) {
        return clock.size(CLOCK) == 1 ? NONE : step(page);
    }

    /** Takes {@code page} off the circle, moving any hand on it past it first. */
    private void detach(int page) {
        if (handCold == page) {
            handCold = advance(page);
        }
        if (handTest == page) {
            handTest = advance(page);
        }
        clock.remove(page);
    }

    /** Moves {@code page} (on the circle or not) to the head, just behind HAND_hot. */
    private void toHead(int page) {
        if (clock.tail(CLOCK) == page) {
            clock.moveToHead(CLOCK, page);
        } else {
            detach(page);
            clock.pushHead(CLOCK, page);
        }
    }

    /** HAND_cold on the next resident cold page (there is one). */
    private int coldHand() {
        int page = handCold != NONE ? handCold : clock.tail(CLOCK);
        while ((status[page] & KIND) != COLD) {
            page = step(page);
        }
        handCold = page;
        return page;
    }

    /** HAND_test on the next page in a test period (there is one). */
    private int testHand() {
        int page = handTest != NONE ? handTest : clock.tail(CLOCK);
        while ((status[page] & TEST) == 0) {
            page = step(page);
        }
        handTest = page;
        return page;
    }

    /** Each hand stops at the next page it handles, or nowhere when there is none. */
    private void settleHands() {
        if (coldCount > 0) {
            coldHand();
        } else {
            handCold = NONE;
        }
        if (testCount > 0) {
            testHand();
        } else {
            handTest = NONE;
        }
    }

    // Views for tests.

    /** "hot", "cold", "cold+test", "ghost" (non-resident, in test) or "-" (not on the circle). */
    String statusOf(int page) {
        int s = page < status.length ? status[page] : OFF;
        return switch (s & KIND) {
            case HOT -> "hot";
            case COLD -> (s & TEST) != 0 ? "cold+test" : "cold";
            case GHOST -> "ghost";
            default -> "-";
        };
    }

    int coldTarget() {
        return coldTarget;
    }

    /** The circle from HAND_hot (the tail) around to the head. */
    int[] circle() {
        int[] out = new int[clock.size(CLOCK)];
        int i = 0;
        for (int p = clock.tail(CLOCK); p != NONE; p = clock.prev(p)) {
            out[i++] = p;
        }
        return out;
    }

    /** hot, resident cold, non-resident, in test. */
    int[] counts() {
        return new int[] {hotCount, coldCount, ghostCount, testCount};
    }

    /**
     * Promotions to hot, demotions to cold, cold-target raises and cuts, refaults in test, resident
     * test periods ended with the page referenced.
     */
    long[] events() {
        return new long[] {promotions, demotions, coldTargetRaises, coldTargetCuts, refaultsInTest, testsEndedReused};
    }
}
