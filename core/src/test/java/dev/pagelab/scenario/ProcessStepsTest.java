package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.proc.SwapDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The process steps: what each reports, what expect: compares, and what the kernel refuses. */
class ProcessStepsTest {
    private static final String TWO_FRAMES = "processes: {policy: fifo, frames: 2, swap-slots: 4}\n";

    static RunResult run(String yaml) {
        return ScenarioRunnerTest.run(yaml);
    }

    static StepEvent step(RunResult r, int number) {
        return r.events().get(number - 1);
    }

    @Test
    void access_firstTouchThenHitThenEviction_reportsEachWithThePteBits() {
        RunResult r = run(TWO_FRAMES + """
                steps:
                  - spawn: {name: a, regions: {data: 3}}
                  - write: {process: a, vaddr: 0x1000, value: 7}
                  - read: {process: a, vaddr: 0x1000}
                  - access: {process: a, vaddr: 0x2000}
                  - access: {process: a, vaddr: 0x3000}
                  - explain: {process: a, vaddr: 0x1000}
                  - explain: {process: a, vaddr: 0x2000}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 2).fields()).containsEntry("hit", false).containsEntry("zero-filled", true)
                .containsEntry("victim", "none").containsEntry("written-back", false).containsEntry("tlb", "miss")
                .containsEntry("resident", "[0x00001000]").containsEntry("faults", 1L).containsEntry("quota", 2L)
                .doesNotContainKeys("from-slot", "to-slot", "killed");
        assertThat(step(r, 2).result()).contains("D set in PTE 1").contains("zero-filled (first touch)");
        assertThat(step(r, 3).fields()).containsEntry("hit", true).containsEntry("value", 7L);
        assertThat(step(r, 5).fields()).containsEntry("victim", "a 0x00001000").containsEntry("written-back", true)
                .containsEntry("to-slot", 0L).containsEntry("resident", "[0x00002000, 0x00003000]")
                .containsEntry("page-outs", 1L).containsEntry("swap-used", 1L);
        assertThat(step(r, 5).changes().processPages()).extracting(Changes.ProcessPageChange::vaddr,
                c -> c.after().slot()).containsExactly(org.assertj.core.groups.Tuple.tuple(0x1000L, 0),
                org.assertj.core.groups.Tuple.tuple(0x3000L, -1));
        assertThat(step(r, 6).fields()).containsEntry("present", false).containsEntry("swap-slot", 0L)
                .containsEntry("pte", (long) SwapDevice.entryOf(0)).containsEntry("mapped", false);
        assertThat(step(r, 6).details()).anyMatch(line -> line.contains("pagelab's swap entry: the page's copy is in"
                + " swap slot 0"));
        assertThat(step(r, 7).fields()).containsEntry("present", true).containsEntry("accessed", true)
                .containsEntry("dirty", false).doesNotContainKey("swap-slot");
    }

    @Test
    void expect_missedProcessFields_sayWhatWasThere() {
        RunResult r = run(TWO_FRAMES + """
                on-error: continue
                steps:
                  - spawn: {name: a, regions: {data: 3}}
                  - access: {process: a, vaddr: 0x1000}
                    expect: {hit: true, victim: a 0x2000, resident: [0x2000], from-slot: 3}
                """);

        assertThat(step(r, 2).mismatches()).containsExactly(
                "line 6: expected hit true, got false",
                "line 6: expected victim \"a 0x00002000\", got \"none\"",
                "line 6: expected resident \"[0x00002000]\", got \"[0x00001000]\"",
                "line 6: expected from-slot 3, got none");
    }

    @Test
    void kill_expected_countsAsDoneAndFreesEverything() {
        RunResult r = run(TWO_FRAMES + """
                steps:
                  - spawn: {name: a, regions: {code: 1, data: 1}}
                  - write: {process: a, vaddr: 0x2000, value: 1}
                  - write: {process: a, vaddr: 0x1000, value: 1}
                    expect: {killed: read-only, resident: []}
                  - ps: a
                """);

        assertThat(ScenarioRunnerTest.outcomes(r)).containsExactly(StepEvent.Outcome.OK, StepEvent.Outcome.OK,
                StepEvent.Outcome.EXPECTED_FAILURE, StepEvent.Outcome.OK);
        assertThat(step(r, 3).failure().kind()).isEqualTo(Failure.Kind.KILLED);
        assertThat(step(r, 3).changes().framesFreed()).as("its frames, tables, bitmap and directory").isGreaterThan(2);
        assertThat(step(r, 4).details()).anyMatch(line -> line.startsWith("process 1 (a): killed"))
                .anyMatch(line -> line.contains("killed: a write to the read-only region code"));
    }

    @Test
    void steps_onAnEndedProcess_areMisuseAndChangeNothing() {
        RunResult r = run(TWO_FRAMES + """
                on-error: continue
                steps:
                  - spawn: a
                  - exit: a
                  - access: {process: a, vaddr: 0x2000}
                  - explain: {process: a, vaddr: 0x2000}
                  - exit: a
                """);

        assertThat(r.events().subList(2, 5)).allSatisfy(e -> {
            assertThat(e.failure().kind()).isEqualTo(Failure.Kind.MISUSE);
            assertThat(e.changes().unchanged()).isTrue();
        });
        assertThat(step(r, 4).failure().message()).isEqualTo("explain: process 1 (a) has ended (exited): its page"
                + " directory is gone");
    }

    @Test
    void spawn_belowTheMinimum_isOutOfMemoryAndChangesNothing() {
        RunResult r = run("""
                processes: {frames: 8}
                on-error: continue
                steps:
                  - spawn: a
                  - spawn: b
                    expect: {fails: out-of-memory}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 2).failure().message()).isEqualTo("spawn b: equal allocation of 8 frames among 2 processes"
                + " gives process 1 (a) 4 frames, below the minimum of 6 per process; 2 processes need at least 12"
                + " frames");
        assertThat(step(r, 2).changes().unchanged()).isTrue();
    }

    @Test
    void spawn_theNewProcessBelowTheMinimum_isNamedAsTheOneBeingSpawned() {
        RunResult r = run("""
                processes: {frames: 8, allocation: proportional, min-frames: 2}
                on-error: continue
                steps:
                  - spawn: {name: a, regions: {data: 4}, size: 1000}
                  - spawn: {name: b, regions: {data: 1}}
                    expect: {fails: out-of-memory}
                  - spawn: {name: c, regions: {data: 1}, size: 4000}
                    expect: {fails: out-of-memory}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 2).failure().message()).isEqualTo("spawn b: proportional allocation of 8 frames among 2"
                + " processes gives b (being spawned) 0 frames (size 1), below the minimum of 2 per process");
        assertThat(step(r, 3).failure().message()).startsWith("spawn c: proportional allocation of 8 frames among 2"
                + " processes gives process 1 (a) 1 frame (size 1000)");
    }

    @Test
    void read_userWhileAProcessRuns_isItsReferenceAndItsPolicySeesIt() {
        RunResult r = run("""
                processes: {policy: lru, frames: 2}
                steps:
                  - write: {process: a, vaddr: 0x1000, value: 0xA1}
                  - access: {process: a, vaddr: 0x2000}
                  - read: {vaddr: 0x1000, user: true}
                    expect: {value: 0xA1, tlb: hit}
                  - read: {vaddr: 0x3000, user: true}
                    expect: {value: 0}
                  - write: {vaddr: 0x3002, value: 0xBEEF, size: 2, user: true}
                  - ps: a
                """.replace("steps:\n", "steps:\n  - spawn: {name: a, regions: {data: 3}}\n"));

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 4).fields()).containsEntry("hit", true).containsEntry("faults", 2L);
        assertThat(step(r, 4).result()).startsWith("0x000000A1 (process 1 (a) runs: a read at CPL 3 is its reference)"
                + " at paddr ");
        assertThat(step(r, 5).fields()).as("LRU saw the read of 0x1000: 0x2000 goes").containsEntry("hit", false)
                .containsEntry("zero-filled", true).containsEntry("victim", "a 0x00002000")
                .containsEntry("resident", "[0x00001000, 0x00003000]");
        assertThat(step(r, 6).result()).startsWith("wrote 0x0000BEEF (process 1 (a) runs: a write at CPL 3 is its"
                + " reference)");
        assertThat(step(r, 7).details()).anyMatch(l -> l.contains("5 references, 3 faults"));
    }

    @Test
    void readAndWrite_userWhileAProcessRuns_stringsAndPageCrossingsAreMisuseAndChangeNothing() {
        RunResult r = run("""
                processes: {frames: 2}
                on-error: continue
                steps:
                  - spawn: {name: a, regions: {data: 3}}
                  - access: {process: a, vaddr: 0x1000}
                  - read: {vaddr: 0x1000, length: 3, user: true}
                    expect: {fails: misuse}
                  - write: {vaddr: 0x1000, string: hi, user: true}
                    expect: {fails: misuse}
                  - read: {vaddr: 0x1FFE, size: 4, user: true}
                    expect: {fails: misuse}
                  - ps: a
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 3).failure().message()).isEqualTo("read: 3 bytes at 0x00001000 with user: true while process"
                + " 1 (a) runs: an access at CPL 3 is a's, one reference to one page, so read 1, 2 or 4 bytes (size:) at"
                + " a time");
        assertThat(step(r, 5).failure().message()).isEqualTo("read: 4 bytes at 0x00001FFE cross into the next page: a"
                + " process's access is one reference to one page, so split it");
        assertThat(r.events().subList(2, 5)).allSatisfy(e -> assertThat(e.changes().unchanged()).isTrue());
        assertThat(step(r, 6).details()).anyMatch(l -> l.contains("1 reference, 1 fault"));
    }

    @Test
    void write_userToTheKernelHalfWhileAProcessRuns_killsTheProcess() {
        RunResult r = run("""
                processes: {frames: 2}
                steps:
                  - spawn: {name: a, regions: {data: 1}}
                  - access: {process: a, vaddr: 0x1000}
                  - write: {vaddr: 0xC0100000, value: 1, user: true}
                    expect: {fails: killed}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 3).fields()).containsEntry("killed", "kernel-page");
    }

    @Test
    void read_userWhileNoProcessRuns_isThePlainAccessOfTheKernelsDirectory() {
        RunResult r = run("""
                processes: {frames: 2}
                steps:
                  - spawn: {name: a, regions: {data: 1}}
                  - read: {vaddr: 0x1000, user: true}
                    expect: {fails: page-fault}
                """);

        assertThat(r.succeeded()).isTrue();
        assertThat(step(r, 2).fields()).doesNotContainKey("hit");
        assertThat(step(r, 2).failure().message()).contains("U/S=1 user");
    }

    @Test
    void boot_moreFramesThanTheMachineHas_namesTheBlock() {
        Scenario s = ScenarioReaderTest.parse("title: t\nprocesses:\n  frames: 100000\nsteps: [tick]\n");

        assertThatThrownBy(() -> ScenarioRunner.boot(s, ScenarioRunner.Options.DEFAULT))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("t.yaml:2:1: processes: 100000 frames for processes, but the frame allocator"
                        + " has only ");
    }

    @Test
    void referenceHookPolicy_saysSoInPsAndTheReport() {
        RunResult r = run("processes: {policy: lru, frames: 2}\nsteps: [ps]\n");

        assertThat(step(r, 1).details().get(0)).isEqualTo("processes: lru (" + ProcessSetup.NOT_IMPLEMENTABLE
                + "), local scope, equal allocation of 2 frames (at least 6 a process when several share them), swap"
                + " 4096 slots, 8 ms a transfer");
        assertThat(r.report().render()).contains("processes: " + step(r, 1).details().get(0).substring(11));
    }

    @Test
    void globalScope_victimOfAnotherProcess_isReportedInBothAndInItsPages() {
        RunResult r = run("""
                processes: {policy: fifo, scope: global, frames: 2, swap-slots: 4}
                steps:
                  - spawn: a
                  - spawn: b
                  - write: {process: b, vaddr: 0x2000, value: 1}
                  - access: {process: a, vaddr: 0x2000}
                  - access: {process: a, vaddr: 0x3000}
                    expect: {victim: b 0x2000, written-back: true, to-slot: 0}
                  - ps: b
                    expect: {resident: [], page-outs: 1, evictions: 1}
                """);

        assertThat(r.succeeded()).isTrue();
        List<Changes.ProcessPageChange> pages = step(r, 5).changes().processPages();
        assertThat(pages).extracting(Changes.ProcessPageChange::pid).containsExactly(1, 2);
        assertThat(step(r, 5).changes().summary()).contains("process 1 pages 0x00003000 nothing -> ")
                .contains("process 2 pages 0x00002000 0x").endsWith("-> swap slot 0");
    }
}
