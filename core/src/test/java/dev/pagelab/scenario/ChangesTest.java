package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The change line's frames: runs while they are few, the span and the number of runs past that. */
class ChangesTest {
    private static Changes taken(long... pfns) {
        List<Changes.FrameChange> frames = new ArrayList<>();
        for (long pfn : pfns) {
            frames.add(new Changes.FrameChange(pfn, FrameOwner.FREE, FrameOwner.KERNEL_DATA));
        }
        return new Changes(frames, List.of(), List.of(), 0, 0, List.of(), List.of());
    }

    @Test
    void summary_framesInThreeRunsOrFewer_listsTheRuns() {
        assertThat(taken(0x243, 0x245, 0x246, 0x247, 0x250).summary())
                .isEqualTo("frames +5 kernel data (0x00000243, 0x00000245-0x00000247, 0x00000250)");
    }

    @Test
    void summary_fortyEightScatteredFrames_showsTheirSpanAndHowManyRuns() {
        long[] everyOther = new long[48];
        for (int i = 0; i < everyOther.length; i++) {
            everyOther[i] = 0x120 + 2L * i;
        }

        assertThat(taken(everyOther).summary()).isEqualTo("frames +48 kernel data (0x00000120-0x0000017E in 48 runs)");
        assertThat(taken(0x120, 0x121, 0x130, 0x140, 0x150).summary())
                .isEqualTo("frames +5 kernel data (0x00000120-0x00000150 in 4 runs)");
    }

    @Test
    void spawn_buddyAfterExits_summarizesTheBitmapFramesOnItsChangeLine() {
        RunResult r = ScenarioRunnerTest.run("""
                kernel: {allocator: buddy}
                processes: {frames: 8, min-frames: 2, scope: global}
                steps:
                  - spawn: {name: a, regions: {data: 4}}
                  - write: {process: a, vaddr: 0x1000, value: 1}
                  - spawn: {name: b, regions: {data: 4}}
                  - write: {process: b, vaddr: 0x1000, value: 1}
                  - exit: a
                  - write: {process: b, vaddr: 0x2000, value: 1}
                  - spawn: {name: c, regions: {data: 4}}
                  - exit: b
                  - spawn: {name: d, regions: {data: 4}}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.events().get(8).changes().summary()).contains("+48 kernel data (0x00000F16-0x00000FBF in 5 runs)");
    }
}
