package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every recorded run of the original scripts (python3, see the fixture folder's README) against
 * the compatible mode: stdout byte for byte, the exit status, and stderr (optparse's usage and
 * error exactly; of a traceback, its last line).
 */
class RecordedRunsTest {
    private static Stream<DynamicTest> runs(String mode) {
        return RecordedRuns.load(mode).stream().map(run -> DynamicTest.dynamicTest(run.toString(),
                () -> assertThat(RecordedRuns.check(run)).as(run.toString()).isNull()));
    }

    @TestFactory
    Stream<DynamicTest> pagingPolicy_recordedRuns_sameOutput() {
        return runs("paging-policy");
    }

    @TestFactory
    Stream<DynamicTest> malloc_recordedRuns_sameOutput() {
        return runs("malloc");
    }

    @TestFactory
    Stream<DynamicTest> multilevelTranslate_recordedRuns_sameOutput() {
        return runs("paging-multilevel-translate");
    }

    @TestFactory
    Stream<DynamicTest> linearTranslate_recordedRuns_sameOutput() {
        return runs("paging-linear-translate");
    }

    /**
     * The coverage gate: the recorded runs reach every outcome that matters: answers and
     * questions, each policy, help, optparse errors, the scripts' own exits and tracebacks.
     */
    @Test
    void recordedRuns_everyOutcome_present() {
        for (String mode : Ostep.modes()) {
            List<RecordedRuns.Run> runs = RecordedRuns.load(mode);
            assertThat(runs).as(mode).hasSizeGreaterThan(100);
            assertThat(runs).as(mode + ": exit 0").anyMatch(r -> r.exit() == 0 && !r.stdout().startsWith("Usage:"));
            assertThat(runs).as(mode + ": help").anyMatch(r -> r.stdout().startsWith("Usage:"));
            assertThat(runs).as(mode + ": optparse error").anyMatch(r -> r.exit() == 2);
            assertThat(runs).as(mode + ": traceback").anyMatch(r -> r.stderr().startsWith("Traceback"));
            assertThat(runs).as(mode + ": with -c").anyMatch(r -> r.exit() == 0 && r.args().contains("-c"));
            assertThat(runs).as(mode + ": without -c").anyMatch(r -> r.exit() == 0 && r.args().stream()
                    .noneMatch(a -> a.startsWith("-c") || a.startsWith("--c") || a.startsWith("--so")));
        }
        List<RecordedRuns.Run> policy = RecordedRuns.load("paging-policy");
        for (String p : List.of("FIFO", "LRU", "OPT", "UNOPT", "RAND", "CLOCK", "MRU")) {
            assertThat(policy).as("paging-policy answers for " + p).anyMatch(r -> r.exit() == 0
                    && r.args().contains(p) && r.stdout().contains("FINALSTATS") && r.stdout().contains("Replaced:"));
        }
        assertThat(policy).as("a script exit(1)").anyMatch(r -> r.exit() == 1 && r.stderr().isEmpty());
        // Declining is the exception: only runs with numbers beyond 64 bits, listed here.
        for (String mode : Ostep.modes()) {
            List<String> declined = RecordedRuns.load(mode).stream()
                    .filter(r -> RecordedRuns.replay(r).stderr().startsWith("pagelab ostep ")).map(Object::toString).toList();
            assertThat(declined).as(mode + ": declined runs").hasSizeLessThanOrEqualTo(3);
        }
        assertThat(RecordedRuns.load("paging-linear-translate")).as("linear: a size error")
                .anyMatch(r -> r.exit() == 1 && r.stdout().contains("Error"));
    }
}
