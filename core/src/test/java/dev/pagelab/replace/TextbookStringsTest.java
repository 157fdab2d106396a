package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference strings every operating-systems textbook works by hand, with the fault counts the
 * books give: Silberschatz's string (<i>Operating System Concepts</i>, figures 10.12 to 10.16),
 * and Belady's anomaly (Belady, Nelson and Shedler 1969: FIFO faults more with more frames).
 */
class TextbookStringsTest {
    static final int[] SILBERSCHATZ = ReferenceStrings.pages("7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1");
    static final int[] BELADY = ReferenceStrings.pages("1 2 3 4 1 2 5 1 2 3 4 5");

    @ParameterizedTest(name = "{0} with {1} frames: {2} faults")
    @CsvSource({
            "fifo, 3, 15", "lru, 3, 12", "opt, 3, 9",
            "fifo, 4, 10", "lru, 4, 8", "opt, 4, 8",
    })
    void silberschatzString_frames_textbookFaults(String policy, int frames, long faults) {
        assertThat(PolicyDriver.faults(policy, frames, SILBERSCHATZ)).as(policy + " with " + frames + " frames")
                .isEqualTo(faults);
    }

    @ParameterizedTest(name = "fifo with {0} frames: {1} faults")
    @CsvSource({"3, 9", "4, 10"})
    void beladyString_fifo_moreFramesMoreFaults(int frames, long faults) {
        assertThat(PolicyDriver.faults("fifo", frames, BELADY)).as("fifo with " + frames + " frames").isEqualTo(faults);
    }

    /** LRU and OPT are stack algorithms, so Belady's string cannot make them fault more with 4 frames. */
    @ParameterizedTest(name = "{0}: {1} faults with 3 frames, {2} with 4")
    @CsvSource({"lru, 10, 8", "opt, 7, 6"})
    void beladyString_stackAlgorithm_noAnomaly(String policy, long three, long four) {
        assertThat(PolicyDriver.faults(policy, 3, BELADY)).as(policy + " with 3 frames").isEqualTo(three);
        assertThat(PolicyDriver.faults(policy, 4, BELADY)).as(policy + " with 4 frames").isEqualTo(four);
    }
}
