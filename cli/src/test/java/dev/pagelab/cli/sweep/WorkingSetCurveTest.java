package dev.pagelab.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pagelab.replay.ReferenceStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class WorkingSetCurveTest {
    /** s(τ) by the definition: at every time t, count the distinct pages of the last τ references. */
    private static double naive(List<Integer> pages, long window) {
        long total = 0;
        for (int t = 0; t < pages.size(); t++) {
            Set<Integer> distinct = new HashSet<>();
            for (long i = Math.max(0, t - window + 1); i <= t; i++) {
                distinct.add(pages.get((int) i));
            }
            total += distinct.size();
        }
        return pages.isEmpty() ? 0 : (double) total / pages.size();
    }

    /** Each process's page sequence in its own time, from the interleaved stream. */
    private static List<List<Integer>> perProcess(ReferenceStream stream) {
        List<List<Integer>> pages = new ArrayList<>();
        for (int pid = 0; pid < stream.processes(); pid++) {
            pages.add(new ArrayList<>());
        }
        for (int i = 0; i < stream.length(); i++) {
            int page = stream.pageAt(i);
            pages.get(stream.processOf(page)).add(page);
        }
        return pages;
    }

    @Test
    void averageSizes_textbookString_matchesHandCount() throws IOException {
        // 1 2 1 3 with τ = 2: windows {1}, {1,2}, {2,1}, {1,3} → 1 + 2 + 2 + 2 = 7 over 4 times.
        ReferenceStream stream = SweepFixtures.stream(1000, "1\n2\n1\n3\n");
        double[][] sizes = WorkingSetCurve.averageSizes(stream, new long[] {1, 2, 4, 100});
        assertThat(sizes[0]).containsExactly(1.0, 7.0 / 4, (1 + 2 + 2 + 3) / 4.0, (1 + 2 + 2 + 3) / 4.0);
    }

    @Test
    void averageSizes_randomMultiProcessStreams_equalTheDefinition() throws IOException {
        int windowsBeyondLength = 0;
        int windowsBetweenDistances = 0;
        for (long seed = 1; seed <= 25; seed++) {
            RandomGenerator random = SweepFixtures.random(seed);
            int processes = 1 + random.nextInt(3);
            String[] texts = new String[processes];
            for (int p = 0; p < processes; p++) {
                texts[p] = SweepFixtures.vmsim(random, 1 + random.nextInt(300), 1 + random.nextInt(40), 0.3);
            }
            ReferenceStream stream = SweepFixtures.stream(1 + random.nextInt(50), texts);
            long[] windows = WorkingSetCurve.defaultWindows(400);
            double[][] sizes = WorkingSetCurve.averageSizes(stream, windows);
            List<List<Integer>> pages = perProcess(stream);
            for (int pid = 0; pid < processes; pid++) {
                for (int j = 0; j < windows.length; j++) {
                    assertThat(sizes[pid][j]).as("seed %d, process %d, window %d", seed, pid, windows[j])
                            .isCloseTo(naive(pages.get(pid), windows[j]), within(1e-9));
                    if (windows[j] > pages.get(pid).size()) {
                        windowsBeyondLength++;
                    } else if (windows[j] > 1) {
                        windowsBetweenDistances++;
                    }
                }
            }
        }
        assertThat(windowsBeyondLength).as("windows longer than a process").isGreaterThan(50);
        assertThat(windowsBetweenDistances).as("windows within a process").isGreaterThan(200);
    }

    @Test
    void defaultWindows_powersAndHalves_upToTheLongest() {
        assertThat(WorkingSetCurve.defaultWindows(20)).containsExactly(1, 2, 3, 4, 6, 8, 12, 16, 20);
        assertThat(WorkingSetCurve.defaultWindows(1)).containsExactly(1);
        assertThat(WorkingSetCurve.defaultWindows(0)).containsExactly(1);
    }
}
