package dev.pagelab.replace;

import java.util.Arrays;

/** Reference strings for policy tests: parsing, the future of each reference, and stepping. */
final class ReferenceStrings {
    private ReferenceStrings() {
    }

    /** "7 0 1 2" → {7, 0, 1, 2}; a page followed by {@code w} ("3w") is a write, see {@link #writes}. */
    static int[] pages(String string) {
        return Arrays.stream(string.trim().split("\\s+")).mapToInt(s -> Integer.parseInt(s.replace("w", ""))).toArray();
    }

    static boolean[] writes(String string) {
        String[] words = string.trim().split("\\s+");
        boolean[] writes = new boolean[words.length];
        for (int i = 0; i < words.length; i++) {
            writes[i] = words[i].endsWith("w");
        }
        return writes;
    }

    /** For every reference, the time of the next reference to its page, or {@code NEVER}. */
    static long[] nextUses(int[] pages) {
        int max = Arrays.stream(pages).max().orElse(0);
        long[] nextOf = new long[max + 1];
        Arrays.fill(nextOf, ReplacementPolicy.NEVER);
        long[] next = new long[pages.length];
        for (int i = pages.length - 1; i >= 0; i--) {
            next[i] = nextOf[pages[i]];
            nextOf[pages[i]] = i;
        }
        return next;
    }

    /**
     * A driver that is run one reference at a time, giving {@code nextUse} only to policies that
     * need the future (as {@link PolicyDriver#run} does).
     */
    static final class Stepper {
        final PolicyDriver driver;
        private final boolean future;
        private final int[] pages;
        private final boolean[] writes;
        private final long[] next;

        Stepper(PolicyRegistry registry, String name, PolicyConfig config, int capacity, int[] pages, boolean[] writes) {
            this.driver = PolicyDriver.of(registry, name, config, capacity);
            this.future = registry.info(name).needsFuture();
            this.pages = pages;
            this.writes = writes;
            this.next = nextUses(pages);
        }

        /** Reference number {@code t}; returns true when it faulted. */
        boolean step(int t) {
            return driver.reference(pages[t], writes != null && writes[t], t, future ? next[t] : ReplacementPolicy.NEVER);
        }
    }
}
