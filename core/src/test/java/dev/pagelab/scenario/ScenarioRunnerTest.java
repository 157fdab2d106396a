package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Pde;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.paging.PageTableDump;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Running scenarios: names, expectations, the failure policy, nothing half-applied, checks, traces. */
class ScenarioRunnerTest {
    private static final ScenarioRunner.Options CHECKED = new ScenarioRunner.Options(true, false);

    static RunResult run(String yaml) {
        return run(yaml, CHECKED);
    }

    static RunResult run(String yaml, ScenarioRunner.Options options) {
        return ScenarioRunner.boot(ScenarioReaderTest.parse(yaml), options).run(e -> { });
    }

    static List<StepEvent.Outcome> outcomes(RunResult r) {
        return r.events().stream().map(StepEvent::outcome).toList();
    }

    @Test
    void run_namedResults_flowIntoLaterSteps() {
        ScenarioRunner runner = ScenarioRunner.boot(ScenarioReaderTest.parse("""
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0x00400000, frame: $f}
                    expect: {frame: $f, pages-mapped: 1, tables-made: 1, frames-taken: 1}
                  - getFrameAddr: 0x00400123
                    expect: {frame: $f}
                    as: p
                  - write: {vaddr: 0x00400000, value: $p}
                  - read: 0x00400000
                    expect: {value: $p}
                  - unmapPage: 0x00400000
                    expect: {value: $f, tables-freed: 1, frames-freed: 1}
                  - freeFrame: $f
                    expect: {frames-freed: 1}
                """), CHECKED);
        long freeBefore = runner.kernel().allocator().freeFrames();
        RunResult r = runner.run(e -> { });

        assertThat(outcomes(r)).containsOnly(StepEvent.Outcome.OK).hasSize(7);
        long pfn = (Long) r.events().get(0).fields().get("value");
        assertThat(r.events().get(2).fields().get("value")).isEqualTo((pfn << 12) + 0x123);
        assertThat(r.events().get(0).text()).isEqualTo("allocFrame as f");
        assertThat(r.events().get(0).line()).isEqualTo(2);
        assertThat(r.events().get(1).changes().summary()).startsWith("frames +1 page table (")
                .contains("pages +1 (0x00400000 -> ").endsWith("page tables +1");
        assertThat(r.succeeded()).isTrue();
        assertThat(r.report().freeFrames()).isEqualTo(freeBefore);
    }

    @Test
    void run_missedExpectation_failsTheStepAndStops() {
        RunResult r = run("""
                steps:
                  - allocFrame:
                    expect: {frames-taken: 2, fails: false}
                  - check
                """);

        assertThat(outcomes(r)).containsExactly(StepEvent.Outcome.FAILED);
        assertThat(r.events().get(0).failure()).isNull();
        assertThat(r.events().get(0).mismatches()).containsExactly("line 3: expected frames-taken 2, got 1");
        assertThat(r.report().notRun()).isEqualTo(1);
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void run_expectedFailure_isOkAndTheRunGoesOn() {
        RunResult r = run("""
                steps:
                  - unmapPage: 0x00400000
                    expect: {fails: not-mapped}
                  - read: {vaddr: 0xC0100000, user: true}
                    expect: {fault: 0x5}
                  - read: 0xC0100000
                """);

        assertThat(outcomes(r)).containsExactly(StepEvent.Outcome.EXPECTED_FAILURE, StepEvent.Outcome.EXPECTED_FAILURE,
                StepEvent.Outcome.OK);
        assertThat(r.events().get(0).failure().kind()).isEqualTo(Failure.Kind.NOT_MAPPED);
        assertThat(r.events().get(1).failure().kind()).isEqualTo(Failure.Kind.PAGE_FAULT);
        assertThat(r.events().get(1).fields()).containsEntry("fault", 5L).containsEntry("fails", "page-fault");
        assertThat(r.succeeded()).isTrue();
        assertThat(r.report().expectedFailures()).isEqualTo(2);
    }

    @Test
    void run_failureExpectedButSucceeded_orOfAnotherKind_fails() {
        RunResult r = run("""
                on-error: continue
                steps:
                  - allocFrame:
                    expect: {fails: true}
                  - read: 0xC0100000
                    expect: {fault: true}
                  - unmapPage: 0x00400000
                    expect: {fails: out-of-memory}
                  - read: 0x00400000
                    expect: {fault: 0x2}
                """);

        assertThat(outcomes(r)).containsOnly(StepEvent.Outcome.FAILED).hasSize(4);
        assertThat(r.events().stream().map(e -> e.mismatches().get(0)).toList()).containsExactly(
                "line 4: expected it to fail, it succeeded",
                "line 6: expected a page fault, there was none",
                "line 8: expected it to fail with out-of-memory, it failed with not-mapped",
                "line 10: expected page-fault error code 0x2, got 0x00000000");
    }

    @Test
    void run_onErrorStopAndContinue_decideWhetherTheRestRuns() {
        String steps = """
                steps:
                  - freeFrame: 0
                  - unmapPage: 0x00400000
                    as: g
                  - freeFrame: $g
                  - check
                """;

        RunResult stopped = run(steps);
        RunResult continued = run("on-error: continue\n" + steps);
        RunResult overridden = ScenarioRunner.boot(ScenarioReaderTest.parse(steps).withOnError(OnError.CONTINUE),
                CHECKED).run(e -> { });

        assertThat(outcomes(stopped)).containsExactly(StepEvent.Outcome.FAILED);
        assertThat(stopped.events().get(0).failure().kind()).isEqualTo(Failure.Kind.MISUSE);
        assertThat(stopped.report().notRun()).isEqualTo(3);
        assertThat(outcomes(continued)).containsExactly(StepEvent.Outcome.FAILED, StepEvent.Outcome.FAILED,
                StepEvent.Outcome.FAILED, StepEvent.Outcome.OK);
        assertThat(continued.events().get(2).failure()).isEqualTo(new Failure(Failure.Kind.NO_VALUE,
                "$g has no value: the step that names it did not succeed"));
        assertThat(continued.report().failed()).isEqualTo(3);
        assertThat(continued.report().notRun()).isZero();
        assertThat(outcomes(overridden)).isEqualTo(outcomes(continued));
    }

    /** What a failed step must leave alone, read independently of the runner's own comparison. */
    private record Fingerprint(List<String> frames, List<PageTableDump.Range> pages, long freeFrames, long pageTables,
                               long kernelPagesUsed) {
        static Fingerprint of(Kernel k) {
            return new Fingerprint(k.accounting().spans().stream().map(Object::toString).toList(),
                    PageTableDump.ranges(k.mmu()), k.allocator().freeFrames(), k.space().pageTables(),
                    k.vm().kernelPages().usedPageCount());
        }
    }

    @Test
    void run_everyKindOfFailedStep_changesNothing() {
        Scenario scenario = ScenarioReaderTest.parse("""
                on-error: continue
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0x00400000, frame: $f}
                  - freeFrame: 0                                         # misuse: never allocated
                  - mapPage: {vaddr: 0x00400000, frame: $f}              # already mapped
                  - mapPage: {vaddr: 0x00401001, frame: $f}              # misuse: not page aligned
                  - mapPage: {vaddr: 0x00800000, frame: 0x300}           # misuse: a free frame
                  - mapPage: {vaddr: 0xC03FF000, frame: $f}              # misuse: the temporary slot
                  - unmapPage: 0x00800000                                # not mapped
                  - updateFlags: {vaddr: 0x00800000, writable: false}    # not mapped
                  - getFrameAddr: 0x00800000                             # not mapped
                  - kmmap: 64M                                           # out of memory, rolled back
                  - kunmap: 0xC1000000                                   # misuse: nothing there
                  - kunmap: 0x00400000                                   # misuse: outside the area
                  - read: 0x00800000                                     # page fault
                  - write: {vaddr: 0xC0100000, value: 1}                 # page fault: read-only text
                  - write: {vaddr: 0x00400FFE, value: 0xFFFFFFFF, user: true}   # page fault: supervisor page
                  - write: {vaddr: 0x00400FFC, string: "spans into 0x00401000"} # page fault on the 2nd page
                  - read: 0x00400FFC
                    expect: {value: 0}
                """);
        ScenarioRunner runner = ScenarioRunner.boot(scenario, CHECKED);
        List<Fingerprint> after = new ArrayList<>();
        after.add(Fingerprint.of(runner.kernel()));

        RunResult r = runner.run(e -> after.add(Fingerprint.of(runner.kernel())));

        assertThat(r.events()).hasSize(scenario.steps().size());
        List<StepEvent> failed = r.events().stream().filter(e -> e.failure() != null).toList();
        assertThat(failed).hasSize(15);
        assertThat(failed).extracting(e -> e.failure().kind()).doesNotContain(Failure.Kind.INVARIANT)
                .contains(Failure.Kind.MISUSE, Failure.Kind.ALREADY_MAPPED, Failure.Kind.NOT_MAPPED,
                        Failure.Kind.OUT_OF_MEMORY, Failure.Kind.PAGE_FAULT);
        for (StepEvent e : failed) {
            assertThat(after.get(e.step())).as("after step %d, %s", e.step(), e.text()).isEqualTo(after.get(e.step() - 1));
            assertThat(e.changes().unchanged()).as(e.text()).isTrue();
        }
        assertThat(r.events().get(r.events().size() - 1).outcome()).isEqualTo(StepEvent.Outcome.OK);
    }

    @Test
    void run_failedKmmap_madeAndFreedTables_changeColumnSaysNothingChanged() {
        StepEvent e = run("""
                steps:
                  - kmmap: 64M
                    expect: {fails: out-of-memory, frames-taken: 0, pages-mapped: 0}
                """).events().get(0);

        assertThat(e.outcome()).isEqualTo(StepEvent.Outcome.EXPECTED_FAILURE);
        assertThat(e.failure().message()).isEqualTo("kmmap(67108864) returned FAILED: no free frame left");
        assertThat(e.changes().tablesMade()).as("the work it undid").isEqualTo(4);
        assertThat(e.changes().tablesFreed()).isEqualTo(4);
        assertThat(e.changes().summary()).isEqualTo("nothing changed");
    }

    @Test
    void run_freeFrameOfTheLiveDirectory_isMisuseThatChangesNothing_andCheckHolds() {
        RunResult r = run("""
                on-error: continue
                steps:
                  - freeFrame: 0x201
                    expect: {fails: misuse}
                  - freeFrame: 0x202
                    expect: {fails: misuse}
                  - check
                  - allocFrame:
                    as: f
                """);

        assertThat(outcomes(r)).containsExactly(StepEvent.Outcome.EXPECTED_FAILURE, StepEvent.Outcome.EXPECTED_FAILURE,
                StepEvent.Outcome.OK, StepEvent.Outcome.OK);
        assertThat(r.events().get(0).failure().message()).contains("frame 0x00000201 is the live page directory");
        assertThat(r.events().get(1).failure().message()).contains("frame 0x00000202 is the page table of PDE 768");
        assertThat(r.events().get(0).changes().summary()).isEqualTo("nothing changed");
        assertThat(r.events().get(1).changes().summary()).isEqualTo("nothing changed");
        assertThat((Long) r.events().get(3).fields().get(Field.VALUE.key())).as("the directory is not handed out")
                .isNotIn(0x201L, 0x202L);
    }

    @Test
    void run_freeFrameOfAMappedFrame_isMisuse_unmapThenFreeWorks() {
        RunResult r = run("""
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0x00400000, frame: $f}
                  - freeFrame: $f
                    expect: {fails: misuse}
                  - unmapPage: 0x00400000
                  - freeFrame: $f
                    expect: {frames-freed: 1}
                """);

        assertThat(r.succeeded()).as(r.events().toString()).isTrue();
        assertThat(r.events().get(2).failure().message()).contains("is still mapped at 0x00400000");
    }

    @Test
    void run_report_countsTheStepsSlotLoadsOnly() {
        RunResult quiet = run("steps: [check]");
        RunResult mapping = run("""
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0x00400000, frame: $f}
                """);

        assertThat(quiet.report().temporarySlotMappings()).as("the start-up's loads are not the steps'").isZero();
        assertThat(quiet.report().mmu().accesses()).isZero();
        assertThat(mapping.report().temporarySlotMappings()).isPositive().isLessThan(10);
    }

    @Test
    void run_bumpAllocator_failedKmmapLeaksWhatItTook_whichCheckDoesNotCallABug() {
        StepEvent e = run("""
                kernel: {allocator: bump}
                steps:
                  - kmmap: 64M
                    expect: {fails: out-of-memory}
                """).events().get(0);

        assertThat(e.outcome()).isEqualTo(StepEvent.Outcome.EXPECTED_FAILURE);
        assertThat(e.changes().frames()).allSatisfy(f -> assertThat(f.before()).isEqualTo(FrameOwner.FREE));
        assertThat(e.changes().summary()).startsWith("frames +").contains(" allocated (");
    }

    @Test
    void run_checkOption_findsABrokenInvariantAndStopsEvenWhenContinuing() {
        Scenario scenario = ScenarioReaderTest.parse("on-error: continue\nsteps: [allocFrame, check, check]");
        ScenarioRunner runner = ScenarioRunner.boot(scenario, CHECKED);
        Kernel k = runner.kernel();
        // A present entry written behind the kernel's back into its first page table.
        long table = Pde.tablePaddr(k.memory().read32(k.mmu().cr3() + 4L * 768));
        k.memory().write32(table + 4L * 600, 0x0030_0003);

        RunResult r = runner.run(e -> { });

        assertThat(outcomes(r)).containsExactly(StepEvent.Outcome.FAILED);
        assertThat(r.events().get(0).failure().kind()).isEqualTo(Failure.Kind.INVARIANT);
        assertThat(r.events().get(0).failure().message()).contains("PTE 600 of PDE 768");
        assertThat(r.report().notRun()).isEqualTo(2);
    }

    @Test
    void run_checkStep_reportsABrokenInvariantWithoutTheOption() {
        Scenario scenario = ScenarioReaderTest.parse("steps: [check]");
        ScenarioRunner runner = ScenarioRunner.boot(scenario, ScenarioRunner.Options.DEFAULT);
        long table = Pde.tablePaddr(runner.kernel().memory().read32(runner.kernel().mmu().cr3() + 4L * 768));
        runner.kernel().memory().write32(table + 4L * 600, 0x0030_0003);

        assertThat(runner.run(e -> { }).events().get(0).failure().kind()).isEqualTo(Failure.Kind.INVARIANT);
    }

    @Test
    void run_trace_recordsTheSlotOnlyWhenAsked() {
        String yaml = """
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0x00400000, frame: $f}
                    trace: true
                  - mapPage: {vaddr: 0x00401000, frame: $f}
                """;

        RunResult r = run(yaml);
        RunResult all = run(yaml, new ScenarioRunner.Options(false, true));

        assertThat(r.events().get(1).trace()).contains("PDE 1 = 0x" + String.format("%08X",
                (r.events().get(1).changes().frames().get(0).pfn() << 12) | 0x7) + " (P R/W U/S)")
                .anyMatch(line -> line.startsWith("temporary slot: PTE 1023 = frame"));
        assertThat(r.events().get(2).trace()).isEmpty();
        assertThat(all.events().get(2).trace()).anyMatch(line -> line.startsWith("PTE 1 of PDE 1 (0x00401000)"));
    }

    @Test
    void run_accesses_reportTlbAndTheFlagsTheMmuSet() {
        RunResult r = run("""
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0x00400000, frame: $f, user: true}
                  - write: {vaddr: 0x00400000, string: "abc"}
                    expect: {tlb: miss, frame: $f}
                  - read: {vaddr: 0x00400000, length: 3, user: true}
                    expect: {string: abc, tlb: hit}
                  - read: {vaddr: 0x00400001, size: 2}
                    expect: {value: 0x6362}
                  - explain: 0x00400000
                    expect: {mapped: true, frame: $f}
                  - explain: 0x00800000
                    expect: {mapped: false}
                  - invlpg: 0x00400000
                  - read: 0x00400000
                    expect: {tlb: miss}
                """);

        assertThat(outcomes(r)).containsOnly(StepEvent.Outcome.OK);
        assertThat(r.events().get(2).result()).contains("TLB miss; A set in PDE 1, A set in PTE 0, D set in PTE 0");
        assertThat(r.events().get(4).result()).startsWith("0x00006362 \"bc\"");
        assertThat(r.events().get(5).details()).anyMatch(l -> l.startsWith("PTE 0 at "));
        assertThat(r.events().get(7).result()).startsWith("dropped the TLB entry 0x00400000 -> ");
    }

    @Test
    void run_snapshot_showsTheAskedPartsAndChangesNothing() {
        RunResult r = run("""
                steps:
                  - kmmap: 8K
                  - snapshot: {label: now, show: [frames, pages-bitmap], bitmap-pages: 4}
                """);

        StepEvent s = r.events().get(1);
        assertThat(s.result()).isEqualTo("frames, pages-bitmap");
        assertThat(s.details()).anySatisfy(l -> assertThat(l).startsWith("frames (4 KiB): "))
                .anySatisfy(l -> assertThat(l).isEqualTo("  0xC1000000  01 11 00 00"))
                .noneSatisfy(l -> assertThat(l).startsWith("MMU:"));
        assertThat(s.mmu().accesses()).isZero();
        assertThat(s.changes().unchanged()).isTrue();
    }

    @Test
    void run_heapSteps_logTheirBlocks_andAFailedOneChangesNothing() {
        Scenario scenario = ScenarioReaderTest.parse("""
                on-error: continue
                steps:
                  - kmalloc: 100
                    as: a
                    trace: true
                    expect: {heap-blocks: 1, heap-frames: 4, frames-taken: 5}
                  - kcalloc: {count: 4, size: 8}
                    as: z
                  - read: $z+28
                    expect: {value: 0}
                  - krealloc: {vaddr: $a, bytes: 50}
                    expect: {value: $a}
                  - kmallocAligned: {bytes: 10, alignment: 4K}
                    as: al
                  - krealloc: {vaddr: $a, bytes: 256M}       # out of memory: NULL, $a untouched
                  - kfree: $a+1                              # misuse: not a block
                  - kfree: $al
                  - kfree: $al                               # misuse: freed twice
                  - kmalloc: 0
                  - kfree: 0
                  - krealloc: {vaddr: $z, bytes: 0}
                    expect: {heap-blocks: 1}
                """);
        ScenarioRunner runner = ScenarioRunner.boot(scenario, CHECKED);
        List<Object> heapAfter = new ArrayList<>();
        heapAfter.add(List.of());
        // The heap's blocks and what it holds; its counters of calls (failed mallocs) may move.
        RunResult r = runner.run(e -> {
            var heap = runner.kernel().heap();
            heapAfter.add(List.of(heap.blocks(), heap.stats().freeBytes(), heap.stats().framesHeld(),
                    heap.stats().chunks(), runner.kernel().allocator().freeFrames()));
        });

        assertThat(outcomes(r)).containsExactly(StepEvent.Outcome.OK, StepEvent.Outcome.OK, StepEvent.Outcome.OK,
                StepEvent.Outcome.OK, StepEvent.Outcome.OK, StepEvent.Outcome.FAILED, StepEvent.Outcome.FAILED,
                StepEvent.Outcome.OK, StepEvent.Outcome.FAILED, StepEvent.Outcome.OK, StepEvent.Outcome.OK,
                StepEvent.Outcome.OK);
        for (int step : new int[] {6, 7, 9}) {
            assertThat(heapAfter.get(step)).as("step %d", step).isEqualTo(heapAfter.get(step - 1));
            assertThat(r.events().get(step - 1).changes().unchanged()).isTrue();
        }
        assertThat(r.events().get(5).failure().kind()).isEqualTo(Failure.Kind.OUT_OF_MEMORY);
        assertThat(r.events().get(6).failure().kind()).isEqualTo(Failure.Kind.MISUSE);
        StepEvent first = r.events().get(0);
        assertThat(first.changes().heapAllocated()).containsExactly(new Changes.Block((Long) first.fields().get("value"),
                100));
        assertThat(first.trace()).anyMatch(l -> l.startsWith("morecore: kmmap(4 pages)"));
        assertThat(r.events().get(3).changes().summary()).contains("heap -1 block").contains("heap +1 block");
        assertThat(r.events().get(4).fields().get("value")).satisfies(v -> assertThat((Long) v % 4096).isZero());
        assertThat(r.events().get(9).result()).isEqualTo("kmalloc(0) returned NULL: there is nothing to allocate"
                + " (C allows it)");
        assertThat(r.report().heap().liveBlocks()).isEqualTo(1);
    }

    @Test
    void mapPage_inTheKmmapArea_isMisuseNamingTheAreaAndTheNextKmmapWorks() {
        RunResult r = run("""
                steps:
                  - allocFrame:
                    as: f
                  - mapPage: {vaddr: 0xC1000000, frame: $f, writable: true}
                    expect: {fails: misuse}
                  - kmmap: 4096
                    expect: {value: 0xC1000000}
                  - kmalloc: 100
                """);

        assertThat(outcomes(r)).containsExactly(StepEvent.Outcome.OK, StepEvent.Outcome.EXPECTED_FAILURE,
                StepEvent.Outcome.OK, StepEvent.Outcome.OK);
        assertThat(r.events().get(1).failure().message()).startsWith("mapPage: 0xC1000000 is in the kernel heap area"
                + " [0xC1000000, 0xF8000000)");
        assertThat(r.events().get(1).changes().unchanged()).isTrue();
    }

    @Test
    void run_withoutHeapSteps_leavesTheHeapOutOfTheReport() {
        assertThat(run("steps: [allocFrame]").report().heap()).isNull();
    }
}
