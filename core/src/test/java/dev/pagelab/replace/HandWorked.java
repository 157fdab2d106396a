package dev.pagelab.replace;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs one policy instance over a hand-worked string, one reference at a time, and describes the
 * frames after each step the way the worked examples in the tests' comments write them: the page
 * in each frame with its A and D bits ({@code 4/10}: page 4, referenced, clean; {@code -}: free),
 * followed by whatever the test adds about the policy's own state (a hand, counters).
 *
 * @param <P> the policy class, so the test can read its state
 */
final class HandWorked<P extends ReplacementPolicy> {
    final PolicyDriver driver;
    private P policy;

    HandWorked(PolicyInfo info, BiFunction<PolicyConfig, Pool, P> make, PolicyConfig config, int frames) {
        PolicyRegistry registry = new PolicyRegistry().register(info, (c, pool) -> policy = make.apply(c, pool));
        driver = PolicyDriver.of(registry, info.name(), config, frames);
    }

    P policy() {
        return policy;
    }

    /**
     * Runs {@code string} ("1w 2 3": a {@code w} marks a write), with the future given (for OPT);
     * returns one description a step.
     */
    List<String> run(String string, Function<HandWorked<P>, String> extra) {
        int[] pages = ReferenceStrings.pages(string);
        boolean[] writes = ReferenceStrings.writes(string);
        long[] next = ReferenceStrings.nextUses(pages);
        List<String> states = new ArrayList<>();
        for (int t = 0; t < pages.length; t++) {
            driver.reference(pages[t], writes[t], t, next[t]);
            String more = extra == null ? "" : extra.apply(this);
            states.add(frames() + (more.isEmpty() ? "" : " " + more));
        }
        return states;
    }

    /** "1/11 2/10 -": each frame's page with its A and D bits. */
    String frames() {
        StringJoiner joiner = new StringJoiner(" ");
        for (int frame = 0; frame < driver.capacity(); frame++) {
            int page = driver.pageAt(frame);
            joiner.add(page < 0 ? "-" : page + "/" + (driver.isReferenced(page) ? 1 : 0) + (driver.isDirty(page) ? 1 : 0));
        }
        return joiner.toString();
    }
}
