package dev.pagelab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeededTest {
    @Test
    void run_sameName_drawsTheSameValues() {
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        Seeded.cases("p", 5).run(c -> first.add(c.random().nextLong()));
        Seeded.cases("p", 5).run(c -> second.add(c.random().nextLong()));
        List<Long> other = new ArrayList<>();
        Seeded.cases("q", 5).run(c -> other.add(c.random().nextLong()));

        assertThat(first).hasSize(5).doesNotHaveDuplicates().isEqualTo(second).doesNotContainAnyElementsOf(other);
    }

    @Test
    void run_failingCase_namesThePropertyTheCaseTheSeedTheGivenAndTheStep() {
        long seed = Seeded.caseSeed(Seeded.fnv1a("p"), 3);

        assertThatThrownBy(() -> Seeded.cases("p", 10).run(c -> {
            c.given("pool A");
            for (int step = 0; step < 5; step++) {
                c.step(step, "op" + step);
                if (c.index() == 3 && step == 2) {
                    throw new IllegalStateException("boom");
                }
            }
        })).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("p: case 3 of 10, seed " + Seeded.hex(seed) + ", given pool A, step 2 (op2): "
                        + "java.lang.IllegalStateException: boom")
                .hasMessageContaining("-Dpagelab.seed=" + Seeded.hex(seed))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void run_seedProperty_runsThatCaseAloneWithItsValues() {
        List<Long> all = new ArrayList<>();
        Seeded.cases("p", 4).run(c -> all.add(c.random().nextLong()));
        List<Long> alone = new ArrayList<>();
        String previous = System.getProperty(Seeded.SEED_PROPERTY);
        System.setProperty(Seeded.SEED_PROPERTY, Seeded.hex(Seeded.caseSeed(Seeded.fnv1a("p"), 2)));
        try {
            // The gate would fail over one case; it is skipped.
            Seeded.cases("p", 4).requireShare("never", 1.0).run(c -> alone.add(c.random().nextLong()));
        } finally {
            if (previous == null) {
                System.clearProperty(Seeded.SEED_PROPERTY);
            } else {
                System.setProperty(Seeded.SEED_PROPERTY, previous);
            }
        }

        assertThat(alone).containsExactly(all.get(2));
    }

    @Test
    void run_gateShareNotReached_failsWithTheCounts() {
        assertThatThrownBy(() -> Seeded.cases("p", 100).requireShare("even", 0.6).run(c -> c.cover("even", c.index() % 2 == 0)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("p: coverage gates failed over 100 cases")
                .hasMessageContaining("'even' hit 50 of 100 times (50.0%), required at least 60.0%");
    }

    @Test
    void run_gateNeverRecorded_fails() {
        assertThatThrownBy(() -> Seeded.cases("p", 3).requireAtLeast("x", 1).run(c -> { }))
                .hasMessageContaining("'x' was never recorded");
    }

    @Test
    void run_gatesReached_passes() {
        Seeded.cases("p", 100).requireShare("even", 0.5).requireAtLeast("ten", 10)
                .run(c -> {
                    c.cover("even", c.index() % 2 == 0);
                    c.cover("ten", c.index() < 10);
                });
    }

    @Test
    void edgy_manyDraws_staysInRangeAndHitsEveryEdge() {
        Seeded.Case c = new Seeded.Case(0, 1, Seeded.random(1), new java.util.HashMap<>());
        boolean[] seen = new boolean[7];
        for (int i = 0; i < 20_000; i++) {
            int v = c.edgy(-5, 100);
            assertThat(v).isBetween(-5, 100);
            int[] edges = {-5, -4, -1, 0, 1, 99, 100};
            for (int e = 0; e < edges.length; e++) {
                seen[e] |= v == edges[e];
            }
            assertThat(c.edgy(Long.MIN_VALUE, Long.MAX_VALUE)).isBetween(Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(c.biased(40_000, 3_000_000)).isBetween(40_000L, 3_000_000L);
            assertThat(c.length(10, 250)).isBetween(10, 250);
        }
        assertThat(seen).containsOnly(true);
    }

    @Test
    void biased_manyDraws_smallDistancesAsOftenAsLargeMagnitudes() {
        Seeded.Case c = new Seeded.Case(0, 1, Seeded.random(2), new java.util.HashMap<>());
        int small = 0;
        int large = 0;
        for (int i = 0; i < 10_000; i++) {
            long v = c.biased(0, 1 << 20);
            small += v < 16 ? 1 : 0;
            large += v >= 1 << 19 ? 1 : 0;
        }
        // 21 bit lengths: about 5 of them below 16, 1 of them at 2^19 or above.
        assertThat(small).isBetween(1_800, 2_900);
        assertThat(large).isBetween(300, 700);
    }
}
