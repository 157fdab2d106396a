package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A write step into a free frame through the kernel's linear map: warned about at the write, and,
 * when it overwrote a free list's link, the allocation that trips on the link fails as corrupted,
 * naming the write; never an exception out of the runner, never a frame handed out twice.
 */
class FreeFrameWritesTest {
    /** Frames 0x244 and 0x245 taken and given back: the free list's stack is 0x245 -> 0x244 -> the mark. */
    private static String freed(String allocator) {
        return """
                kernel: {allocator: %s, table-access: direct-map}
                on-error: continue
                steps:
                  - allocFrame:
                    as: f
                  - allocFrame:
                    as: g
                  - freeFrame: $f
                  - freeFrame: $g
                """.formatted(allocator);
    }

    private static RunResult unchecked(String yaml) {
        return ScenarioRunnerTest.run(yaml, ScenarioRunner.Options.DEFAULT);
    }

    private static StepEvent step(RunResult r, int number) {
        return r.events().get(number - 1);
    }

    @Test
    void write_overAFreeListLink_warnsAndTheNextAllocationFailsAsCorruptedNamingTheWrite() {
        RunResult r = unchecked(freed("free-list") + """
                  - write: {vaddr: 0xC0245000, value: 0x12345000}
                  - allocFrame
                  - allocFrame
                """);

        assertThat(step(r, 2).fields()).containsEntry("value", 0x245L);
        StepEvent write = step(r, 5);
        assertThat(write.outcome()).isEqualTo(StepEvent.Outcome.OK);
        assertThat(write.result()).endsWith("; WARNING: into free frame 0x00000245");
        assertThat(write.details()).containsExactly(
                "WARNING: the write at 0xC0245000 went to paddr 0x00245000, in frame 0x00000245, which is free: the"
                        + " free-list allocator has not handed it out (a stray pointer, or a use after free)",
                "WARNING: bytes 0-3 of this free frame are the free-list allocator's link to the next free frame: this"
                        + " write changed them from 0x00244000 to 0x12345000. The allocation that reaches frame"
                        + " 0x00000245 follows them: a C kernel would go on to whatever they name (a frame in use, or"
                        + " none) and fail later, far from here; pagelab's allocator checks each link before it"
                        + " follows it and stops there");
        StepEvent allocation = step(r, 6);
        assertThat(allocation.failure().kind()).isEqualTo(Failure.Kind.CORRUPTED);
        assertThat(allocation.failure().message()).startsWith("allocate: the free list is corrupt: the link in free"
                + " frame 0x245 (bytes 0-3 at paddr 0x00245000) is 0x12345000, and frame 0x12345 is not in the pool")
                .endsWith("The write into a free frame's link: step 5 (line 10) wrote 0x12345000 over the link"
                        + " 0x00244000 in free frame 0x00000245 (paddr 0x00245000) through 0xC0245000");
        assertThat(allocation.changes().unchanged()).isTrue();
        assertThat(r.report().notRun()).as("a corrupt allocator stops the run, on-error: continue or not").isEqualTo(1);
    }

    @Test
    void write_overALinkWithAnAllocatedFramesAddress_neverHandsThatFrameOutTwice() {
        RunResult r = unchecked("""
                kernel: {allocator: free-list, table-access: direct-map}
                on-error: continue
                steps:
                  - allocFrame:
                    as: f
                  - allocFrame:
                    as: g
                  - allocFrame:
                    as: h
                  - freeFrame: $f
                  - freeFrame: $g
                  - freeFrame: $h
                  - allocFrame:
                    as: taken
                  - write: {vaddr: 0xC0245000, value: 0x00246000}
                  - allocFrame:
                    expect: {fails: corrupted}
                  - allocFrame:
                    expect: {fails: corrupted}
                """);

        assertThat(step(r, 7).fields()).containsEntry("value", 0x246L);
        assertThat(step(r, 8).details()).anyMatch(l -> l.contains("changed them from 0x00244000 to 0x00246000"));
        assertThat(step(r, 9).failure().message()).contains("free frame 0x245").contains("frame 0x246 is allocated")
                .contains("step 8 (line 15)");
        assertThat(r.events()).noneMatch(e -> e.step() > 7 && Long.valueOf(0x246L).equals(e.fields().get("value")));
        assertThat(r.succeeded()).isTrue();
    }

    @Test
    void write_intoAFreeFrameAwayFromTheLink_onlyWarns() {
        RunResult r = unchecked(freed("free-list") + """
                  - write: {vaddr: 0xC0245010, value: 7}
                  - allocFrame:
                    expect: {value: 0x245}
                  - read: 0xC0245010
                    expect: {value: 7}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 5).details()).containsExactly(
                "WARNING: the write at 0xC0245010 went to paddr 0x00245010, in frame 0x00000245, which is free: the"
                        + " free-list allocator has not handed it out (a stray pointer, or a use after free)",
                "WARNING: bytes 0-3 of this free frame are the free-list allocator's link to the next free frame, and"
                        + " this write left them alone; whoever is handed the frame next finds these bytes in it");
    }

    @Test
    void write_intoAFreeFrameOfTheBitmap_warnsWithoutLinks() {
        RunResult r = unchecked(freed("bitmap") + """
                  - write: {vaddr: 0xC0246000, value: 0x12345000}
                """);

        assertThat(step(r, 2).fields()).containsEntry("value", 0x246L);
        assertThat(step(r, 5).details()).containsExactly("WARNING: the write at 0xC0246000 went to paddr 0x00246000, in"
                + " frame 0x00000246, which is free: the bitmap allocator has not handed it out (a stray pointer, or a"
                + " use after free)", "WARNING: whoever is handed the frame next finds these bytes in it");
    }

    @Test
    void write_overABuddyBlocksLinks_theAllocationFailsAsCorrupted() {
        RunResult r = unchecked("""
                kernel: {allocator: buddy, table-access: direct-map}
                steps:
                  - allocFrame:
                    as: f
                  - allocFrame
                  - freeFrame: $f
                  - write: {vaddr: 0xC0FA4000, value: 0x123}
                  - allocFrame:
                    expect: {fails: corrupted}
                """);

        assertThat(step(r, 1).fields()).containsEntry("value", 0xFA4L);
        assertThat(step(r, 4).details()).anyMatch(l -> l.contains("bytes 0-7 of this free frame are the buddy"
                + " allocator's links to the neighbouring free blocks: this write changed them from [0xFFFFFFFF,"
                + " 0xFFFFFFFF] to [0x00000123, 0xFFFFFFFF]"));
        assertThat(step(r, 5).failure().message()).startsWith("buddy: the free list of order 0 is corrupt: the links in"
                + " free block 0xfa4").contains("its next link is not the address of a frame");
        assertThat(r.succeeded()).isTrue();
    }

    @Test
    void write_intoAllocatedOrReservedFrames_warnsNothing() {
        RunResult r = unchecked("""
                kernel: {allocator: free-list, table-access: direct-map}
                steps:
                  - allocFrame
                  - allocFrame
                  - write: {vaddr: 0xC0244FFE, value: 0x01020304}
                  - write: {vaddr: 0xC0010000, value: 1}
                """);

        assertThat(r.events().subList(0, 2)).extracting(e -> e.fields().get("value")).containsExactly(0x244L, 0x245L);
        assertThat(r.succeeded()).isTrue();
        assertThat(r.events()).allSatisfy(e -> assertThat(e.details()).as(e.text()).isEmpty());
    }

    @Test
    void write_acrossTwoFreeFrames_warnsForEach() {
        RunResult r = unchecked(freed("free-list") + """
                  - write: {vaddr: 0xC0244FFE, value: 0x01020304}
                  - write: {vaddr: 0xC0246000, string: "into the untouched frame"}
                """);

        List<String> warnings = step(r, 5).details();
        assertThat(warnings).hasSize(4);
        assertThat(warnings.get(0)).startsWith("WARNING: the write at 0xC0244FFE went to paddr 0x00244FFE, in frame"
                + " 0x00000244");
        assertThat(warnings.get(1)).contains("this write left them alone");
        assertThat(warnings.get(2)).startsWith("WARNING: the write at 0xC0245000 went to paddr 0x00245000, in frame"
                + " 0x00000245");
        assertThat(warnings.get(3)).contains("changed them from 0x00244000 to 0x00240102");
        assertThat(step(r, 6).details()).as("a frame never handed out holds no link").containsExactly(
                "WARNING: the write at 0xC0246000 went to paddr 0x00246000, in frame 0x00000246, which is free: the"
                        + " free-list allocator has not handed it out (a stray pointer, or a use after free)",
                "WARNING: whoever is handed the frame next finds these bytes in it");
    }

    @Test
    void write_overALink_withChecks_failsTheWriteAsABrokenInvariant() {
        RunResult r = ScenarioRunnerTest.run(freed("free-list") + """
                  - write: {vaddr: 0xC0245000, value: 0x12345000}
                  - allocFrame
                """);

        assertThat(step(r, 5).failure().kind()).isEqualTo(Failure.Kind.INVARIANT);
        assertThat(step(r, 5).failure().message()).contains("free list: the link in frame 0x245");
        assertThat(step(r, 5).details()).hasSize(2);
        assertThat(ScenarioRunnerTest.outcomes(r)).hasSize(5);
    }

    @Test
    void allocFrame_corruptedUnexpected_stopsTheRunEvenUnderContinue() {
        RunResult r = unchecked(freed("free-list") + """
                  - write: {vaddr: 0xC0245000, value: 0}
                  - allocFrame
                  - allocFrame
                """);

        assertThat(ScenarioRunnerTest.outcomes(r)).endsWith(StepEvent.Outcome.FAILED);
        assertThat(r.events()).hasSize(6);
        assertThat(step(r, 6).failure().message()).contains("the link in free frame 0x245 (bytes 0-3 at paddr"
                + " 0x00245000) is 0x00000000, and frame 0x0 is not in the pool").contains("step 5 (line 10)");
        assertThat(r.report().notRun()).isEqualTo(1);
    }
}
